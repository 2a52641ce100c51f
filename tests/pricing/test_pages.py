"""Every pricing page renders for every role that can see it, with the demo data loaded."""
import pytest

from data import db, demo
from data.access import ROLES
from pricing import PAGES
from pricing.demo import load as load_pricing_demo
from tests.conftest import make_actor
from tests.pages import errors_of, render


@pytest.fixture
def demo_db(db_url, system):
    # the pricing demo prices what the appendix register (agreements) and metering hold
    agreements_demo = pytest.importorskip("agreements.demo")
    metering_demo = pytest.importorskip("data.metering.demo")
    with db.session_scope(actor=system) as session:
        demo.load(session, system, [agreements_demo.load_demo, metering_demo.load_demo, load_pricing_demo])
    return db_url


def test_every_page_renders_for_every_role_that_sees_it(demo_db):
    for spec in PAGES:
        for role in ROLES:
            actor = make_actor(role, owned=("svarut",) if role == "product_owner" else ())
            if not spec.visible_to(actor):
                continue
            app = render(spec.path, actor)
            assert errors_of(app) == [], (spec.path, role)


def test_pages_render_on_an_empty_database(db_url):
    for spec in PAGES:
        app = render(spec.path, make_actor("finance"))
        assert errors_of(app) == [], spec.path
        app = render(spec.path, make_actor("leader"), language="en")
        assert errors_of(app) == [], spec.path


def test_finance_previews_a_price_in_the_app(demo_db):
    app = render("pricing/pages/calculations.py", make_actor("finance"))
    app.number_input(key="calc-year").set_value(2027).run(timeout=60)
    preview = next(b for b in app.button if b.label == "Forhåndsvis")
    preview.click().run(timeout=60)
    assert errors_of(app) == []
    assert any(m.label == "Selvkost" for m in app.metric)


def test_leader_sees_the_approve_button_for_a_draft(demo_db):
    app = render("pricing/pages/calculations.py", make_actor("leader"))
    app.number_input(key="calc-year").set_value(2027).run(timeout=60)
    assert errors_of(app) == []
    assert any(b.label == "Godkjenn prislisten" for b in app.button)
    assert not any(b.label == "Lagre kalkylen" for b in app.button)


def test_everyone_reads_price_lists(demo_db):
    app = render("pricing/pages/price_lists.py", make_actor("support"))
    assert errors_of(app) == []
    assert len(app.dataframe) == 1


def test_leader_approves_in_the_app_after_confirming(demo_db):
    from pricing import pricelists

    app = render("pricing/pages/calculations.py", make_actor("leader"))
    app.number_input(key="calc-year").set_value(2027).run(timeout=60)
    approve = next(b for b in app.button if b.label == "Godkjenn prislisten")
    assert approve.disabled                                   # not before the confirmation is ticked
    next(c for c in app.checkbox if c.label.startswith("Jeg har sett kalkylen")).check().run(timeout=60)
    next(b for b in app.button if b.label == "Godkjenn prislisten").click().run(timeout=60)
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert pricelists.approved_price(session, "svarut", 2027).approved_by == "leader"
