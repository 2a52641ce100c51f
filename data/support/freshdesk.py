"""The Freshdesk export: read it (English or Norwegian headers, comma or semicolon), check every row,
link each ticket to its service and organisation, and upsert all tickets or none."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from data import audit, textguard
from data.access import Actor
from data.db import utcnow
from data.errors import BackofficeError, ConflictError, RowError, ValidationFailed, errors_from_pydantic
from data.excel import csv_rows, decode_text
from data.formatting import OSLO
from data.i18n import t
from data.registers.models import Organisation, Service
from data.support.models import MappingKind, SupportMapping, SupportTicket, TicketPriority, TicketStatus

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
MAX_TICKET_NUMBER = 2**63 - 1   # SupportTicket.ticket_number is a BigInteger

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
                raise ValueError(t("sup.import.bad_time", value=text[:40])) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=OSLO)
    try:
        return parsed.astimezone(UTC)
    except OverflowError as exc:   # year 1 or 9999 moved across midnight by the time zone
        raise ValueError(t("sup.import.bad_time", value=str(value)[:40])) from exc


def read_freshdesk_csv(content: bytes | str) -> tuple[dict[str, str], list[tuple[int, dict]]]:
    """({our field: header in the file}, [(line number, {header: value})]); comma or semicolon."""
    text = decode_text(content, "sup.import.not_text")
    if not text.strip():
        raise BackofficeError(t("sup.import.empty"))
    first_line = text.splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv_rows(text, delimiter)   # CR line ends, long fields, damage: plain errors
    headers = [h.strip() for h in next(reader, [])]
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
    elif not (number_text.isascii() and number_text.isdigit()) or not 0 < int(number_text) <= MAX_TICKET_NUMBER:
        errors.append(RowError(line, _field_label("ticket_number"), t("sup.import.bad_number",
                                                                      value=number_text[:40])))
    else:
        values["ticket_number"] = int(number_text)
    if not str(raw.get("subject", "")).strip():
        errors.append(RowError(line, _field_label("subject"), t("sup.import.required")))

    status_text = str(raw.get("status", "")).strip()
    status = STATUS_WORDS.get(status_text.lower())
    if status is None:
        errors.append(RowError(line, _field_label("status"), t("sup.import.bad_status", value=status_text[:40] or "-",
                                                               allowed="Open, Pending, Waiting on Customer, "
                                                                       "Resolved, Closed")))
    values["status"] = status
    priority_text = str(raw.get("priority", "")).strip()
    priority = PRIORITY_WORDS.get(priority_text.lower())
    if priority is None:
        errors.append(RowError(line, _field_label("priority"),
                               t("sup.import.bad_priority", value=priority_text[:40] or "-",
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
    except ValidationError as exc:
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
    textguard.refuse_rows(records, columns=columns.values())
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
