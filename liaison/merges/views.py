"""Merge pages: the side-by-side page (/merges/new/), a merge's page with Undo, the list.
Thin: parse, call the service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.accounts.roles import ADMIN, EDITOR, VIEWER
from liaison.contacts.selectors import contact_get
from liaison.core.errors import DomainError
from liaison.core.pagination import page_before
from liaison.merges.errors import MergeChangedSince
from liaison.merges.forms import MergeChoicesForm
from liaison.merges.selectors import merge_get, merge_list
from liaison.merges.services import contact_merge, merge_undo
from liaison.webutils import role_required


def _with_plan(
    request: HttpRequest, number: str, duplicate: str, data: Any = None
) -> dict[str, Any]:
    """Both contacts and the plan (a dry run), or the refusal to show instead."""
    context: dict[str, Any] = {"number": number, "duplicate": duplicate, "section": "contacts"}
    try:
        survivor, merged = contact_get(number), contact_get(duplicate)
        plan, _merge = contact_merge(survivor=survivor, merged=merged, dry_run=True)
    except DomainError as exc:
        context["refusal"] = exc.message
        return context
    context |= {
        "survivor": survivor,
        "merged": merged,
        "plan": plan,
        "form": MergeChoicesForm(plan, data),
    }
    return context


@role_required(EDITOR)
def merge_new(request: HttpRequest) -> HttpResponse:
    """Both contacts side by side, a choice per conflicting field, what moves; Confirm."""
    number = request.GET.get("contact", "").strip().upper()
    duplicate = request.GET.get("duplicate", "").strip().upper()
    if not duplicate or not number:
        return render(request, "merges/merge_new.html", {"number": number, "ask": True})
    data = request.POST if request.method == "POST" else None
    context = _with_plan(request, number, duplicate, data)
    form = context.get("form")
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            _plan, merge = contact_merge(
                survivor=context["survivor"], merged=context["merged"], choices=form.choices()
            )
        except DomainError as exc:
            context["refusal"] = exc.message
        else:
            assert merge is not None
            messages.success(
                request,
                _("Contact %(b)s was merged into %(a)s.") % {"a": number, "b": duplicate},
            )
            return redirect("merges:detail", merge.pk)
    return render(request, "merges/merge_new.html", context)


@role_required(VIEWER)
def merge_detail(request: HttpRequest, merge_id: int) -> HttpResponse:
    """What moved, who merged and when; Undo for admins."""
    return render(request, "merges/merge_detail.html", {"merge": merge_get(merge_id)})


@require_POST
@role_required(ADMIN)
def merge_undo_view(request: HttpRequest, merge_id: int) -> HttpResponse:
    merge = merge_get(merge_id)
    try:
        merge_undo(merge=merge)
    except MergeChangedSince as exc:
        context = {"merge": merge, "refusal": exc.message, "changed": exc.fields["changed"]}
        return render(request, "merges/merge_detail.html", context, status=409)
    except DomainError as exc:
        context = {"merge": merge, "refusal": exc.message}
        return render(request, "merges/merge_detail.html", context, status=409)
    messages.success(request, _("The merge was undone: both contacts are back."))
    return redirect("merges:detail", merge.pk)


@role_required(VIEWER)
def merge_list_view(request: HttpRequest) -> HttpResponse:
    before = request.GET.get("before", "")
    rows, more = page_before(merge_list(), before=int(before) if before.isdigit() else None)
    return render(request, "merges/merge_list.html", {"rows": rows, "more": more})
