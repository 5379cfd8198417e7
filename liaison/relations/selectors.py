"""Reads about links and setup."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from liaison.contacts.models import BusinessRelationSummary, Contact, ContactType
from liaison.contacts.search import text_search
from liaison.core.errors import NotFound, ValidationFailed
from liaison.core.models import NoSeries
from liaison.relations.errors import RelatedTypeRequired, RelationCodeMissing
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


# Integration views (R-P2, R-P3) -----------------------------------------------------------

RELATED_TYPES = ("customer", "vendor", "bank_account")


def contacts_information(related_type: str, related_number: str) -> QuerySet[Contact]:
    """R-P2: the contacts a customer, vendor or bank account is related to: its linked
    contact, and when that is a company, the company's persons; none without a link. Each row
    carries ``related_type``, ``related_number`` and its ``relation`` (``linked_contact`` or
    ``person_of_company``). E-32 without a type and number."""
    if not related_type or not related_number:
        raise RelatedTypeRequired(
            _("id type not specified: give related_type and related_number."),
            fields={
                name: [_("Required.")]
                for name, value in (
                    ("related_type", related_type),
                    ("related_number", related_number),
                )
                if not value
            },
        )
    if related_type not in RELATED_TYPES:
        raise ValidationFailed(
            _("%(kind)s is not a related type: use customer, vendor or bank_account.")
            % {"kind": related_type},
            fields={"related_type": [_("Choose customer, vendor or bank_account.")]},
        )
    model = FIELD_MAPS[related_type].model
    record: Any = model._default_manager.filter(number=related_number).first()
    if record is None:
        raise NotFound(
            _("%(kind)s %(number)s does not exist.")
            % {"kind": related_type.replace("_", " ").capitalize(), "number": related_number}
        )
    link = link_for_record(related_type, record.pk)
    if link is None:
        return Contact.objects.none()
    hub = link.contact
    members = Q(pk=hub.pk) | Q(company_id=hub.pk) if hub.is_company else Q(pk=hub.pk)
    return Contact.objects.filter(members).annotate(
        related_type=Value(related_type),
        related_number=Value(record.number),
        relation=Case(
            When(pk=hub.pk, then=Value("linked_contact")),
            default=Value("person_of_company"),
        ),
    )


def _customer_of(contact_ref: str, field: str) -> Subquery:
    links = ContactBusinessRelation.objects.filter(
        link_to_table="customer", contact_id=OuterRef(contact_ref)
    )
    return Subquery(links.values(f"customer__{field}")[:1])


def customer_contacts() -> QuerySet[Contact]:
    """R-P3: persons whose business relation summary is Customer, each with the customer of
    its company's link (a standalone person's own link when it has no company) as
    ``customer_number`` and ``customer_name``."""
    persons = Contact.objects.select_related("company").filter(
        type=ContactType.PERSON, business_relation_summary=BusinessRelationSummary.CUSTOMER
    )
    return persons.annotate(
        customer_number=Coalesce(
            _customer_of("company_id", "number"), _customer_of("pk", "number"), Value("")
        ),
        customer_name=Coalesce(
            _customer_of("company_id", "name"), _customer_of("pk", "name"), Value("")
        ),
    )


def customer_contact_get(number: str) -> Contact:
    """One row of ``customer_contacts``, or E-10."""
    found = customer_contacts().filter(number=number).first()
    if found is None:
        raise NotFound(_("Contact %(number)s is not a person of a customer.") % {"number": number})
    return found
