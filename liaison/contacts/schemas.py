"""API schemas of contacts."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from ninja import Field, FilterSchema
from ninja.orm import create_schema

from liaison.contacts.models import Contact
from liaison.contacts.search import text_search
from liaison.contacts.services import EDITABLE
from liaison.core.http import ISO_DATETIME, modified_since_q
from liaison.core.schemas import CODE_PATTERN, StrictIn, SyncChangeOut

_OUT_FIELDS = [
    "number",
    "type",
    *sorted(EDITABLE - {"type"}),
    "company_name",
    "lookup_contact_no",
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
    # R-O4: "duplicates_found" when the save's duplicate check found some (empty otherwise).
    notices: list[str] = []  # noqa: RUF012 - pydantic copies defaults

    @staticmethod
    def resolve_company_number(obj: Contact) -> str:
        return obj.company.number if obj.company_id and obj.company else ""

    @staticmethod
    def resolve_synchronised(obj: Contact) -> list[Any]:
        return getattr(obj, "synchronised", [])

    @staticmethod
    def resolve_notices(obj: Contact) -> list[str]:
        return list(getattr(obj, "notices", []))


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
    company_name: str | None = Field(
        None, max_length=100, description="a person's company by name (R-L6), instead of number"
    )


class ContactPatch(_ContactFields):
    """The fields to change; ``company_number`` moves a person to a company ('' to none),
    ``company_name`` to the company that name resolves to (R-L6; E-23 if none or several)."""

    company_number: str | None = Field(None, max_length=20)
    company_name: str | None = Field(None, max_length=100)


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
