"""Demo data for the change board: templates, items in every status, a December freeze, load limits,
last week's meeting with its minutes and next Monday's meeting."""
from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from admin.changeboard import changes as cb
from admin.changeboard.agenda import next_monday
from admin.changeboard.models import (
    ChangeDecision,
    ChangeItem,
    ChangeLoadLimit,
    ChangeMeeting,
    ChangeTemplate,
    ChangeTopic,
    FreezeOverride,
    FreezeWindow,
)
from data.access import Actor
from data.i18n import t
from data.registers.models import Component, Service
from data.support.models import SupportTicket

TEMPLATES = [
    ("Fornyelse av virksomhetssertifikat", "Bytte av utløpende virksomhetssertifikat etter fast rutine.",
     "Legg tilbake forrige sertifikat fra hvelvet.", 2, 2, False),
    ("Sikkerhetsoppdatering av operativsystem", "Månedlig patching av servere, én node om gangen.",
     "Rull tilbake til forrige bilde av noden.", 2, 2, False),
    ("Utvidelse av diskplass", "Øke lagringsplass uten nedetid.", "Ingen: utvidelsen kan stå.", 1, 1, False),
]

# (title, source, type, status, services, components, start (days from meeting, hour) or None,
#  hours, outage, user impact, risk, impact, ros, security, architecture, created (days from meeting))
ITEMS = [
    ("Ny innloggingsflyt i MinSide (ID-porten)", "project", "normal", "assessed", ["minside"], ["innsyn"], (16, 19),
     3, False, True, 4, 4, True, True, True, -20),
    ("Oppgradering av SvarUt til ny Java-versjon", "operations", "normal", "assessed", ["svarut"], [], (9, 20),
     4, True, True, 3, 4, False, False, False, -15),
    ("Endret varslingstekst i Digisos", "support", "normal", "assessed", ["digisos"], [], (23, 9),
     1, False, True, 2, 2, False, False, False, -12),
    ("Databasemigrering for Fiks IO", "operations", "normal", "assessed", ["fiks-io"], [], "freeze+2",
     5, True, True, 3, 3, False, False, False, -10),
    ("Sikkerhetsoppdatering av meldingsbroker", "operations", "emergency", "implemented", ["fiks-io"], [], (-4, 22),
     2, True, False, 3, 3, True, True, False, -5),
    ("Stenge sårbart endepunkt i Arkiv-API", "operations", "emergency", "approved", ["fiks-arkiv"], [], (1, 21),
     1, False, False, 4, 2, False, True, False, -2),
    ("Ny PDF-generator i SvarUt", "project", "normal", "implemented", ["svarut"], ["print"], (-5, 20),
     3, False, True, 3, 3, False, False, True, -40),
    ("Flytting av MinSide til ny klynge", "operations", "normal", "scheduled", ["minside"], [], (2, 21),
     3, True, True, 3, 4, False, False, True, -30),
    ("Oppdatering av utskriftsmodul i SvarUt", "operations", "normal", "approved", ["svarut"], ["print"], (9, 18),
     2, False, False, 2, 2, False, False, False, -25),
    ("Fornyelse av virksomhetssertifikat for Fiks IO", "operations", "standard", "scheduled", ["fiks-io"], [],
     (3, 10), 1, False, False, 1, 1, False, False, False, -9),
    ("Månedlig patching av SvarUt-servere", "operations", "standard", "new", ["svarut"], [], (10, 22),
     2, False, False, 1, 2, False, False, False, -3),
    ("Ny rapport over behandlingstid i Digisos", "management", "normal", "new", ["digisos"], [], None,
     0, False, False, 2, 3, False, False, False, -4),
    ("Bedre feilmeldinger ved opplasting av vedlegg", "support", "normal", "new", ["digisos"], [], None,
     0, False, True, 1, 2, False, False, False, -1),
    ("Økt kapasitet i Dokumentlager", "operations", "normal", "rejected", ["svarut"], ["dokumentlager"], None,
     0, False, False, 2, 2, False, False, False, -35),
    ("Omlegging av DNS for MinSide", "operations", "normal", "deferred", ["minside"], [], None,
     0, True, True, 3, 3, False, False, False, -28),
    ("Ny versjon av Innsyn", "project", "normal", "reviewed", ["minside"], ["innsyn"], (-20, 20),
     3, False, True, 3, 2, False, False, False, -60),
    ("Opprydding i gamle forsendelser", "management", "normal", "closed", ["svarut"], ["dokumentlager"], (-40, 20),
     2, False, False, 1, 1, False, False, False, -80),
    ("Nødpatch av lastbalanserer", "operations", "emergency", "closed", ["fiks-io", "svarut"], [], (-30, 23),
     1, True, True, 4, 4, False, True, False, -31),
    ("Ny forsidekampanje i MinSide", "management", "normal", "approved", ["minside"], [], "freeze+3",
     1, False, True, 2, 2, False, False, False, -14),
]
BUSY_WEEK = [("Rotasjon av krypteringsnøkler i SvarUt", "svarut"),
             ("Utvidelse av diskplass for Digisos-vedlegg", "digisos"),
             ("Oppdatering av TLS-sertifikat for Fiks IO", "fiks-io"),
             ("Patching av databaseservere for SvarUt", "svarut"),
             ("Utvidelse av diskplass for Digisos-arkiv", "digisos")]


def _at(meeting: date, offset_days: int, hour: int) -> datetime:
    return datetime.combine(meeting + timedelta(days=offset_days), time(hour, 0), tzinfo=cb.OSLO)


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    if session.scalar(select(func.count()).select_from(ChangeItem)):
        return
    today = datetime.now(cb.OSLO).date()
    meeting = next_monday(today)          # the page's default meeting: today when it is Monday
    now = datetime.now(cb.OSLO)
    previous_start = datetime.combine(meeting - timedelta(days=7), time(8, 0), tzinfo=cb.OSLO)

    def past(moment: datetime) -> datetime:
        """Nothing that has happened lies in the future."""
        return min(moment, now - timedelta(hours=1))
    # the coming December (next year's once this one's freeze has started)
    freeze_start = date(meeting.year if meeting < date(meeting.year, 12, 10) else meeting.year + 1, 12, 15)
    freeze_end = date(freeze_start.year + 1, 1, 5)
    services = {s.code: s for s in session.scalars(select(Service))}
    components = {c.code: c for c in session.scalars(select(Component))}

    templates = []
    for name, description, rollback, max_risk, max_impact, outage in TEMPLATES:
        template = ChangeTemplate(name=name, description=description, rollback_plan=rollback, max_risk=max_risk,
                                  max_impact=max_impact, outage=outage, active=True)
        session.add(template)
        templates.append(template)
    christmas = FreezeWindow(name="Julefrys", start_date=freeze_start, end_date=freeze_end,
                             reason="Redusert bemanning og høy trafikk i romjulen.", created_by="portefolje")
    digisos_freeze = FreezeWindow(name="Utbetalingsdager i Digisos", start_date=meeting + timedelta(days=17),
                                  end_date=meeting + timedelta(days=19), service=services.get("digisos"),
                                  reason="Kommunene utbetaler sosialhjelp; ingen endringer i Digisos.",
                                  created_by="portefolje")
    session.add_all([christmas, digisos_freeze])
    session.add_all([
        ChangeLoadLimit(valid_from=cb.monday_of(meeting - timedelta(days=180)), max_changes=6,
                        note="Normal kapasitet i driftsteamet."),
        ChangeLoadLimit(valid_from=cb.monday_of(freeze_start), max_changes=2, note="Redusert bemanning i jula."),
        ChangeLoadLimit(valid_from=cb.monday_of(freeze_end + timedelta(days=7)), max_changes=6, note=""),
    ])
    session.flush()

    tickets = list(session.scalars(select(SupportTicket).where(SupportTicket.security_incident.is_(False))
                                   .order_by(SupportTicket.ticket_number).limit(40)))
    created_items: list[ChangeItem] = []
    specs = list(ITEMS)
    for index, (title, code) in enumerate(BUSY_WEEK):
        specs.append((title, "operations", "standard", "scheduled", [code], [],
                      (7 + index % 5, 6), 1, False, False, 1, 1, False, False, False, -6))
    for number, spec in enumerate(specs):
        (title, source, change_type, status, codes, comp_codes, start, hours, outage, user_impact, risk, impact,
         ros, security, architecture, created) = spec
        if start == "freeze+2":
            planned_start = datetime.combine(freeze_start + timedelta(days=2), time(21, 0), tzinfo=cb.OSLO)
        elif start == "freeze+3":
            planned_start = datetime.combine(freeze_start + timedelta(days=3), time(8, 0), tzinfo=cb.OSLO)
        elif start is None:
            planned_start = None
        else:
            # what has been carried out is placed before today; what is coming, around the meeting
            base = today if status in ("implemented", "reviewed", "closed") else meeting
            planned_start = _at(base, *start)
        planned_end = planned_start + timedelta(hours=hours) if planned_start else None
        if created > -5:   # registered since the last meeting: spread between it and now
            created_at = previous_start + (now - previous_start) * ((5 + created) / 5.5)
        else:
            created_at = datetime.combine(today + timedelta(days=created), time(9 + number % 6, 15), tzinfo=cb.OSLO)
        created_at = past(created_at)
        template = templates[number % 2] if change_type == "standard" else None
        item = ChangeItem(
            title=title, description=f"{title}. Meldt av {t(f'cb.source.{source}').lower()}.", source=source, change_type=change_type,
            status=status, template_id=template.id if template else None,
            planned_start=planned_start.astimezone(UTC) if planned_start else None,
            planned_end=planned_end.astimezone(UTC) if planned_end else None, outage=outage,
            user_impact=user_impact,
            rollback_plan=(template.rollback_plan if template else "Rull tilbake til forrige versjon fra "
                           "utrullingsverktøyet; databaseendringer har nedgraderingsskript."),
            risk=risk, impact=impact, requires_ros_update=ros, security_relevant=security,
            architecture_relevant=architecture, project_ref="PRJ-12 ID-porten-migrering" if source == "project" else "",
            owner=rng.choice(["Driftsteamet", "Plattformteamet", "Team MinSide", "Team SvarUt"]),
            created_at=created_at.astimezone(UTC), created_by="portefolje", decision_note="", review_note="",
            services=[services[c] for c in codes if c in services],
            components=[components[c] for c in comp_codes if c in components],
            tickets=[tickets[number % len(tickets)]] if source == "support" and tickets else [],
        )
        decided = past(created_at + timedelta(days=3))
        if status in ("approved", "scheduled", "implemented", "reviewed", "closed", "rejected", "deferred") \
                and change_type != "standard":
            item.decided_at, item.decided_by = decided.astimezone(UTC), "portefolje"
            item.decision_note = {"rejected": "Dekkes av planlagt plattformbytte.",
                                  "deferred": "Vent til etter nyttår; krever varsel til kommunene."}.get(
                status, "Godkjent i endringsrådet.")
            item.assessed_at = past(created_at + timedelta(days=1)).astimezone(UTC)
        if status == "assessed":
            item.assessed_at = past(created_at + timedelta(days=2)).astimezone(UTC)
        if status in ("implemented", "reviewed", "closed") and planned_end is not None:
            item.implemented_at = past(planned_end).astimezone(UTC)
        if status in ("reviewed", "closed") and change_type != "standard":
            item.reviewed_at = past(planned_end + timedelta(days=7)).astimezone(UTC) if planned_end else None
            item.review_note = "Gjennomført som planlagt, ingen avvik."
        if status == "closed":
            item.closed_at = past(planned_end + timedelta(days=8)).astimezone(UTC) if planned_end else None
        session.add(item)
        created_items.append(item)
    session.flush()
    campaign = next(i for i in created_items if i.title == "Ny forsidekampanje i MinSide")
    session.add(FreezeOverride(item_id=campaign.id, freeze_window_id=christmas.id, decided_by="leder",
                               decided_by_name="Lise Leder", reason="Kampanjen må ut før nyttår; liten risiko, "
                               "ingen nedetid, og teamet er på vakt."))

    previous = ChangeMeeting(meeting_date=meeting - timedelta(days=7), chair="Pia Portefølje",
                             attendees="Pia Portefølje, Lise Leder, Siri Sikkerhet, Arne Arkitekt, Sunniva Støtte",
                             notes="Ukentlig møte i endringsrådet.", held=True)
    upcoming = ChangeMeeting(meeting_date=meeting, chair="Pia Portefølje",
                             attendees="Pia Portefølje, Lise Leder, Siri Sikkerhet, Arne Arkitekt, Sunniva Støtte",
                             notes="", held=False)
    session.add_all([previous, upcoming])
    session.flush()
    by_title = {i.title: i for i in created_items}
    for title, outcome, note, owner in [
        ("Oppdatering av utskriftsmodul i SvarUt", "approved", "Godkjent. Kommunene varsles ikke: ingen nedetid.", ""),
        ("Økt kapasitet i Dokumentlager", "rejected", "Dekkes av planlagt plattformbytte.", ""),
        ("Omlegging av DNS for MinSide", "deferred", "Vent til etter nyttår; krever varsel til kommunene.", ""),
        ("Flytting av MinSide til ny klynge", "action", "Varsle kommunene minst fem dager før.", "Team MinSide"),
    ]:
        session.add(ChangeDecision(meeting_id=previous.id, section="decision", item_id=by_title[title].id,
                                   outcome=outcome, note=note, action_owner=owner, recorded_by="portefolje",
                                   due_date=meeting if owner else None))
    session.add_all([
        ChangeTopic(title="Ny veileder for sikkerhetslogging (NSM)", area="security",
                    description="Sikkerhetsleder orienterer om krav til logging i alle tjenester.",
                    raised_by="sikkerhet", raised_on=meeting - timedelta(days=3)),
        ChangeTopic(title="Felles API-gateway for plattformen", area="architecture",
                    description="Forslag om å samle eksterne API-er bak én gateway i 2027.",
                    raised_by="arkitekt", raised_on=meeting - timedelta(days=10)),
    ])
    session.flush()
