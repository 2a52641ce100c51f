"""A finance adviser previews, approves and corrects the invoice basis in the app."""
from datetime import date

import pytest
from sqlalchemy import select

from data import db
from pricing.invoicing.models import InvoiceRun
from tests.conftest import make_actor
from tests.pages import errors_of, render
from tests.pricing.invoicing.helpers import appendix, price_list, three_orgs, usage


@pytest.fixture
def small_case(db_url, system):
    with db.session_scope(actor=system) as session:
        a, b, c = three_orgs(session)
        price_list(session, [a, b, c])
        appendix(session, a, date(2024, 6, 1))
        appendix(session, b, date(2025, 2, 15))
        usage(session, system, a, date(2025, 1, 10), 300)
    return db_url


def test_finance_previews_and_approves_a_quarter_then_credits_it(small_case):
    app = render("pricing/invoicing/pages/runs.py", make_actor("finance"))
    app.text_input(key="inv-period").set_value("2025-Q1").run(timeout=60)
    next(b for b in app.button if b.label == "Forhåndsvis").click().run(timeout=60)
    assert errors_of(app) == []
    assert any(m.value.replace("\xa0", " ") == "21 000,00 kr" for m in app.metric), [m.value for m in app.metric]
    # not before the confirmation is ticked
    assert next(b for b in app.button if b.label == "Godkjenn kjøringen").disabled
    next(c for c in app.checkbox if c.label.startswith("Jeg har kontrollert")).check().run(timeout=60)
    next(b for b in app.button if b.label == "Godkjenn kjøringen").click().run(timeout=60)
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    with db.session_scope() as session:
        run = session.scalar(select(InvoiceRun))
        assert (run.number, run.total_ore, run.approved_by) == (1, 2_100_000, "finance")
    # the same period again: refused in plain language
    app = render("pricing/invoicing/pages/runs.py", make_actor("finance"))
    app.text_input(key="inv-period").set_value("2025-Q1").run(timeout=60)
    next(b for b in app.button if b.label == "Forhåndsvis").click().run(timeout=60)
    assert not app.exception
    assert any("allerede fakturert" in i.value for i in app.info)
    # credit-and-rebill the run in the app
    app.selectbox(key="inv-run").set_value(1).run(timeout=60)
    assert errors_of(app) == []
    app.text_input(key="inv-credit-reason").set_value("Feil startdato").run(timeout=60)
    next(b for b in app.button if b.label == "Forhåndsvis" and b.key == "inv-credit-preview").click().run(timeout=60)
    assert any("Kreditering -21" in i.value.replace("\xa0", " ") for i in app.info), [i.value for i in app.info]
    app.checkbox(key="inv-credit-ok").check().run(timeout=60)
    app.button(key="inv-credit-go").click().run(timeout=60)
    assert errors_of(app) == []
    with db.session_scope() as session:
        kinds = session.scalars(select(InvoiceRun.kind).order_by(InvoiceRun.number)).all()
        assert kinds == ["regular", "credit", "rebill"]


def test_leader_reads_accounts_and_fund_pages(small_case):
    for path in ("pricing/invoicing/pages/accounts.py", "pricing/invoicing/pages/fund.py"):
        app = render(path, make_actor("leader"))
        assert errors_of(app) == [], path


def test_pages_refuse_other_roles(small_case):
    app = render("pricing/invoicing/pages/runs.py", make_actor("support"))
    assert app.error and "ikke" in app.error[0].value.lower()
