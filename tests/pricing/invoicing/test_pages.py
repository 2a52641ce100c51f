"""Finance previews and prepares the invoice basis in the app, a leader approves it, and a credit the same way."""
from datetime import date

import pytest
from sqlalchemy import select

from data import db
from pricing.invoicing import runs as invoicing
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


def _leader_approves(request_id: int) -> None:
    """The leader opens the queue of prepared runs and approves one (four eyes on money)."""
    app = render("pricing/invoicing/pages/runs.py", make_actor("leader"))
    app.selectbox(key="inv-request").set_value(request_id).run(timeout=60)
    assert errors_of(app) == []
    assert app.button(key=f"inv-approve-{request_id}-go").disabled        # not before the box is ticked
    app.checkbox(key=f"inv-approve-{request_id}-ok").check().run(timeout=60)
    app.button(key=f"inv-approve-{request_id}-go").click().run(timeout=60)
    assert errors_of(app) == [], [e.value for e in app.error]


def test_finance_prepares_a_quarter_the_leader_approves_it_then_a_credit(small_case):
    app = render("pricing/invoicing/pages/runs.py", make_actor("finance"))
    app.text_input(key="inv-period").set_value("2025-Q1").run(timeout=60)
    next(b for b in app.button if b.label == "Forhåndsvis").click().run(timeout=60)
    assert errors_of(app) == []
    assert any(m.value.replace("\xa0", " ") == "21 000,00 kr" for m in app.metric), [m.value for m in app.metric]
    # not before the confirmation is ticked
    assert app.button(key="inv-prepare-go").disabled
    app.checkbox(key="inv-prepare-ok").check().run(timeout=60)
    app.button(key="inv-prepare-go").click().run(timeout=60)
    assert errors_of(app) == [], [e.value for e in app.error]
    with db.session_scope() as session:
        assert session.scalar(select(InvoiceRun)) is None                   # waits for the leader
        (request,) = invoicing.requests_awaiting(session)
        assert (request["period"], request["prepared_by"], request["total_ore"]) == ("2025-Q1", "finance", 2_100_000)
    _leader_approves(request["id"])
    with db.session_scope() as session:
        run = session.scalar(select(InvoiceRun))
        assert (run.number, run.total_ore, run.prepared_by, run.approved_by) == (1, 2_100_000, "finance", "leader")
    # the same period again: refused in plain language
    app = render("pricing/invoicing/pages/runs.py", make_actor("finance"))
    app.text_input(key="inv-period").set_value("2025-Q1").run(timeout=60)
    next(b for b in app.button if b.label == "Forhåndsvis").click().run(timeout=60)
    assert not app.exception
    assert any("allerede fakturert" in i.value for i in app.info)
    # finance prepares credit-and-rebill of the run, the leader approves it
    app.selectbox(key="inv-run").set_value(1).run(timeout=60)
    assert errors_of(app) == []
    app.text_input(key="inv-credit-reason").set_value("Feil startdato").run(timeout=60)
    next(b for b in app.button if b.label == "Forhåndsvis" and b.key == "inv-credit-preview").click().run(timeout=60)
    assert any("Kreditering -21" in i.value.replace("\xa0", " ") for i in app.info), [i.value for i in app.info]
    app.checkbox(key="inv-credit-ok").check().run(timeout=60)
    app.button(key="inv-credit-go").click().run(timeout=60)
    assert errors_of(app) == []
    with db.session_scope() as session:
        (request,) = invoicing.requests_awaiting(session)
        assert (request["kind"], request["credits_run"]) == ("credit", 1)
    _leader_approves(request["id"])
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
