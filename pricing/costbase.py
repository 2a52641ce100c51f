"""Cost base: direct costs per service, shared costs in pools allocated by stored key figures,
and the all-or-nothing Excel import of a year's cost base."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from data import textguard
from data.access import Actor
from data.crud import delete_row, ensure_version, new_or_for_edit, scalar_or_raise
from data.errors import BackofficeError, RowError, ValidationFailed, errors_from_pydantic, validate
from data.excel import open_workbook, sheet_rows
from data.formatting import to_ore
from data.i18n import catalog, t
from data.registers.models import Service
from data.registers.registry import get_service
from pricing import sources
from pricing.models import BASES, COST_TYPES, KEY_TYPES, CostItem, CostPool, PoolKeyFigure
from pricing.schemas import CostItemIn, CostPoolIn, KeyFiguresIn
from pricing.tariffs import round_ore

# --- reads -----------------------------------------------------------------------------------------


def service_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Service.id, Service.code)).all())


def cost_item_rows(session: Session, year: int, basis: str | None = None, service: str | None = None) -> list[dict]:
    """Every cost line of a year, with its service or pool, for the cost base page and export."""
    codes = service_codes(session)
    pools = {p.id: p for p in session.scalars(select(CostPool).where(CostPool.year == year))}
    query = select(CostItem).where(CostItem.year == year).order_by(CostItem.basis, CostItem.cost_type, CostItem.id)
    if basis:
        query = query.where(CostItem.basis == basis)
    rows = []
    for item in session.scalars(query):
        code = codes.get(item.service_id) if item.service_id else None
        if service and code != service:
            continue
        rows.append({
            "id": item.id, "version": item.version, "year": item.year, "basis": item.basis,
            "service": code, "pool": pools[item.pool_id].code if item.pool_id else None,
            "cost_type": item.cost_type, "description": item.description, "amount_ore": item.amount_ore,
            "counts_toward_self_cost": item.counts_toward_self_cost,
        })
    return rows


def cost_summary(session: Session, year: int) -> list[dict]:
    """Budget and actual per service (direct) or pool (shared) and cost type: one SQL aggregate.

    A row without actual cost items has `actual_ore` and `deviation_ore` None (shown as «–»): an actual
    − budget deviation is only worked out where actuals exist, never against a missing actual of 0."""
    codes = service_codes(session)
    pools = dict(session.execute(select(CostPool.id, CostPool.code).where(CostPool.year == year)).all())
    query = (
        select(CostItem.service_id, CostItem.pool_id, CostItem.cost_type, CostItem.basis,
               CostItem.counts_toward_self_cost, func.sum(CostItem.amount_ore))
        .where(CostItem.year == year)
        .group_by(CostItem.service_id, CostItem.pool_id, CostItem.cost_type, CostItem.basis,
                  CostItem.counts_toward_self_cost)
    )
    out: dict[tuple, dict] = {}
    for service_id, pool_id, cost_type, basis, counts, total in session.execute(query):
        key = (codes.get(service_id) if service_id else None, pools.get(pool_id) if pool_id else None, cost_type)
        row = out.setdefault(key, {"service": key[0], "pool": key[1], "cost_type": cost_type,
                                   "budget_ore": 0, "actual_ore": None, "not_counted_ore": 0})
        row[f"{basis}_ore"] = (row[f"{basis}_ore"] or 0) + int(total or 0)
        if not counts and basis == "budget":
            row["not_counted_ore"] += int(total or 0)
    for row in out.values():
        row["deviation_ore"] = None if row["actual_ore"] is None else row["actual_ore"] - row["budget_ore"]
    return sorted(out.values(), key=lambda r: (r["service"] or "~", r["pool"] or "", r["cost_type"]))


def pools_of_year(session: Session, year: int) -> list[CostPool]:
    return list(session.scalars(select(CostPool).where(CostPool.year == year).order_by(CostPool.code)))


def get_pool(session: Session, year: int, code: str) -> CostPool:
    return scalar_or_raise(session, select(CostPool).where(CostPool.year == year, CostPool.code == code),
                           "price.pool_not_found", code=code, year=year)


def years_with_costs(session: Session) -> list[int]:
    return sorted(set(session.scalars(select(CostItem.year).distinct())) |
                  set(session.scalars(select(CostPool.year).distinct())))


# --- writes ----------------------------------------------------------------------------------------


def _description(item: CostItem) -> str:
    return item.description


def save_cost_item(session: Session, actor: Actor, payload, item_id: int | None = None,
                   expected_version: int | None = None) -> CostItem:
    actor.require("pricing.write")
    data = validate(CostItemIn, payload)
    service_id = get_service(session, data.service).id if data.service else None
    pool_id = get_pool(session, data.year, data.pool).id if data.pool else None
    item = new_or_for_edit(session, CostItem, item_id, expected_version, "price.cost_item_not_found",
                           label=_description)
    item.year, item.basis, item.cost_type = data.year, data.basis, data.cost_type
    item.description, item.amount_ore = data.description, data.amount_ore
    item.counts_toward_self_cost = data.counts_toward_self_cost
    item.service_id, item.pool_id = service_id, pool_id
    session.flush()
    return item


def delete_cost_item(session: Session, actor: Actor, item_id: int, expected_version: int | None = None) -> None:
    actor.require("pricing.write")
    delete_row(session, CostItem, item_id, "price.cost_item_not_found", expected_version, label=_description)


def save_pool(session: Session, actor: Actor, payload, expected_version: int | None = None) -> CostPool:
    """Create the pool, or update the one with the same year and code."""
    actor.require("pricing.write")
    data = validate(CostPoolIn, payload)
    pool = session.scalar(select(CostPool).where(CostPool.year == data.year, CostPool.code == data.code))
    if pool is None:
        pool = CostPool(year=data.year, code=data.code)
        session.add(pool)
    else:
        ensure_version(pool, expected_version, pool.name)
    pool.name, pool.key_type, pool.note = data.name, data.key_type, data.note
    session.flush()
    if pool.key_type == "fixed" and pool.figures:
        _check_fixed(pool.code, {f.service_id: f.figure for f in pool.figures})
    return pool


def _check_fixed(code: str, figures: dict) -> None:
    total = sum(figures.values(), Decimal(0))
    if total != 100:
        raise BackofficeError(t("price.fixed_not_100", pool=code, total=str(total)))


def set_key_figures(session: Session, actor: Actor, year: int, pool_code: str, payload) -> CostPool:
    """Replace the pool's key figures (service code -> figure). Stored, so a calculation can be redone."""
    actor.require("pricing.write")
    data = validate(KeyFiguresIn, payload)
    pool = get_pool(session, year, pool_code)
    by_id = {get_service(session, code).id: figure for code, figure in data.figures.items() if figure}
    if pool.key_type == "fixed":
        _check_fixed(pool.code, by_id)
    existing = {f.service_id: f for f in pool.figures}
    for service_id, figure in by_id.items():
        if service_id in existing:
            if existing[service_id].figure != figure:
                existing[service_id].figure = figure
        else:
            pool.figures.append(PoolKeyFigure(service_id=service_id, figure=figure))
    for service_id, row in existing.items():
        if service_id not in by_id:
            pool.figures.remove(row)
    session.flush()
    return pool


def figures_from_sources(session: Session, year: int, key_type: str) -> dict[str, Decimal]:
    """Key figures the system already knows: metered events per service (usage key, from metering) or
    support tickets opened per service (tickets key, from support). {} when there is nothing to take."""
    if key_type == "usage":
        return sources.usage_events_by_service(session, year)
    if key_type == "tickets":
        return sources.tickets_by_service(session, year)
    return {}


def fill_key_figures(session: Session, actor: Actor, year: int, pool_code: str) -> CostPool:
    """Set a usage- or ticket-keyed pool's figures from metering or support; stored like hand-entered ones."""
    actor.require("pricing.write")
    pool = get_pool(session, year, pool_code)
    figures = figures_from_sources(session, year, pool.key_type)
    if not figures:
        raise BackofficeError(t("price.no_source_figures", key=t(f"price.key.{pool.key_type}"), year=year))
    return set_key_figures(session, actor, year, pool_code, {"figures": figures})


# --- allocation ------------------------------------------------------------------------------------


@dataclass
class AllocationLine:
    pool: str
    pool_name: str
    key_type: str
    pool_total_ore: int        # counted costs of the pool (basis of the calculation)
    figure: Decimal            # the service's key figure
    total_figure: Decimal      # all services' figures
    share: Decimal             # figure / total (exact)
    allocated: Decimal         # pool_total × share, in øre, not rounded

    def as_dict(self) -> dict:
        return {"pool": self.pool, "pool_name": self.pool_name, "key_type": self.key_type,
                "pool_total_ore": self.pool_total_ore, "figure": str(self.figure),
                "total_figure": str(self.total_figure), "share": str(self.share), "allocated": str(self.allocated)}


def allocate(pool_total_ore: int, figure: Decimal, total_figure: Decimal) -> Decimal:
    """A service's part of a pool in øre (exact Decimal; rounded only at the end of a calculation)."""
    if not total_figure:
        return Decimal(0)
    return Decimal(pool_total_ore) * Decimal(figure) / Decimal(total_figure)


def allocation_for(session: Session, service_id: int, year: int, basis: str) -> list[AllocationLine]:
    lines = []
    for pool in pools_of_year(session, year):
        total = session.scalar(
            select(func.coalesce(func.sum(CostItem.amount_ore), 0)).where(
                CostItem.pool_id == pool.id, CostItem.basis == basis, CostItem.counts_toward_self_cost.is_(True))
        )
        figures = {f.service_id: Decimal(f.figure) for f in pool.figures}
        total_figure = sum(figures.values(), Decimal(0))
        figure = figures.get(service_id, Decimal(0))
        if not figure or not total:
            continue
        share = figure / total_figure if total_figure else Decimal(0)
        lines.append(AllocationLine(pool.code, pool.name, pool.key_type, int(total), figure, total_figure, share,
                                    allocate(int(total), figure, total_figure)))
    return lines


def allocation_matrix(session: Session, year: int, basis: str = "budget") -> list[dict]:
    """Every pool's allocation to every service with a figure, for the cost base page."""
    codes = service_codes(session)
    out = []
    for pool in pools_of_year(session, year):
        total = session.scalar(
            select(func.coalesce(func.sum(CostItem.amount_ore), 0)).where(
                CostItem.pool_id == pool.id, CostItem.basis == basis, CostItem.counts_toward_self_cost.is_(True))
        )
        total_figure = sum((Decimal(f.figure) for f in pool.figures), Decimal(0))
        for figure in pool.figures:
            share = Decimal(figure.figure) / total_figure if total_figure else Decimal(0)
            out.append({"pool": pool.code, "pool_name": pool.name, "key_type": pool.key_type,
                        "service": codes.get(figure.service_id), "figure": float(figure.figure),
                        "share": float(share), "pool_total_ore": int(total),
                        "allocated_ore": round_ore(allocate(int(total), Decimal(figure.figure), total_figure))})
    return out


# --- import and export ------------------------------------------------------------------------------

ITEM_HEADERS = ("service", "pool", "cost_type", "basis", "description", "amount", "counts")
POOL_HEADERS = ("code", "name", "key_type")
FIGURE_HEADERS = ("pool", "service", "figure")


def _header(name: str) -> str:
    return t(f"price.col.{name}")


def _aliases(name: str) -> set[str]:
    pair = catalog().get(f"price.col.{name}", (name, name))
    return {pair[0].lower(), pair[1].lower(), name}


def _value(record: dict, name: str):
    aliases = _aliases(name)
    for header, value in record.items():
        if header.lower() in aliases:
            return value
    return None


def _missing_columns(headers: list[str], names: tuple[str, ...], sheet: str) -> list[RowError]:
    lowered = {h.lower() for h in headers}
    return [RowError(1, _header(n), t("import.missing_column", column=_header(n)) + f" ({sheet})")
            for n in names if not (_aliases(n) & lowered)]


def _yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("ja", "j", "yes", "y", "1", "true", "sann"):
        return True
    if text in ("nei", "n", "no", "0", "false", "usann"):
        return False
    return None


def _choice(value, choices: tuple[str, ...], prefix: str) -> str | None:
    """Accept the code or its label in either language."""
    text = str(value or "").strip().lower()
    for choice in choices:
        pair = catalog().get(f"{prefix}.{choice}", (choice, choice))
        if text in (choice, pair[0].lower(), pair[1].lower()):
            return choice
    return None


MAX_AMOUNT_ORE = 10**15   # ten trillion kroner: far above any cost line, far below BigInteger's limit
MAX_FIGURE = Decimal(10**12)   # a key figure (users, tickets, inhabitants, a share): a trillion is plenty


def _amount_ore(value) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        if isinstance(value, str):
            value = value.replace(" ", "").replace("\u00a0", "").replace(",", ".")
        amount = to_ore(Decimal(str(value)))
    except (InvalidOperation, ValueError, OverflowError):
        return None
    return amount if abs(amount) <= MAX_AMOUNT_ORE else None


def sheet_names() -> tuple[str, str, str]:
    return t("price.sheet.items"), t("price.sheet.pools"), t("price.sheet.figures")


def import_cost_base(session: Session, actor: Actor, year: int, content: bytes) -> dict[str, int]:
    """Replace a year's cost base (items; and pools and key figures if those sheets are there).

    Every row is checked first; on any error nothing is written and every error names row and column.
    """
    actor.require("pricing.write")
    workbook = open_workbook(content)
    try:
        lowered = {n.lower(): n for n in workbook.sheetnames}

        def find(key: str) -> str | None:
            pair = catalog()[key]
            return lowered.get(pair[0].lower()) or lowered.get(pair[1].lower())

        items_sheet = find("price.sheet.items") or workbook.sheetnames[0]
        pools_sheet, figures_sheet = find("price.sheet.pools"), find("price.sheet.figures")
        sheets = {name: sheet_rows(workbook[name]) for name in (items_sheet, pools_sheet, figures_sheet) if name}
    finally:
        workbook.close()
    errors: list[RowError] = []
    refused = []   # control characters, in any sheet: refused before anything is looked up
    for name, (_headers, rows) in sheets.items():
        refused += textguard.find_cells(rows, label=lambda header, name=name: f"{name}: {header}")
    if refused:
        raise textguard.refusal(refused)
    codes = {code: sid for sid, code in service_codes(session).items()}

    pools: dict[str, dict] = {}
    if pools_sheet:
        headers, rows = sheets[pools_sheet]
        errors += _missing_columns(headers, POOL_HEADERS, pools_sheet)
        for number, record in rows if not errors else []:
            payload = {"year": year, "code": str(_value(record, "code") or "").strip().lower(),
                       "name": str(_value(record, "name") or "").strip(),
                       "key_type": _choice(_value(record, "key_type"), KEY_TYPES, "price.key") or
                       str(_value(record, "key_type"))}
            try:
                CostPoolIn.model_validate(payload)
            except Exception as exc:  # pydantic ValidationError
                errors += [RowError(number, f"{pools_sheet}: {e.field}", e.message)
                           for e in errors_from_pydantic(exc, number)]
                continue
            if payload["code"] in pools:
                errors.append(RowError(number, _header("code"),
                                       t("import.duplicate_row", other=pools[payload["code"]]["row"])))
            pools[payload["code"]] = {**payload, "row": number}
    known_pools = set(pools) if pools_sheet else {p.code for p in pools_of_year(session, year)}

    figures: dict[str, dict[str, Decimal]] = {}
    if figures_sheet:
        headers, rows = sheets[figures_sheet]
        missing = _missing_columns(headers, FIGURE_HEADERS, figures_sheet)
        errors += missing
        for number, record in rows if not missing else []:
            pool = str(_value(record, "pool") or "").strip().lower()
            service = str(_value(record, "service") or "").strip().lower()
            if pool not in known_pools:
                errors.append(RowError(number, _header("pool"), t("price.pool_not_found", code=pool, year=year)))
            if service not in codes:
                errors.append(RowError(number, _header("service"), t("service.not_found", code=service)))
            try:
                figure = Decimal(str(_value(record, "figure")).replace(",", "."))
                if not figure.is_finite() or figure < 0 or figure > MAX_FIGURE:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                errors.append(RowError(number, _header("figure"), t("price.bad_number")))
                continue
            figures.setdefault(pool, {})[service] = figure
        for code, by_service in figures.items():
            kind = pools.get(code, {}).get("key_type") if pools_sheet else next(
                (p.key_type for p in pools_of_year(session, year) if p.code == code), None)
            if kind == "fixed" and sum(by_service.values()) != 100:
                errors.append(RowError(None, f"{figures_sheet}: {code}",
                                       t("price.fixed_not_100", pool=code, total=str(sum(by_service.values())))))

    headers, rows = sheets[items_sheet]
    missing = _missing_columns(headers, ITEM_HEADERS, items_sheet)
    errors += missing
    items = []
    for number, record in rows if not missing else []:
        row_errors = []
        service = str(_value(record, "service") or "").strip().lower() or None
        pool = str(_value(record, "pool") or "").strip().lower() or None
        cost_type = _choice(_value(record, "cost_type"), COST_TYPES, "price.type")
        basis = _choice(_value(record, "basis"), BASES, "price.basis")
        counts = _yes_no(_value(record, "counts"))
        amount = _amount_ore(_value(record, "amount"))
        description = str(_value(record, "description") or "").strip()
        if (service is None) == (pool is None):
            row_errors.append(RowError(number, _header("service"), t("price.cost_target")))
        if service is not None and service not in codes:
            row_errors.append(RowError(number, _header("service"), t("service.not_found", code=service)))
        if pool is not None and pool not in known_pools:
            row_errors.append(RowError(number, _header("pool"), t("price.pool_not_found", code=pool, year=year)))
        if cost_type is None:
            row_errors.append(RowError(number, _header("cost_type"),
                                       t("price.bad_choice", value=_value(record, "cost_type") or "",
                                         choices=", ".join(t(f"price.type.{c}") for c in COST_TYPES))))
        if basis is None:
            row_errors.append(RowError(number, _header("basis"),
                                       t("price.bad_choice", value=_value(record, "basis") or "",
                                         choices=", ".join(t(f"price.basis.{c}") for c in BASES))))
        if counts is None:
            row_errors.append(RowError(number, _header("counts"), t("price.bad_yes_no")))
        if amount is None:
            row_errors.append(RowError(number, _header("amount"), t("price.bad_number")))
        if not description:
            row_errors.append(RowError(number, _header("description"), t("import.required")))
        errors += row_errors
        if not row_errors:
            items.append(dict(service=service, pool=pool, cost_type=cost_type, basis=basis, counts=counts,
                              amount=amount, description=description[:300]))
    if not rows and not errors:
        errors.append(RowError(None, None, t("import.empty")))
    if errors:
        raise ValidationFailed(errors)

    # All rows passed: replace the year's cost base.
    session.execute(delete(CostItem).where(CostItem.year == year))
    if pools_sheet:
        existing = {p.code: p for p in pools_of_year(session, year)}
        for code, pool in existing.items():
            if code not in pools:
                session.delete(pool)
        for code, payload in pools.items():
            pool = existing.get(code) or CostPool(year=year, code=code)
            pool.name, pool.key_type = payload["name"], payload["key_type"]
            session.add(pool)
    session.flush()
    pool_ids = {p.code: p.id for p in pools_of_year(session, year)}
    if figures_sheet:
        for pool in pools_of_year(session, year):
            pool.figures.clear()
        session.flush()   # old figures go before the new ones arrive (one figure per pool and service)
        for pool in pools_of_year(session, year):
            wanted = figures.get(pool.code, {})
            pool.figures.extend(PoolKeyFigure(service_id=codes[s], figure=f) for s, f in sorted(wanted.items()))
        session.flush()
    for item in items:
        session.add(CostItem(year=year, basis=item["basis"], cost_type=item["cost_type"],
                             description=item["description"], amount_ore=item["amount"],
                             counts_toward_self_cost=item["counts"],
                             service_id=codes[item["service"]] if item["service"] else None,
                             pool_id=pool_ids[item["pool"]] if item["pool"] else None))
    session.flush()
    return {"items": len(items), "pools": len(pools), "figures": sum(len(v) for v in figures.values())}
