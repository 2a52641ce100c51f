"""Each agreement rule with its plain-language error; permissions; stale edits; audit; re-signing."""
from datetime import date

import pytest
from sqlalchemy import select

from agreements import agreements, appendices
from agreements.agreements import RuleError
from agreements.models import MainAgreement, ServiceAppendix
from data.audit import AuditEntry
from data.errors import ConflictError, PermissionDenied, ValidationFailed
from tests.agreements.helpers import OWNER, add_appendix, count, municipality, sign_main
from tests.conftest import make_actor


def test_no_appendix_without_signed_main_agreement(session):
    bergen = municipality(session, "4601")
    with pytest.raises(RuleError) as error:
        add_appendix(session, bergen, "svarut", date(2024, 1, 1))
    assert error.value.message.startswith("Bergen har ikke signert hovedavtale.")
    agreements.save_main_agreement(session, OWNER, {"organisation_id": bergen.id, "status": "sent"})
    with pytest.raises(RuleError, match="Bergen har ikke signert hovedavtale"):
        add_appendix(session, bergen, "svarut", date(2024, 1, 1))
    assert count(session, ServiceAppendix) == 0
    sign_main(session, bergen)
    appendix = add_appendix(session, bergen, "svarut", date(2024, 1, 1))
    assert appendix.status == "signed" and appendix.start_date == date(2024, 1, 1)


def test_no_two_overlapping_appendices(session):
    oslo = municipality(session, "0301")
    sign_main(session, oslo)
    add_appendix(session, oslo, "svarut", date(2020, 1, 1), date(2023, 12, 31))
    with pytest.raises(RuleError) as error:
        add_appendix(session, oslo, "svarut", date(2023, 6, 1))
    assert "Oslo har allerede et tjenestevedlegg for SvarUt i perioden 01.01.2020–31.12.2023" in error.value.message
    assert error.value.field == "start_date"
    follow_on = add_appendix(session, oslo, "svarut", date(2024, 1, 1))
    assert follow_on.id is not None
    # a draft may overlap (it is not in force); signing it may not
    draft = add_appendix(session, oslo, "svarut", date(2024, 6, 1), status="draft")
    with pytest.raises(RuleError, match="i perioden 01.01.2024–løpende"):
        appendices.save_appendix(session, OWNER, {
            "organisation_id": oslo.id, "service_code": "svarut", "status": "signed", "signed_date": date(2024, 5, 1),
            "start_date": date(2024, 6, 1)}, appendix_id=draft.id, expected_version=draft.version)
    # another service is independent
    add_appendix(session, oslo, "digisos", date(2023, 6, 1))


def test_end_not_before_start(session):
    oslo = municipality(session, "0301")
    sign_main(session, oslo)
    with pytest.raises(ValidationFailed) as error:
        add_appendix(session, oslo, "svarut", date(2024, 1, 1), date(2023, 12, 31))
    assert [e.message for e in error.value.errors] == ["Sluttdato kan ikke være før startdato."]
    assert count(session, ServiceAppendix) == 0


def test_terminated_main_agreement_ends_its_appendices(session):
    oslo = municipality(session, "0301")
    main = sign_main(session, oslo)
    running = add_appendix(session, oslo, "svarut", date(2020, 1, 1))
    ended_earlier = add_appendix(session, oslo, "digisos", date(2019, 1, 1), date(2021, 6, 30))
    future = add_appendix(session, oslo, "minside", date(2026, 1, 1))
    draft = add_appendix(session, oslo, "fiks-io", date(2024, 1, 1), status="draft")
    ended = agreements.terminate_main_agreement(session, OWNER, oslo.id, {"terminated_date": date(2025, 6, 30)},
                                                expected_version=main.version)
    assert {a.id for a in ended} == {running.id, future.id, draft.id}
    assert (running.status, running.end_date) == ("terminated", date(2025, 6, 30))
    assert (ended_earlier.status, ended_earlier.end_date) == ("terminated", date(2021, 6, 30))
    assert future.status == "cancelled" and draft.status == "cancelled"
    assert session.get(MainAgreement, main.id).status == "terminated"
    assert appendices.active_appendices(session, "svarut", date(2025, 6, 30))[0].organisation_name == "Oslo"
    assert appendices.active_appendices(session, "svarut", date(2025, 7, 1)) == []
    with pytest.raises(RuleError) as error:
        add_appendix(session, oslo, "fiks-arkiv", date(2025, 1, 1), actor=make_actor("product_owner",
                                                                                     owned=("fiks-arkiv",)))
    assert "ble avsluttet 30.06.2025" in error.value.message


def test_main_agreement_cannot_be_unsigned_while_appendices_run(session):
    oslo = municipality(session, "0301")
    main = sign_main(session, oslo)
    add_appendix(session, oslo, "svarut", date(2020, 1, 1))
    with pytest.raises(RuleError, match="1 tjenestevedlegg gjelder fortsatt"):
        agreements.save_main_agreement(session, OWNER, {"organisation_id": oslo.id, "status": "draft"},
                                       expected_version=main.version)
    with pytest.raises(ValidationFailed) as error:
        agreements.save_main_agreement(session, OWNER, {"organisation_id": oslo.id, "status": "signed"})
    assert error.value.errors[0].message == "En signert avtale må ha signert dato."


def test_product_owner_denied_on_another_owners_service(session):
    oslo = municipality(session, "0301")
    only_svarut = make_actor("product_owner", username="svarut-po", owned=("svarut",))
    sign_main(session, oslo, actor=only_svarut)  # any product owner may edit main agreements
    with pytest.raises(PermissionDenied) as error:
        add_appendix(session, oslo, "digisos", date(2024, 1, 1), actor=only_svarut)
    assert "ikke «digisos»" in error.value.message and "Ingenting er endret" in error.value.message
    assert count(session, ServiceAppendix) == 0
    appendix = add_appendix(session, oslo, "svarut", date(2024, 1, 1), actor=only_svarut)
    # and cannot move its own appendix to someone else's service
    with pytest.raises(PermissionDenied):
        appendices.save_appendix(session, only_svarut, {
            "organisation_id": oslo.id, "service_code": "digisos", "status": "signed",
            "signed_date": date(2024, 1, 1), "start_date": date(2024, 1, 1)}, appendix_id=appendix.id)
    for role in ("finance", "leader", "support"):
        with pytest.raises(PermissionDenied):
            add_appendix(session, oslo, "svarut", date(2025, 1, 1), actor=make_actor(role))


def test_stale_edit_is_refused_naming_who_changed_what(session):
    oslo = municipality(session, "0301")
    main = sign_main(session, oslo)
    seen_version = main.version
    session.info["actor"] = make_actor("product_owner", username="kollega")
    agreements.save_main_agreement(session, OWNER, {
        "organisation_id": oslo.id, "status": "signed", "signed_date": date(2015, 1, 1), "signatory": "Ola",
        "template_version": "3.0", "document_ref": f"AVT-{oslo.id}"}, expected_version=seen_version)
    with pytest.raises(ConflictError) as error:
        agreements.save_main_agreement(session, OWNER, {
            "organisation_id": oslo.id, "status": "signed", "signed_date": date(2015, 1, 1),
            "signatory": "Kari"}, expected_version=seen_version)
    assert "endret av kollega" in error.value.message and "signatory" in error.value.message


def test_writes_are_audited(session):
    session.info["actor"] = OWNER
    oslo = municipality(session, "0301")
    sign_main(session, oslo)
    appendix = add_appendix(session, oslo, "svarut", date(2024, 2, 1))
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "agreement_appendix",
                                                    AuditEntry.row_id == str(appendix.id)))
    assert entry.action == "insert" and entry.actor == "po"
    assert '"start_date":{"after":"2024-02-01","before":null}' in entry.changes


def test_new_version_lists_who_must_resign_and_resigning_splits_the_period(session):
    oslo, bergen = municipality(session, "0301"), municipality(session, "4601")
    for org in (oslo, bergen):
        sign_main(session, org)
    old_oslo = add_appendix(session, oslo, "svarut", date(2020, 1, 1), version="1.0")
    add_appendix(session, bergen, "svarut", date(2021, 1, 1), version="1.0")
    listed = appendices.issue_appendix_version(session, OWNER, {"service_code": "svarut", "version": "2.0",
                                                                "issued_on": "01.03.2024"})
    assert sorted(r["organisation"] for r in listed) == ["Bergen", "Oslo"]
    with pytest.raises(RuleError, match="Versjon 2.0 av vedlegget for SvarUt finnes allerede"):
        appendices.issue_appendix_version(session, OWNER, {"service_code": "svarut", "version": "2.0",
                                                           "issued_on": date(2024, 4, 1)})
    new = appendices.resign_appendix(session, OWNER, old_oslo.id, {
        "appendix_version": "2.0", "signed_date": date(2024, 3, 20), "start_date": date(2024, 4, 1)})
    assert (old_oslo.end_date, new.start_date, new.end_date, new.appendix_version) == (
        date(2024, 3, 31), date(2024, 4, 1), None, "2.0")
    assert [r["organisation"] for r in appendices.must_resign(session, "svarut", date(2024, 6, 1))] == ["Bergen"]
    in_2023 = appendices.active_appendices(session, "svarut", date(2023, 1, 1))
    assert {a.organisation_name: a.appendix_version for a in in_2023} == {"Oslo": "1.0", "Bergen": "1.0"}


def test_read_api_for_pricing_and_the_change_board(session):
    oslo, bergen = municipality(session, "0301"), municipality(session, "4601")
    for org in (oslo, bergen):
        sign_main(session, org)
    add_appendix(session, oslo, "svarut", date(2020, 1, 1), date(2024, 3, 31))
    add_appendix(session, bergen, "svarut", date(2024, 3, 1))
    add_appendix(session, bergen, "digisos", date(2024, 1, 1), status="draft")
    in_q1 = appendices.active_appendices_in_period(session, date(2024, 1, 1), date(2024, 3, 31), "svarut")
    assert [(a.organisation_name, a.start_date, a.end_date, a.price_model) for a in in_q1] == [
        ("Bergen", date(2024, 3, 1), None, "per_inhabitant"),
        ("Oslo", date(2020, 1, 1), date(2024, 3, 31), "per_inhabitant")]
    assert in_q1[0].reference == f"svarut/{bergen.org_number or bergen.id}/1.0"
    contacts = appendices.organisations_with_active_appendix(session, "svarut", date(2024, 4, 1))
    assert [(c.name, c.population) for c in contacts] == [("Bergen", bergen.population)]
    assert appendices.organisations_with_active_appendix(session, "digisos", date(2024, 4, 1)) == []
    assert appendices.adopters_population(session, "svarut", date(2024, 3, 15)) == oslo.population + bergen.population


# --- a product owner changes only the appendices of the services they own ---------------------------


def _oslo_with_three_owners(session):
    """Oslo's signed main agreement with appendices for SvarUt, Fiks arkiv and Folkeregister in force."""
    oslo = municipality(session, "0301")
    main = sign_main(session, oslo)
    running = [add_appendix(session, oslo, code, date(2020, 1, 1), actor=THREE_SERVICES)
               for code in ("svarut", "fiks-arkiv", "folkeregister")]
    return oslo, main, running


def _snapshot(session):
    session.expire_all()
    return (sorted((a.service.code, a.status, a.end_date) for a in session.scalars(select(ServiceAppendix))),
            [(m.status, m.terminated_date) for m in session.scalars(select(MainAgreement))],
            count(session, AuditEntry))


THREE_SERVICES = make_actor("product_owner", username="three", owned=("svarut", "fiks-arkiv", "folkeregister"))
SVARUT_ONLY = make_actor("product_owner", username="svarut-po", owned=("svarut",))
REFUSAL = ("Du kan bare endre avtaler og tjenestevedlegg for tjenester du er produktansvarlig for. Dette berører "
           "også tjenester du ikke er produktansvarlig for: Arkiv-API (Fiks arkiv), Folkeregister. Ingenting er endret.")


def test_owner_of_one_service_cannot_terminate_other_owners_appendices(session):
    oslo, main, _ = _oslo_with_three_owners(session)
    before = _snapshot(session)
    with pytest.raises(PermissionDenied) as error:
        agreements.terminate_main_agreement(session, SVARUT_ONLY, oslo.id, {"terminated_date": date(2025, 6, 30)},
                                            expected_version=main.version)
    assert error.value.message == REFUSAL
    assert _snapshot(session) == before


def test_owner_of_one_service_cannot_terminate_by_changing_the_status(session):
    oslo, main, _ = _oslo_with_three_owners(session)
    before = _snapshot(session)
    with pytest.raises(PermissionDenied) as error:
        agreements.save_main_agreement(session, SVARUT_ONLY, {
            "organisation_id": oslo.id, "status": "terminated", "signed_date": date(2015, 1, 1),
            "terminated_date": date(2025, 6, 30)}, expected_version=main.version)
    assert error.value.message == REFUSAL
    assert _snapshot(session) == before


def test_import_that_terminates_a_main_agreement_checks_every_service_it_ends(session):
    from agreements import imports
    from tests.agreements.test_import_export import sheet

    oslo, _, _ = _oslo_with_three_owners(session)
    before = _snapshot(session)
    content = sheet([["", "Oslo", "Avsluttet", "01.01.2015", "30.06.2025"]],
                    headers=["Organisasjonsnummer", "Virksomhet", "Hovedavtale status", "Hovedavtale signert",
                             "Hovedavtale avsluttet"])
    with pytest.raises(ValidationFailed) as error:
        imports.import_register(session, SVARUT_ONLY, content)
    assert [(e.row, e.message) for e in error.value.errors] == [
        (2, REFUSAL.replace("endre avtaler og tjenestevedlegg", "importere avtaleregisteret"))]
    assert _snapshot(session) == before


def test_owner_of_every_affected_service_may_terminate(session):
    oslo, main, running = _oslo_with_three_owners(session)
    ended = agreements.terminate_main_agreement(session, THREE_SERVICES, oslo.id, {"terminated_date": date(2025, 6, 30)},
                                                expected_version=main.version)
    assert sorted(a.service.code for a in ended) == ["fiks-arkiv", "folkeregister", "svarut"]
    assert {(a.status, a.end_date) for a in running} == {("terminated", date(2025, 6, 30))}
    # only the appendices that change count: one ended long ago is left alone; another owner's draft is not
    bergen = municipality(session, "4601")
    sign_main(session, bergen)
    add_appendix(session, bergen, "svarut", date(2020, 1, 1))
    add_appendix(session, bergen, "fiks-arkiv", date(2019, 1, 1), date(2021, 6, 30),  # ended long ago: untouched
                 actor=THREE_SERVICES)
    ended = agreements.terminate_main_agreement(session, SVARUT_ONLY, bergen.id,
                                                {"terminated_date": date(2025, 6, 30)})
    assert [a.service.code for a in ended] == ["svarut"]
    stavanger = municipality(session, "1103")
    sign_main(session, stavanger)
    add_appendix(session, stavanger, "fiks-arkiv", date(2024, 1, 1), status="draft", actor=THREE_SERVICES)
    with pytest.raises(PermissionDenied, match=r"ikke er produktansvarlig for: Arkiv-API \(Fiks arkiv\)\. Ingenting"):
        agreements.terminate_main_agreement(session, SVARUT_ONLY, stavanger.id, {"terminated_date": date(2025, 6, 30)})


def test_the_refusal_names_the_services_in_english_too(session):
    from data.i18n import set_language

    oslo, main, _ = _oslo_with_three_owners(session)
    set_language("en")
    with pytest.raises(PermissionDenied) as error:
        agreements.terminate_main_agreement(session, SVARUT_ONLY, oslo.id, {"terminated_date": date(2025, 6, 30)})
    assert error.value.message == (
        "You may only change agreements and appendices for services you are product owner of. This also affects "
        "services you are not product owner of: Arkiv-API (Fiks arkiv), Folkeregister. Nothing was changed.")
