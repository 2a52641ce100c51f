"""The change-board and support pages render for every role that can see them, with and without data."""
import random
from datetime import date

import pytest
from sqlalchemy import select

from admin import modules
from admin.changeboard import demo as changeboard_demo
from admin.changeboard.models import ChangeDecision, ChangeItem, ChangeStatus, FreezeWindow
from data import db, demo
from data.support import demo as support_demo
from data.support.models import SupportTicket
from tests.conftest import make_actor
from tests.pages import errors_of, render

MY_PAGES = [spec for spec in modules.pages() if spec.path.startswith(("admin/changeboard/pages/", "data/support/pages/"))]


@pytest.fixture
def demo_data(db_url, system):
    with db.session_scope(actor=system) as session:
        demo.load(session, system, [support_demo.load_demo, changeboard_demo.load_demo])
    return db_url


def test_all_my_pages_are_registered():
    assert {spec.path for spec in MY_PAGES} == {
        "admin/changeboard/pages/agenda.py", "admin/changeboard/pages/items.py",
        "admin/changeboard/pages/calendar.py", "admin/changeboard/pages/settings.py",
        "data/support/pages/tickets.py", "data/support/pages/stats.py", "data/support/pages/security.py"}


@pytest.mark.parametrize("role", ["portfolio", "leader", "support", "security", "finance"])
def test_pages_render_with_demo_data_for_every_role(demo_data, role):
    actor = make_actor(role, owned=("svarut",) if role == "product_owner" else ())
    for spec in MY_PAGES:
        if not spec.visible_to(actor):
            continue
        app = render(spec.path, actor)
        assert errors_of(app) == [], f"{spec.path} as {role}"


def test_pages_render_on_an_empty_database(db_url):
    for spec in MY_PAGES:
        app = render(spec.path, make_actor("portfolio", "support", "security", "leader"))
        assert errors_of(app) == [], spec.path


def test_pages_render_in_english(demo_data):
    for spec in MY_PAGES:
        app = render(spec.path, make_actor("portfolio", "leader"), language="en")
        assert errors_of(app) == [], spec.path
    app = render("admin/changeboard/pages/agenda.py", make_actor("portfolio"), language="en")
    assert any("Normal changes for decision" in h.value for h in app.header)


def test_agenda_page_shows_the_sections_and_records_a_decision(demo_data):
    actor = make_actor("portfolio", username="pia")
    app = render("admin/changeboard/pages/agenda.py", actor)
    headers = [h.value for h in app.header]              # sections are h2 under the page's h1
    assert "2. Normale endringer til beslutning" in headers
    assert "6. Åpne sikkerhetshendelser (fast punkt)" in headers
    notes = [m.value for e in app.expander if "merknad" in e.label for m in e.markdown]   # one expander, a count
    assert any("frysperioden «Julefrys»" in n for n in notes)
    point = app.selectbox[0]
    assert "Ny rapport over behandlingstid" in point.options[0]        # the first point: a new item
    app.radio[0].set_value("rejected")
    app.text_area[0].set_value("Dekkes av ny rapportløsning")
    app.button[0].click().run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        decision = session.scalar(select(ChangeDecision).order_by(ChangeDecision.id.desc()))
        assert (decision.outcome, decision.note, decision.recorded_by) == ("rejected", "Dekkes av ny rapportløsning",
                                                                           "pia")
        assert session.get(ChangeItem, decision.item_id).status == "rejected"


def test_printable_agenda(demo_data):
    app = render("admin/changeboard/pages/agenda.py", make_actor("leader"))
    app.toggle[0].set_value(True).run()
    assert errors_of(app) == []
    assert any(m.value.startswith("# Agenda for endringsrådet") for m in app.markdown)


def test_items_page_opens_one_item_with_who_to_tell(demo_data):
    app = render("admin/changeboard/pages/items.py", make_actor("portfolio", "leader"))
    choose = next(s for s in app.selectbox if s.label == "Velg endring")
    target = next(i for i, o in enumerate(choose.options) if "Oppgradering av SvarUt" in str(o))
    choose.select_index(target).run()
    assert errors_of(app) == []
    assert any("Planlagt nedetid i SvarUt" in area.value for area in app.text_area)


def test_demo_is_deterministic_and_covers_every_status(db_url, system):
    with db.session_scope(actor=system) as session:
        demo.load(session, system, [support_demo.load_demo, changeboard_demo.load_demo])
        statuses = set(session.scalars(select(ChangeItem.status)))
        assert statuses == {s.value for s in ChangeStatus}
        freeze = session.scalar(select(FreezeWindow).where(FreezeWindow.name == "Julefrys"))
        assert freeze.start_date.month == 12
        count = session.scalar(select(SupportTicket.id).order_by(SupportTicket.id.desc()))
        assert count > 500
    rng = random.Random(1)
    first = support_demo.demo_freshdesk_csv(rng, ["Bergen", "Oslo"], date.today(), count=20)
    again = support_demo.demo_freshdesk_csv(random.Random(1), ["Bergen", "Oslo"], date.today(), count=20)
    assert first == again


def _delete_freeze(app, name: str):
    choose = next(s for s in app.selectbox if s.label == "Frysperiode")
    choose.select_index(next(i for i, o in enumerate(choose.options) if o == name)).run()
    assert errors_of(app) == []
    delete = next(b for b in app.button if b.key and b.key.startswith("freeze-del-"))
    assert delete.disabled
    next(c for c in app.checkbox if c.key == delete.key.replace("-go", "-ok")).check().run()
    next(b for b in app.button if b.key == delete.key).click().run()


def test_a_freeze_is_deleted_only_after_ticking_the_confirm_box(demo_data):
    app = render("admin/changeboard/pages/settings.py", make_actor("portfolio"))
    _delete_freeze(app, "Julefrys")   # the leader has approved changes inside it
    assert errors_of(app) == ["«Julefrys» har overstyringer fra leder og kan ikke slettes. Endre datoene i stedet."]
    _delete_freeze(app, "Utbetalingsdager i Digisos")
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert set(session.scalars(select(FreezeWindow.name))) == {"Julefrys"}
