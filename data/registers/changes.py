"""Municipality mergers and splits: SSB's classification changes (KLASS), successor links and the merger plan.

The import reads KLASS's change records for the municipalities (classification 131, 4-digit codes) or
the counties (104, 2-digit codes) as CSV, the columns of KLASS's `changes` resource:
`oldCode;oldName;oldShortName;newCode;newName;newShortName;changeOccurred` (semicolon or comma,
dates `2024-01-01` or `01.01.2024`). All or nothing: every bad row is reported by row and column.

For each change date, a record whose old and new code are equal is a change of name (left to the SSB
import of names). The others link the organisation that held the old code the day before to the one that
holds the new code on the day (created from the record's name when the register has none): a code with
several new codes is split, a code that several old codes lead to is merged. A one-to-one change to a code
the register does not hold is a renumbering: the organisation keeps its rows and gets the new number.
Records about codes the register never held are skipped (a KLASS file goes back decades). The predecessor's
validity ends the day before; its history (population per year, usage before the date, invoices) stays
with it.

The merger plan lists, per predecessor, what each room would do with its rows: the rooms that hold such
data (agreements: appendices and council seats; metering: usage; invoicing: fund shares) register a
*merger participant* at bootstrap (`register_merger_participant`), a function
`participant(session, succession, apply) -> list[PlanItem]` that describes (apply=False) or does
(apply=True) its part. Who may do what: importing the change file is the register's (admin,
`registers.write`); applying the plan is the product owner's (`agreements.write` for every service whose
appendices or council seats it touches), so that what the administrator prepared is reviewed and applied
by another person. Applying is one transaction, recorded in the audit log, and each link keeps what moved.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from data import textguard
from data.access import Actor
from data.db import utcnow
from data.errors import BackofficeError, RowError, ValidationFailed
from data.excel import csv_records, decode_text
from data.formatting import day as format_day
from data.i18n import t
from data.registers.models import (
    County,
    Organisation,
    OrganisationKind,
    OrganisationSuccession,
    SuccessionKind,
)
from data.registers.registry import NAME_LENGTH, parse_norwegian_date

COLUMNS = ("oldCode", "oldName", "newCode", "newName", "changeOccurred")
CHANGING = ("moves", "ends")   # plan items that change a service's rows (the others name or flag)


@dataclass(frozen=True)
class ChangeRow:
    row: int
    old_code: str
    old_name: str
    new_code: str
    new_name: str
    change_date: date

    @property
    def kind(self) -> str:
        return OrganisationKind.MUNICIPALITY.value if len(self.old_code) == 4 else \
            OrganisationKind.COUNTY_MUNICIPALITY.value


@dataclass
class PlanItem:
    room: str          # registers | agreements | metering | invoicing
    action: str        # moves | ends | follows | stays | flagged
    text: str          # what happens, in plain language
    service: str | None = None   # the service whose rows it touches (the product owner who may apply it)


@dataclass
class Succession:
    """One predecessor and its successors on a date: what a merger participant is asked about."""

    predecessor: Organisation
    successors: list[Organisation]
    change_date: date
    kind: str
    links: list[OrganisationSuccession]
    shared: dict = field(default_factory=dict)   # the same dict for every succession of one plan

    @property
    def last_day(self) -> date:
        return self.change_date - timedelta(days=1)


MergerParticipant = Callable[[Session, Succession, bool], list[PlanItem]]
_participants: list[MergerParticipant] = []


def register_merger_participant(participant: MergerParticipant) -> None:
    """Called by data.bootstrap for each room's CHECKS entry: `participant` plans and applies its part."""
    if participant not in _participants:
        _participants.append(participant)


# --- reading the change file -----------------------------------------------------------------------------


def parse_klass_changes(content: bytes) -> list[ChangeRow]:
    """The change records of a KLASS changes CSV; ValidationFailed naming every bad row and column."""
    text = decode_text(content)
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    headers, records = csv_records(text, delimiter)
    columns = {h.strip().strip('"').lower(): h for h in headers}
    missing = [c for c in COLUMNS if c.lower() not in columns]
    if missing:
        raise ValidationFailed([RowError(1, c, t("import.missing_column", column=c)) for c in missing])
    rows, errors, seen = [], [], {}
    for index, raw in enumerate(records, start=2):
        values = {c: (raw.get(columns[c.lower()]) or "").strip() for c in COLUMNS}
        if not any(values.values()):
            continue
        refused = textguard.row_errors([(index, values)])
        if refused:
            errors += refused
            continue
        row_errors = []
        for name in ("oldCode", "newCode"):
            code = values[name]
            if not (code.isascii() and code.isdigit() and len(code) in (2, 4)):
                row_errors.append(RowError(index, name, t("chg.code_format", value=code[:20])))
        if not row_errors and len(values["oldCode"]) != len(values["newCode"]):
            row_errors.append(RowError(index, "newCode", t("chg.code_lengths")))
        for name in ("oldName", "newName"):
            if not values[name]:
                row_errors.append(RowError(index, name, t("import.required")))
            elif len(values[name]) > NAME_LENGTH:
                row_errors.append(RowError(index, name, t("import.too_long", length=NAME_LENGTH)))
        change_date = None
        if not values["changeOccurred"]:
            row_errors.append(RowError(index, "changeOccurred", t("import.required")))
        else:
            try:
                change_date = parse_norwegian_date(values["changeOccurred"])
            except (ValueError, OverflowError):
                row_errors.append(RowError(index, "changeOccurred",
                                           t("import.bad_date", value=values["changeOccurred"][:40])))
        if row_errors:
            errors += row_errors
            continue
        key = (values["oldCode"], values["newCode"], change_date)
        if key in seen:
            errors.append(RowError(index, "oldCode", t("import.duplicate_row", other=seen[key])))
            continue
        seen[key] = index
        rows.append(ChangeRow(index, values["oldCode"], values["oldName"], values["newCode"], values["newName"],
                              change_date))
    if errors:
        raise ValidationFailed(errors)
    if not rows:
        raise ValidationFailed([RowError(None, None, t("import.empty"))])
    return rows


# --- importing the links -----------------------------------------------------------------------------------


@dataclass
class ChangesReport:
    rows: int = 0
    renames: int = 0             # old code = new code: a change of name, not handled here
    not_in_register: int = 0     # records about codes the register never held
    links: int = 0               # successor links made
    already_linked: int = 0
    renumbered: list[str] = field(default_factory=list)   # "Name: 3001 → 3101"
    created: list[str] = field(default_factory=list)      # successors added to the register


def _code_column(kind: str):
    return Organisation.municipality_number if kind == OrganisationKind.MUNICIPALITY.value \
        else Organisation.county_number


def _holder(session: Session, kind: str, code: str, on: date) -> Organisation | None:
    """The organisation of `kind` that holds `code` on the day `on`."""
    column = _code_column(kind)
    candidates = session.scalars(select(Organisation).where(column == code, Organisation.kind == kind)
                                 .order_by(Organisation.id))
    return next((o for o in candidates if o.is_valid_on(on)), None)


def _create_successor(session: Session, row: ChangeRow) -> Organisation:
    county_number = row.new_code[:2]
    if session.get(County, county_number) is None:
        if row.kind == OrganisationKind.MUNICIPALITY.value:
            county_number = None
        else:
            session.add(County(number=county_number, name=row.new_name))
            session.flush()
    org = Organisation(name=row.new_name, kind=row.kind, county_number=county_number, valid_from=row.change_date,
                       municipality_number=row.new_code if row.kind == OrganisationKind.MUNICIPALITY.value else None)
    session.add(org)
    session.flush()
    return org


def import_changes(session: Session, actor: Actor, content: bytes) -> ChangesReport:
    """Read a KLASS changes file and link predecessors to successors (all or nothing). The merger plan
    (`merger_plan`) then shows what applying would move."""
    actor.require("registers.write")
    rows = parse_klass_changes(content)
    report = ChangesReport(rows=len(rows))
    successors_of: dict[tuple, set[str]] = defaultdict(set)
    predecessors_of: dict[tuple, set[str]] = defaultdict(set)
    for row in rows:
        if row.old_code != row.new_code:
            successors_of[(row.change_date, row.kind, row.old_code)].add(row.new_code)
            predecessors_of[(row.change_date, row.kind, row.new_code)].add(row.old_code)
    for row in sorted(rows, key=lambda r: (r.change_date, r.row)):
        if row.old_code == row.new_code:
            report.renames += 1
            continue
        last_day = row.change_date - timedelta(days=1)
        predecessor = _holder(session, row.kind, row.old_code, last_day)
        if predecessor is None:
            report.not_in_register += 1
            continue
        successor = _holder(session, row.kind, row.new_code, row.change_date)
        one_to_one = (len(successors_of[(row.change_date, row.kind, row.old_code)]) == 1
                      and len(predecessors_of[(row.change_date, row.kind, row.new_code)]) == 1)
        if successor is None and one_to_one:
            _renumber(session, predecessor, row)
            report.renumbered.append(f"{predecessor.name}: {row.old_code} → {row.new_code}")
            continue
        if successor is None:
            successor = _create_successor(session, row)
            report.created.append(f"{successor.name} ({row.new_code})")
        if successor.id == predecessor.id:
            report.renames += 1
            continue
        exists = session.scalar(select(OrganisationSuccession).where(
            OrganisationSuccession.predecessor_id == predecessor.id,
            OrganisationSuccession.successor_id == successor.id))
        if exists is not None:
            report.already_linked += 1
            continue
        split = len(successors_of[(row.change_date, row.kind, row.old_code)]) > 1
        session.add(OrganisationSuccession(
            predecessor_id=predecessor.id, successor_id=successor.id, change_date=row.change_date,
            kind=(SuccessionKind.SPLIT if split else SuccessionKind.MERGER).value, old_code=row.old_code,
            new_code=row.new_code, imported_by=actor.username, moved=""))
        if predecessor.valid_to is None or predecessor.valid_to > last_day:
            predecessor.valid_to = last_day
        report.links += 1
        session.flush()
    return report


def _renumber(session: Session, org: Organisation, row: ChangeRow) -> None:
    """A one-to-one change of code: the same organisation, a new number (and county, when the register
    knows the new county)."""
    county = row.new_code[:2]
    if row.kind == OrganisationKind.MUNICIPALITY.value:
        org.municipality_number = row.new_code
    elif session.get(County, county) is None:
        session.add(County(number=county, name=row.new_name))
        session.flush()
    if session.get(County, county) is not None:
        org.county_number = county


# --- the plan ------------------------------------------------------------------------------------------------


def successions(session: Session, pending_only: bool = True, change_date: date | None = None) -> list[Succession]:
    """The links grouped per predecessor and date (pending ones only unless `pending_only` is False)."""
    query = select(OrganisationSuccession).order_by(OrganisationSuccession.change_date, OrganisationSuccession.id)
    if pending_only:
        query = query.where(OrganisationSuccession.applied_at.is_(None))
    if change_date is not None:
        query = query.where(OrganisationSuccession.change_date == change_date)
    groups: dict[tuple[int, date], list[OrganisationSuccession]] = {}
    for link in session.scalars(query):
        groups.setdefault((link.predecessor_id, link.change_date), []).append(link)
    shared: dict = {}
    out = []
    for (_predecessor_id, when), links in groups.items():
        successors = sorted((link.successor for link in links), key=lambda o: (o.name, o.id))
        kind = SuccessionKind.SPLIT.value if len(successors) > 1 else SuccessionKind.MERGER.value
        out.append(Succession(links[0].predecessor, successors, when, kind, links, shared))
    out.sort(key=lambda s: (s.change_date, s.successors[0].name, s.predecessor.name))
    return out


def _own_items(succession: Succession) -> list[PlanItem]:
    names = ", ".join(o.name for o in succession.successors)
    return [PlanItem("registers", "stays", t("chg.item.history", name=succession.predecessor.name,
                                               successors=names, last_day=format_day(succession.last_day)))]


def plan_items(session: Session, succession: Succession, apply: bool = False) -> list[PlanItem]:
    items = _own_items(succession)
    for participant in _participants:
        items += participant(session, succession, apply)
    return items


def merger_plan(session: Session, change_date: date | None = None) -> list[dict]:
    """What applying the pending links would do: per predecessor, its successors and every room's items."""
    plan = []
    for succession in successions(session, True, change_date):
        plan.append({"predecessor": succession.predecessor.name, "predecessor_id": succession.predecessor.id,
                     "successors": [o.name for o in succession.successors], "change_date": succession.change_date,
                     "kind": succession.kind, "items": plan_items(session, succession, apply=False)})
    return plan


def plan_rows(plan: list[dict]) -> list[dict]:
    """The plan as table rows (one per item), for pages, the CLI and tests."""
    return [{"change_date": group["change_date"], "predecessor": group["predecessor"],
             "successors": ", ".join(group["successors"]), "kind": t(f"chg.kind.{group['kind']}"),
             "room": t(f"chg.room.{item.room}"), "action": t(f"chg.action.{item.action}"), "service": item.service,
             "text": item.text}
            for group in plan for item in group["items"]]


def apply_plan(session: Session, actor: Actor, change_date: date | None = None) -> list[dict]:
    """Apply the pending merger plan (all of it, or one date's) in this transaction: every participant moves
    or ends its rows, each link records what moved. Needs `agreements.write` for every service touched."""
    actor.require("agreements.write")
    pending = successions(session, True, change_date)
    if not pending:
        raise BackofficeError(t("chg.nothing_pending"))
    services = sorted({item.service for s in pending for item in plan_items(session, s)
                       if item.service and item.action in CHANGING})
    actor.require_services("agreements.write", services)
    applied = []
    now = utcnow()
    shared: dict = {}
    for succession in pending:
        succession.shared = shared
        items = plan_items(session, succession, apply=True)
        moved = json.dumps([{"room": i.room, "action": i.action, "text": i.text, "service": i.service}
                            for i in items], ensure_ascii=False)
        for link in succession.links:
            link.applied_at, link.applied_by, link.moved = now, actor.username, moved
        applied.append({"predecessor": succession.predecessor.name, "successors": [o.name for o in succession.successors],
                        "change_date": succession.change_date, "kind": succession.kind, "items": items})
    session.flush()
    return applied


def import_and_plan(session: Session, actor: Actor, content: bytes, apply: bool = False) -> tuple[ChangesReport,
                                                                                                   list[dict]]:
    """The CLI's `orgs changes import FILE [--apply]`: import the links, then the plan, or apply it."""
    report = import_changes(session, actor, content)
    if apply:
        return report, apply_plan(session, actor) if successions(session) else []
    return report, merger_plan(session)


# --- reads for the organisation's page --------------------------------------------------------------------


def linked_organisations(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every organisation with a predecessor or a successor, by name."""
    ids = set(session.scalars(select(OrganisationSuccession.predecessor_id))) | set(
        session.scalars(select(OrganisationSuccession.successor_id)))
    if not ids:
        return []
    return [(o.id, o.name) for o in session.scalars(select(Organisation).where(Organisation.id.in_(ids))
                                                     .order_by(Organisation.name, Organisation.id))]


def moved_items(link: OrganisationSuccession) -> list[dict]:
    """What moved when the link's plan was applied ({room, action, text, service}), empty while pending."""
    return json.loads(link.moved) if link.moved else []


def organisation_history(session: Session, organisation_id: int) -> list[dict]:
    """The organisation's predecessors and successors, with the date, status and what moved."""
    query = (select(OrganisationSuccession)
             .where(or_(OrganisationSuccession.predecessor_id == organisation_id,
                        OrganisationSuccession.successor_id == organisation_id))
             .order_by(OrganisationSuccession.change_date, OrganisationSuccession.id))
    rows = []
    for link in session.scalars(query):
        is_predecessor = link.successor_id == organisation_id
        other = link.predecessor if is_predecessor else link.successor
        moved = moved_items(link)
        rows.append({"relation": t("chg.relation.predecessor" if is_predecessor else "chg.relation.successor"),
                     "organisation": other.name, "organisation_id": other.id, "change_date": link.change_date,
                     "kind": t(f"chg.kind.{link.kind}"),
                     "status": t("chg.status.applied" if link.applied_at else "chg.status.pending"),
                     "applied_by": link.applied_by or "",
                     "moved": "\n".join(item["text"] for item in moved)})
    return rows
