"""Domain errors: one base class, plain-language messages (Norwegian by default)."""
from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from data import textguard
from data.i18n import t


class BackofficeError(Exception):
    """An error a user can understand and act on. `message` is already translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class PermissionDenied(BackofficeError):
    pass


class NotFound(BackofficeError):
    pass


class ConflictError(BackofficeError):
    """Someone else changed the row since it was read (stale version)."""


@dataclass(frozen=True)
class RowError:
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(t("error.row", row=self.row))
        if self.field:
            parts.append(t("error.field", field=self.field))
        prefix = ", ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class ValidationFailed(BackofficeError):
    """One or more rows or fields were invalid. Nothing was written."""

    def __init__(self, errors: list[RowError], summary: str | None = None):
        self.errors = list(errors)
        head = summary or t("error.validation_failed", count=len(self.errors))
        lines = [head] + [f"- {e}" for e in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(t("error.more_errors", count=len(self.errors) - 50))
        super().__init__("\n".join(lines))


def errors_from_pydantic(exc, row: int | None = None) -> list[RowError]:
    """Turn a pydantic ValidationError into RowErrors naming the field."""
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__") or None
        msg = err.get("msg", "")
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        out.append(RowError(row, field, msg))
    return out


def validate(model, payload, row: int | None = None):
    """Validate `payload` (a dict or already a `model`) and raise ValidationFailed naming each field;
    text holding NUL or another control character is refused too (data/textguard.py)."""
    if not isinstance(payload, model):
        try:
            payload = model.model_validate(payload)
        except ValidationError as exc:
            raise ValidationFailed(errors_from_pydantic(exc, row)) from exc
    textguard.refuse(payload, row)
    return payload
