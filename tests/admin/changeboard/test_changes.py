"""Change items: status paths per type, freeze and load conflicts, leader overrides, the ROS trigger."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from admin.changeboard import changes as cb
from admin.changeboard import hooks
from admin.changeboard.models import ChangeItem, FreezeOverride
from data.audit import AuditEntry
from data.errors import BackofficeError, PermissionDenied, ValidationFailed
from data.support.freshdesk import import_tickets
from data.support.models import SupportTicket
from data.support.tickets import mark_security_incident
from risk.models import ReviewTrigger
from tests.conftest import make_actor

PORTFOLIO = make_actor("portfolio", username="pia")
LEADER = make_actor("leader", username="lise")


def oslo(day_: date, hour: int) -> datetime:
    return datetime(day_.year, day_.month, day_.day, hour, tzinfo=cb.OSLO)


def item(session, change_type="normal", services=("svarut",), start=None, hours=2, **extra):
    payload = {"title": f"Endring {change_type}", "source": "operations", "change_type": change_type,
               "service_codes": list(services), "rollback_plan": "Rull tilbake", "risk": 2, "impact": 2,
               "planned_start": start, "planned_end": start + timedelta(hours=hours) if start else None}
    payload.update(extra)
    return cb.create_item(session, PORTFOLIO, payload)


def template(session, **extra):
    return cb.save_template(session, PORTFOLIO, {"name": "Sertifikatbytte", "rollback_plan": "Gammelt sertifikat",
                                                 "max_risk": 2, "max_impact": 2, **extra})


# --- status paths ------------------------------------------------------------------------------------


def walk(session, change, *statuses, note="Greit nok"):
    for status in statuses:
        cb.transition(session, PORTFOLIO, change.id, status, note=note)
    return change.status


def test_normal_path_runs_through_the_board(session):
    change = item(session, start=oslo(date(2027, 3, 1), 20))
    assert walk(session, change, "assessed", "approved", "scheduled", "implemented", "reviewed", "closed") == "closed"
    assert change.decided_by == "pia" and change.implemented_at and change.reviewed_at and change.closed_at
    assert change.review_note == "Greit nok"


def test_normal_change_cannot_skip_the_board(session):
    change = item(session)
    with pytest.raises(BackofficeError) as caught:
        cb.transition(session, PORTFOLIO, change.id, "approved")
    assert caught.value.message == (f"EB-{change.id} (Normal endring) kan ikke gå fra «Ny» til «Godkjent». Neste steg kan "
                                    "være: Vurdert, Avvist.")
    assert change.status == "new"
    cb.transition(session, PORTFOLIO, change.id, "assessed")
    with pytest.raises(BackofficeError):
        cb.transition(session, PORTFOLIO, change.id, "implemented")


def test_standard_path_skips_assessment_decision_and_review(session):
    tp = template(session)
    change = item(session, "standard", template_id=tp.id, start=oslo(date(2027, 3, 1), 10))
    assert change.rollback_plan == "Rull tilbake"
    assert cb.allowed_next("standard", "new") == ("scheduled",)
    with pytest.raises(BackofficeError):
        cb.transition(session, PORTFOLIO, change.id, "assessed")
    assert walk(session, change, "scheduled", "implemented") == "implemented"
    with pytest.raises(BackofficeError):
        cb.transition(session, PORTFOLIO, change.id, "reviewed", note="x")
    assert walk(session, change, "closed") == "closed"


def test_standard_change_needs_a_template_and_stays_within_it(session):
    with pytest.raises(ValidationFailed) as caught:
        item(session, "standard")
    assert "forhåndsgodkjent mal" in caught.value.message
    tp = template(session)
    with pytest.raises(BackofficeError) as caught:
        item(session, "standard", template_id=tp.id, risk=4)
    assert "Gjør den til en normal endring" in caught.value.message
    assert session.scalar(select(func.count()).select_from(ChangeItem)) == 0


def test_emergency_path_is_decided_then_reviewed(session):
    change = item(session, "emergency")
    assert walk(session, change, "approved", "implemented") == "implemented"
    with pytest.raises(BackofficeError):
        cb.transition(session, PORTFOLIO, change.id, "closed")      # must be reviewed first
    assert walk(session, change, "reviewed", "closed") == "closed"
    other = item(session, "emergency")
    with pytest.raises(BackofficeError):
        cb.transition(session, PORTFOLIO, other.id, "scheduled")
    with pytest.raises(BackofficeError):
        cb.transition(session, PORTFOLIO, other.id, "assessed")


def test_reject_and_defer_need_a_reason(session):
    change = item(session)
    cb.transition(session, PORTFOLIO, change.id, "assessed")
    with pytest.raises(BackofficeError) as caught:
        cb.transition(session, PORTFOLIO, change.id, "rejected", note="")
    assert "begrunnelse" in caught.value.message
    cb.transition(session, PORTFOLIO, change.id, "deferred", note="Etter nyttår")
    assert change.decision_note == "Etter nyttår"
    assert cb.allowed_next("normal", "deferred") == ("assessed", "rejected")


def test_approval_needs_rollback_plan_and_service(session):
    change = item(session, services=(), rollback_plan="")
    cb.transition(session, PORTFOLIO, change.id, "assessed")
    with pytest.raises(BackofficeError) as caught:
        cb.transition(session, PORTFOLIO, change.id, "approved")
    assert "plan for tilbakerulling" in caught.value.message and "tjeneste" in caught.value.message
    assert change.status == "assessed"


def test_scheduling_needs_a_window(session):
    change = item(session)
    walk(session, change, "assessed", "approved")
    with pytest.raises(BackofficeError) as caught:
        cb.transition(session, PORTFOLIO, change.id, "scheduled")
    assert "planlagt start og slutt" in caught.value.message


def test_only_portfolio_writes_change_items(session):
    for role in ("support", "finance", "leader"):
        with pytest.raises(PermissionDenied):
            cb.create_item(session, make_actor(role), {"title": "Ny", "source": "support", "change_type": "normal"})
    assert session.scalar(select(func.count()).select_from(ChangeItem)) == 0


def test_stale_edit_is_refused(session):
    change = item(session)
    version = change.version
    payload = {"title": "Nytt navn", "source": "operations", "change_type": "normal", "service_codes": ["svarut"]}
    cb.update_item(session, PORTFOLIO, change.id, payload, expected_version=version)
    with pytest.raises(BackofficeError):
        cb.update_item(session, PORTFOLIO, change.id, {**payload, "title": "Annet"}, expected_version=version)


def test_window_end_must_follow_start(session):
    with pytest.raises(ValidationFailed):
        item(session, start=oslo(date(2027, 3, 1), 20), hours=-1)


def test_tickets_and_project_reference_are_linked(session):
    import_tickets(session, make_actor("support"), (
        b"Ticket ID,Subject,Status,Priority,Created time,Tags\n"
        b"7001,Feil,Open,High,2026-03-02 09:15:00,svarut\n"))
    change = item(session, source="support", ticket_numbers="7001", project_ref="PRJ-9")
    assert [tk.ticket_number for tk in change.tickets] == [7001] and change.project_ref == "PRJ-9"
    with pytest.raises(BackofficeError) as caught:
        item(session, ticket_numbers=[9999])
    assert "9999" in caught.value.message


# --- conflicts on hand-made calendars -----------------------------------------------------------


def pc(id_, day_, hour=20, hours=2, services=("svarut",)):
    start = oslo(day_, hour).astimezone(UTC)
    return cb.PlannedChange(id_, f"EB-{id_}", f"Endring {id_}", start, start + timedelta(hours=hours),
                            frozenset(services))


def test_conflicts_freeze_global_and_per_service():
    christmas = cb.Freeze(1, "Julefrys", date(2026, 12, 15), date(2027, 1, 5))
    digisos = cb.Freeze(2, "Utbetaling", date(2026, 12, 1), date(2026, 12, 3), service="digisos")
    changes = [pc(1, date(2026, 12, 14), hour=22, hours=3),               # runs past midnight into the freeze
               pc(2, date(2026, 12, 2), services=("svarut",)),            # other service: not hit
               pc(3, date(2026, 12, 2), services=("digisos",)),
               pc(4, date(2026, 12, 14), hour=18, hours=2, services=("minside",)),  # ends before midnight
               pc(5, date(2027, 1, 6), services=("minside",))]
    found = cb.find_conflicts(changes, [christmas, digisos], lambda week: 10, overrides={(1, 1)})
    freeze = [(c.item_ids, c.detail["name"], c.day, c.overridden) for c in found if c.kind == "freeze"]
    assert freeze == [((3,), "Utbetaling", date(2026, 12, 2), False),
                      ((1,), "Julefrys", date(2026, 12, 15), True)]


def test_conflicts_load_limit_per_week_and_same_service_same_day():
    monday = date(2027, 2, 1)
    changes = [pc(1, monday, services=("svarut",)), pc(2, monday, hour=8, services=("svarut", "digisos")),
               pc(3, monday + timedelta(days=2), services=("digisos",)),
               pc(4, monday + timedelta(days=6), services=("minside",)),      # Sunday: same week
               pc(5, monday + timedelta(days=7), services=("minside",))]      # next week
    limits = {monday: 3, monday + timedelta(days=7): 3}
    found = cb.find_conflicts(changes, [], lambda week: limits[week])
    assert [(c.kind, c.item_ids, c.day) for c in found] == [
        ("load", (2, 1, 3, 4), monday),
        ("same_day", (2, 1), monday),
    ]
    assert found[0].text() == "Uke 5/2027: 4 endringer, grensen er 3"
    assert found[1].text() == "svarut har flere endringer 01.02.2027: EB-2, EB-1"
    assert cb.find_conflicts(changes, [], lambda week: 4) == found[1:]


def test_load_limits_apply_from_their_week(session):
    cb.set_load_limit(session, PORTFOLIO, {"valid_from": date(2026, 12, 16), "max_changes": 2})
    cb.set_load_limit(session, PORTFOLIO, {"valid_from": date(2027, 1, 4), "max_changes": 5})
    lookup = cb.limit_lookup(session)
    assert lookup(date(2026, 12, 7)) == cb.DEFAULT_WEEKLY_LIMIT
    assert lookup(date(2026, 12, 14)) == 2          # the Wednesday moved to its Monday
    assert lookup(date(2026, 12, 28)) == 2
    assert lookup(date(2027, 1, 4)) == 5


def test_conflicts_between_reads_items_freezes_and_limits(session):
    cb.save_freeze(session, PORTFOLIO, {"name": "Julefrys", "start_date": date(2026, 12, 15),
                                        "end_date": date(2027, 1, 5)})
    cb.set_load_limit(session, PORTFOLIO, {"valid_from": date(2026, 12, 7), "max_changes": 1})
    a = item(session, start=oslo(date(2026, 12, 8), 20))
    b = item(session, start=oslo(date(2026, 12, 8), 22), services=("svarut", "digisos"))
    c = item(session, start=oslo(date(2026, 12, 16), 20), services=("minside",))
    rejected = item(session, start=oslo(date(2026, 12, 9), 20), services=("minside",))
    cb.transition(session, PORTFOLIO, rejected.id, "rejected", note="Nei")
    found = cb.conflicts_between(session, date(2026, 12, 1), date(2026, 12, 31))
    assert [(f.kind, f.item_ids) for f in found] == [("load", (a.id, b.id)), ("same_day", (a.id, b.id)),
                                                    ("freeze", (c.id,))]


# --- freeze and leader override -------------------------------------------------------------------


@pytest.fixture
def frozen(session):
    window = cb.save_freeze(session, PORTFOLIO, {"name": "Julefrys", "start_date": date(2026, 12, 15),
                                                 "end_date": date(2027, 1, 5), "reason": "Jul"})
    change = item(session, start=oslo(date(2026, 12, 17), 21))
    walk(session, change, "assessed", "approved")
    return window, change


def test_scheduling_into_a_freeze_is_refused(session, frozen):
    window, change = frozen
    with pytest.raises(BackofficeError) as caught:
        cb.transition(session, PORTFOLIO, change.id, "scheduled")
    assert caught.value.message == (f"EB-{change.id} ligger i frysperioden «Julefrys» (15.12.2026–05.01.2027). "
                                    "Flytt endringen, eller be avdelingsleder om å overstyre frysen.")
    assert change.status == "approved"


def test_freeze_override_without_a_leader_is_refused(session, frozen):
    window, change = frozen
    for role in ("portfolio", "security", "admin", "support"):
        with pytest.raises(PermissionDenied):
            cb.override_freeze(session, make_actor(role), change.id, window.id, {"reason": "Må ut før jul, lav risiko"})
    assert session.scalar(select(func.count()).select_from(FreezeOverride)) == 0
    with pytest.raises(BackofficeError):
        cb.transition(session, PORTFOLIO, change.id, "scheduled")


def test_leader_override_is_recorded_and_lets_the_change_be_scheduled(session, frozen):
    window, change = frozen
    session.info["actor"] = LEADER
    with pytest.raises(ValidationFailed):
        cb.override_freeze(session, LEADER, change.id, window.id, {"reason": "kort"})
    override = cb.override_freeze(session, LEADER, change.id, window.id,
                                  {"reason": "Må ut før jul; lav risiko og vakt er satt opp."})
    assert (override.decided_by, override.item_id, override.freeze_window_id) == ("lise", change.id, window.id)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.table_name == "freeze_override"))
    assert entry.actor == "lise" and entry.action == "insert"
    cb.transition(session, PORTFOLIO, change.id, "scheduled")
    assert change.status == "scheduled"
    found = cb.conflicts_between(session, date(2026, 12, 1), date(2026, 12, 31))
    assert [(c.kind, c.overridden) for c in found] == [("freeze", True)]
    with pytest.raises(BackofficeError):
        cb.override_freeze(session, LEADER, change.id, window.id, {"reason": "Enda en gang, samme frys"})


def test_override_only_for_a_freeze_the_change_is_in(session, frozen):
    window, _change = frozen
    outside = item(session, start=oslo(date(2026, 12, 1), 21))
    with pytest.raises(BackofficeError) as caught:
        cb.override_freeze(session, LEADER, outside.id, window.id, {"reason": "Ikke nødvendig i det hele tatt"})
    assert "ligger ikke i frysperioden" in caught.value.message


def test_moving_a_scheduled_change_into_a_freeze_is_refused(session):
    cb.save_freeze(session, PORTFOLIO, {"name": "Valg", "start_date": date(2027, 9, 6), "end_date": date(2027, 9, 14),
                                        "service_code": "svarut"})
    change = item(session, start=oslo(date(2027, 9, 1), 20))
    walk(session, change, "assessed", "approved", "scheduled")
    payload = {"title": change.title, "source": "operations", "change_type": "normal", "service_codes": ["svarut"],
               "rollback_plan": "x", "planned_start": oslo(date(2027, 9, 8), 20),
               "planned_end": oslo(date(2027, 9, 8), 22)}
    with pytest.raises(BackofficeError):
        cb.update_item(session, PORTFOLIO, change.id, payload)


def test_emergency_in_a_freeze_also_needs_the_leader(session):
    window = cb.save_freeze(session, PORTFOLIO, {"name": "Julefrys", "start_date": date(2026, 12, 15),
                                                 "end_date": date(2027, 1, 5)})
    change = item(session, "emergency", start=oslo(date(2026, 12, 20), 3))
    with pytest.raises(BackofficeError):
        cb.transition(session, PORTFOLIO, change.id, "approved")
    cb.override_freeze(session, LEADER, change.id, window.id, {"reason": "Kritisk sårbarhet, må tettes nå"})
    cb.transition(session, PORTFOLIO, change.id, "approved")
    assert change.status == "approved"


# --- the ROS trigger ------------------------------------------------------------------------------


@pytest.fixture
def ros_calls(monkeypatch):
    calls = []

    def fake(session, actor, service_code, reason, kind="change", reference=""):
        calls.append((actor.username, service_code, kind, reference, reason))

    monkeypatch.setattr(hooks, "mark_review_due", fake)
    return calls


def test_approving_a_change_that_requires_ros_marks_the_ros_due(session, ros_calls):
    change = item(session, services=("svarut", "digisos"), requires_ros_update=True)
    walk(session, change, "assessed")
    assert ros_calls == []
    walk(session, change, "approved")
    assert sorted((c[1], c[2], c[3]) for c in ros_calls) == [("digisos", "change", f"EB-{change.id}"),
                                                       ("svarut", "change", f"EB-{change.id}")]
    assert change.ros_review_requested_at is not None
    plain = item(session)
    walk(session, plain, "assessed", "approved")
    assert len(ros_calls) == 2


def test_marking_a_security_incident_marks_the_ros_due(session, ros_calls):
    supporter = make_actor("support", username="sunniva")
    import_tickets(session, supporter, (
        b"Ticket ID,Subject,Status,Priority,Created time,Tags\n"
        b"7001,Brev til feil mottaker,Open,Urgent,2026-03-02 09:15:00,svarut\n"))
    ticket = session.scalar(select(SupportTicket))
    mark_security_incident(session, supporter, ticket.id, {"note": "Personopplysninger på avveie"})
    assert [(c[0], c[1], c[2], c[3]) for c in ros_calls] == [("sunniva", "svarut", "incident", "#7001")]
    assert ticket.security_incident is True


def test_approving_asks_risk_for_a_review(session):
    change = item(session, requires_ros_update=True)
    walk(session, change, "assessed", "approved")
    trigger = session.scalar(select(ReviewTrigger).where(ReviewTrigger.reference == f"EB-{change.id}"))
    assert trigger is not None and trigger.service_code == "svarut" and trigger.requested_by == "pia"


def test_item_search_folds_norwegian_letters_and_takes_underscore_literally(session):
    first = item(session, title="Ny SvarUt-adapter for Ørland", description="Flytt kø_tabell")
    second = item(session, title="Oppgrader database", description="Kø-tabell i Tromsø")

    def found(search):
        return sorted(r["id"] for r in cb.item_rows(session, search=search))

    assert found("ØRLAND") == [first.id]
    assert found("tromsø") == [second.id]
    assert found("KØ") == [first.id, second.id]
    assert found("kø_") == [first.id]
