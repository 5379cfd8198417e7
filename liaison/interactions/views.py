"""Interaction pages: log an interaction and send an e-mail from a contact card."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.accounts.roles import EDITOR
from liaison.contacts.selectors import contact_get
from liaison.core.errors import DomainError
from liaison.interactions.forms import ContactEmailForm, LogForm
from liaison.interactions.selectors import email_list
from liaison.interactions.services import email_send, interaction_log_manual
from liaison.webutils import errors_onto_form, role_required


@role_required(EDITOR)
@require_POST
def log_view(request: HttpRequest, number: str) -> HttpResponse:
    """Log a call or meeting from the contact card's form."""
    contact = contact_get(number)
    form = LogForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an interaction to log.")
        return redirect("contacts:detail", number=number)
    data = {
        k: v for k, v in form.cleaned_data.items() if k != "template_code" and v not in (None, "")
    }
    try:
        interaction_log_manual(
            contact=contact,
            template_code=form.cleaned_data["template_code"],
            data=data,
            user=request.user,  # type: ignore[arg-type]
        )
        messages.success(request, "Interaction logged.")
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("contacts:detail", number=number)


@role_required(EDITOR)
def email_view(request: HttpRequest, number: str) -> HttpResponse:
    """Write and send an e-mail to a contact; the outcome is shown and logged."""
    contact = contact_get(number)
    form = ContactEmailForm(request.POST or None, initial={"to": contact.email})
    if request.method == "POST" and form.is_valid():
        try:
            sent = email_send(
                contact=contact,
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                to=form.cleaned_data["to"],
                user=request.user,  # type: ignore[arg-type]
            )
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            if sent.status == "failed":
                messages.error(request, f"E-mail to {sent.to} failed: {sent.error}. It is kept.")
            else:
                messages.success(request, f"E-mail sent to {sent.to}.")
            return redirect("contacts:detail", number=number)
    return render(request, "interactions/email_form.html", {"form": form, "contact": contact})


@login_required
def outbox_view(request: HttpRequest) -> HttpResponse:
    """Every e-mail sent or tried, newest first, with failures and their reasons."""
    emails = email_list(status=request.GET.get("status", ""))[:200]
    return render(request, "interactions/outbox.html", {"emails": emails, "section": "emails"})
