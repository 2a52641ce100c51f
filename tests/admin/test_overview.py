"""The leader's dashboard (admin/overview.py, admin/pages/overview.py): headline figures with the right colour for
their change, charts, every area's key figures on request, and day one on a database without demo data."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from admin import overview
from data import db
from data.access import Actor, system_actor
from data.formatting import OSLO, start_of_day
from data.i18n import set_language
from data.metering.usage import create_meter, list_meters
from data.registers.users import MAX_FAILED_SIGN_INS, authenticate, create_user
from data.support.models import SupportTicket
from tests.admin.test_pages import actor_of
from tests.pages import errors_of, render

ADMIN = Actor(username="admin", roles=frozenset({"admin"}))


# --- formats ---------------------------------------------------------------------------------------------

def test_compact_money_in_both_languages():
    assert overview.compact_money(13_094_064_123) == "130,9 mill. kr"
    assert overview.compact_money(84_500_049) == "845\xa0000 kr"
    assert overview.compact_money(-250_000_000) == "-2,5 mill. kr"
    assert overview.compact_money(None) == "–"
    set_language("en")
    assert overview.compact_money(13_094_064_123) == "NOK 130.9 m"
    assert overview.compact_money(84_500_049) == "NOK 845,000"


def test_a_change_starts_with_an_ascii_sign_and_no_change_has_no_direction():
    # Streamlit points the arrow down only for a leading "-" (Babel's minus is U+2212)
    assert overview.signed(23) == "+23"
    assert overview.signed(-1500) == "-1\xa0500"
    assert overview.signed(-0.04, 1, " %") == "±0,0 %"
    assert overview.signed(None) is None


# --- the demo data ---------------------------------------------------------------------------------------

def test_headlines_on_the_demo_data(demo_session):
    figures = overview.headlines(demo_session)
    assert [f.key for f in figures] == ["adoption", "population", "self_cost", "result", "risks_above", "tickets",
                                        "shortage", "changes_waiting"]
    by_key = {f.key: f for f in figures}
    # what a rise means, figure by figure: more tickets, risks and shortage are bad; more adoption is good
    assert {k: f.delta_color for k, f in by_key.items()} == {
        "adoption": "normal", "population": "normal", "self_cost": "inverse", "result": "off",
        "risks_above": "inverse", "tickets": "inverse", "shortage": "inverse", "changes_waiting": "inverse"}
    today = datetime.now(OSLO).date() + timedelta(days=1)
    tickets = demo_session.scalar(select(func.count()).select_from(SupportTicket).where(
        SupportTicket.opened_at >= start_of_day(today - timedelta(days=30)),
        SupportTicket.opened_at < start_of_day(today)))
    assert by_key["tickets"].value == str(tickets)
    for key in ("self_cost", "result"):   # money compact on the card, the exact amount in its help
        assert re.fullmatch(r"−?\d+,\d mill\. kr", by_key[key].value), by_key[key].value
        assert re.search(r"\d,\d\d kr", by_key[key].help)
    assert all(f.page for f in figures)


def test_charts_on_the_demo_data(demo_session):
    charts = overview.charts(demo_session)
    assert charts.adoption and all(p["municipalities"] > 0 for p in charts.adoption)
    assert charts.coverage and all("service" in r and r["coverage_pct"] > 0 for r in charts.coverage)
    assert charts.risks and sum(r["risks"] for r in charts.risks) == int(overview._risks_above(demo_session))
    assert len(charts.capacity) == 6
    assert charts.support and not any(re.fullmatch(r"[a-z_-]+", r["service"]) for r in charts.support)  # names


def test_leader_reads_the_dashboard(demo_url):
    app = render("admin/pages/overview.py", actor_of("leader"))
    assert not errors_of(app)
    assert [h.value for h in app.header][-2:] == ["Hovedtall", "Utviklingen"]
    assert len(app.metric) == 8
    charts = [m.value for m in app.markdown if 'class="bo-chart"' in m.value]
    assert len(charts) == 5
    assert "Kommuner som bruker tjenestene" in charts[0] and "kv. " in charts[0]   # Norwegian quarters
    assert not any("…" in m.value for m in app.metric)
    assert "Kom i gang" not in [h.value for h in app.header]   # the demo data is set up
    app.toggle(key="overview_all_figures").set_value(True).run()
    areas = [h.value for h in app.header]
    assert {"Registre og brukere", "Brukerstøtte", "Økonomi", "Risiko og sikkerhet"} <= set(areas)
    assert len(app.metric) > 40   # nothing lost: every area's own figures are there on request


def test_english_dashboard(demo_url):
    app = render("admin/pages/overview.py", actor_of("leader"), language="en")
    assert not errors_of(app)
    labels = [m.label for m in app.metric]
    assert "Tickets, last 30 days" in labels
    assert any(m.value.startswith("NOK ") and m.value.endswith(" m") for m in app.metric)


# --- day one -------------------------------------------------------------------------------------------------

def test_an_empty_installation_shows_start_here_and_no_zeros(session):
    assert overview.areas_with_data(session) == {"module.admin"}
    assert overview.headlines(session) == []
    charts = overview.charts(session)
    assert not (charts.adoption or charts.coverage or charts.risks or charts.capacity or charts.support)
    assert [area for area, _ in overview.overview(session, ADMIN)] == ["Registre og brukere"]
    steps = {s.key: s.done for s in overview.setup_steps(session)}
    assert steps == {"users": False, "organisations": True, "product_owners": False, "agreements": False,
                     "cost_base": False, "price_lists": False, "meters": False, "change_board": False}


def test_steps_tick_themselves_off(session, system):
    create_user(session, system, {"username": "kari", "full_name": "Kari Nordmann", "roles": ["finance"],
                                  "password": "et langt og godt passord"})
    create_meter(session, system, {"code": "svarut.sendt", "service": "svarut", "name": "Sendte forsendelser",
                                   "unit": "forsendelser"})
    steps = {s.key: s.done for s in overview.setup_steps(session)}
    assert steps["users"] and steps["meters"]
    assert not steps["agreements"]


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_administrator_lands_on_the_checklist(db_url, language):
    app = render("admin/pages/overview.py", ADMIN, language=language)
    assert not errors_of(app)
    assert app.header[0].value == ("Kom i gang" if language == "nb" else "Start here")
    assert not app.metric   # no wall of zeros
    assert "Forbruk" not in [h.value for h in app.header]
    texts = [m.value for m in app.markdown]
    assert any("Målere (gjenstår)" in m for m in texts) if language == "nb" else any("Meters (to do)" in m
                                                                                       for m in texts)


def test_meters_are_set_up_in_the_app_and_the_checklist_follows_at_once(db_url):
    before = render("admin/pages/overview.py", ADMIN)
    assert any("Målere (gjenstår)" in m.value for m in before.markdown)
    usage = render("data/metering/pages/usage.py", ADMIN)
    assert not errors_of(usage)
    assert not any("load-defaults" in i.value for i in usage.info)   # no command line to set up meters
    next(b for b in usage.button if b.label == "Legg inn standardmålerne").click().run()
    assert not errors_of(usage)
    with db.session_scope() as s:
        assert len(list_meters(s)) > 0
    after = render("admin/pages/overview.py", ADMIN)   # the write shows at once: no stale cache
    assert any("Målere (ferdig)" in m.value for m in after.markdown)


# --- sign-in lock-out, as the administrator sees it -------------------------------------------------------------

def test_the_administrator_sees_locked_accounts_and_when_they_open(demo_url):
    now = datetime.now(OSLO)
    with db.session_scope(actor=system_actor("test")) as s:
        for _ in range(MAX_FAILED_SIGN_INS):
            assert authenticate(s, "okonomi", "feil-passord").actor is None
    app = render("admin/pages/users.py", actor_of("admin"))
    assert not errors_of(app)
    warning = next(w.value for w in app.warning if "låst" in w.value)
    opens = (now + timedelta(minutes=15)).strftime("%d.%m.%Y")
    assert "(okonomi): åpner " + opens in warning
    assert warning.startswith("1 bruker(e) er låst")
