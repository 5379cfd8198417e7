"""Duplicate pages: Contact Duplicates (pairs side by side, "Separate contacts"), the setup
rows, and the warning while a contact is typed. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from liaison.accounts.roles import ADMIN, EDITOR
from liaison.core.errors import DomainError
from liaison.duplicates.forms import TYPED_FIELDS, SetupRowForm
from liaison.duplicates.matching import threshold
from liaison.duplicates.selectors import (
    dupl_setup_get,
    dupl_setup_list,
    duplicate_candidates,
    duplicate_list,
)
from liaison.duplicates.services import (
    dupl_setup_create,
    dupl_setup_delete,
    dupl_setup_update,
    duplicate_update,
)
from liaison.relations.selectors import marketing_setup_get
from liaison.webutils import errors_onto_form, role_required

SIDE_FIELDS = {
    "name": _l("Name"),
    "address": _l("Address"),
    "city": _l("City"),
    "post_code": _l("Post code"),
    "phone_no": _l("Phone no."),
    "email": _l("E-mail"),
    "vat_registration_no": _l("VAT registration no."),
}


@login_required
def duplicate_list_view(request: HttpRequest) -> HttpResponse:
    """Contact Duplicates, optionally of one contact (``?contact=``), best score first."""
    contact = request.GET.get("contact", "")[:20]
    pairs = [
        (
            pair,
            [
                (label, getattr(pair.contact, name), getattr(pair.duplicate, name))
                for name, label in SIDE_FIELDS.items()
            ],
        )
        for pair in duplicate_list(contact)[:200]
    ]
    context = {"pairs": pairs, "contact": contact, "section": "duplicates"}
    return render(request, "duplicates/duplicate_list.html", context)


@role_required(EDITOR)
@require_POST
def duplicate_separate(request: HttpRequest, pair_id: int) -> HttpResponse:
    """Set or clear "Separate contacts" (the user's "not a duplicate"; kept on rebuild)."""
    separate = request.POST.get("separate_contacts") == "on"
    duplicate_update(pk=pair_id, separate_contacts=separate)
    messages.success(request, _("Saved."))
    contact = request.POST.get("contact", "")[:20]
    target = redirect("duplicates:list")
    if contact:
        target["Location"] += f"?contact={contact}"
    return target


@login_required
def duplicate_candidates_view(request: HttpRequest) -> HttpResponse:
    """The warning while typing: likely duplicates of the values in the form; writes nothing."""
    values = {k: request.GET.get(k, "")[:n] for k, n in TYPED_FIELDS.items()}
    found = []
    if any(values[k] for k in ("name", "phone_no", "mobile_phone_no", "email")) or values.get(
        "vat_registration_no"
    ):
        found = duplicate_candidates(values, exclude_number=request.GET.get("exclude", "")[:20])
    return render(request, "duplicates/_candidates.html", {"candidates": found})


@login_required
def setup_rows_view(request: HttpRequest) -> HttpResponse:
    """The Duplicate Search String Setup rows, with the threshold they give; admins change it."""
    rows = list(dupl_setup_list())
    hit = marketing_setup_get().search_hit_pct
    context = {
        "rows": rows,
        "hit_pct": hit,
        "threshold": threshold(len(rows), hit),
        "form": SetupRowForm(),
    }
    return render(request, "duplicates/setup_rows.html", context)


@role_required(ADMIN)
def setup_row_new(request: HttpRequest) -> HttpResponse:
    form = SetupRowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            dupl_setup_create(data=form.cleaned_data)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("Setup row added."))
            return redirect("duplicates:setup")
    return render(request, "duplicates/setup_row_form.html", {"form": form, "row": None})


@role_required(ADMIN)
def setup_row_edit(request: HttpRequest, row_id: int) -> HttpResponse:
    row = dupl_setup_get(row_id)
    initial = {"field": row.field, "part": row.part, "length": row.length}
    form = SetupRowForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            dupl_setup_update(pk=row_id, data=form.cleaned_data)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("Setup row saved."))
            return redirect("duplicates:setup")
    return render(request, "duplicates/setup_row_form.html", {"form": form, "row": row})


@role_required(ADMIN)
@require_POST
def setup_row_delete(request: HttpRequest, row_id: int) -> HttpResponse:
    """Deleting a row deletes the stored strings of its field and part (spec 1.12)."""
    dupl_setup_delete(pk=row_id)
    messages.success(request, _("Setup row deleted, with its stored search strings."))
    return redirect("duplicates:setup")
