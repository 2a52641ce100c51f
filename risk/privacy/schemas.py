"""What may come in to the breach register, the risk notices and the management system's documents."""
from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from data.i18n import t

# The internal deadline for telling the controllers (GDPR art. 33(2): "without undue delay"). Each controller
# has 72 hours from its own awareness to notify Datatilsynet (art. 33(1)); telling them within 24 hours of our
# awareness leaves them at least two thirds of that time even if they count from our awareness.
DEFAULT_NOTIFY_HOURS = 24
CONTROLLER_HOURS = 72
ISO_CONTROL = re.compile(r"^(A\.)?\d{1,2}(\.\d{1,2}){0,2}$")


class DocumentKind(StrEnum):
    POLICY = "policy"
    PROCEDURE = "procedure"
    ROUTINE = "routine"


class DocumentStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"


class DigiOrdenBasis(StrEnum):
    INTEGRATES = "integrates"   # the map shows an integration with an affected service
    NOT_MAPPED = "not_mapped"   # the organisation has no DigiOrden map: kept
    OFF = "off"                 # narrowing switched off for this breach


class EventKind(StrEnum):
    MARKED = "marked"
    AWARE_CHANGED = "aware_changed"
    ACTION = "action"
    SENT = "sent"
    CONTROLLERS = "controllers"
    CLOSED = "closed"


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(t("priv.error.naive_time"))
    return value


class BreachDetailsIn(BaseModel):
    """The breach record's description (art. 33(3)): all optional while the facts come in."""

    model_config = ConfigDict(str_strip_whitespace=True)
    title: str = Field(min_length=3, max_length=200)
    what_happened: str = Field(default="", max_length=8000)
    subject_categories: str = Field(default="", max_length=2000)
    subjects_approx: int | None = Field(default=None, ge=0)
    record_categories: str = Field(default="", max_length=2000)
    records_approx: int | None = Field(default=None, ge=0)
    likely_consequences: str = Field(default="", max_length=8000)
    measures_taken: str = Field(default="", max_length=8000)
    contact: str = Field(default="", max_length=300)
    notify_within_hours: int = Field(default=DEFAULT_NOTIFY_HOURS, ge=1, le=CONTROLLER_HOURS)
    narrow_by_digiorden: bool = True


class BreachMarkIn(BreachDetailsIn):
    ticket_id: int
    aware_at: datetime
    service_codes: list[str] = Field(default_factory=list)   # empty: the ticket's service

    _aware_at = field_validator("aware_at")(_aware)


class AwareChangeIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    aware_at: datetime
    reason: str = Field(min_length=3, max_length=2000)

    _aware_at = field_validator("aware_at")(_aware)


class ServicesIn(BaseModel):
    service_codes: list[str] = Field(min_length=1)
    reason: str = Field(default="", max_length=2000)


class EventIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    at: datetime
    text: str = Field(min_length=3, max_length=4000)

    _at = field_validator("at")(_aware)


class SentIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    organisation_ids: list[int] = Field(min_length=1)
    sent_at: datetime
    note: str = Field(default="", max_length=2000)

    _sent_at = field_validator("sent_at")(_aware)


class CloseIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    note: str = Field(min_length=3, max_length=4000)


class RiskNoticeIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    service_code: str = Field(min_length=1, max_length=40)
    note: str = Field(default="", max_length=4000)


class DocumentIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    kind: DocumentKind
    title: str = Field(min_length=3, max_length=200)
    purpose: str = Field(default="", max_length=4000)
    location: str = Field(default="", max_length=500)
    owner: str = Field(min_length=1, max_length=120)
    doc_version: str = Field(min_length=1, max_length=20)
    review_months: int = Field(default=12, ge=1, le=60)
    nsm_principles: list[str] = Field(default_factory=list)
    iso_controls: list[str] = Field(default_factory=list)

    @field_validator("nsm_principles", "iso_controls", mode="before")
    @classmethod
    def _split(cls, value):
        if isinstance(value, str):
            value = re.split(r"[,;\s]+", value)
        return [str(v).strip() for v in value or () if str(v).strip()]

    @field_validator("iso_controls")
    @classmethod
    def _controls(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if not ISO_CONTROL.match(v)]
        if bad:
            raise ValueError(t("priv.doc.bad_control", ids=", ".join(bad)))
        return sorted(set(value), key=_id_key)


class ApproveIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    approved_on: date
    next_review: date | None = None    # default: approved_on + the document's review interval
    note: str = Field(default="", max_length=2000)


def _id_key(value: str) -> tuple:
    return tuple(int(p) for p in re.findall(r"\d+", value))


def id_key(value: str) -> tuple:
    """Sort key for dotted ids ("A.5.10" after "A.5.9")."""
    return _id_key(value)
