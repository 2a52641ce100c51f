"""Maturity against NSM's basic principles for ICT security (issue 8).

The structure (4 categories, 21 principles, 118 measures, ids like "2.6.3") is reference data in
risk/reference/nsm_principles.csv, with titles in our own words in both languages. An assessment
scores each measure on a maturity scale 0–5 with evidence and a target; results roll up by principle
and category, assessments are compared over time, and the gaps (furthest below target) feed the
department-wide ROS.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from statistics import mean

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data import crud, textguard
from data.access import Actor
from data.appspec import Kpi
from data.errors import BackofficeError, RowError, ValidationFailed, errors_from_pydantic, validate
from data.excel import read_sheet
from data.formatting import number
from data.i18n import get_language, t
from risk import ros
from risk.models import NsmAssessment, NsmScore, RosAssessment
from risk.schemas import NsmAssessmentIn, NsmScoreIn, OwnedRiskIn

REFERENCE = Path(__file__).resolve().parent / "reference" / "nsm_principles.csv"
MATURITY_KEYS = {0: "nsm.level.0", 1: "nsm.level.1", 2: "nsm.level.2", 3: "nsm.level.3", 4: "nsm.level.4",
                 5: "nsm.level.5"}


@dataclass(frozen=True)
class Item:
    id: str
    title_nb: str
    title_en: str

    @property
    def depth(self) -> int:
        return self.id.count(".")

    @property
    def title(self) -> str:
        return self.title_en if get_language() == "en" else self.title_nb

    @property
    def parent(self) -> str:
        return self.id.rsplit(".", 1)[0] if "." in self.id else ""


def _key(item_id: str) -> tuple[int, ...]:
    return tuple(int(part) for part in item_id.split("."))


@lru_cache(maxsize=1)
def reference() -> tuple[Item, ...]:
    with REFERENCE.open(encoding="utf-8") as handle:
        rows = [Item(r["id"].strip(), r["title_nb"].strip(), r["title_en"].strip())
                for r in csv.DictReader(handle, delimiter=";")]
    return tuple(sorted(rows, key=lambda item: _key(item.id)))


def items_by_id() -> dict[str, Item]:
    return {item.id: item for item in reference()}


def categories() -> list[Item]:
    return [i for i in reference() if i.depth == 0]


def principles() -> list[Item]:
    return [i for i in reference() if i.depth == 1]


def measures() -> list[Item]:
    return [i for i in reference() if i.depth == 2]


def measure_ids() -> list[str]:
    return [m.id for m in measures()]


def title(item_id: str) -> str:
    item = items_by_id().get(item_id)
    return item.title if item else item_id


# --- assessments --------------------------------------------------------------------------------------


def _assessment(session: Session, assessment_id: int) -> NsmAssessment:
    return crud.get_or_raise(session, NsmAssessment, assessment_id, "nsm.error.no_assessment")


def _assessment_for_edit(session: Session, assessment_id: int, expected_version: int | None) -> NsmAssessment:
    return crud.for_edit(session, NsmAssessment, assessment_id, expected_version, "nsm.error.no_assessment")


def _refuse_final(assessment: NsmAssessment) -> None:
    if assessment.status == "final":
        raise BackofficeError(t("nsm.error.final", title=assessment.title))


def create_assessment(session: Session, actor: Actor, payload) -> NsmAssessment:
    """A new assessment with one row per measure; copies levels, targets and evidence from an earlier
    assessment when asked (so this year's starts from last year's)."""
    actor.require("risk.write")
    data = validate(NsmAssessmentIn, payload)
    previous = {}
    if data.copy_from_id is not None:
        source = _assessment(session, data.copy_from_id)
        previous = {s.measure_id: s for s in source.scores}
    assessment = NsmAssessment(title=data.title, assessed_on=data.assessed_on, scope=data.scope,
                               default_target=data.default_target, notes=data.notes, status="draft",
                               created_by=actor.username)
    for measure_id in measure_ids():
        old = previous.get(measure_id)
        assessment.scores.append(NsmScore(
            measure_id=measure_id, level=old.level if old else None,
            target=old.target if old else data.default_target, evidence=old.evidence if old else "",
            comment=""))
    session.add(assessment)
    session.flush()
    return assessment


def update_scores(session: Session, actor: Actor, assessment_id: int, rows: list[dict],
                  expected_version: int | None = None) -> int:
    """Save scores for many measures at once: every row is checked first; nothing is saved if any is wrong.

    Returns the number of measures changed.
    """
    actor.require("risk.write")
    assessment = _assessment_for_edit(session, assessment_id, expected_version)
    _refuse_final(assessment)
    known = set(measure_ids())
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
        checked.append(item)
    if errors:
        raise ValidationFailed(errors)
    scores = {s.measure_id: s for s in assessment.scores}
    changed = 0
    for item in checked:
        score = scores.get(item.measure_id)
        if score is None:
            score = NsmScore(measure_id=item.measure_id, target=assessment.default_target)
            assessment.scores.append(score)
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
        missing = sum(1 for s in assessment.scores if s.level is None)
        if missing:
            raise BackofficeError(t("nsm.error.unscored", count=missing))
    assessment.status = status
    session.flush()
    return assessment


def delete_assessment(session: Session, actor: Actor, assessment_id: int) -> None:
    actor.require("risk.write")
    crud.delete_row(session, NsmAssessment, assessment_id, "nsm.error.no_assessment", guard=_refuse_final)


# --- reading -------------------------------------------------------------------------------------------


def assessment_rows(session: Session) -> list[dict]:
    scored = func.count(NsmScore.level)
    query = (select(NsmAssessment.id, NsmAssessment.version, NsmAssessment.title, NsmAssessment.assessed_on,
                    NsmAssessment.status, NsmAssessment.scope, NsmAssessment.default_target,
                    func.avg(NsmScore.level).label("average"), scored.label("scored"),
                    func.count(NsmScore.id).label("measures"))
             .outerjoin(NsmScore, NsmScore.assessment_id == NsmAssessment.id)
             .group_by(NsmAssessment.id).order_by(NsmAssessment.assessed_on.desc(), NsmAssessment.id.desc()))
    return [{"id": r.id, "version": r.version, "title": r.title, "assessed_on": r.assessed_on, "status": r.status,
             "scope": r.scope, "default_target": r.default_target,
             "average": round(float(r.average), 2) if r.average is not None else None,
             "scored": int(r.scored), "measures": int(r.measures)} for r in session.execute(query)]


def score_rows(session: Session, assessment_id: int) -> list[dict]:
    """One row per measure with its principle and category, in id order."""
    _assessment(session, assessment_id)
    scores = {s.measure_id: s for s in session.scalars(select(NsmScore)
                                                       .where(NsmScore.assessment_id == assessment_id))}
    rows = []
    for measure in measures():
        score = scores.get(measure.id)
        principle = measure.parent
        rows.append({"measure_id": measure.id, "measure": measure.title, "principle_id": principle,
                     "principle": title(principle), "category_id": principle.split(".")[0],
                     "category": title(principle.split(".")[0]),
                     "level": score.level if score else None, "target": score.target if score else 3,
                     "ros_risk_id": score.ros_risk_id if score else None,
                     "gap": (score.target - score.level) if score and score.level is not None else None,
                     "evidence": score.evidence if score else "", "comment": score.comment if score else ""})
    return rows


def _pairs(session: Session, assessment_id: int) -> list[tuple[str, int | None, int]]:
    return [(r.measure_id, r.level, r.target) for r in session.execute(
        select(NsmScore.measure_id, NsmScore.level, NsmScore.target).where(NsmScore.assessment_id == assessment_id))]


def rollup(pairs: list[tuple[str, int | None, int]], depth: int) -> list[dict]:
    """Average maturity and target per principle (depth 1) or category (depth 0).

    Unscored measures are left out of the average and counted as `unscored`.
    """
    groups: dict[str, list[tuple[int | None, int]]] = {}
    for measure_id, level, target in pairs:
        parts = measure_id.split(".")
        groups.setdefault(".".join(parts[:depth + 1]), []).append((level, target))
    out = []
    wanted = [i for i in reference() if i.depth == depth]
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
    """Measures furthest below target (largest gap first, then lowest level); unscored ones last."""
    rows = [r for r in score_rows(session, assessment_id) if r["gap"] is not None and r["gap"] > 0]
    rows.sort(key=lambda r: (-r["gap"], r["level"], _key(r["measure_id"])))
    return rows[:limit] if limit else rows


def trend(session: Session) -> list[dict]:
    """Average maturity per category for each assessment, oldest first (for the trend chart)."""
    query = (select(NsmAssessment.id, NsmAssessment.title, NsmAssessment.assessed_on, NsmScore.measure_id,
                    NsmScore.level, NsmScore.target)
             .join(NsmScore, NsmScore.assessment_id == NsmAssessment.id)
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
    """Average level per category in SQL (the overview KPI): measure ids start with the category digit."""
    category = func.substr(NsmScore.measure_id, 1, 1)
    query = (select(category.label("category"), func.avg(NsmScore.level))
             .where(NsmScore.assessment_id == assessment_id).group_by(category))
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
                                                                 NsmScore.measure_id == measure_id),
                                 "nsm.error.unknown_measure", id=measure_id)
    if score.ros_risk_id is not None:
        raise BackofficeError(t("nsm.error.already_risk", id=score.ros_risk_id))
    if score.level is None or score.level >= score.target:
        raise BackofficeError(t("nsm.error.no_gap", id=measure_id))
    assessment = department_ros(session, actor)
    principle = items_by_id()[measure_id].parent
    risk = ros.add_risk(session, actor, assessment.id, {
        "title": t("nsm.risk_title", id=measure_id, title=title(measure_id))[:200],
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
