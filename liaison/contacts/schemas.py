"""API schemas of contacts."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from ninja import Field, FilterSchema
from ninja.orm import create_schema

from liaison.contacts.models import Contact
from liaison.contacts.search import candidates, compact_contains
from liaison.contacts.services import EDITABLE
from liaison.core.fields import phone_digits
from liaison.core.http import ISO_DATETIME, modified_since_q
from liaison.core.schemas import CODE_PATTERN, StrictIn, SyncChangeOut

_OUT_FIELDS = [
    "number",
    "type",
    *sorted(EDITABLE - {"type"}),
    "company_name",
    "phone_e164",
    "mobile_e164",
    "search_email",
    "business_relation_summary",
    "version",
    "created_at",
    "modified_at",
]

_ContactBase = create_schema(Contact, name="ContactBase", fields=_OUT_FIELDS)


class ContactOut(_ContactBase):
    """A contact as the API shows it; ``synchronised`` lists what a write changed elsewhere."""

    company_number: str = ""
    synchronised: list[SyncChangeOut] = []  # noqa: RUF012 - pydantic copies defaults

    @staticmethod
    def resolve_company_number(obj: Contact) -> str:
        return obj.company.number if obj.company_id and obj.company else ""

    @staticmethod
    def resolve_synchronised(obj: Contact) -> list[Any]:
        return getattr(obj, "synchronised", [])


_ContactFields = create_schema(
    Contact,
    name="ContactFields",
    fields=sorted(EDITABLE),
    optional_fields=sorted(EDITABLE),
    base_class=StrictIn,
)


class ContactIn(_ContactFields):
    """A new contact. Leave ``number`` out to draw it from the contact series."""

    number: str | None = Field(None, max_length=20, pattern=CODE_PATTERN)
    company_number: str | None = Field(None, max_length=20)


class ContactPatch(_ContactFields):
    """The fields to change; ``company_number`` moves a person to a company ('' to none)."""

    company_number: str | None = Field(None, max_length=20)


class ContactPage(StrictIn):
    items: list[ContactOut]
    next_cursor: str | None


class ContactFilters(FilterSchema):
    """Contact list filters: type, company, business relation summary, text search, date."""

    type: str | None = None
    company: str | None = Field(None, description="company contact number: its persons")
    business_relation: str | None = Field(None, description="summary: customer, vendor, ...")
    q: str | None = Field(None, description="name, phone in any format, e-mail or city")
    modified_since: str | None = Field(
        None, pattern=ISO_DATETIME, description="ISO 8601 date or date-time"
    )

    def filter_type(self, value: str | None) -> Q:
        return Q(type=value) if value else Q()

    def filter_company(self, value: str | None) -> Q:
        return Q(company__number=value) if value else Q()

    def filter_business_relation(self, value: str | None) -> Q:
        return Q(business_relation_summary=value) if value else Q()

    def filter_modified_since(self, value: str | None) -> Q:
        return modified_since_q(value)

    def filter_q(self, value: str | None) -> Q:
        return text_search(value)


def text_search(value: str | None, *, has_search_email: bool = True) -> Q:
    """One search box: name, phone in any format (its digits), e-mail or city.

    Contacts keep an upper-case e-mail column for search; records match e-mail case-insensitively.
    ``has_search_email`` means the contacts table, which has search indexes (``search.py``).
    """
    if not value or not value.strip():
        return Q()
    text = value.strip()
    if has_search_email and connection.vendor == "postgresql":
        # Name or e-mail: pieces cut across words go through the compact index (``search.py``).
        query = compact_contains(text.upper()) | Q(city__icontains=text)
    else:
        query = Q(search_name__contains=text.upper()) | Q(city__icontains=text)
        if has_search_email:
            query |= Q(search_email__contains=text.upper())
        else:
            query |= Q(email__icontains=text)
    query |= Q(phone_no__contains=text)
    digits = phone_digits(text)
    if len(digits) >= 4:
        query |= Q(phone_e164__contains=digits) | Q(mobile_e164__contains=digits)
        query |= Q(phone_e164__endswith=digits.lstrip("0"))
    if has_search_email and connection.vendor == "sqlite":
        # Contacts on SQLite: the FTS5 trigram index narrows the rows, the LIKEs above decide.
        # ASCII case is folded alike by LIKE and by the index, so one phrase serves both the
        # upper-case columns and city/phone; other scripts keep the text as typed too.
        texts = [text.upper()] if text.isascii() else [text.upper(), text]
        if len(digits) >= 4:
            # Holding ``digits`` implies holding it without leading zeros (the endswith).
            texts.append(digits.lstrip("0"))
        ids = candidates(texts)
        if ids is not None:
            # The ids as one JSON parameter: the index is read once, not again in the query.
            query = Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])) & query
    return query
