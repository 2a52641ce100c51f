"""What may come in: pydantic payloads for forms, the CLI and imports, with plain-language errors."""
from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator, model_validator

from agreements.models import AgreementStatus, ChangeRequestStatus, MemberRole, PriceModel, RoadmapStatus
from data import textguard
from data.errors import RowError, ValidationFailed
from data.i18n import t

# Statuses an appendix may have (a main agreement uses the first four).
APPENDIX_STATUSES = ("draft", "sent", "signed", "terminated", "cancelled")
MAIN_STATUSES = tuple(s.value for s in AgreementStatus)


def _blank_to_none(value):
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _to_date(value):
    """Dates from forms and sheets: date, datetime, or Norwegian text such as 01.02.2024."""
    value = _blank_to_none(value)
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return parse_date(value)
    raise ValueError(t("import.bad_date", value=value))


def parse_date(text: str) -> date:
    """`01.02.2024`, `1.2.2024`, `01.02.24`, `01/02/2024`, `01-02-2024` and ISO `2024-02-01`."""
    value = text.strip()
    try:
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            return date.fromisoformat(value)
        for separator in (".", "/", "-"):
            parts = value.split(separator)
            if len(parts) == 3 and all(p.strip().isdigit() for p in parts):
                day, month, year = (int(p) for p in parts)
                if len(parts[2].strip()) == 2:
                    year += 2000
                elif len(parts[2].strip()) != 4:
                    break
                return date(year, month, day)
    except ValueError:
        pass
    raise ValueError(t("import.bad_date", value=text))


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True)


class MainAgreementIn(_In):
    organisation_id: int
    status: AgreementStatus = AgreementStatus.DRAFT
    signed_date: date | None = None
    signatory: str | None = Field(default=None, max_length=200)
    template_version: str | None = Field(default=None, max_length=40)
    document_ref: str | None = Field(default=None, max_length=200)
    terminated_date: date | None = None
    notes: str = ""

    _dates = field_validator("signed_date", "terminated_date", mode="before")(_to_date)
    _blanks = field_validator("signatory", "template_version", "document_ref", mode="before")(_blank_to_none)

    @model_validator(mode="after")
    def _rules(self):
        if self.status in (AgreementStatus.SIGNED, AgreementStatus.TERMINATED) and self.signed_date is None:
            raise ValueError(t("agr.rule.signed_needs_date"))
        if self.status == AgreementStatus.TERMINATED and self.terminated_date is None:
            raise ValueError(t("agr.rule.terminated_needs_date"))
        if self.status != AgreementStatus.TERMINATED and self.terminated_date is not None:
            raise ValueError(t("agr.rule.terminated_date_needs_status"))
        if self.signed_date and self.terminated_date and self.terminated_date < self.signed_date:
            raise ValueError(t("agr.rule.terminated_before_signed"))
        return self


class AppendixIn(_In):
    organisation_id: int
    service_code: str = Field(min_length=1)
    appendix_version: str | None = Field(default=None, max_length=40)
    status: str = "draft"
    signed_date: date | None = None
    start_date: date
    end_date: date | None = None
    price_model: PriceModel | None = None
    notes: str = ""

    _dates = field_validator("signed_date", "start_date", "end_date", mode="before")(_to_date)
    _blanks = field_validator("appendix_version", "price_model", mode="before")(_blank_to_none)

    @field_validator("status")
    @classmethod
    def _status(cls, value):
        if value not in APPENDIX_STATUSES:
            raise ValueError(t("agr.bad_choice", value=value,
                               choices=", ".join(t(f"agr.status.{s}") for s in APPENDIX_STATUSES)))
        return value

    @model_validator(mode="after")
    def _rules(self):
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(t("error.end_before_start"))
        if self.status in ("signed", "terminated") and self.signed_date is None:
            raise ValueError(t("agr.rule.signed_needs_date"))
        if self.status == "terminated" and self.end_date is None:
            raise ValueError(t("agr.rule.appendix_terminated_needs_end"))
        return self


class AppendixVersionIn(_In):
    service_code: str = Field(min_length=1)
    version: str = Field(min_length=1, max_length=40)
    issued_on: date
    summary: str = ""

    _dates = field_validator("issued_on", mode="before")(_to_date)


class ResignIn(_In):
    """An organisation has signed a new version of its appendix from `start_date`."""

    appendix_version: str = Field(min_length=1, max_length=40)
    signed_date: date
    start_date: date
    price_model: PriceModel | None = None

    _dates = field_validator("signed_date", "start_date", mode="before")(_to_date)


class TerminateIn(_In):
    terminated_date: date
    notes: str = ""

    _dates = field_validator("terminated_date", mode="before")(_to_date)


class CouncilIn(_In):
    service_code: str = Field(min_length=1)
    name: str = Field(min_length=1, max_length=200)
    mandate: str = ""


class MemberIn(_In):
    person_name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    organisation_id: int
    role: MemberRole = MemberRole.MEMBER
    term_from: date
    term_to: date | None = None

    _dates = field_validator("term_from", "term_to", mode="before")(_to_date)
    _blanks = field_validator("email", mode="before")(_blank_to_none)

    @model_validator(mode="after")
    def _rules(self):
        if self.term_to is not None and self.term_to < self.term_from:
            raise ValueError(t("error.end_before_start"))
        return self


class ElectionIn(_In):
    """A whole council elected by the user meeting for one term."""

    term_from: date
    term_to: date | None = None
    members: list[MemberIn]

    _dates = field_validator("term_from", "term_to", mode="before")(_to_date)

    @model_validator(mode="after")
    def _rules(self):
        if self.term_to is not None and self.term_to < self.term_from:
            raise ValueError(t("error.end_before_start"))
        return self


class DecisionIn(_In):
    """One numbered decision of a council meeting. It may name the change request it decides and the
    status that request moves to (along the change requests' own status path)."""

    text: str = ""
    change_request_id: int | None = None
    new_status: ChangeRequestStatus | None = None

    _blanks = field_validator("change_request_id", "new_status", mode="before")(_blank_to_none)

    @property
    def is_blank(self) -> bool:
        return not self.text and self.change_request_id is None and self.new_status is None


class MeetingIn(_In):
    meeting_date: date
    title: str = Field(min_length=1, max_length=200)
    location: str = Field(default="", max_length=200)
    agenda: str = ""
    minutes: str = ""
    decisions: list[DecisionIn] = Field(default_factory=list)

    _dates = field_validator("meeting_date", mode="before")(_to_date)

    @field_validator("decisions", mode="before")
    @classmethod
    def _lines(cls, values):
        """A plain line of text is a decision without a link."""
        return [{"text": v} if isinstance(v, str) else v for v in values or []]

    @field_validator("decisions")
    @classmethod
    def _no_blank(cls, values):
        return [v for v in values if not v.is_blank]


class ChangeRequestIn(_In):
    service_code: str = Field(min_length=1)
    organisation_id: int | None = None
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    submitted_by: str = Field(min_length=1, max_length=200)
    submitted_on: date
    status: ChangeRequestStatus = ChangeRequestStatus.NEW
    council_priority: int | None = Field(default=None, ge=1, le=99)
    assessment: str = ""
    roadmap_item_id: int | None = None

    _dates = field_validator("submitted_on", mode="before")(_to_date)
    _blanks = field_validator("council_priority", "roadmap_item_id", "organisation_id", mode="before")(
        _blank_to_none)


class RoadmapItemIn(_In):
    service_code: str = Field(min_length=1)
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    year: int = Field(ge=2000, le=2100)
    quarter: int = Field(ge=1, le=4)
    status: RoadmapStatus = RoadmapStatus.PLANNED


# --- validation with plain-language messages -----------------------------------------------------

_PYDANTIC_TYPES = {
    "missing": "import.required",
    "string_too_short": "import.required",
    "int_parsing": "agr.must_be_integer",
    "int_type": "agr.must_be_integer",
    "int_from_float": "agr.must_be_integer",
    "date_type": "agr.must_be_date",
    "date_parsing": "agr.must_be_date",
    "date_from_datetime_parsing": "agr.must_be_date",
}


def field_label(name: str | None) -> str | None:
    if not name:
        return None
    key = f"agr.field.{name.split('.')[0]}"
    label = t(key)
    return name if label == key else label


def row_errors(exc: ValidationError, row: int | None = None, labels: dict[str, str] | None = None) -> list[RowError]:
    """A pydantic error as RowErrors with Norwegian messages and the field's label (or sheet column)."""
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        name = loc[0] if loc else None
        kind = err.get("type", "")
        if kind in _PYDANTIC_TYPES:
            message = t(_PYDANTIC_TYPES[kind])
        elif kind == "enum":
            expected = err.get("ctx", {}).get("expected", "")
            message = t("agr.bad_choice", value=err.get("input"), choices=expected)
        elif kind == "value_error" and "email address" in err.get("msg", ""):   # EmailStr's own English text
            message = t("agr.bad_email", value=err.get("input"))
        elif kind in ("greater_than_equal", "less_than_equal"):
            ctx = err.get("ctx", {})
            message = t("agr.out_of_range", value=err.get("input"),
                        limit=ctx.get("ge", ctx.get("le", "")))
        else:
            message = err.get("msg", "")
            if message.startswith("Value error, "):
                message = message[len("Value error, "):]
        if labels and name in labels:
            field = labels[name]
        else:
            field = field_label(name) if kind != "value_error" or name else None
        out.append(RowError(row, field, message))
    return out


def check(model, payload, row: int | None = None):
    """Validate `payload` against `model`; raise ValidationFailed in plain language (control characters
    in text too, data/textguard.py)."""
    if not isinstance(payload, model):
        try:
            payload = model.model_validate(payload)
        except ValidationError as exc:
            raise ValidationFailed(row_errors(exc, row)) from exc
    textguard.refuse(payload, row, label=field_label)
    return payload
