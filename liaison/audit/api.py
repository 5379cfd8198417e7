"""The history endpoint each record router adds: ``GET .../{number}/history``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from liaison.audit.schemas import AuditPage
from liaison.audit.selectors import audit_for, audit_page
from liaison.core.errors import ValidationFailed
from liaison.core.http import decode_cursor, encode_cursor
from liaison.core.schemas import ERRORS


def _before(cursor: str | None) -> int | None:
    if not cursor:
        return None
    key = decode_cursor(cursor)
    if not (key.isascii() and key.isdigit() and len(key) <= 18):
        raise ValidationFailed(
            "The cursor is not valid: use the next_cursor of a previous page.",
            fields={"cursor": ["Not a cursor this API issued."]},
        )
    return int(key)


def history_route(router: Router, entity: str) -> None:
    """Add ``GET /{number}/history`` for ``entity`` (contact, customer, vendor, bank_account)
    to ``router``: the record's audit trail, newest first, cursor-paged."""

    @router.get(
        "/{number}/history",
        response={200: AuditPage, **ERRORS},
        operation_id=f"{entity}_history",
        summary=f"The {entity.replace('_', ' ')}'s change history",
    )
    def history(
        request: HttpRequest,
        number: str,
        cursor: str | None = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> dict[str, Any]:
        """Who changed what and when, newest first; ``source`` says whether a user,
        synchronisation (``origin_*`` names the record it came from), an import, a batch job
        or the system made the change."""
        items, nxt = audit_page(audit_for(entity, number), before=_before(cursor), limit=limit)
        return {"items": items, "next_cursor": encode_cursor(str(nxt)) if nxt else None}
