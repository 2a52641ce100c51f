"""DigiOrden's forms behave: a new system, dataset, integration or vendor is saved once and the form drawn empty;
a refused save keeps what was typed; an edit saves the chosen row and draws it fresh with the saved values."""
from __future__ import annotations

from sqlalchemy import select

from data import db
from portfolio.digiorden.models import DoDataset, DoSystem, DoVendor
from tests.conftest import make_actor
from tests.pages import errors_of, render, row_count

MAP = "portfolio/digiorden/pages/map.py"
ARCHITECT = make_actor("architect", username="arne")
SAVED_BEFORE = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."


count = row_count


def inputs(app, label: str):
    return [i for i in app.text_input if i.label == label]


def save(app, index: int = 0):
    [b for b in app.button if b.label == "Lagre"][index].click().run()
    return app


def test_a_new_system_is_saved_once_and_the_form_is_drawn_empty(db_url):
    app = render(MAP, ARCHITECT)
    assert errors_of(app) == []
    inputs(app, "Navn")[0].input("Visma Flyt Skole")
    inputs(app, "Produkt")[0].input("Flyt Skole")
    save(app)
    assert errors_of(app) == []
    with db.session_scope() as s:
        [system] = s.scalars(select(DoSystem)).all()
        assert (system.name, system.product, system.hosting) == ("Visma Flyt Skole", "Flyt Skole", "saas")
    assert inputs(app, "Navn")[0].value == "" and inputs(app, "Produkt")[0].value == ""
    inputs(app, "Navn")[0].input("Visma Flyt Skole")
    inputs(app, "Produkt")[0].input("Flyt Skole")
    save(app)
    assert count(DoSystem) == 1 and SAVED_BEFORE in [i.value for i in app.info]

    # with a system in place, a dataset can be added: the same rule
    names = inputs(app, "Navn")
    names[1].input("Elevmappe")
    save(app, 1)
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert [(d.name, d.system.name) for d in s.scalars(select(DoDataset))] == [("Elevmappe", "Visma Flyt Skole")]
    assert inputs(app, "Navn")[1].value == ""


def test_a_refused_system_keeps_what_was_typed(db_url):
    app = render(MAP, ARCHITECT)
    inputs(app, "Produkt")[0].input("Flyt Skole")                    # no name
    inputs(app, "Systemeier")[0].input("Oppvekstsjefen")
    save(app)
    assert app.error and count(DoSystem) == 0
    assert inputs(app, "Produkt")[0].value == "Flyt Skole"
    assert inputs(app, "Systemeier")[0].value == "Oppvekstsjefen"


def test_a_vendor_edit_saves_and_draws_the_saved_values(db_url):
    app = render(MAP, ARCHITECT)
    inputs(app, "Navn")[-1].input("Visma Enterprise AS")
    save(app, -1)
    assert errors_of(app) == []
    with db.session_scope() as s:
        vendor_id = s.scalar(select(DoVendor.id))
    app.selectbox(key="do_vendor_pick").set_value(vendor_id).run()
    assert inputs(app, "Navn")[-1].value == "Visma Enterprise AS"
    inputs(app, "Navn")[-1].input("Visma Enterprise Norge AS")
    save(app, -1)
    assert errors_of(app) == []
    with db.session_scope() as s:
        assert [(v.name, v.version) for v in s.scalars(select(DoVendor))] == [("Visma Enterprise Norge AS", 2)]
    assert inputs(app, "Navn")[-1].value == "Visma Enterprise Norge AS"   # the form drawn fresh, new version
