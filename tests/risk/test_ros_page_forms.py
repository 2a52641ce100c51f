"""The ROS and DPIA pages: which version they open on, and forms that behave (issue 20): a saved form is drawn
empty, the same form saved twice makes one row, a refused save keeps what was typed; levels are chosen by
number and name."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from data.access import Actor, system_actor
from data.db import session_scope
from risk import dpia, ros
from risk import matrix as matrices
from risk.models import Dpia, Measure, RiskMatrix, RosAssessment
from tests.conftest import make_actor
from tests.pages import errors_of
from tests.risk.ros_helpers import LEADER, new_ros, risk
from tests.risk.test_ros_signoff import COMPLETE_DPIA, _open

SECURITY = Actor(username="siri", roles=frozenset({"security"}), full_name="Siri Sikkerhet")
ALREADY_SAVED = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."
PAGE = "risk/pages/assessments.py"


def _in_form(widgets, prefix: str, label: str):
    return next(w for w in widgets if w.form_id.startswith(prefix) and w.label == label)


def _chooser(app, label="Velg analyse"):
    return next(s for s in app.selectbox if s.label == label)


def _versions() -> dict[str, int]:
    """MinSide: a draft (oldest); SvarUt: approved version 1 and its draft version 2 (newest); Digisos: approved."""
    with session_scope(actor=system_actor("oppsett")) as session:
        minside = new_ros(session, SECURITY, service="minside")
        svarut = new_ros(session, SECURITY, service="svarut")
        risk(session, SECURITY, svarut.id)
        ros.submit(session, SECURITY, svarut.id)
        ros.approve(session, LEADER, svarut.id)
        revision = ros.start_revision(session, SECURITY, svarut.id)
        digisos = new_ros(session, SECURITY, service="digisos")
        risk(session, SECURITY, digisos.id)
        ros.submit(session, SECURITY, digisos.id)
        ros.approve(session, LEADER, digisos.id)
        return {"minside": minside.id, "svarut": svarut.id, "revision": revision.id, "digisos": digisos.id}


def test_the_ros_page_opens_on_the_latest_draft_one_may_edit_never_on_a_locked_version(db_url):
    ids = _versions()
    security = _open(PAGE, SECURITY)
    assert errors_of(security) == []
    chooser = _chooser(security)
    assert chooser.value == ids["revision"]                    # SvarUt's new draft, though not yet in force
    assert chooser.options[:2] == ["ROS svarut · v2 · Utkast", "ROS minside · v1 · Utkast"]   # drafts first
    assert any(b.label == "Send til godkjenning" for b in security.button)
    # a security officer who is also product owner of MinSide opens on MinSide's draft
    own = Actor(username="siri", roles=frozenset({"security", "product_owner"}), owned_services=frozenset({"minside"}))
    assert _chooser(_open(PAGE, own)).value == ids["minside"]
    # someone who may not edit: a chooser, their own services first, and no version opened for them
    owner = make_actor("product_owner", username="per", owned=("digisos",))
    reader = _open(PAGE, owner)
    assert errors_of(reader) == []
    assert _chooser(reader).value is None and _chooser(reader).options[0] == "ROS digisos · v1 · Godkjent"
    assert [i.value for i in reader.info] == ["Velg en analyse i listen over for å se den."]
    assert not reader.tabs
    # a link from the approvals queue opens the version it names
    assert _chooser(_open(PAGE, LEADER, ros=str(ids["svarut"]))).value == ids["svarut"]


def test_the_dpia_page_opens_on_the_latest_draft_too(db_url):
    with session_scope(actor=system_actor("oppsett")) as session:
        approved = dpia.create_dpia(session, SECURITY, {"service_code": "digisos", "processing": "Søknad",
                                                        **COMPLETE_DPIA})
        dpia.submit(session, SECURITY, approved.id)
        dpia.approve(session, LEADER, approved.id)
        revision = dpia.start_revision(session, SECURITY, approved.id)
        revision_id = revision.id
    security = _open("risk/pages/dpia_register.py", SECURITY)
    assert errors_of(security) == []
    assert _chooser(security, "Velg DPIA").value == revision_id
    reader = _open("risk/pages/dpia_register.py", make_actor("support"))
    assert _chooser(reader, "Velg DPIA").value is None
    assert [i.value for i in reader.info][-1] == "Velg en DPIA i listen over for å se den."


def test_the_risk_form_chooses_levels_by_number_and_name_and_saves_a_risk_once(db_url):
    with session_scope(actor=SECURITY) as session:
        assessment_id = new_ros(session, SECURITY, service="minside").id
    app = _open(PAGE, SECURITY)
    form = f"ros-risk-form-ros-risk-new-{assessment_id}"
    likelihood = _in_form(app.selectbox, form, "Iboende: Sannsynlighet")
    assert likelihood.options == ["–", "1 – Svært lite sannsynlig", "2 – Lite sannsynlig", "3 – Mulig",
                                  "4 – Sannsynlig", "5 – Svært sannsynlig"]      # not a bare number field
    assert _in_form(app.selectbox, form, "Konfidensialitet").options[4] == "4 – Svært alvorlig"
    # refused (no inherent level): what was typed stays
    _in_form(app.text_input, form, "Tittel").input("Innsyn i andres saker")
    _in_form(app.text_input, form, "Eier").input("Kari Hansen")
    _in_form(app.button, form, "Lagre").click().run()
    assert [e.value for e in app.error] == [
        "Oppgi sannsynlighet og minst én konsekvens for iboende risiko."]
    assert _in_form(app.text_input, form, "Tittel").value == "Innsyn i andres saker"
    _in_form(app.selectbox, form, "Iboende: Sannsynlighet").set_value(3)
    _in_form(app.selectbox, form, "Konfidensialitet").set_value(4)
    _in_form(app.button, form, "Lagre").click().run()
    assert errors_of(app) == []

    def saved():
        with session_scope() as session:
            return [(r.key, r.title, r.owner, r.inherent_likelihood, r.inherent_consequences)
                    for r in ros.get_assessment(session, assessment_id).risks]

    assert saved() == [("R-01", "Innsyn i andres saker", "Kari Hansen", 3, {"confidentiality": 4})]
    assert _in_form(app.text_input, form, "Tittel").value == ""          # drawn empty for the next risk
    _in_form(app.text_input, form, "Tittel").input("Innsyn i andres saker")
    _in_form(app.text_input, form, "Eier").input("Kari Hansen")
    _in_form(app.selectbox, form, "Iboende: Sannsynlighet").set_value(3)
    _in_form(app.selectbox, form, "Konfidensialitet").set_value(4)
    _in_form(app.button, form, "Lagre").click().run()
    assert saved() == [("R-01", "Innsyn i andres saker", "Kari Hansen", 3, {"confidentiality": 4})]
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_a_new_ros_and_a_new_measure_are_saved_once(db_url):
    with session_scope(actor=system_actor("oppsett")) as session:
        matrices.current_matrix(session)                        # the matrix the form offers first
    app = _open(PAGE, SECURITY)
    _in_form(app.text_input, "ros-new", "Tittel").input("ROS Fiks arkiv")
    _in_form(app.selectbox, "ros-new", "Tjeneste").set_value("fiks-arkiv")
    _in_form(app.button, "ros-new", "Opprett").click().run()
    assert errors_of(app) == []
    assert _in_form(app.text_input, "ros-new", "Tittel").value == ""
    _in_form(app.text_input, "ros-new", "Tittel").input("ROS Fiks arkiv")
    _in_form(app.selectbox, "ros-new", "Tjeneste").set_value("fiks-arkiv")
    _in_form(app.button, "ros-new", "Opprett").click().run()
    assert ALREADY_SAVED in [i.value for i in app.info]
    with session_scope() as session:
        [created] = session.scalars(select(RosAssessment)).all()
        assert (created.title, created.service_code, created.status) == ("ROS Fiks arkiv", "fiks-arkiv", "draft")
        risk(session, SECURITY, created.id)
        assessment_id = created.id
    app.run()                                                  # the page opens on the new draft
    assert _chooser(app).value == assessment_id
    form = f"ros-measure-new-{assessment_id}"
    for attempt in range(2):                                   # the same measure filled in and saved twice
        _in_form(app.text_input, form, "Tittel").input("Tilgangskontroll i arkivet")
        _in_form(app.text_input, form, "Eier").input("Ola Nordmann")
        _in_form(app.button, form, "Lagre").click().run()
        assert errors_of(app) == []
        if attempt == 0:
            assert _in_form(app.text_input, form, "Tittel").value == ""     # saved: drawn empty
    with session_scope() as session:
        assert [(m.key, m.title, m.owner) for m in session.scalars(select(Measure))] == [
            ("T-01", "Tilgangskontroll i arkivet", "Ola Nordmann")]
    assert ALREADY_SAVED in [i.value for i in app.info]


def test_measure_follow_up_opens_on_the_measures_own_status_and_saves_once(db_url):
    with session_scope(actor=SECURITY) as session:
        assessment = new_ros(session, SECURITY, service="minside")
        risk(session, SECURITY, assessment.id)
        from risk import measures

        measure = measures.add_measure(session, SECURITY, assessment.id, {
            "title": "Logging av innsyn", "owner": "Ola Nordmann", "status": "in_progress",
            "due_date": date.today() + timedelta(days=10), "risk_keys": ["R-01"]})
        measure_id = measure.id
    app = _open("risk/pages/measures_register.py", SECURITY)
    assert errors_of(app) == []
    form = f"ros-measures-progress-{measure_id}-"
    assert _in_form(app.selectbox, form, "Status").value == "in_progress"     # the measure's own status
    _in_form(app.selectbox, form, "Status").set_value("done")
    _in_form(app.button, form, "Lagre").click().run()
    assert errors_of(app) == []
    with session_scope() as session:
        stored = session.get(Measure, measure_id)
        assert (stored.status, stored.completed_on) == ("done", date.today())


def test_a_new_dpia_and_a_new_matrix_revision_are_saved_once(db_url):
    app = _open("risk/pages/dpia_register.py", SECURITY)
    for attempt in range(2):
        _in_form(app.text_input, "dpia-new", "Behandling").input("Innsyn i egne saker")
        _in_form(app.selectbox, "dpia-new", "Tjeneste").set_value("minside")
        _in_form(app.button, "dpia-new", "Lagre").click().run()
        assert errors_of(app) == []
        if attempt == 0:
            assert _in_form(app.text_input, "dpia-new", "Behandling").value == ""
    with session_scope() as session:
        assert [(d.processing, d.service_code) for d in session.scalars(select(Dpia))] == [
            ("Innsyn i egne saker", "minside")]
    assert ALREADY_SAVED in [i.value for i in app.info]

    matrix = _open("risk/pages/matrix_settings.py", SECURITY)
    with session_scope() as session:
        before = session.scalar(select(func.count()).select_from(RiskMatrix))
    form = next(w.form_id for w in matrix.text_input if w.label == "Hvorfor endres matrisen?")
    _in_form(matrix.text_input, form, "Hvorfor endres matrisen?").input("Rødt fra 12")
    _in_form(matrix.number_input, form, "Rød fra risikotall").set_value(12)
    _in_form(matrix.button, form, "Lagre som ny revisjon").click().run()
    assert errors_of(matrix) == []
    with session_scope() as session:
        current = session.scalar(select(RiskMatrix).where(RiskMatrix.is_current.is_(True)))
        assert (session.scalar(select(func.count()).select_from(RiskMatrix)), current.red_from) == (before + 1, 12)
    # drawn anew from the revision now in force: its note empty, its threshold the saved one
    form = next(w.form_id for w in matrix.text_input if w.label == "Hvorfor endres matrisen?")
    assert form == f"ros-matrix-{current.id}"
    assert (_in_form(matrix.text_input, form, "Hvorfor endres matrisen?").value,
            _in_form(matrix.number_input, form, "Rød fra risikotall").value) == ("", 12)


def test_the_first_new_ros_on_an_empty_database_is_saved_once(db_url):
    """No matrix yet: the form offers "the current default matrix", which the first save creates. Pressing
    "Opprett" again with the same values then offers that matrix by its id; it is still the same form."""
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(RiskMatrix)) == 0
        assert session.scalar(select(func.count()).select_from(RosAssessment)) == 0
    app = _open(PAGE, SECURITY)
    assert _in_form(app.selectbox, "ros-new", "Risikomatrise").value is None     # nothing stored to choose yet
    for _press in range(2):
        _in_form(app.text_input, "ros-new", "Tittel").input("ROS SvarUt")
        _in_form(app.selectbox, "ros-new", "Tjeneste").set_value("svarut")
        _in_form(app.button, "ros-new", "Opprett").click().run()
        assert errors_of(app) == []
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(RosAssessment)) == 1
        [created] = session.scalars(select(RosAssessment)).all()
        [matrix] = session.scalars(select(RiskMatrix)).all()
        assert (created.title, created.service_code, created.matrix_id) == ("ROS SvarUt", "svarut", matrix.id)
    assert ALREADY_SAVED in [i.value for i in app.info]
