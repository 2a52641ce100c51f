"""Every DigiOrden page renders for every role that can see it, with and without demo data."""
from __future__ import annotations

import random

import pytest

from data import db
from data.access import system_actor
from portfolio.digiorden import PAGES
from portfolio.digiorden.demo import load_demo
from tests.conftest import make_actor
from tests.pages import errors_of, render

DO_PAGES = [p.path for p in PAGES]
ROLES = ("architect", "leader", "support", "product_owner")


def _demo():
    actor = system_actor("demo")
    with db.session_scope(actor=actor) as session:
        load_demo(session, actor, random.Random(1))


def test_four_pages_are_registered():
    assert len(DO_PAGES) == 4 and all(path.startswith("portfolio/digiorden/pages/") for path in DO_PAGES)
    assert all(p.roles is None for p in PAGES)


@pytest.mark.parametrize("role", ROLES)
def test_pages_render_with_demo_data(db_url, role):
    _demo()
    for path in DO_PAGES:
        app = render(path, make_actor(role))
        assert errors_of(app) == [], (path, role)


def test_pages_render_in_english_and_empty(db_url):
    for path in DO_PAGES:
        app = render(path, make_actor("architect"), language="en")
        assert errors_of(app) == [], path
    _demo()
    for path in DO_PAGES:
        app = render(path, make_actor("architect"), language="en")
        assert errors_of(app) == [], path


def test_architect_edits_and_reader_does_not(db_url):
    _demo()
    architect = render("portfolio/digiorden/pages/map.py", make_actor("architect"))
    reader = render("portfolio/digiorden/pages/map.py", make_actor("leader"))
    assert any("Legg til eller endre fagsystem" in e.label for e in architect.expander)
    assert not any("Legg til eller endre" in e.label for e in reader.expander)
    exchange = render("portfolio/digiorden/pages/exchange.py", make_actor("support"))
    assert any("Bare virksomhetsarkitekter" in i.value for i in exchange.info)


def test_architect_adds_a_vendor_through_the_form(db_url):
    _demo()
    app = render("portfolio/digiorden/pages/map.py", make_actor("architect"))
    form_inputs = [i for i in app.text_input if i.label == "Organisasjonsnummer"]
    name_inputs = [i for i in app.text_input if i.label == "Navn"]
    vendor_name = name_inputs[-1]                 # the vendor form is the last one on the page
    vendor_name.input("Ny Leverandør AS")
    form_inputs[-1].input("923456783")
    submit = [b for b in app.button if b.label == "Lagre"][-1]
    submit.click().run()
    assert errors_of(app) == []
    from sqlalchemy import select

    from portfolio.digiorden.models import DoVendor

    with db.session_scope() as session:
        vendor = session.scalar(select(DoVendor).where(DoVendor.name == "Ny Leverandør AS"))
        assert vendor is not None and vendor.org_number == "923456783"


def test_architect_deletes_a_vendor_after_confirming(db_url):
    from sqlalchemy import func, select

    from portfolio.digiorden.models import DoVendor

    _demo()
    app = render("portfolio/digiorden/pages/map.py", make_actor("architect"))
    app.selectbox(key="do_vendor_pick").select_index(1).run()
    chosen = app.selectbox(key="do_vendor_pick").value
    with db.session_scope() as session:
        before = session.scalar(select(func.count()).select_from(DoVendor))
    delete = app.button(key=f"do-v-del-{chosen}-go")
    assert delete.disabled                       # not before the box is ticked
    app.checkbox(key=f"do-v-del-{chosen}-ok").check().run()
    app.button(key=f"do-v-del-{chosen}-go").click().run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(DoVendor)) == before - 1
        assert session.get(DoVendor, chosen) is None
