"""The history page of a record, and the rows the cards' "more" button loads with htmx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from liaison.audit.models import Entity
from liaison.audit.selectors import audit_for
from liaison.core.pagination import page_before
from liaison.webutils import HtmxHttpRequest

PATHS = {
    "contacts": Entity.CONTACT,
    "customers": Entity.CUSTOMER,
    "vendors": Entity.VENDOR,
    "bank-accounts": Entity.BANK_ACCOUNT,
}


@login_required
def history(request: HtmxHttpRequest, kind_path: str, number: str) -> HttpResponse:
    """All of a record's history, newest first, 50 at a time (``?before=`` an entry's key)."""
    if kind_path not in PATHS:
        raise Http404("No such list.")
    entity = PATHS[kind_path]
    before = request.GET.get("before", "")
    entries, nxt = page_before(
        audit_for(entity, number), before=int(before) if before.isdigit() else None
    )
    context = {
        "entries": entries,
        "next": nxt,
        "kind_path": kind_path,
        "number": number,
        "label": Entity(entity).label,
    }
    if request.htmx:
        return render(request, "audit/_history_rows.html", context)
    return render(request, "audit/history.html", context)
