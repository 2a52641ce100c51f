"""Approved price lists: a leader approves one calculation as a service's price list for a year.

An approved list and its calculation never change (a guard refuses any update or delete at flush);
a change is a new calculation, approved as a new version, which supersedes the earlier one.

Leaders approving at the same moment take the service's lock first (PostgreSQL: its row; SQLite: the
write lock), so versions are numbered one after the other and a calculation is approved once; the
database's keys (one list per calculation, one version number per service and year) refuse a writer that
took no lock, and every loser is told plainly who approved it.

For invoicing (issue 6) and anyone else who needs the price in force:

    from pricing.pricelists import approved_price
    price = approved_price(session, "svarut", 2025)      # None when no list is approved
    price.charge(population=12_345, units=40_000)        # øre a municipality pays for the year
    price.components_for("county_municipality")          # what that kind pays by (None: no price for it)
    price.agreed_model("municipality")                   # "per_inhabitant", "fixed", "per_unit", ...
    price.population_year                                # whose 1 January figures the list uses

Four eyes: finance writes a calculation and may submit it (status "awaiting_approval", `submitted_by/at`);
a leader who neither wrote nor submitted it approves it, or sends it back to finance as a draft with the reason
in fields of its own (`sent_back_by/at/reason`, cleared when it is submitted again). The price list records both
people (`prepared_by/at`: who submitted it, or wrote it if it was approved as a draft; `approved_by/at`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import get_or_raise
from data.db import utcnow
from data.errors import BackofficeError, ConflictError, validate
from data.formatting import day
from data.i18n import t
from data.locking import lock, refusing_duplicates, unique_key
from data.registers.models import Organisation, OrganisationPopulation, Service
from data.registers.population import population_by_year
from data.registers.registry import get_service
from pricing.models import PriceCalculation, PriceList
from pricing.schemas import ORG_KINDS, ApprovalIn, SubmitIn
from pricing.tariffs import agreed_model, charge, kind_component, kind_components

OPEN_STATUSES = ("draft", "awaiting_approval")    # a leader may approve these


@dataclass(frozen=True)
class ApprovedPrice:
    service: str
    year: int
    number: int                 # price-list version for the service and year
    calculation_id: int
    approved_by: str
    approved_at: datetime
    components: tuple[dict, ...]
    kinds: dict = field(default_factory=lambda: {"municipality": {"charge": "model", "price": None}})
    population_year: int | None = None
    prepared_by: str | None = None
    prepared_at: datetime | None = None

    def components_for(self, kind: str) -> list[dict] | None:
        """What an organisation of `kind` pays by: the model's components, its kind's own price, [] (free),
        or None when the list states no price for the kind."""
        return kind_components(self.kinds, list(self.components), kind)

    def agreed_model(self, kind: str) -> str | None:
        """The agreed price model (agreements' vocabulary) the list prices `kind` by; None: no price."""
        return agreed_model(self.kinds, list(self.components), kind)

    def charge(self, population: int | None = None, units: Decimal | int | None = None,
               kind: str = "municipality") -> int:
        """The year's charge for one organisation, in øre, under this list."""
        return sum(charge(c, population, units) for c in self.components_for(kind) or [])

    def charge_by_component(self, population: int | None = None, units: Decimal | int | None = None) -> list[int]:
        return [charge(c, population, units) for c in self.components]

    def as_dict(self) -> dict:
        return {"service": self.service, "year": self.year, "number": self.number,
                "calculation_id": self.calculation_id, "approved_by": self.approved_by,
                "approved_at": self.approved_at.isoformat(), "components": list(self.components),
                "kinds": self.kinds, "population_year": self.population_year}


def _published(components: list[dict]) -> tuple[dict, ...]:
    keep = ("basis", "share", "tiers", "tier_mode", "tier_prices_ore", "minimum_fee_ore", "fee_ore", "unit_label")
    return tuple({k: c.get(k) for k in keep} for c in components)


def _to_price(price_list: PriceList, code: str) -> ApprovedPrice:
    calc = price_list.calculation
    kinds = calc.result.get("kinds") or {"municipality": {"charge": "model", "price": None}}
    return ApprovedPrice(code, price_list.year, price_list.number, calc.id, price_list.approved_by,
                         price_list.approved_at, _published(calc.result["components"]), kinds,
                         price_list.population_year, price_list.prepared_by, price_list.prepared_at)


def approved_price(session: Session, service_code: str, year: int) -> ApprovedPrice | None:
    """The price list in force for a service and year: the latest approved version, or None."""
    price_list = session.scalar(
        select(PriceList).join(Service, Service.id == PriceList.service_id)
        .where(Service.code == service_code, PriceList.year == year)
        .order_by(PriceList.number.desc()).limit(1))
    return None if price_list is None else _to_price(price_list, service_code)


def approved_prices(session: Session, year: int) -> dict[str, ApprovedPrice]:
    """Every service's price list in force for a year (service code -> price)."""
    latest = (select(PriceList.service_id, func.max(PriceList.number).label("number"))
              .where(PriceList.year == year).group_by(PriceList.service_id).subquery())
    rows = session.execute(
        select(PriceList, Service.code).join(latest, (latest.c.service_id == PriceList.service_id)
                                             & (latest.c.number == PriceList.number))
        .join(Service, Service.id == PriceList.service_id).where(PriceList.year == year))
    return {code: _to_price(pl, code) for pl, code in rows}


APPROVAL_KEYS = (unique_key(PriceList, "uq_pricing_price_list_calculation_id"),
                 unique_key(PriceList, "uq_pricing_price_list_service_id_year_number"))


def _lock(session: Session, calc: PriceCalculation) -> None:
    """Serialise approvals of the service's lists, then read the calculation again."""
    lock(session, select(Service.id).where(Service.id == calc.service_id))
    session.refresh(calc)


def _approved_already(session: Session, calc: PriceCalculation, just: bool) -> ConflictError:
    """Who approved this calculation (or, if another one took the version number, that one)."""
    service = session.get(Service, calc.service_id)
    own = session.scalar(select(PriceList).where(PriceList.calculation_id == calc.id))
    if own is not None:
        key = "price.just_approved" if just else "price.already_approved"
        return ConflictError(t(key, number=calc.number, service=service.name, year=calc.year, who=own.approved_by,
                               version=own.number))
    latest = session.scalar(select(PriceList).where(PriceList.service_id == calc.service_id,
                                                    PriceList.year == calc.year)
                            .order_by(PriceList.number.desc()).limit(1))
    return ConflictError(t("price.list_just_approved", service=service.name, year=calc.year,
                           who=latest.approved_by if latest else "-", version=latest.number if latest else "-"))


def submit(session: Session, actor: Actor, payload) -> PriceCalculation:
    """Finance asks a leader to approve a draft calculation: it waits in the leader's queue (status
    "awaiting_approval", who asked and when). A calculation a leader sent back may be submitted again: the
    return's fields are cleared (the audit log keeps them). Submitting twice is refused plainly."""
    actor.require("pricing.write")
    data = validate(SubmitIn, payload)
    calc = get_or_raise(session, PriceCalculation, data.calculation_id, "price.calculation_not_found")
    if calc.status != "draft":
        service = session.get(Service, calc.service_id)
        raise BackofficeError(t(f"price.not_draft.{calc.status}", number=calc.number, service=service.name,
                                year=calc.year, who=calc.submitted_by or "-"))
    calc.status, calc.submitted_by, calc.submitted_at = "awaiting_approval", actor.username, utcnow()
    calc.sent_back_by, calc.sent_back_at, calc.sent_back_reason = None, None, None
    return calc


def send_back(session: Session, actor: Actor, payload) -> PriceCalculation:
    """A leader sends a calculation submitted for approval back to finance as a draft, saying what must
    change (`comment`, required). Who, when and why are kept in the calculation's own fields
    (`sent_back_by/at/reason`) until finance submits it again; finance's note is left as it is."""
    actor.require("pricing.approve")
    data = validate(ApprovalIn, payload)
    if not data.comment.strip():
        raise BackofficeError(t("price.send_back_reason_missing"))
    calc = get_or_raise(session, PriceCalculation, data.calculation_id, "price.calculation_not_found")
    _lock(session, calc)
    if calc.status != "awaiting_approval":
        service = session.get(Service, calc.service_id)
        raise BackofficeError(t("price.not_awaiting", number=calc.number, service=service.name, year=calc.year))
    calc.status, calc.submitted_by, calc.submitted_at = "draft", None, None
    calc.sent_back_by, calc.sent_back_at, calc.sent_back_reason = actor.username, utcnow(), data.comment.strip()
    return calc


def approve(session: Session, actor: Actor, payload) -> PriceList:
    """A leader approves a calculation (a draft, or one submitted for approval) as the year's price list (a
    new version if one exists). Whoever wrote or submitted the calculation cannot approve it."""
    actor.require("pricing.approve")
    data = validate(ApprovalIn, payload)
    calc = get_or_raise(session, PriceCalculation, data.calculation_id, "price.calculation_not_found")
    actor.require_approval("pricing.approve", calc.created_by)
    actor.require_approval("pricing.approve", calc.submitted_by)
    was_open = calc.status in OPEN_STATUSES
    _lock(session, calc)
    if calc.status not in OPEN_STATUSES:
        raise _approved_already(session, calc, just=was_open)
    number = (session.scalar(select(func.max(PriceList.number)).where(
        PriceList.service_id == calc.service_id, PriceList.year == calc.year)) or 0) + 1
    with refusing_duplicates(session, APPROVAL_KEYS, lambda: _approved_already(session, calc, just=True), stale=True):
        calc.status = "approved"
        price_list = PriceList(service_id=calc.service_id, year=calc.year, number=number, calculation_id=calc.id,
                               approved_by=actor.username, approved_at=utcnow(), comment=data.comment,
                               prepared_by=calc.submitted_by or calc.created_by,
                               prepared_at=calc.submitted_at or calc.created_at,
                               population_year=calc.population_year, calculation=calc)
        session.add(price_list)
    return price_list


def price_list_rows(session: Session, year: int | None = None, service: str | None = None) -> list[dict]:
    """Every approved version (newest first), with whether it is the one in force."""
    query = (select(PriceList, Service.code, Service.name).join(Service, Service.id == PriceList.service_id)
             .order_by(PriceList.year.desc(), Service.code, PriceList.number.desc()))
    if year:
        query = query.where(PriceList.year == year)
    if service:
        query = query.where(Service.code == service)
    rows, seen = [], set()
    for pl, code, name in session.execute(query):
        in_force = (code, pl.year) not in seen
        seen.add((code, pl.year))
        calc = pl.calculation
        rows.append({"id": pl.id, "service": code, "service_name": name, "year": pl.year, "number": pl.number,
                     "calculation_id": calc.id, "calculation_number": calc.number, "in_force": in_force,
                     "self_cost_ore": calc.self_cost_ore, "approved_by": pl.approved_by,
                     "approved_at": pl.approved_at, "comment": pl.comment,
                     "prepared_by": pl.prepared_by, "prepared_at": pl.prepared_at,
                     "population_year": pl.population_year, "kinds": calc.result.get("kinds") or {},
                     "components": calc.result["components"],
                     "adopters": len(calc.result["charges"]) + len(calc.result.get("kind_charges") or [])})
    return rows


def price_history(session: Session, service_code: str) -> list[dict]:
    """The price in force per year for a service: its components' prices (for the service sheet)."""
    service = get_service(session, service_code)
    years = sorted(set(session.scalars(select(PriceList.year).where(PriceList.service_id == service.id))))
    out = []
    for year in years:
        price = approved_price(session, service_code, year)
        calc = session.get(PriceCalculation, price.calculation_id)
        charges = [c["total_ore"] for c in [*calc.result["charges"], *(calc.result.get("kind_charges") or [])]]
        out.append({"year": year, "number": price.number, "components": price.components,
                    "self_cost_ore": calc.self_cost_ore, "adopters": len(charges),
                    "average_bill_ore": round(sum(charges) / len(charges)) if charges else 0})
    return out


def kind_rows(kinds: dict, components: list[dict]) -> list[dict]:
    """How each organisation kind pays under a calculation or list, for display: {kind, charge ("none" when
    the kind has no price), agreed_model, price_ore (the fixed amount or first tier price of its own price),
    minimum_ore}."""
    rows = []
    for kind in ORG_KINDS:
        entry = (kinds or {}).get(kind)
        if entry is None:
            rows.append({"kind": kind, "charge": "none", "agreed_model": None, "price_ore": None, "minimum_ore": None})
            continue
        own = entry.get("price") if "price" in entry else kind_component(entry)
        rows.append({"kind": kind, "charge": entry["charge"], "agreed_model": agreed_model(kinds, components, kind),
                     "price_ore": (own["tier_prices_ore"] or [None])[0] if own else None,
                     "minimum_ore": own.get("minimum_fee_ore") if own else None})
    return rows


# --- population per year (Statistics Norway's figure on 1 January) -------------------------------


def default_population_year(session: Session, price_year: int) -> int | None:
    """The population year a price for `price_year` uses unless finance chooses another: the latest year up
    to the price year that has figures. SSB publishes the 1 January figure of a year in February, so a
    price set in the autumn before uses the figure of the year before; the price year's own figure once
    it is imported."""
    return session.scalar(select(func.max(OrganisationPopulation.year))
                          .where(OrganisationPopulation.year <= price_year)) or session.scalar(
        select(func.max(Organisation.population_year)).where(Organisation.population_year <= price_year))


def populations(session: Session, organisation_ids, year: int | None) -> dict[int, int]:
    """{organisation id: inhabitants on 1 January of `year`} for those that have a figure for the year (the
    register's latest figure when `year` is None: lists approved before prices named a year)."""
    ids = sorted({int(i) for i in organisation_ids})
    if year is None:
        return {i: p for i, p in session.execute(select(Organisation.id, Organisation.population)
                                                 .where(Organisation.id.in_(ids))).all() if p is not None}
    return population_by_year(session, ids, year)


# --- immutability guard -------------------------------------------------------------------------


def refuse_changes_to_approved(session: Session, _context, _instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, PriceList) and (obj in session.deleted or session.is_modified(obj)):
            raise BackofficeError(t("price.approved_immutable"))
        if isinstance(obj, PriceCalculation):
            state = inspect(obj)
            history = state.attrs.status.history
            was = history.deleted[0] if history.deleted else obj.status
            if was == "approved" and (obj in session.deleted or session.is_modified(obj)):
                raise BackofficeError(t("price.approved_immutable"))


def drafts_awaiting(session: Session, only_submitted: bool = False) -> list[dict]:
    """Calculations a leader may approve, newest first: those submitted for approval ("awaiting_approval",
    with who asked and when: the leader's queue) and, unless `only_submitted`, the drafts."""
    statuses = ("awaiting_approval",) if only_submitted else OPEN_STATUSES
    query = (select(PriceCalculation, Service.code).join(Service, Service.id == PriceCalculation.service_id)
             .where(PriceCalculation.status.in_(statuses))
             .order_by(PriceCalculation.status, PriceCalculation.year.desc(), Service.code,
                       PriceCalculation.number.desc()))
    return [{"id": c.id, "service": code, "year": c.year, "number": c.number, "status": c.status,
             "self_cost_ore": c.self_cost_ore, "created_by": c.created_by, "created_at": c.created_at,
             "submitted_by": c.submitted_by, "submitted_at": c.submitted_at, "note": c.note,
             "sent_back_by": c.sent_back_by, "sent_back_at": c.sent_back_at, "sent_back_reason": c.sent_back_reason}
            for c, code in session.execute(query)]


def sent_back_line(who: str, at: datetime | None, reason: str) -> str:
    """What finance reads about a return: "Sendt tilbake av <person> <date>: <reason>" (`who` is the person's
    name; the date is left out where the time is not known: returns from before revision 0410)."""
    if at is None:
        return t("price.sent_back_box_undated", who=who or "–", reason=reason)
    return t("price.sent_back_box", who=who or "–", when=day(at), reason=reason)


def bills_by_organisation(session: Session, year: int) -> tuple[list[str], list[dict]]:
    """What each organisation pays in `year` for every service with a list in force (expected volumes of
    the approved calculations), against the same volumes under the year before's lists.

    Returns (service codes, rows of {org_id, name, org_number, population, <code>: øre, total_ore,
    previous_ore, change_ore}) sorted by name."""
    prices = approved_prices(session, year)
    codes = sorted(prices)
    rows: dict[int, dict] = {}
    for code in codes:
        calc = session.get(PriceCalculation, prices[code].calculation_id)
        for charge_row in [*calc.result["charges"], *(calc.result.get("kind_charges") or [])]:
            row = rows.setdefault(charge_row["org_id"], {
                "org_id": charge_row["org_id"], "name": charge_row["name"], "org_number": charge_row.get("org_number"),
                "population": charge_row.get("population"), "total_ore": 0, "previous_ore": 0, "new_services": 0})
            row[code] = charge_row["total_ore"]
            row["total_ore"] += charge_row["total_ore"]
            if charge_row.get("previous_ore") is None:
                row["new_services"] += 1
            else:
                row["previous_ore"] += charge_row["previous_ore"]
    out = sorted(rows.values(), key=lambda r: r["name"])
    for row in out:
        row["change_ore"] = row["total_ore"] - row["previous_ore"]
    return codes, out
