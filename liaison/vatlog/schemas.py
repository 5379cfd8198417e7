"""API schemas of the VAT registration log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class VatLogEntryOut(Schema):
    """One VAT registration number as entered: on which record (``kind``, ``number``), the
    number and country, who entered it (``entered_by``; blank for the system), when, how
    (``source``: user, import, batch, system; ``door``: web or api for a user, else blank),
    and its check: ``status`` (pending, valid, invalid, not_verified, not_applicable),
    ``method`` (none, format, vies), ``checked_at``, ``attempts``, ``next_attempt_at`` for a
    retry, ``reason`` and ``details`` (the name and address VIES returned)."""

    id: int
    kind: str
    number: str
    vat_registration_no: str
    country_code: str
    entered_by: str
    entered_at: datetime
    source: str
    door: str
    status: str
    method: str
    checked_at: datetime | None
    attempts: int
    next_attempt_at: datetime | None
    reason: str
    details: dict[str, Any]

    @staticmethod
    def resolve_entered_by(obj: Any) -> str:
        return str(obj.entered_by_name)


class VatLogPage(Schema):
    items: list[VatLogEntryOut]
    next_cursor: str | None
