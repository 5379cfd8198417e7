"""Reads of contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from liaison.contacts.models import Contact
from liaison.core.errors import NotFound
from liaison.core.reads import rows_where

if TYPE_CHECKING:
    from liaison.contacts.schemas import ContactFilters


def contact_get(number: str) -> Contact:
    """The contact with this number (a person's company attached), or E-10.

    Read through ``core.reads``: the API reads a contact on every GET and PATCH, and building
    the SQL of this ``select_related`` (two 48-column rows) cost more than running it.
    """
    found = rows_where(Contact, "number", [number], related="company")
    if not found:
        raise NotFound(f"Contact {number} does not exist.")
    return found[0]


def contact_list(filters: ContactFilters | None = None) -> QuerySet[Contact]:
    """Contacts in number order, narrowed by ``filters`` (one definition for the API's list and
    the web list)."""
    contacts = Contact.objects.order_by("number")
    return filters.filter(contacts) if filters is not None else contacts


def persons_of(company: Contact) -> QuerySet[Contact]:
    """The persons of a company contact, in number order."""
    return Contact.objects.filter(company=company).order_by("number")
