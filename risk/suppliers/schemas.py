"""What may come in to the supplier register: suppliers, certificates, assurance reports, findings, the
reminder settings and a finding carried into a ROS."""
from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from data.i18n import t
from data.registers.registry import org_number_problem
from risk.schemas import OwnedRiskIn


class ReportStandard(StrEnum):
    ISAE3402 = "isae3402"
    ISAE3000 = "isae3000"


class ReportType(StrEnum):
    TYPE1 = "type1"
    TYPE2 = "type2"


class Opinion(StrEnum):
    UNQUALIFIED = "unqualified"     # uten forbehold
    QUALIFIED = "qualified"         # med forbehold
    ADVERSE = "adverse"             # negativ konklusjon
    DISCLAIMER = "disclaimer"       # ingen konklusjon


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class FindingStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


def _blank_none(value):
    return None if isinstance(value, str) and not value.strip() else value


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class SupplierIn(_In):
    name: str = Field(min_length=1, max_length=200)
    org_number: str | None = None
    country: str = Field(default="NO", min_length=2, max_length=2)
    data_location: str = Field(default="", max_length=200)
    delivers: str = ""
    processes_personal_data: bool = False
    contact: str = Field(default="", max_length=200)
    notes: str = ""
    services: list[str] = Field(default_factory=list)      # service codes
    components: list[str] = Field(default_factory=list)    # component codes

    blank_to_none = field_validator("org_number", mode="before")(_blank_none)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str) -> str:
        value = value.upper()
        if not value.isalpha():
            raise ValueError(t("supl.error.country", value=value))
        return value

    @field_validator("org_number")
    @classmethod
    def _org_number(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.replace(" ", "").replace("\u00a0", "")
        problem = org_number_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _norwegian_needs_number(self):
        if self.country == "NO" and not self.org_number:
            raise ValueError(t("supl.error.org_number_needed"))
        self.services = list(dict.fromkeys(self.services))
        self.components = list(dict.fromkeys(self.components))
        return self


class CertificateIn(_In):
    standard: str = Field(default="ISO/IEC 27001", min_length=1, max_length=40)
    scope: str = ""
    issuer: str = Field(default="", max_length=200)
    certificate_ref: str = Field(default="", max_length=200)
    issued_on: date | None = None
    expires_on: date

    blank_to_none = field_validator("issued_on", mode="before")(_blank_none)

    @model_validator(mode="after")
    def _order(self):
        if self.issued_on is not None and self.expires_on < self.issued_on:
            raise ValueError(t("supl.error.expiry_before_issue"))
        return self


class ReportIn(_In):
    standard: ReportStandard
    report_type: ReportType = ReportType.TYPE2
    period_start: date
    period_end: date
    auditor: str = Field(default="", max_length=200)
    opinion: Opinion = Opinion.UNQUALIFIED
    received_on: date
    reviewed_on: date | None = None
    document_ref: str = Field(default="", max_length=300)
    notes: str = ""

    blank_to_none = field_validator("reviewed_on", mode="before")(_blank_none)

    @model_validator(mode="after")
    def _dates(self):
        if self.period_end < self.period_start:
            raise ValueError(t("supl.error.period_order"))
        if self.received_on < self.period_end:
            raise ValueError(t("supl.error.received_before_end"))
        if self.reviewed_on is not None and self.reviewed_on < self.received_on:
            raise ValueError(t("supl.error.reviewed_before_received"))
        if self.received_on > date.today() or (self.reviewed_on is not None and self.reviewed_on > date.today()):
            raise ValueError(t("supl.error.future"))
        return self


class FindingIn(_In):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    severity: Severity = Severity.MEDIUM
    supplier_response: str = ""
    status: FindingStatus = FindingStatus.OPEN


class FindingToRiskIn(OwnedRiskIn):
    """A finding carried into the ROS of one of the supplier's services: which service, who owns it, by when."""

    service_code: str = Field(min_length=1)


class SettingsIn(_In):
    certificate_warning_days: int = Field(default=90, ge=0, le=730)
    report_grace_days: int = Field(default=90, ge=0, le=365)
    report_warning_days: int = Field(default=30, ge=0, le=365)
