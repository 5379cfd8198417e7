"""REST resources of merges: merge (or its dry run), the merges, and undo (admins)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from liaison.contacts.selectors import contact_get
from liaison.core.pagination import page
from liaison.core.schemas import ERRORS
from liaison.merges.schemas import MergeIn, MergeOut, MergePage, MergePlanOut
from liaison.merges.selectors import merge_get, merge_list
from liaison.merges.services import contact_merge, merge_undo

router = Router(tags=["merges"])


@router.post("/merges", response={200: MergePlanOut, 201: MergeOut, **ERRORS})
def create_merge(request: HttpRequest, payload: MergeIn) -> Any:
    """Merge ``duplicate`` into ``contact`` in one transaction; with ``dry_run``, only what
    would move and which fields conflict (200, nothing written)."""
    plan, merge = contact_merge(
        survivor=contact_get(payload.contact),
        merged=contact_get(payload.duplicate),
        choices=payload.choices,
        dry_run=payload.dry_run,
        survivor_version=payload.contact_version,
        merged_version=payload.duplicate_version,
    )
    if merge is None:
        return Status(200, plan)
    return Status(201, merge)


@router.get("/merges", response={200: MergePage, **ERRORS})
def list_merges(
    request: HttpRequest, cursor: str | None = None, limit: int = Query(50, ge=1, le=500)
) -> dict[str, Any]:
    """Merges, newest first; keyset pagination with ``next_cursor``."""
    items, nxt = page(merge_list(), cursor=cursor, limit=limit, key="-id")
    return {"items": items, "next_cursor": nxt}


@router.get("/merges/{merge_id}", response={200: MergeOut, **ERRORS})
def get_merge(request: HttpRequest, merge_id: int) -> Any:
    return merge_get(merge_id)


@router.post("/merges/{merge_id}/undo", response={200: MergeOut, **ERRORS})
def undo_merge(request: HttpRequest, merge_id: int) -> Any:
    """Undo a merge (admins): both contacts and their records as they were; refused (409,
    ``merge_changed_since``, the list in ``errors.changed``) when something changed since."""
    return merge_undo(merge=merge_get(merge_id))
