"""People and roles, schedule changes, background load, demand and allocations of named people.

Open demand can also be kept in a spreadsheet: `demand_grid` gives it in the import layout (the sheet
«Behov»/"Demand": one row per project and role, columns «Prosjekt», «Rolle», then one column per month
headed `YYYY-MM`, each cell the FTE wanted that month) and `import_demand` reads such a sheet back,
all or nothing. The sheet names only open demand (no person); allocations of named people stay as they are.
"""
from __future__ import annotations

from datetime import date

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data import textguard
from data.access import Actor
from data.crud import delete_row, ensure_version, get_or_raise, new_or_for_edit, scalar_or_raise
from data.errors import BackofficeError, RowError, ValidationFailed, errors_from_pydantic, validate
from data.excel import open_workbook, sheet_rows
from data.i18n import folded_labels, get_language, t
from data.locking import refusing_duplicates, unique_key
from data.textsearch import equals_folded
from portfolio.models import (
    Allocation,
    BackgroundLoad,
    Demand,
    DeptRole,
    Person,
    PersonKind,
    PersonRole,
    Phase,
    Project,
    ScheduleChange,
)
from portfolio.projects import get_project
from portfolio.schemas import (
    BackgroundLoadIn,
    DemandCellIn,
    NeedIn,
    PersonIn,
    RoleIn,
    ScheduleChangeIn,
    add_months,
    fte_of,
    month_label,
    month_range,
    month_start,
    parse_month,
    to_pct,
)

# The department's roles (code, bokmål name, English name, competence areas): the roles and competence areas of
# Tabell 4 in the department's description (section 7.4, ../shared/department/), in its order; "Brukerstøtte
# rådgiver" and "Kommunikasjon og informasjon rådgiver" written as compounds, its "Lowverk" read as "lovverk".
# Tabell 4 lists "Klart språk i digital tjenester" with no description and no competence areas. The last three
# are not in Tabell 4: the hired developers of the cross-functional teams (sections 6.2 and 7.4, "innleide
# konsulenter ... til utvikling/koding") and the testing and user testing the projects do (sections 4.6, 6.1).
STANDARD_ROLES = (
    ("department_leader", "Avdelingsleder", "Department leader",
     "ledelse, prosjektledelse, rådgivning, kommunikasjon med kommuner og fylkeskommuner"),
    ("support_adviser", "Brukerstøtterådgiver", "Support adviser", "kommunesektoren, kommunikasjon, brukerhåndtering"),
    ("management_lead", "Forvaltningsansvarlig", "Service management lead",
     "ledelse, teknologi, utviklingsmetoder og -verktøy, drift og forvaltning, drift av applikasjoner, servere og "
     "nettverk"),
    ("communication_adviser", "Kommunikasjons- og informasjonsrådgiver", "Communication and information adviser",
     "kommunikasjon, verktøy for publisering, klart språk, brukervennlighet, kommunesektoren"),
    ("plain_language", "Klart språk i digitale tjenester", "Plain language in digital services", "klart språk"),
    ("product_owner", "Produktansvarlig", "Product owner", "prosjektledelse, kommunesektoren, tjeneste- og fagområder"),
    ("project_manager", "Prosjektleder", "Project manager", "prosjektledelse, analyse, kommunikasjon, kommunesektoren"),
    ("tax_liaison", "Segmentansvarlig mot Skatteetaten", "Liaison to the Tax Administration",
     "lovverk, Skatteetatens tjenester, kommunesektoren"),
    ("security_lead", "Sikkerhetsansvarlig", "Security lead",
     "ledelse, teknologi, drift og forvaltning, metoder for informasjonssikkerhet og personvern, modellering"),
    ("development_lead", "Utviklingsansvarlig", "Development lead",
     "ledelse, teknologi, utviklingsmetoder og -verktøy, modellering"),
    ("enterprise_architect", "Virksomhetsarkitekt", "Enterprise architect",
     "prosjektledelse, analyse, virksomhetsforståelse, kommunikasjon, metoder for virksomhetsarkitektur, modellering"),
    ("finance_adviser", "Økonomirådgiver", "Finance adviser", "økonomi, prosjektledelse, kommunesektoren"),
    ("developer", "Utvikler", "Developer", "frontend, backend"),
    ("tester", "Tester", "Tester", "funksjonell test, brukertesting"),
    ("designer", "Designer", "Designer", "brukervennlighet, brukertesting"),
)
_ENGLISH = {code: en for code, _nb, en, _c in STANDARD_ROLES}


def role_label(code: str, name: str) -> str:
    """The stored (bokmål) name, or the English name of a standard role when English is chosen."""
    return _ENGLISH.get(code, name) if get_language() == "en" else name


def ensure_standard_roles(session: Session, actor: Actor) -> int:
    """Add the department's standard roles that are missing; never overwrites edited ones."""
    actor.require("portfolio.write")
    existing = set(session.scalars(select(DeptRole.code)))
    added = 0
    for order, (code, name, _en, competence) in enumerate(STANDARD_ROLES, start=1):
        if code not in existing:
            session.add(DeptRole(code=code, name=name, competence=competence, sort_order=order * 10))
            added += 1
    session.flush()
    return added


def get_role(session: Session, code: str) -> DeptRole:
    return scalar_or_raise(session, select(DeptRole).where(DeptRole.code == code), "pf.role.not_found", code=code)


def roles(session: Session) -> list[DeptRole]:
    return list(session.scalars(select(DeptRole).order_by(DeptRole.sort_order, DeptRole.name)))


def role_choices(session: Session) -> dict[str, str]:
    return {r.code: role_label(r.code, r.name) for r in roles(session)}


def save_role(session: Session, actor: Actor, payload, expected_version: int | None = None,
              new: bool = False) -> DeptRole:
    """Add a role or change one (by code). `new`: the user asked for a new role, so an existing code is refused
    rather than quietly changed."""
    actor.require("portfolio.write")
    data = validate(RoleIn, payload)
    role = session.scalar(select(DeptRole).where(DeptRole.code == data.code))
    if role is not None and new:
        raise BackofficeError(t("pf.role.code_taken", code=data.code, name=role.name))
    if role is None:
        role = DeptRole(code=data.code)
        session.add(role)
    else:
        ensure_version(role, expected_version, role.name)
    for key, value in data.model_dump().items():
        setattr(role, key, value)
    session.flush()
    return role


# --- people ----------------------------------------------------------------------------------------


def get_person(session: Session, person_id: int) -> Person:
    return get_or_raise(session, Person, person_id, "pf.person.not_found")


PERSON_NAME_ONCE = unique_key(Person, "uq_pf_person_name")


def _person_name_taken(name: str) -> BackofficeError:
    return BackofficeError(t("pf.person.name_taken", name=name))


def _check_person_name(session: Session, name: str, person_id: int | None) -> None:
    other = session.scalar(select(Person).where(equals_folded(Person.name, name)))
    if other is not None and other.id != person_id:
        raise _person_name_taken(name)


def save_person(session: Session, actor: Actor, payload, person_id: int | None = None,
                expected_version: int | None = None) -> Person:
    actor.require("portfolio.write")
    data = validate(PersonIn, payload)
    _check_person_name(session, data.name, person_id)
    role_rows = [PersonRole(role_id=get_role(session, r.role_code).id, share_pct=r.share_pct) for r in data.roles]
    with refusing_duplicates(session, (PERSON_NAME_ONCE,), lambda: _person_name_taken(data.name)):
        person = new_or_for_edit(session, Person, person_id, expected_version, "pf.person.not_found")
        for key, value in data.model_dump(exclude={"roles"}).items():
            setattr(person, key, value)
        person.kind = data.kind.value
        if sorted((r.role_id, r.share_pct) for r in person.role_rows) != sorted((r.role_id, r.share_pct)
                                                                                 for r in role_rows):
            person.role_rows.clear()
            session.flush()
            person.role_rows.extend(role_rows)
    return person


def add_schedule_change(session: Session, actor: Actor, person_id: int, payload) -> ScheduleChange:
    """From a month on the person works another FTE or availability; replaces a change in that month."""
    actor.require("portfolio.write")
    data = validate(ScheduleChangeIn, payload)
    person = get_person(session, person_id)
    if data.effective_from < month_start(person.start_date):
        raise BackofficeError(t("pf.person.change_before_start", name=person.name))
    change = next((c for c in person.changes if c.effective_from == data.effective_from), None)
    if change is None:
        change = ScheduleChange(effective_from=data.effective_from)
        person.changes.append(change)
    change.fte_pct, change.availability_pct, change.note = data.fte_pct, data.availability_pct, data.note
    session.flush()
    return change


def remove_schedule_change(session: Session, actor: Actor, change_id: int) -> None:
    actor.require("portfolio.write")
    delete_row(session, ScheduleChange, change_id, "pf.person.change_not_found")


def people_rows(session: Session) -> list[dict]:
    people = session.scalars(select(Person).order_by(Person.name))
    out = []
    for p in people:
        out.append(dict(
            id=p.id, name=p.name, kind=p.kind, fte=fte_of(p.fte_pct), availability=p.availability_pct / 100,
            roles=", ".join(f"{role_label(r.role.code, r.role.name)}"
                            + (f" ({r.share_pct} %)" if r.share_pct != 100 else "") for r in p.role_rows),
            role_codes=[(r.role.code, r.share_pct) for r in p.role_rows],
            start_date=p.start_date, end_date=p.end_date, competence=p.competence, note=p.note,
            changes=[dict(id=c.id, effective_from=c.effective_from, fte=fte_of(c.fte_pct),
                          availability=c.availability_pct / 100, note=c.note) for c in p.changes],
            version=p.version,
        ))
    return out


# --- background load ------------------------------------------------------------------------------


def save_background_load(session: Session, actor: Actor, payload, load_id: int | None = None,
                         expected_version: int | None = None) -> BackgroundLoad:
    actor.require("portfolio.write")
    data = validate(BackgroundLoadIn, payload)
    role = get_role(session, data.role_code)
    load = new_or_for_edit(session, BackgroundLoad, load_id, expected_version, "pf.load.not_found",
                           label=lambda row: row.description)
    load.role_id, load.description, load.service_code = role.id, data.description, data.service_code or None
    load.fte_pct, load.start_month, load.end_month = to_pct(data.fte), data.start_month, data.end_month
    session.flush()
    return load


def remove_background_load(session: Session, actor: Actor, load_id: int) -> None:
    actor.require("portfolio.write")
    delete_row(session, BackgroundLoad, load_id, "pf.load.not_found")


def background_rows(session: Session) -> list[dict]:
    query = (select(BackgroundLoad.id, BackgroundLoad.description, BackgroundLoad.service_code,
                    BackgroundLoad.fte_pct, BackgroundLoad.start_month, BackgroundLoad.end_month,
                    BackgroundLoad.version, DeptRole.code, DeptRole.name)
             .join(DeptRole, DeptRole.id == BackgroundLoad.role_id).order_by(DeptRole.sort_order, BackgroundLoad.id))
    return [dict(id=r.id, role=role_label(r.code, r.name), role_code=r.code, description=r.description,
                 service_code=r.service_code, fte=fte_of(r.fte_pct), start_month=r.start_month,
                 end_month=r.end_month, version=r.version) for r in session.execute(query)]


# --- demand and allocations -------------------------------------------------------------------------


def set_need(session: Session, actor: Actor, payload) -> int:
    """Set a project's open demand for a role (no person) or a person's allocation, for every month
    in the range; 0 FTE removes it. Returns the number of months set."""
    actor.require("portfolio.write")
    data = validate(NeedIn, payload)
    project = get_project(session, data.project_id)
    if project.phase == Phase.HANDED_OVER.value:
        raise BackofficeError(t("pf.project.closed", name=project.name))
    role = get_role(session, data.role_code)
    months = month_range(data.first_month, data.last_month)
    first, last = month_start(project.start_date), month_start(project.end_date)
    outside = [m for m in months if m < first or m > last]
    if outside:
        raise BackofficeError(t("pf.need.outside_project", project=project.name, first=month_label(first),
                                last=month_label(last), months=", ".join(month_label(m) for m in outside[:6])))
    pct = to_pct(data.fte)
    if data.person_id is None:
        model, match = Demand, (Demand.project_id == project.id, Demand.role_id == role.id)
        extra = {}
    else:
        person = get_person(session, data.person_id)
        if role.id not in {r.role_id for r in person.role_rows}:
            raise BackofficeError(t("pf.need.person_lacks_role", name=person.name, role=role.name))
        away = [m for m in months if m < person.start_date
                or (person.end_date is not None and m > person.end_date)]
        if away:
            raise BackofficeError(t("pf.need.person_not_employed", name=person.name,
                                    months=", ".join(month_label(m) for m in away[:6])))
        model = Allocation
        match = (Allocation.project_id == project.id, Allocation.role_id == role.id,
                 Allocation.person_id == person.id)
        extra = {"person_id": person.id}
    existing = {row.month: row for row in session.scalars(select(model).where(*match, model.month.in_(months)))}
    for month in months:
        row = existing.get(month)
        if pct == 0:
            if row is not None:
                session.delete(row)
        elif row is None:
            session.add(model(project_id=project.id, role_id=role.id, month=month, fte_pct=pct, **extra))
        elif row.fte_pct != pct:
            row.fte_pct = pct
    session.flush()
    return len(months)


def need_rows(session: Session, project_id: int) -> list[dict]:
    """A project's needs by role and month: open demand and named allocations (aggregates)."""
    demand = session.execute(
        select(DeptRole.code, DeptRole.name, Demand.month, func.sum(Demand.fte_pct))
        .join(DeptRole, DeptRole.id == Demand.role_id).where(Demand.project_id == project_id)
        .group_by(DeptRole.code, DeptRole.name, Demand.month))
    allocations = session.execute(
        select(DeptRole.code, DeptRole.name, Allocation.month, Person.name, Person.kind, Allocation.fte_pct)
        .join(DeptRole, DeptRole.id == Allocation.role_id).join(Person, Person.id == Allocation.person_id)
        .where(Allocation.project_id == project_id))
    rows = [dict(role=role_label(code, name), person="", kind="", month=month, fte=fte_of(pct))
            for code, name, month, pct in demand]
    rows += [dict(role=role_label(code, name), person=person, kind=kind, month=month, fte=fte_of(pct))
             for code, name, month, person, kind, pct in allocations]
    return sorted(rows, key=lambda r: (r["role"], r["person"], r["month"]))


def person_choices(session: Session) -> dict[int, str]:
    rows = session.execute(select(Person.id, Person.name, Person.kind).order_by(Person.name))
    return {i: name + (f" ({t('pf.kind.consultant').lower()})" if kind == PersonKind.CONSULTANT else "")
            for i, name, kind in rows}


# --- open demand to and from a spreadsheet ---------------------------------------------------------

DEMAND_SHEET = "pf.sheet.demand"
DEMAND_LEAD = ("pf.col.project", "pf.col.role")


def active_projects(session: Session) -> list[Project]:
    return list(session.scalars(select(Project).where(Project.phase != Phase.HANDED_OVER.value)
                                .order_by(Project.priority, Project.name)))


def demand_grid(session: Session, first: date | None = None,
                last: date | None = None) -> tuple[list[date], list[list]]:
    """Open demand of the active projects in the import layout: the month columns, and one row
    [project, role, FTE or None per month] per project and role with demand in those months.

    Without `first`/`last` the months span every active project's period (this month and the next
    eleven when there is no active project), so the sheet holds all open demand there is."""
    active = active_projects(session)
    if first is None:
        first = min((month_start(p.start_date) for p in active), default=month_start(date.today()))
    if last is None:
        last = max((month_start(p.end_date) for p in active), default=add_months(first, 11))
    months = month_range(first, last) if last >= first else []
    query = (select(Project.priority, Project.name, DeptRole.sort_order, DeptRole.code, DeptRole.name,
                    Demand.month, Demand.fte_pct)
             .join(Project, Project.id == Demand.project_id).join(DeptRole, DeptRole.id == Demand.role_id)
             .where(Project.phase != Phase.HANDED_OVER.value, Demand.month >= first, Demand.month <= last))
    grid: dict[tuple, dict[date, int]] = {}
    for priority, project, order, code, name, month, pct in session.execute(query):
        grid.setdefault((priority, project, order, code, name), {})[month] = pct
    rows = []
    for (_priority, project, _order, code, name), cells in sorted(grid.items()):
        rows.append([project, role_label(code, name)]
                    + [fte_of(cells[m]) if cells.get(m) else None for m in months])
    return months, rows


def _demand_sheet(workbook) -> str:
    names = list(workbook.sheetnames)
    wanted = folded_labels(DEMAND_SHEET)
    match = next((n for n in names if n.strip().casefold() in wanted), None)
    if match is None and len(names) == 1:
        match = names[0]
    if match is None:
        raise BackofficeError(t("import.missing_sheet", sheet=t(DEMAND_SHEET)))
    return match


def _where(sheet: str, header: str) -> str:
    return f"{sheet} / {header}"


def _demand_columns(sheet: str, headers: list[str]) -> tuple[dict[str, str], dict[str, date]]:
    """The headers of the project and role columns by key, and {header: month} for the month columns;
    raises ValidationFailed naming every header that is missing, repeated or not a month."""
    errors: list[RowError] = []
    lead: dict[str, str] = {}
    months: dict[str, date] = {}
    seen_months: dict[date, str] = {}
    for header in headers:
        if not header:
            continue
        folded = header.casefold()
        key = next((k for k in DEMAND_LEAD if folded in folded_labels(k)), None)
        if key is not None:
            if key in lead:
                errors.append(RowError(1, _where(sheet, header), t("pf.demand.duplicate_column", other=lead[key])))
            lead[key] = header
            continue
        try:
            month = parse_month(header)
        except ValueError:
            errors.append(RowError(1, _where(sheet, header), t("pf.demand.bad_month_header", value=header)))
            continue
        if month in seen_months:
            errors.append(RowError(1, _where(sheet, header),
                                   t("pf.demand.duplicate_column", other=seen_months[month])))
            continue
        seen_months[month] = header
        months[header] = month
    for key in DEMAND_LEAD:
        if key not in lead:
            errors.append(RowError(1, _where(sheet, t(key)), t("import.missing_column", column=t(key))))
    if not months and not errors:
        errors.append(RowError(1, sheet, t("pf.demand.no_months")))
    if errors:
        raise ValidationFailed(errors)
    return lead, months


def read_demand(session: Session, content: bytes) -> tuple[list[date], list[dict]]:
    """Check a demand workbook completely. Returns the month columns and, per row, the project, the role
    and {month: hundredths of FTE (0 for a blank cell)}; raises ValidationFailed naming every bad cell."""
    workbook = open_workbook(content)
    try:
        sheet = _demand_sheet(workbook)
        headers, records = sheet_rows(workbook[sheet])
    finally:
        workbook.close()
    lead, months = _demand_columns(sheet, headers)

    def where(header: str) -> str:
        return _where(sheet, header)

    textguard.refuse_rows(records, label=where)

    errors: list[RowError] = []
    projects_by_name = {p.name.strip().casefold(): p for p in session.scalars(select(Project))}
    roles_by_name: dict[str, DeptRole] = {}
    for role in roles(session):
        for text in (role.code, role.name, _ENGLISH.get(role.code, role.name)):
            roles_by_name.setdefault(text.strip().casefold(), role)
    project_header, role_header = lead["pf.col.project"], lead["pf.col.role"]
    rows: list[dict] = []
    seen_rows: dict[tuple[int, int], int] = {}
    for number, record in records:
        project_text = str(record.get(project_header) or "").strip()
        role_text = str(record.get(role_header) or "").strip()
        project = role = None
        if not project_text:
            errors.append(RowError(number, where(project_header), t("import.required")))
        else:
            project = projects_by_name.get(project_text.casefold())
            if project is None:
                errors.append(RowError(number, where(project_header),
                                       t("pf.demand.unknown_project", name=project_text)))
            elif project.phase == Phase.HANDED_OVER.value:
                errors.append(RowError(number, where(project_header), t("pf.project.closed", name=project.name)))
                project = None
        if not role_text:
            errors.append(RowError(number, where(role_header), t("import.required")))
        else:
            role = roles_by_name.get(role_text.casefold())
            if role is None:
                errors.append(RowError(number, where(role_header), t("pf.demand.unknown_role", name=role_text)))
        cells: dict[date, int] = {}
        for header, month in months.items():
            try:
                pct = to_pct(DemandCellIn.model_validate({"fte": record.get(header)}).fte)
            except ValidationError as exc:
                errors.extend(RowError(number, where(header), e.message) for e in errors_from_pydantic(exc))
                continue
            if pct and project is not None and not (month_start(project.start_date) <= month
                                                    <= month_start(project.end_date)):
                errors.append(RowError(number, where(header), t(
                    "pf.demand.outside_project", project=project.name, month=month_label(month),
                    first=month_label(month_start(project.start_date)),
                    last=month_label(month_start(project.end_date)))))
                continue
            cells[month] = pct
        if project is None or role is None:
            continue
        other = seen_rows.setdefault((project.id, role.id), number)
        if other != number:
            errors.append(RowError(number, f"{where(project_header)}, {role_header}",
                                   t("import.duplicate_row", other=other)))
            continue
        rows.append(dict(row=number, project_id=project.id, role_id=role.id, cells=cells))
    if errors:
        raise ValidationFailed(errors)
    return sorted(months.values()), rows


def import_demand(session: Session, actor: Actor, content: bytes, *, dry_run: bool = False) -> dict:
    """Set the open demand a workbook names (every project and role row, in every month column), all
    or nothing: a blank or 0 cell removes demand in that month; projects, roles and months the sheet does
    not name are left alone. Returns counts of demand months added, changed, unchanged and removed;
    `dry_run` checks and counts the same way but writes nothing."""
    actor.require("portfolio.write")
    months, rows = read_demand(session, content)
    counts = dict(added=0, changed=0, unchanged=0, removed=0, rows=len(rows), dry_run=dry_run)
    if not rows:
        return counts
    project_ids = {r["project_id"] for r in rows}
    existing = {(d.project_id, d.role_id, d.month): d for d in session.scalars(
        select(Demand).where(Demand.project_id.in_(project_ids), Demand.month >= months[0],
                             Demand.month <= months[-1]))}
    for row in rows:
        for month, pct in row["cells"].items():
            current = existing.get((row["project_id"], row["role_id"], month))
            if current is None:
                if pct:
                    counts["added"] += 1
                    if not dry_run:
                        session.add(Demand(project_id=row["project_id"], role_id=row["role_id"], month=month,
                                           fte_pct=pct))
            elif not pct:
                counts["removed"] += 1
                if not dry_run:
                    session.delete(current)
            elif current.fte_pct != pct:
                counts["changed"] += 1
                if not dry_run:
                    current.fte_pct = pct
            else:
                counts["unchanged"] += 1
    if not dry_run:
        session.flush()
    return counts
