"""Import of Enhetsregisteret's bulk download (Brønnøysundregistrene, "enheter"): organisation numbers,
registered names and postal addresses of the register's municipalities and county municipalities.

Both published formats are read, gzipped or not:
- JSON (`data.brreg.no/enhetsregisteret/api/enheter/lastned`): one array of entities, each with
  `organisasjonsnummer`, `navn`, `organisasjonsform.kode`, `postadresse` and `forretningsadresse`
  (`adresse` as a list of lines, `postnummer`, `poststed`, `kommunenummer`), `slettedato` when deleted;
- CSV (`.../lastned/csv`): one row per entity with the same fields flattened to dotted column names
  (`organisasjonsform.kode`, `postadresse.adresse`, `forretningsadresse.kommunenummer`, ...).

The file has about a million entities: it is read as a stream and only the entities of forms KOMM
(municipality) and FYLK (county municipality), and any whose organisation number the register already
holds, are kept. An entity matches an organisation by organisation number; else a KOMM entity matches the
current municipality with its address's municipality number, and a FYLK entity the current county
municipality of that number's county. Only the register's own rows are touched; entities that match
nothing are counted, never added.

What changes: the organisation number, the registered name (`registered_name`: the legal entity's name as
Brønnøysund writes it, "ÅLESUND KOMMUNE"; the display name stays SSB's official one) and the postal address
(postadresse, else forretningsadresse). A dry run (`apply=False`) reports every change (organisation,
field, old → new) and writes nothing; all-or-nothing: every bad kept row is reported by row and field and
nothing is written unless all pass.
"""
from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from data import textguard
from data.access import Actor
from data.errors import BackofficeError, RowError, ValidationFailed
from data.excel import allow_long_csv_fields
from data.i18n import t
from data.locking import refusing_duplicates
from data.registers.models import Organisation, OrganisationKind
from data.registers.registry import ORG_NUMBER_ONCE, org_number_problem

FORMS = {"KOMM": OrganisationKind.MUNICIPALITY.value, "FYLK": OrganisationKind.COUNTY_MUNICIPALITY.value}
FIELDS = ("org_number", "registered_name", "postal_address", "postal_code", "postal_place")
LENGTHS = {"registered_name": 200, "postal_address": 300, "postal_code": 10, "postal_place": 100}
CHUNK = 1 << 20          # characters read at a time from the (decompressed) file
MAX_ERRORS = 1000        # a file this wrong is the wrong file: stop reading, report what was found


@dataclass
class Entity:
    row: int                       # JSON: the entity's place in the array (1 = first); CSV: the line
    org_number: str
    name: str
    form: str
    municipality_number: str
    postal_address: str
    postal_code: str
    postal_place: str


@dataclass
class BrregReport:
    read: int = 0                  # entities in the file
    kept: int = 0                  # KOMM/FYLK or a number the register knows
    matched: int = 0
    unchanged: int = 0
    changes: list[dict] = field(default_factory=list)      # {organisation_id, organisation, field, old, new}
    unmatched: list[dict] = field(default_factory=list)    # {row, org_number, name, form}
    applied: bool = False

    @property
    def changed_organisations(self) -> int:
        return len({c["organisation_id"] for c in self.changes})


# --- reading the file ---------------------------------------------------------------------------------


def _open_text(stream: BinaryIO) -> tuple[io.TextIOWrapper, str]:
    """The file's text (gunzipped when it is gzip) and its format, "json" or "csv". `stream` must be
    seekable (a file, an upload)."""
    start = stream.tell()
    gzipped = stream.read(2) == b"\x1f\x8b"
    stream.seek(start)
    raw = gzip.GzipFile(fileobj=stream) if gzipped else stream
    head = raw.read(4096)
    raw.seek(0 if gzipped else start)
    first = head.removeprefix(b"\xef\xbb\xbf").lstrip()[:1]
    if not first:
        raise BackofficeError(t("import.empty"))
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""), "json" if first == b"[" else "csv"


def _json_entities(text: io.TextIOBase) -> Iterator[tuple[int, dict]]:
    """The objects of a JSON array read from `text` one by one, never the whole array at once."""
    decoder = json.JSONDecoder()
    buffer = text.read(CHUNK).lstrip()
    position, number, ended = 1, 0, False   # past the array's '['

    def more() -> bool:
        nonlocal buffer, position, ended
        chunk = text.read(CHUNK)
        if not chunk:
            ended = True
            return False
        buffer = buffer[position:] + chunk
        position = 0
        return True

    while True:
        while True:   # skip white space and the comma between objects
            while position < len(buffer) and (buffer[position].isspace() or buffer[position] == ","):
                position += 1
            if position < len(buffer) or not more():
                break
        if position >= len(buffer):
            raise BackofficeError(t("brreg.json_damaged", row=number + 1))
        if buffer[position] == "]":
            return
        while True:
            try:
                value, end = decoder.raw_decode(buffer, position)
                break
            except json.JSONDecodeError:
                if ended or not more():
                    raise BackofficeError(t("brreg.json_damaged", row=number + 1)) from None
        number += 1
        if not isinstance(value, dict):
            raise BackofficeError(t("brreg.json_damaged", row=number))
        position = end
        yield number, value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v).strip() for v in value if v is not None and str(v).strip())
    return str(value).strip()


def _from_json(number: int, item: dict) -> Entity | None:
    if item.get("slettedato"):
        return None
    form = item.get("organisasjonsform") or {}
    business = item.get("forretningsadresse") or {}
    postal = item.get("postadresse") or business
    return Entity(
        row=number,
        org_number=_text(item.get("organisasjonsnummer")),
        name=_text(item.get("navn")),
        form=_text(form.get("kode") if isinstance(form, dict) else form),
        municipality_number=_text(business.get("kommunenummer") or postal.get("kommunenummer")),
        postal_address=_text(postal.get("adresse")),
        postal_code=_text(postal.get("postnummer")),
        postal_place=_text(postal.get("poststed")),
    )


def _csv_entities(text: io.TextIOWrapper) -> Iterator[Entity]:
    allow_long_csv_fields()
    header_line = text.readline()
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    headers = [h.strip().strip('"') for h in next(csv.reader([header_line], delimiter=delimiter))]
    column = {h: i for i, h in enumerate(headers)}
    missing = [c for c in ("organisasjonsnummer", "navn", "organisasjonsform.kode") if c not in column]
    if missing:
        raise ValidationFailed([RowError(1, c, t("import.missing_column", column=c)) for c in missing])
    reader = csv.reader(text, delimiter=delimiter)
    postal_prefix = "postadresse."

    def get(values: list[str], name: str) -> str:
        index = column.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise BackofficeError(t("import.csv_damaged", line=reader.line_num + 1)) from None
        if not values:
            continue
        if get(values, "slettedato"):
            continue
        prefix = postal_prefix if (get(values, "postadresse.adresse") or get(values, "postadresse.postnummer")) \
            else "forretningsadresse."
        yield Entity(
            row=reader.line_num + 1,
            org_number=get(values, "organisasjonsnummer"),
            name=get(values, "navn"),
            form=get(values, "organisasjonsform.kode"),
            municipality_number=get(values, "forretningsadresse.kommunenummer")
            or get(values, "postadresse.kommunenummer"),
            postal_address=get(values, prefix + "adresse"),
            postal_code=get(values, prefix + "postnummer"),
            postal_place=get(values, prefix + "poststed"),
        )


def read_entities(stream: BinaryIO, known_numbers: set[str]) -> tuple[int, list[Entity]]:
    """(entities read, the entities kept: forms KOMM and FYLK and any number in `known_numbers`), streamed."""
    read, kept = 0, []
    try:
        text, kind = _open_text(stream)
    except (OSError, EOFError, zlib.error) as exc:   # a damaged gzip
        raise BackofficeError(t("brreg.file_damaged", rows=0)) from exc
    entities = _csv_entities(text) if kind == "csv" else (
        entity for number, item in _json_entities(text) if (entity := _from_json(number, item)) is not None)
    try:
        for entity in entities:
            read += 1
            if entity.form in FORMS or entity.org_number.replace(" ", "") in known_numbers:
                kept.append(entity)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:   # a damaged gzip or text
        raise BackofficeError(t("brreg.file_damaged", rows=read)) from exc
    finally:
        text.detach()   # the caller's stream stays open
    if read == 0:
        raise BackofficeError(t("import.empty"))
    return read, kept


# --- checking and matching ----------------------------------------------------------------------------


def _problems(entity: Entity) -> list[RowError]:
    errors = textguard.row_errors([(entity.row, {"organisasjonsnummer": entity.org_number, "navn": entity.name,
                                                 "adresse": entity.postal_address, "poststed": entity.postal_place,
                                                 "postnummer": entity.postal_code})])
    if errors:
        return errors
    problem = org_number_problem(entity.org_number)
    if problem:
        errors.append(RowError(entity.row, "organisasjonsnummer", problem))
    if not entity.name:
        errors.append(RowError(entity.row, "navn", t("import.required")))
    for name, value, limit in (("navn", entity.name, LENGTHS["registered_name"]),
                               ("adresse", entity.postal_address, LENGTHS["postal_address"]),
                               ("postnummer", entity.postal_code, LENGTHS["postal_code"]),
                               ("poststed", entity.postal_place, LENGTHS["postal_place"])):
        if len(value) > limit:
            errors.append(RowError(entity.row, name, t("import.too_long", length=limit)))
    number = entity.municipality_number
    if entity.form in FORMS and not (number.isascii() and number.isdigit() and len(number) == 4):
        errors.append(RowError(entity.row, "forretningsadresse.kommunenummer",
                               t("org.municipality_number_format", value=number[:20])))
    return errors


def _match(session: Session, entities: list[Entity]) -> tuple[list[tuple[Entity, Organisation]], list[Entity],
                                                                list[RowError]]:
    organisations = list(session.scalars(select(Organisation)))
    by_number = {o.org_number: o for o in organisations if o.org_number}
    municipalities = {o.municipality_number: o for o in organisations
                      if o.kind == FORMS["KOMM"] and o.valid_to is None and o.municipality_number}
    counties = {o.county_number: o for o in organisations
                if o.kind == FORMS["FYLK"] and o.valid_to is None and o.county_number}
    matched, unmatched, errors, taken = [], [], [], {}
    for entity in entities:
        number = entity.org_number.replace(" ", "")
        org = by_number.get(number)
        if org is None and entity.form == "KOMM":
            org = municipalities.get(entity.municipality_number)
        elif org is None and entity.form == "FYLK":
            org = counties.get(entity.municipality_number[:2])
        if org is None:
            unmatched.append(entity)
            continue
        if org.id in taken:
            errors.append(RowError(entity.row, "organisasjonsnummer",
                                   t("brreg.same_organisation", name=org.name, other=taken[org.id])))
            continue
        taken[org.id] = entity.row
        other = by_number.get(number)
        if other is not None and other.id != org.id:
            errors.append(RowError(entity.row, "organisasjonsnummer", t("org.number_taken", number=number,
                                                                         name=other.name)))
            continue
        matched.append((entity, org))
    return matched, unmatched, errors


def _new_values(entity: Entity) -> dict[str, str | None]:
    return {"org_number": entity.org_number.replace(" ", ""), "registered_name": entity.name or None,
            "postal_address": entity.postal_address or None, "postal_code": entity.postal_code or None,
            "postal_place": entity.postal_place or None}


def import_enhetsregisteret(session: Session, actor: Actor, stream: BinaryIO, apply: bool = False) -> BrregReport:
    """Read an Enhetsregisteret bulk file (JSON or CSV, gzipped or not) and report what would change;
    with `apply`, write it (all or nothing). Only admins keep the registers (`registers.write`)."""
    actor.require("registers.write")
    known = set(session.scalars(select(Organisation.org_number).where(Organisation.org_number.is_not(None))))
    read, entities = read_entities(stream, known)
    report = BrregReport(read=read, kept=len(entities))
    errors = [error for entity in entities for error in _problems(entity)]
    if errors:
        raise ValidationFailed(errors[:MAX_ERRORS])
    matched, unmatched, errors = _match(session, entities)
    if errors:
        raise ValidationFailed(errors)
    report.matched = len(matched)
    report.unmatched = [{"row": e.row, "org_number": e.org_number, "name": e.name, "form": e.form}
                        for e in unmatched]
    updates: list[tuple[Organisation, dict]] = []
    for entity, org in sorted(matched, key=lambda pair: (pair[1].name, pair[1].id)):
        new = _new_values(entity)
        changed = {name: value for name, value in new.items() if getattr(org, name) != value}
        if not changed:
            report.unchanged += 1
            continue
        updates.append((org, changed))
        for name, value in changed.items():
            report.changes.append({"organisation_id": org.id, "organisation": org.name, "field": name,
                                   "old": getattr(org, name), "new": value})
    if apply and updates:
        _write(session, updates)
        report.applied = True
    return report


def _write(session: Session, updates: list[tuple[Organisation, dict]]) -> None:
    """Write the changes; organisation numbers that move between organisations are cleared first, so the
    unique key never sees the same number twice in between."""
    moving = [org for org, changed in updates if "org_number" in changed and org.org_number]
    for org in moving:
        org.org_number = None
    if moving:
        session.flush()
    with refusing_duplicates(session, (ORG_NUMBER_ONCE,), lambda: BackofficeError(t("brreg.number_race"))):
        for org, changed in updates:
            for name, value in changed.items():
                setattr(org, name, value)
        session.flush()


def field_label(name: str) -> str:
    return t(f"brreg.field.{name}")
