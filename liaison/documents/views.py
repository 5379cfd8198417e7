"""Document pages: lists, the document card and its actions. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.accounts.roles import ADMIN, EDITOR
from liaison.contacts.selectors import contact_get
from liaison.core.errors import DomainError
from liaison.documents.forms import (
    CompanyInformationForm,
    ContactChangeForm,
    EmailForm,
    InteractionSetupForm,
    LineForm,
)
from liaison.documents.pdf import document_pdf
from liaison.documents.selectors import (
    company_information_get,
    document_get,
    document_lines,
    document_list_with_totals,
    templates_for_side,
)
from liaison.documents.services import (
    document_create,
    document_delete,
    document_email,
    document_line_add,
    document_line_delete,
    document_make_order,
    document_print,
    document_release,
    document_reopen,
    document_update,
)
from liaison.documents.setup import company_information_update
from liaison.documents.sides import SIDES, Side
from liaison.interactions.schemas import setup_out
from liaison.interactions.selectors import (
    interaction_list,
    interaction_setup_get,
    interaction_template_list,
)
from liaison.interactions.services import interaction_setup_update
from liaison.webutils import (
    HtmxHttpRequest,
    errors_onto_form,
    require_role_for_post,
    role_required,
)


def _side(name: str) -> Side:
    if name not in SIDES:
        raise Http404("No such document side.")
    return SIDES[name]


def _card(request: HttpRequest, side: Side, number: str) -> HttpResponse:
    return redirect("documents:detail", side=side.name, number=number)


@login_required
def document_list_view(request: HttpRequest, side: str) -> HttpResponse:
    """Documents of one side, newest first, filtered by type and status."""
    s = _side(side)
    kind = request.GET.get("type", "")
    status = request.GET.get("status", "")
    docs = document_list_with_totals(s, document_type=kind, status=status)[:200]
    context = {
        "side": s,
        "docs": docs,
        "type": kind,
        "status": status,
        "types": s.types.choices,
        "section": f"{s.name}-documents",
    }
    return render(request, "documents/document_list.html", context)


@login_required
def document_detail(request: HttpRequest, side: str, number: str) -> HttpResponse:
    """The document card: who it is for, its lines and total, its actions and its log."""
    s = _side(side)
    header = document_get(s, number)
    return render(request, "documents/document_detail.html", _detail_context(s, header))


def _detail_context(side: Side, header: Any, form: LineForm | None = None) -> dict[str, Any]:
    lines = document_lines(header)
    return {
        "side": side,
        "doc": header,
        "lines": lines,
        "total": sum(line.line_amount for line in lines),
        "party": {
            "record": getattr(header, side.record_field(side.party)),
            "contact": getattr(header, f"{side.party}_contact"),
            "template": getattr(header, side.template_field(side.party)),
            "name": getattr(header, f"{side.party}_name"),
            "address": getattr(header, f"{side.party}_address"),
            "city": getattr(header, f"{side.party}_city"),
            "post_code": getattr(header, f"{side.party}_post_code"),
            "contact_name": getattr(header, f"{side.party}_contact_name"),
            "email": getattr(header, f"{side.party}_email"),
        },
        "record_path": "customers" if side.kind == "customer" else "vendors",
        "template_choices": list(templates_for_side(side)),
        "form": form or LineForm(),
        "email_form": EmailForm(),
        "entries": list(interaction_list(document_number=header.number)[:20]),
        "section": f"{side.name}-documents",
    }


@require_POST
@role_required(EDITOR)
def document_new(request: HttpRequest, side: str) -> HttpResponse:
    """A new document for the contact given (from the contact card's buttons)."""
    s = _side(side)
    contact = contact_get(request.POST.get("contact", ""))
    try:
        header = document_create(
            side=s,
            document_type=request.POST.get("type", "quote"),
            contact=contact,
            user=request.user,  # type: ignore[arg-type]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contacts:detail", number=contact.number)
    messages.success(request, f"{s.type_label(header.document_type)} {header.number} created.")
    return _card(request, s, header.number)


@role_required(EDITOR)
@require_POST
def line_add(request: HtmxHttpRequest, side: str, number: str) -> HttpResponse:
    """Add a line; with htmx only the lines part is redrawn."""
    s = _side(side)
    header = document_get(s, number)
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            document_line_add(
                header=header,
                data=form.cleaned_data,
                user=request.user,  # type: ignore[arg-type]
            )
            form = LineForm()
        except DomainError as exc:
            errors_onto_form(form, exc)
    context = _detail_context(s, document_get(s, number), form)
    if request.htmx:
        return render(request, "documents/_lines.html", context)
    return render(request, "documents/document_detail.html", context)


@role_required(EDITOR)
@require_POST
def line_delete(request: HttpRequest, side: str, number: str, line_no: int) -> HttpResponse:
    s = _side(side)
    try:
        document_line_delete(header=document_get(s, number), line_no=line_no)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _card(request, s, number)


ACTIONS = {
    "release": (document_release, "released"),
    "reopen": (document_reopen, "reopened"),
}


@role_required(EDITOR)
@require_POST
def document_action(request: HttpRequest, side: str, number: str, action: str) -> HttpResponse:
    """Release or reopen."""
    s = _side(side)
    if action not in ACTIONS:
        raise Http404("No such action.")
    service, done = ACTIONS[action]
    try:
        service(header=document_get(s, number))
        messages.success(request, f"{number} {done}.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _card(request, s, number)


@role_required(EDITOR)
@require_POST
def make_order(request: HttpRequest, side: str, number: str) -> HttpResponse:
    """Quote → order; says when a customer or vendor was created on the way."""
    s = _side(side)
    quote = document_get(s, number)
    had_record = getattr(quote, f"{s.record_field(s.party)}_id") is not None
    try:
        order = document_make_order(header=quote, user=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return _card(request, s, number)
    record = getattr(order, s.record_field(s.party))
    created = "" if had_record else f" {s.kind.capitalize()} {record.number} was created."
    messages.success(request, f"Order {order.number} made from quote {number}.{created}")
    return _card(request, s, order.number)


@login_required
def preview(request: HttpRequest, side: str, number: str) -> HttpResponse:
    """The PDF without logging (preview)."""
    header = document_get(_side(side), number)
    response = HttpResponse(document_pdf(header), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


@role_required(EDITOR)
@require_POST
def print_view(request: HttpRequest, side: str, number: str) -> HttpResponse:
    """Print: download the PDF; the interaction is logged."""
    s = _side(side)
    try:
        body = document_print(header=document_get(s, number), user=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return _card(request, s, number)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{number}.pdf"'
    return response


@role_required(EDITOR)
@require_POST
def email_view(request: HttpRequest, side: str, number: str) -> HttpResponse:
    """E-mail the PDF; the outcome (sent or failed, and why) is shown."""
    s = _side(side)
    form = EmailForm(request.POST)
    to = form.cleaned_data["to"] if form.is_valid() else ""
    try:
        sent = document_email(header=document_get(s, number), to=to, user=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
        return _card(request, s, number)
    if sent.status == "failed":
        messages.error(
            request, f"E-mail to {sent.to} failed: {sent.error}. It is kept; retry later."
        )
    else:
        messages.success(request, f"{number} e-mailed to {sent.to}.")
    return _card(request, s, number)


@role_required(EDITOR)
@require_POST
def delete_view(request: HttpRequest, side: str, number: str) -> HttpResponse:
    s = _side(side)
    header = document_get(s, number)
    contact = getattr(header, f"{s.party}_contact")
    document_delete(header=header)
    messages.success(request, f"{number} deleted; its logged interactions stay.")
    if contact is not None:
        return redirect("contacts:detail", number=contact.number)
    return redirect("documents:list", side=s.name)


@login_required
def setup_view(request: HttpRequest) -> HttpResponse:
    """Company information (the letterhead) and which template logs which event; admins
    change them."""
    require_role_for_post(request, ADMIN)
    codes = [t.code for t in interaction_template_list()]
    info = company_information_get()
    company_form = CompanyInformationForm(
        request.POST if "company" in request.POST else None,
        initial={name: getattr(info, name) for name in CompanyInformationForm.base_fields},
        prefix="company",
    )
    log_form = InteractionSetupForm(
        request.POST if "log" in request.POST else None,
        codes=codes,
        initial=setup_out(interaction_setup_get()),
        prefix="log",
    )
    for form, save, done in (
        (company_form, lambda d: company_information_update(data=d), "Company information"),
        (log_form, lambda d: interaction_setup_update(data=d), "Interaction template setup"),
    ):
        if form.is_bound and form.is_valid():
            try:
                save(form.cleaned_data)
            except DomainError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, f"{done} saved.")
                return redirect("documents:setup")
    context = {
        "company_form": company_form,
        "log_form": log_form,
        "templates": interaction_template_list(),
        "section": "setup",
    }
    return render(request, "documents/setup.html", context)


@role_required(EDITOR)
@require_POST
def template_view(request: HttpRequest, side: str, number: str) -> HttpResponse:
    """Choose the template a prospect quote's customer (vendor) will be made from."""
    s = _side(side)
    try:
        document_update(
            header=document_get(s, number), data={"template_code": request.POST.get("template", "")}
        )
        messages.success(request, "Template chosen.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return _card(request, s, number)


@role_required(EDITOR)
@require_POST
def contact_view(request: HttpRequest, side: str, number: str) -> HttpResponse:
    """Change the document's contact (R-M3/R-M11); a refusal is shown and nothing changes."""
    s = _side(side)
    form = ContactChangeForm(request.POST)
    if not form.is_valid() or form.cleaned_data["role"] not in (s.party, s.bill):
        messages.error(request, _("Give a contact number."))
        return _card(request, s, number)
    role, contact = form.cleaned_data["role"], form.cleaned_data["contact"].strip().upper()
    try:
        document_update(header=document_get(s, number), data={f"{role}_contact_number": contact})
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Contact changed.") if contact else _("Contact cleared."))
    return _card(request, s, number)
