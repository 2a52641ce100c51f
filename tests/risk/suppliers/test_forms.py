"""Forms that behave on the suppliers page (issue 20): a supplier and a certificate are saved once, the form is
drawn empty after a save (no clear_on_submit: a refusal keeps what was typed); a finding becomes a ROS risk with
its levels chosen by number and name."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from data import db
from risk.suppliers import assurance, register
from risk.suppliers.models import Certificate, Supplier
from tests.conftest import make_actor
from tests.pages import errors_of, render

PAGE = "risk/suppliers/pages/suppliers.py"
SECURITY = make_actor("security", username="siri")
ALREADY_SAVED = "Dette er allerede lagret med de samme opplysningene. Endre noe i skjemaet for å lagre en ny."


def _in_form(widgets, prefix: str, label: str):
    return next(w for w in widgets if w.form_id.startswith(prefix) and w.label == label)


def test_a_new_supplier_and_its_certificate_are_saved_once(db_url):
    app = render(PAGE, SECURITY)
    assert errors_of(app) == []
    _in_form(app.text_input, "sup-new", "Leverandør").input("Printpartner AS")
    _in_form(app.button, "sup-new", "Lagre").click().run()              # refused: no organisation number
    assert any("En norsk leverandør må ha organisasjonsnummer." in e.value for e in app.error)
    assert _in_form(app.text_input, "sup-new", "Leverandør").value == "Printpartner AS"   # what was typed stays
    for attempt in range(2):
        _in_form(app.text_input, "sup-new", "Leverandør").input("Printpartner AS")
        _in_form(app.text_input, "sup-new", "Organisasjonsnummer").input("974760673")
        _in_form(app.text_area, "sup-new", "Leverer").input("Print og konvoluttering")
        _in_form(app.button, "sup-new", "Lagre").click().run()
        assert errors_of(app) == []
        if attempt == 0:
            assert _in_form(app.text_input, "sup-new", "Leverandør").value == ""
    assert ALREADY_SAVED in [i.value for i in app.info]
    with db.session_scope() as session:
        [supplier] = session.scalars(select(Supplier)).all()
        assert (supplier.name, supplier.delivers, supplier.created_by) == ("Printpartner AS", "Print og konvoluttering",
                                                                           "siri")
        supplier_id = supplier.id
    form = f"sup-cert-{supplier_id}"
    _in_form(app.text_input, form, "Standard").input("")               # refused: no standard named
    _in_form(app.text_input, form, "Utstedt av").input("DNV")
    _in_form(app.button, form, "Registrer sertifikat").click().run()
    assert app.error
    assert _in_form(app.text_input, form, "Utstedt av").value == "DNV"     # what was typed stays
    for attempt in range(2):
        _in_form(app.text_input, form, "Standard").input("ISO/IEC 27001")
        _in_form(app.text_input, form, "Utstedt av").input("DNV")
        _in_form(app.date_input, form, "Utløper").set_value(date(2027, 6, 30))
        _in_form(app.button, form, "Registrer sertifikat").click().run()
        assert errors_of(app) == []
        if attempt == 0:
            assert _in_form(app.text_input, form, "Utstedt av").value == ""
    with db.session_scope() as session:
        assert [(c.standard, c.issuer, c.expires_on) for c in session.scalars(select(Certificate))] == [
            ("ISO/IEC 27001", "DNV", date(2027, 6, 30))]


def test_a_finding_becomes_a_risk_with_levels_chosen_by_name(db_url):
    with db.session_scope(actor=SECURITY) as session:
        supplier = register.save_supplier(session, SECURITY, {"name": "Printpartner AS", "country": "SE",
                                                              "services": ["svarut"], "processes_personal_data": True}
                                          ).supplier
        report = assurance.save_report(session, SECURITY, supplier.id, {
            "standard": "isae3402", "report_type": "type2", "period_start": date(2025, 1, 1),
            "period_end": date(2025, 12, 31), "opinion": "qualified", "received_on": date(2026, 2, 1)})
        assurance.save_finding(session, SECURITY, report.id, {"title": "Mangelfull logging", "severity": "medium"})
    app = render(PAGE, SECURITY)
    assert errors_of(app) == []
    likelihood = _in_form(app.selectbox, f"sup-to-risk-{supplier.id}", "Sannsynlighet (1–5)")
    assert likelihood.options[2] == "3 – Mulig" and likelihood.value == 3
