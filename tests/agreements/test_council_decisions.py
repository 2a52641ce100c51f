"""Council decisions linked to the change requests they decide: links, status moves through the change
requests' own rules (audited), refusals, the agenda suggestion and the pages."""
from datetime import date

import pytest
from sqlalchemy import select

from agreements import change_requests, councils, roadmap
from agreements.agreements import RuleError
from agreements.models import ChangeRequest, CouncilDecision, CouncilMeeting
from data import db
from data.audit import AuditEntry
from data.errors import PermissionDenied, ValidationFailed
from tests.agreements.helpers import OWNER, add_appendix, count, municipality, sign_main
from tests.conftest import make_actor
from tests.pages import errors_of, render

NUMBERS = ("0301", "4601", "5001", "1103", "5501")


def _council(session):
    orgs = [municipality(session, n) for n in NUMBERS]
    for org in orgs:
        sign_main(session, org)
        add_appendix(session, org, "svarut", date(2020, 1, 1))
    councils.elect_council(session, OWNER, "svarut", {"term_from": date(2025, 1, 1), "members": [
        {"person_name": f"Person {i}", "organisation_id": o.id, "role": "chair" if i == 0 else "member",
         "term_from": date(2025, 1, 1)} for i, o in enumerate(orgs)]})
    return orgs


def _request(session, title, service="svarut", **changes):
    payload = {"service_code": service, "organisation_id": municipality(session, "0301").id, "title": title,
               "submitted_by": "Kari Nordmann", "submitted_on": date(2025, 1, 10)}
    payload.update(changes)
    return change_requests.save_change_request(session, OWNER, payload)


def _meeting(decisions, **changes):
    payload = {"meeting_date": date(2025, 3, 12), "title": "Brukerrådsmøte 1/2025", "agenda": "1. Endringsønsker",
               "decisions": decisions}
    payload.update(changes)
    return payload


def _status_entries(session, request):
    return [e for e in session.scalars(select(AuditEntry).where(
        AuditEntry.table_name == "agreement_change_request", AuditEntry.row_id == str(request.id),
        AuditEntry.action == "update").order_by(AuditEntry.seq)) if "status" in e.changed_fields()]


def test_a_decision_links_a_change_request_and_shows_on_both_sides(session):
    _council(session)
    varsel = _request(session, "Varsel ved ulest brev")
    sok = _request(session, "Bedre søk")
    meeting = councils.save_meeting(session, OWNER, "svarut", _meeting([
        "Referat godkjent.",
        {"text": "Varsel ved ulest brev prioriteres som nummer 1.", "change_request_id": varsel.id},
        {"text": "Søk tas opp igjen i neste møte.", "change_request_id": sok.id, "new_status": ""}]))
    row = councils.meeting_rows(session, "svarut")[0]
    assert row["decisions"] == ["Referat godkjent.", "Varsel ved ulest brev prioriteres som nummer 1.",
                                "Søk tas opp igjen i neste møte."]
    assert [(d["number"], d["change_request_id"], d["change_request_title"], d["change_request_status"])
            for d in row["decision_rows"]] == [(1, None, None, None), (2, varsel.id, "Varsel ved ulest brev", "new"),
                                               (3, sok.id, "Bedre søk", "new")]
    assert (varsel.status, sok.status) == ("new", "new")  # a link alone moves nothing
    assert councils.decisions_for_change_request(session, varsel.id) == [
        {"meeting_date": date(2025, 3, 12), "meeting_title": "Brukerrådsmøte 1/2025", "number": 2,
         "text": "Varsel ved ulest brev prioriteres som nummer 1."}]
    assert councils.decision_references(session, (varsel.id, sok.id, 999)) == {
        varsel.id: "12.03.2025 vedtak 2", sok.id: "12.03.2025 vedtak 3"}

    # editing the meeting: the first decision goes, the others are renumbered and keep their links
    councils.save_meeting(session, OWNER, "svarut", _meeting([
        {"text": "Varsel ved ulest brev prioriteres som nummer 1.", "change_request_id": varsel.id},
        {"text": "Søk tas opp igjen i neste møte.", "change_request_id": None}]),
        meeting_id=meeting.id, expected_version=meeting.version)
    assert [(d.number, d.change_request_id) for d in session.scalars(
        select(CouncilDecision).order_by(CouncilDecision.number))] == [(1, varsel.id), (2, None)]
    assert councils.decisions_for_change_request(session, sok.id) == []
    assert councils.decision_references(session, (varsel.id, sok.id)) == {varsel.id: "12.03.2025 vedtak 1"}


def test_a_decision_that_approves_a_request_moves_it_along_its_path_and_is_audited(session):
    session.info["actor"] = OWNER
    _council(session)
    item = roadmap.save_roadmap_item(session, OWNER, {"service_code": "svarut", "title": "Varsling", "year": 2025,
                                                      "quarter": 3})
    approved = _request(session, "Varsel ved ulest brev", status="assessed", council_priority=1,
                        assessment="Middels innsats", roadmap_item_id=item.id)
    rejected = _request(session, "Masseutsendelse fra Excel", status="assessed")
    councils.save_meeting(session, OWNER, "svarut", _meeting([
        {"text": "Varsel ved ulest brev planlegges i veikartet.", "change_request_id": approved.id,
         "new_status": "planned"},
        {"text": "Masseutsendelse avvises: passer ikke med tjenestens formål.", "change_request_id": rejected.id,
         "new_status": "rejected"}]))
    assert approved.status == "planned" and approved.assessment == "Middels innsats"
    assert rejected.status == "rejected"
    # a rejection needs a reason; the request had none, so the decision became the reason
    assert rejected.assessment == ("Avvist av brukerrådet 12.03.2025, vedtak 2: Masseutsendelse avvises: passer "
                                   "ikke med tjenestens formål.")
    [entry] = _status_entries(session, approved)
    assert entry.actor == "po"
    assert '"status":{"after":"planned","before":"assessed"}' in entry.changes
    [entry] = _status_entries(session, rejected)
    assert '"status":{"after":"rejected","before":"assessed"}' in entry.changes

    # saving the same decisions again moves nothing a second time
    meeting = session.scalar(select(CouncilMeeting))
    councils.save_meeting(session, OWNER, "svarut", _meeting([
        {"text": "Varsel ved ulest brev planlegges i veikartet.", "change_request_id": approved.id,
         "new_status": "planned"}]), meeting_id=meeting.id, expected_version=meeting.version)
    assert len(_status_entries(session, approved)) == 1 and approved.status == "planned"


def test_a_status_move_the_change_request_rules_refuse_changes_nothing(session):
    _council(session)
    fresh = _request(session, "Varsel ved ulest brev")
    assessed = _request(session, "Bedre søk", status="assessed")
    with pytest.raises(RuleError) as error:  # new -> done is not on the status path
        councils.save_meeting(session, OWNER, "svarut", _meeting([
            "Referat godkjent.",
            {"text": "Varsel ved ulest brev er gjennomført.", "change_request_id": fresh.id, "new_status": "done"}]))
    assert error.value.message == (f"Vedtak 2 kunne ikke flytte endringsønske nr. {fresh.id} «Varsel ved ulest "
                                   "brev»: Status kan ikke endres fra «Ny» til «Gjennomført». Mulige neste steg: "
                                   "Vurdert, Avvist.")
    with pytest.raises(RuleError, match="Vedtak 1 kunne ikke flytte .* må knyttes til et punkt i veikartet"):
        councils.save_meeting(session, OWNER, "svarut", _meeting([
            {"text": "Søk planlegges.", "change_request_id": assessed.id, "new_status": "planned"}]))
    session.expire_all()
    assert count(session, CouncilMeeting) == 0 and count(session, CouncilDecision) == 0
    assert [r.status for r in session.scalars(select(ChangeRequest).order_by(ChangeRequest.id))] == ["new", "assessed"]


def test_links_to_another_service_or_unknown_requests_are_refused_naming_the_decision(session):
    _council(session)
    ours = _request(session, "Varsel ved ulest brev")
    theirs = _request(session, "Vedlegg fra mobil", service="digisos")
    with pytest.raises(ValidationFailed) as error:
        councils.save_meeting(session, OWNER, "svarut", _meeting([
            {"text": "Varsel prioriteres.", "change_request_id": ours.id},
            {"text": "Vedlegg fra mobil planlegges.", "change_request_id": theirs.id, "new_status": "assessed"},
            {"text": "Ukjent ønske.", "change_request_id": 987654},
            {"text": "Noe skal vurderes.", "new_status": "assessed"},
            {"text": "", "change_request_id": ours.id}]))
    assert [(e.field, e.message) for e in error.value.errors] == [
        ("Endringsønske", f"Vedtak 2: endringsønske nr. {theirs.id} «Vedlegg fra mobil» gjelder Digisos, ikke "
                          "SvarUt. Brukerrådet kan bare behandle endringsønsker for sin egen tjeneste."),
        ("Endringsønske", "Vedtak 3 viser til endringsønske nr. 987654, som ikke finnes."),
        ("Endringsønske", "Vedtak 4 skal endre status, men er ikke knyttet til noe endringsønske."),
        ("Vedtak", "Vedtak 5 mangler tekst."),
    ]
    assert count(session, CouncilMeeting) == 0
    assert theirs.status == "new"


def test_permission_is_checked_before_anything_is_linked_or_moved(session):
    _council(session)
    request = _request(session, "Varsel ved ulest brev")
    decisions = [{"text": "Vurderes.", "change_request_id": request.id, "new_status": "assessed"}]
    for actor in (make_actor("support"), make_actor("finance"), make_actor("product_owner", owned=("digisos",))):
        with pytest.raises(PermissionDenied):
            councils.save_meeting(session, actor, "svarut", _meeting(decisions))
    assert count(session, CouncilMeeting) == 0 and request.status == "new"


def test_agenda_suggestion_lists_the_requests_awaiting_the_council(session):
    _council(session)
    assert councils.agenda_suggestion(session, "svarut") == ""
    item = roadmap.save_roadmap_item(session, OWNER, {"service_code": "svarut", "title": "Varsling", "year": 2025,
                                                      "quarter": 3})
    second = _request(session, "Bedre søk", status="assessed", council_priority=2)
    first = _request(session, "Varsel ved ulest brev", status="assessed", council_priority=1)
    unprioritised = _request(session, "Statistikk per avdeling", status="assessed", organisation_id=None)
    _request(session, "Ikke vurdert ennå")
    _request(session, "Allerede planlagt", status="planned", roadmap_item_id=item.id)
    _request(session, "Annen tjeneste", service="digisos", status="assessed")
    assert [r["id"] for r in councils.awaiting_council(session, "svarut")] == [first.id, second.id, unprioritised.id]
    assert councils.agenda_suggestion(session, "svarut") == "\n".join([
        "Endringsønsker til behandling:",
        f"- nr. {first.id}: Varsel ved ulest brev (Oslo, prioritet 1)",
        f"- nr. {second.id}: Bedre søk (Oslo, prioritet 2)",
        f"- nr. {unprioritised.id}: Statistikk per avdeling"])


# --- pages ----------------------------------------------------------------------------------------


@pytest.fixture
def demo_data(db_url, system):
    from agreements.demo import load_demo
    from data import demo

    with db.session_scope(actor=system) as session:
        demo.load(session, system, [load_demo])
    return db_url


PRODUCT_OWNER = make_actor("product_owner", username="produkt", owned=("svarut",))


def test_demo_decisions_are_linked_to_demo_change_requests(demo_data):
    with db.session_scope() as session:
        linked = session.execute(
            select(ChangeRequest.title, ChangeRequest.status)
            .join(CouncilDecision, CouncilDecision.change_request_id == ChangeRequest.id)).all()
        assert ("Masseutsendelse fra Excel", "rejected") in linked and len(linked) >= 6
        suggestion = councils.agenda_suggestion(session, "svarut")
        assert "Bedre søk i sendte forsendelser" in suggestion
        assert "Automatisk retur til print ved ulest digital post" in suggestion


def test_council_page_shows_the_links_and_the_agenda_suggestion(demo_data):
    app = render("agreements/pages/councils.py", PRODUCT_OWNER)
    assert errors_of(app) == []
    shown = "\n".join(m.value for m in app.markdown)
    assert "→ *Endringsønske nr." in shown and "«Masseutsendelse fra Excel» (avvist)*" in shown
    assert any(c.value.startswith("Endringsønsker til behandling:") for c in app.code)
    assert next(a for a in app.text_area if a.label == "Saksliste").value == ""
    next(b for b in app.button if b.label == "Legg forslaget til i sakslisten").click().run()
    assert errors_of(app) == []
    assert next(a for a in app.text_area if a.label == "Saksliste").value.startswith(
        "Endringsønsker til behandling:\n- nr. ")

    english = render("agreements/pages/councils.py", PRODUCT_OWNER, language="en")
    assert errors_of(english) == []
    assert "→ *Change request no." in "\n".join(m.value for m in english.markdown)


def test_council_page_in_an_empty_database_has_empty_states(db_url, session):
    _council(session)
    session.commit()
    app = render("agreements/pages/councils.py", PRODUCT_OWNER)
    assert errors_of(app) == []
    infos = [i.value for i in app.info]
    assert "Ingen endringsønsker for SvarUt venter på brukerrådet." in infos
    assert "SvarUt har ingen endringsønsker ennå, så vedtak kan ikke knyttes til noen." in [
        c.value for c in app.caption]


def test_change_request_page_lists_the_decisions_that_dealt_with_it(demo_data):
    with db.session_scope() as session:
        request = session.scalar(select(ChangeRequest).where(ChangeRequest.title == "Masseutsendelse fra Excel"))
        request_id = request.id
    for actor in (PRODUCT_OWNER, make_actor("support")):
        app = render("agreements/pages/change_requests.py", actor)
        app.multiselect(key="cr-status").set_value(["rejected"]).run()
        app.selectbox(key="cr-decisions-choose").set_value(request_id).run()
        assert errors_of(app) == []
        frame = next(d.value for d in app.dataframe if "number" in d.value.columns)
        assert frame.to_dict("records") == [{
            "meeting_date": date(2025, 3, 12), "number": 5,
            "text": "Masseutsendelse fra Excel avvises: passer ikke med tjenestens formål.",
            "meeting_title": "Brukerrådsmøte 1/2025 – SvarUt"}]
        listing = next(d.value for d in app.dataframe if "decided_in" in d.value.columns)
        assert listing.set_index("id").loc[request_id, "decided_in"] == "12.03.2025 vedtak 5"


def test_saving_a_meeting_from_the_page_keeps_its_decision_links(demo_data):
    with db.session_scope() as session:
        meeting = session.scalar(select(CouncilMeeting).where(CouncilMeeting.title == "Brukerrådsmøte 1/2025 – SvarUt"))
        meeting_id = meeting.id
        before = [(d.number, d.text, d.change_request_id) for d in meeting.decisions]
    assert [n for n, _, link in before if link] == [4, 5]
    app = render("agreements/pages/councils.py", PRODUCT_OWNER)
    app.selectbox(key="meeting-choose").set_value(meeting_id).run()
    next(i for i in app.text_input if i.label == "Tittel").input("Brukerrådsmøte 1/2025 (rettet)")
    next(b for b in reversed(app.button) if b.label == "Lagre").click().run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        meeting = session.get(CouncilMeeting, meeting_id)
        assert meeting.title == "Brukerrådsmøte 1/2025 (rettet)"
        assert [(d.number, d.text, d.change_request_id) for d in meeting.decisions] == before


def test_product_owner_links_a_decision_and_moves_the_request_from_the_page(demo_data):
    with db.session_scope() as session:
        meeting = session.scalar(select(CouncilMeeting).where(CouncilMeeting.title == "Brukerrådsmøte 1/2027 – SvarUt"))
        request = session.scalar(select(ChangeRequest).where(ChangeRequest.title == "Bedre søk i sendte forsendelser"))
        meeting_id, version, request_id = meeting.id, meeting.version, request.id
        assert request.status == "assessed"
    app = render("agreements/pages/councils.py", PRODUCT_OWNER)
    app.selectbox(key="meeting-choose").set_value(meeting_id).run()
    app.session_state[f"meeting-decisions-{meeting_id}-{version}"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"text": "Bedre søk avvises; dekkes av ny søkeløsning i arkivet.",
                        "change_request": f"#{request_id} Bedre søk i sendte forsendelser", "new_status": "Avvist"}]}
    next(b for b in reversed(app.button) if b.label == "Lagre").click().run()
    assert errors_of(app) == []
    with db.session_scope() as session:
        assert councils.decisions_for_change_request(session, request_id)[-1]["meeting_date"] == date(2027, 2, 10)
        request = session.get(ChangeRequest, request_id)
        assert request.status == "rejected"
        assert request.assessment == "Vurdert av produktteamet: middels innsats."
        [entry] = _status_entries(session, request)
        assert entry.actor == "produkt" and '"status":{"after":"rejected","before":"assessed"}' in entry.changes


def test_the_page_shows_a_refused_status_move_in_plain_language(demo_data):
    with db.session_scope() as session:
        meeting = session.scalar(select(CouncilMeeting).where(CouncilMeeting.title == "Brukerrådsmøte 1/2027 – SvarUt"))
        request = session.scalar(select(ChangeRequest).where(ChangeRequest.title == "Støtte for store vedlegg"))
        meeting_id, version, request_id = meeting.id, meeting.version, request.id
    app = render("agreements/pages/councils.py", PRODUCT_OWNER)
    app.selectbox(key="meeting-choose").set_value(meeting_id).run()
    app.session_state[f"meeting-decisions-{meeting_id}-{version}"] = {
        "edited_rows": {}, "deleted_rows": [],
        "added_rows": [{"text": "Store vedlegg er på plass.", "change_request": f"#{request_id} Støtte for store vedlegg",
                        "new_status": "Gjennomført"}]}
    next(b for b in reversed(app.button) if b.label == "Lagre").click().run()
    assert not app.exception
    assert [e.value for e in app.error] == [
        f"Vedtak 1 kunne ikke flytte endringsønske nr. {request_id} «Støtte for store vedlegg»: Status kan ikke "
        "endres fra «Ny» til «Gjennomført». Mulige neste steg: Vurdert, Avvist."]
    with db.session_scope() as session:
        assert session.get(ChangeRequest, request_id).status == "new"
        assert councils.decisions_for_change_request(session, request_id) == []


def test_changing_only_the_decisions_moves_the_meeting_version_so_a_stale_edit_is_refused(session):
    from data.errors import ConflictError

    _council(session)
    request = _request(session, "Varsel ved ulest brev")
    meeting = councils.save_meeting(session, OWNER, "svarut", _meeting(["Referat godkjent."]))
    seen = meeting.version
    councils.save_meeting(session, OWNER, "svarut", _meeting([
        "Referat godkjent.", {"text": "Varsel prioriteres.", "change_request_id": request.id}]),
        meeting_id=meeting.id, expected_version=seen)
    assert meeting.version == seen + 1
    with pytest.raises(ConflictError):  # a second user still holding the old version would drop the link
        councils.save_meeting(session, OWNER, "svarut", _meeting(["Referat godkjent."]), meeting_id=meeting.id,
                              expected_version=seen)
    assert councils.decisions_for_change_request(session, request.id)[0]["number"] == 2
