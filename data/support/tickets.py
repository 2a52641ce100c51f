"""Support tickets: Freshdesk import (upsert, all-or-nothing), links to service and organisation,
security incidents, and the aggregates the support pages, pricing's allocation and risk read.

The tables live here (not in admin/) because pricing (allocation by ticket share) and risk
(security incidents) read them too. Calling the risk module when a ticket becomes a security
incident happens one level up, in `admin.changeboard.changes.mark_ticket_security_incident`: data/ never
imports a domain package.
"""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    case,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from data import audit
from data.access import Actor
from data.appspec import Fact, Kpi
from data.crud import ensure_version
from data.db import Base, UTCDateTime, Versioned, utcnow
from data.errors import BackofficeError, ConflictError, NotFound, RowError, ValidationFailed, validate
from data.formatting import number
from data.i18n import register, t
from data.registers.models import Organisation, Service
from data.support import messages as messages_support
from data.textsearch import contains_folded

register(messages_support.MESSAGES)

OSLO = ZoneInfo("Europe/Oslo")


class TicketStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


class TicketPriority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


OPEN_STATUSES = (TicketStatus.OPEN.value, TicketStatus.PENDING.value, TicketStatus.WAITING.value)
PRIORITY_RANK = {"urgent": 4, "high": 3, "medium": 2, "low": 1}


class MappingKind(StrEnum):
    """What a mapping row translates: a ticket tag or group to a service, a requester name to an organisation."""

    SERVICE_TAG = "service_tag"
    SERVICE_GROUP = "service_group"
    ORGANISATION = "organisation"


# --- tables ------------------------------------------------------------------------------------


class SupportTicket(Versioned, Base):
    __tablename__ = "support_ticket"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_number: Mapped[int] = mapped_column(BigInteger, unique=True)  # the support desk's ticket id
    subject: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), index=True)
    priority: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(60), default="")
    ticket_type: Mapped[str] = mapped_column(String(120), default="")
    group_name: Mapped[str] = mapped_column(String(120), default="")
    agent: Mapped[str] = mapped_column(String(200), default="")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requester_organisation: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"),
                                                        index=True)
    security_incident: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    security_note: Mapped[str] = mapped_column(Text, default="")
    security_marked_by: Mapped[str | None] = mapped_column(String(120))
    security_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    security_closed_by: Mapped[str | None] = mapped_column(String(120))
    security_closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    security_outcome: Mapped[str] = mapped_column(Text, default="")
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    service: Mapped[Service | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def reference(self) -> str:
        return f"#{self.ticket_number}"


class SupportMapping(Versioned, Base):
    """Translates a tag or group to a service, or a requester's organisation name to an organisation."""

    __tablename__ = "support_mapping"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(200))  # lower-case tag, group or organisation name
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id", ondelete="CASCADE"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))


# --- the Freshdesk export ------------------------------------------------------------------------

# Our field -> the headers a Freshdesk export (English or Norwegian UI) may use, compared lower-case.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "ticket_number": ("ticket id", "ticket-id", "id", "henvendelses-id", "henvendelse id", "saksnummer"),
    "subject": ("subject", "emne"),
    "status": ("status",),
    "priority": ("priority", "prioritet"),
    "source": ("source", "kilde"),
    "ticket_type": ("type", "ticket type", "sakstype"),
    "group_name": ("group", "gruppe"),
    "agent": ("agent", "saksbehandler"),
    "opened_at": ("created time", "created", "created at", "opprettet", "opprettet tid"),
    "resolved_at": ("resolved time", "resolved", "resolved at", "løst", "løst tid"),
    "closed_at": ("closed time", "closed", "closed at", "lukket", "lukket tid"),
    "updated_at": ("last update time", "last updated time", "last update", "last updated", "sist oppdatert"),
    "requester_organisation": ("requester organisation", "requester organization", "company", "company name",
                               "organisation", "organization", "virksomhet", "kunde"),
    "tags": ("tags", "stikkord", "emneknagger"),
}
REQUIRED_FIELDS = ("ticket_number", "subject", "status", "priority", "opened_at")

STATUS_WORDS = {
    "open": "open", "åpen": "open", "apen": "open", "new": "open", "ny": "open",
    "pending": "pending", "venter": "pending", "på vent": "pending",
    "waiting on customer": "waiting", "waiting on third party": "waiting", "waiting": "waiting",
    "venter på kunde": "waiting", "venter på tredjepart": "waiting",
    "resolved": "resolved", "løst": "resolved",
    "closed": "closed", "lukket": "closed",
}
PRIORITY_WORDS = {
    "low": "low", "lav": "low", "1": "low",
    "medium": "medium", "middels": "medium", "normal": "medium", "2": "medium",
    "high": "high", "høy": "high", "3": "high",
    "urgent": "urgent", "haster": "urgent", "kritisk": "urgent", "4": "urgent",
}
DATETIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
                    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d.%m.%Y")


def parse_timestamp(value) -> datetime | None:
    """A Freshdesk time (Oslo local time unless it carries a zone) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        text = str(value).strip()
        if not text:
            return None
        parsed = None
        for fmt in DATETIME_FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if parsed is None:
            try:
                parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError as exc:
                raise ValueError(t("sup.import.bad_time", value=text)) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=OSLO)
    return parsed.astimezone(UTC)


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BackofficeError(t("sup.import.not_text"))


def read_freshdesk_csv(content: bytes | str) -> tuple[dict[str, str], list[tuple[int, dict]]]:
    """({our field: header in the file}, [(line number, {header: value})]); comma or semicolon."""
    text = _decode(content)
    if not text.strip():
        raise BackofficeError(t("sup.import.empty"))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers = [h.strip() for h in next(reader)]
    lower = {h.lower(): h for h in headers if h}
    columns: dict[str, str] = {}
    for name, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias in lower:
                columns[name] = lower[alias]
                break
    missing = [HEADER_ALIASES[name][0].title() for name in REQUIRED_FIELDS if name not in columns]
    if missing:
        raise BackofficeError(t("sup.import.missing_columns", columns=", ".join(missing),
                                found=", ".join(h for h in headers if h) or "-"))
    rows = []
    for line_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        rows.append((line_number, {h: (values[i].strip() if i < len(values) else "")
                                   for i, h in enumerate(headers) if h}))
    return columns, rows


class TicketRow(BaseModel):
    """One validated ticket from the export."""

    model_config = ConfigDict(str_strip_whitespace=True)

    ticket_number: int = Field(gt=0)
    subject: str = Field(min_length=1, max_length=500)
    status: TicketStatus
    priority: TicketPriority
    source: str = Field(default="", max_length=60)
    ticket_type: str = Field(default="", max_length=120)
    group_name: str = Field(default="", max_length=120)
    agent: str = Field(default="", max_length=200)
    opened_at: datetime
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime | None = None
    requester_organisation: str = Field(default="", max_length=200)
    tags: str = ""


def _field_label(name: str) -> str:
    return t(f"sup.field.{name}")


def _parse_row(line: int, record: dict, columns: dict[str, str]) -> tuple[TicketRow | None, list[RowError]]:
    errors: list[RowError] = []
    raw = {name: record.get(header, "") for name, header in columns.items()}
    values: dict = {k: v for k, v in raw.items() if k not in ("opened_at", "resolved_at", "closed_at", "updated_at")}

    number_text = str(raw.get("ticket_number", "")).strip().lstrip("#")
    if not number_text:
        errors.append(RowError(line, _field_label("ticket_number"), t("sup.import.required")))
    elif not number_text.isdigit() or int(number_text) <= 0:
        errors.append(RowError(line, _field_label("ticket_number"), t("sup.import.bad_number", value=number_text)))
    else:
        values["ticket_number"] = int(number_text)
    if not str(raw.get("subject", "")).strip():
        errors.append(RowError(line, _field_label("subject"), t("sup.import.required")))

    status_text = str(raw.get("status", "")).strip()
    status = STATUS_WORDS.get(status_text.lower())
    if status is None:
        errors.append(RowError(line, _field_label("status"), t("sup.import.bad_status", value=status_text or "-",
                                                               allowed="Open, Pending, Waiting on Customer, "
                                                                       "Resolved, Closed")))
    values["status"] = status
    priority_text = str(raw.get("priority", "")).strip()
    priority = PRIORITY_WORDS.get(priority_text.lower())
    if priority is None:
        errors.append(RowError(line, _field_label("priority"),
                               t("sup.import.bad_priority", value=priority_text or "-",
                                 allowed="Low, Medium, High, Urgent")))
    values["priority"] = priority

    for name in ("opened_at", "resolved_at", "closed_at", "updated_at"):
        try:
            values[name] = parse_timestamp(raw.get(name))
        except ValueError as exc:
            errors.append(RowError(line, _field_label(name), str(exc)))
    if values.get("opened_at") is None and not any(e.field == _field_label("opened_at") for e in errors):
        errors.append(RowError(line, _field_label("opened_at"), t("sup.import.required")))
    opened = values.get("opened_at")
    for name in ("resolved_at", "closed_at"):
        if opened and values.get(name) and values[name] < opened:
            errors.append(RowError(line, _field_label(name), t("sup.import.before_created")))
    if errors:
        return None, errors
    values["source"] = (values.get("source") or "").lower()
    values["tags"] = ", ".join(tag.strip() for tag in (values.get("tags") or "").split(",") if tag.strip())
    try:
        return TicketRow.model_validate(values), []
    except Exception as exc:  # pydantic ValidationError: report each field
        from data.errors import errors_from_pydantic

        return None, [RowError(line, _field_label(e.field) if e.field in HEADER_ALIASES else e.field, e.message)
                      for e in errors_from_pydantic(exc, line)]


@dataclass
class Linker:
    """Finds the service and organisation of a ticket from its tags, group and requester."""

    services: dict[str, int]                       # code or lower-case name -> id
    tag_map: dict[str, int]
    group_map: dict[str, int]
    org_map: dict[str, int]
    org_cache: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session) -> Linker:
        services: dict[str, int] = {}
        for service_id, code, name in session.execute(select(Service.id, Service.code, Service.name)):
            services[code.lower()] = service_id
            services[name.lower()] = service_id
        maps: dict[str, dict[str, int]] = {kind.value: {} for kind in MappingKind}
        for kind, value, service_id, org_id in session.execute(
                select(SupportMapping.kind, SupportMapping.value, SupportMapping.service_id,
                       SupportMapping.organisation_id)):
            maps.setdefault(kind, {})[value.lower()] = service_id if kind != MappingKind.ORGANISATION else org_id
        return cls(services, maps[MappingKind.SERVICE_TAG], maps[MappingKind.SERVICE_GROUP],
                   maps[MappingKind.ORGANISATION])

    def service_for(self, tags: str, group: str) -> int | None:
        for tag in (x.strip().lower() for x in tags.split(",")):
            if not tag:
                continue
            if tag in self.tag_map:
                return self.tag_map[tag]
            if tag in self.services:
                return self.services[tag]
        return self.group_map.get(group.strip().lower()) if group else None

    def organisation_for(self, session: Session, name: str) -> int | None:
        """By mapping, then organisation number, municipality number or name (compared in Python, so
        Æ, Ø and Å match on SQLite too)."""
        key = name.strip().lower()
        if not key:
            return None
        if key in self.org_map:
            return self.org_map[key]
        if not self.org_cache:
            self.org_cache.update(_organisation_keys(session))
        digits = key.replace(" ", "")
        if digits.isdigit() and len(digits) <= 4:
            digits = digits.zfill(4)
        return self.org_cache.get(digits if digits.isdigit() else key)


def _organisation_keys(session: Session) -> dict[str, int | None]:
    """name / org number / municipality number -> id; current organisations win over historic ones."""
    keys: dict[str, int | None] = {}
    rows = session.execute(select(Organisation.id, Organisation.name, Organisation.org_number,
                                  Organisation.municipality_number, Organisation.valid_to)
                           .order_by(Organisation.valid_to.is_(None), Organisation.id))
    for org_id, name, org_number, municipality_number, _valid_to in rows:  # historic first, current overwrite
        keys[name.strip().lower()] = org_id
        if org_number:
            keys[org_number] = org_id
        if municipality_number:
            keys[municipality_number] = org_id
    return keys


IMPORTED_FIELDS = ("subject", "status", "priority", "source", "ticket_type", "group_name", "agent", "opened_at",
                   "resolved_at", "closed_at", "updated_at", "requester_organisation", "tags")


def import_tickets(session: Session, actor: Actor, content: bytes | str, dry_run: bool = False) -> dict[str, int]:
    """Upsert tickets by ticket id. Every row is checked first; one bad row and nothing is written."""
    actor.require("support.write")
    columns, records = read_freshdesk_csv(content)
    if not records:
        raise BackofficeError(t("sup.import.no_rows"))
    parsed: list[TicketRow] = []
    errors: list[RowError] = []
    seen: dict[int, int] = {}
    for line, record in records:
        row, row_errors = _parse_row(line, record, columns)
        errors.extend(row_errors)
        if row is None:
            continue
        if row.ticket_number in seen:
            errors.append(RowError(line, _field_label("ticket_number"),
                                   t("sup.import.duplicate", number=row.ticket_number, first=seen[row.ticket_number])))
            continue
        seen[row.ticket_number] = line
        parsed.append(row)
    if errors:
        raise ValidationFailed(errors)

    linker = Linker.load(session)
    existing: dict[int, SupportTicket] = {}
    numbers = [row.ticket_number for row in parsed]
    for start in range(0, len(numbers), 900):
        chunk = numbers[start:start + 900]
        for ticket in session.scalars(select(SupportTicket).where(SupportTicket.ticket_number.in_(chunk))):
            existing[ticket.ticket_number] = ticket
    counts = {"rows": len(parsed), "inserted": 0, "updated": 0, "unchanged": 0, "without_service": 0,
              "without_organisation": 0}
    now = utcnow()
    inserts: list[dict] = []
    updates: list[dict] = []
    for row in parsed:
        values = {name: getattr(row, name) for name in IMPORTED_FIELDS}
        service_id = linker.service_for(row.tags, row.group_name)
        org_id = linker.organisation_for(session, row.requester_organisation)
        ticket = existing.get(row.ticket_number)
        if ticket is None:
            inserts.append({**values, "ticket_number": row.ticket_number, "service_id": service_id,
                            "organisation_id": org_id, "security_incident": False, "security_note": "",
                            "security_outcome": "", "imported_at": now, "version": 1})
            counts["inserted"] += 1
        else:
            # a link found now wins; a link made by hand is kept when the export gives none
            service_id = service_id if service_id is not None else ticket.service_id
            org_id = org_id if org_id is not None else ticket.organisation_id
            changed = (any(getattr(ticket, name) != value for name, value in values.items())
                       or service_id != ticket.service_id or org_id != ticket.organisation_id)
            if changed:
                updates.append({**{f"b_{k}": v for k, v in values.items()}, "b_service_id": service_id,
                                "b_organisation_id": org_id, "b_imported_at": now, "b_id": ticket.id,
                                "b_old_version": ticket.version, "b_version": ticket.version + 1})
            counts["updated" if changed else "unchanged"] += 1
        if service_id is None:
            counts["without_service"] += 1
        if org_id is None:
            counts["without_organisation"] += 1
    if dry_run:
        return counts
    _write_batch(session, inserts, updates, list(existing.values()))
    audit.record_batch(session, SupportTicket.__tablename__, "import",
                       {k: counts[k] for k in ("rows", "inserted", "updated", "unchanged")})
    return counts


def _write_batch(session: Session, inserts: list[dict], updates: list[dict], loaded: list[SupportTicket]) -> None:
    """Bulk SQL for the import (the audit log gets one summary entry for it, not one per row)."""
    table = SupportTicket.__table__
    if inserts:
        session.execute(insert(table), inserts)
    if updates:
        columns = (*IMPORTED_FIELDS, "service_id", "organisation_id", "imported_at", "version")
        statement = (update(table)
                     .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_old_version"))
                     .values({name: bindparam(f"b_{name}", type_=table.c[name].type) for name in columns}))
        result = session.execute(statement, updates)
        if result.rowcount is not None and 0 <= result.rowcount < len(updates):
            raise ConflictError(t("error.stale_generic"))
    for ticket in loaded:
        session.expire(ticket)


# --- editing one ticket --------------------------------------------------------------------------


def get_ticket(session: Session, ticket_id: int) -> SupportTicket:
    ticket = session.get(SupportTicket, ticket_id)
    if ticket is None:
        raise NotFound(t("sup.not_found", id=ticket_id))
    return ticket


def find_ticket(session: Session, ticket_number: int) -> SupportTicket:
    ticket = session.scalar(select(SupportTicket).where(SupportTicket.ticket_number == ticket_number))
    if ticket is None:
        raise NotFound(t("sup.number_not_found", number=ticket_number))
    return ticket


class TicketLinkIn(BaseModel):
    service_code: str | None = None
    organisation_id: int | None = None


def link_ticket(session: Session, actor: Actor, ticket_id: int, payload, expected_version: int | None = None):
    """Set (or clear) a ticket's service and organisation by hand."""
    actor.require("support.write")
    data = validate(TicketLinkIn, payload)
    ticket = get_ticket(session, ticket_id)
    ensure_version(ticket, expected_version, ticket.reference)
    service_id = None
    if data.service_code:
        service = session.scalar(select(Service).where(Service.code == data.service_code))
        if service is None:
            raise NotFound(t("sup.unknown_service", code=data.service_code))
        service_id = service.id
    if data.organisation_id is not None and session.get(Organisation, data.organisation_id) is None:
        raise NotFound(t("sup.unknown_organisation", id=data.organisation_id))
    ticket.service_id = service_id
    ticket.organisation_id = data.organisation_id
    session.flush()
    return ticket


class SecurityMarkIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    note: str = Field(min_length=3, max_length=4000)


def _require_support_or_security(actor: Actor) -> None:
    if not (actor.can("support.write") or actor.can("risk.write")):
        actor.require("support.write")


def mark_security_incident(session: Session, actor: Actor, ticket_id: int, payload,
                           expected_version: int | None = None) -> SupportTicket:
    """Put a ticket on the security lead's list. Use `admin.changeboard.changes.mark_ticket_security_incident`
    from pages and the CLI: it also marks the service's ROS as due for review."""
    _require_support_or_security(actor)
    data = validate(SecurityMarkIn, payload)
    ticket = get_ticket(session, ticket_id)
    ensure_version(ticket, expected_version, ticket.reference)
    if ticket.security_incident:
        raise BackofficeError(t("sup.already_incident", ticket=ticket.reference))
    ticket.security_incident = True
    ticket.security_note = data.note
    ticket.security_marked_by = actor.username
    ticket.security_marked_at = utcnow()
    ticket.security_closed_at = None
    ticket.security_closed_by = None
    session.flush()
    return ticket


def close_security_followup(session: Session, actor: Actor, ticket_id: int, payload,
                            expected_version: int | None = None) -> SupportTicket:
    """The security lead records how the incident was followed up; it leaves the open list."""
    actor.require("risk.write")
    data = validate(SecurityMarkIn, payload)
    ticket = get_ticket(session, ticket_id)
    ensure_version(ticket, expected_version, ticket.reference)
    if not ticket.security_incident:
        raise BackofficeError(t("sup.not_incident", ticket=ticket.reference))
    if ticket.security_closed_at is not None:
        raise BackofficeError(t("sup.incident_already_closed", ticket=ticket.reference))
    ticket.security_outcome = data.note
    ticket.security_closed_by = actor.username
    ticket.security_closed_at = utcnow()
    session.flush()
    return ticket


# --- mappings ------------------------------------------------------------------------------------


class MappingIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    kind: MappingKind
    value: str = Field(min_length=1, max_length=200)
    service_code: str | None = None
    organisation_id: int | None = None

    @field_validator("value")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


def save_mapping(session: Session, actor: Actor, payload) -> SupportMapping:
    actor.require("support.write")
    data = validate(MappingIn, payload)
    service_id = org_id = None
    if data.kind == MappingKind.ORGANISATION:
        if data.organisation_id is None or session.get(Organisation, data.organisation_id) is None:
            raise BackofficeError(t("sup.mapping_needs_organisation"))
        org_id = data.organisation_id
    else:
        service = session.scalar(select(Service).where(Service.code == (data.service_code or "")))
        if service is None:
            raise BackofficeError(t("sup.mapping_needs_service"))
        service_id = service.id
    mapping = session.scalar(select(SupportMapping).where(SupportMapping.kind == data.kind.value,
                                                          SupportMapping.value == data.value))
    if mapping is None:
        mapping = SupportMapping(kind=data.kind.value, value=data.value)
        session.add(mapping)
    mapping.service_id, mapping.organisation_id = service_id, org_id
    session.flush()
    return mapping


def delete_mapping(session: Session, actor: Actor, mapping_id: int) -> None:
    actor.require("support.write")
    mapping = session.get(SupportMapping, mapping_id)
    if mapping is None:
        raise NotFound(t("sup.mapping_not_found", id=mapping_id))
    session.delete(mapping)
    session.flush()


def mapping_rows(session: Session) -> list[dict]:
    query = (select(SupportMapping.id, SupportMapping.kind, SupportMapping.value, Service.code.label("service"),
                    Organisation.name.label("organisation"))
             .outerjoin(Service, Service.id == SupportMapping.service_id)
             .outerjoin(Organisation, Organisation.id == SupportMapping.organisation_id)
             .order_by(SupportMapping.kind, SupportMapping.value))
    return [dict(r._mapping) for r in session.execute(query)]


def relink_all(session: Session, actor: Actor) -> dict[str, int]:
    """After new mappings: link the tickets that have no service or organisation yet."""
    actor.require("support.write")
    linker = Linker.load(session)
    counts = {"services": 0, "organisations": 0}
    query = select(SupportTicket).where(or_(SupportTicket.service_id.is_(None),
                                            SupportTicket.organisation_id.is_(None)))
    for ticket in session.scalars(query):
        if ticket.service_id is None:
            found = linker.service_for(ticket.tags, ticket.group_name)
            if found is not None:
                ticket.service_id = found
                counts["services"] += 1
        if ticket.organisation_id is None:
            found = linker.organisation_for(session, ticket.requester_organisation)
            if found is not None:
                ticket.organisation_id = found
                counts["organisations"] += 1
    session.flush()
    return counts


# --- reads (SQL aggregates) ------------------------------------------------------------------------


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def month_of(session: Session, column):
    """'YYYY-MM' of a UTC timestamp column, on SQLite and PostgreSQL."""
    if _dialect(session) == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def hours_between(session: Session, start, end):
    if _dialect(session) == "postgresql":
        return func.extract("epoch", end - start) / 3600.0
    return (func.julianday(end) - func.julianday(start)) * 24.0


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=OSLO).astimezone(UTC)


def ticket_rows(session: Session, service_codes: tuple[str, ...] = (), statuses: tuple[str, ...] = (),
                search: str = "", start: date | None = None, end: date | None = None,
                security_only: bool = False, limit: int = 2000) -> list[dict]:
    query = (
        select(SupportTicket.id, SupportTicket.ticket_number, SupportTicket.subject, SupportTicket.status,
               SupportTicket.priority, SupportTicket.source, SupportTicket.ticket_type, SupportTicket.group_name,
               SupportTicket.agent, SupportTicket.opened_at, SupportTicket.resolved_at, SupportTicket.closed_at,
               SupportTicket.requester_organisation, SupportTicket.tags, Service.code.label("service"),
               Organisation.name.label("organisation"), SupportTicket.organisation_id,
               SupportTicket.security_incident, SupportTicket.security_note, SupportTicket.security_marked_by,
               SupportTicket.security_marked_at, SupportTicket.security_closed_at, SupportTicket.security_outcome,
               SupportTicket.version)
        .outerjoin(Service, Service.id == SupportTicket.service_id)
        .outerjoin(Organisation, Organisation.id == SupportTicket.organisation_id)
        .order_by(SupportTicket.opened_at.desc())
        .limit(limit)
    )
    if service_codes:
        query = query.where(Service.code.in_(service_codes))
    if statuses:
        query = query.where(SupportTicket.status.in_(statuses))
    if start:
        query = query.where(SupportTicket.opened_at >= _start_of(start))
    if end:
        query = query.where(SupportTicket.opened_at < _start_of(end + timedelta(days=1)))
    if security_only:
        query = query.where(SupportTicket.security_incident.is_(True))
    if search.strip():
        term = search.strip()
        conditions = [contains_folded(SupportTicket.subject, term), contains_folded(SupportTicket.tags, term),
                      contains_folded(SupportTicket.requester_organisation, term)]
        if search.strip().lstrip("#").isdigit():
            conditions.append(SupportTicket.ticket_number == int(search.strip().lstrip("#")))
        query = query.where(or_(*conditions))
    return [dict(r._mapping) for r in session.execute(query)]


def monthly_volume(session: Session, start: date, end: date, service_codes: tuple[str, ...] = ()) -> list[dict]:
    """Tickets opened per service and month in [start, end]: [{month, service, tickets}]."""
    month = month_of(session, SupportTicket.opened_at).label("month")
    service = func.coalesce(Service.code, literal("-")).label("service")
    query = (select(month, service, func.count().label("tickets"))
             .select_from(SupportTicket)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.opened_at >= _start_of(start), SupportTicket.opened_at < _start_of(end + timedelta(days=1)))
             .group_by(month, service).order_by(month, service))
    if service_codes:
        query = query.where(Service.code.in_(service_codes))
    return [dict(r._mapping) for r in session.execute(query)]


def backlog(session: Session, today: date | None = None) -> list[dict]:
    """Open tickets per service and priority, with the age of the oldest in days."""
    now = _start_of(today) if today else utcnow()
    service = func.coalesce(Service.code, literal("-")).label("service")
    query = (select(service, SupportTicket.priority, func.count().label("tickets"),
                    func.min(SupportTicket.opened_at).label("oldest"))
             .select_from(SupportTicket)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.status.in_(OPEN_STATUSES))
             .group_by(service, SupportTicket.priority))
    rows = [dict(r._mapping) for r in session.execute(query)]
    for row in rows:
        oldest = row["oldest"]
        if isinstance(oldest, str):  # in case min() over SQLite text loses the type
            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        row["oldest"] = oldest
        row["oldest_days"] = max(0, (now - oldest).days) if oldest else 0
    rows.sort(key=lambda r: (-PRIORITY_RANK.get(r["priority"], 0), r["service"]))
    return rows


def resolution_times(session: Session, start: date, end: date) -> list[dict]:
    """Per service: tickets resolved in the period, average hours to resolve, share within 1 and 3 days."""
    hours = hours_between(session, SupportTicket.opened_at, SupportTicket.resolved_at)
    service = func.coalesce(Service.code, literal("-")).label("service")
    query = (select(service, func.count().label("resolved"), func.avg(hours).label("avg_hours"),
                    func.sum(case((hours <= 24, 1), else_=0)).label("within_1_day"),
                    func.sum(case((hours <= 72, 1), else_=0)).label("within_3_days"))
             .select_from(SupportTicket)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.resolved_at.is_not(None),
                    SupportTicket.resolved_at >= _start_of(start),
                    SupportTicket.resolved_at < _start_of(end + timedelta(days=1)))
             .group_by(service).order_by(service))
    rows = []
    for r in session.execute(query):
        resolved = int(r.resolved)
        rows.append({"service": r.service, "resolved": resolved,
                     "avg_hours": round(float(r.avg_hours or 0), 1),
                     "within_1_day": (int(r.within_1_day or 0) / resolved) if resolved else 0.0,
                     "within_3_days": (int(r.within_3_days or 0) / resolved) if resolved else 0.0})
    return rows


def top_organisations(session: Session, start: date, end: date, limit: int = 15,
                      service_codes: tuple[str, ...] = ()) -> list[dict]:
    name = func.coalesce(Organisation.name, func.nullif(SupportTicket.requester_organisation, ""),
                         literal("-")).label("organisation")
    query = (select(name, func.count().label("tickets"),
                    func.sum(case((SupportTicket.status.in_(OPEN_STATUSES), 1), else_=0)).label("open"))
             .select_from(SupportTicket)
             .outerjoin(Organisation, Organisation.id == SupportTicket.organisation_id)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.opened_at >= _start_of(start),
                    SupportTicket.opened_at < _start_of(end + timedelta(days=1)))
             .group_by(name).order_by(func.count().desc(), name).limit(limit))
    if service_codes:
        query = query.where(Service.code.in_(service_codes))
    return [{"organisation": r.organisation, "tickets": int(r.tickets), "open": int(r.open or 0)}
            for r in session.execute(query)]


def ticket_share(session: Session, start: date, end: date) -> dict[str, int]:
    """Tickets opened per service code in [start, end] (pricing's allocation key)."""
    return {r["service"]: r["tickets"] for r in _volume_by_service(session, start, end)}


def _volume_by_service(session: Session, start: date, end: date) -> list[dict]:
    query = (select(Service.code.label("service"), func.count().label("tickets"))
             .select_from(SupportTicket).join(Service, Service.id == SupportTicket.service_id)
             .where(SupportTicket.opened_at >= _start_of(start),
                    SupportTicket.opened_at < _start_of(end + timedelta(days=1)))
             .group_by(Service.code))
    return [{"service": r.service, "tickets": int(r.tickets)} for r in session.execute(query)]


def open_security_incidents(session: Session) -> list[dict]:
    """The security lead's list: incidents not yet followed up, oldest first."""
    query = (select(SupportTicket.id, SupportTicket.ticket_number, SupportTicket.subject, SupportTicket.status,
                    SupportTicket.priority, SupportTicket.opened_at, SupportTicket.security_note,
                    SupportTicket.security_marked_by, SupportTicket.security_marked_at,
                    Service.code.label("service"), Organisation.name.label("organisation"), SupportTicket.version)
             .outerjoin(Service, Service.id == SupportTicket.service_id)
             .outerjoin(Organisation, Organisation.id == SupportTicket.organisation_id)
             .where(SupportTicket.security_incident.is_(True), SupportTicket.security_closed_at.is_(None))
             .order_by(SupportTicket.security_marked_at, SupportTicket.ticket_number))
    return [dict(r._mapping) for r in session.execute(query)]


def service_choices(session: Session) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in session.execute(select(Service.code, Service.name).order_by(Service.name))]


def organisation_choices(session: Session) -> list[tuple[int, str]]:
    query = select(Organisation.id, Organisation.name).where(Organisation.valid_to.is_(None)).order_by(Organisation.name)
    return [(r.id, r.name) for r in session.execute(query)]


# --- overview and service sheet -----------------------------------------------------------------


def support_kpis(session: Session, _actor: Actor) -> list[Kpi]:
    today = datetime.now(OSLO).date()
    open_count = session.scalar(select(func.count()).select_from(SupportTicket)
                                .where(SupportTicket.status.in_(OPEN_STATUSES))) or 0
    last_30 = session.scalar(select(func.count()).select_from(SupportTicket)
                             .where(SupportTicket.opened_at >= _start_of(today - timedelta(days=30)))) or 0
    previous_30 = session.scalar(select(func.count()).select_from(SupportTicket)
                                 .where(SupportTicket.opened_at >= _start_of(today - timedelta(days=60)),
                                        SupportTicket.opened_at < _start_of(today - timedelta(days=30)))) or 0
    hours = hours_between(session, SupportTicket.opened_at, SupportTicket.resolved_at)
    avg_hours = session.scalar(select(func.avg(hours)).where(
        SupportTicket.resolved_at.is_not(None), SupportTicket.resolved_at >= _start_of(today - timedelta(days=90))))
    incidents = session.scalar(select(func.count()).select_from(SupportTicket).where(
        SupportTicket.security_incident.is_(True), SupportTicket.security_closed_at.is_(None))) or 0
    delta = None
    if previous_30:
        delta = number(last_30 - previous_30)
        delta = delta if last_30 < previous_30 else "+" + delta
    return [
        Kpi(t("sup.kpi.open"), number(open_count), t("sup.kpi.open_help")),
        Kpi(t("sup.kpi.last_30"), number(last_30), t("sup.kpi.last_30_help"), delta=delta),
        Kpi(t("sup.kpi.resolution"), t("sup.hours", hours=number(float(avg_hours or 0), 1)),
            t("sup.kpi.resolution_help")),
        Kpi(t("sup.kpi.incidents"), number(incidents), t("sup.kpi.incidents_help")),
    ]


def support_facts(session: Session, service_code: str) -> list[Fact]:
    today = datetime.now(OSLO).date()
    service_id = session.scalar(select(Service.id).where(Service.code == service_code))
    if service_id is None:
        return []
    base = select(func.count()).select_from(SupportTicket).where(SupportTicket.service_id == service_id)
    year = session.scalar(base.where(SupportTicket.opened_at >= _start_of(today - timedelta(days=365)))) or 0
    open_now = session.scalar(base.where(SupportTicket.status.in_(OPEN_STATUSES))) or 0
    hours = hours_between(session, SupportTicket.opened_at, SupportTicket.resolved_at)
    avg_hours = session.scalar(select(func.avg(hours)).where(
        SupportTicket.service_id == service_id, SupportTicket.resolved_at.is_not(None),
        SupportTicket.resolved_at >= _start_of(today - timedelta(days=365))))
    orgs = session.scalar(select(func.count(func.distinct(SupportTicket.organisation_id))).where(
        SupportTicket.service_id == service_id, SupportTicket.opened_at >= _start_of(today - timedelta(days=365))))
    return [
        Fact(t("sup.fact.tickets_year"), number(year)),
        Fact(t("sup.fact.open"), number(open_now)),
        Fact(t("sup.fact.resolution"), t("sup.hours", hours=number(float(avg_hours or 0), 1))),
        Fact(t("sup.fact.organisations"), number(orgs or 0)),
    ]


# --- demo data -------------------------------------------------------------------------------------

DEMO_TOPICS = {
    "svarut": ["Brev ikke levert til mottaker", "Feil i utskrift av brev", "Sertifikat for SvarUt utløper",
               "Mottakersystem svarer ikke", "Forsendelse står som ikke lest", "Spørsmål om pris per brev"],
    "digisos": ["Søknad henger i status sendt", "Vedlegg mangler i søknad", "Innbygger får ikke logget inn",
                "Feil i utbetalingsdato", "Spørsmål om kobling mot fagsystem"],
    "minside": ["Innbygger ser ikke sine saker", "Treg lasting av MinSide", "Feil språk i varsel",
                "Spørsmål om oppsett av innsyn"],
    "fiks-io": ["Meldinger ligger i kø", "Feil ved oppsett av konto", "Utløpt virksomhetssertifikat",
                "Spørsmål om meldingsprotokoll"],
    "fiks-arkiv": ["Arkivmelding avvist", "Feil i journalpost", "Spørsmål om versjon av arkivstandard"],
    "bekymringsmelding": ["Melding ikke mottatt av barnevernet", "Feil i kontaktinformasjon for kommunen"],
}
DEMO_SECURITY_SUBJECTS = [
    ("svarut", "Brev sendt til feil mottaker (mulig personvernbrudd)"),
    ("fiks-io", "Mistenkelig pålogging på Fiks IO-konto"),
    ("digisos", "Søknadsvedlegg synlig for feil saksbehandler"),
]


def demo_freshdesk_csv(rng: random.Random, organisations: list[str], today: date, count: int = 900,
                       first_number: int = 40001) -> str:
    """A Freshdesk export with `count` tickets over the last 12 months (deterministic for a seed)."""
    services = list(DEMO_TOPICS)
    weights = [40, 20, 15, 12, 8, 5]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Ticket ID", "Subject", "Status", "Priority", "Source", "Type", "Group", "Agent",
                     "Created time", "Resolved time", "Closed time", "Last update time", "Company", "Tags"])
    agents = ["Sunniva Støtte", "Kari Nordmann", "Ola Hansen", "Mona Berg"]
    start = datetime.combine(today - timedelta(days=365), time(8, 0))
    for index in range(count):
        service = rng.choices(services, weights)[0]
        opened = start + timedelta(days=rng.uniform(0, 364), hours=rng.uniform(0, 9))
        opened = opened.replace(microsecond=0)
        age_days = (datetime.combine(today, time(8, 0)) - opened).days
        priority = rng.choices(["Low", "Medium", "High", "Urgent"], [30, 50, 15, 5])[0]
        resolved = closed = None
        if age_days > 20 or rng.random() < 0.7:
            resolved = opened + timedelta(hours=rng.choice([1, 3, 6, 20, 30, 50, 90, 200]) * rng.uniform(0.5, 1.5))
            resolved = resolved.replace(microsecond=0)
            if resolved.date() >= today:
                resolved = None
        if resolved is not None:
            status = "Closed" if rng.random() < 0.8 and (today - resolved.date()).days > 3 else "Resolved"
            closed = resolved + timedelta(days=3) if status == "Closed" else None
        else:
            status = rng.choice(["Open", "Open", "Pending", "Waiting on Customer"])
        updated = closed or resolved or opened + timedelta(hours=2)
        org = rng.choice(organisations)
        tags = [service]
        if rng.random() < 0.2:
            tags.append(rng.choice(["integrasjon", "pålogging", "faktura", "opplæring"]))
        fmt = "%Y-%m-%d %H:%M:%S"
        writer.writerow([first_number + index, rng.choice(DEMO_TOPICS[service]), status, priority,
                         rng.choice(["Email", "Email", "Portal", "Phone"]),
                         rng.choice(["Question", "Incident", "Problem", "Feature Request"]),
                         "Brukerstøtte plattform", rng.choice(agents), opened.strftime(fmt),
                         resolved.strftime(fmt) if resolved else "", closed.strftime(fmt) if closed else "",
                         min(updated, datetime.combine(today, time(7, 0))).strftime(fmt), org, ",".join(tags)])
    return out.getvalue()


def load_demo(session: Session, actor: Actor, rng: random.Random) -> None:
    """Twelve months of tickets for six services and some 60 organisations; three security incidents."""
    if session.scalar(select(func.count()).select_from(SupportTicket)):
        return
    today = datetime.now(OSLO).date()
    orgs = list(session.scalars(select(Organisation.name).where(Organisation.valid_to.is_(None))
                                .order_by(Organisation.name)))
    chosen = rng.sample(orgs, min(60, len(orgs)))
    save_mapping(session, actor, {"kind": "service_tag", "value": "fiks arkiv", "service_code": "fiks-arkiv"})
    import_tickets(session, actor, demo_freshdesk_csv(rng, chosen, today))
    number = 49001
    for index, (code, subject) in enumerate(DEMO_SECURITY_SUBJECTS):
        opened = datetime.combine(today - timedelta(days=5 + 9 * index), time(9, 30), tzinfo=OSLO).astimezone(UTC)
        service_id = session.scalar(select(Service.id).where(Service.code == code))
        ticket = SupportTicket(ticket_number=number + index, subject=subject, status="open", priority="urgent",
                               source="phone", ticket_type="Incident", group_name="Brukerstøtte plattform",
                               agent="Sunniva Støtte", opened_at=opened, updated_at=opened,
                               requester_organisation=chosen[index], tags=code, service_id=service_id,
                               organisation_id=Linker.load(session).organisation_for(session, chosen[index]),
                               security_incident=True, security_note=t("sup.demo.security_note"),
                               security_marked_by="support", security_marked_at=opened + timedelta(hours=1),
                               security_outcome="", imported_at=opened)
        if index == 2:  # followed up already
            ticket.status = "closed"
            ticket.resolved_at = ticket.closed_at = opened + timedelta(days=2)
            ticket.security_closed_by = "sikkerhet"
            ticket.security_closed_at = opened + timedelta(days=3)
            ticket.security_outcome = t("sup.demo.security_outcome")
        session.add(ticket)
    session.flush()
