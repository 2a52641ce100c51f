"""What may come in to the ROS and DPIA registers and NSM maturity assessments (forms, CLI, other modules)."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from data.i18n import t

DIMENSIONS = ("confidentiality", "integrity", "availability", "privacy", "economy", "reputation", "life_health")
LEVELS = ("green", "yellow", "red")


class Scope(StrEnum):
    SERVICE = "service"
    COMPONENT = "component"
    DEPARTMENT = "department"


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


FROZEN = (Status.APPROVED.value, Status.SUPERSEDED.value)


class Treatment(StrEnum):
    REDUCE = "reduce"
    ACCEPT = "accept"
    TRANSFER = "transfer"
    AVOID = "avoid"


class Knowledge(StrEnum):
    WEAK = "weak"
    MEDIUM = "medium"
    STRONG = "strong"


class MeasureStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


OPEN_MEASURE = (MeasureStatus.PLANNED.value, MeasureStatus.IN_PROGRESS.value)


class Decision(StrEnum):
    PENDING = "pending"      # requested by the security officer, awaiting the leader
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class TriggerKind(StrEnum):
    CHANGE = "change"
    INCIDENT = "incident"
    PERIODIC = "periodic"
    OTHER = "other"


def _blank_none(value):
    return None if isinstance(value, str) and not value.strip() else value


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class LevelText(_In):
    label: str = Field(min_length=1, max_length=80)
    description: str = Field(default="", max_length=400)


class MatrixIn(_In):
    name: str = Field(min_length=1, max_length=120)
    likelihood_levels: list[LevelText] = Field(min_length=2, max_length=10)
    consequence_levels: list[LevelText] = Field(min_length=2, max_length=10)
    dimensions: list[str] = Field(min_length=1)
    combine_rule: str = "max"
    yellow_from: int = Field(ge=1)
    red_from: int = Field(ge=1)
    accept_up_to: str = "yellow"
    review_months: dict[str, int] = Field(default_factory=lambda: {"green": 12, "yellow": 6, "red": 3})
    note: str = ""

    @field_validator("dimensions")
    @classmethod
    def _known_dimensions(cls, value):
        unknown = [d for d in value if d not in DIMENSIONS]
        if unknown:
            raise ValueError(t("ros.matrix.unknown_dimension", names=", ".join(unknown), known=", ".join(DIMENSIONS)))
        return list(dict.fromkeys(value))

    @field_validator("combine_rule")
    @classmethod
    def _rule(cls, value):
        if value not in ("max", "mean"):
            raise ValueError(t("ros.matrix.unknown_rule", rule=value))
        return value

    @field_validator("accept_up_to")
    @classmethod
    def _accept(cls, value):
        if value not in LEVELS:
            raise ValueError(t("ros.matrix.unknown_level", level=value))
        return value

    @field_validator("review_months")
    @classmethod
    def _months(cls, value):
        missing = [lvl for lvl in LEVELS if lvl not in value]
        if missing or any(v < 1 or v > 60 for v in value.values()):
            raise ValueError(t("ros.matrix.review_months"))
        return {lvl: int(value[lvl]) for lvl in LEVELS}

    @model_validator(mode="after")
    def _thresholds(self):
        top = len(self.likelihood_levels) * len(self.consequence_levels)
        if not (1 <= self.yellow_from < self.red_from <= top):
            raise ValueError(t("ros.matrix.thresholds", top=top))
        return self


class StageIn(_In):
    """Likelihood (1..n) and consequence per dimension (1..m) for one stage of a risk."""

    likelihood: int = Field(ge=1)
    consequences: dict[str, int] = Field(min_length=1)

    @field_validator("consequences", mode="before")
    @classmethod
    def _drop_empty(cls, value):
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if v not in (None, "", 0)}
        return value


class RiskIn(_In):
    key: str | None = Field(default=None, max_length=20)
    title: str = Field(min_length=1, max_length=200)
    threat: str = ""
    vulnerability: str = ""
    consequence: str = ""
    inherent: StageIn
    current: StageIn | None = None
    residual: StageIn | None = None
    knowledge: Knowledge = Knowledge.MEDIUM
    owner: str = Field(default="", max_length=200)
    treatment: Treatment = Treatment.REDUCE
    next_review: date | None = None
    due_date: date | None = None
    municipality_action: str = ""
    source: str = Field(default="", max_length=200)

    blank_to_none = field_validator("key", "next_review", "due_date", mode="before")(_blank_none)


class AssessmentIn(_In):
    scope: Scope
    service_code: str | None = None
    component_code: str | None = None
    title: str = Field(min_length=1, max_length=200)
    context: str = ""
    participants: str = ""
    assessed_on: date = Field(default_factory=date.today)
    matrix_id: int | None = None

    blank_to_none = field_validator("service_code", "component_code", "matrix_id", mode="before")(_blank_none)

    @model_validator(mode="after")
    def _scope_target(self):
        if self.scope == Scope.SERVICE and not self.service_code:
            raise ValueError(t("ros.scope_needs_service"))
        if self.scope == Scope.COMPONENT and not self.component_code:
            raise ValueError(t("ros.scope_needs_component"))
        if self.scope == Scope.DEPARTMENT:
            self.service_code = self.component_code = None
        if self.scope == Scope.SERVICE:
            self.component_code = None
        return self


class MeasureIn(_In):
    key: str | None = Field(default=None, max_length=20)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner: str = Field(default="", max_length=200)
    due_date: date | None = None
    status: MeasureStatus = MeasureStatus.PLANNED
    cost_ore: int | None = Field(default=None, ge=0)
    effect: str = ""
    completed_on: date | None = None
    risk_keys: list[str] = Field(default_factory=list)

    blank_to_none = field_validator("key", "due_date", "completed_on", "cost_ore", mode="before")(_blank_none)

    @model_validator(mode="after")
    def _owner_and_date(self):
        if self.status in (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS) and not self.owner:
            raise ValueError(t("ros.measure.needs_owner"))
        if self.status == MeasureStatus.DONE and self.completed_on is None:
            self.completed_on = date.today()
        return self


class MeasureProgressIn(_In):
    """Follow-up that stays possible after the assessment is approved."""

    status: MeasureStatus
    due_date: date | None = None
    completed_on: date | None = None
    owner: str | None = None

    blank_to_none = field_validator("due_date", "completed_on", "owner", mode="before")(_blank_none)


class AcceptanceRequestIn(_In):
    """The security officer asks the leader to accept a risk: why, and until when (a proposal)."""

    rationale: str = Field(min_length=1)
    expires_on: date | None = None

    blank_to_none = field_validator("expires_on", mode="before")(_blank_none)

    @model_validator(mode="after")
    def _expiry(self):
        if self.expires_on is not None and self.expires_on <= date.today():
            raise ValueError(t("ros.acceptance.expiry_before"))
        return self


class AcceptanceDecisionIn(_In):
    """The leader's decision on a request: granted with a reason and an expiry date, or refused with a reason."""

    decision: Decision
    rationale: str = Field(min_length=1)
    decided_on: date = Field(default_factory=date.today)
    expires_on: date | None = None

    blank_to_none = field_validator("expires_on", mode="before")(_blank_none)

    @model_validator(mode="after")
    def _expiry(self):
        if self.decision == Decision.PENDING:
            raise ValueError(t("ros.acceptance.decide_pending"))
        if self.decided_on > date.today():
            raise ValueError(t("ros.acceptance.decided_in_future"))
        if self.decision == Decision.ACCEPTED and self.expires_on is None:
            raise ValueError(t("ros.acceptance.needs_expiry"))
        if self.decision == Decision.REJECTED:
            self.expires_on = None
        if self.expires_on is not None and self.expires_on <= self.decided_on:
            raise ValueError(t("ros.acceptance.expiry_before"))
        return self


class SendBackIn(_In):
    """Why the leader sends a version back to its preparer."""

    reason: str = Field(min_length=3, max_length=2000)


class TriggerIn(_In):
    kind: TriggerKind = TriggerKind.CHANGE
    reason: str = Field(min_length=3, max_length=2000)
    reference: str = Field(default="", max_length=200)


class DpiaRiskIn(_In):
    key: str | None = Field(default=None, max_length=20)
    description: str = Field(min_length=1)
    likelihood: int = Field(ge=1, le=4)
    severity: int = Field(ge=1, le=4)
    measures: str = ""
    residual_likelihood: int | None = Field(default=None, ge=1, le=4)
    residual_severity: int | None = Field(default=None, ge=1, le=4)

    blank_to_none = field_validator("key", mode="before")(_blank_none)


class DpiaIn(_In):
    service_code: str = Field(min_length=1)
    processing: str = Field(min_length=1, max_length=200)
    assessed_on: date = Field(default_factory=date.today)
    screening_criteria: list[str] = Field(default_factory=list)
    screening_listed: list[str] = Field(default_factory=list)
    screening_note: str = ""
    purposes: str = ""
    data_categories: str = ""
    special_categories: str = ""
    data_subjects: str = ""
    recipients: str = ""
    retention: str = ""
    legal_basis_art6: list[str] = Field(default_factory=list)
    legal_basis_art9: list[str] = Field(default_factory=list)
    legal_basis_note: str = ""
    necessity: str = ""
    proportionality: str = ""
    measures: str = ""
    dpo_opinion: str = ""
    dpo_name: str = ""
    conclusion: str = ""


# --- NSM maturity ---------------------------------------------------------------------------------------


class _LooseIn(BaseModel):
    """Payloads that may carry fields we do not use (a sheet row's number, a form's extras): ignored."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")


class NsmAssessmentIn(_LooseIn):
    title: str = Field(min_length=1, max_length=200)
    assessed_on: date
    scope: str = Field("", max_length=200)
    default_target: int = Field(3, ge=0, le=5)
    notes: str = ""
    copy_from_id: int | None = None


class NsmScoreIn(_LooseIn):
    measure_id: str
    level: int | None = Field(None, ge=0, le=5)
    target: int = Field(3, ge=0, le=5)
    evidence: str = ""
    comment: str = ""


class OwnedRiskIn(_LooseIn):
    """A finding carried into a ROS as a risk (an NSM gap, a threat): who owns it, by when, how bad."""

    owner: str = Field(min_length=1, max_length=200)
    deadline: date
    likelihood: int = Field(3, ge=1, le=10)
    consequence: int = Field(3, ge=1, le=10)

    @field_validator("deadline")
    @classmethod
    def _future(cls, value: date) -> date:
        if value < date.today():
            raise ValueError(t("ros.error.deadline_past"))
        return value
