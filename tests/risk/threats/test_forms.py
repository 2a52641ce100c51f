"""Forms that behave on the threat model page (issue 20): a model, an element and a manual threat are saved once,
each form drawn empty after a save; a refused save keeps what was typed; a threat becomes a ROS risk with its
levels chosen by number and name."""
from __future__ import annotations

from sqlalchemy import select

from data import db
from risk.threats.models import Threat, ThreatElement, ThreatModel
from tests.conftest import make_actor
from tests.pages import errors_of, render

PAGE = "risk/threats/pages/diagrams.py"
SECURITY = make_actor("security", username="siri")
ALREADY_SAVED = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."


def _in_form(widgets, prefix: str, label: str):
    return next(w for w in widgets if w.form_id.startswith(prefix) and w.label == label)


def _rows(model):
    with db.session_scope() as session:
        return [(row.title if model is Threat else row.name) for row in session.scalars(select(model))]


def test_a_model_an_element_and_a_threat_are_saved_once(db_url):
    app = render(PAGE, SECURITY)
    next(s for s in app.selectbox if s.label == "Tjeneste").set_value("svarut").run()
    _in_form(app.text_input, "new-model-svarut", "Tittel").input("")
    _in_form(app.button, "new-model-svarut", "Opprett trusselmodell").click().run()    # refused: no title
    assert app.error and _rows(ThreatModel) == []
    _in_form(app.text_area, "new-model-svarut", "Beskrivelse").input("Utsending av brev")
    _in_form(app.text_input, "new-model-svarut", "Tittel").input("Trusselmodell SvarUt")
    _in_form(app.button, "new-model-svarut", "Opprett trusselmodell").click().run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert [(m.title, m.description) for m in session.scalars(select(ThreatModel))] == [
            ("Trusselmodell SvarUt", "Utsending av brev")]

    for attempt in range(2):                                 # the same element filled in and saved twice
        _in_form(app.text_input, "element-svarut-new", "Navn").input("Dokumentlager")
        _in_form(app.button, "element-svarut-new", "Lagre").click().run()
        assert errors_of(app) == []
        if attempt == 0:
            assert _in_form(app.text_input, "element-svarut-new", "Navn").value == ""
    assert _rows(ThreatElement) == ["Dokumentlager"]
    assert ALREADY_SAVED in [i.value for i in app.info]

    for attempt in range(2):                                 # the same threat filled in and saved twice
        _in_form(app.text_input, "manual-svarut", "Trussel").input("Innsider leser brev i lageret")
        _in_form(app.button, "manual-svarut", "Legg til trussel").click().run()
        assert errors_of(app) == []
        if attempt == 0:
            assert _in_form(app.text_input, "manual-svarut", "Trussel").value == ""
    assert _rows(Threat) == ["Innsider leser brev i lageret"]

    with db.session_scope() as session:
        threat_id = session.scalar(select(Threat.id))
    next(s for s in app.selectbox if s.label == "Trussel" and not s.form_id).set_value(threat_id).run()
    likelihood = _in_form(app.selectbox, f"to-risk-{threat_id}", "Sannsynlighet (1–5)")
    assert likelihood.options == ["1 – Svært lite sannsynlig", "2 – Lite sannsynlig", "3 – Mulig", "4 – Sannsynlig",
                                  "5 – Svært sannsynlig"]        # chosen by name, not a bare number


def test_a_maturity_gap_becomes_one_department_risk_with_levels_chosen_by_name(db_url, system):
    from datetime import date

    from data import demo
    from risk import nsm
    from risk.demo import load_nsm, load_registers
    from risk.models import NsmScore, Risk

    with db.session_scope(actor=system) as session:
        demo.load(session, system, [load_registers, load_nsm])
        latest = nsm.assessment_rows(session)[0]["id"]
    app = render("risk/pages/nsm_maturity.py", make_actor("security", username="sikkerhet"))
    next(s for s in app.selectbox if s.label == "Vurdering").set_value(latest).run()
    form = f"gap-to-risk-{latest}"
    assert _in_form(app.selectbox, form, "Sannsynlighet (1–5)").options[2] == "3 – Mulig"
    gap = _in_form(app.selectbox, form, "Gap").value
    _in_form(app.text_input, form, "Risikoeier").input("Driftsleder Ola Nordmann")
    _in_form(app.selectbox, form, "Sannsynlighet (1–5)").set_value(4)
    _in_form(app.button, form, "Opprett ROS-risiko").click().run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        risk_id = session.scalar(select(NsmScore.ros_risk_id).where(NsmScore.assessment_id == latest,
                                                                  NsmScore.measure_id == gap))
        made = session.get(Risk, risk_id)
        assert (made.owner, made.inherent_likelihood, made.due_date > date.today()) == (
            "Driftsleder Ola Nordmann", 4, True)
    assert _in_form(app.text_input, form, "Risikoeier").value == ""        # drawn empty for the next gap
    assert [m.value for m in app.success] == [f"ROS-risiko {risk_id} er opprettet i avdelingens ROS."]
