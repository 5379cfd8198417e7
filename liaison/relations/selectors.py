"""Reads about links and setup."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef, QuerySet

from liaison.contacts.models import Contact
from liaison.contacts.search import text_search
from liaison.core.errors import NotFound
from liaison.core.models import NoSeries
from liaison.relations.errors import RelationCodeMissing
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.models import (
    BusinessRelation,
    ContactBusinessRelation,
    LinkToTable,
    MarketingSetup,
)

if TYPE_CHECKING:
    from liaison.relations.schemas import LinkFilters

KIND_SETUP_FIELD = {
    "customer": "bus_rel_code_for_customers",
    "vendor": "bus_rel_code_for_vendors",
    "bank_account": "bus_rel_code_for_bank_accounts",
}
KIND_PLURAL = {"customer": "Customers", "vendor": "Vendors", "bank_account": "Bank Accs."}


def marketing_setup_get() -> MarketingSetup:
    """The single marketing setup row (an unsaved default when ``liaison init`` has not run)."""
    return MarketingSetup.objects.select_related(
        "bus_rel_code_for_customers",
        "bus_rel_code_for_vendors",
        "bus_rel_code_for_bank_accounts",
        "contact_nos",
    ).filter(pk=1).first() or MarketingSetup(pk=1)


def relation_code_for(kind: str, setup: MarketingSetup | None = None) -> BusinessRelation | None:
    """The business relation code that switches synchronisation on for ``kind`` (R-A1)."""
    setup = setup or marketing_setup_get()
    code: BusinessRelation | None = getattr(setup, KIND_SETUP_FIELD[kind])
    return code


def relation_code_required(kind: str, setup: MarketingSetup | None = None) -> BusinessRelation:
    """The code for ``kind`` or E-2."""
    code = relation_code_for(kind, setup)
    if code is None:
        raise RelationCodeMissing(
            f"Bus. Rel. Code for {KIND_PLURAL[kind]} must have a value in Marketing Setup: "
            "set it before linking or creating records."
        )
    return code


def link_for_contact(contact_pk: int, kind: str) -> ContactBusinessRelation | None:
    """The contact's own link of this kind, if any."""
    return ContactBusinessRelation.objects.filter(contact_id=contact_pk, link_to_table=kind).first()


def link_for_record(kind: str, record_pk: int) -> ContactBusinessRelation | None:
    """The link of a customer, vendor or bank account, if any (R-A2)."""
    return (
        ContactBusinessRelation.objects.select_related("contact")
        .filter(link_to_table=kind, **{f"{kind}_id": record_pk})
        .first()
    )


def links_to_records(contact_pks: Iterable[int]) -> QuerySet[ContactBusinessRelation]:
    """The links of these contacts to customers, vendors and bank accounts, both ends loaded."""
    return (
        ContactBusinessRelation.objects.filter(contact_id__in=list(contact_pks))
        .exclude(link_to_table=LinkToTable.NONE)
        .select_related("contact", "customer", "vendor", "bank_account")
    )


def links_of_contact(contact: Contact) -> QuerySet[ContactBusinessRelation]:
    """A contact's link rows with their targets, in business relation code order."""
    return (
        ContactBusinessRelation.objects.filter(contact=contact)
        .select_related("contact", "business_relation", "customer", "vendor", "bank_account")
        .order_by("business_relation__code")
    )


def unlinked_records(kind: str, *, search: str = "") -> QuerySet[Any]:
    """Records of ``kind`` without a contact link, in number order (R-I2, R-I3), matching
    ``search`` (the contact search box's rules) when one is given.

    ``NOT EXISTS``, one index lookup per record read, not ``NOT IN (links)``: both databases
    build the whole list of linked keys for a ``NOT IN`` on every query, so a batch job's
    chunk would cost more with every link made so far, and a job would take time quadratic in
    its size.
    """
    model = FIELD_MAPS[kind].model
    linked = ContactBusinessRelation.objects.filter(link_to_table=kind, **{kind: OuterRef("pk")})
    records = model._default_manager.filter(~Exists(linked)).order_by("number")
    return records.filter(text_search(search, has_search_email=False)) if search else records


def link_list(filters: LinkFilters) -> QuerySet[ContactBusinessRelation]:
    """Link rows with their contact, code and target, in key order, narrowed by ``filters``."""
    links = ContactBusinessRelation.objects.select_related(
        "contact", "business_relation", "customer", "vendor", "bank_account"
    ).order_by("pk")
    return filters.filter(links)


def business_relation_list() -> QuerySet[BusinessRelation]:
    """The business relation codes, in code order."""
    return BusinessRelation.objects.order_by("code")


def business_relation_get(code: str) -> BusinessRelation:
    """The business relation with this code, or E-10."""
    found = BusinessRelation.objects.filter(code=code).first()
    if found is None:
        raise NotFound(f"Business relation {code} does not exist.")
    return found


def no_series_list() -> QuerySet[NoSeries]:
    """The number series with their lines, in code order."""
    return NoSeries.objects.prefetch_related("lines").order_by("code")
