"""Reads of contacts."""

from __future__ import annotations

from django.db.models import QuerySet

from liaison.contacts.models import Contact
from liaison.core.errors import NotFound


def contact_get(number: str, *, for_update: bool = False) -> Contact:
    """The contact with this number, or E-10."""
    qs = Contact.objects.select_related("company")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(number=number)
    except Contact.DoesNotExist as exc:
        raise NotFound(f"Contact {number} does not exist.") from exc


def contact_list() -> QuerySet[Contact]:
    """All contacts in number order."""
    return Contact.objects.order_by("number")


def persons_of(company: Contact) -> QuerySet[Contact]:
    """The persons of a company contact, in number order."""
    return Contact.objects.filter(company=company).order_by("number")
