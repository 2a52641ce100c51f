"""The calculation sheet a finance adviser hands a leader, the price-list exports and the cost base.

Every download the pricing pages offer is built here, so the CLI (`backoffice export ...`) builds the
same files.

The calculation workbook recomputes the price with live formulas from its inputs:
direct costs and capital costs summed, pools allocated by key figures (share = figure / total),
linear depreciation and interest on the average residual value, self-cost = sum − fund use,
base rate = (cost − minimum fees) / weighted volume, tier prices = ROUND(rate × factor, 2) and each
organisation's bill = MAX(minimum, ROUND(Σ quantity × tier price, 2)). The values Excel computes
equal what the app shows, to the øre.
"""
from __future__ import annotations

from decimal import Decimal

from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.excel import (
    FORMATS,
    HEADER_FILL,
    HEADER_FONT,
    Column,
    add_sheet,
    new_workbook,
    safe_text,
    workbook_bytes,
)
from data.i18n import t
from data.registers.models import User
from pricing import costbase
from pricing.models import PriceCalculation, PriceList
from pricing.tariffs import quantity_of, tier_bounds, tier_split

YES, NO = "price.yes", "price.no"


def _kr(ore) -> Decimal:
    """Exact øre (int, Decimal or its string) as exact kroner for a money cell."""
    return Decimal(str(ore)) / 100


def _yes(flag: bool) -> str:
    return t(YES) if flag else t(NO)


def person_names(session: Session) -> dict[str, str]:
    """User name -> the person's full name, for the "prepared by" and "approved by" cells of the exports."""
    return {name: full or name for name, full in session.execute(select(User.username, User.full_name))}


def _sum(sheet: str, column: str, rows: int) -> str:
    return f"=SUM('{sheet}'!{column}2:{column}{rows + 1})" if rows else "=0"


def component_label(index: int, component: dict) -> str:
    label = t(f"price.model.{component['basis']}")
    if component.get("unit_label"):
        label += f" ({component['unit_label']})"
    return f"{index + 1}. {label}"


def calculation_workbook(session: Session, calc: PriceCalculation) -> bytes:
    inputs, result = calc.inputs, calc.result
    year = inputs["year"]
    wb = new_workbook()
    names = {k: t(f"price.xl.{k}") for k in ("summary", "direct", "allocation", "capital", "digifin", "prices",
                                              "tiers", "adopters", "kinds", "inputs")}
    summary = wb.create_sheet(names["summary"])  # first sheet; filled in last (it refers to the others)

    # -- direct costs ----------------------------------------------------------------------------
    direct = inputs["direct"]
    add_sheet(wb, names["direct"], [
        Column(t("price.col.cost_type")), Column(t("price.col.description"), width=40),
        Column(t("price.col.amount"), "money"), Column(t("price.col.counts")),
        Column(t("price.col.counted"), "money")],
        [[t(f"price.type.{d['cost_type']}"), d["description"], d["amount_ore"], _yes(d["counts"]),
          f'=IF(D{r}="{t(YES)}",C{r},0)'] for r, d in enumerate(direct, start=2)],
        total_columns=(3, 5))

    # -- allocation of pooled costs --------------------------------------------------------------
    alloc = inputs["allocation"]
    add_sheet(wb, names["allocation"], [
        Column(t("price.col.pool")), Column(t("price.col.name"), width=30), Column(t("price.col.key_type")),
        Column(t("price.col.pool_total"), "money"), Column(t("price.col.figure"), "decimal"),
        Column(t("price.col.total_figure"), "decimal"), Column(t("price.col.share"), "percent"),
        Column(t("price.col.allocated"), "money")],
        [[a["pool"], a["pool_name"], t(f"price.key.{a['key_type']}"), a["pool_total_ore"], Decimal(a["figure"]),
          Decimal(a["total_figure"]), f"=E{r}/F{r}", f"=D{r}*G{r}"] for r, a in enumerate(alloc, start=2)],
        total_columns=(8,))

    # -- capital costs ---------------------------------------------------------------------------
    cap = inputs["capital"]
    add_sheet(wb, names["capital"], [
        Column(t("price.col.investment"), width=30), Column(t("price.col.amount"), "money"),
        Column(t("price.col.year_in_use"), "int"), Column(t("price.col.years_of_use"), "int"),
        Column(t("price.col.counts")), Column(t("price.col.depreciation"), "money"),
        Column(t("price.col.opening"), "money"), Column(t("price.col.closing"), "money"),
        Column(t("price.col.average"), "money"), Column(t("price.col.imputed_rate"), "percent"),
        Column(t("price.col.interest"), "money"), Column(t("price.col.capital_cost"), "money")],
        [[c["investment"], c["amount_ore"], c["year_in_use"], c["years_of_use"], _yes(c["counts"]),
          f"=B{r}/D{r}", f"=B{r}-F{r}*({year}-C{r}-1)", f"=G{r}-F{r}", f"=(G{r}+H{r})/2",
          Decimal(c["rate_percent"]) / 100, f"=I{r}*J{r}", f'=IF(E{r}="{t(YES)}",F{r}+K{r},0)']
         for r, c in enumerate(cap, start=2)],
        total_columns=(6, 11, 12))

    # -- Digifin ---------------------------------------------------------------------------------
    loans = inputs["digifin"]
    add_sheet(wb, names["digifin"], [Column(t("price.col.loan"), width=30), Column(t("price.col.payment"), "money")],
              [[d["loan"], _kr(d["payment"])] for d in loans], total_columns=(2,))

    # -- adopters: quantities per tier, weights and bills ----------------------------------------
    components = result["components"]
    adopters = result["charges"]
    n = len(adopters)
    prices_sheet, tiers_sheet, adopters_sheet = names["prices"], names["tiers"], names["adopters"]
    # rows of the tier sheet: for each component its tiers
    tier_rows: list[list] = []
    tier_row_of: dict[tuple[int, int], int] = {}
    for ci, comp in enumerate(components):
        for ti, (lower, upper, factor) in enumerate(tier_bounds(comp["tiers"]) if comp["basis"] != "organisation"
                                                    else [(Decimal(0), None, Decimal(1))]):
            row = len(tier_rows) + 2
            tier_row_of[(ci, ti)] = row
            tier_rows.append([component_label(ci, comp), ti + 1, lower, upper, factor,
                              f"=ROUND('{prices_sheet}'!I{ci + 2}*E{row},2)" if comp["basis"] != "organisation"
                              else f"='{prices_sheet}'!I{ci + 2}"])

    adopter_columns = [Column(t("price.col.organisation"), width=30), Column(t("price.col.org_number")),
                       Column(t("price.col.population"), "int"), Column(t("price.col.units"), "decimal")]
    layout = []   # per component: (first tier column, tiers, weight column, minimum column, bill column)
    for ci, comp in enumerate(components):
        label = component_label(ci, comp)
        ntiers = len(tier_bounds(comp["tiers"])) if comp["basis"] != "organisation" else 1
        first = len(adopter_columns) + 1
        for ti in range(ntiers):
            adopter_columns.append(Column(f"{label}: {t('price.col.tier_quantity', tier=ti + 1)}", "decimal"))
        adopter_columns += [Column(f"{label}: {t('price.col.weighted')}", "decimal"),
                            Column(f"{label}: {t('price.col.at_minimum')}"),
                            Column(f"{label}: {t('price.col.bill')}", "money")]
        layout.append((first, ntiers, first + ntiers, first + ntiers + 1, first + ntiers + 2))
    adopter_columns += [Column(t("price.col.total_bill"), "money"), Column(t("price.col.previous_bill"), "money"),
                        Column(t("price.col.change"), "money")]
    total_col = len(adopter_columns) - 2
    rows = []
    for r, adopter in enumerate(adopters, start=2):
        row = [adopter["name"], adopter.get("org_number") or "", adopter.get("population") or 0,
               Decimal(str(adopter.get("units") or 0))]
        bill_cells = []
        for ci, comp in enumerate(components):
            first, ntiers, wcol, mcol, bcol = layout[ci]
            if comp["basis"] == "organisation":
                parts = [Decimal(1)]
            else:
                parts = tier_split(quantity_of(comp, adopter.get("population"), adopter.get("units")), comp["tiers"],
                                   comp["tier_mode"])
            row += parts
            weight_terms = "+".join(f"{get_column_letter(first + ti)}{r}*'{tiers_sheet}'!E{tier_row_of[(ci, ti)]}"
                                    for ti in range(ntiers))
            price_terms = "+".join(f"{get_column_letter(first + ti)}{r}*'{tiers_sheet}'!F{tier_row_of[(ci, ti)]}"
                                   for ti in range(ntiers))
            row.append(f"={weight_terms}")
            row.append(_yes(adopter["org_id"] in comp.get("at_minimum", [])))
            if comp["basis"] == "organisation":
                row.append(f"='{prices_sheet}'!I{ci + 2}")
            else:
                row.append(f"=MAX('{prices_sheet}'!F{ci + 2},ROUND({price_terms},2))")
            bill_cells.append(f"{get_column_letter(bcol)}{r}")
        row.append("=" + "+".join(bill_cells))
        previous = adopter.get("previous_ore")
        row.append(previous)
        row.append(f"={get_column_letter(total_col)}{r}-{get_column_letter(total_col + 1)}{r}"
                   if previous is not None else None)
        rows.append(row)
    money_totals = tuple(layout[ci][4] for ci in range(len(components))) + (total_col, total_col + 1, total_col + 2)
    add_sheet(wb, adopters_sheet, adopter_columns, rows, total_columns=money_totals)

    # -- organisation kinds with a price of their own (county municipalities at a fixed amount, ...) --
    # Their bills are set by the price model, not derived: they reduce what the model's adopters cover.
    kind_charges = result.get("kind_charges") or []
    if kind_charges:
        add_sheet(wb, names["kinds"], [
            Column(t("price.col.organisation"), width=30), Column(t("price.col.org_number")),
            Column(t("price.col.kind")), Column(t("price.col.charge"), width=30),
            Column(t("price.col.population"), "int"), Column(t("price.col.units"), "decimal"),
            Column(t("price.col.total_bill"), "money")],
            [[c["name"], c.get("org_number") or "", t(f"org.kind.{c.get('kind', 'municipality')}"),
              t(f"price.charge.{c['charge']}"), c.get("population") or 0, Decimal(str(c.get("units") or 0)),
              c["total_ore"]] for c in kind_charges], total_columns=(7,))

    # -- prices per component --------------------------------------------------------------------
    price_rows = []
    for ci, comp in enumerate(components):
        r = ci + 2
        _first, _ntiers, wcol, mcol, _bcol = layout[ci]
        wl, ml = get_column_letter(wcol), get_column_letter(mcol)
        weights = f"'{adopters_sheet}'!{wl}2:{wl}{n + 1}"
        flags = f"'{adopters_sheet}'!{ml}2:{ml}{n + 1}"
        if comp["basis"] == "organisation":
            rate = f"=ROUND(D{r}/E{r},2)"
        else:
            rate = f"=IF(H{r}=0,0,(D{r}-G{r}*F{r})/H{r})"
        mode = "–" if comp["basis"] == "organisation" else t(f"price.tier_mode.{comp['tier_mode']}")
        price_rows.append([component_label(ci, comp), mode,
                           Decimal(comp["share"]) / 100, f"='{names['summary']}'!B12*C{r}",
                           f"=SUM({weights})", _kr(comp.get("minimum_fee_ore") or 0),
                           f'=COUNTIF({flags},"{t(YES)}")', f'=SUMIF({flags},"{t(NO)}",{weights})', rate])
    add_sheet(wb, prices_sheet, [
        Column(t("price.col.component"), width=30), Column(t("price.col.tier_mode")),
        Column(t("price.col.share"), "percent"), Column(t("price.col.component_cost"), "money"),
        Column(t("price.col.weighted_volume"), "decimal"), Column(t("price.col.minimum_fee"), "money"),
        Column(t("price.col.at_minimum_count"), "int"), Column(t("price.col.weighted_above_minimum"), "decimal"),
        Column(t("price.col.base_rate"), "decimal")], price_rows)
    for row in wb[prices_sheet].iter_rows(min_row=2, min_col=9, max_col=9):
        for cell in row:
            cell.number_format = "#,##0.000000"
    add_sheet(wb, tiers_sheet, [
        Column(t("price.col.component"), width=30), Column(t("price.col.tier"), "int"),
        Column(t("price.col.from"), "decimal"), Column(t("price.col.to"), "decimal"),
        Column(t("price.col.factor"), "decimal"), Column(t("price.col.tier_price"), "money")], tier_rows)

    # -- summary ---------------------------------------------------------------------------------
    summary.append([t("price.col.item"), t("price.col.amount")])
    summary_rows = [
        (t("price.sum.direct"), _sum(names["direct"], "E", len(direct))),
        (t("price.sum.allocated"), _sum(names["allocation"], "H", len(alloc))),
        (t("price.sum.capital"), _sum(names["capital"], "L", len(cap))),
        (t("price.sum.digifin"), _sum(names["digifin"], "B", len(loans))),
        (t("price.sum.fund_use"), _kr(result["fund_use_ore"])),
        (t("price.sum.self_cost_exact"), "=B2+B3+B4+B5-B6"),
        (t("price.sum.self_cost"), "=ROUND(B7,2)"),
        (t("price.sum.revenue"), f"=SUM('{adopters_sheet}'!{get_column_letter(total_col)}2:"
                                 f"{get_column_letter(total_col)}{n + 1})+B11"),
        (t("price.sum.rounding"), "=B9-B8"),
        (t("price.sum.kind_revenue"), _sum(names["kinds"], "G", len(kind_charges))),
        (t("price.sum.model_cost"), "=B7-B11"),    # what the model's adopters cover: the prices sheet's cost
    ]
    for label, value in summary_rows:
        summary.append([label, value])
    for cell in summary[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
    for row in summary.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = FORMATS["money"]
    summary["A8"].font = summary["B8"].font = Font(bold=True)
    summary.column_dimensions["A"].width = 48
    summary.column_dimensions["B"].width = 22
    summary.freeze_panes = "A2"
    first_price_row = len(summary_rows) + 4
    summary.cell(row=first_price_row - 1, column=1, value=t("price.sum.prices")).font = Font(bold=True)
    r = first_price_row
    for ci, comp in enumerate(components):
        for ti, (lower, upper, _factor) in enumerate(tier_bounds(comp["tiers"]) if comp["basis"] != "organisation"
                                                     else [(0, None, 1)]):
            label = component_label(ci, comp)
            if comp["basis"] != "organisation" and len(comp["tiers"]) > 0:
                label += " " + t("price.tier_range", lower=str(lower), upper=str(upper) if upper else "∞")
            summary.cell(row=r, column=1, value=safe_text(label))
            cell = summary.cell(row=r, column=2, value=f"='{tiers_sheet}'!F{tier_row_of[(ci, ti)]}")
            cell.number_format = FORMATS["money"]
            r += 1

    # -- every input, documented ---------------------------------------------------------------
    doc = [[t("price.doc.service"), f"{inputs['service_name']} ({inputs['service']})"],
           [t("price.doc.year"), year], [t("price.doc.basis"), t(f"price.basis.{inputs['basis']}")],
           [t("price.doc.calculation"), t("price.calc_label", number=calc.number, status=t(f"price.status.{calc.status}"))],
           [t("price.doc.created"), f"{calc.created_by} {calc.created_at:%d.%m.%Y %H:%M} UTC"],
           [t("price.doc.volume_source"), t(f"price.source.{inputs['volume_source']}")],
           [t("price.doc.growth"), inputs.get("volume_growth_percent") or "0"],
           *([[t("price.doc.origin"), t("price.origin_text", **inputs["volume_origin"])]]
             if inputs.get("volume_origin") else []),
           [t("price.doc.imputed_rate"), inputs.get("imputed_rate") or "–"],
           [t("price.doc.fund_use"), _kr(inputs["fund_use_ore"])],
           [t("price.doc.adopters"), n]]
    approval = session.query(PriceList).filter(PriceList.calculation_id == calc.id).one_or_none()
    if approval is not None:
        if approval.prepared_by:
            doc.append([t("price.doc.prepared"), f"{approval.prepared_by} {approval.prepared_at:%d.%m.%Y %H:%M} UTC"])
        doc.append([t("price.doc.approved"), f"{approval.approved_by} {approval.approved_at:%d.%m.%Y %H:%M} UTC "
                                             f"({t('price.list_version', number=approval.number)})"])
    for ci, comp in enumerate(inputs["model"]["components"]):
        tiers = "; ".join(f"≤ {tier['up_to'] or '∞'}: × {tier['factor']}" for tier in comp.get("tiers", [])) or "–"
        model_label = t(f"price.model.{comp['basis']}")
        mode_label = t(f"price.tier_mode.{comp.get('tier_mode', 'graduated')}")
        doc.append([t("price.doc.component", number=ci + 1),
                    f"{model_label}, {comp['share']} %, "
                    f"{mode_label}, {tiers}, "
                    f"{t('price.col.minimum_fee')} {_kr(comp.get('minimum_fee_ore') or 0)} kr"])
    for pool, figures in inputs.get("key_figures", {}).items():
        doc.append([t("price.doc.key_figures", pool=pool), "; ".join(f"{s}: {f}" for s, f in sorted(figures.items()))])
    if calc.note:
        doc.append([t("price.doc.note"), calc.note])
    add_sheet(wb, names["inputs"], [Column(t("price.col.item"), width=40), Column(t("price.col.value"), width=80)],
              [[safe_text(str(a)), safe_text(b) if isinstance(b, str) else b] for a, b in doc])
    return workbook_bytes(wb)


def price_list_workbook(rows: list[dict], people: dict[str, str] | None = None) -> bytes:
    """Approved price lists: one row per component and tier, with the tier price in kroner, who prepared
    the list and who approved it (four eyes), by name where `people` (`person_names`) knows the user."""
    people = people or {}
    wb = new_workbook()
    out = []
    for row in rows:
        for ci, comp in enumerate(row["components"]):
            bounds = tier_bounds(comp["tiers"]) if comp["basis"] != "organisation" else [(0, None, 1)]
            for ti, (lower, upper, _f) in enumerate(bounds):
                out.append([row["service"], row["year"], row["number"], _yes(row["in_force"]),
                            component_label(ci, comp),
                            "–" if comp["basis"] == "organisation" else t(f"price.tier_mode.{comp['tier_mode']}"),
                            ti + 1, lower,
                            upper, comp["tier_prices_ore"][ti], comp.get("minimum_fee_ore") or 0,
                            people.get(row.get("prepared_by"), row.get("prepared_by")) or "–",
                            row.get("prepared_at"),
                            people.get(row["approved_by"], row["approved_by"]), row["approved_at"]])
    add_sheet(wb, t("price.xl.price_lists"), [
        Column(t("price.col.service")), Column(t("price.col.year"), "int"), Column(t("price.col.list_version"), "int"),
        Column(t("price.col.in_force")), Column(t("price.col.component"), width=30), Column(t("price.col.tier_mode")),
        Column(t("price.col.tier"), "int"), Column(t("price.col.from"), "decimal"), Column(t("price.col.to"), "decimal"),
        Column(t("price.col.tier_price"), "money"), Column(t("price.col.minimum_fee"), "money"),
        Column(t("price.col.prepared_by"), width=24), Column(t("price.col.prepared_at"), "datetime"),
        Column(t("price.col.approved_by"), width=24), Column(t("price.col.approved_at"), "datetime")], out)
    return workbook_bytes(wb)


def bills_workbook(calc: PriceCalculation) -> bytes:
    """What each organisation pays under the calculation (by the model, or by its kind's own price), against
    last year's list."""
    wb = new_workbook()
    rows = [[c["name"], c.get("org_number") or "", c.get("population") or 0, Decimal(str(c.get("units") or 0)),
             c["total_ore"], c.get("previous_ore"),
             f"=E{r}-F{r}" if c.get("previous_ore") is not None else None]
            for r, c in enumerate(calc.result["charges"] + (calc.result.get("kind_charges") or []), start=2)]
    add_sheet(wb, t("price.xl.bills"), [
        Column(t("price.col.organisation"), width=30), Column(t("price.col.org_number")),
        Column(t("price.col.population"), "int"), Column(t("price.col.units"), "decimal"),
        Column(t("price.col.total_bill"), "money"), Column(t("price.col.previous_bill"), "money"),
        Column(t("price.col.change"), "money")], rows, total_columns=(5, 6, 7))
    return workbook_bytes(wb)


def organisation_bills_workbook(year: int, codes: list[str], rows: list[dict]) -> bytes:
    """Every organisation's bill for the year, per service, with the total as a formula."""
    wb = new_workbook()
    first = 4
    last_service = first + len(codes) - 1
    total_col = get_column_letter(last_service + 1)
    out = []
    for r, row in enumerate(rows, start=2):
        services = [row.get(code) for code in codes]
        total = (f"=SUM({get_column_letter(first)}{r}:{get_column_letter(last_service)}{r})" if codes else 0)
        out.append([row["name"], row.get("org_number") or "", row.get("population") or 0, *services, total,
                    row["previous_ore"], f"={total_col}{r}-{get_column_letter(last_service + 2)}{r}"])
    columns = [Column(t("price.col.organisation"), width=30), Column(t("price.col.org_number")),
               Column(t("price.col.population"), "int"), *[Column(code, "money") for code in codes],
               Column(t("price.col.total_bill"), "money"), Column(t("price.col.previous_bill"), "money"),
               Column(t("price.col.change"), "money")]
    add_sheet(wb, t("price.xl.organisation_bills", year=year), columns, out,
              total_columns=tuple(range(first, last_service + 4)))
    return workbook_bytes(wb)


def cost_base_workbook(session: Session, year: int) -> bytes:
    """The year's cost base in the import format (`costbase.import_cost_base` reads it back)."""
    workbook = new_workbook()
    rows = [[r["service"], r["pool"], t(f"price.type.{r['cost_type']}"), t(f"price.basis.{r['basis']}"),
             r["description"], r["amount_ore"], _yes(r["counts_toward_self_cost"])]
            for r in costbase.cost_item_rows(session, year)]
    add_sheet(workbook, t("price.sheet.items"),
              [Column(t("price.col.service")), Column(t("price.col.pool")), Column(t("price.col.cost_type")),
               Column(t("price.col.basis")), Column(t("price.col.description"), width=40),
               Column(t("price.col.amount"), "money"), Column(t("price.col.counts"))], rows)
    pools = costbase.pools_of_year(session, year)
    add_sheet(workbook, t("price.sheet.pools"),
              [Column(t("price.col.code")), Column(t("price.col.name"), width=40), Column(t("price.col.key_type"))],
              [[p.code, p.name, t(f"price.key.{p.key_type}")] for p in pools])
    codes = costbase.service_codes(session)
    add_sheet(workbook, t("price.sheet.figures"),
              [Column(t("price.col.pool")), Column(t("price.col.service")), Column(t("price.col.figure"), "decimal")],
              [[p.code, codes[f.service_id], Decimal(f.figure)] for p in pools for f in p.figures])
    return workbook_bytes(workbook)
