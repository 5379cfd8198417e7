"""Pages for customers, vendors and bank accounts, and the setup.

Customers, vendors and bank accounts share these views as they share their services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.accounts.roles import ADMIN, EDITOR
from liaison.audit.selectors import audit_for_record
from liaison.contacts.search import text_search
from liaison.core.errors import DomainError, StaleVersion
from liaison.core.pagination import keyset_page, page_before
from liaison.relations import records
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.forms import (
    SETUP_CODES,
    BusinessRelationForm,
    MarketingSetupForm,
    RecordForm,
    record_fields,
    record_initial,
)
from liaison.relations.schemas import setup_out, with_contact_number
from liaison.relations.selectors import (
    business_relation_list,
    link_for_record,
    marketing_setup_get,
    no_series_list,
    template_list,
)
from liaison.relations.services import (
    business_relation_create,
    contacts_create_from,
    marketing_setup_update,
)
from liaison.webutils import (
    HtmxHttpRequest,
    announce_sync,
    changed_data,
    errors_onto_form,
    require_role_for_post,
    role_required,
)

PATH_KINDS = {"customers": "customer", "vendors": "vendor", "bank-accounts": "bank_account"}
LABELS = {"customer": "Customer", "vendor": "Vendor", "bank_account": "Bank account"}


def _kind(kind_path: str) -> str:
    if kind_path not in PATH_KINDS:
        raise Http404("No such list.")
    return PATH_KINDS[kind_path]


def _context(kind_path: str, **extra: Any) -> dict[str, Any]:
    kind = _kind(kind_path)
    return {"kind": kind, "kind_path": kind_path, "label": LABELS[kind], **extra}


@login_required
def record_list(request: HtmxHttpRequest, kind_path: str) -> HttpResponse:
    """Search as you type, sort, keyset pages; each row shows its linked contact."""
    kind = _kind(kind_path)
    q = request.GET.get("q", "")
    sort = request.GET.get("sort", "number")
    descending = request.GET.get("dir") == "desc"
    qs = with_contact_number(FIELD_MAPS[kind].model._default_manager.all(), kind)
    qs = qs.filter(text_search(q, has_search_email=False))
    rows, nxt = keyset_page(qs, sort=sort, descending=descending, cursor=request.GET.get("after"))
    context = _context(
        kind_path, rows=rows, next=nxt, q=q, sort=sort, dir="desc" if descending else "asc"
    )
    if request.htmx and request.htmx.target == "rows":
        return render(request, "relations/_record_rows.html", context)
    return render(request, "relations/record_list.html", context)


@login_required
def record_detail(request: HttpRequest, kind_path: str, number: str) -> HttpResponse:
    """The card: its own fields, the "Contact" box (open, or create / link) and the latest
    changes (its audit trail)."""
    kind = _kind(kind_path)
    record = records.record_get(kind, number)
    link = link_for_record(kind, record.pk)
    fields = [(name.replace("_", " "), getattr(record, name)) for name in record_fields(kind)]
    entries, more = page_before(audit_for_record(record))
    return render(
        request,
        "relations/record_detail.html",
        _context(
            kind_path,
            record=record,
            link=link,
            fields=fields,
            entries=entries,
            next=more,
            number=record.number,  # type: ignore[attr-defined]
        ),
    )


@role_required(EDITOR)
def record_new(request: HttpRequest, kind_path: str) -> HttpResponse:
    """A new record; its contact is created with it when synchronisation is on."""
    kind = _kind(kind_path)
    form = RecordForm(kind, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            record = records.record_create(kind, data=data)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            link = link_for_record(kind, record.pk)
            extra = f"; contact {link.contact.number} created" if link else ""
            messages.success(request, f"{LABELS[kind]} {record.number} created{extra}.")  # type: ignore[attr-defined]
            return redirect("records:detail", kind_path=kind_path, number=record.number)  # type: ignore[attr-defined]
    return render(
        request, "relations/record_form.html", _context(kind_path, form=form, record=None)
    )


@role_required(EDITOR)
def record_edit(request: HttpRequest, kind_path: str, number: str) -> HttpResponse:
    """Edit the card; shared fields reach the contact; a stale form is refused."""
    kind = _kind(kind_path)
    record = records.record_get(kind, number)
    initial = record_initial(kind, record)
    form = RecordForm(kind, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = changed_data(form, initial)
        changes.pop("version", None)
        try:
            _saved, report = records.record_update(
                kind, record=record, data=changes, expected_version=form.cleaned_data.get("version")
            )
        except StaleVersion:
            current = records.record_get(kind, number)
            fresh = RecordForm(kind, initial=record_initial(kind, current))
            theirs = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            return render(
                request,
                "relations/record_form.html",
                _context(kind_path, form=fresh, record=current, stale=theirs),
                status=409,
            )
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            announce_sync(request, f"{LABELS[kind]} {number} saved", report)
            return redirect("records:detail", kind_path=kind_path, number=number)
    return render(
        request, "relations/record_form.html", _context(kind_path, form=form, record=record)
    )


@role_required(EDITOR)
def record_delete(request: HttpRequest, kind_path: str, number: str) -> HttpResponse:
    """Confirm, then delete: only the link goes, the contact stays."""
    kind = _kind(kind_path)
    record = records.record_get(kind, number)
    link = link_for_record(kind, record.pk)
    if request.method == "POST":
        try:
            records.record_delete(kind, record=record)
        except DomainError as exc:  # still named by documents (record_in_use): nothing changed
            messages.error(request, exc.message)
            return render(
                request,
                "relations/record_confirm_delete.html",
                _context(kind_path, record=record, link=link, refused=True),
                status=exc.status,
            )
        stays = f" Contact {link.contact.number} stays." if link else ""
        messages.success(request, f"{LABELS[kind]} {number} deleted.{stays}")
        return redirect("records:list", kind_path=kind_path)
    return render(
        request,
        "relations/record_confirm_delete.html",
        _context(kind_path, record=record, link=link),
    )


@role_required(EDITOR)
@require_POST
def record_create_contact(request: HttpRequest, kind_path: str, number: str) -> HttpResponse:
    """Create the company contact of a record that has none."""
    kind = _kind(kind_path)
    try:
        contacts_create_from(kind, numbers=[records.record_get(kind, number).number])  # type: ignore[attr-defined]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Contact created for {LABELS[kind].lower()} {number}.")
    return redirect("records:detail", kind_path=kind_path, number=number)


@login_required
def setup_index(request: HttpRequest) -> HttpResponse:
    """Marketing setup, business relations, number series and templates (admins change it)."""
    require_role_for_post(request, ADMIN)
    setup = marketing_setup_get()
    relations = list(business_relation_list())
    series = list(no_series_list())
    templates = {kind: list(template_list(kind)) for kind in ("customer", "vendor")}
    choices = {
        "bus_rel_code_for_customers": [relation.code for relation in relations],
        "contact_nos": [s.code for s in series],
        "default_customer_template_company": [t.code for t in templates["customer"]],
        "default_vendor_template": [t.code for t in templates["vendor"]],
    }
    choices["bus_rel_code_for_vendors"] = choices["bus_rel_code_for_bank_accounts"] = choices[
        "bus_rel_code_for_customers"
    ]
    choices["default_customer_template_person"] = choices["default_customer_template_company"]
    form = MarketingSetupForm(request.POST or None, initial=setup_out(setup), choices=choices)
    relation_form = BusinessRelationForm(prefix="relation")
    if request.method == "POST" and form.is_valid():
        try:
            marketing_setup_update(data=form.cleaned_data)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, "Marketing setup saved.")
            return redirect("setup:index")
    context = {
        "form": form,
        "code_fields": [form[name] for name in SETUP_CODES],
        "flag_fields": [form[name] for name in form.fields if name not in SETUP_CODES],
        "relation_form": relation_form,
        "relations": relations,
        "series": series,
        "templates": [
            ("Customer templates", templates["customer"]),
            ("Vendor templates", templates["vendor"]),
        ],
    }
    return render(request, "relations/setup.html", context)


@role_required(ADMIN)
@require_POST
def setup_relation_add(request: HttpRequest) -> HttpResponse:
    """Add a business relation code."""
    form = BusinessRelationForm(request.POST, prefix="relation")
    if form.is_valid():
        try:
            business_relation_create(
                code=form.cleaned_data["code"], description=form.cleaned_data["description"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Business relation {form.cleaned_data['code'].upper()} added."
            )
    else:
        messages.error(request, "A business relation needs a code of at most 10 characters.")
    return redirect("setup:index")
