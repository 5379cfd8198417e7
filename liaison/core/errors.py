"""Domain errors: a stable machine-readable code, a message that says what to do, field errors."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every business-rule failure; the API maps it to problem details."""

    code = "domain_error"
    status = 422

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}

    def __str__(self) -> str:
        if not self.fields:
            return self.message
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in self.fields.items())
        return f"{self.message} ({details})"


class ValidationFailed(DomainError):
    """Input that breaks a field rule (e-mail, phone, IBAN, country, lengths)."""

    code = "validation_failed"


class NotFound(DomainError):
    """A record named by the caller does not exist (spec E-10)."""

    code = "not_found"
    status = 404


class Conflict(DomainError):
    """The operation clashes with stored state (a link that already exists, a stale version)."""

    code = "conflict"
    status = 409


class StaleVersion(Conflict):
    """Someone else saved the record after the caller read it (HTTP 412 on a stale If-Match)."""

    code = "stale_version"
    status = 412


class SetupMissing(DomainError):
    """A setup value the operation needs is blank (spec E-2, E-3)."""

    code = "setup_missing"


class NumberSeriesError(DomainError):
    """A number series cannot give or accept the number asked for (spec E-4, E-5)."""

    code = "number_series"


class RegistrationNumberTooLong(ValidationFailed):
    """E-37: a Registration Number holds at most 20 characters (the column holds 50, as BC's)."""

    code = "registration_no_too_long"
