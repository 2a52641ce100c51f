"""The invoicing demo on top of the agreements, metering and pricing demos; KPIs, service facts and
every invoicing page for every role that sees it."""
import random
import time
from datetime import date

import pytest
from sqlalchemy import func, select

from data import demo
from data.access import ROLES
from pricing import PAGES
from pricing.demo import load as load_pricing_demo
from pricing.invoicing import accounts, fund
from pricing.invoicing.demo import load as load_invoicing_demo
from pricing.invoicing.models import InvoiceRun
from tests.conftest import make_actor
from tests.pages import errors_of, render

MINE = ("pricing/invoicing/pages/runs.py", "pricing/invoicing/pages/accounts.py", "pricing/invoicing/pages/fund.py")
TODAY = date(2026, 11, 29)


def _loaders():
    agreements_demo = pytest.importorskip("agreements.demo")
    metering = pytest.importorskip("data.metering.demo")
    return [agreements_demo.load_demo, metering.load_demo, load_pricing_demo,
            lambda s, a, r: load_invoicing_demo(s, a, r, today=TODAY)]


@pytest.fixture
def demo_db(demo_url):
    return demo_url


def test_demo_bills_every_past_quarter_and_has_history(session, system):
    started = time.perf_counter()
    demo.load(session, system, _loaders())
    print(f"demo with invoicing: {time.perf_counter() - started:.1f} s")
    runs = session.scalars(select(InvoiceRun).order_by(InvoiceRun.number)).all()
    regular = [r.period for r in runs if r.kind == "regular"]
    assert regular[:4] == ["2024-Q1", "2024-Q2", "2024-Q3", "2024-Q4"] and regular[-1] == "2026-Q3"
    assert [r.kind for r in runs if r.kind != "regular"] == ["credit", "rebill"]
    acct = accounts.account(session, "svarut", 2025)
    assert acct.revenue_ore > 0 and acct.cost_ore > 0 and acct.basis == "actual"
    statement = fund.statement(session, "svarut", TODAY)
    assert [y.year for y in statement.years] == [2024, 2025]
    # loading again bills nothing twice
    count = session.scalar(select(func.count()).select_from(InvoiceRun))
    load_invoicing_demo(session, system, random.Random(1), today=TODAY)
    assert session.scalar(select(func.count()).select_from(InvoiceRun)) == count
    kpis = fund.economy_kpis(session, system, today=TODAY)
    assert any(k.label.startswith("Resultat SvarUt 2025") for k in kpis), [k.label for k in kpis]
    facts = fund.fund_facts(session, "svarut")
    assert facts and facts[0].label == "Produktregnskap 2025"


def test_invoicing_pages_render_for_every_role_that_sees_them(demo_db):
    for spec in PAGES:
        if spec.path not in MINE:
            continue
        for role in ROLES:
            actor = make_actor(role, owned=("svarut",) if role == "product_owner" else ())
            if not spec.visible_to(actor):
                continue
            app = render(spec.path, actor)
            assert errors_of(app) == [], (spec.path, role)


def test_invoicing_pages_render_on_an_empty_database(db_url):
    for path in MINE:
        app = render(path, make_actor("finance"))
        assert errors_of(app) == [], path
        app = render(path, make_actor("leader"), language="en")
        assert errors_of(app) == [], path
