"""Every ROS/DPIA page renders with the demo data for the roles that use it, and shows what it should."""
import pytest

from data import demo
from risk.demo import load_registers
from tests.conftest import make_actor
from tests.pages import errors_of, render

PAGES = ["risk/pages/overview.py", "risk/pages/assessments.py", "risk/pages/risks.py",
         "risk/pages/measures_register.py", "risk/pages/dpia_register.py", "risk/pages/template.py",
         "risk/pages/matrix_settings.py"]


@pytest.fixture
def demo_data(session, system):
    demo.load(session, system, [load_registers])
    session.commit()


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_for_security_and_readers(db_url, demo_data, page):
    for actor in (make_actor("security", username="sikkerhet"),
                  make_actor("product_owner", username="produkt", owned=("svarut", "digisos", "minside", "fiks-io")),
                  make_actor("support", username="support")):
        app = render(page, actor)
        assert errors_of(app) == [], (page, actor.username)


def test_overview_shows_overdue_and_above(db_url, demo_data):
    app = render("risk/pages/overview.py", make_actor("leader"))
    texts = " ".join(str(m.value) for m in app.metric)
    assert app.metric[0].value != "0" and app.metric[1].value != "0"
    frames = [df.value for df in app.dataframe]
    assert any("Kryptere forsendelser til print ende-til-ende" in set(f.get("title", [])) for f in frames), texts


def test_dpia_drafts_hidden_from_support(db_url, demo_data):
    app = render("risk/pages/dpia_register.py", make_actor("support"))
    processings = set(app.dataframe[0].value["processing"])
    assert processings == {"Søknad om økonomisk sosialhjelp"}
    owner = render("risk/pages/dpia_register.py", make_actor("product_owner", owned=("minside",)))
    assert "Innsyn i egne saker" in set(owner.dataframe[0].value["processing"])


def test_empty_database_pages_render(db_url):
    for page in PAGES:
        app = render(page, make_actor("security"))
        assert errors_of(app) == [], page


def test_security_creates_assessment_and_sees_clear_error(db_url):
    from sqlalchemy import select

    from data.db import session_scope
    from risk.models import RosAssessment

    app = render("risk/pages/assessments.py", make_actor("security"))
    title = next(w for w in app.text_input if w.label == "Tittel")
    title.input("ROS Fiks arkiv")
    [w for w in app.selectbox if w.label == "Tjeneste"][-1].set_value("fiks-arkiv")   # the form, not the filter
    next(b for b in app.button if b.label == "Opprett").click()
    app.run()
    assert errors_of(app) == []
    with session_scope() as session:
        created = session.scalars(select(RosAssessment)).all()
        assert [(a.title, a.service_code, a.status) for a in created] == [("ROS Fiks arkiv", "fiks-arkiv", "draft")]
    assert not any(b.label == "Godkjenn og lås" for b in app.button)      # the leader approves, not security
    next(b for b in app.button if b.label == "Send til godkjenning").click()
    app.run()
    assert [e.value for e in app.exception] == []
    assert any("uten risikoer kan ikke godkjennes" in e.value for e in app.error)
