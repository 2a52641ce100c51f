"""Digifin loan: interest during development, serial repayment, surcharge per adopter, by hand."""
from datetime import date
from decimal import Decimal

import pytest

from data.errors import PermissionDenied, ValidationFailed
from pricing import digifin
from pricing.tariffs import round_ore
from tests.conftest import make_actor

FINANCE = make_actor("finance")
LOAN = {"service": "digisos", "name": "Digifin", "interest_rate": "4", "first_repayment_year": 2024,
        "repayment_years": 4, "drawdowns": [{"on_date": date(2022, 7, 1), "amount_ore": 100_000_000},
                                             {"on_date": date(2023, 1, 1), "amount_ore": 100_000_000}]}


def test_schedule_by_hand(session):
    loan = digifin.save_loan(session, FINANCE, LOAN)
    rows = digifin.loan_schedule(loan)
    assert [(r.year, r.phase) for r in rows] == [(2022, "development"), (2023, "development"), (2024, "repayment"),
                                                 (2025, "repayment"), (2026, "repayment"), (2027, "repayment")]
    # 2022: 1 000 000 kr × 4 % × 184/365 days = 20 164,38 kr, added to the loan
    assert round_ore(rows[0].interest) == 2_016_438
    # 2023: both million a full year: 80 000 kr; balance at launch 2 100 164,38 kr
    assert rows[1].interest == Decimal(8_000_000)
    assert round_ore(rows[1].closing) == 210_016_438
    # 2024: principal 525 041,10 kr + 4 % of 2 100 164,38 = 84 006,58 -> payment 609 047,67 kr
    assert round_ore(rows[2].principal) == 52_504_110
    assert round_ore(rows[2].interest) == 8_400_658
    assert round_ore(rows[2].payment) == 60_904_767
    # 2025: interest on 1 575 123,29 kr = 63 004,93 -> payment 588 046,03 kr
    assert round_ore(rows[3].payment) == 58_804_603
    assert rows[-1].closing == 0
    assert sum(r.principal for r in rows) == rows[1].closing


def test_surcharge_falls_as_adoption_grows():
    curve = digifin.surcharge_per_adopter(Decimal(60_904_767), [100, 200, 300])
    assert [round_ore(r["surcharge"]) for r in curve] == [609_048, 304_524, 203_016]


def test_payment_enters_the_year(session):
    loan = digifin.save_loan(session, FINANCE, LOAN)
    [(name, payment)] = digifin.payment_in_year(session, loan.service_id, 2024)
    assert name == "Digifin" and round_ore(payment) == 60_904_767
    assert digifin.payment_in_year(session, loan.service_id, 2023) == []


def test_drawdown_after_launch_is_refused(session):
    bad = {**LOAN, "drawdowns": [{"on_date": date(2024, 2, 1), "amount_ore": 1}]}
    with pytest.raises(ValidationFailed, match="01"):
        digifin.save_loan(session, FINANCE, bad)


def test_only_finance_may_register_loans(session):
    with pytest.raises(PermissionDenied):
        digifin.save_loan(session, make_actor("leader"), LOAN)


def test_a_loan_is_edited_and_deleted_by_id(session):
    from data.errors import NotFound

    loan = digifin.save_loan(session, FINANCE, LOAN)
    changed = digifin.save_loan(session, FINANCE, {**LOAN, "repayment_years": 5}, loan_id=loan.id,
                                expected_version=loan.version)
    assert changed.id == loan.id and len(digifin.loan_schedule(changed)) == 2 + 5
    digifin.delete_loan(session, FINANCE, loan.id)
    with pytest.raises(NotFound, match=f"Fant ikke Digifin-lån {loan.id}"):
        digifin.get_loan(session, loan.id)
