"""The master data tables as data: which model a code field points to, which fields of which
models hold its codes. The check, the delete refusal and the pages read this one list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from liaison.masterdata.models import Language, PaymentTerms, PostCode, Salesperson, Territory


@dataclass(frozen=True)
class Table:
    """One master data table: its key in URLs and the API, its model, its fields as a page
    shows them, and the code fields of other models that point to it."""

    key: str
    model: type[models.Model]
    fields: tuple[str, ...]
    search: tuple[str, ...]
    references: tuple[str, ...] = ()

    def headers(self) -> list[str]:
        """The fields' names as a page heads its columns."""
        names = {f.name: str(f.verbose_name) for f in self.model._meta.concrete_fields}
        return [names[n] for n in self.fields]

    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural).capitalize()


SALESPEOPLE = Table(
    "salespeople",
    Salesperson,
    ("code", "name", "email", "phone_no", "privacy_blocked"),
    ("code", "name"),
    ("salesperson_code", "purchaser_code", "our_contact_code", "default_salesperson_code"),
)
TERRITORIES = Table(
    "territories",
    Territory,
    ("code", "name"),
    ("code", "name"),
    ("territory_code", "default_territory_code"),
)
LANGUAGES = Table(
    "languages",
    Language,
    ("code", "name"),
    ("code", "name"),
    ("language_code", "default_language_code"),
)
PAYMENT_TERMS = Table(
    "payment-terms",
    PaymentTerms,
    ("code", "description", "due_date_calculation"),
    ("code", "description"),
    ("payment_terms_code",),
)
POST_CODES = Table(
    "post-codes", PostCode, ("code", "city", "country_code", "county"), ("code", "city")
)
TABLES: dict[str, Table] = {
    t.key: t for t in (SALESPEOPLE, TERRITORIES, LANGUAGES, PAYMENT_TERMS, POST_CODES)
}
# A code field of a contact, record, template or setup -> the table its value must name.
CODE_TABLES: dict[str, Table] = {
    field: table for table in TABLES.values() for field in table.references
}
