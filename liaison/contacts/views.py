"""Contact pages: the list, the card, and the card's actions. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.accounts.roles import EDITOR
from liaison.audit.selectors import audit_for_record
from liaison.contacts.forms import ContactForm, contact_initial
from liaison.contacts.models import Contact
from liaison.contacts.schemas import ContactFilters
from liaison.contacts.selectors import company_candidates, contact_get, contact_list, persons_of
from liaison.contacts.services import contact_create, contact_delete, contact_update
from liaison.core.errors import DomainError, StaleVersion
from liaison.core.pagination import keyset_page, page_before
from liaison.documents.selectors import CONTACT_BUTTONS, contact_documents
from liaison.interactions.selectors import interaction_template_list, timeline_for
from liaison.records.kinds import RECORD_KINDS, TEMPLATE_MODELS
from liaison.records.selectors import record_get, template_list
from liaison.records.services import record_create_from_contact
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.selectors import links_of_contact, unlinked_records
from liaison.relations.services import relation_link, relation_unlink
from liaison.webutils import (
    HtmxHttpRequest,
    announce_sync,
    changed_data,
    errors_onto_form,
    role_required,
)


@login_required
def contact_list_view(request: HtmxHttpRequest) -> HttpResponse:
    """Search as you type (name, phone in any format, e-mail, city), filters, sort, pages."""
    q = request.GET.get("q", "")
    kind = request.GET.get("type", "")
    relation = request.GET.get("relation", "")
    sort = request.GET.get("sort", "number")
    descending = request.GET.get("dir") == "desc"
    filters = ContactFilters.model_validate({"type": kind, "business_relation": relation, "q": q})
    rows, nxt = keyset_page(
        contact_list(filters), sort=sort, descending=descending, cursor=request.GET.get("after")
    )
    context = {
        "rows": rows,
        "next": nxt,
        "q": q,
        "type": kind,
        "relation": relation,
        "sort": sort,
        "dir": "desc" if descending else "asc",
    }
    if request.htmx and request.htmx.target == "rows":
        return render(request, "contacts/_contact_rows.html", context)
    return render(request, "contacts/contact_list.html", context)


@login_required
def contact_detail(request: HttpRequest, number: str) -> HttpResponse:
    """The contact card: fields, business relations, persons, summary, last modified and the
    latest changes (its audit trail)."""
    contact = contact_get(number)
    links = list(links_of_contact(contact))
    linked = {link.link_to_table for link in links}
    entries, more = page_before(audit_for_record(contact))
    context = {
        "contact": contact,
        "entries": entries,
        "next": more,
        "kind_path": "contacts",
        "number": contact.number,
        "links": links,
        "missing_kinds": [(k.key, k.label) for k in RECORD_KINDS.values() if k.key not in linked],
        "persons": list(persons_of(contact)) if contact.is_company else [],
        "templates": {kind: list(template_list(kind)) for kind in TEMPLATE_MODELS},
        "kind_paths": {key: kind.path for key, kind in RECORD_KINDS.items()},
        "document_buttons": CONTACT_BUTTONS,
        "contact_documents": contact_documents(contact),
        "timeline": list(timeline_for(contact)[:30]),
        "interaction_templates": list(interaction_template_list()),
    }
    return render(request, "contacts/contact_detail.html", context)


def _save_contact(
    request: HttpRequest, form: ContactForm, contact: Any | None
) -> HttpResponse | None:
    """Run the create or update service; None when the form must be shown again."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        if contact is None:
            company_fields = ("version", "company_number", "company_name")
            fields = {k: v for k, v in data.items() if k not in company_fields}
            created = contact_create(
                data=fields,
                company_number=data["company_number"] or "",
                company_name=data["company_name"] or "",
            )
            messages.success(request, f"Contact {created.number} created.")
            return _saved_redirect(created)
        initial = contact_initial(contact)
        changes = changed_data(form, initial)
        company = changes.pop("company_number", None)
        company_name = changes.pop("company_name", None)
        changes.pop("version", None)
        saved, report = contact_update(
            contact=contact,
            data=changes,
            expected_version=data.get("version"),
            company_number=company,
            company_name=company_name,
        )
    except StaleVersion:
        raise
    except DomainError as exc:
        errors_onto_form(form, exc)
        return None
    announce_sync(request, f"Contact {saved.number} saved", report)
    return _saved_redirect(saved)


def _saved_redirect(contact: Contact) -> HttpResponse:
    """To the card; R-O4: a save whose duplicate check found some says so there, with a link."""
    target = redirect("contacts:detail", number=contact.number)
    if "duplicates_found" in getattr(contact, "notices", []):
        target["Location"] += "?duplicates=found"
    return target


@role_required(EDITOR)
def contact_new(request: HttpRequest) -> HttpResponse:
    """A new company contact, or a person of the company given as ``?company=``."""
    company = request.GET.get("company", "")
    initial = {"type": "person", "company_number": company} if company else {"type": "company"}
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and (done := _save_contact(request, form, None)) is not None:
        return done
    return render(request, "contacts/contact_form.html", {"form": form, "contact": None})


@role_required(EDITOR)
def contact_edit(request: HttpRequest, number: str) -> HttpResponse:
    """Edit the card; a stale form is refused with the current values and the person's own."""
    contact = contact_get(number)
    form = ContactForm(request.POST or None, initial=contact_initial(contact))
    if request.method == "POST":
        try:
            done = _save_contact(request, form, contact)
        except StaleVersion:
            current = contact_get(number)
            fresh = ContactForm(initial=contact_initial(current))
            theirs = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            return render(
                request,
                "contacts/contact_form.html",
                {"form": fresh, "contact": current, "stale": theirs},
                status=409,
            )
        if done is not None:
            return done
    return render(request, "contacts/contact_form.html", {"form": form, "contact": contact})


@role_required(EDITOR)
def contact_delete_view(request: HttpRequest, number: str) -> HttpResponse:
    """Confirm, saying plainly what stays; then delete (links go, linked records stay)."""
    contact = contact_get(number)
    if request.method == "POST":
        deleted = contact_delete(contact=contact)
        messages.success(request, f"Deleted {', '.join(deleted)}. Linked records stay.")
        return redirect("contacts:list")
    context = {
        "contact": contact,
        "links": list(links_of_contact(contact)),
        "persons": list(persons_of(contact)) if contact.is_company else [],
    }
    return render(request, "contacts/contact_confirm_delete.html", context)


@role_required(EDITOR)
@require_POST
def contact_create_record(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """Create as customer / vendor / bank account, with the chosen template."""
    template = request.POST.get("template_code")
    try:
        record, report = record_create_from_contact(
            kind, contact=contact_get(number), template_code=template if template else None
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contacts:detail", number=number)
    announce_sync(request, f"{RECORD_KINDS[kind].label} {record.number} created", report)
    return redirect("contacts:detail", number=number)


@role_required(EDITOR)
def contact_link(request: HtmxHttpRequest, number: str, kind: str) -> HttpResponse:
    """Link with an existing record: pick it, see the fields side by side, choose who wins."""
    contact = contact_get(number)
    q = request.GET.get("q", "")
    if request.method == "POST":
        try:
            _, report = relation_link(
                contact=contact,
                kind=kind,
                number=request.POST.get("number", ""),
                master=request.POST.get("master", "contact"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("contacts:link", number=number, kind=kind)
        announce_sync(
            request,
            f"Linked with {RECORD_KINDS[kind].label.lower()} {request.POST.get('number')}",
            report,
        )
        return redirect("contacts:detail", number=number)
    candidates = list(unlinked_records(kind, search=q)[:20])
    chosen = None
    comparison = []
    if request.GET.get("number"):
        try:
            chosen = record_get(kind, request.GET["number"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            for c_name, e_name in FIELD_MAPS[kind].both:
                if c_name.endswith("e164"):
                    continue
                mine, theirs = getattr(contact, c_name), getattr(chosen, e_name)
                comparison.append((c_name.replace("_", " "), mine, theirs, mine != theirs))
    context = {
        "contact": contact,
        "kind": kind,
        "kind_label": RECORD_KINDS[kind].label,
        "q": q,
        "candidates": candidates,
        "chosen": chosen,
        "comparison": comparison,
    }
    if request.htmx and request.htmx.target == "candidates":
        return render(request, "contacts/_link_candidates.html", context)
    return render(request, "contacts/contact_link.html", context)


@role_required(EDITOR)
@require_POST
def contact_unlink(request: HttpRequest, number: str, kind: str) -> HttpResponse:
    """Remove the link; both records stay."""
    try:
        relation_unlink(contact=contact_get(number), kind=kind)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Unlinked the {RECORD_KINDS[kind].label.lower()}; both records stay."
        )
    return redirect("contacts:detail", number=number)


@login_required
def contact_companies(request: HttpRequest) -> HttpResponse:
    """The Company Name picker's options while typing (R-L6): companies by number or name."""
    text = request.GET.get("company_name", "") or request.GET.get("q", "")
    return render(
        request, "contacts/_company_options.html", {"companies": company_candidates(text)}
    )
