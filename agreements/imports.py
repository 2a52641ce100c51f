"""All-or-nothing import of the agreement register from the Excel sheet people keep today.

One row per appendix (organisation + service), or per main agreement without a service. Rows are
matched on organisation and service (and start date when an organisation has had several appendices
for the same service), so re-importing an export changes nothing and a corrected sheet updates
rather than duplicates. The import never deletes anything.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from agreements.agreements import RuleError, apply_main_agreement, get_main_agreement, require_owner_of_ended
from agreements.appendices import apply_appendix
from agreements.exports import REGISTER_COLUMNS, header_aliases
from agreements.models import AgreementStatus, MainAgreement, PriceModel, ServiceAppendix
from agreements.schemas import APPENDIX_STATUSES, AppendixIn, MainAgreementIn, parse_date, row_errors
from data import textguard
from data.access import Actor
from data.errors import BackofficeError, RowError, ValidationFailed
from data.excel import read_sheet
from data.i18n import catalog, t
from data.registers.models import Organisation, Service
from data.registers.registry import org_number_problem

MAIN_FIELDS = ("main_status", "main_signed", "signatory", "template_version", "document_ref", "main_terminated")
APPENDIX_FIELDS = ("appendix_version", "appendix_status", "appendix_signed", "start_date", "end_date",
                   "price_model")
DATE_FIELDS = {"main_signed", "main_terminated", "appendix_signed", "start_date", "end_date"}
# Which sheet column a model field's error belongs to.
MAIN_MODEL_TO_SHEET = {"status": "main_status", "signed_date": "main_signed", "signatory": "signatory",
                       "template_version": "template_version", "document_ref": "document_ref",
                       "terminated_date": "main_terminated"}
APPENDIX_MODEL_TO_SHEET = {"appendix_version": "appendix_version", "status": "appendix_status",
                           "signed_date": "appendix_signed", "start_date": "start_date", "end_date": "end_date",
                           "price_model": "price_model", "service_code": "service"}


@dataclass
class ParsedRow:
    row: int
    organisation: Organisation
    main: dict = field(default_factory=dict)
    service: Service | None = None
    appendix: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    rows: int = 0
    main_created: int = 0
    main_updated: int = 0
    appendices_created: int = 0
    appendices_updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    def as_dict(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.__dict__.items()}


def _choices(prefix: str, values) -> dict[str, str]:
    """Code, Norwegian label and English label (lower-case) -> code."""
    entries = catalog()
    out = {}
    for value in values:
        out[value.lower()] = value
        for text in entries.get(f"{prefix}.{value}", ()):
            out[text.lower()] = value
    return out


class _Parser:
    def __init__(self, session: Session, actor: Actor, headers: dict[str, str]):
        self.session = session
        self.actor = actor
        self.headers = headers          # field key -> header as written in the file
        self.errors: list[RowError] = []
        self.failed_organisations: set[int] = set()   # organisations whose main agreement a refused row garbles
        self.main_only: list[ParsedRow] = []   # refused rows whose main agreement part is fine
        self.main_statuses = _choices("agr.status", [s.value for s in AgreementStatus])
        self.appendix_statuses = _choices("agr.status", APPENDIX_STATUSES)
        self.price_models = _choices("agr.price_model", [p.value for p in PriceModel])
        self.services = self._service_lookup()
        self.by_number: dict[str, Organisation] = {}
        self.by_name: dict[str, list[Organisation]] = {}
        self.by_municipality: dict[str, list[Organisation]] = {}
        for org in session.scalars(select(Organisation).order_by(Organisation.id)):
            if org.org_number:
                self.by_number[org.org_number] = org
            # The official name ("Trondheim - Tråante") and each of its parts, so "Trondheim" finds it too.
            names = {org.name, *org.name.split(" - "), getattr(org, "norwegian_name", None) or org.name}
            for key in {_plain(name) for name in names if name.strip()}:
                self.by_name.setdefault(key, []).append(org)
            if org.municipality_number and org.valid_to is None:
                self.by_municipality.setdefault(org.municipality_number, []).append(org)

    def _service_lookup(self) -> dict[str, Service]:
        out = {}
        for service in self.session.scalars(select(Service)):
            out[service.code.lower()] = service
            out[service.name.lower()] = service
        return out

    def error(self, row: int, key: str | None, message: str) -> None:
        self.errors.append(RowError(row, self.headers.get(key, key) if key else None, message))

    def text(self, record: dict, key: str) -> str | None:
        header = self.headers.get(key)
        value = record.get(header) if header else None
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        value = str(value).strip()
        return value or None

    def date(self, row: int, record: dict, key: str) -> date | None:
        header = self.headers.get(key)
        value = record.get(header) if header else None
        if value is None or isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        serial = _excel_serial(value)
        if serial is not None:
            try:
                return excel_serial_date(serial)
            except (ValueError, OverflowError):
                self.error(row, key, t("import.bad_date", value=str(value).strip()[:40]))
                return None
        try:
            return parse_date(str(value))
        except ValueError as exc:
            self.error(row, key, str(exc))
            return None

    def choice(self, row: int, record: dict, key: str, choices: dict[str, str], prefix: str) -> str | None:
        value = self.text(record, key)
        if value is None:
            return None
        code = choices.get(value.lower())
        if code is None:
            codes = sorted(set(choices.values()))
            self.error(row, key, t("agr.bad_choice", value=value,
                                   choices=", ".join(t(f"{prefix}.{c}") for c in codes)))
        return code

    def organisation(self, row: int, record: dict) -> Organisation | None:
        number = self.text(record, "org_number")
        name = self.text(record, "organisation")
        if number is None and name is None:
            self.error(row, "org_number" if "org_number" in self.headers else "organisation", t("import.required"))
            return None
        if number is not None:
            number = "".join(number.split())   # spaces, also non-breaking (U+00A0, U+202F), are grouping only
            problem = org_number_problem(number)
            if problem:
                self.error(row, "org_number", problem)
                return None
            org = self.by_number.get(number)
            if org is None:
                self.error(row, "org_number", t("agr.import.org_number_unknown", number=number))
                return None
            if name is not None and _plain(name) != _plain(org.name):
                self.error(row, "organisation", t("agr.import.name_mismatch", number=number, registered=org.name,
                                                  name=name))
                return None
            return org
        matches = self._by_name(name)
        if not matches:
            self.error(row, "organisation", t("agr.import.org_unknown", name=name))
            return None
        if len(matches) > 1:
            self.error(row, "organisation", t("agr.import.org_ambiguous", name=name,
                                              count=len(matches)))
            return None
        return matches[0]

    def _by_name(self, name: str) -> list[Organisation]:
        digits = name.replace(" ", "")
        if digits.isdigit() and len(digits) <= 4:
            return self.by_municipality.get(digits.zfill(4), [])
        suffixed = _NUMBER_SUFFIX.match(name.strip())
        if suffixed:  # "Herøy (1515)": two municipalities share the name; the number tells them apart
            return [o for o in self.by_municipality.get(suffixed.group(2), [])
                    if _plain(o.name) == _plain(suffixed.group(1))]
        found = self.by_name.get(_plain(name), [])
        current = [o for o in found if o.valid_to is None]
        return current or found

    def parse(self, row: int, record: dict) -> ParsedRow | None:
        before = len(self.errors)
        org = self.organisation(row, record)
        main = {
            "status": self.choice(row, record, "main_status", self.main_statuses, "agr.status"),
            "signed_date": self.date(row, record, "main_signed"),
            "signatory": self.text(record, "signatory"),
            "template_version": self.text(record, "template_version"),
            "document_ref": self.text(record, "document_ref"),
            "terminated_date": self.date(row, record, "main_terminated"),
        }
        service_text = self.text(record, "service")
        service = None
        appendix = {
            "appendix_version": self.text(record, "appendix_version"),
            "status": self.choice(row, record, "appendix_status", self.appendix_statuses, "agr.status"),
            "signed_date": self.date(row, record, "appendix_signed"),
            "start_date": self.date(row, record, "start_date"),
            "end_date": self.date(row, record, "end_date"),
            "price_model": self.choice(row, record, "price_model", self.price_models, "agr.price_model"),
        }
        if service_text is not None:
            service = self.services.get(service_text.lower())
            if service is None:
                self.error(row, "service", t("agr.import.service_unknown", service=service_text))
            elif not self.actor.can("agreements.import", service=service.code):
                self.error(row, "service", t("agr.import.not_your_service", service=service.name))
            if appendix["start_date"] is None and self.headers.get("start_date") and not self._has_error(
                    row, "start_date", before):
                self.error(row, "start_date", t("import.required"))
            elif "start_date" not in self.headers:
                self.error(row, "start_date", t("import.missing_column", column=t("agr.col.start_date")))
        elif any(v is not None for v in appendix.values()):
            self.error(row, "service", t("agr.import.service_needed"))
        if main["status"] is None and any(v is not None for v in main.values()):
            if not self._has_error(row, "main_status", before):
                self.error(row, "main_status", t("agr.import.main_status_needed"))
        if appendix["status"] is None and service_text is not None and not self._has_error(row, "appendix_status",
                                                                                             before):
            appendix["status"] = "signed" if appendix["signed_date"] else "draft"
        self._rules(row, main, appendix, before)
        if len(self.errors) > before or org is None:
            if org is not None:
                main_columns = {self.headers.get(k, k) for k in MAIN_FIELDS + ("org_number", "organisation")}
                if any(e.field in main_columns for e in self.errors[before:]) or not main["status"]:
                    self.failed_organisations.add(org.id)
                else:   # only the appendix part is refused: the main agreement the row states still counts
                    self.main_only.append(ParsedRow(row, org, main))
            return None
        return ParsedRow(row, org, main if main["status"] else {}, service, appendix if service else {})

    def _rules(self, row: int, main: dict, appendix: dict, before: int) -> None:
        """The rules between a row's own fields, each reported in the same pass as every other error
        (the payload models check them too, but stop at the first)."""
        def rule(key: str, message_key: str) -> None:
            if not self._has_error(row, key, before):
                self.error(row, key, t(message_key))

        start, end, status = appendix["start_date"], appendix["end_date"], appendix["status"]
        if start is not None and end is not None and end < start:
            rule("end_date", "error.end_before_start")
        if status in ("signed", "terminated") and appendix["signed_date"] is None:
            rule("appendix_signed", "agr.rule.signed_needs_date")
        if status == "terminated" and end is None:
            rule("end_date", "agr.rule.appendix_terminated_needs_end")
        main_status, signed, terminated = main["status"], main["signed_date"], main["terminated_date"]
        if main_status in (AgreementStatus.SIGNED.value, AgreementStatus.TERMINATED.value) and signed is None:
            rule("main_signed", "agr.rule.signed_needs_date")
        if main_status == AgreementStatus.TERMINATED.value and terminated is None:
            rule("main_terminated", "agr.rule.terminated_needs_date")
        if main_status is not None and main_status != AgreementStatus.TERMINATED.value and terminated is not None:
            rule("main_terminated", "agr.rule.terminated_date_needs_status")
        if signed is not None and terminated is not None and terminated < signed:
            rule("main_terminated", "agr.rule.terminated_before_signed")

    def _has_error(self, row: int, key: str, since: int) -> bool:
        header = self.headers.get(key, key)
        return any(e.row == row and e.field == header for e in self.errors[since:])


_NUMBER_SUFFIX = re.compile(r"^(.*\S)\s*\((\d{4})\)$")
_SERIAL_TEXT = re.compile(r"^\d{1,7}(\.0+)?$")
EXCEL_EPOCH = date(1899, 12, 30)   # day 0 of Excel's 1900 date system, counted past its phantom 29.02.1900


def _excel_serial(value) -> int | None:
    """A whole day number written where a date belongs (a number cell, or text such as "45292"), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _SERIAL_TEXT.match(value.strip()):
        return int(value.strip().split(".")[0])
    return None


def excel_serial_date(serial: int) -> date:
    """The date an Excel serial stands for in the 1900 date system (45292 is 01.01.2024). Excel counts
    a 29 February 1900 that never was (serial 60): serials before it are one day later than the epoch
    suggests; that phantom day itself is no date (ValueError)."""
    if serial < 1 or serial == 60:
        raise ValueError(serial)
    if serial < 60:
        return EXCEL_EPOCH + timedelta(days=serial + 1)
    return EXCEL_EPOCH + timedelta(days=serial)   # OverflowError past the year 9999


def _plain(name: str) -> str:
    """`Oslo kommune`, `oslo` and `Oslo (0301)` name the same organisation."""
    value = " ".join(name.lower().split())
    suffixed = _NUMBER_SUFFIX.match(value)
    if suffixed:
        value = suffixed.group(1)
    for suffix in (" kommune", " municipality"):
        if value.endswith(suffix):
            value = value[: -len(suffix)]
    return value


def _map_headers(headers: list[str]) -> dict[str, str]:
    aliases = header_aliases()
    mapped = {}
    for header in headers:
        key = aliases.get(header.strip().lower())
        if key and key not in mapped:
            mapped[key] = header
    return mapped


def import_register(session: Session, actor: Actor, content: bytes, dry_run: bool = False) -> dict[str, int]:
    """Read every row, check every rule, and write all rows or none (ValidationFailed lists each problem)."""
    actor.require("agreements.import")
    header_row, records = read_sheet(content)
    headers = _map_headers(header_row)
    if "org_number" not in headers and "organisation" not in headers:
        raise ValidationFailed([RowError(1, None, t("agr.import.org_column_missing",
                                                    number=t("agr.col.org_number"),
                                                    name=t("agr.col.organisation")))])
    if not records:
        raise ValidationFailed([RowError(None, None, t("import.empty"))])
    textguard.refuse_rows(records, columns=headers.values())
    parser = _Parser(session, actor, headers)
    parsed = [p for row, record in records if (p := parser.parse(row, record)) is not None]
    errors = parser.errors
    mains = _collect_mains(parsed + parser.main_only, parser, errors)
    _check_duplicates(parsed, parser)
    if errors:
        _rules_against_register(session, parsed, mains, parser)
        raise ValidationFailed(sorted(parser.errors, key=lambda e: e.row or 0))

    result = ImportResult(rows=len(records), dry_run=dry_run)
    savepoint = session.begin_nested()
    try:
        _apply(session, parsed, mains, parser, result)
    except BaseException:
        savepoint.rollback()
        raise
    if parser.errors:
        savepoint.rollback()
        raise ValidationFailed(sorted(parser.errors, key=lambda e: (e.row or 0)))
    if dry_run:
        savepoint.rollback()
    else:
        savepoint.commit()
    return result.as_dict()


def _rules_against_register(session: Session, parsed: list[ParsedRow], mains: dict, parser: _Parser) -> None:
    """When some rows are refused already, try the rest against the register too (signed main agreement,
    overlapping appendices, ...) and roll back, so that one pass reports every error. Organisations whose
    main agreement a refused row leaves in doubt, or with a row refused against the others (a conflict, a
    duplicate), are left out: their rows would only repeat that row's error."""
    refused_rows = {e.row for e in parser.errors}
    failed = parser.failed_organisations | {p.organisation.id for p in parsed if p.row in refused_rows}
    clean = [p for p in parsed if p.organisation.id not in failed]
    if not clean:
        return
    clean_mains = {org_id: main for org_id, main in mains.items() if org_id not in failed}
    savepoint = session.begin_nested()
    try:
        _apply(session, clean, clean_mains, parser, ImportResult())
    finally:
        savepoint.rollback()


def _collect_mains(parsed: list[ParsedRow], parser: _Parser, errors: list[RowError]) -> dict[int, tuple[int, dict]]:
    """One main agreement per organisation, merged from its rows (a blank cell states nothing);
    rows that disagree about it are errors."""
    mains: dict[int, tuple[int, dict]] = {}
    for row in parsed:
        if not row.main:
            continue
        seen = mains.get(row.organisation.id)
        if seen is None:
            mains[row.organisation.id] = (row.row, dict(row.main))
            continue
        first_row, first = seen
        for model_key, value in row.main.items():
            if value is None:
                continue  # blank: not stated on this row
            if first[model_key] is None:
                first[model_key] = value
            elif value != first[model_key]:
                parser.error(row.row, MAIN_MODEL_TO_SHEET[model_key],
                             t("agr.import.main_conflict", other=first_row))
    return mains


def _check_duplicates(parsed: list[ParsedRow], parser: _Parser) -> None:
    seen: dict[tuple, int] = {}
    for row in parsed:
        if row.service is None:
            continue
        key = (row.organisation.id, row.service.id, row.appendix["start_date"])
        if key in seen:
            parser.error(row.row, "start_date", t("import.duplicate_row", other=seen[key]))
        else:
            seen[key] = row.row


def _main_values(agreement: MainAgreement | None) -> dict | None:
    if agreement is None:
        return None
    return {"status": agreement.status, "signed_date": agreement.signed_date, "signatory": agreement.signatory,
            "template_version": agreement.template_version, "document_ref": agreement.document_ref,
            "terminated_date": agreement.terminated_date}


def _apply(session: Session, parsed: list[ParsedRow], mains: dict, parser: _Parser, result: ImportResult):
    for organisation_id, (row, values) in mains.items():
        with session.no_autoflush:
            existing = get_main_agreement(session, organisation_id)
        before = _main_values(existing)
        payload = dict(values, organisation_id=organisation_id, notes=existing.notes if existing else "")
        try:
            data = MainAgreementIn.model_validate(payload)
            if data.status.value == AgreementStatus.TERMINATED.value:
                require_owner_of_ended(session, parser.actor, organisation_id, data.terminated_date,
                                       "agreements.import")
            apply_main_agreement(session, data, flush=False)
        except ValidationError as exc:
            _model_errors(parser, row, exc, MAIN_MODEL_TO_SHEET, "main_status")
            continue
        except RuleError as exc:
            parser.error(row, MAIN_MODEL_TO_SHEET.get(exc.field, "main_status"), exc.message)
            continue
        except BackofficeError as exc:
            parser.error(row, "main_status", exc.message)
            continue
        if before is None:
            result.main_created += 1
        elif before != _main_values(existing):
            result.main_updated += 1
        else:
            result.unchanged += 1
    session.flush()
    with_service = [p for p in parsed if p.service is not None]
    matches, siblings = _match_appendices(session, with_service)
    org_ids = {p.organisation.id for p in with_service}
    with session.no_autoflush:
        main_by_org = {m.organisation_id: m for m in session.scalars(
            select(MainAgreement).where(MainAgreement.organisation_id.in_(org_ids)))} if org_ids else {}
    for item in parsed:
        if item.service is None:
            continue
        existing = matches.get(item.row)
        before = _appendix_values(existing)
        payload = dict(item.appendix, organisation_id=item.organisation.id, service_code=item.service.code,
                       notes=existing.notes if existing else "")
        try:
            data = AppendixIn.model_validate(payload)
            apply_appendix(session, data, existing, service=item.service,
                           main=main_by_org.get(item.organisation.id),
                           siblings=siblings.setdefault((item.organisation.id, item.service.id), []), flush=False)
        except ValidationError as exc:
            _model_errors(parser, item.row, exc, APPENDIX_MODEL_TO_SHEET, "appendix_status")
            continue
        except RuleError as exc:
            parser.error(item.row, APPENDIX_MODEL_TO_SHEET.get(exc.field, "appendix_status"), exc.message)
            continue
        except BackofficeError as exc:
            parser.error(item.row, "service", exc.message)
            continue
        if existing is None:
            result.appendices_created += 1
        elif before != _appendix_values(existing):
            result.appendices_updated += 1
        else:
            result.unchanged += 1
    session.flush()


# Which field a rule checked across several fields is about (for the error's column).
RULE_FIELDS = {
    "error.end_before_start": "end_date",
    "agr.rule.signed_needs_date": "signed_date",
    "agr.rule.appendix_terminated_needs_end": "end_date",
    "agr.rule.terminated_needs_date": "terminated_date",
    "agr.rule.terminated_date_needs_status": "terminated_date",
    "agr.rule.terminated_before_signed": "terminated_date",
}


def _model_errors(parser: _Parser, row: int, exc: ValidationError, to_sheet: dict, fallback: str) -> None:
    labels = {model_key: model_key for model_key in to_sheet}
    for error in row_errors(exc, row, labels=labels):
        model_key = error.field
        if model_key is None:
            model_key = next((field for key, field in RULE_FIELDS.items() if t(key) == error.message), None)
        parser.error(row, to_sheet.get(model_key, fallback), error.message)


def _appendix_values(appendix: ServiceAppendix | None) -> dict | None:
    if appendix is None:
        return None
    return {k: getattr(appendix, k) for k in ("appendix_version", "status", "signed_date", "start_date",
                                               "end_date", "price_model")}


def _match_appendices(session: Session, rows: list[ParsedRow],
                      ) -> tuple[dict[int, ServiceAppendix], dict[tuple[int, int], list[ServiceAppendix]]]:
    """Sheet row -> existing appendix: the one with the same organisation, service and start date;
    otherwise the latest appendix for the organisation and service whose period overlaps the row's
    (a corrected start or end date), if no other row claimed it. Anything else is a new appendix."""
    if not rows:
        return {}, {}
    org_ids = {r.organisation.id for r in rows}
    existing: dict[tuple[int, int], list[ServiceAppendix]] = {}
    with session.no_autoflush:
        for appendix in session.scalars(select(ServiceAppendix).where(ServiceAppendix.organisation_id.in_(org_ids))
                                        .order_by(ServiceAppendix.start_date.desc(), ServiceAppendix.id.desc())):
            existing.setdefault((appendix.organisation_id, appendix.service_id), []).append(appendix)
    matches: dict[int, ServiceAppendix] = {}
    claimed: set[int] = set()
    for row in rows:
        for appendix in existing.get((row.organisation.id, row.service.id), []):
            if appendix.start_date == row.appendix["start_date"] and appendix.id not in claimed:
                matches[row.row] = appendix
                claimed.add(appendix.id)
                break
    for row in rows:
        if row.row in matches:
            continue
        start, end = row.appendix["start_date"], row.appendix["end_date"] or date.max
        for appendix in existing.get((row.organisation.id, row.service.id), []):
            overlaps = appendix.start_date <= end and (appendix.end_date is None or appendix.end_date >= start)
            if appendix.id not in claimed and overlaps:
                matches[row.row] = appendix
                claimed.add(appendix.id)
                break
    return matches, {key: list(values) for key, values in existing.items()}


def template_columns() -> list[str]:
    return [t(c.label_key) for c in REGISTER_COLUMNS]
