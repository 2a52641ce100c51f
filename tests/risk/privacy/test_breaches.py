"""Personal-data breaches: the deadline rules, the controller list (appendices in force on the awareness day,
narrowed by DigiOrden), corrections of the clock, recording notices, permissions and the audit log."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from risk.privacy import breaches
from risk.privacy.models import Breach, BreachController, BreachEvent
from tests.conftest import make_actor
from tests.risk.privacy.helpers import appendix, digiorden_map, incident, municipality

OFFICER = make_actor("security", username="siri")
AWARE = datetime(2026, 3, 1, 9, 15, tzinfo=UTC)          # 10:15 Norwegian time, Sunday 1 March 2026


# --- the deadline rules -----------------------------------------------------------------------------------


def test_deadline_is_awareness_plus_the_internal_hours():
    breach = Breach(aware_at=AWARE, notify_within_hours=24)
    assert breaches.deadline(breach) == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    breach.notify_within_hours = 12
    assert breaches.deadline(breach) == datetime(2026, 3, 1, 21, 15, tzinfo=UTC)


@pytest.mark.parametrize(("sent_after", "now_after", "state"), [
    (timedelta(hours=24), timedelta(hours=30), "sent_in_time"),          # exactly at the deadline: in time
    (timedelta(hours=24, seconds=1), timedelta(hours=30), "sent_late"),
    (timedelta(hours=1), timedelta(hours=2), "sent_in_time"),
    (None, timedelta(hours=24), "due"),                                   # not sent, deadline not passed yet
    (None, timedelta(hours=24, seconds=1), "late"),
])
def test_controller_state_follows_the_deadline(sent_after, now_after, state):
    due = AWARE + timedelta(hours=24)
    sent = AWARE + sent_after if sent_after is not None else None
    assert breaches.controller_state(sent, due, AWARE + now_after) == state


def test_hours_left_and_norwegian_time():
    due = AWARE + timedelta(hours=24)
    assert breaches.hours_left(due, AWARE + timedelta(hours=20, minutes=30)) == 3.5
    assert breaches.hours_left(due, AWARE + timedelta(hours=25)) == -1.0
    assert breaches.when(AWARE) == "01.03.2026 kl. 10:15"


# --- the controllers ------------------------------------------------------------------------------------------


@pytest.fixture
def orgs(session):
    """Oslo, Bergen, Trondheim, Stavanger, Drammen and Tromsø with SvarUt appendices of different periods."""
    oslo, bergen, trondheim = municipality(session, "0301"), municipality(session, "4601"), municipality(session, "5001")
    stavanger, drammen, tromso = municipality(session, "1103"), municipality(session, "3301"), municipality(session, "5501")
    appendix(session, oslo, "svarut", date(2020, 1, 1))                          # in force
    appendix(session, bergen, "svarut", date(2026, 3, 2))                        # starts the day after
    appendix(session, trondheim, "svarut", date(2019, 1, 1), date(2026, 3, 1))   # ends on the awareness day
    appendix(session, stavanger, "svarut", date(2019, 1, 1), date(2026, 2, 28))  # ended the day before
    appendix(session, drammen, "svarut", date(2020, 1, 1), status="draft")       # never signed
    appendix(session, tromso, "digisos", date(2020, 1, 1))                       # another service
    return {"oslo": oslo, "bergen": bergen, "trondheim": trondheim, "stavanger": stavanger, "drammen": drammen,
            "tromso": tromso}


def _mark(session, ticket, **extra):
    payload = {"ticket_id": ticket.id, "aware_at": AWARE, "title": "Brev til feil mottaker"} | extra
    return breaches.mark_breach(session, OFFICER, payload)


def _controller_names(session, breach_id):
    """The controllers by municipality number (names such as "Trondheim - Tråante" are for display)."""
    return sorted(r["municipality_number"] for r in breaches.controller_rows(session, breach_id))


def test_controllers_are_those_with_an_appendix_in_force_on_the_awareness_day(session, orgs):
    breach = _mark(session, incident(session))
    assert _controller_names(session, breach.id) == ["0301", "5001"]
    rows = breaches.controller_rows(session, breach.id, now=AWARE)
    assert [r["digiorden"] for r in rows] == ["not_mapped", "not_mapped"]
    assert rows[0]["appendices"] == f"svarut/{orgs['oslo'].org_number or orgs['oslo'].id}/1.0"
    assert {r["state"] for r in rows} == {"due"}


def test_the_awareness_day_is_the_norwegian_calendar_day(session, orgs):
    # 23:30 UTC on 1 March is 00:30 on 2 March in Norway: Bergen's appendix (from 2 March) is in force,
    # Trondheim's (ended 1 March) is not.
    late_evening = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)
    breach = _mark(session, incident(session), aware_at=late_evening)
    assert breaches.oslo_date(late_evening) == date(2026, 3, 2)
    assert _controller_names(session, breach.id) == ["0301", "4601"]


def test_several_services_give_one_row_per_organisation(session, orgs):
    appendix(session, orgs["oslo"], "digisos", date(2020, 1, 1))
    breach = _mark(session, incident(session), service_codes=["svarut", "digisos"])
    rows = {r["municipality_number"]: r for r in breaches.controller_rows(session, breach.id)}
    assert sorted(rows) == ["0301", "5001", "5501"]
    assert rows["0301"]["services"] == "Digisos, SvarUt"


def test_digiorden_narrows_where_the_map_shows_who_integrates(session, orgs):
    appendix(session, orgs["bergen"], "svarut", date(2020, 1, 1), date(2026, 3, 1))
    digiorden_map(session, orgs["oslo"], "svarut")        # mapped, integrates: kept
    digiorden_map(session, orgs["trondheim"], "fiks-io")  # mapped, but not with SvarUt: left out
    breach = _mark(session, incident(session))            # Bergen has no map: kept
    rows = {r["municipality_number"]: r["digiorden"] for r in breaches.controller_rows(session, breach.id)}
    assert rows == {"4601": "not_mapped", "0301": "integrates"}
    left_out = breaches.left_out(session, breach.id)
    assert [(r["municipality_number"], r["digiorden"]) for r in left_out] == [("5001", "no_integration")]

    breaches.update_details(session, OFFICER, breach.id, {"title": breach.title, "narrow_by_digiorden": False})
    rows = {r["municipality_number"]: r["digiorden"] for r in breaches.controller_rows(session, breach.id)}
    assert rows == {"4601": "off", "0301": "off", "5001": "off"}
    assert breaches.left_out(session, breach.id) == []


# --- the clock and the notices ------------------------------------------------------------------------------


def test_changing_the_awareness_time_moves_the_deadline_and_the_list_with_a_reason(session, orgs):
    breach = _mark(session, incident(session))
    earlier = datetime(2026, 2, 27, 15, 0, tzinfo=UTC)
    breaches.change_aware_time(session, OFFICER, breach.id,
                               {"aware_at": earlier, "reason": "Loggen viser at driften varslet fredag."},
                               expected_version=breach.version)
    session.refresh(breach)
    assert breaches.deadline(breach) == datetime(2026, 2, 28, 15, 0, tzinfo=UTC)
    assert _controller_names(session, breach.id) == ["0301", "1103", "5001"]
    texts = [e["text"] for e in breaches.event_rows(session, breach.id)]
    assert any("01.03.2026 kl. 10:15 til 27.02.2026 kl. 16:00" in text and "driften varslet fredag" in text
               for text in texts)
    with pytest.raises(ValidationFailed):
        breaches.change_aware_time(session, OFFICER, breach.id, {"aware_at": earlier, "reason": ""})


def test_notices_sent_in_time_and_late_and_the_warnings(session, orgs):
    breach = _mark(session, incident(session))
    oslo, trondheim = orgs["oslo"].id, orgs["trondheim"].id
    breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [oslo],
                                                       "sent_at": AWARE + timedelta(hours=20)})
    now = AWARE + timedelta(hours=26)
    rows = {r["municipality_number"]: r for r in breaches.controller_rows(session, breach.id, now=now)}
    assert rows["0301"]["state"] == "sent_in_time"
    assert rows["0301"]["their_deadline"] == AWARE + timedelta(hours=20 + 72)
    assert rows["5001"]["state"] == "late"
    [row] = breaches.breach_rows(session, now=now)
    assert (row["state"], row["sent"], row["unsent"], row["controllers"]) == ("late", 1, 1, 2)
    assert [w["reference"] for w in breaches.warnings(session, now=now)] == [breach.reference]
    assert breaches.counts(session, now=now) == {"open": 1, "late": 1, "late_controllers": 1, "next_deadline": None}
    assert breaches.counts(session, now=AWARE + timedelta(hours=1))["next_deadline"] == breaches.deadline(breach)

    breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [trondheim],
                                                       "sent_at": AWARE + timedelta(hours=25)})
    [row] = breaches.breach_rows(session, now=now)
    assert (row["state"], row["sent_late"], row["unsent"]) == ("sent_late", 1, 0)
    assert breaches.warnings(session, now=now) == []
    sent = [e for e in breaches.event_rows(session, breach.id) if e["kind"] == "sent"]
    assert [e["at"] for e in sent] == [AWARE + timedelta(hours=20), AWARE + timedelta(hours=25)]
    assert sent[0]["text"] == "Varsel sendt til 1 behandlingsansvarlige (frist 02.03.2026 kl. 10:15)."
    assert sent[1]["text"] == "Varsel sendt til 1 behandlingsansvarlige etter fristen (02.03.2026 kl. 10:15)."


def test_recording_a_notice_refuses_what_cannot_be_and_changes_nothing(session, orgs):
    breach = _mark(session, incident(session))
    oslo, bergen = orgs["oslo"].id, orgs["bergen"].id
    before = session.scalar(select(func.count()).select_from(BreachEvent))
    with pytest.raises(BackofficeError, match="før vi ble kjent med bruddet"):
        breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [oslo],
                                                           "sent_at": AWARE - timedelta(minutes=1)})
    with pytest.raises(BackofficeError, match="Bergen står ikke på listen"):
        breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [oslo, bergen],
                                                           "sent_at": AWARE + timedelta(hours=1)})
    with pytest.raises(BackofficeError, match="fram i tid"):
        breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [oslo],
                                                           "sent_at": datetime.now(UTC) + timedelta(hours=1)})
    assert session.scalar(select(func.count()).select_from(BreachController)
                          .where(BreachController.sent_at.is_not(None))) == 0
    assert session.scalar(select(func.count()).select_from(BreachEvent)) == before
    breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [oslo], "sent_at": AWARE})
    with pytest.raises(BackofficeError, match="allerede registrert som sendt til Oslo"):
        breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [oslo], "sent_at": AWARE})
    with pytest.raises(BackofficeError, match="1 behandlingsansvarlige har ikke fått varsel"):
        breaches.close_breach(session, OFFICER, breach.id, {"note": "Ferdig behandlet."})
    # the awareness time cannot move past a notice already sent
    with pytest.raises(BackofficeError, match="etter at det første varselet ble sendt"):
        breaches.change_aware_time(session, OFFICER, breach.id, {"aware_at": AWARE + timedelta(hours=1),
                                                                 "reason": "Feil tidspunkt"})


def test_a_controller_already_told_stays_on_the_list(session, orgs):
    breach = _mark(session, incident(session))
    breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [orgs["trondheim"].id],
                                                       "sent_at": AWARE + timedelta(hours=2)})
    later = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)   # same day: Trondheim stays in force anyway
    breaches.change_aware_time(session, OFFICER, breach.id, {"aware_at": later, "reason": "Presisert"})
    breaches.set_services(session, OFFICER, breach.id, {"service_codes": ["digisos"], "reason": "Feil tjeneste"})
    # Oslo (not told) leaves with SvarUt; Trondheim (5001) was told and stays; Tromsø (5501, digisos) comes in.
    assert _controller_names(session, breach.id) == ["5001", "5501"]


def test_only_a_security_incident_can_become_a_breach_and_only_once(session, orgs):
    plain = incident(session, number=77002, security=False)
    with pytest.raises(BackofficeError, match="#77002 er ikke markert som sikkerhetshendelse"):
        _mark(session, plain)
    ticket = incident(session)
    breach = _mark(session, ticket)
    with pytest.raises(BackofficeError, match=f"allerede registrert som personvernbrudd {breach.reference}"):
        _mark(session, ticket)
    no_service = incident(session, code=None, number=77003)
    with pytest.raises(BackofficeError, match="ikke knyttet til en tjeneste"):
        _mark(session, no_service)
    with pytest.raises(BackofficeError, match="Ukjent tjeneste: finnes-ikke"):
        _mark(session, no_service, service_codes=["finnes-ikke"])
    with pytest.raises(BackofficeError, match="fram i tid"):
        _mark(session, no_service, service_codes=["svarut"], aware_at=datetime.now(UTC) + timedelta(days=1))
    with pytest.raises(ValidationFailed, match="notify_within_hours"):
        _mark(session, no_service, service_codes=["svarut"], notify_within_hours=73)
    assert session.scalar(select(func.count()).select_from(Breach)) == 1


@pytest.mark.parametrize("role", ["admin", "leader", "finance", "product_owner", "portfolio", "support", "architect"])
def test_only_the_security_officer_marks_and_records(session, orgs, role):
    ticket = incident(session)
    actor = make_actor(role, owned=("svarut",))
    with pytest.raises(PermissionDenied):
        breaches.mark_breach(session, actor, {"ticket_id": ticket.id, "aware_at": AWARE, "title": "Brudd"})
    breach = _mark(session, ticket)
    with pytest.raises(PermissionDenied):
        breaches.record_sent(session, actor, breach.id, {"organisation_ids": [orgs["oslo"].id], "sent_at": AWARE})
    with pytest.raises(PermissionDenied):
        breaches.add_event(session, actor, breach.id, {"at": AWARE, "text": "Noe ble gjort"})


def test_marking_and_sending_are_in_the_audit_log(session, orgs):
    session.info["actor"] = OFFICER
    breach = _mark(session, incident(session))
    breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [orgs["oslo"].id],
                                                       "sent_at": AWARE + timedelta(hours=3)})
    session.flush()
    entries = session.execute(select(AuditEntry.table_name, AuditEntry.action, AuditEntry.actor)
                              .where(AuditEntry.table_name.like("privacy_%"))).all()
    assert ("privacy_breach", "insert", "siri") in entries
    assert sum(1 for e in entries if e[:2] == ("privacy_breach_controller", "insert")) == 2
    assert ("privacy_breach_controller", "update", "siri") in entries


def test_close_after_every_controller_is_told(session, orgs):
    breach = _mark(session, incident(session))
    breaches.record_sent(session, OFFICER, breach.id, {"organisation_ids": [orgs["oslo"].id, orgs["trondheim"].id],
                                                       "sent_at": AWARE + timedelta(hours=3)})
    breaches.close_breach(session, OFFICER, breach.id, {"note": "Alle varslet; tiltak gjennomført."})
    assert breaches.breach_rows(session) == []
    assert [r["state"] for r in breaches.breach_rows(session, include_closed=True)] == ["closed"]
    with pytest.raises(BackofficeError, match="er lukket og kan ikke endres"):
        breaches.update_details(session, OFFICER, breach.id, {"title": "Ny tittel"})


def test_kpis_for_the_leaders_overview(session, orgs):
    breach = _mark(session, incident(session))
    kpis = {k.label: k.value for k in breaches.kpis(session, OFFICER)}
    assert kpis["Åpne personvernbrudd"] == "1"
    assert kpis["Varsler over fristen"] == "2"       # the deadline (2 March 2026) has passed today
    assert kpis["Neste varslingsfrist"] == "–"
    assert breach.reference == f"PB-{breach.id}"
