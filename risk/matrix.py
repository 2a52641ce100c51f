"""The risk matrix and acceptance criteria as data, and scoring with them.

A matrix has a likelihood scale and a consequence scale (default 5 x 5, a description per level),
consequence dimensions scored separately and combined by a rule (default: the maximum), and
thresholds on the score (likelihood x combined consequence) that colour a risk green, yellow or red.
`accept_up_to` says which colour is still acceptable; anything above is "above the acceptance line".
Editing a matrix saves a new revision, so an assessment always scores with the matrix it used.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.access import Actor
from data.crud import get_or_raise
from data.errors import RowError, ValidationFailed, validate
from data.i18n import t
from risk.models import RiskMatrix
from risk.schemas import DIMENSIONS, LEVELS, MatrixIn, StageIn

DEFAULT_NAME = "Standard 5x5"

DEFAULT_LIKELIHOOD = [
    {"label": "Svært lite sannsynlig", "description": "Sjeldnere enn hvert 50. år"},
    {"label": "Lite sannsynlig", "description": "Én gang per 10–50 år"},
    {"label": "Mulig", "description": "Én gang per 1–10 år"},
    {"label": "Sannsynlig", "description": "1–12 ganger i året"},
    {"label": "Svært sannsynlig", "description": "Oftere enn én gang i måneden"},
]
DEFAULT_CONSEQUENCE = [
    {"label": "Ubetydelig", "description": "Ingen merkbar skade; løses i det daglige"},
    {"label": "Mindre alvorlig", "description": "Kortvarig ulempe for noen få brukere eller kommuner"},
    {"label": "Alvorlig", "description": "Tjenesten utilgjengelig i timer, eller opplysninger om enkeltpersoner på avveie"},
    {"label": "Svært alvorlig", "description": "Brudd på taushetsplikt for mange, tap over 1 mill. kr, nasjonal omtale"},
    {"label": "Kritisk", "description": "Fare for liv og helse, langvarig bortfall for alle kommuner"},
]
DEFAULT_REVIEW_MONTHS = {"green": 12, "yellow": 6, "red": 3}


def default_payload() -> dict:
    return {
        "name": DEFAULT_NAME,
        "likelihood_levels": DEFAULT_LIKELIHOOD,
        "consequence_levels": DEFAULT_CONSEQUENCE,
        "dimensions": list(DIMENSIONS),
        "combine_rule": "max",
        "yellow_from": 5,
        "red_from": 10,
        "accept_up_to": "yellow",
        "review_months": dict(DEFAULT_REVIEW_MONTHS),
        "note": "",
    }


# --- pure scoring ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    likelihood: int
    consequence: int
    score: int
    level: str


def combine(matrix, consequences: dict[str, int]) -> int:
    """One consequence level from the per-dimension levels, by the matrix's rule."""
    values = [int(v) for v in consequences.values() if v]
    if not values:
        return 0
    if matrix.combine_rule == "mean":
        mean = Decimal(sum(values)) / Decimal(len(values))
        return int(mean.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return max(values)


def level_for(matrix, score: int) -> str:
    if score >= matrix.red_from:
        return "red"
    if score >= matrix.yellow_from:
        return "yellow"
    return "green"


def score(matrix, likelihood: int, consequences: dict[str, int]) -> Score:
    consequence = combine(matrix, consequences)
    value = int(likelihood) * consequence
    return Score(int(likelihood), consequence, value, level_for(matrix, value))


def acceptable(matrix, level: str) -> bool:
    return LEVELS.index(level) <= LEVELS.index(matrix.accept_up_to)


def review_date(matrix, level: str, start: date) -> date:
    """Next review: `review_months[level]` after `start` (end of month when the day does not exist)."""
    months = int(matrix.review_months.get(level, 12))
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def cell_levels(matrix) -> list[list[str]]:
    """Colour of each cell: rows are likelihood 1..n, columns consequence 1..m."""
    return [[level_for(matrix, lk * c) for c in range(1, len(matrix.consequence_levels) + 1)]
            for lk in range(1, len(matrix.likelihood_levels) + 1)]


def stage_problems(matrix, stage: StageIn | None, field: str, row: int | None = None) -> list[RowError]:
    """Every way `stage` does not fit the matrix, naming the field."""
    if stage is None:
        return []
    problems = []
    top_l, top_c = len(matrix.likelihood_levels), len(matrix.consequence_levels)
    if not 1 <= stage.likelihood <= top_l:
        problems.append(RowError(row, f"{field}.likelihood",
                                 t("ros.score.likelihood_range", value=stage.likelihood, top=top_l)))
    for dimension, value in stage.consequences.items():
        if dimension not in matrix.dimensions:
            problems.append(RowError(row, f"{field}.{dimension}",
                                     t("ros.score.unknown_dimension", name=dimension, matrix=matrix.name)))
        elif not 1 <= int(value) <= top_c:
            problems.append(RowError(row, f"{field}.{dimension}",
                                     t("ros.score.consequence_range", value=value, top=top_c)))
    return problems


def definition(matrix) -> dict:
    """The matrix as plain data (kept in acceptance snapshots)."""
    return {
        "id": matrix.id, "name": matrix.name, "revision": matrix.revision,
        "likelihood_levels": matrix.likelihood_levels, "consequence_levels": matrix.consequence_levels,
        "dimensions": matrix.dimensions, "combine_rule": matrix.combine_rule,
        "yellow_from": matrix.yellow_from, "red_from": matrix.red_from, "accept_up_to": matrix.accept_up_to,
        "review_months": matrix.review_months,
    }


# --- stored matrices -------------------------------------------------------------------------------


def current_matrix(session: Session) -> RiskMatrix:
    """The matrix new assessments use; the default 5 x 5 is created the first time."""
    matrix = session.scalar(select(RiskMatrix).where(RiskMatrix.is_current.is_(True))
                            .order_by(RiskMatrix.id.desc()).limit(1))
    if matrix is None:
        data = MatrixIn.model_validate(default_payload())
        matrix = _new_matrix(session, data, revision=1, who="system")
    return matrix


def get_matrix(session: Session, matrix_id: int) -> RiskMatrix:
    return get_or_raise(session, RiskMatrix, matrix_id, "ros.matrix.not_found")


def level_labels(session: Session, matrix_id: int | None = None) -> dict[str, list[str]]:
    """The level names of a matrix (the current one when `matrix_id` is None; the default 5 x 5 before any is
    stored, without storing it), to choose levels by name: {"likelihood": [...], "consequence": [...]}."""
    if matrix_id is not None:
        matrix = get_matrix(session, matrix_id)
    else:
        matrix = session.scalar(select(RiskMatrix).where(RiskMatrix.is_current.is_(True))
                                .order_by(RiskMatrix.id.desc()).limit(1))
    likelihood = matrix.likelihood_levels if matrix is not None else DEFAULT_LIKELIHOOD
    consequence = matrix.consequence_levels if matrix is not None else DEFAULT_CONSEQUENCE
    return {"likelihood": [level["label"] for level in likelihood],
            "consequence": [level["label"] for level in consequence]}


def list_matrices(session: Session) -> list[RiskMatrix]:
    return list(session.scalars(select(RiskMatrix).order_by(RiskMatrix.name, RiskMatrix.revision.desc())))


def _new_matrix(session: Session, data: MatrixIn, revision: int, who: str) -> RiskMatrix:
    for old in session.scalars(select(RiskMatrix).where(RiskMatrix.is_current.is_(True))):
        old.is_current = False   # through the ORM, so the audit log records it
    values = data.model_dump(mode="python")
    values["likelihood_levels"] = [dict(level) for level in values["likelihood_levels"]]
    values["consequence_levels"] = [dict(level) for level in values["consequence_levels"]]
    matrix = RiskMatrix(**values, revision=revision, is_current=True, created_by=who)
    session.add(matrix)
    session.flush()
    return matrix


def save_matrix(session: Session, actor: Actor, payload) -> RiskMatrix:
    """Save a new revision of the matrix (same name: next revision) and make it the current one.

    Assessments already made keep the revision they used.
    """
    actor.require("risk.write")
    data = validate(MatrixIn, payload)
    latest = session.scalar(select(func.max(RiskMatrix.revision)).where(RiskMatrix.name == data.name)) or 0
    return _new_matrix(session, data, revision=latest + 1, who=actor.username)


def make_current(session: Session, actor: Actor, matrix_id: int) -> RiskMatrix:
    actor.require("risk.write")
    matrix = get_matrix(session, matrix_id)
    for other in session.scalars(select(RiskMatrix).where(RiskMatrix.is_current.is_(True))):
        other.is_current = False
    matrix.is_current = True
    session.flush()
    return matrix


def check_stages(matrix, stages: dict[str, StageIn | None]) -> None:
    problems = [p for field, stage in stages.items() for p in stage_problems(matrix, stage, field)]
    if problems:
        raise ValidationFailed(problems)
