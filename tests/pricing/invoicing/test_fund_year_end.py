"""Year-end of the self-cost fund (årsavslutning): a closed year is stored and locked, later corrections to
its accounts go into the first open year, years close in order and only the latest can be reopened.

Figures by hand (svarut has only direct actual costs, no revenue, so result = −cost):
- 2024: cost 10 000 kr, imputed rate 3,5 + 0,5 = 4 %: interest (0 + −1 000 000) / 2 × 4 % = −20 000 øre,
  closing −1 020 000 øre, a deficit of 1 020 000 øre to recover by 31.12.2029.
- A 2 000 kr cost added to 2024 after the closing (result −1 200 000): 2024 stays as closed, the
  −200 000 øre goes into 2025.
- 2025: cost 5 000 kr, rate 4,5 + 0,5 = 5 %: before interest −1 020 000 − 500 000 − 200 000 = −1 720 000;
  interest (−1 020 000 + −1 720 000) / 2 × 5 % = −68 500; closing −1 788 500; new deficit 768 500.
"""
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from data import db
from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied
from data.i18n import set_language
from pricing import costbase
from pricing.invoicing import exports as invoicing_exports
from pricing.invoicing import fund
from pricing.invoicing.models import FundYearEnd
from tests.conftest import make_actor
from tests.pages import errors_of, render
from tests.pricing.helpers import rate
from tests.pricing.invoicing.helpers import FINANCE


def _cost(session, year, amount_ore, description="Drift"):
    costbase.save_cost_item(session, FINANCE, {"year": year, "basis": "actual", "service": "svarut",
                                               "cost_type": "operations", "description": description,
                                               "amount_ore": amount_ore})


@pytest.fixture
def two_years(session):
    session.info["actor"] = FINANCE          # the audit hook records the acting user, as the pages do
    _cost(session, 2024, 1_000_000)
    _cost(session, 2025, 500_000)
    rate(session, FINANCE, 2024, "3.5")
    rate(session, FINANCE, 2025, "4.5")
    return session


def _figures(year: fund.FundYear) -> tuple:
    return (year.year, year.opening_ore, year.result_ore, year.correction_ore, year.interest_ore, year.closing_ore,
            year.new_deficit_ore)


def test_closing_stores_the_years_figures_and_layers(two_years):
    session = two_years
    row = fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2025, 3, 1))
    assert (row.year, row.opening_ore, row.result_ore, row.correction_ore, row.interest_ore, row.closing_ore,
            row.new_deficit_ore, row.set_aside_ore, row.closed_by) == (2024, 0, -1_000_000, 0, -20_000, -1_020_000,
                                                                      1_020_000, 0, "finance")
    assert row.rate_percent == Decimal(4)
    assert row.layers == [{"year": 2024, "original_ore": -1_020_000, "remaining_ore": -1_020_000}]
    statement = fund.statement(session, "svarut", today=date(2025, 3, 1))
    (y24,) = statement.years
    assert y24.closed and y24.closed_by == "finance"
    # the closing was audited like every write
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "pricing_fund_year_end"))
    assert entry.action == "insert" and entry.actor == "finance"


def test_a_later_correction_leaves_the_closed_year_and_goes_into_the_next_open_year(two_years):
    session = two_years
    fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2025, 3, 1))
    _cost(session, 2024, 200_000, "Etterfakturert drift")       # the 2024 accounts change afterwards
    # no open year with accounts yet: the difference waits, and finance is told
    waiting = fund.statement(session, "svarut", today=date(2025, 3, 1))
    assert [_figures(y) for y in waiting.years] == [(2024, 0, -1_000_000, 0, -20_000, -1_020_000, 1_020_000)]
    assert waiting.pending_correction_ore == -200_000
    assert any("2024" in w and "2\xa0000,00" in w for w in waiting.warnings), waiting.warnings
    # in 2026 the 2025 accounts are complete: 2024 is as closed, the −2 000 kr is carried into 2025
    statement = fund.statement(session, "svarut", today=date(2026, 2, 1))
    y24, y25 = statement.years
    assert _figures(y24) == (2024, 0, -1_000_000, 0, -20_000, -1_020_000, 1_020_000)
    assert _figures(y25) == (2025, -1_020_000, -500_000, -200_000, -68_500, -1_788_500, 768_500)
    assert not y25.closed and statement.pending_correction_ore == 0
    assert [(x.year, x.remaining_ore) for x in statement.layers] == [(2024, -1_020_000), (2025, -768_500)]
    # closing 2025 stores the correction with it: it is not carried a second time
    row = fund.close_fund_year(session, FINANCE, "svarut", 2025, today=date(2026, 2, 1))
    assert (row.correction_ore, row.closing_ore) == (-200_000, -1_788_500)
    later = fund.statement(session, "svarut", today=date(2027, 2, 1))
    assert [_figures(y) for y in later.years] == [_figures(y24), _figures(y25)]
    assert later.pending_correction_ore == 0 and later.balance_ore == -1_788_500


def test_the_next_open_year_continues_from_the_stored_closing_balance(two_years):
    session = two_years
    fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2025, 3, 1))
    # a new imputed rate for 2024 would change the computed 2024 interest; the closed year keeps −20 000
    rate(session, FINANCE, 2024, "9.5")
    statement = fund.statement(session, "svarut", today=date(2026, 2, 1))
    y24, y25 = statement.years
    assert (y24.interest_ore, y24.closing_ore) == (-20_000, -1_020_000)
    # 2025: (−1 020 000 + −1 520 000) / 2 × 5 % = −63 500; closing −1 020 000 − 500 000 − 63 500
    assert _figures(y25) == (2025, -1_020_000, -500_000, 0, -63_500, -1_583_500, 563_500)


def test_years_close_in_order_and_only_once_they_have_ended(two_years):
    session = two_years
    with pytest.raises(BackofficeError, match="ikke slutt"):
        fund.close_fund_year(session, FINANCE, "svarut", 2025, today=date(2025, 12, 31))
    with pytest.raises(BackofficeError, match="avslutt 2024 for SvarUt før 2025"):
        fund.close_fund_year(session, FINANCE, "svarut", 2025, today=date(2026, 2, 1))
    assert fund.next_year_to_close(session, "svarut", today=date(2026, 2, 1)) == 2024
    fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2026, 2, 1))
    assert fund.next_year_to_close(session, "svarut", today=date(2026, 2, 1)) == 2025
    with pytest.raises(BackofficeError, match="allerede avsluttet"):
        fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2026, 2, 1))
    _cost(session, 2023, 100_000)                                # a year before the closed one
    with pytest.raises(BackofficeError, match="første åpne år"):
        fund.close_fund_year(session, FINANCE, "svarut", 2023, today=date(2026, 2, 1))
    with pytest.raises(BackofficeError, match="ingenting å avslutte"):
        fund.close_fund_year(session, FINANCE, "svarut", 2026, today=date(2027, 2, 1))
    assert len(fund.closed_years(session, fund.get_service(session, "svarut").id)) == 1


def test_a_year_without_an_imputed_rate_cannot_be_closed(session):
    _cost(session, 2024, 1_000_000)
    with pytest.raises(BackofficeError, match="Kalkylerenten for 2024 mangler"):
        fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2025, 3, 1))
    assert session.scalar(select(FundYearEnd)) is None


def test_reopen_only_the_latest_closed_year_with_a_reason_in_the_audit_log(two_years):
    session = two_years
    fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2026, 2, 1))
    fund.close_fund_year(session, FINANCE, "svarut", 2025, today=date(2026, 2, 1))
    with pytest.raises(BackofficeError, match="gjenåpne 2025 for SvarUt før 2024"):
        fund.reopen_fund_year(session, FINANCE, "svarut", 2024, "Feil i 2024")
    with pytest.raises(BackofficeError, match="Skriv hvorfor"):
        fund.reopen_fund_year(session, FINANCE, "svarut", 2025, "  ")
    with pytest.raises(BackofficeError, match="ikke avsluttet for 2026"):
        fund.reopen_fund_year(session, FINANCE, "svarut", 2026, "Feil")
    row = fund.reopen_fund_year(session, FINANCE, "svarut", 2025, "Kostnad for desember manglet")
    assert (row.reopened_by, row.reopen_reason) == ("finance", "Kostnad for desember manglet")
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "pricing_fund_year_end",
                                                    AuditEntry.action == "update"))
    assert "Kostnad for desember manglet" in entry.changes and entry.actor == "finance"
    # 2025 is computed again from today's accounts; a December cost now counts
    _cost(session, 2025, 100_000, "Desember")
    statement = fund.statement(session, "svarut", today=date(2026, 2, 1))
    y24, y25 = statement.years
    assert y24.closed and not y25.closed
    # (−1 020 000 + −1 620 000) / 2 × 5 % = −66 000
    assert _figures(y25) == (2025, -1_020_000, -600_000, 0, -66_000, -1_686_000, 666_000)
    again = fund.close_fund_year(session, FINANCE, "svarut", 2025, today=date(2026, 2, 1))
    assert again.closing_ore == -1_686_000
    history = fund.year_end_rows(session, "svarut")
    assert [(r["year"], r["closing_ore"], r["reopen_reason"]) for r in history] == [
        (2025, -1_686_000, None), (2025, -1_583_500, "Kostnad for desember manglet"), (2024, -1_020_000, None)]


def test_a_closed_year_cannot_be_edited_or_deleted_behind_the_door(two_years):
    session = two_years
    row = fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2025, 3, 1))
    row.closing_ore = 0
    with pytest.raises(BackofficeError, match="avsluttet og kan ikke endres"):
        session.flush()


def test_only_finance_closes_and_reopens(two_years):
    session = two_years
    for role in ("leader", "product_owner", "support"):
        with pytest.raises(PermissionDenied):
            fund.close_fund_year(session, make_actor(role), "svarut", 2024, today=date(2025, 3, 1))
    assert session.scalar(select(FundYearEnd)) is None
    fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2025, 3, 1))
    with pytest.raises(PermissionDenied):
        fund.reopen_fund_year(session, make_actor("leader"), "svarut", 2024, "Vil se på det igjen")
    assert fund.closed_years(session, fund.get_service(session, "svarut").id)[0].reopened_at is None


def test_errors_in_english(two_years):
    set_language("en")
    try:
        with pytest.raises(BackofficeError, match="Years are closed in order: close 2024 for SvarUt before 2025"):
            fund.close_fund_year(two_years, FINANCE, "svarut", 2025, today=date(2026, 2, 1))
    finally:
        set_language("nb")


def test_the_fund_workbook_marks_closed_years(two_years):
    session = two_years
    fund.close_fund_year(session, FINANCE, "svarut", 2024, today=date(2026, 2, 1))
    sheet = load_workbook(io.BytesIO(invoicing_exports.fund_workbook(session, ["svarut"], today=date(2026, 2, 1))))
    rows = list(sheet["svarut"].iter_rows(values_only=True))
    header = rows[0]
    marks = {r[header.index("År")]: r[header.index("Årsavslutning")] for r in rows[1:] if r[0] in (2024, 2025)}
    assert marks[2024].startswith("Avsluttet ") and marks[2024].endswith(" av finance")
    assert marks[2025] == "Åpent"


def test_cli_close_and_reopen(db_url, system, capsys):
    from admin.cli import main

    with db.session_scope(actor=system) as session:
        _cost(session, 2024, 1_000_000)
        rate(session, FINANCE, 2024, "3.5")
    assert main(["fund", "close", "--service", "svarut", "--year", "2024"]) == 0
    assert "avsluttet for 2024: utgående saldo -10\xa0200,00 kr" in capsys.readouterr().out.replace("−", "-")
    assert main(["fund", "close", "--service", "svarut", "--year", "2024"]) == 1
    captured = capsys.readouterr()
    assert "allerede avsluttet" in captured.err + captured.out
    assert main(["fund", "show", "--service", "svarut"]) == 0
    assert "Avsluttet " in capsys.readouterr().out
    assert main(["fund", "reopen", "--service", "svarut", "--year", "2024", "--reason", "Rettet kostnad"]) == 0
    assert "gjenåpnet for 2024" in capsys.readouterr().out
    with db.session_scope() as session:
        assert session.scalar(select(FundYearEnd.reopen_reason)) == "Rettet kostnad"


def test_finance_closes_a_year_on_the_fund_page(db_url, system):
    with db.session_scope(actor=system) as session:
        _cost(session, 2024, 1_000_000)
        rate(session, FINANCE, 2024, "3.5")
    app = render("pricing/invoicing/pages/fund.py", make_actor("finance"))
    assert errors_of(app) == []
    assert app.button(key="fund-close-svarut-2024-go").disabled
    app.checkbox(key="fund-close-svarut-2024-ok").check().run(timeout=60)
    app.button(key="fund-close-svarut-2024-go").click().run(timeout=60)
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert session.scalar(select(FundYearEnd.closing_ore)) == -1_020_000
    # the leader sees who closed it, and no controls
    app = render("pricing/invoicing/pages/fund.py", make_actor("leader"))
    assert errors_of(app) == []
    assert not [b for b in app.button if (b.key or "").startswith("fund-")]
    assert any("finance" in str(frame.value.to_dict()) for frame in app.dataframe)
