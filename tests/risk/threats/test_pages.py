"""The threat model and NSM pages render for every role, with the demo data, and their forms work."""
import json

import pytest

from data import db, demo
from data.access import ROLES
from risk import nsm
from risk.demo import load_nsm, load_registers
from risk.threats import modelling as threats
from risk.threats import threatdragon
from risk.threats.demo import load_threat_models
from tests.conftest import make_actor
from tests.pages import errors_of, render
from tests.risk.threats.test_threatdragon import _vocabulary_model

PAGES = ("risk/threats/pages/diagrams.py", "risk/pages/nsm_maturity.py")


@pytest.fixture
def demo_data(db_url, system):
    with db.session_scope(actor=system) as session:
        demo.load(session, system, [load_registers, load_threat_models, load_nsm])
    return db_url


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_pages_render_for_every_role(demo_data, page, role):
    app = render(page, make_actor(role, owned=("svarut",)))
    assert not errors_of(app), errors_of(app)
    assert app.title


def test_pages_render_on_an_empty_database(db_url):
    for page in PAGES:
        app = render(page, make_actor("security"))
        assert not errors_of(app)
        assert app.info, page           # the empty state says what to do first


def test_demo_has_three_models_and_two_assessments_a_year_apart(demo_data):
    with db.session_scope() as session:
        models = [r for r in threats.model_rows(session) if r["model_id"]]
        assert {r["service"] for r in models} == {"svarut", "digisos", "fiks-io"}
        assert next(r for r in models if r["service"] == "svarut")["in_ros"] == 2
        rows = nsm.assessment_rows(session)
        assert len(rows) == 2
        assert (rows[0]["assessed_on"] - rows[1]["assessed_on"]).days == 365
        gaps = [g for g in nsm.gaps(session, rows[0]["id"], limit=None) if g["ros_risk_id"]]
        assert len(gaps) == 2
        assert rows[0]["average"] > rows[1]["average"]


def test_security_officer_decides_a_threat_on_the_page(demo_data):
    app = render("risk/threats/pages/diagrams.py", make_actor("security", username="sikkerhet"))
    app.selectbox[0].select("svarut").run()
    assert not errors_of(app)
    chooser = next(s for s in app.selectbox if s.label == "Trussel")
    with db.session_scope() as session:
        target = next(r for r in threats.model_detail(session, "svarut")["threats"] if r["status"] == "open")
    chooser.select(target["id"]).run()
    status = next(s for s in app.selectbox if s.label == "Status")
    assert "accepted" not in status.options and "Akseptert" not in status.options   # the leader's call
    status.select("mitigated")
    next(a for a in app.text_area if a.label == "Tiltak").input("Signert forsendelse og tilgangskontroll")
    form_button = next(b for b in app.button if b.label == "Lagre" and b.form_id.startswith("decide-"))
    form_button.click()
    app.run()
    assert not errors_of(app), errors_of(app)
    with db.session_scope() as session:
        rows = {r["id"]: r for r in threats.model_detail(session, "svarut")["threats"]}
        assert rows[target["id"]]["status"] == "mitigated"
        assert rows[target["id"]]["decided_by"] == "sikkerhet"


def test_the_leader_accepts_a_threat_on_the_page_and_decides_nothing_else(demo_data):
    app = render("risk/threats/pages/diagrams.py", make_actor("leader", username="leder"))
    app.selectbox[0].select("svarut").run()
    chooser = next(s for s in app.selectbox if s.label == "Trussel")
    with db.session_scope() as session:
        target = next(r for r in threats.model_detail(session, "svarut")["threats"] if r["status"] == "open")
    chooser.select(target["id"]).run()
    status = next(s for s in app.selectbox if s.label == "Status")
    assert status.options == ["Åpen", "Akseptert"]
    status.select("accepted")
    next(b for b in app.button if b.label == "Lagre" and b.form_id.startswith("decide-")).click()
    app.run()
    assert not errors_of(app), errors_of(app)
    with db.session_scope() as session:
        row = {r["id"]: r for r in threats.model_detail(session, "svarut")["threats"]}[target["id"]]
        assert (row["status"], row["decided_by"]) == ("accepted", "leder")


def test_nsm_page_shows_the_change_since_last_year(demo_data):
    app = render("risk/pages/nsm_maturity.py", make_actor("leader"))
    assert not errors_of(app)
    overall = app.metric[0]
    assert overall.delta and overall.delta.startswith("+")


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_in_english(demo_data, page):
    app = render(page, make_actor("security"), language="en")
    assert not errors_of(app), errors_of(app)
    assert app.title[0].value in ("Threat models", "NSM maturity")


def test_security_officer_deletes_a_draft_assessment_after_confirming(demo_data):
    with db.session_scope() as session:
        draft = next(r for r in nsm.assessment_rows(session) if r["status"] == "draft")
    app = render("risk/pages/nsm_maturity.py", make_actor("security", username="sikkerhet"))
    app.selectbox[0].select(draft["id"]).run()
    assert not errors_of(app), errors_of(app)
    assert next(b for b in app.button if b.label == "Slett vurdering").disabled     # not before the box is ticked
    next(c for c in app.checkbox if c.label == "Ja, slett utkastet").check().run()
    next(b for b in app.button if b.label == "Slett vurdering").click().run()
    assert not errors_of(app), errors_of(app)
    with db.session_scope() as session:
        assert [r["id"] for r in nsm.assessment_rows(session) if r["id"] == draft["id"]] == []
        assert len(nsm.assessment_rows(session)) == 1


def test_nsm_page_reports_scores_outside_a_newly_loaded_catalogue(demo_data):
    content = b"Tiltak nr.;Tittel;Prinsipp\n2.4.1;Testtiltak A;2.4\n"
    with db.session_scope(actor=make_actor("security")) as session:
        latest = nsm.assessment_rows(session)[0]
        result = nsm.import_catalogue(session, make_actor("security", username="siri"), content, "nsm.csv", "2.1")
        assert result["orphans"] > 0
        outside = next(r for r in nsm.assessment_rows(session) if r["id"] == latest["id"])["outside"]
    for role in ("leader", "security"):
        app = render("risk/pages/nsm_maturity.py", make_actor(role))
        assert not errors_of(app), errors_of(app)
        assert any(f"{outside} vurderinger utenfor katalogen" in w.value for w in app.warning)
        assert any("Lastet katalog: 2.1" in m.value for m in app.markdown)


def test_threat_page_shows_other_models_and_unrated_severity(demo_data):
    with db.session_scope(actor=make_actor("security")) as session:
        threatdragon.import_model(session, make_actor("security"), "minside", json.dumps(_vocabulary_model()))
        linddun = next(th for th in threats.model_detail(session, "minside")["threats"]
                       if th["threat_type"] == "Disclosure of information")
    app = render("risk/threats/pages/diagrams.py", make_actor("security", username="sikkerhet"))
    app.selectbox[0].select("minside").run()
    assert not errors_of(app), errors_of(app)
    chooser = next(s for s in app.selectbox if s.label == "Trussel")
    chooser.select(linddun["id"]).run()
    assert not errors_of(app), errors_of(app)
    severity = next(s for s in app.selectbox if s.label == "Alvorlighet")
    assert severity.value == ""
    assert chooser.format_func(linddun["id"]).startswith(f"#{linddun['id']} Disclosure of information (LINDDUN)")


def test_an_import_names_the_threats_whose_acceptance_waits_for_the_leader(db_url, shared_data):
    from tests.risk.threats.test_threatdragon import ACCEPTED_IN_FILE, _with_accepted

    content = json.dumps(_with_accepted(shared_data)).encode()
    app = render("risk/threats/pages/diagrams.py", make_actor("security", username="siri"))
    app.selectbox[0].select("minside").run()
    next(u for u in app.file_uploader if u.label == "Threat Dragon-fil (JSON)").set_value(
        ("demo.json", content, "application/json")).run()
    next(b for b in app.button if b.label == "Importer").click().run()
    assert not errors_of(app), errors_of(app)
    assert [s.value for s in app.success] == [
        "Importert: 7 elementer, 10 dataflyter, 3 tillitsgrenser og 14 trusler. 0 elementer fjernet."]
    assert [w.value for w in app.warning] == [
        "2 trusler er merket «Akseptert» i filen, men er lagret som «Åpen». Bare avdelingslederen kan akseptere "
        "en trussel, så lederen må ta stilling til aksept her i appen:"]
    listed = next(d.value for d in app.dataframe if list(d.value.columns) == ["model", "element", "title"])
    assert listed.to_dict("records") == [
        {"model": "Demo Threat Model", "element": "Database", "title": "Credential theft"},
        {"model": "Demo Threat Model", "element": "Message Queue", "title": "Message tampering"}]
    with db.session_scope() as session:
        statuses = {th["title"]: th["status"] for th in threats.model_detail(session, "minside")["threats"]}
    assert [statuses[title] for title in ACCEPTED_IN_FILE] == ["open", "open"]
    next(b for b in app.button if b.label == "Lukk").click().run()     # the report stays until it is closed
    assert not app.warning and not app.success
