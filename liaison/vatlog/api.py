"""The VAT registration log, read-only: ``GET /vat-registration-log`` and one entry."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router

from liaison.core.pagination import page
from liaison.core.schemas import ERRORS
from liaison.vatlog.schemas import VatLogEntryOut, VatLogPage
from liaison.vatlog.selectors import vat_entry_get, vat_log_list

router = Router(tags=["vat registration log"])


@router.get("/vat-registration-log", response={200: VatLogPage, **ERRORS})
def list_vat_log(
    request: HttpRequest,
    kind: Literal["contact", "customer", "vendor"] | None = Query(
        None, description="contact, customer or vendor"
    ),
    number: str | None = Query(None, description="the record's number (with kind: E-10 if none)"),
    status: Literal["pending", "valid", "invalid", "not_verified", "not_applicable"] | None = Query(
        None, description="where the check stands"
    ),
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """VAT registration numbers as they were entered, newest first, with their check."""
    entries = vat_log_list(
        kind=kind,
        number=number,
        status=status,
    )
    items, nxt = page(entries, cursor=cursor, limit=limit, key="-id")
    return {"items": items, "next_cursor": nxt}


@router.get("/vat-registration-log/{entry_id}", response={200: VatLogEntryOut, **ERRORS})
def get_vat_log_entry(request: HttpRequest, entry_id: int) -> Any:
    """One entry."""
    return vat_entry_get(entry_id)
