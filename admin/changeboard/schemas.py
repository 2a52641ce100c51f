"""What may come in to the change board: change items, templates, freeze windows, overrides, load limits,
meetings, minutes lines and cross-cutting topics."""
from __future__ import annotations

from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from admin.changeboard.models import ChangeSource, ChangeType, DecisionOutcome, TopicArea
from data.formatting import OSLO
from data.i18n import t


def as_utc(value: datetime | None) -> datetime | None:
    """A datetime from a form or a file: naive means Oslo time."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=OSLO)
    return value.astimezone(UTC)


class ChangeItemIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=300)
    description: str = Field(default="", max_length=20000)
    source: ChangeSource
    change_type: ChangeType
    template_id: int | None = None
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    outage: bool = False
    user_impact: bool = False
    rollback_plan: str = Field(default="", max_length=20000)
    risk: int = Field(default=1, ge=1, le=5)
    impact: int = Field(default=1, ge=1, le=5)
    requires_ros_update: bool = False
    security_relevant: bool = False
    architecture_relevant: bool = False
    project_id: int | None = None
    project_ref: str = Field(default="", max_length=200)
    owner: str = Field(default="", max_length=200)
    service_codes: list[str] = Field(default_factory=list)
    component_codes: list[str] = Field(default_factory=list)
    ticket_numbers: list[int] = Field(default_factory=list)

    @field_validator("planned_start", "planned_end")
    @classmethod
    def _utc(cls, value):
        return as_utc(value)

    @field_validator("ticket_numbers", mode="before")
    @classmethod
    def _numbers(cls, value):
        if isinstance(value, str):
            parts = [p.strip().lstrip("#") for p in value.replace(";", ",").split(",")]
            return [int(p) for p in parts if p]
        return value

    @model_validator(mode="after")
    def _window(self):
        if self.planned_end is not None and self.planned_start is None:
            raise ValueError(t("cb.error.end_without_start"))
        if self.planned_start and self.planned_end and self.planned_end <= self.planned_start:
            raise ValueError(t("cb.error.end_before_start"))
        if self.change_type == ChangeType.STANDARD and self.template_id is None:
            raise ValueError(t("cb.error.standard_needs_template"))
        return self


class TemplateIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str = Field(min_length=3, max_length=200)
    description: str = ""
    rollback_plan: str = ""
    max_risk: int = Field(default=2, ge=1, le=5)
    max_impact: int = Field(default=2, ge=1, le=5)
    outage: bool = False
    active: bool = True


class FreezeIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str = Field(min_length=3, max_length=200)
    start_date: date
    end_date: date
    service_code: str | None = None
    reason: str = ""

    @model_validator(mode="after")
    def _order(self):
        if self.end_date < self.start_date:
            raise ValueError(t("cb.error.freeze_end_before_start"))
        return self


class OverrideIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    reason: str = Field(min_length=10, max_length=4000)


class LoadLimitIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    valid_from: date
    max_changes: int = Field(ge=1, le=200)
    note: str = ""


class MeetingIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    meeting_date: date
    chair: str = Field(default="", max_length=200)
    attendees: str = ""
    notes: str = ""
    held: bool = False


class DecisionIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    section: str
    outcome: DecisionOutcome
    item_id: int | None = None
    ticket_id: int | None = None
    topic_id: int | None = None
    note: str = Field(default="", max_length=4000)
    action_owner: str = Field(default="", max_length=200)
    due_date: date | None = None


class TopicIn(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)
    title: str = Field(min_length=3, max_length=300)
    area: TopicArea
    description: str = ""
    raised_on: date
