"""Forms that behave on the pricing pages (issue 20): a create form is drawn empty after a save, the same
form saved twice makes one row ("already saved"), and a refused save keeps what was typed. The leader opens
a price list from the approvals queue on the calculation to decide, and approves it or sends it back there.
Finance tables show who or what a row is about and its amount first."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data import db
from data.access import Actor
from data.errors import BackofficeError, PermissionDenied
from pricing import capital, pricelists, selfcost
from pricing.invoicing import settings
from pricing.models import (
    CostItem,
    CostPool,
    DigifinLoan,
    FundPlan,
    InterestRate,
    Investment,
    PriceCalculation,
    PriceList,
    PriceListVat,
)
from tests.conftest import make_actor
from tests.pages import ROOT, errors_of, render, row_count, shown
from tests.pricing.helpers import adopters, orgs, simple_cost_base
from tests.pricing.invoicing.test_pages import small_case  # noqa: F401  (the fixture)

FINANCE, LEADER = make_actor("finance"), make_actor("leader")
ALREADY = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."


def _widget(block, kind: str, label: str):
    return next(w for w in getattr(block, kind) if w.label == label)


def _save(block):
    """Press the form's "Lagre" in `block` (a tab: each tab of these pages has one create form)."""
    return next(b for b in block.button if b.label == "Lagre")


_count = row_count


def _page(path: str, actor: Actor = FINANCE):
    app = render(path, actor, timeout=60)
    assert errors_of(app) == [], errors_of(app)
    return app


# --- investments, rates and class lives ------------------------------------------------------------------


def test_a_new_investment_is_saved_once_and_the_form_is_drawn_empty(db_url):
    app = _page("pricing/pages/investments.py")
    tab = app.tabs[0]
    _widget(tab, "text_input", "Investering").input("Ny saksbehandlingsløsning")
    _widget(tab, "number_input", "Beløp (kr)").set_value(1_250_000.50)
    _save(tab).click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        saved = session.scalars(select(Investment)).all()
        assert [(i.name, i.amount_ore) for i in saved] == [("Ny saksbehandlingsløsning", 125_000_050)]
    tab = app.tabs[0]
    assert _widget(tab, "text_input", "Investering").value == ""          # drawn empty for the next one
    assert _widget(tab, "number_input", "Beløp (kr)").value == 0.0
    # the same investment filled in and saved again: still one row, and the user is told
    _widget(tab, "text_input", "Investering").input("Ny saksbehandlingsløsning")
    _widget(tab, "number_input", "Beløp (kr)").set_value(1_250_000.50)
    _save(tab).click().run(timeout=60)
    assert _count(Investment) == 1
    assert ALREADY in [i.value for i in app.info]


def test_a_refused_investment_keeps_what_was_typed(db_url):
    app = _page("pricing/pages/investments.py")
    tab = app.tabs[0]
    _widget(tab, "text_input", "Investering").input("Skyplattform")     # no amount: refused
    _widget(tab, "text_input", "Merknad").input("Fra prosjektet")
    _save(tab).click().run(timeout=60)
    assert app.error and not app.exception
    assert _count(Investment) == 0
    tab = app.tabs[0]
    assert _widget(tab, "text_input", "Investering").value == "Skyplattform"
    assert _widget(tab, "text_input", "Merknad").value == "Fra prosjektet"


def test_a_year_s_rate_is_saved_once(db_url):
    this_year = date.today().year
    app = _page("pricing/pages/investments.py")
    tab = app.tabs[1]
    assert _widget(tab, "number_input", "År").value == this_year          # no rate for this year yet
    _widget(tab, "number_input", "5-års swaprente, snitt (%)").set_value(3.25)
    _widget(tab, "text_input", "Kilde").input("Norges Bank, snitt")
    _save(tab).click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        rate = session.get(InterestRate, this_year)
        assert (rate.swap_rate, rate.source) == (Decimal("3.25"), "Norges Bank, snitt")
    tab = app.tabs[1]
    assert _widget(tab, "text_input", "Kilde").value == ""
    assert _widget(tab, "number_input", "År").value == this_year + 1      # the next year still without a rate
    _widget(tab, "number_input", "År").set_value(this_year)
    _widget(tab, "number_input", "5-års swaprente, snitt (%)").set_value(3.25)
    _widget(tab, "text_input", "Kilde").input("Norges Bank, snitt")
    _save(tab).click().run(timeout=60)
    assert _count(InterestRate, InterestRate.year == this_year) == 1
    assert ALREADY in [i.value for i in app.info]


def test_an_asset_class_life_is_edited_for_the_class_chosen(db_url):
    app = _page("pricing/pages/investments.py")
    tab = app.tabs[2]
    chooser = app.selectbox(key="class-life-code")
    assert chooser.value == "ict_equipment"
    assert _widget(tab, "number_input", "Lengste avskrivningstid (år)").value == 5        # the first class's life
    chooser.set_value("equipment").run(timeout=60)
    tab = app.tabs[2]
    assert _widget(tab, "number_input", "Lengste avskrivningstid (år)").value == 10       # the chosen class's life
    _widget(tab, "number_input", "Lengste avskrivningstid (år)").set_value(7)
    _widget(tab, "text_input", "Kilde").input("Vedtak 2026")
    _save(tab).click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        lives = capital.class_lives(session)
    changed = [code for code, row in lives.items() if row["version"] is not None]
    assert len(changed) == 1 and (lives[changed[0]]["max_years"], lives[changed[0]]["source"]) == (7, "Vedtak 2026")
    # drawn again from what is stored (its version moved on)
    tab = app.tabs[2]
    assert _widget(tab, "number_input", "Lengste avskrivningstid (år)").value == 7
    assert _widget(tab, "text_input", "Kilde").value == "Vedtak 2026"


# --- cost items and pools --------------------------------------------------------------------------------


def test_a_new_cost_line_is_saved_once_and_a_refused_one_keeps_its_amount(db_url):
    app = _page("pricing/pages/cost_base.py")
    tab = app.tabs[1]
    _widget(tab, "number_input", "Beløp (kr)").set_value(48_000.0)       # no description: refused
    _save(tab).click().run(timeout=60)
    assert app.error and not app.exception
    assert _count(CostItem) == 0
    tab = app.tabs[1]
    assert _widget(tab, "number_input", "Beløp (kr)").value == 48_000.0
    _widget(tab, "text_input", "Beskrivelse").input("Lisenser 2026")
    _save(tab).click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        assert [(i.description, i.amount_ore) for i in session.scalars(select(CostItem))] == \
            [("Lisenser 2026", 4_800_000)]
    tab = app.tabs[1]
    assert _widget(tab, "text_input", "Beskrivelse").value == ""
    _widget(tab, "text_input", "Beskrivelse").input("Lisenser 2026")
    _widget(tab, "number_input", "Beløp (kr)").set_value(48_000.0)
    _save(tab).click().run(timeout=60)
    assert _count(CostItem) == 1
    assert ALREADY in [i.value for i in app.info]


def test_a_new_pool_is_saved_once_and_a_bad_code_keeps_the_name(db_url):
    app = _page("pricing/pages/cost_base.py")
    tab = app.tabs[2]
    _widget(tab, "text_input", "Kode").input("Felles IT")                 # not a code: refused
    _widget(tab, "text_input", "Navn").input("Felles IT-drift")
    _save(tab).click().run(timeout=60)
    assert app.error and not app.exception
    tab = app.tabs[2]
    assert _widget(tab, "text_input", "Navn").value == "Felles IT-drift"
    _widget(tab, "text_input", "Kode").input("felles-it")
    _save(tab).click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    assert _count(CostPool, CostPool.code == "felles-it", CostPool.name == "Felles IT-drift") == 1
    tab = app.tabs[2]
    assert (_widget(tab, "text_input", "Kode").value, _widget(tab, "text_input", "Navn").value) == ("", "")
    _widget(tab, "text_input", "Kode").input("felles-it")
    _widget(tab, "text_input", "Navn").input("Felles IT-drift")
    _save(tab).click().run(timeout=60)
    assert _count(CostPool) == 1
    assert ALREADY in [i.value for i in app.info]


# --- Digifin loans ---------------------------------------------------------------------------------------


def test_a_new_loan_is_saved_once_and_the_form_is_drawn_empty(db_url):
    app = _page("pricing/pages/digifin.py")
    _widget(app, "text_input", "Lån").input("Digifin 2026: ny innbyggerløsning")
    _widget(app, "text_input", "Merknad").input("Tildelt mars")
    _save(app).click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        assert [(x.name, x.note) for x in session.scalars(select(DigifinLoan))] == \
            [("Digifin 2026: ny innbyggerløsning", "Tildelt mars")]
    assert _widget(app, "text_input", "Lån").value == ""
    _widget(app, "text_input", "Lån").input("Digifin 2026: ny innbyggerløsning")
    _widget(app, "text_input", "Merknad").input("Tildelt mars")
    _save(app).click().run(timeout=60)
    assert _count(DigifinLoan) == 1
    assert ALREADY in [i.value for i in app.info]


# --- the fund plan ---------------------------------------------------------------------------------------


def test_a_new_fund_plan_is_saved_once_then_edited_under_its_version(demo_url):
    app = _page("pricing/invoicing/pages/fund.py")
    code = app.selectbox(key="fund-service").value
    app.number_input(key=f"fund-plan-year-{code}").set_value(2040).run(timeout=60)
    _widget(app, "number_input", "Beløp (kr, negativt er avsetning)").set_value(150_000.0)
    _widget(app, "text_input", "Merknad").input("Tilbakeføring over tre år")
    next(b for b in app.button if b.label == "Lagre planen").click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        plans = session.scalars(select(FundPlan).where(FundPlan.year == 2040)).all()
        assert [(p.amount_ore, p.note) for p in plans] == [(15_000_000, "Tilbakeføring over tre år")]
    # the plan now exists: the form shows what is stored, and saving it again is an edit, not a second row
    assert _widget(app, "text_input", "Merknad").value == "Tilbakeføring over tre år"
    _widget(app, "number_input", "Beløp (kr, negativt er avsetning)").set_value(120_000.0)
    next(b for b in app.button if b.label == "Lagre planen").click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        assert [p.amount_ore for p in session.scalars(select(FundPlan).where(FundPlan.year == 2040))] == [12_000_000]


# --- the price list page opens on the calculation the approvals queue links to ---------------------------


MODEL = {"components": [{"basis": "inhabitant", "share": 100}]}


@pytest.fixture
def submitted(db_url, system):
    """Two SvarUt calculations for 2026 that finance sent for approval; the queue links to the second."""
    with db.session_scope(actor=system) as session:
        simple_cost_base(session, FINANCE, year=2026, amount_ore=30_000_000)
        rows = orgs(session, 10_000, 20_000)
        ids = []
        for note in ("Første utkast", "Med ny fordeling"):
            calc = selfcost.calculate_price(session, FINANCE, {"service": "svarut", "year": 2026, "model": MODEL,
                                                               "adopters": adopters(rows), "note": note})
            pricelists.submit(session, FINANCE, {"calculation_id": calc.id})
            ids.append(calc.id)
    return ids


def _open_from_queue(calculation_id: int):
    """The price list page as the leader's approvals queue links to it: ?calculation=<id>."""
    app = AppTest.from_file(str(ROOT / "pricing/pages/price_lists.py"), default_timeout=60)
    app.session_state["actor"] = LEADER
    app.session_state["language"] = "nb"
    app.query_params["calculation"] = str(calculation_id)
    app.run()
    assert errors_of(app) == [], errors_of(app)
    return app


def test_the_leader_opens_the_queued_calculation_and_approves_it_there(submitted):
    first, second = submitted
    app = _open_from_queue(second)
    assert app.selectbox(key="price-queue").value == second                # preselected, not the first
    assert app.header[0].value == "Kalkyler som venter på godkjenning"     # at the top of the page
    assert any(m.label == "Selvkost" and m.value.replace("\xa0", " ") == "300 000,00 kr" for m in app.metric)
    assert any("Venter på godkjenning: sendt av finance" in i.value for i in app.info)
    assert app.button(key=f"queue-approve-{second}-go").disabled          # not before the box is ticked
    app.checkbox(key=f"queue-approve-{second}-ok").check().run(timeout=60)
    app.button(key=f"queue-approve-{second}-go").click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        (price_list,) = session.scalars(select(PriceList)).all()
        assert (price_list.calculation_id, price_list.approved_by, price_list.prepared_by) == \
            (second, "leader", "finance")
        assert session.get(PriceCalculation, first).status == "awaiting_approval"
    # decided: the link no longer opens anything, and the page says so
    assert any("venter ikke lenger på godkjenning" in i.value for i in app.info)
    assert app.selectbox(key="price-queue").value is None


def test_the_leader_sends_the_queued_calculation_back_with_a_reason(submitted):
    first, second = submitted
    app = _open_from_queue(second)
    app.checkbox(key=f"queue-back-{second}-ok").check().run(timeout=60)
    app.button(key=f"queue-back-{second}-go").click().run(timeout=60)      # no reason: refused
    assert "Skriv hva som må endres før du sender kalkylen tilbake." in errors_of(app)
    app.text_input(key=f"queue-reason-{second}").input("Bruk 2025-tallene for befolkning")
    app.button(key=f"queue-back-{second}-go").click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        calc = session.get(PriceCalculation, second)
        assert (calc.status, calc.submitted_by) == ("draft", None)
        assert (calc.sent_back_by, calc.sent_back_reason) == ("leader", "Bruk 2025-tallene for befolkning")
        assert calc.note == "Med ny fordeling"                   # the reason has fields of its own
        assert _count(PriceList) == 0
        assert [r["id"] for r in pricelists.drafts_awaiting(session, only_submitted=True)] == [first]


def test_finance_cannot_send_back_and_a_draft_cannot_be_sent_back(submitted, session):
    first, _second = submitted
    with pytest.raises(PermissionDenied):
        pricelists.send_back(session, FINANCE, {"calculation_id": first, "comment": "Nei"})
    pricelists.send_back(session, LEADER, {"calculation_id": first, "comment": "Feil år"})
    with pytest.raises(BackofficeError, match="venter ikke på godkjenning"):
        pricelists.send_back(session, LEADER, {"calculation_id": first, "comment": "Igjen"})


# --- the key columns first -------------------------------------------------------------------------------


def test_the_bills_show_the_organisation_its_number_and_the_amount_first(submitted):
    _first, second = submitted
    with db.session_scope() as session:
        result = selfcost.get_calculation(session, second).result
    view_app = render("pricing/pages/calculations.py", FINANCE, timeout=60)
    view_app.number_input(key="calc-year").set_value(2026).run(timeout=60)
    assert errors_of(view_app) == []
    bills = next(shown(d) for d in view_app.dataframe if "change_pct" in d.value.columns)
    assert list(bills.columns[:4]) == ["name", "org_number", "total", "previous"]
    assert sorted(bills["total"]) == sorted(f"{c['total_ore'] / 100:,.2f} kr".replace(",", "\xa0").replace(".", ",")
                                            for c in result["charges"])
    assert set(bills["previous"]) == {"–"}                                # no bill the year before


def test_invoice_lines_show_who_is_billed_and_the_amount_first_with_service_names(small_case):  # noqa: F811
    app = _page("pricing/invoicing/pages/runs.py")
    app.text_input(key="inv-period").set_value("2025-Q1").run(timeout=60)
    next(b for b in app.button if b.label == "Forhåndsvis").click().run(timeout=60)
    assert errors_of(app) == [], errors_of(app)
    lines = next(shown(d) for d in app.dataframe if "unit_price" in d.value.columns)
    assert list(lines.columns[:4]) == ["organisation_name", "org_number", "amount_ore", "service_code"]
    assert set(lines["service_code"]) == {"SvarUt"}                       # the name, not the code "svarut"
    summary = next(shown(d) for d in app.dataframe if "fixed_ore" in d.value.columns)
    assert list(summary.columns[:2]) == ["service", "total_ore"]
    assert summary["total_ore"].tolist() == ["21\xa0000,00 kr"]


def test_the_cost_summary_shows_kroner_and_a_dash_where_there_are_no_actuals(db_url, system):
    this_year = date.today().year
    with db.session_scope(actor=system) as session:
        simple_cost_base(session, FINANCE, year=this_year, amount_ore=62_500_050)
    app = _page("pricing/pages/cost_base.py")
    summary = shown(app.dataframe[0])
    assert list(summary.columns[:4]) == ["service", "pool", "cost_type", "budget_ore"]
    assert summary.iloc[0][["service", "budget_ore", "actual_ore", "deviation_ore"]].tolist() == \
        ["SvarUt", "625\xa0000,50 kr", "–", "–"]


def test_the_vat_of_a_price_list_saved_twice_is_one_setting_drawn_again_from_what_is_stored(demo_url):
    with db.session_scope() as session:
        row = next(r for r in settings.vat_rows(session) if r["in_force"] and r["version"] is None)
    app = _page("pricing/invoicing/pages/ehf_settings.py")
    app.selectbox(key="ehf-vat-list").set_value(row["price_list_id"]).run(timeout=60)
    for _press in range(2):              # the form is keyed by the setting's version: a save draws it again
        with db.session_scope() as session:
            version = session.scalar(select(PriceListVat.version)
                                     .where(PriceListVat.price_list_id == row["price_list_id"]))
        key = f"ehf-vat-{row['price_list_id']}-{version}"
        app.selectbox(key=f"{key}-category").set_value("E")
        app.text_input(key=f"{key}-reason").input("Unntatt etter mval. § 3-2")
        app.button(key=f"{key}-save").click().run(timeout=60)
        assert errors_of(app) == [], errors_of(app)
    with db.session_scope() as session:
        version = session.scalar(select(PriceListVat.version).where(PriceListVat.price_list_id == row["price_list_id"]))
    assert app.text_input(key=f"ehf-vat-{row['price_list_id']}-{version}-reason").value == "Unntatt etter mval. § 3-2"
    assert _count(PriceListVat, PriceListVat.price_list_id == row["price_list_id"]) == 1
