"""Cost base: allocation by each key to the øre, the self-cost flag, and the all-or-nothing import."""
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.excel import Column, add_sheet, new_workbook, workbook_bytes
from data.registers.registry import get_service
from data.support.models import SupportTicket
from pricing import costbase, exports
from pricing.models import CostItem
from pricing.tariffs import round_ore
from tests.conftest import make_actor

FINANCE = make_actor("finance")


def _pool(session, key, figures, year=2025, code="felles"):
    costbase.save_pool(session, FINANCE, {"year": year, "code": code, "name": "Felles", "key_type": key})
    costbase.set_key_figures(session, FINANCE, year, code, {"figures": figures})
    costbase.save_cost_item(session, FINANCE, {"year": year, "pool": code, "cost_type": "management",
                                               "description": "Ledelse", "amount_ore": 100_000_000})
    # leadership and elected bodies do not count toward self-cost: never allocated
    costbase.save_cost_item(session, FINANCE, {"year": year, "pool": code, "cost_type": "management",
                                               "description": "Styret", "amount_ore": 5_000_000,
                                               "counts_toward_self_cost": False})


@pytest.mark.parametrize("key, figures, svarut_ore", [
    ("fte", {"svarut": 3, "digisos": 1}, 75_000_000),                         # 3/4 of 1 000 000 kr
    ("usage", {"svarut": 1200, "digisos": 300, "minside": 1500}, 40_000_000),  # 1200/3000
    ("tickets", {"svarut": 45, "digisos": 55}, 45_000_000),
    ("revenue", {"svarut": Decimal("2500000.50"), "digisos": Decimal("2499999.50")}, Decimal("50000010") ),
    ("fixed", {"svarut": 60, "digisos": 40}, 60_000_000),
])
def test_allocation_by_each_key(session, key, figures, svarut_ore):
    _pool(session, key, figures)
    [line] = costbase.allocation_for(session, _sid(session, "svarut"), 2025, "budget")
    assert line.pool_total_ore == 100_000_000          # the 50 000 kr board cost is left out
    assert line.allocated == Decimal(svarut_ore)
    assert line.share == Decimal(figures["svarut"]) / sum(Decimal(v) for v in figures.values())


def _sid(session, code):
    from data.registers.registry import get_service

    return get_service(session, code).id


def test_allocation_keeps_fractions_of_an_ore_until_the_end(session):
    costbase.save_pool(session, FINANCE, {"year": 2025, "code": "p", "name": "P", "key_type": "fte"})
    costbase.set_key_figures(session, FINANCE, 2025, "p", {"figures": {"svarut": 1, "digisos": 1, "minside": 1}})
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "pool": "p", "cost_type": "other",
                                               "description": "x", "amount_ore": 100})
    [line] = costbase.allocation_for(session, _sid(session, "svarut"), 2025, "budget")
    assert line.allocated == Decimal(100) / 3
    assert round_ore(line.allocated) == 33


def test_fixed_key_must_add_up_to_100(session):
    costbase.save_pool(session, FINANCE, {"year": 2025, "code": "f", "name": "F", "key_type": "fixed"})
    with pytest.raises(BackofficeError, match="100"):
        costbase.set_key_figures(session, FINANCE, 2025, "f", {"figures": {"svarut": 60, "digisos": 30}})


def test_cost_item_needs_exactly_one_target(session):
    with pytest.raises(ValidationFailed):
        costbase.save_cost_item(session, FINANCE, {"year": 2025, "cost_type": "other", "description": "x",
                                                   "amount_ore": 1})


def test_only_finance_edits_and_a_denied_write_changes_nothing(session):
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    for role in ("leader", "product_owner", "support"):
        with pytest.raises(PermissionDenied):
            costbase.save_cost_item(session, make_actor(role), {"year": 2025, "service": "svarut",
                                                                "cost_type": "other", "description": "x",
                                                                "amount_ore": 1})
    assert session.scalar(select(func.count()).select_from(CostItem)) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_writes_are_audited(session):
    session.info["actor"] = FINANCE
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "service": "svarut", "cost_type": "support",
                                               "description": "Brukerstøtte", "amount_ore": 12_345})
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "pricing_cost_item"))
    assert entry.action == "insert" and "12345" in entry.changes and entry.actor == "finance"


def _workbook(items, pools=None, figures=None):
    wb = new_workbook()
    add_sheet(wb, "Kostnader", [Column(h) for h in ("Tjeneste", "Kostnadspool", "Kostnadstype", "Grunnlag",
                                                    "Beskrivelse", "Beløp (kr)", "Teller i selvkost")], items)
    if pools is not None:
        add_sheet(wb, "Kostnadspooler", [Column(h) for h in ("Kode", "Navn", "Fordelingsnøkkel")], pools)
    if figures is not None:
        add_sheet(wb, "Nøkkeltall", [Column(h) for h in ("Kostnadspool", "Tjeneste", "Nøkkeltall")], figures)
    return workbook_bytes(wb)


def test_import_replaces_the_year_and_allocates(session):
    content = _workbook(
        [["svarut", None, "Drift", "Budsjett", "Hosting", 1_000_000, "Ja"],
         [None, "felles", "Administrasjon", "Budsjett", "Husleie", "400 000,50", "Ja"],
         [None, "felles", "Ledelse", "Regnskap", "Styremøter", 10_000, "Nei"]],
        pools=[["felles", "Felleskostnader", "Andel årsverk"]],
        figures=[["felles", "svarut", 1], ["felles", "digisos", 3]])
    counts = costbase.import_cost_base(session, FINANCE, 2026, content)
    assert counts == {"items": 3, "pools": 1, "figures": 2}
    rows = costbase.cost_item_rows(session, 2026)
    assert {r["amount_ore"] for r in rows} == {100_000_000, 40_000_050, 1_000_000}
    [line] = costbase.allocation_for(session, _sid(session, "svarut"), 2026, "budget")
    assert line.allocated == Decimal("40000050") / 4
    # importing again replaces, not adds
    costbase.import_cost_base(session, FINANCE, 2026, content)
    assert len(costbase.cost_item_rows(session, 2026)) == 3


def test_import_is_all_or_nothing_and_names_row_and_column(session):
    costbase.save_cost_item(session, FINANCE, {"year": 2026, "service": "svarut", "cost_type": "support",
                                               "description": "Finnes fra før", "amount_ore": 1})
    content = _workbook([
        ["svarut", None, "Drift", "Budsjett", "OK", 100, "Ja"],
        ["finnesikke", None, "Drift", "Budsjett", "Ukjent tjeneste", 100, "Ja"],
        ["svarut", None, "Reise", "Budsjett", "Ukjent type", 100, "Ja"],
        ["svarut", None, "Drift", "Budsjett", "Ugyldig beløp", "mye", "kanskje"],
    ])
    with pytest.raises(ValidationFailed) as caught:
        costbase.import_cost_base(session, FINANCE, 2026, content)
    message = caught.value.message
    assert "Rad 3" in message and "Tjeneste" in message and "finnesikke" in message
    assert "Rad 4" in message and "Kostnadstype" in message
    assert "Rad 5" in message and "Beløp (kr)" in message and "Teller i selvkost" in message
    assert [r["description"] for r in costbase.cost_item_rows(session, 2026)] == ["Finnes fra før"]


def test_export_round_trips_through_import(session):
    _pool(session, "fixed", {"svarut": 60, "digisos": 40}, year=2025)
    costbase.save_cost_item(session, FINANCE, {"year": 2025, "service": "svarut", "cost_type": "support",
                                               "description": "=HYPERLINK(\"x\")", "amount_ore": 99})
    content = exports.cost_base_workbook(session, 2025)
    costbase.import_cost_base(session, FINANCE, 2025, content)
    rows = costbase.cost_item_rows(session, 2025)
    assert sorted(r["amount_ore"] for r in rows) == [99, 5_000_000, 100_000_000]
    assert any(r["description"] == "=HYPERLINK(\"x\")" for r in rows)


def test_ticket_key_figures_come_from_support(session):
    for number, (code, year) in enumerate([("svarut", 2025), ("svarut", 2025), ("digisos", 2025),
                                           ("svarut", 2024)], start=1):
        session.add(SupportTicket(ticket_number=number, subject="Hjelp", status="closed", priority="low",
                                          opened_at=datetime(year, 5, 1, tzinfo=UTC),
                                          service_id=get_service(session, code).id))
    session.flush()
    costbase.save_pool(session, FINANCE, {"year": 2025, "code": "kundesenter", "name": "K", "key_type": "tickets"})
    pool = costbase.fill_key_figures(session, FINANCE, 2025, "kundesenter")
    assert {(f.service_id, f.figure) for f in pool.figures} == {(_sid(session, "svarut"), 2),
                                                              (_sid(session, "digisos"), 1)}
    costbase.save_pool(session, FINANCE, {"year": 2023, "code": "tom", "name": "T", "key_type": "tickets"})
    with pytest.raises(BackofficeError, match="Fant ingen tall"):
        costbase.fill_key_figures(session, FINANCE, 2023, "tom")


def test_stale_edit_is_refused_naming_who_changed_what(session):
    from data.errors import ConflictError

    session.info["actor"] = FINANCE
    item = costbase.save_cost_item(session, FINANCE, {"year": 2025, "service": "svarut", "cost_type": "support",
                                                      "description": "Brukerstøtte", "amount_ore": 100})
    stale = item.version
    payload = {"year": 2025, "service": "svarut", "cost_type": "support", "description": "Brukerstøtte",
               "amount_ore": 200}
    costbase.save_cost_item(session, FINANCE, payload, item_id=item.id, expected_version=stale)
    with pytest.raises(ConflictError, match="amount_ore"):
        costbase.save_cost_item(session, FINANCE, {**payload, "amount_ore": 300}, item_id=item.id,
                                expected_version=stale)
    assert session.get(CostItem, item.id).amount_ore == 200


def test_import_accepts_english_headers(session):
    from data.i18n import set_language

    wb = new_workbook()
    add_sheet(wb, "Costs", [Column(h) for h in ("Service", "Cost pool", "Cost type", "Basis", "Description",
                                                "Amount (NOK)", "Counts toward self-cost")],
              [["svarut", None, "Operations", "Actual", "Hosting", 1234.5, "Yes"]])
    set_language("en")
    try:
        counts = costbase.import_cost_base(session, FINANCE, 2024, workbook_bytes(wb))
    finally:
        set_language("nb")
    assert counts["items"] == 1
    [row] = costbase.cost_item_rows(session, 2024)
    assert (row["basis"], row["cost_type"], row["amount_ore"]) == ("actual", "operations", 123_450)


@pytest.mark.both_databases
def test_reimporting_a_year_logs_each_replaced_item_with_its_old_values(session):
    """Issue 17: re-importing a year's cost base bulk-deleted its items and wrote only inserts (ids reused,
    the old values lost from the log)."""
    session.info["actor"] = FINANCE
    costbase.import_cost_base(session, FINANCE, 2027, _workbook(
        [["svarut", None, "Drift", "Budsjett", "Hosting", 1_000_000, "Ja"],
         ["digisos", None, "Drift", "Budsjett", "Lisenser", 250_000, "Ja"]]))
    old = {item.id: (item.description, item.amount_ore) for item in
           session.scalars(select(CostItem).where(CostItem.year == 2027))}
    first_new_seq = session.scalar(select(func.max(AuditEntry.seq))) + 1
    costbase.import_cost_base(session, FINANCE, 2027, _workbook(
        [["svarut", None, "Drift", "Budsjett", "Hosting, ny avtale", 1_200_000, "Ja"]]))
    entries = session.scalars(select(AuditEntry).where(AuditEntry.seq >= first_new_seq,
                                                       AuditEntry.table_name == "pricing_cost_item")
                              .order_by(AuditEntry.seq)).all()
    deleted = {int(e.row_id): json.loads(e.changes) for e in entries if e.action == "delete"}
    assert {row_id: (c["description"]["before"], c["amount_ore"]["before"]) for row_id, c in deleted.items()} == old
    assert all(c["year"] == {"before": 2027, "after": None} for c in deleted.values())
    assert all(e.actor == "finance" for e in entries)
    [inserted] = [json.loads(e.changes) for e in entries if e.action == "insert"]
    assert inserted["description"] == {"before": None, "after": "Hosting, ny avtale"}
    assert [e.action for e in entries] == ["delete", "delete", "insert"]   # the deletions come first


def test_deviation_only_where_actuals_exist(session):
    """Issue 18, item 8: «actual − budget» only for rows with actuals; a year or row without actuals has
    none (the page shows «–»), never a deviation against an actual of 0."""
    item = {"year": 2027, "cost_type": "operations", "description": "Drift"}
    costbase.save_cost_item(session, FINANCE, {**item, "service": "svarut", "amount_ore": 50_000_000})
    costbase.save_cost_item(session, FINANCE, {**item, "service": "digisos", "amount_ore": 30_000_000})
    (svarut, digisos) = sorted(costbase.cost_summary(session, 2027), key=lambda r: r["service"] != "svarut")
    assert (svarut["actual_ore"], svarut["deviation_ore"]) == (None, None)
    costbase.save_cost_item(session, FINANCE, {**item, "service": "svarut", "basis": "actual",
                                               "amount_ore": 52_500_000})
    rows = {r["service"]: r for r in costbase.cost_summary(session, 2027)}
    assert (rows["svarut"]["budget_ore"], rows["svarut"]["actual_ore"], rows["svarut"]["deviation_ore"]) == (
        50_000_000, 52_500_000, 2_500_000)
    assert (rows["digisos"]["actual_ore"], rows["digisos"]["deviation_ore"]) == (None, None)
    # an actual of exactly 0 is an actual: its deviation is shown
    costbase.save_cost_item(session, FINANCE, {**item, "service": "digisos", "basis": "actual", "amount_ore": 0})
    rows = {r["service"]: r for r in costbase.cost_summary(session, 2027)}
    assert rows["digisos"]["deviation_ore"] == -30_000_000
