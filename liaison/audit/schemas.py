"""API schemas of the audit trail."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class AuditEntryOut(Schema):
    """One recorded change: when, who (``username``; blank for the system), how (``source``:
    user, sync, import, batch, system), what (``action``, ``field``, ``old`` and ``new`` as
    text) and, for a synchronised change, the record it came from (``origin_*``)."""

    at: datetime
    username: str
    source: str
    action: str
    entity: str
    number: str
    field: str
    old: str
    new: str
    origin_kind: str
    origin_number: str


class AuditPage(Schema):
    items: list[AuditEntryOut]
    next_cursor: str | None
