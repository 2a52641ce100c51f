"""Deterministic demo data for the portfolio: roles, ~25 people (some consultants), background load,
projects in every phase with documents, history, demand and allocations, a scenario and a baseline."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.registers.models import User
from portfolio import projects, scenarios, staffing
from portfolio.models import Phase, PhaseChange, Project
from portfolio.schemas import add_months, month_range, month_start

# name, kind, stillingsprosent, availability %, roles [(code, share)], start (months from now), end
PEOPLE = (
    ("Kari Nordmann", "internal", 100, 90, [("department_leader", 100)], -96, None),
    ("Ola Berg", "internal", 100, 85, [("support_adviser", 100)], -60, None),
    ("Ingrid Dahl", "internal", 100, 85, [("support_adviser", 100)], -30, None),
    ("Tor Haugen", "internal", 100, 85, [("management_lead", 100)], -72, None),
    ("Marte Lie", "internal", 80, 90, [("communication_adviser", 100)], -40, None),
    ("Per Produkt", "internal", 100, 85, [("product_owner", 100)], -80, None),
    ("Nina Solberg", "internal", 100, 85, [("product_owner", 100)], -24, None),
    ("Lars Moen", "internal", 100, 85, [("project_manager", 100)], -50, None),
    ("Hanne Bakke", "consultant", 100, 95, [("project_manager", 100)], -8, 14),
    ("Eirik Vik", "internal", 100, 85, [("tax_liaison", 50), ("finance_adviser", 50)], -66, None),
    ("Siri Sikkerhet", "internal", 100, 85, [("security_lead", 100)], -36, None),
    ("Jonas Strand", "internal", 100, 85, [("development_lead", 100)], -70, None),
    ("Arne Arkitekt", "internal", 100, 85, [("enterprise_architect", 100)], -90, None),
    ("Øystein Økonomi", "internal", 100, 85, [("finance_adviser", 100)], -48, None),
    ("Maria Johansen", "internal", 100, 85, [("developer", 100)], -55, None),
    ("Ahmed Ali", "internal", 100, 85, [("developer", 100)], -34, None),
    ("Sofie Larsen", "internal", 100, 85, [("developer", 100)], -20, None),
    ("Henrik Nilsen", "internal", 60, 85, [("developer", 100)], -44, None),
    ("Thomas Eriksen", "consultant", 100, 95, [("developer", 100)], -10, 12),
    ("Julie Andersen", "consultant", 100, 95, [("developer", 100)], -4, 8),
    ("Kristoffer Lund", "consultant", 100, 95, [("developer", 80), ("tester", 20)], -2, 20),
    ("Emma Pedersen", "internal", 100, 85, [("tester", 100)], -28, None),
    ("Vegard Holm", "consultant", 100, 95, [("tester", 100)], -6, 6),
    ("Ida Karlsen", "internal", 100, 85, [("designer", 100)], -26, None),
    ("Anders Fjeld", "internal", 100, 85, [("designer", 50), ("communication_adviser", 50)], -15, 3),
    ("Camilla Brekke", "internal", 100, 85, [("developer", 100)], 4, None),
    ("Mats Olsen", "internal", 100, 85, [("developer", 100)], -38, None),
    ("Runa Moe", "internal", 100, 85, [("tester", 100)], -12, None),
    ("Oda Rønning", "consultant", 100, 95, [("designer", 100)], -1, 12),
)

# role, description, FTE, service
BACKGROUND = (
    ("support_adviser", "Brukerstøtte for tjenestene i drift", "1.4", None),
    ("management_lead", "Forvaltning av SvarUt og Fiks IO", "0.6", "svarut"),
    ("developer", "Feilretting og forvaltning av tjenester i drift", "1.5", None),
    ("tester", "Regresjonstest av månedlige leveranser", "0.3", None),
    ("product_owner", "Oppfølging av brukerråd og endringsønsker", "0.6", None),
    ("security_lead", "Sikkerhetsforvaltning og ROS-oppfølging", "0.4", None),
)

# name, service code, service name, phase, financing, start (months from now), length (months), needs, named
# needs: the project's total need per role (role, FTE, first, last month offset from the project start);
# named: people allocated (person, role, FTE) over the project (within their employment). The open demand is
# the need less what named people cover, month by month.
PROJECTS = (
    ("Ny innsynsløsning i Digisos", "digisos", "", Phase.DEVELOPMENT, "digifin", -6, 14,
     [("developer", "1.8", 0, 13), ("tester", "0.5", 3, 13), ("designer", "0.4", 0, 8),
      ("project_manager", "0.5", 0, 13)],
     [("Maria Johansen", "developer", "0.8"), ("Thomas Eriksen", "developer", "1.0"),
      ("Ida Karlsen", "designer", "0.4"), ("Lars Moen", "project_manager", "0.5"), ("Emma Pedersen", "tester", "0.3")]),
    ("MinSide 2.0", "minside", "", Phase.PLANNING, "internal", 2, 18,
     [("developer", "2.0", 0, 17), ("designer", "0.5", 0, 10), ("tester", "0.5", 4, 17),
      ("project_manager", "0.5", 0, 17), ("product_owner", "0.3", 0, 17)],
     [("Nina Solberg", "product_owner", "0.3"), ("Hanne Bakke", "project_manager", "0.5")]),
    ("Fiks arkiv: ny arkivintegrasjon", "fiks-arkiv", "", Phase.ROLLOUT, "digifin", -14, 16,
     [("developer", "1.0", 0, 15), ("tester", "0.4", 6, 15), ("enterprise_architect", "0.2", 0, 15)],
     [("Ahmed Ali", "developer", "0.8"), ("Emma Pedersen", "tester", "0.4"),
      ("Arne Arkitekt", "enterprise_architect", "0.2")]),
    ("Digital søknad om startlån", "startlan", "Startlån", Phase.PLANNING, "external", 4, 12,
     [("developer", "1.5", 0, 11), ("designer", "0.3", 0, 5), ("tax_liaison", "0.2", 0, 11),
      ("tester", "0.4", 3, 11)],
     []),
    ("SvarUt: overgang til ny plattform", "svarut", "", Phase.DEVELOPMENT, "internal", -3, 12,
     [("developer", "1.0", 0, 11), ("development_lead", "0.3", 0, 11), ("security_lead", "0.2", 0, 11)],
     [("Sofie Larsen", "developer", "0.8"), ("Jonas Strand", "development_lead", "0.3"),
      ("Siri Sikkerhet", "security_lead", "0.2")]),
    ("Fiks IO: meldingskø for store filer", "fiks-io", "", Phase.CLOSING, "internal", -12, 12,
     [], [("Henrik Nilsen", "developer", "0.3")]),
    ("Skatteoppgjør for kommunene", "skatteoppgjor", "Skatteoppgjør", Phase.PLANNING, "digifin", 8, 14,
     [("developer", "1.2", 0, 13), ("tax_liaison", "0.2", 0, 13), ("tester", "0.4", 4, 13)],
     []),
    ("Sikker digital post til innbyggere", "digipost-kommune", "Digital post til innbyggere",
     Phase.HANDED_OVER, "external", -24, 12, [], []),
    ("Universell utforming av skjemaer", "minside", "", Phase.DEVELOPMENT, "internal", -2, 8,
     [("designer", "0.3", 0, 7), ("tester", "0.3", 0, 7), ("developer", "0.5", 0, 7)],
     [("Kristoffer Lund", "developer", "0.5"), ("Oda Rønning", "designer", "0.3"), ("Vegard Holm", "tester", "0.3")]),
    ("Innsikt og statistikk for kommunene", "kommunestatistikk", "Kommunestatistikk", Phase.PLANNING, "internal",
     6, 10, [("developer", "0.8", 0, 9), ("enterprise_architect", "0.3", 0, 4)], []),
)


def load_demo(session: Session, actor: Actor, rng) -> None:
    if session.scalar(select(func.count()).select_from(Project)):
        return
    today = month_start(date.today())
    staffing.ensure_standard_roles(session, actor)
    for name, kind, pct, availability, roles, start, end in PEOPLE:
        staffing.save_person(session, actor, dict(
            name=name, kind=kind, fte_pct=pct, availability_pct=availability,
            start_date=add_months(today, start), end_date=add_months(today, end) if end is not None else None,
            roles=[dict(role_code=code, share_pct=share) for code, share in roles]))
    people = {p["name"]: p["id"] for p in staffing.people_rows(session)}
    staffing.add_schedule_change(session, actor, people["Ingrid Dahl"], dict(
        effective_from=add_months(today, 3), fte_pct=100, availability_pct=0, note="Foreldrepermisjon"))
    staffing.add_schedule_change(session, actor, people["Ingrid Dahl"], dict(
        effective_from=add_months(today, 13), fte_pct=80, availability_pct=85, note="Tilbake i 80 %"))
    staffing.add_schedule_change(session, actor, people["Maria Johansen"], dict(
        effective_from=add_months(today, 6), fte_pct=80, availability_pct=85, note="Redusert stilling"))
    for role, description, amount, service in BACKGROUND:
        staffing.save_background_load(session, actor, dict(role_code=role, description=description, fte=amount,
                                                           service_code=service, start_month=add_months(today, -12)))
    users = {u.username: u.id for u in session.scalars(select(User))}
    for rank, (name, code, service_name, phase, financing, start, length, needs, named) in enumerate(PROJECTS, 1):
        begin = add_months(today, start)
        finish = add_months(begin, length) - timedelta(days=1)
        project = projects.create_project(session, actor, dict(
            name=name, service_code=code, service_name=service_name, financing=financing, start_date=begin,
            end_date=finish, owner_id=users.get("portefolje"), product_owner_id=users.get("produkt"),
            description=f"{name}: demoprosjekt.", priority=rank))
        covered: dict[tuple[str, date], Decimal] = {}
        for person, role, amount in named:
            first = max(month_start(begin), _first_month(session, people[person]))
            last = min(add_months(month_start(begin), length - 1), _last_month(session, people[person], finish))
            if last < first:
                continue
            staffing.set_need(session, actor, dict(project_id=project.id, person_id=people[person], role_code=role,
                                                   fte=amount, first_month=first, last_month=last))
            for month in month_range(first, last):
                covered[(role, month)] = covered.get((role, month), Decimal(0)) + Decimal(amount)
        for role, amount, first, last in needs:
            months = month_range(add_months(begin, first), add_months(begin, last))
            open_need = [(m, max(Decimal(0), Decimal(amount) - covered.get((role, m), Decimal(0)))) for m in months]
            for run_first, run_last, value in _runs(open_need):
                if value:
                    staffing.set_need(session, actor, dict(project_id=project.id, role_code=role, fte=value,
                                                           first_month=run_first, last_month=run_last))
        _walk_to(session, actor, project, phase, begin)
    scenarios.create_baseline(session, actor, dict(name="Vedtatt plan " + str(today.year),
                                                   note="Planen slik ledergruppen vedtok den."))
    live = projects.active_projects(session)
    scenario = scenarios.create_scenario(session, actor, dict(
        name="Skatteoppgjør først", description="Hva om skatteoppgjøret får høyeste prioritet?"))
    target = next(p for p in live if p.service_code == "skatteoppgjor")
    scenarios.move_in_scenario(session, actor, scenario.id, target.id, 1)


def _first_month(session: Session, person_id: int) -> date:
    """The first month a person counts in (employed on its first day)."""
    start = staffing.get_person(session, person_id).start_date
    return start if start.day == 1 else add_months(month_start(start), 1)


def _runs(values: list[tuple[date, Decimal]]):
    """Consecutive months with the same value, as (first, last, value)."""
    out: list[list] = []
    for month, value in values:
        if out and out[-1][2] == value and add_months(out[-1][1], 1) == month:
            out[-1][1] = month
        else:
            out.append([month, month, value])
    return [tuple(run) for run in out]


def _last_month(session: Session, person_id: int, fallback: date) -> date:
    end = staffing.get_person(session, person_id).end_date
    return month_start(min(end, fallback)) if end else month_start(fallback)


_DOCS = {
    Phase.DEVELOPMENT: [("governance", "Styringsdokument v1.0"), ("product_description", "Produktbeskrivelse"),
                        ("plain_language_plan", "Styringsdokument kap. 5: klart språk"),
                        ("plain_language_budget", "Budsjett: språkkonsulent 150 timer, to runder brukertest")],
    Phase.ROLLOUT: [("text_plan", "Plan for tekstarbeidet"), ("content_user_test", "Rapport fra brukertest av tekstene")],
    Phase.CLOSING: [("user_journey_texts", "Gjennomgang av vedtak, brev og veiledere i brukerreisen"),
                    ("municipality_texts", "Tekstpakke og maler for kommunene")],
    Phase.HANDED_OVER: [("final_report", "Sluttrapport"),
                        ("content_maintenance_plan", "Plan for vedlikehold av innholdet")],
}
# The planning assessment against the Fiks platform principles (portfolio/reference/fiks_principles.csv).
_PARTLY = {
    "startlan": (2, "partly", "Søknaden bruker Husbankens eget skjema; bare innsending og svar går via Fiks."),
    "kommunestatistikk": (3, "partly", "Statistikken hentes fra SSB og KOSTRA, ikke fra en nasjonal felleskomponent."),
}
# Services whose data about people the project handles (the ROS, DPIA and municipality template then count).
_NO_PERSONAL_DATA = {"kommunestatistikk"}
# Gates these projects passed before the ROS, the DPIA and the municipality template were part of the gate:
# the risk room's demo data (loaded after the portfolio's) has no approved ROS and DPIA for them, so their
# history is written as it happened instead of being approved again today.
_PASSED_BEFORE_PRIVACY_RULE = {"fiks-arkiv", "fiks-io", "digipost-kommune"}


def _assess(session: Session, actor: Actor, project: Project) -> None:
    number, verdict, reason = _PARTLY.get(project.service_code, (0, "fits", ""))
    projects.assess_principles(session, actor, project.id, dict(
        handles_personal_data=project.service_code not in _NO_PERSONAL_DATA,
        principles=[dict(principle=n, verdict=verdict if n == number else "fits",
                         reason=reason if n == number else "") for n in range(1, 9)]))


def _walk_to(session: Session, actor: Actor, project: Project, phase: Phase, begin: date) -> None:
    """Pass the gates up to `phase` the way a leader would, with what each gate needs."""
    order = [Phase.PLANNING, Phase.DEVELOPMENT, Phase.ROLLOUT, Phase.CLOSING, Phase.HANDED_OVER]
    if phase != Phase.PLANNING or project.service_code in _PARTLY or project.service_code == "minside":
        _assess(session, actor, project)
    for step in order[1:order.index(phase) + 1]:
        for kind, title in _DOCS.get(step, []):
            projects.add_document(session, actor, project.id, dict(kind=kind, title=title,
                                                                  reference=f"P360 2024/{project.id:04d}"))
        gate = projects.GATES[project.phase]
        if gate.privacy and project.service_code in _PASSED_BEFORE_PRIVACY_RULE:
            project.history.append(PhaseChange(from_phase=gate.from_phase, to_phase=gate.to_phase,
                                               actor=actor.username, comment="Godkjent i ledermøtet."))
            project.phase = gate.to_phase
            if gate.to_phase == Phase.HANDED_OVER:
                projects.register_service(session, project)
            session.flush()
            continue
        projects.approve_gate(session, actor, project.id, dict(comment="Godkjent i ledermøtet."))
    if phase == Phase.PLANNING:
        projects.add_document(session, actor, project.id, dict(kind="governance", title="Styringsdokument, utkast"))
    # Spread the history over the project's life rather than all at the load time.
    for index, change in enumerate(session.scalars(select(PhaseChange).where(PhaseChange.project_id == project.id)
                                                   .order_by(PhaseChange.id))):
        when = min(add_months(begin, index * 3 - 2), add_months(month_start(date.today()), -1))
        change.at = datetime(when.year, when.month, 10, 9, 0, tzinfo=UTC)
