"""Maturity against NSM's basic principles for ICT security (issues 8 and 19).

Reference data (risk/reference/nsm_grunnprinsipper.csv, a copy of the sourced rows with their sources,
keys explained in risk/reference/nsm_sources.csv) holds NSM's 4 categories and 21 principles with NSM's
own titles, and only the measures whose ids and titles have a source (18 of NSM's 118). NSM's full measure
list is loaded by importing NSM's spreadsheet (`import_catalogue`): a catalogue version with its label,
source file, time and importer. The latest import is the loaded catalogue; without one, the reference data
is.

An assessment scores *units*: each principle's measures where the loaded catalogue has them, else the
principle itself. Each score keeps the title it was given against; a score whose id and title are not a
unit of the loaded catalogue is kept, marked `outside_catalogue` and reported (`orphan_rows`), never
re-mapped to another measure. Results roll up by principle and category, assessments are compared over
time, and the gaps (furthest below target) feed the department-wide ROS.
"""
from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path, PurePath
from statistics import mean

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from data import crud, textguard
from data.access import Actor
from data.appspec import Kpi
from data.errors import BackofficeError, RowError, ValidationFailed, errors_from_pydantic, validate
from data.excel import csv_records, decode_text, read_sheet
from data.formatting import day, number
from data.i18n import t
from risk import ros
from risk.models import NsmAssessment, NsmCatalogue, NsmCatalogueMeasure, NsmScore, RosAssessment
from risk.schemas import NsmAssessmentIn, NsmScoreIn, OwnedRiskIn

REFERENCE = Path(__file__).resolve().parent / "reference" / "nsm_grunnprinsipper.csv"
SOURCES = Path(__file__).resolve().parent / "reference" / "nsm_sources.csv"
MATURITY_KEYS = {0: "nsm.level.0", 1: "nsm.level.1", 2: "nsm.level.2", 3: "nsm.level.3", 4: "nsm.level.4",
                 5: "nsm.level.5"}
LEVELS = ("category", "principle", "measure")


@dataclass(frozen=True)
class Item:
    """A category, principle or measure with NSM's own (Norwegian) title: NSM's titles are names and
    are shown as NSM writes them in both languages; no English title has a source."""

    id: str
    title_nb: str
    level: str
    parent: str = ""
    sources: str = ""

    @property
    def depth(self) -> int:
        return self.id.count(".")

    @property
    def title(self) -> str:
        return self.title_nb

    @property
    def principle(self) -> str:
        """The principle this unit belongs to (itself for a principle)."""
        return ".".join(self.id.split(".")[:2])


def _key(item_id: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in item_id.split("."))
    except ValueError:
        return (999,)


@lru_cache(maxsize=1)
def reference() -> tuple[Item, ...]:
    """The shipped, sourced reference rows (categories, principles, the sourced measures) in id order."""
    with REFERENCE.open(encoding="utf-8", newline="") as handle:
        rows = [Item(r["id"].strip(), r["title_nb"].strip(), r["level"].strip(), (r["parent_id"] or "").strip(),
                     r["sources"].strip()) for r in csv.DictReader(handle)]
    return tuple(sorted(rows, key=lambda item: _key(item.id)))


@lru_cache(maxsize=1)
def sources() -> dict[str, str]:
    with SOURCES.open(encoding="utf-8", newline="") as handle:
        return {r["key"]: r["source"] for r in csv.DictReader(handle)}


def items_by_id() -> dict[str, Item]:
    return {item.id: item for item in reference()}


def categories() -> list[Item]:
    return [i for i in reference() if i.level == "category"]


def principles() -> list[Item]:
    return [i for i in reference() if i.level == "principle"]


def reference_measures() -> list[Item]:
    return [i for i in reference() if i.level == "measure"]


def title(item_id: str) -> str:
    item = items_by_id().get(item_id)
    return item.title if item else item_id


def _norm(text: str) -> str:
    return " ".join((text or "").split()).casefold()


# --- the loaded catalogue -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    id: int | None                    # None: the shipped reference data
    label: str
    source: str
    imported_at: object
    imported_by: str
    measures: tuple[Item, ...]

    def units(self) -> list[Item]:
        """What an assessment scores: each principle's measures where the catalogue has them, else the
        principle itself, in NSM's order."""
        by_principle: dict[str, list[Item]] = {}
        for measure in self.measures:
            by_principle.setdefault(measure.parent, []).append(measure)
        out: list[Item] = []
        for principle in principles():
            out.extend(sorted(by_principle.get(principle.id, []), key=lambda m: _key(m.id)) or [principle])
        return out


def reference_catalogue() -> Catalogue:
    return Catalogue(None, t("nsm.catalogue.reference_label"), "risk/reference/nsm_grunnprinsipper.csv", None, "",
                     tuple(reference_measures()))


def loaded_catalogue(session: Session) -> Catalogue:
    """The latest imported catalogue version, else the shipped reference data."""
    row = session.scalar(select(NsmCatalogue).order_by(NsmCatalogue.id.desc()).limit(1))
    if row is None:
        return reference_catalogue()
    measures = tuple(Item(m.measure_id, m.title, "measure", m.principle_id, row.version_label)
                     for m in session.scalars(select(NsmCatalogueMeasure)
                                              .where(NsmCatalogueMeasure.catalogue_id == row.id)
                                              .order_by(NsmCatalogueMeasure.position)))
    return Catalogue(row.id, row.version_label, row.source, row.imported_at, row.imported_by, measures)


def measure_ids() -> list[str]:
    """The ids an assessment scores under the shipped reference data (no catalogue imported): the sourced
    measures of principles that have any, the other principles themselves. With a session, use `unit_ids`."""
    return [u.id for u in reference_catalogue().units()]


def units(session: Session) -> list[Item]:
    return loaded_catalogue(session).units()


def unit_ids(session: Session) -> list[str]:
    return [u.id for u in units(session)]


def catalogue_rows(session: Session) -> list[dict]:
    """Every imported catalogue version, newest first (the loaded one first)."""
    return [{"id": c.id, "version_label": c.version_label, "source": c.source, "imported_at": c.imported_at,
             "imported_by": c.imported_by, "measures": c.measure_count}
            for c in session.scalars(select(NsmCatalogue).order_by(NsmCatalogue.id.desc()))]


def catalogue_measure_rows(session: Session) -> list[dict]:
    """The measures of the loaded catalogue with their principle and (for the reference data) sources."""
    return [{"id": m.id, "title": m.title, "principle": f"{m.parent} {title(m.parent)}", "sources": m.sources}
            for m in loaded_catalogue(session).measures]


def catalogue_summary(session: Session) -> dict:
    catalogue = loaded_catalogue(session)
    scored = catalogue.units()
    return {"id": catalogue.id, "label": catalogue.label, "source": catalogue.source,
            "imported_at": catalogue.imported_at, "imported_by": catalogue.imported_by,
            "measures": len(catalogue.measures), "units": len(scored),
            "principles_by_measure": sorted({m.parent for m in catalogue.measures}, key=_key),
            "principles_scored_directly": [u.id for u in scored if u.level == "principle"]}


# --- importing NSM's spreadsheet ------------------------------------------------------------------------

MEASURE_ID = re.compile(r"^[1-4]\.\d{1,2}\.\d{1,2}$")
LEADING_ID = re.compile(r"^\s*(\d{1,2}(?:\.\d{1,2}){0,2})\.?(?:\s|$)")
# Column headers an NSM spreadsheet or our own files use, compared case-insensitively.
COLUMNS = {
    "measure_id": ("measure_id", "measure id", "measure no.", "id", "nr", "nr.", "tiltak nr.", "tiltak nr",
                   "tiltaksnummer", "nummer"),
    "title": ("title", "title_nb", "tittel", "tiltak", "measure", "navn", "name"),
    "principle": ("principle", "principle_id", "parent_id", "prinsipp", "prinsipp nr.", "prinsippnummer"),
}
MAX_TITLE = 500


class CatalogueRowIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    measure_id: str = Field(min_length=1, max_length=12)
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    principle: str = Field(min_length=1, max_length=MAX_TITLE)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_catalogue_file(content: bytes) -> tuple[dict[str, str], list[tuple[int, dict]]]:
    """(column key -> header found, rows as (row number, {header: text})) of a CSV or XLSX file."""
    if content[:2] == b"PK":          # an .xlsx is a zip file
        headers, rows = read_sheet(content)
    else:
        text = decode_text(content)
        first = text.splitlines()[0] if text.strip() else ""
        delimiter = max((";", ",", "\t"), key=first.count)
        headers, records = csv_records(text, delimiter)
        rows = list(enumerate(records, start=2))
    found: dict[str, str] = {}
    lowered = {str(h).strip().lower(): h for h in headers if h is not None}
    for key, names in COLUMNS.items():
        for name in names:
            if name in lowered:
                found[key] = lowered[name]
                break
    if "level" in lowered:
        found["level"] = lowered["level"]
    return found, [(number, {k: _cell(v) for k, v in row.items()}) for number, row in rows]


def _same_number(first: str, second: str) -> bool:
    try:
        return float(first) == float(second)
    except ValueError:
        return False


def check_catalogue(content: bytes) -> list[Item]:
    """The measures of an NSM spreadsheet, every row checked first; raises naming each bad row and column."""
    columns, rows = read_catalogue_file(content)
    missing = [key for key in COLUMNS if key not in columns]
    if missing:
        raise ValidationFailed([RowError(1, key, t("nsm.catalogue.missing_column", column=key,
                                                    names=", ".join(COLUMNS[key][:4])))
                                for key in missing])
    known_principles = {p.id for p in principles()}
    errors: list[RowError] = []
    items: list[Item] = []
    first_row: dict[str, int] = {}
    for row_number, row in rows:
        level = row.get(columns.get("level"), "").lower() if "level" in columns else ""
        if level in ("category", "principle", "kategori", "prinsipp"):
            continue
        values = {key: row.get(columns[key], "") for key in COLUMNS}
        if not any(values.values()):
            continue
        refused = textguard.row_errors([(row_number, values)], label=lambda k: columns.get(k, k))
        if refused:
            errors.extend(refused)
            continue
        try:
            data = CatalogueRowIn.model_validate(values)
        except ValidationError as exc:
            errors.extend(RowError(e.row, columns.get(e.field or "", e.field), e.message)
                          for e in errors_from_pydantic(exc, row_number))
            continue
        if not MEASURE_ID.match(data.measure_id):
            errors.append(RowError(row_number, columns["measure_id"], t("nsm.catalogue.bad_id", value=data.measure_id)))
            continue
        match = LEADING_ID.match(data.principle)
        principle = match.group(1) if match else data.principle
        expected = data.measure_id.rsplit(".", 1)[0]
        if principle != expected and _same_number(principle, expected):
            principle = expected            # Excel wrote the principle 2.10 as the number 2.1
        if principle not in known_principles:
            errors.append(RowError(row_number, columns["principle"], t("nsm.catalogue.unknown_principle",
                                                                   value=data.principle[:40])))
            continue
        if not data.measure_id.startswith(principle + "."):
            errors.append(RowError(row_number, columns["measure_id"], t("nsm.catalogue.wrong_principle",
                                                                    id=data.measure_id, principle=principle)))
            continue
        if data.measure_id in first_row:
            errors.append(RowError(row_number, columns["measure_id"], t("nsm.catalogue.duplicate", id=data.measure_id,
                                                                    row=first_row[data.measure_id])))
            continue
        first_row[data.measure_id] = row_number
        items.append(Item(data.measure_id, data.title, "measure", principle))
    if errors:
        raise ValidationFailed(errors, t("nsm.catalogue.invalid", count=len(errors)))
    if not items:
        raise BackofficeError(t("nsm.catalogue.empty"))
    return sorted(items, key=lambda i: _key(i.id))


def import_catalogue(session: Session, actor: Actor, content: bytes, file_name: str = "",
                     version_label: str | None = None) -> dict:
    """Load NSM's measure list from its spreadsheet (CSV or XLSX with measure id, title and principle):
    all rows are checked first and nothing is written unless every row passes. The new version becomes
    the loaded catalogue; scores no longer in it are marked and counted (`orphans`)."""
    actor.require("risk.write")
    items = check_catalogue(content)
    label = " ".join((version_label or "").split()) or t("nsm.catalogue.default_label", date=day(date.today()))
    if len(label) > 120 or textguard.refused_char(label):
        raise BackofficeError(t("nsm.catalogue.bad_label"))
    name = PurePath(file_name or "").name or t("nsm.catalogue.unnamed_file")
    source = f"{name[:200]} (SHA-256 {hashlib.sha256(content).hexdigest()[:16]})"
    catalogue = NsmCatalogue(version_label=label, source=source, imported_by=actor.username,
                             measure_count=len(items))
    for position, item in enumerate(items, start=1):
        catalogue.measures.append(NsmCatalogueMeasure(measure_id=item.id, principle_id=item.parent,
                                                      title=item.title, position=position))
    session.add(catalogue)
    session.flush()
    orphans = mark_scores(session)
    without = [p.id for p in principles() if p.id not in {i.parent for i in items}]
    return {"id": catalogue.id, "label": label, "measures": len(items), "orphans": orphans,
            "principles_without_measures": without}


def _empty(score: NsmScore) -> bool:
    return score.level is None and not score.evidence and not score.comment and score.ros_risk_id is None


def mark_scores(session: Session) -> int:
    """Mark every score in or outside the loaded catalogue (same id and title); returns how many are outside.

    A row outside the catalogue that holds nothing (no level, evidence, comment or ROS risk) is removed:
    there is nothing in it to keep."""
    wanted = {u.id: _norm(u.title) for u in units(session)}
    outside = 0
    for score in list(session.scalars(select(NsmScore))):
        out = not (score.measure_id in wanted and score.title and _norm(score.title) == wanted[score.measure_id])
        if out and _empty(score):
            session.delete(score)
            continue
        if score.outside_catalogue != out:
            score.outside_catalogue = out
        outside += out
    session.flush()
    return outside


# --- assessments --------------------------------------------------------------------------------------


def _assessment(session: Session, assessment_id: int) -> NsmAssessment:
    return crud.get_or_raise(session, NsmAssessment, assessment_id, "nsm.error.no_assessment")


def _assessment_for_edit(session: Session, assessment_id: int, expected_version: int | None) -> NsmAssessment:
    return crud.for_edit(session, NsmAssessment, assessment_id, expected_version, "nsm.error.no_assessment")


def _refuse_final(assessment: NsmAssessment) -> None:
    if assessment.status == "final":
        raise BackofficeError(t("nsm.error.final", title=assessment.title))


def create_assessment(session: Session, actor: Actor, payload) -> NsmAssessment:
    """A new assessment with one row per unit of the loaded catalogue; copies levels, targets and evidence
    from an earlier assessment when asked, for the units with the same id and title there."""
    actor.require("risk.write")
    data = validate(NsmAssessmentIn, payload)
    catalogue = loaded_catalogue(session)
    previous = {}
    if data.copy_from_id is not None:
        source = _assessment(session, data.copy_from_id)
        previous = {(s.measure_id, _norm(s.title)): s for s in source.scores if not s.outside_catalogue}
    assessment = NsmAssessment(title=data.title, assessed_on=data.assessed_on, scope=data.scope,
                               default_target=data.default_target, notes=data.notes, status="draft",
                               created_by=actor.username, catalogue_id=catalogue.id,
                               catalogue_label=catalogue.label[:120])
    for unit in catalogue.units():
        old = previous.get((unit.id, _norm(unit.title)))
        assessment.scores.append(NsmScore(
            measure_id=unit.id, title=unit.title, level=old.level if old else None,
            target=old.target if old else data.default_target, evidence=old.evidence if old else "",
            comment="", outside_catalogue=False))
    session.add(assessment)
    session.flush()
    return assessment


def update_scores(session: Session, actor: Actor, assessment_id: int, rows: list[dict],
                  expected_version: int | None = None) -> int:
    """Save scores for many units at once: every row is checked first; nothing is saved if any is wrong.
    A row must name a unit of the loaded catalogue (a measure, or a principle without measures there).

    Returns the number of units changed.
    """
    actor.require("risk.write")
    assessment = _assessment_for_edit(session, assessment_id, expected_version)
    _refuse_final(assessment)
    known = {u.id: u for u in units(session)}
    scores = {s.measure_id: s for s in assessment.scores}
    errors: list[RowError] = []
    checked: list[NsmScoreIn] = []
    for index, row in enumerate(rows, start=1):
        row_number = row.get("row", index) if isinstance(row, dict) else index
        try:
            item = NsmScoreIn.model_validate(row)
        except ValidationError as exc:
            errors.extend(errors_from_pydantic(exc, row_number))
            continue
        if refused := textguard.field_errors(item, row_number):
            errors.extend(refused)
            continue
        if item.measure_id not in known:
            errors.append(RowError(row_number, "measure_id", t("nsm.error.unknown_measure", id=item.measure_id)))
            continue
        if item.measure_id in scores and scores[item.measure_id].outside_catalogue:
            # the stored score was given against another title: it stays as it was (reported), and a
            # score for the catalogue's unit cannot take its place
            errors.append(RowError(row_number, "measure_id", t("nsm.error.orphan_in_the_way", id=item.measure_id)))
            continue
        checked.append(item)
    if errors:
        raise ValidationFailed(errors)
    changed = 0
    for item in checked:
        unit = known[item.measure_id]
        score = scores.get(item.measure_id)
        if score is None:
            score = NsmScore(measure_id=item.measure_id, title=unit.title, target=assessment.default_target)
            assessment.scores.append(score)
            scores[item.measure_id] = score
        before = (score.level, score.target, score.evidence, score.comment)
        after = (item.level, item.target, item.evidence, item.comment)
        if before != after:
            score.level, score.target, score.evidence, score.comment = after
            changed += 1
    session.flush()
    return changed


def _whole(value):
    """A cell as a whole number where it is one; anything else is left for validation to refuse."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def read_assessment_sheet(content: bytes) -> list[dict]:
    """Rows of the measures sheet of an exported assessment, for `update_scores` (import back)."""
    _headers, rows = read_sheet(content, t("nsm.sheet.measures"))
    out = []
    for row_number, r in rows:
        item = {"row": row_number, "measure_id": str(r.get(t("nsm.col.measure_id")) or "").strip(),
                "level": _whole(r.get(t("nsm.col.level"))), "evidence": str(r.get(t("nsm.col.evidence")) or ""),
                "comment": str(r.get(t("nsm.col.comment")) or "")}
        target = _whole(r.get(t("nsm.col.target")))
        if target is not None:
            item["target"] = target
        out.append(item)
    return out


def set_status(session: Session, actor: Actor, assessment_id: int, status: str,
               expected_version: int | None = None) -> NsmAssessment:
    """Finalise an assessment (locks its scores) or reopen it."""
    actor.require("risk.write")
    if status not in ("draft", "final"):
        raise BackofficeError(t("nsm.error.status"))
    assessment = _assessment_for_edit(session, assessment_id, expected_version)
    if status == "final":
        scored = {s.measure_id for s in assessment.scores if s.level is not None and not s.outside_catalogue}
        missing = sum(1 for u in units(session) if u.id not in scored)
        if missing:
            raise BackofficeError(t("nsm.error.unscored", count=missing))
    assessment.status = status
    session.flush()
    return assessment


def delete_assessment(session: Session, actor: Actor, assessment_id: int) -> None:
    actor.require("risk.write")
    crud.delete_row(session, NsmAssessment, assessment_id, "nsm.error.no_assessment", guard=_refuse_final)


# --- reading -------------------------------------------------------------------------------------------

IN_CATALOGUE = NsmScore.outside_catalogue.is_(False)


def assessment_rows(session: Session) -> list[dict]:
    inside = case((IN_CATALOGUE, 1), else_=0)
    scored = func.sum(case((IN_CATALOGUE & NsmScore.level.is_not(None), 1), else_=0))
    average = func.avg(case((IN_CATALOGUE, NsmScore.level), else_=None))
    outside = func.sum(case((IN_CATALOGUE, 0), else_=1))
    query = (select(NsmAssessment.id, NsmAssessment.version, NsmAssessment.title, NsmAssessment.assessed_on,
                    NsmAssessment.status, NsmAssessment.scope, NsmAssessment.default_target,
                    NsmAssessment.catalogue_label, average.label("average"), scored.label("scored"),
                    func.sum(inside).label("rows"), outside.label("outside"))
             .outerjoin(NsmScore, NsmScore.assessment_id == NsmAssessment.id)
             .group_by(NsmAssessment.id).order_by(NsmAssessment.assessed_on.desc(), NsmAssessment.id.desc()))
    total = len(units(session))
    return [{"id": r.id, "version": r.version, "title": r.title, "assessed_on": r.assessed_on, "status": r.status,
             "scope": r.scope, "default_target": r.default_target, "catalogue": r.catalogue_label,
             "average": round(float(r.average), 2) if r.average is not None else None,
             "scored": int(r.scored or 0), "measures": total, "outside": int(r.outside or 0)}
            for r in session.execute(query)]


def _row(unit: Item, score: NsmScore | None) -> dict:
    principle = unit.principle
    category = principle.split(".")[0]
    return {"measure_id": unit.id, "measure": unit.title, "unit": unit.level, "principle_id": principle,
            "principle": title(principle), "category_id": category, "category": title(category),
            "level": score.level if score else None, "target": score.target if score else 3,
            "ros_risk_id": score.ros_risk_id if score else None,
            "gap": (score.target - score.level) if score and score.level is not None else None,
            "evidence": score.evidence if score else "", "comment": score.comment if score else ""}


def score_rows(session: Session, assessment_id: int) -> list[dict]:
    """One row per unit of the loaded catalogue (measure or principle) with its principle and category."""
    assessment = _assessment(session, assessment_id)
    scores = {s.measure_id: s for s in session.scalars(select(NsmScore).where(
        NsmScore.assessment_id == assessment_id, IN_CATALOGUE))}
    default = assessment.default_target
    rows = []
    for unit in units(session):
        row = _row(unit, scores.get(unit.id))
        if unit.id not in scores:
            row["target"] = default
        rows.append(row)
    return rows


def orphan_rows(session: Session, assessment_id: int | None = None) -> list[dict]:
    """Scores kept but outside the loaded catalogue (their id or title is not one of its units), with why."""
    wanted = {u.id: u for u in units(session)}
    query = (select(NsmScore, NsmAssessment.title.label("assessment"))
             .join(NsmAssessment, NsmAssessment.id == NsmScore.assessment_id)
             .where(NsmScore.outside_catalogue.is_(True))
             .order_by(NsmAssessment.assessed_on, NsmAssessment.id))
    if assessment_id is not None:
        query = query.where(NsmScore.assessment_id == assessment_id)
    out = []
    for score, assessment in session.execute(query):
        unit = wanted.get(score.measure_id)
        if not score.title:
            reason = "legacy"
        elif unit is None and score.measure_id in items_by_id() and items_by_id()[score.measure_id].level == "principle":
            reason = "principle_has_measures"
        elif unit is None:
            reason = "unknown_id"
        else:
            reason = "title_changed"
        out.append({"assessment_id": score.assessment_id, "assessment": assessment, "measure_id": score.measure_id,
                    "title": score.title, "catalogue_title": unit.title if unit else "", "level": score.level,
                    "target": score.target, "evidence": score.evidence, "reason": reason,
                    "reason_text": t(f"nsm.orphan.{reason}")})
    out.sort(key=lambda r: (r["assessment_id"], _key(r["measure_id"])))
    return out


def _pairs(session: Session, assessment_id: int) -> list[tuple[str, int | None, int]]:
    return [(r.measure_id, r.level, r.target) for r in session.execute(
        select(NsmScore.measure_id, NsmScore.level, NsmScore.target).where(NsmScore.assessment_id == assessment_id,
                                                                           IN_CATALOGUE))]


def rollup(pairs: list[tuple[str, int | None, int]], depth: int) -> list[dict]:
    """Average maturity and target per principle (depth 1) or category (depth 0).

    Unscored units are left out of the average and counted as `unscored`.
    """
    groups: dict[str, list[tuple[int | None, int]]] = {}
    for unit_id, level, target in pairs:
        parts = unit_id.split(".")
        groups.setdefault(".".join(parts[:depth + 1]), []).append((level, target))
    out = []
    wanted = categories() if depth == 0 else principles()
    for item in wanted:
        values = groups.get(item.id, [])
        levels = [lv for lv, _ in values if lv is not None]
        targets = [tg for _, tg in values]
        average = round(mean(levels), 2) if levels else None
        target = round(mean(targets), 2) if targets else None
        below = sum(1 for lv, tg in values if lv is not None and lv < tg)
        out.append({"id": item.id, "title": item.title, "average": average, "target": target,
                    "gap": round(target - average, 2) if average is not None and target is not None else None,
                    "measures": len(values), "scored": len(levels), "unscored": len(values) - len(levels),
                    "below_target": below})
    return out


def results(session: Session, assessment_id: int) -> dict:
    pairs = _pairs(session, assessment_id)
    return {"principles": rollup(pairs, 1), "categories": rollup(pairs, 0),
            "overall": round(mean([lv for _, lv, _ in pairs if lv is not None]), 2)
            if any(lv is not None for _, lv, _ in pairs) else None}


def gaps(session: Session, assessment_id: int, limit: int | None = 20) -> list[dict]:
    """Units furthest below target (largest gap first, then lowest level); unscored ones are left out."""
    rows = [r for r in score_rows(session, assessment_id) if r["gap"] is not None and r["gap"] > 0]
    rows.sort(key=lambda r: (-r["gap"], r["level"], _key(r["measure_id"])))
    return rows[:limit] if limit else rows


def trend(session: Session) -> list[dict]:
    """Average maturity per category for each assessment, oldest first (for the trend chart)."""
    query = (select(NsmAssessment.id, NsmAssessment.title, NsmAssessment.assessed_on, NsmScore.measure_id,
                    NsmScore.level, NsmScore.target)
             .join(NsmScore, NsmScore.assessment_id == NsmAssessment.id).where(IN_CATALOGUE)
             .order_by(NsmAssessment.assessed_on, NsmAssessment.id))
    by_assessment: dict[int, dict] = {}
    for r in session.execute(query):
        entry = by_assessment.setdefault(r.id, {"id": r.id, "title": r.title, "assessed_on": r.assessed_on,
                                                "pairs": []})
        entry["pairs"].append((r.measure_id, r.level, r.target))
    out = []
    for entry in by_assessment.values():
        for category in rollup(entry["pairs"], 0):
            out.append({"assessment_id": entry["id"], "assessment": entry["title"],
                        "assessed_on": entry["assessed_on"], "category_id": category["id"],
                        "category": f"{category['id']} {category['title']}", "average": category["average"],
                        "target": category["target"]})
    return out


def comparison(session: Session, assessment_id: int, previous_id: int | None = None) -> list[dict]:
    """Per category and principle: this assessment against the one before it (or `previous_id`)."""
    current = _assessment(session, assessment_id)
    if previous_id is None:
        previous_id = session.scalar(
            select(NsmAssessment.id).where(NsmAssessment.assessed_on < current.assessed_on)
            .order_by(NsmAssessment.assessed_on.desc(), NsmAssessment.id.desc()).limit(1))
    now_pairs = _pairs(session, assessment_id)
    before_pairs = _pairs(session, previous_id) if previous_id else []
    out = []
    for depth in (0, 1):
        before = {r["id"]: r for r in rollup(before_pairs, depth)}
        for row in rollup(now_pairs, depth):
            old = before.get(row["id"], {}).get("average")
            out.append({"id": row["id"], "title": row["title"], "level": "category" if depth == 0 else "principle",
                        "average": row["average"], "previous": old,
                        "change": round(row["average"] - old, 2) if row["average"] is not None and old is not None
                        else None})
    out.sort(key=lambda r: _key(r["id"]))
    return out


def previous_assessment_id(session: Session, assessment_id: int) -> int | None:
    current = _assessment(session, assessment_id)
    return session.scalar(select(NsmAssessment.id).where(NsmAssessment.assessed_on < current.assessed_on)
                          .order_by(NsmAssessment.assessed_on.desc(), NsmAssessment.id.desc()).limit(1))


def latest_two(session: Session) -> tuple[int | None, int | None]:
    ids = list(session.scalars(select(NsmAssessment.id).order_by(NsmAssessment.assessed_on.desc(),
                                                                 NsmAssessment.id.desc()).limit(2)))
    return (ids[0] if ids else None, ids[1] if len(ids) > 1 else None)


def category_averages(session: Session, assessment_id: int) -> dict[str, float | None]:
    """Average level per category in SQL (the overview KPI): unit ids start with the category digit."""
    category = func.substr(NsmScore.measure_id, 1, 1)
    query = (select(category.label("category"), func.avg(NsmScore.level))
             .where(NsmScore.assessment_id == assessment_id, IN_CATALOGUE).group_by(category))
    return {str(c): (round(float(avg), 2) if avg is not None else None) for c, avg in session.execute(query)}


# --- gaps into the department-wide ROS ------------------------------------------------------------------


def department_ros(session: Session, actor: Actor):
    """The department-wide ROS that risks can be added to: the open one, else a revision of the approved
    one, else a new draft."""
    base = select(RosAssessment).where(RosAssessment.scope == "department")
    open_one = session.scalar(base.where(RosAssessment.status.in_(("draft", "in_review")))
                              .order_by(RosAssessment.is_current.desc(), RosAssessment.id.desc()).limit(1))
    if open_one is not None:
        return open_one
    approved = session.scalar(base.where(RosAssessment.status == "approved").order_by(RosAssessment.id.desc())
                              .limit(1))
    if approved is not None:
        return ros.start_revision(session, actor, approved.id)
    return ros.create_assessment(session, actor, {"scope": "department", "title": t("nsm.ros_title"),
                                                  "context": t("nsm.ros_context")})


def gap_to_department_risk(session: Session, actor: Actor, assessment_id: int, measure_id: str, payload) -> int:
    """Carry a maturity gap into the department-wide ROS as a risk with an owner and a deadline."""
    actor.require("risk.write")
    data = validate(OwnedRiskIn, payload)
    _assessment(session, assessment_id)
    score = crud.scalar_or_raise(session, select(NsmScore).where(NsmScore.assessment_id == assessment_id,
                                                                 NsmScore.measure_id == measure_id, IN_CATALOGUE),
                                 "nsm.error.unknown_measure", id=measure_id)
    if score.ros_risk_id is not None:
        raise BackofficeError(t("nsm.error.already_risk", id=score.ros_risk_id))
    if score.level is None or score.level >= score.target:
        raise BackofficeError(t("nsm.error.no_gap", id=measure_id))
    assessment = department_ros(session, actor)
    principle = ".".join(measure_id.split(".")[:2])
    risk = ros.add_risk(session, actor, assessment.id, {
        "title": t("nsm.risk_title", id=measure_id, title=score.title or title(measure_id))[:200],
        "threat": t("nsm.risk_threat", principle=f"{principle} {title(principle)}"),
        "vulnerability": t("nsm.risk_vulnerability", level=score.level, target=score.target,
                           evidence=score.evidence or "-"),
        "consequence": t("nsm.risk_consequence"),
        "inherent": {"likelihood": data.likelihood,
                     "consequences": {"confidentiality": data.consequence, "integrity": data.consequence,
                                      "availability": data.consequence}},
        "owner": data.owner, "due_date": data.deadline, "treatment": "reduce",
        "source": t("nsm.risk_source", id=measure_id)[:200],
    })
    score.ros_risk_id = risk.id
    session.flush()
    return risk.id


# --- the leader's overview ---------------------------------------------------------------------------------


def _signed(value: float) -> str:
    text = number(abs(value), 1)
    return ("+" if value >= 0 else "−") + text


def kpis(session: Session, _actor: Actor) -> list[Kpi]:
    """NSM maturity by category (latest assessment), with the change since the one before."""
    latest, previous = latest_two(session)
    if latest is None:
        return [Kpi(t("nsm.kpi.none"), "–", t("nsm.kpi.none_help"))]
    now = category_averages(session, latest)
    before = category_averages(session, previous) if previous else {}
    out = []
    for category in categories():
        value = now.get(category.id)
        old = before.get(category.id)
        delta = _signed(value - old) if value is not None and old is not None else None
        out.append(Kpi(t("nsm.kpi.category", id=category.id, title=category.title),
                       t("nsm.kpi.value", value=number(value, 1)) if value is not None else "–",
                       t("nsm.kpi.help"), delta))
    return out
