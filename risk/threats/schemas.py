"""Payloads for threat models, elements and threat decisions (issue 8)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from data.i18n import t
from risk.schemas import OwnedRiskIn
from risk.threats.models import ELEMENT_KINDS, SEVERITIES, STRIDE, THREAT_STATUSES


class _In(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="ignore")


class ThreatModelIn(_In):
    title: str = Field(min_length=1, max_length=200)
    description: str = ""
    owner: str = Field("", max_length=200)
    reviewer: str = Field("", max_length=200)


class ElementIn(_In):
    kind: str
    name: str = Field(min_length=1, max_length=200)
    description: str = ""
    boundary_id: int | None = None
    holds_logs: bool = False
    stores_credentials: bool = False
    out_of_scope: bool = False
    out_of_scope_reason: str = ""
    source_id: int | None = None
    target_id: int | None = None
    data_carried: str = ""
    protocol: str = Field("", max_length=80)
    encrypted: bool = False
    crosses_boundary: bool = False
    bidirectional: bool = False
    public_network: bool = False
    x: float | None = None
    y: float | None = None

    @field_validator("kind")
    @classmethod
    def _kind(cls, value: str) -> str:
        if value not in ELEMENT_KINDS:
            raise ValueError(t("threat.error.kind", kinds=", ".join(ELEMENT_KINDS)))
        return value

    @model_validator(mode="after")
    def _flow(self):
        if self.kind == "data_flow":
            if self.source_id is None or self.target_id is None:
                raise ValueError(t("threat.error.flow_ends"))
            if self.source_id == self.target_id:
                raise ValueError(t("threat.error.flow_same"))
        if self.holds_logs and self.kind != "data_store":
            raise ValueError(t("threat.error.logs_only_store"))
        return self


class ThreatDecisionIn(_In):
    status: str
    mitigation: str = ""
    severity: str | None = None

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in THREAT_STATUSES:
            raise ValueError(t("threat.error.status", statuses=", ".join(THREAT_STATUSES)))
        return value

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: str | None) -> str | None:
        if value is not None and value not in SEVERITIES:
            raise ValueError(t("threat.error.severity", severities=", ".join(SEVERITIES)))
        return value

    @model_validator(mode="after")
    def _mitigation(self):
        if self.status == "mitigated" and not self.mitigation:
            raise ValueError(t("threat.error.mitigation_needed"))
        return self


class ManualThreatIn(_In):
    element_id: int | None = None
    category: str
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    severity: str = "medium"

    @field_validator("category")
    @classmethod
    def _category(cls, value: str) -> str:
        value = value.upper()
        if value not in STRIDE:
            raise ValueError(t("threat.error.category"))
        return value

    @field_validator("severity")
    @classmethod
    def _severity(cls, value: str) -> str:
        if value not in SEVERITIES:
            raise ValueError(t("threat.error.severity", severities=", ".join(SEVERITIES)))
        return value


class ThreatToRiskIn(OwnedRiskIn):
    title: str | None = None
    description: str | None = None
