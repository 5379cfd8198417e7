"""Reads of the interaction log, templates, setup and the e-mail outbox."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from liaison.contacts.models import Contact
from liaison.core.errors import NotFound
from liaison.interactions.errors import InteractionTemplateNotFound
from liaison.interactions.models import (
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
    OutgoingEmail,
)


def interaction_setup_get() -> InteractionTemplateSetup:
    """The single setup row with its templates (an unsaved blank one before ``liaison init``)."""
    templates = [f.name for f in InteractionTemplateSetup._meta.concrete_fields if f.is_relation]
    found = InteractionTemplateSetup.objects.select_related(*templates).filter(pk=1).first()
    return found or InteractionTemplateSetup(pk=1)


def interaction_template_get(code: str) -> InteractionTemplate:
    """The template with this code, or a clear 404."""
    found = InteractionTemplate.objects.filter(code=code).first()
    if found is None:
        raise InteractionTemplateNotFound(
            f"Interaction template {code} does not exist: create it or choose another."
        )
    return found


def interaction_template_list() -> QuerySet[InteractionTemplate]:
    return InteractionTemplate.objects.order_by("code")


def timeline_for(contact: Contact) -> QuerySet[InteractionLogEntry]:
    """A contact's interactions, newest first; a company's include its persons' (their entries
    carry the company as Contact Company No.)."""
    query = Q(contact=contact)
    if contact.is_company:
        query |= Q(contact_company=contact)
    return InteractionLogEntry.objects.filter(query).select_related("email").order_by("-id")


def interaction_list(
    *, contact: Contact | None = None, contact_number: str = "", document_number: str = ""
) -> QuerySet[InteractionLogEntry]:
    """Entries of ``contact``'s timeline, or else filtered by the number they were logged
    under (kept after a contact is deleted); of one document when ``document_number`` names
    it. Each with its contact and company."""
    if contact is not None:
        entries = timeline_for(contact)
    else:
        entries = InteractionLogEntry.objects.select_related("email").order_by("-id")
        if contact_number:
            entries = entries.filter(contact_number=contact_number)
    entries = entries.select_related("contact", "contact_company")
    if document_number:
        entries = entries.filter(document_number=document_number)
    return entries


def interaction_get(pk: int) -> InteractionLogEntry:
    found = InteractionLogEntry.objects.select_related("email").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"Interaction log entry {pk} does not exist.")
    return found


def email_get(pk: int) -> OutgoingEmail:
    found = OutgoingEmail.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"E-mail {pk} does not exist.")
    return found


def email_list(*, status: str = "") -> QuerySet[OutgoingEmail]:
    """The outbox, newest first, each e-mail with its contact."""
    emails = OutgoingEmail.objects.defer("attachment").select_related("contact").order_by("-id")
    return emails.filter(status=status) if status else emails
