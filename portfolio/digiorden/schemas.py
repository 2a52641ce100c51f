"""What may come into DigiOrden: one payload per kind, shared by the forms, the Excel import and the CLI.

Payloads refer to each other by name within one organisation (a system names its vendor, a dataset
its system), so a spreadsheet and a form speak the same language. Choices (hosting, personal-data
category, method, service area) accept the code or its label in either language.
"""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from data.i18n import catalog, t
from data.registers.registry import normalise_org_number, parse_norwegian_date
from portfolio.digiorden.models import Hosting, Method, PersonalData, ServiceArea

CHOICE_PREFIX = {
    Hosting: "do.hosting.",
    PersonalData: "do.personal.",
    Method: "do.method.",
    ServiceArea: "do.area.",
}


def choice_label(enum: type[StrEnum], code: str | None) -> str:
    return "" if code is None else t(CHOICE_PREFIX[enum] + str(code))


def parse_choice(enum: type[StrEnum], value) -> str:
    """The enum code for `value`, given as a code or a label in either language (case-insensitive)."""
    if isinstance(value, enum):
        return value.value
    text = str(value or "").strip().casefold()
    for member in enum:
        if text == member.value or text in _labels(CHOICE_PREFIX[enum] + member.value):
            return member.value
    allowed = ", ".join(choice_label(enum, m.value) for m in enum)
    raise ValueError(t("do.bad_choice", value=str(value or ""), allowed=allowed))


_LABELS: dict[str, tuple[str, ...]] = {}


def _labels(key: str) -> tuple[str, ...]:
    """Both languages' labels of a choice, casefolded (cached once the catalogue knows the key)."""
    if key not in _LABELS:
        pair = catalog().get(key)
        if pair is None:
            return ()
        _LABELS[key] = tuple(label.casefold() for label in pair)
    return _LABELS[key]


def parse_day(value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return parse_norwegian_date(str(value))
    except (ValueError, TypeError) as exc:
        raise ValueError(t("import.bad_date", value=str(value))) from exc


def _blank_to_none(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    return value or None


class _Payload(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _numbers_are_text(cls, data):
        """A spreadsheet cell holding 360 or 8.1 is the text "360" or "8.1" (system names, versions)."""
        if isinstance(data, dict):
            data = {k: (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                    if isinstance(v, int | float) and not isinstance(v, bool) else v for k, v in data.items()}
        return data


class VendorIn(_Payload):
    name: str = Field(min_length=1, max_length=200)
    org_number: str | None = None

    @field_validator("org_number", mode="before")
    @classmethod
    def _org_number(cls, value):
        value = _blank_to_none(value)
        return None if value is None else normalise_org_number(value)


class SystemIn(_Payload):
    name: str = Field(min_length=1, max_length=200)
    vendor: str | None = Field(default=None, max_length=200)
    product: str | None = Field(default=None, max_length=200)
    product_version: str | None = Field(default=None, max_length=60)
    hosting: Hosting
    owner: str | None = Field(default=None, max_length=200)
    in_use_from: date | None = None
    in_use_to: date | None = None
    security_measures: str | None = None
    description: str | None = None
    areas: list[ServiceArea] = Field(default_factory=list)

    @field_validator("vendor", "product", "product_version", "owner", "security_measures", "description",
                     mode="before")
    @classmethod
    def _text(cls, value):
        return _blank_to_none(value)

    @field_validator("hosting", mode="before")
    @classmethod
    def _hosting(cls, value):
        return parse_choice(Hosting, value)

    @field_validator("areas", mode="before")
    @classmethod
    def _areas(cls, value):
        if value is None:
            return []
        if isinstance(value, str):
            value = [v for v in value.replace(";", ",").split(",") if v.strip()]
        return sorted({parse_choice(ServiceArea, v) for v in value})

    @field_validator("in_use_from", "in_use_to", mode="before")
    @classmethod
    def _day(cls, value):
        return parse_day(value)

    @model_validator(mode="after")
    def _period(self):
        if self.in_use_from and self.in_use_to and self.in_use_to < self.in_use_from:
            raise ValueError(t("error.end_before_start"))
        return self


class DatasetIn(_Payload):
    name: str = Field(min_length=1, max_length=200)
    system: str = Field(min_length=1, max_length=200)
    personal_data: PersonalData
    data_categories: str | None = None
    data_subjects: str | None = Field(default=None, max_length=300)
    purpose: str | None = None
    legal_basis: str | None = Field(default=None, max_length=300)
    recipients: str | None = None
    retention: str | None = Field(default=None, max_length=300)

    @field_validator("data_categories", "data_subjects", "purpose", "legal_basis", "recipients", "retention",
                     mode="before")
    @classmethod
    def _text(cls, value):
        return _blank_to_none(value)

    @field_validator("personal_data", mode="before")
    @classmethod
    def _personal(cls, value):
        return parse_choice(PersonalData, value)


class IntegrationIn(_Payload):
    from_system: str = Field(min_length=1, max_length=200)
    to_system: str | None = Field(default=None, max_length=200)
    to_service: str | None = Field(default=None, max_length=200)
    data_carried: str | None = Field(default=None, max_length=300)
    method: Method

    @field_validator("to_system", "to_service", "data_carried", mode="before")
    @classmethod
    def _text(cls, value):
        return _blank_to_none(value)

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, value):
        return parse_choice(Method, value)

    @model_validator(mode="after")
    def _one_target(self):
        if (self.to_system is None) == (self.to_service is None):
            raise ValueError(t("do.integration_one_target"))
        if self.to_system is not None and self.to_system == self.from_system:
            raise ValueError(t("do.integration_to_itself"))
        return self

