"""The history endpoint each record router adds: ``GET .../{number}/history``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from liaison.audit.schemas import AuditPage
from liaison.audit.selectors import audit_for
from liaison.core.pagination import page
from liaison.core.schemas import ERRORS


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
        items, nxt = page(audit_for(entity, number), cursor=cursor, limit=limit, key="-id")
        return {"items": items, "next_cursor": nxt}
