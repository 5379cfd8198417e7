"""Reads of contacts."""

from __future__ import annotations

from django.db.models import QuerySet

from liaison.contacts.models import Contact
from liaison.core.errors import NotFound
from liaison.core.reads import rows_where


def contact_get(number: str) -> Contact:
    """The contact with this number (a person's company attached), or E-10.

    Read through ``core.reads``: the API reads a contact on every GET and PATCH, and building
    the SQL of this ``select_related`` (two 48-column rows) cost more than running it.
    """
    found = rows_where(Contact, "number", [number], related="company")
    if not found:
        raise NotFound(f"Contact {number} does not exist.")
    return found[0]


def contact_list() -> QuerySet[Contact]:
    """All contacts in number order."""
    return Contact.objects.order_by("number")


def persons_of(company: Contact) -> QuerySet[Contact]:
    """The persons of a company contact, in number order."""
    return Contact.objects.filter(company=company).order_by("number")
