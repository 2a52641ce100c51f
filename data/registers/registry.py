"""Shared registers: organisations, counties, services, components and which service uses which."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from sqlalchemy import (
    false,
    func,
    select,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from data import textguard
from data.access import Actor
from data.crud import ensure_version, for_edit, get_or_raise, scalar_or_raise
from data.errors import BackofficeError, NotFound, RowError, ValidationFailed, validate
from data.excel import csv_records, decode_text
from data.i18n import t
from data.locking import refusing_duplicates, unique_key
from data.registers.models import (
    Component,
    County,
    Organisation,
    OrganisationKind,
    Service,
    ServiceStatus,
    User,
    service_component,
)
from data.textsearch import equals_folded, plain, plain_contains, plain_parts

REFERENCE_DIR = Path(__file__).resolve().parents[1] / "reference"
ORG_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


# --- organisation numbers -------------------------------------------------------------------


def org_number_check_digit(first_eight: str) -> int | None:
    """Mod-11 check digit of a Norwegian organisation number, or None when none is possible."""
    total = sum(int(d) * w for d, w in zip(first_eight, ORG_NUMBER_WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def org_number_problem(value: str) -> str | None:
    """None when `value` is a valid organisation number, else a plain-language reason."""
    digits = value.replace(" ", "")
    if not digits.isdigit() or len(digits) != 9:
        return t("org.number_format", value=value)
    expected = org_number_check_digit(digits[:8])
    if expected is None or expected != int(digits[8]):
        return t("org.number_check_digit", value=value)
    return None


def normalise_org_number(value: str) -> str:
    problem = org_number_problem(value)
    if problem:
        raise ValueError(problem)
    return value.replace(" ", "")


class OrganisationIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    org_number: str | None = None
    name: str = Field(min_length=1, max_length=200)   # the official name, in all its languages
    norwegian_name: str | None = Field(default=None, max_length=200)   # blank: the same as `name`
    kind: OrganisationKind
    municipality_number: str | None = None
    county_number: str | None = None
    population: int | None = Field(default=None, ge=0)
    population_year: int | None = Field(default=None, ge=1800, le=2200)
    valid_from: date | None = None
    valid_to: date | None = None
    contact_email: EmailStr | None = None

    @field_validator("org_number", "norwegian_name", "municipality_number", "county_number", "contact_email",
                     mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("org_number")
    @classmethod
    def _org_number(cls, value):
        return None if value is None else normalise_org_number(value)

    @field_validator("municipality_number")
    @classmethod
    def _municipality_number(cls, value):
        if value is None:
            return None
        value = value.zfill(4)
        if not value.isdigit() or len(value) != 4:
            raise ValueError(t("org.municipality_number_format", value=value))
        return value

    def model_post_init(self, _context) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError(t("error.end_before_start"))


class ContactIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    contact_email: EmailStr | None = None

    @field_validator("contact_email", mode="before")
    @classmethod
    def _blank_is_none(cls, value):
        return None if isinstance(value, str) and not value.strip() else value


class ServiceIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    established_year: int | None = Field(default=None, ge=1990, le=2100)
    status: ServiceStatus = ServiceStatus.ACTIVE
    product_owner_id: int | None = None


class ComponentIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$")
    name: str = Field(min_length=1, max_length=200)
    description: str = ""


# --- capabilities --------------------------------------------------------------------------------


def get_organisation(session: Session, org_id: int) -> Organisation:
    return get_or_raise(session, Organisation, org_id, "org.not_found")


def find_organisation(session: Session, key: str) -> Organisation | None:
    """Look an organisation up by organisation number, municipality number or name. A name matches the
    whole official name or any of its language parts, or the Norwegian name, ignoring case and
    diacritics ("kautokeino", "snasa" and "porsangu" find "Guovdageaidnu - Kautokeino", "Snåase - Snåsa",
    "Porsanger - Porsángu - Porsanki"); current organisations before ended ones. A key with a control
    character names no organisation (a look-up is exact; only free-text searches drop such characters)."""
    if textguard.refused_char(key):
        return None
    key = key.strip()
    digits = key.replace(" ", "")
    if digits.isdigit() and len(digits) == 9:
        return session.scalar(select(Organisation).where(Organisation.org_number == digits))
    if digits.isdigit() and len(digits) <= 4:
        return session.scalar(
            select(Organisation)
            .where(Organisation.municipality_number == digits.zfill(4), Organisation.valid_to.is_(None))
            .order_by(Organisation.id)
        )
    exact = session.scalar(select(Organisation).where(equals_folded(Organisation.name, key))
                           .order_by(Organisation.valid_to.is_(None).desc(), Organisation.id))
    if exact is not None or not plain(key):
        return exact
    wanted = plain(key).strip()
    rows = session.execute(select(Organisation.id, Organisation.name, Organisation.norwegian_name)
                           .order_by(Organisation.valid_to.is_(None).desc(), Organisation.id))
    for org_id, name, norwegian_name in rows:
        if wanted == plain(norwegian_name).strip() or wanted in plain_parts(name):
            return session.get(Organisation, org_id)
    return None


def organisation_search(session: Session, term: str) -> ColumnElement[bool]:
    """A condition on `Organisation` for a free-text search: the term is part of the official name (any
    language part), the Norwegian name, the organisation number or the municipality number, or, for a
    county municipality, of its county's official name; case and diacritics ignored. The register is small
    (hundreds of rows), so it is matched in Python (data/textsearch.py says why) and the ids go to SQL."""
    term = term.strip()
    if not plain(term):
        return Organisation.id.is_not(None)
    digits = term.replace(" ", "")
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.norwegian_name, Organisation.org_number,
               Organisation.municipality_number, Organisation.kind, County.name, County.norwegian_name)
        .outerjoin(County, County.number == Organisation.county_number)
    )
    ids = []
    for org_id, name, norwegian_name, org_number, municipality_number, kind, county, county_norwegian in rows:
        texts = [name, norwegian_name]
        if kind == OrganisationKind.COUNTY_MUNICIPALITY.value:
            texts += [county, county_norwegian]
        numbers = [org_number or "", municipality_number or ""]
        if any(plain_contains(text, term) for text in texts) or (digits and any(digits in n for n in numbers)):
            ids.append(org_id)
    return Organisation.id.in_(ids) if ids else false()


def _norwegian_name(given: str | None, name: str, org: Organisation | None = None) -> str | None:
    """The Norwegian name to store: the one given; else the stored one while it is still a part of the
    (new) official name; else the official name itself when it is in one language, and None (not known)
    when it has several parts."""
    if given:
        return given
    current = org.norwegian_name if org is not None else None
    if current and plain(current).strip() in plain_parts(name):
        return current
    return name if len(plain_parts(name)) <= 1 else None


ORG_NUMBER_ONCE = unique_key(Organisation, "uq_organisation_org_number")


def _org_number_taken(number: str, name: str) -> BackofficeError:
    return BackofficeError(t("org.number_taken", number=number, name=name))


def _org_number_just_taken(session: Session, number: str) -> BackofficeError:
    """The refusal for the loser of a race: names the organisation that took the number meanwhile."""
    other = session.scalar(select(Organisation).where(Organisation.org_number == number))
    return _org_number_taken(number, other.name if other is not None else "?")


def _check_unique_org_number(session: Session, org_number: str | None, own_id: int | None = None):
    if org_number is None:
        return
    other = session.scalar(select(Organisation).where(Organisation.org_number == org_number))
    if other is not None and other.id != own_id:
        raise _org_number_taken(org_number, other.name)


def create_organisation(session: Session, actor: Actor, payload) -> Organisation:
    actor.require("registers.write")
    data = validate(OrganisationIn, payload)
    _check_unique_org_number(session, data.org_number)
    org = Organisation(**data.model_dump(mode="python"))
    org.kind = data.kind.value
    org.norwegian_name = _norwegian_name(data.norwegian_name, data.name)
    org.contact_email = str(data.contact_email) if data.contact_email else None
    with refusing_duplicates(session, (ORG_NUMBER_ONCE,), lambda: _org_number_just_taken(session, data.org_number)):
        session.add(org)
    return org


def update_organisation(session: Session, actor: Actor, org_id: int, payload, expected_version: int | None = None):
    actor.require("registers.write")
    data = validate(OrganisationIn, payload)
    org = for_edit(session, Organisation, org_id, expected_version, "org.not_found")
    _check_unique_org_number(session, data.org_number, org.id)
    norwegian_name = _norwegian_name(data.norwegian_name, data.name, org)
    for key, value in data.model_dump(mode="python").items():
        setattr(org, key, value)
    org.kind = data.kind.value
    org.norwegian_name = norwegian_name
    org.contact_email = str(data.contact_email) if data.contact_email else None
    session.flush()
    return org


def update_contact(session: Session, actor: Actor, org_id: int, payload, expected_version: int | None = None):
    """Support may keep contact details current without touching the rest of the register."""
    actor.require("contacts.write")
    data = validate(ContactIn, payload)
    org = for_edit(session, Organisation, org_id, expected_version, "org.not_found")
    org.contact_email = str(data.contact_email) if data.contact_email else None
    session.flush()
    return org


def get_service(session: Session, code: str) -> Service:
    return scalar_or_raise(session, select(Service).where(Service.code == code), "service.not_found", code=code)


def list_services(session: Session) -> list[Service]:
    return list(session.scalars(select(Service).order_by(Service.name)))


def _by_code_for_edit(session: Session, model, code: str, expected_version: int | None):
    """The row of `model` with `code` to change (checked against the version the caller saw), or a new one."""
    row = session.scalar(select(model).where(model.code == code))
    if row is None:
        row = model(code=code)
        session.add(row)
    else:
        ensure_version(row, expected_version, row.name)
    return row


def save_service(session: Session, actor: Actor, payload, expected_version: int | None = None) -> Service:
    """Create the service, or update the one with the same code."""
    actor.require("registers.write")
    data = validate(ServiceIn, payload)
    service = _by_code_for_edit(session, Service, data.code, expected_version)
    values = data.model_dump(mode="python")
    values["status"] = data.status.value
    for key, value in values.items():
        setattr(service, key, value)
    session.flush()
    return service


def list_components(session: Session) -> list[Component]:
    return list(session.scalars(select(Component).order_by(Component.name)))


def save_component(session: Session, actor: Actor, payload, expected_version: int | None = None) -> Component:
    actor.require("registers.write")
    data = validate(ComponentIn, payload)
    component = _by_code_for_edit(session, Component, data.code, expected_version)
    for key, value in data.model_dump().items():
        setattr(component, key, value)
    session.flush()
    return component


def set_service_components(session: Session, actor: Actor, service_code: str, component_codes: list[str]):
    actor.require("registers.write")
    service = get_service(session, service_code)
    components = list(session.scalars(select(Component).where(Component.code.in_(component_codes))))
    missing = set(component_codes) - {c.code for c in components}
    if missing:
        raise NotFound(t("component.not_found", code=", ".join(sorted(missing))))
    service.components = components
    session.flush()
    return service


# --- reference data --------------------------------------------------------------------------


def _reference_rows(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _int_or_none(value: str) -> int | None:
    return int(value) if value else None


def load_reference_data(session: Session, actor: Actor) -> dict[str, int]:
    """Bring the shipped reference data into the database; run on an empty database and again by
    `backoffice db upgrade` on an existing one (idempotent: a second run changes nothing).

    Adds counties, organisations, components and services that are missing. On existing rows it only
    fills what is empty or corrects what an earlier release shipped, never what users changed:
    organisation numbers where none is set (and no other organisation has the number), official and
    Norwegian names where the Norwegian name was never set and the name is still a part of the official
    one (earlier releases kept only the first part, "Guovdageaidnu"), and service and component fields
    that still hold a value listed in superseded.csv (wrong years, earlier descriptions, a service the
    department does not list, which is then retired)."""
    actor.require("registers.write")
    added = {"counties": 0, "organisations": 0, "services": 0, "components": 0,
             "org_numbers": 0, "org_numbers_differ": 0, "names": 0, "corrected": 0}

    counties = {c.number: c for c in session.scalars(select(County))}
    for row in _reference_rows("counties.csv"):
        county = counties.get(row["county_number"])
        if county is None:
            session.add(County(number=row["county_number"], name=row["name"], norwegian_name=row["norwegian_name"]))
            added["counties"] += 1
        elif county.norwegian_name is None:
            if _official_name_fits(county.name, row):
                county.name = row["name"]
            county.norwegian_name = row["norwegian_name"] if county.name == row["name"] else county.name
            added["names"] += 1
    session.flush()

    current = list(session.scalars(select(Organisation).where(Organisation.valid_to.is_(None))
                                   .order_by(Organisation.id)))
    municipalities = {o.municipality_number: o for o in reversed(current)
                      if o.kind == OrganisationKind.MUNICIPALITY.value and o.municipality_number}
    county_orgs = {o.county_number: o for o in reversed(current)
                   if o.kind == OrganisationKind.COUNTY_MUNICIPALITY.value and o.county_number}
    known_municipalities = set(session.scalars(
        select(Organisation.municipality_number).where(Organisation.municipality_number.is_not(None))))
    known_county_orgs = set(session.scalars(select(Organisation.county_number).where(
        Organisation.kind == OrganisationKind.COUNTY_MUNICIPALITY.value)))
    taken = set(session.scalars(select(Organisation.org_number).where(Organisation.org_number.is_not(None))))
    for row in _reference_rows("organisations.csv"):
        kind = row["kind"]
        if kind == OrganisationKind.MUNICIPALITY.value:
            org, known = municipalities.get(row["municipality_number"]), row["municipality_number"] in known_municipalities
        else:
            org, known = county_orgs.get(row["county_number"]), row["county_number"] in known_county_orgs
        number = row["org_number"] or None
        if org is None:
            if known:
                continue   # the register has it, ended: history stays as it is
            session.add(Organisation(
                name=row["name"], norwegian_name=row["norwegian_name"], kind=kind,
                org_number=number if number not in taken else None,
                municipality_number=row["municipality_number"] or None, county_number=row["county_number"] or None,
                population=_int_or_none(row["population"]), population_year=_int_or_none(row["population_year"]),
                valid_from=date.fromisoformat(row["valid_from"]) if row["valid_from"] else None,
            ))
            taken.add(number)
            added["organisations"] += 1
            continue
        if org.org_number and number and org.org_number != number:
            added["org_numbers_differ"] += 1   # left as the user set it; reported
        if org.org_number is None and number and number not in taken:
            org.org_number = number
            taken.add(number)
            added["org_numbers"] += 1
        if org.norwegian_name is None:
            if _official_name_fits(org.name, row):
                org.name = row["name"]
            org.norwegian_name = row["norwegian_name"] if org.name == row["name"] else org.name
            added["names"] += 1
    session.flush()

    superseded = _superseded()
    components = {c.code: c for c in session.scalars(select(Component))}
    for row in _reference_rows("components.csv"):
        component = components.get(row["code"])
        if component is None:
            component = Component(code=row["code"], name=row["name"], description=row["description"])
            session.add(component)
            components[row["code"]] = component
            added["components"] += 1
        else:
            added["corrected"] += _correct(component, row, superseded.get(("component", row["code"]), {}))

    services = {s.code: s for s in session.scalars(select(Service))}
    shipped = set()
    for row in _reference_rows("services.csv"):
        shipped.add(row["code"])
        service = services.get(row["code"])
        if service is None:
            service = Service(code=row["code"], name=row["name"], description=row["description"],
                              established_year=_int_or_none(row["established_year"]), status=row["status"])
            service.components = [components[c] for c in row["components"].split() if c in components]
            session.add(service)
            added["services"] += 1
        else:
            added["corrected"] += _correct(service, row, superseded.get(("service", row["code"]), {}))
    for (register, code), fields in superseded.items():
        service = services.get(code)
        if register == "service" and code not in shipped and service is not None \
                and service.status == fields.get("status") and service.status != ServiceStatus.RETIRED.value:
            service.status = ServiceStatus.RETIRED.value   # shipped before, not listed by the department
            added["corrected"] += 1
    session.flush()
    return added


def _official_name_fits(stored: str, row: dict[str, str]) -> bool:
    """Whether a stored name is the shipped official name or one of its parts (what earlier releases kept)."""
    return plain(stored).strip() in [plain(row["name"]).strip(), *plain_parts(row["name"])]


def _superseded() -> dict[tuple[str, str], dict[str, str]]:
    """{(register, code): {field: the value an earlier release shipped}} from superseded.csv."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for row in _reference_rows("superseded.csv"):
        found.setdefault((row["register"], row["code"]), {})[row["field"]] = row["shipped_before"]
    return found


def _correct(row_object, reference: dict[str, str], shipped_before: dict[str, str]) -> int:
    """Set each field that still holds what an earlier release shipped to the reference value; 1 if any."""
    changed = 0
    for field, old in shipped_before.items():
        if field == "components":
            continue
        value = getattr(row_object, field)
        if ("" if value is None else str(value)) != old:
            continue   # changed by a user since: left alone
        new = reference[field]
        setattr(row_object, field, _int_or_none(new) if field == "established_year" else new)
        changed = 1
    return changed


# --- import from Statistics Norway's classification (KLASS) CSV export ---------------------------


NAME_LENGTH = 200   # Organisation.name


def parse_ssb_classification(content: bytes) -> tuple[list[dict], list[RowError]]:
    """Read a KLASS export (`code;parentCode;level;name;...;validFrom;validTo`) of municipalities."""
    text = decode_text(content)
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    headers, records = csv_records(text, delimiter)   # CR line ends, long fields, damage: plain errors
    fields = {f.strip().strip('"').lower(): f for f in headers}
    required = ("code", "name")
    missing = [c for c in required if c not in fields]
    if missing:
        raise ValidationFailed([RowError(1, c, t("import.missing_column", column=c)) for c in missing])
    rows, errors = [], []
    for index, raw in enumerate(records, start=2):
        def get(name, raw=raw):
            key = fields.get(name.lower())
            return (raw.get(key) or "").strip() if key else ""

        code, name = get("code"), get("name")
        if not code and not name:
            continue
        refused = textguard.row_errors([(index, {c: get(c) for c in ("code", "name", "validFrom", "validTo")})])
        if refused:
            errors += refused
            continue
        if not (code.isascii() and code.isdigit() and len(code) == 4):
            errors.append(RowError(index, "code", t("org.municipality_number_format", value=code[:20])))
            continue
        if not name:
            errors.append(RowError(index, "name", t("import.required")))
            continue
        if len(name) > NAME_LENGTH:
            errors.append(RowError(index, "name", t("import.too_long", length=NAME_LENGTH)))
            continue
        valid_from = valid_to = None
        for field_name in ("validFrom", "validTo"):
            value = get(field_name)
            if not value:
                continue
            try:
                parsed = parse_norwegian_date(value)
            except (ValueError, OverflowError):
                errors.append(RowError(index, field_name, t("import.bad_date", value=value[:40])))
                continue
            if field_name == "validFrom":
                valid_from = parsed
            else:
                valid_to = parsed
        if valid_from and valid_to and valid_to < valid_from:
            errors.append(RowError(index, "validTo", t("error.end_before_start")))
            continue
        rows.append({"row": index, "code": code, "name": name, "valid_from": valid_from, "valid_to": valid_to})
    if not rows and not errors:
        errors.append(RowError(None, None, t("import.empty")))
    return rows, errors


def parse_norwegian_date(value: str) -> date:
    """Accept `01.02.2024`, `1.2.2024` and ISO `2024-02-01`."""
    value = value.strip()
    if "." in value:
        day, month, year = value.split(".")
        return date(int(year), int(month), int(day))
    return date.fromisoformat(value)


def import_ssb_municipalities(session: Session, actor: Actor, content: bytes) -> dict[str, int]:
    """All-or-nothing: update municipalities by number (name, validity) or add new ones."""
    actor.require("registers.write")
    rows, errors = parse_ssb_classification(content)
    if errors:
        raise ValidationFailed(errors)
    seen: dict[str, int] = {}
    for row in rows:
        if row["code"] in seen and row["valid_from"] is None:
            errors.append(RowError(row["row"], "code", t("import.duplicate_row", other=seen[row["code"]])))
        seen.setdefault(row["code"], row["row"])
    if errors:
        raise ValidationFailed(errors)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        org = session.scalar(
            select(Organisation)
            .where(
                Organisation.municipality_number == row["code"],
                Organisation.kind == OrganisationKind.MUNICIPALITY.value,
            )
            .order_by(Organisation.valid_to.is_(None).desc(), Organisation.id)
        )
        county = row["code"][:2]
        county_number = county if session.get(County, county) else None
        if org is None:
            session.add(
                Organisation(
                    name=row["name"],
                    norwegian_name=_norwegian_name(None, row["name"]),
                    kind=OrganisationKind.MUNICIPALITY.value,
                    municipality_number=row["code"],
                    county_number=county_number,
                    valid_from=row["valid_from"],
                    valid_to=row["valid_to"],
                )
            )
            counts["created"] += 1
            continue
        changes = {"name": row["name"], "norwegian_name": _norwegian_name(None, row["name"], org)}
        if row["valid_from"] is not None:
            changes["valid_from"] = row["valid_from"]
        if row["valid_to"] is not None:
            changes["valid_to"] = row["valid_to"]
        if all(getattr(org, k) == v for k, v in changes.items()):
            counts["unchanged"] += 1
            continue
        for key, value in changes.items():
            setattr(org, key, value)
        counts["updated"] += 1
    session.flush()
    return counts


# --- reads for pages and exports -------------------------------------------------------------------


def organisation_rows(session: Session, search: str = "", kinds: list[str] | None = None,
                      county: str | None = None, include_history: bool = False) -> list[dict]:
    query = (
        select(Organisation.id, Organisation.org_number, Organisation.name, Organisation.norwegian_name,
               Organisation.kind,
               Organisation.municipality_number, Organisation.county_number, County.name.label("county"),
               Organisation.population, Organisation.population_year, Organisation.valid_from,
               Organisation.valid_to, Organisation.contact_email, Organisation.version)
        .outerjoin(County, County.number == Organisation.county_number)
        .order_by(Organisation.name)
    )
    if search.strip():
        query = query.where(organisation_search(session, search))
    if kinds:
        query = query.where(Organisation.kind.in_(kinds))
    if county:
        query = query.where(Organisation.county_number == county)
    if not include_history:
        query = query.where(Organisation.valid_to.is_(None))
    return [dict(row._mapping) for row in session.execute(query)]


def county_choices(session: Session) -> list[tuple[str, str]]:
    return [(c.number, c.name) for c in session.scalars(select(County).order_by(County.number))]


def organisation_choices(session: Session, *, current_only: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the organisations, by name: the organisation pickers' choices."""
    query = select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if current_only:
        query = query.where(Organisation.valid_to.is_(None))
    return [(r.id, r.name) for r in session.execute(query)]


def service_rows(session: Session) -> list[dict]:
    query = (
        select(Service.id, Service.code, Service.name, Service.status, Service.established_year,
               Service.description, User.full_name.label("product_owner"), Service.version)
        .outerjoin(User, User.id == Service.product_owner_id)
        .order_by(Service.name)
    )
    rows = [dict(r._mapping) for r in session.execute(query)]
    links = session.execute(
        select(service_component.c.service_id, Component.name)
        .join(Component, Component.id == service_component.c.component_id)
        .order_by(Component.name)
    )
    by_service: dict[int, list[str]] = {}
    for service_id, name in links:
        by_service.setdefault(service_id, []).append(name)
    for row in rows:
        row["components"] = ", ".join(by_service.get(row["id"], []))
    return rows


def register_counts(session: Session) -> dict[str, int]:
    return {
        "municipalities": session.scalar(select(func.count()).select_from(Organisation).where(
            Organisation.kind == OrganisationKind.MUNICIPALITY.value, Organisation.valid_to.is_(None))),
        "county_municipalities": session.scalar(select(func.count()).select_from(Organisation).where(
            Organisation.kind == OrganisationKind.COUNTY_MUNICIPALITY.value, Organisation.valid_to.is_(None))),
        "services": session.scalar(select(func.count()).select_from(Service).where(
            Service.status != ServiceStatus.RETIRED.value)),
        "components": session.scalar(select(func.count()).select_from(Component)),
    }
