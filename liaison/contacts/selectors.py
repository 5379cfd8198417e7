"""Reads of contacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from liaison.contacts.errors import CompanyNameNotResolved
from liaison.contacts.models import Contact, ContactType
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


def _company_steps(text: str) -> list[Q]:
    """R-L6 steps 2 to 4, among company contacts: exact name (any case), then number or name
    starting with the text, then number, name, city, phone or post code containing it."""
    return [
        Q(name__iexact=text),
        Q(number__istartswith=text) | Q(name__istartswith=text),
        Q(number__icontains=text)
        | Q(name__icontains=text)
        | Q(city__icontains=text)
        | Q(phone_no__icontains=text)
        | Q(post_code__icontains=text),
    ]


def company_by_name(text: str) -> Contact:
    """R-L6: the company a typed Company Name means. An exact contact number first (of any
    type: a person is then refused as a company, E-34), then the first step of
    ``_company_steps`` that finds any company. One match is taken; none or several is E-23
    (the web form's picker offers the candidates while typing)."""
    typed = text.strip()
    message = "You must select an existing contact."
    if not typed:
        raise CompanyNameNotResolved(message, fields={"company_name": ["Type a company."]})
    exact = Contact.objects.filter(number=typed.upper()).first()
    if exact is not None:
        return exact
    companies = Contact.objects.filter(type=ContactType.COMPANY).order_by("number")
    for step in _company_steps(typed):
        found = list(companies.filter(step)[:6])
        if len(found) == 1:
            return found[0]
        if found:
            numbers = ", ".join(c.number for c in found[:5])
            more = " and more" if len(found) > 5 else ""
            why = f'Several companies match "{typed}" ({numbers}{more}): type its number.'
            raise CompanyNameNotResolved(message, fields={"company_name": [why]})
    why = f'No company matches "{typed}".'
    raise CompanyNameNotResolved(message, fields={"company_name": [why]})


def company_candidates(text: str, limit: int = 10) -> list[Contact]:
    """Companies whose number or name holds ``text``, for the Company Name picker."""
    typed = text.strip()
    if not typed:
        return []
    found = Contact.objects.filter(type=ContactType.COMPANY).filter(
        Q(number__istartswith=typed) | Q(name__icontains=typed)
    )
    return list(found.order_by("search_name", "number")[:limit])
