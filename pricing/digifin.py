"""Digifin loans: borrowed during development, repaid by the adopting organisations after launch.

- During development each drawdown earns simple interest, actual days / 365, from its date until
  1 January of the first repayment year; the interest is added to the loan (capitalised).
- From the first repayment year the loan is repaid as a serial loan over N years: equal principal
  each year plus interest on the balance at the start of the year.
- The year's payment enters the service's self-cost; divided by the adopters it is the surcharge
  each adopting organisation pays.
All figures are exact Decimal øre; rounding happens once, where a figure is shown or priced.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import delete_row, get_or_raise, new_or_for_edit
from data.errors import validate
from data.registers.models import Service
from data.registers.registry import get_service
from pricing.models import DigifinDrawdown, DigifinLoan
from pricing.schemas import DigifinLoanIn

DAYS_IN_YEAR = Decimal(365)


@dataclass
class ScheduleRow:
    year: int
    phase: str                 # "development" or "repayment"
    drawn: Decimal
    opening: Decimal
    interest: Decimal
    principal: Decimal
    payment: Decimal
    closing: Decimal

    def as_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def schedule_for(drawdowns: list[tuple[date, int]], rate_percent: Decimal, first_repayment_year: int,
                 repayment_years: int) -> list[ScheduleRow]:
    rate = Decimal(rate_percent) / 100
    rows: list[ScheduleRow] = []
    balance = Decimal(0)
    start = date(first_repayment_year, 1, 1)
    years = sorted({d.year for d, _ in drawdowns})
    for year in range(years[0], first_repayment_year) if years else []:
        year_start, year_end = date(year, 1, 1), date(year + 1, 1, 1)
        drawn = sum((Decimal(a) for d, a in drawdowns if d.year == year), Decimal(0))
        interest = Decimal(0)
        for d, amount in drawdowns:
            begin = max(d, year_start)
            end = min(year_end, start)
            if d < year_end and end > begin:
                interest += Decimal(amount) * rate * Decimal((end - begin).days) / DAYS_IN_YEAR
        opening = balance
        balance = balance + drawn + interest
        rows.append(ScheduleRow(year, "development", drawn, opening, interest, Decimal(0), Decimal(0), balance))
    principal_per_year = balance / repayment_years if repayment_years else Decimal(0)
    for index in range(repayment_years):
        opening = balance
        interest = opening * rate
        principal = principal_per_year if index < repayment_years - 1 else opening
        balance = opening - principal
        rows.append(ScheduleRow(first_repayment_year + index, "repayment", Decimal(0), opening, interest, principal,
                                principal + interest, balance))
    return rows


def loan_schedule(loan: DigifinLoan) -> list[ScheduleRow]:
    return schedule_for([(d.on_date, d.amount_ore) for d in loan.drawdowns], loan.interest_rate,
                        loan.first_repayment_year, loan.repayment_years)


def payment_in_year(session: Session, service_id: int, year: int) -> list[tuple[str, Decimal]]:
    """(loan name, payment in øre, exact) for each of the service's loans being repaid in `year`."""
    out = []
    for loan in session.scalars(select(DigifinLoan).where(DigifinLoan.service_id == service_id)
                                .order_by(DigifinLoan.id)):
        for row in loan_schedule(loan):
            if row.year == year and row.phase == "repayment" and row.payment:
                out.append((loan.name, row.payment))
    return out


def surcharge_per_adopter(payment: Decimal, adopters: list[int]) -> list[dict]:
    """How the surcharge per adopter falls as adoption grows (payment / adopters)."""
    return [{"adopters": n, "surcharge": (Decimal(payment) / n) if n else None} for n in adopters]


# --- reads ------------------------------------------------------------------------------------------


def get_loan(session: Session, loan_id: int) -> DigifinLoan:
    return get_or_raise(session, DigifinLoan, loan_id, "price.loan_not_found")


def loan_rows(session: Session) -> list[dict]:
    rows = []
    for loan, code in session.execute(select(DigifinLoan, Service.code).join(Service, Service.id ==
                                                                                DigifinLoan.service_id)
                                      .order_by(Service.code, DigifinLoan.name)):
        schedule = loan_schedule(loan)
        borrowed = sum((d.amount_ore for d in loan.drawdowns), 0)
        to_repay = next((r.opening for r in schedule if r.phase == "repayment"), Decimal(0))
        rows.append({"id": loan.id, "version": loan.version, "service": code, "name": loan.name,
                     "interest_rate": loan.interest_rate, "first_repayment_year": loan.first_repayment_year,
                     "repayment_years": loan.repayment_years, "borrowed_ore": borrowed,
                     "to_repay": to_repay, "note": loan.note,
                     "drawdowns": [{"on_date": d.on_date, "amount_ore": d.amount_ore} for d in loan.drawdowns]})
    return rows


# --- writes -----------------------------------------------------------------------------------------


def save_loan(session: Session, actor: Actor, payload, loan_id: int | None = None,
              expected_version: int | None = None) -> DigifinLoan:
    actor.require("pricing.write")
    data = validate(DigifinLoanIn, payload)
    service = get_service(session, data.service)
    loan = new_or_for_edit(session, DigifinLoan, loan_id, expected_version, "price.loan_not_found")
    loan.service_id = service.id
    for key in ("name", "interest_rate", "first_repayment_year", "repayment_years", "note"):
        setattr(loan, key, getattr(data, key))
    wanted = sorted((d.on_date, d.amount_ore) for d in data.drawdowns)
    if sorted((d.on_date, d.amount_ore) for d in loan.drawdowns) != wanted:
        loan.drawdowns = [DigifinDrawdown(on_date=d, amount_ore=a) for d, a in wanted]
    session.flush()
    return loan


def delete_loan(session: Session, actor: Actor, loan_id: int, expected_version: int | None = None) -> None:
    actor.require("pricing.write")
    delete_row(session, DigifinLoan, loan_id, "price.loan_not_found", expected_version)
