"""Write services for contacts: create, update (with the engine), delete (spec R-D, R-E2, R-L)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q

from liaison.audit.trail import Trail
from liaison.contacts.errors import (
    CompanyNotCompany,
    ContactTypeChangeRefused,
    PrivacyConsentMissing,
)
from liaison.contacts.models import Contact, ContactType
from liaison.contacts.naming import break_down_name, compose_name
from liaison.core.errors import ValidationFailed
from liaison.core.normalise import normalise_party
from liaison.core.numbering import number_manual_check, numbers_draw, series_get
from liaison.core.reads import row_for_update
from liaison.core.update import (
    check_version,
    full_clean_or_raise,
    model_update,
    refuse_nulls,
    snapshot,
)
from liaison.interactions.services import (
    contact_has_interactions,
    entries_detach,
    entries_follow_company_change,
    entries_repoint,
)
from liaison.purchases.models import Vendor
from liaison.relations.models import ContactBusinessRelation
from liaison.relations.selectors import links_to_records, marketing_setup_get
from liaison.relations.sync import (
    SyncReport,
    inherit_into_person,
    summaries_refresh,
    sync_from_contacts,
)
from liaison.sales.models import Customer

EDITABLE = frozenset(
    {
        "type",
        "name",
        "search_name",
        "name_2",
        "first_name",
        "middle_name",
        "surname",
        "address",
        "address_2",
        "city",
        "post_code",
        "county",
        "country_code",
        "phone_no",
        "mobile_phone_no",
        "fax_no",
        "telex_no",
        "telex_answer_back",
        "email",
        "home_page",
        "territory_code",
        "currency_code",
        "language_code",
        "format_region",
        "registration_number",
        "vat_registration_no",
        "salesperson_code",
        "job_title",
        "initials",
        "extension_no",
        "pager",
        "correspondence_type",
        "privacy_blocked",
        "minor",
        "parental_consent_received",
    }
)
_NAME_PARTS = ("first_name", "middle_name", "surname")


def _apply_name_rules(contact: Contact, data: dict[str, Any], before: dict[str, Any]) -> None:
    """R-D11: parts compose the name; a person's typed name is broken down into parts."""
    if contact.type == ContactType.COMPANY:
        for part in (*_NAME_PARTS, "job_title"):
            setattr(contact, part, "")
        contact.company_name = contact.name
        return
    if any(p in data for p in _NAME_PARTS) and "name" not in data:
        contact.name = compose_name(contact.first_name, contact.middle_name, contact.surname)
    elif (
        "name" in data
        or contact.name != before.get("name")
        or not any(getattr(contact, p) for p in _NAME_PARTS)
    ):
        contact.first_name, contact.middle_name, contact.surname = break_down_name(contact.name)


def _apply_privacy_rules(contact: Contact, data: dict[str, Any], before: dict[str, Any]) -> None:
    """Setting Minor or Parental Consent sets Privacy Blocked; E-38 guards clearing it."""
    if ("minor" in data and contact.minor and not before.get("minor")) or (
        "parental_consent_received" in data
        and contact.parental_consent_received != before.get("parental_consent_received")
    ):
        contact.privacy_blocked = True
    if contact.minor and not contact.parental_consent_received and not contact.privacy_blocked:
        raise PrivacyConsentMissing(
            f"Privacy Blocked cannot be cleared until Parental Consent Received is set for minor "
            f"contact {contact.number}."
        )


def _derive(contact: Contact, data: dict[str, Any], before: dict[str, Any]) -> None:
    _apply_name_rules(contact, data, before)
    _apply_privacy_rules(contact, data, before)
    normalise_party(contact, before)


def _check_type_change(contact: Contact, new_type: str) -> None:
    """R-L2: a company with persons or any business relation, currency or VAT number cannot
    become a person (E-20, E-21)."""
    if new_type == contact.type:
        return
    if contact_has_interactions(contact.pk):
        raise ContactTypeChangeRefused(
            f"Type of contact {contact.number} cannot be changed because interaction log "
            "entries are linked to the contact."
        )
    if new_type == ContactType.PERSON:
        reasons = []
        if Contact.objects.filter(company=contact).exists():
            reasons.append("related people are linked to the contact")
        if ContactBusinessRelation.objects.filter(contact=contact).exists():
            reasons.append("it has business relations")
        if contact.currency_code:
            reasons.append("Currency Code must be blank")
        if contact.vat_registration_no:
            reasons.append("VAT Registration No. must be blank")
        if reasons:
            raise ContactTypeChangeRefused(
                f"Type of contact {contact.number} cannot be changed to Person: "
                + "; ".join(reasons)
                + "."
            )


@transaction.atomic
def contact_create(
    *,
    data: dict[str, Any],
    number: str = "",
    company_number: str = "",
) -> Contact:
    """Create a company or person contact (spec 1.1 insert rules, R-A7, R-L1, R-L5).

    A blank number is drawn from Marketing Setup "Contact Nos." (E-3); a typed one needs a
    series that allows manual numbers (E-4). A person given a company inherits its data.
    """
    unknown = sorted(set(data) - EDITABLE)
    if unknown:
        raise ValidationFailed(
            f"Unknown or read-only fields: {', '.join(unknown)}.",
            fields={k: ["This field cannot be set here."] for k in unknown},
        )
    refuse_nulls(Contact, data)
    setup = marketing_setup_get()
    series = None
    if setup.contact_nos is not None or not number:
        code = setup.contact_nos.code if setup.contact_nos else ""
        series = series_get(code, setup_field="Contact Nos.")
    contact = Contact(**data)
    if number:
        number_manual_check(series, number)
        contact.number = number.strip().upper()
        contact.no_series = ""
    else:
        assert series is not None
        contact.number = numbers_draw(
            series,
            taken=lambda c: Contact.objects.filter(number__in=c).values_list("number", flat=True),
        )[0]
        contact.no_series = series.code
    if company_number:
        company = Contact.objects.filter(number=company_number).first()
        if company is None or company.type != ContactType.COMPANY:
            raise CompanyNotCompany(
                f"Company No. {company_number} must be an existing company contact."
            )
        if contact.type != ContactType.PERSON:
            raise CompanyNotCompany("Type must be equal to Person to set a Company No.")
        contact.company = company
    _derive(contact, data, {})
    if contact.company is not None:
        inherit_into_person(contact, contact.company, setup)
    full_clean_or_raise(contact)
    contact.save()
    trail = Trail()
    trail.created([contact])
    trail.save()
    summaries_refresh([contact.pk])
    contact.refresh_from_db()
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    data: dict[str, Any],
    expected_version: int | None = None,
    company_number: str | None = None,
) -> tuple[Contact, SyncReport]:
    """Edit a contact and synchronise: its linked records and, for a company, its persons.

    Changes are detected against the stored row (product decision 4).
    """
    contact = row_for_update(Contact, contact.pk)
    before = snapshot(contact)
    if "type" in data:
        _check_type_change(contact, data["type"])
    if company_number is not None:
        _change_company(contact, company_number, data)

    def derive(obj: Any, prev: dict[str, Any]) -> None:
        _derive(obj, data, prev)

    changed = model_update(
        contact,
        data,
        allowed=EDITABLE,
        derive=derive,
        expected_version=expected_version,
        before=before,
    )
    trail = Trail()
    trail.changed(contact, before, changed)
    report = sync_from_contacts([contact], previous={contact.pk: before}, trail=trail)
    trail.save()
    if company_number is not None and contact.company_id != before["company_id"]:
        summaries_refresh([contact.pk])
        contact.refresh_from_db()
    return contact, report


def _change_company(contact: Contact, company_number: str, data: dict[str, Any]) -> None:
    """R-L4: a person joins (or leaves, with '') a company and inherits its data (R-L5)."""
    if contact.type != ContactType.PERSON and data.get("type") != ContactType.PERSON:
        raise CompanyNotCompany(f"Type must be equal to Person in contact {contact.number}.")
    if not company_number:
        if contact.pk is not None:
            entries_follow_company_change(
                person_pk=contact.pk, old_company_pk=contact.company_id, new_company_pk=None
            )
        contact.company = None
        contact.company_name = ""
        return
    company = Contact.objects.filter(number=company_number, type=ContactType.COMPANY).first()
    if company is None:
        raise CompanyNotCompany(
            f"Company No. {company_number} must be an existing company contact."
        )
    if company.pk != contact.company_id:
        if contact.pk is not None:
            entries_follow_company_change(
                person_pk=contact.pk, old_company_pk=contact.company_id, new_company_pk=company.pk
            )
        old = snapshot(contact.company) if contact.company else None
        contact.company = company
        inherit_into_person(contact, company, marketing_setup_get(), old)


@transaction.atomic
def contact_delete(*, contact: Contact, expected_version: int | None = None) -> list[str]:
    """R-E2: delete a contact; its links go, the linked records stay.

    A company's persons are deleted with it. Customers and vendors whose primary contact it
    was lose that reference and their Contact text (BC behaviour). Returns the deleted numbers.
    """
    contact = row_for_update(Contact, contact.pk)
    check_version(contact, expected_version)
    family = list(Contact.objects.filter(Q(pk=contact.pk) | Q(company=contact)))
    pks = [c.pk for c in family]
    trail = Trail()
    for link in links_to_records(pks):
        kind = link.link_to_table
        trail.link(link.contact, kind, getattr(link, kind), unlink=True)
    for model in (Customer, Vendor):
        primary_of = model.objects.filter(primary_contact_id__in=pks)
        for record in primary_of.only("number", "contact", "primary_contact"):
            trail.field(record, "primary_contact", record.primary_contact_id, None)
            trail.field(record, "contact", record.contact, "")
    trail.deleted(family)
    trail.save()
    for model in (Customer, Vendor):
        model.objects.filter(primary_contact_id__in=pks).update(primary_contact=None, contact="")
    ContactBusinessRelation.objects.filter(contact_id__in=pks).delete()
    # R-E2: interaction history is kept. A company's (and its persons') entries are detached and
    # keep the number and name they were logged under; a person's move to its company.
    if contact.is_company:
        entries_detach(contact_pks=pks, company_pk=contact.pk)
    elif contact.company_id:
        entries_repoint(person_pk=contact.pk, company_pk=contact.company_id)
    else:
        entries_detach(contact_pks=pks, company_pk=None)
    Contact.objects.filter(company=contact).delete()
    contact.delete()
    return [c.number for c in family]


@transaction.atomic
def contact_renumber(*, contact: Contact, number: str) -> Contact:
    """R-F1: give a contact a new number. References are keys, so links, persons and primary
    contacts follow by themselves; no synchronisation runs. E-4 when the series forbids it."""
    contact = row_for_update(Contact, contact.pk)
    new = number.strip().upper()
    if not new:
        raise ValidationFailed(
            "A contact number cannot be blank.", fields={"number": ["Required."]}
        )
    setup = marketing_setup_get()
    number_manual_check(setup.contact_nos, new)
    if Contact.objects.filter(number=new).exclude(pk=contact.pk).exists():
        raise ValidationFailed(
            f"Contact {new} already exists: choose another number.",
            fields={"number": ["A contact with this number already exists."]},
        )
    old_number = contact.number
    contact.number = new
    contact.no_series = ""
    contact.version += 1
    contact.save(update_fields=["number", "no_series", "version"])
    trail = Trail()
    trail.renamed(contact, old_number)
    trail.save()
    return contact
