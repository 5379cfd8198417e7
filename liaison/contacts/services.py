"""Write services for contacts: create, update (with the engine), delete (spec R-D, R-E2, R-L)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from liaison.accounts.selectors import acting_salesperson_code
from liaison.audit.trail import Trail
from liaison.contacts.errors import (
    CompanyNotCompany,
    ContactHasCompanyData,
    ContactHasPersons,
    ContactNameMissing,
    ContactTypeChangeRefused,
    PrivacyConsentMissing,
)
from liaison.contacts.models import Contact, ContactType
from liaison.contacts.naming import break_down_name, compose_name
from liaison.contacts.selectors import company_by_name
from liaison.core.errors import DomainError, NotFound, ValidationFailed
from liaison.core.normalise import normalise_party
from liaison.core.numbering import number_manual_check, numbers_draw, series_get
from liaison.core.reads import row_for_update, rows_where
from liaison.core.update import (
    check_version,
    full_clean_or_raise,
    model_update,
    refuse_nulls,
    refuse_unknown,
    snapshot,
)
from liaison.duplicates.services import duplicates_check_on_save
from liaison.interactions.services import (
    contact_has_interactions,
    entries_detach,
    entries_follow_company_change,
    entries_repoint,
)
from liaison.masterdata.services import codes_check_changed, post_code_fill
from liaison.purchases.models import Vendor
from liaison.relations.models import ContactBusinessRelation, MarketingSetup
from liaison.relations.selectors import links_to_records, marketing_setup_get
from liaison.relations.sync import (
    SyncReport,
    inherit_into_person,
    summaries_refresh,
    sync_from_contacts,
)
from liaison.sales.models import Customer
from liaison.vatlog.services import vat_entries_log

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
COMPANY_NUMBER = "company_number"


def _field_error(exc_type: type[DomainError], field: str, message: str) -> DomainError:
    """A rule's refusal, naming the field at fault (the API, the form and bulk reports)."""
    return exc_type(message, fields={field: [message]})


def contact_name_rules(
    contact: Contact, data: Mapping[str, Any], before: Mapping[str, Any]
) -> None:
    """R-D11: parts compose a person's name; a typed name is broken down into parts.

    Changes are what differs from ``before`` (empty for a new contact), not what was sent: an
    import or a PATCH that repeats the stored Name does not re-split parts typed apart. A
    Name that the changed parts compose anyway keeps the parts as typed ("Mary Ann" "Smith"
    is not re-split into "Mary" "Ann" "Smith"), and a blank Name with parts is composed (the
    "Add person" form sends first name and surname with an empty Name). E-30/E-31: a contact
    needs a name.
    """
    if contact.type == ContactType.COMPANY:
        for part in (*_NAME_PARTS, "job_title"):
            setattr(contact, part, "")
    else:
        parts = [getattr(contact, p) for p in _NAME_PARTS]
        composed = compose_name(*parts)
        name_changed = contact.name != before.get("name")
        parts_changed = any(p in data and getattr(contact, p) != before.get(p) for p in _NAME_PARTS)
        if parts_changed and (not name_changed or not contact.name.strip()):
            contact.name = composed
        elif parts_changed and contact.name == composed:
            pass  # the parts as typed
        elif name_changed or not any(parts):
            contact.first_name, contact.middle_name, contact.surname = break_down_name(contact.name)
    if not contact.name.strip():
        raise ContactNameMissing(
            "A contact needs a name: type the name (for a person, the first name and surname).",
            fields={"name": ["Type a name."]},
        )
    if contact.type == ContactType.COMPANY:
        contact.company_name = contact.name


def contact_privacy_rules(
    contact: Contact, data: Mapping[str, Any], before: Mapping[str, Any]
) -> None:
    """Setting Minor or Parental Consent on an existing contact sets Privacy Blocked; a new
    contact is blocked only when asked to be, or when it is a minor without consent (the form
    sends every flag, and "consent: no" on a new contact is no change of consent). E-38
    guards clearing the block of a minor without consent."""
    if not before:
        if contact.minor and not contact.parental_consent_received:
            contact.privacy_blocked = True
        return
    if ("minor" in data and contact.minor and not before.get("minor")) or (
        "parental_consent_received" in data
        and contact.parental_consent_received != before.get("parental_consent_received")
    ):
        contact.privacy_blocked = True
    if contact.minor and not contact.parental_consent_received and not contact.privacy_blocked:
        raise _field_error(
            PrivacyConsentMissing,
            "privacy_blocked",
            f"Privacy Blocked cannot be cleared until Parental Consent Received is set for "
            f"minor contact {contact.number}.",
        )


def contact_check(contact: Contact) -> None:
    """The rules the contact's check constraints also guard in the database, checked in
    memory with a message that says what to do (``CheckConstraint.validate`` would cost a
    query per row in a bulk edit)."""
    if contact.type == ContactType.COMPANY and contact.company_id is not None:
        raise _field_error(
            ValidationFailed,
            COMPANY_NUMBER,
            "A company cannot belong to a company: clear its Company No. first.",
        )


def contact_lookup_derive(contact: Contact) -> None:
    """Spec 5053 (R-L1, R-F1): Lookup Contact No. is '' for a company, the own number for a
    person; re-derived whenever the type or the number changes."""
    contact.lookup_contact_no = contact.lookup_number()


def contact_derive(contact: Contact, data: Mapping[str, Any], before: Mapping[str, Any]) -> None:
    """Every rule that derives a contact's columns from what was typed, in one order, for the
    single services and the bulk path alike (``before`` is empty for a new contact)."""
    contact_name_rules(contact, data, before)
    contact_privacy_rules(contact, data, before)
    normalise_party(contact, dict(before))
    contact_check(contact)
    contact_lookup_derive(contact)


def contact_type_change_check(contact: Contact, new_type: str) -> None:
    """R-L2: the type of a contact with interactions cannot change (E-17); a company with
    persons (E-20) or with business relations, a currency or a VAT number (E-21) cannot become
    a person. Each refusal has its own code."""
    if new_type == contact.type:
        return
    if contact_has_interactions(contact.pk):
        raise _field_error(
            ContactTypeChangeRefused,
            "type",
            f"Type of contact {contact.number} cannot be changed because interaction log "
            "entries are linked to the contact.",
        )
    if new_type != ContactType.PERSON:
        return
    if Contact.objects.filter(company=contact).exists():
        raise _field_error(
            ContactHasPersons,
            "type",
            f"Type of contact {contact.number} cannot be changed to Person because related "
            "people are linked to the contact: move or delete them first.",
        )
    reasons = []
    if ContactBusinessRelation.objects.filter(contact=contact).exists():
        reasons.append("it has business relations (unlink them first)")
    if contact.currency_code:
        reasons.append("Currency Code must be blank")
    if contact.vat_registration_no:
        reasons.append("VAT Registration No. must be blank")
    if reasons:
        raise _field_error(
            ContactHasCompanyData,
            "type",
            f"Type of contact {contact.number} cannot be changed to Person: "
            + "; ".join(reasons)
            + ".",
        )


@dataclass(frozen=True)
class CompanyMove:
    """A person's change of company, for R-L4 step 6 once the person is written."""

    person_pk: int
    old_company_pk: int | None
    new_company_pk: int | None


def contact_company_change(
    contact: Contact,
    company_number: str,
    data: Mapping[str, Any],
    *,
    setup: MarketingSetup,
    companies: Mapping[str, Contact] | None = None,
    old_company: Contact | None = None,
) -> CompanyMove | None:
    """R-L4 in memory: a person joins (or leaves, with '') a company and inherits its data
    (R-L5). ``companies`` are the company contacts already read by a bulk caller (else the
    company is read here); ``old_company`` the one it leaves, when the caller read it.

    Returns the move, which the caller hands to ``contact_company_moves_apply`` after the
    person is written (so a refused edit moves no interaction entry), or None if it stays.
    """
    number = company_number.strip().upper()
    if companies is not None:
        company = companies.get(number) if number else None
    elif number:
        company = Contact.objects.filter(number=number, type=ContactType.COMPANY).first()
    else:
        company = None
    stays = (
        contact.company_id is None
        if company is None
        else company.pk is not None and company.pk == contact.company_id
    )
    if stays and (company is not None or not number):
        return None
    if contact.type != ContactType.PERSON and data.get("type") != ContactType.PERSON:
        raise _field_error(
            CompanyNotCompany,
            COMPANY_NUMBER,
            f"Type must be equal to Person in contact {contact.number}.",
        )
    if company is None and number:
        raise _field_error(
            CompanyNotCompany,
            COMPANY_NUMBER,
            f"Company No. {company_number} must be an existing company contact.",
        )
    move = CompanyMove(contact.pk, contact.company_id, company.pk if company else None)
    if company is None:
        contact.company = None
        contact.company_name = ""
        return move
    if old_company is None and contact.company_id is not None:
        old_company = contact.company
    contact.company = company
    inherit_into_person(
        contact, company, setup, snapshot(old_company) if old_company is not None else None
    )
    return move


def contact_company_moves_apply(moves: Iterable[CompanyMove]) -> None:
    """R-L4 step 6 for the persons written: their interaction history stays with the company
    it was logged under."""
    for move in moves:
        if move.person_pk is not None:
            entries_follow_company_change(
                person_pk=move.person_pk,
                old_company_pk=move.old_company_pk,
                new_company_pk=move.new_company_pk,
            )


# Spec 1.1 "Contact defaults on insert": a contact field and the setup default that fills it.
INSERT_DEFAULTS = (
    ("territory_code", "default_territory_code"),
    ("country_code", "default_country_code"),
    ("language_code", "default_language_code"),
    ("format_region", "default_format_region"),
    ("correspondence_type", "default_correspondence_type"),
)


def contact_insert_defaults(contact: Contact, setup: MarketingSetup, user_salesperson: str) -> None:
    """Spec 1.1: a new contact's blank fields from the Marketing Setup defaults; a blank
    salesperson from the acting user's own code (``acting_salesperson_code``), else the
    setup's. A given value always wins. It runs after a person's company inheritance (R-L5):
    the company's values come first, a default fills only what is still blank. Contacts
    made for a customer, vendor or bank account (R-B3) skip it: they never come here."""
    if not contact.salesperson_code:
        contact.salesperson_code = user_salesperson or setup.default_salesperson_code
    for name, default in INSERT_DEFAULTS:
        if not getattr(contact, name):
            setattr(contact, name, getattr(setup, default))


COMPANY_NAME = "company_name"


def company_number_typed(company_number: str | None, company_name: str | None) -> str | None:
    """R-L6: a typed Company Name resolved to its company's number (E-23 when it names none
    or several); with no name, the number as given. Both at once is refused."""
    if company_name is None or not company_name.strip():
        return company_number
    if company_number:
        raise _field_error(
            ValidationFailed,
            COMPANY_NAME,
            "Give the company by its number or by its name, not both.",
        )
    return company_by_name(company_name).number


@transaction.atomic
def contact_create(
    *,
    data: dict[str, Any],
    number: str = "",
    company_number: str = "",
    company_name: str = "",
) -> Contact:
    """Create a company or person contact (spec 1.1 insert rules, R-A7, R-L1, R-L5).

    A blank number is drawn from Marketing Setup "Contact Nos." (E-3); a typed one needs a
    series that allows manual numbers (E-4). A person given a company (by number, or by a
    name resolved per R-L6) inherits its data; then the setup's defaults (and the user's
    salesperson) fill what is still blank.
    """
    company_number = company_number_typed(company_number, company_name) or ""
    refuse_unknown(data, EDITABLE)
    refuse_nulls(Contact, data)
    data = post_code_fill(data, {})
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
        contact_company_change(contact, company_number, data, setup=setup)
    contact_insert_defaults(contact, setup, acting_salesperson_code())
    contact_derive(contact, data, {})
    codes_check_changed(contact, {})
    full_clean_or_raise(contact)
    contact.save()
    vat_entries_log([(contact, "")])
    trail = Trail()
    trail.created([contact])
    trail.save()
    summaries_refresh([contact.pk])
    contact.refresh_from_db()
    contact.notices = duplicates_check_on_save(contact, {})
    return contact


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    data: dict[str, Any],
    expected_version: int | None = None,
    company_number: str | None = None,
    company_name: str | None = None,
) -> tuple[Contact, SyncReport]:
    """Edit a contact and synchronise: its linked records and, for a company, its persons.

    Changes are detected against the stored row (product decision 4). ``company_name``
    moves a person to the company it names (R-L6).
    """
    company_number = company_number_typed(company_number, company_name)
    contact = row_for_update(Contact, contact.pk)
    before = snapshot(contact)
    data = post_code_fill(data, before)
    if "type" in data:
        contact_type_change_check(contact, data["type"])
    move = None
    if company_number is not None:
        move = contact_company_change(contact, company_number, data, setup=marketing_setup_get())

    def derive(obj: Any, prev: dict[str, Any]) -> None:
        contact_derive(obj, data, prev)
        codes_check_changed(obj, prev)

    changed = model_update(
        contact,
        data,
        allowed=EDITABLE,
        derive=derive,
        expected_version=expected_version,
        before=before,
    )
    if move is not None:
        contact_company_moves_apply([move])
    vat_entries_log([(contact, before["vat_registration_no"])])
    trail = Trail()
    trail.changed(contact, before, changed)
    report = sync_from_contacts([contact], previous={contact.pk: before}, trail=trail)
    trail.save()
    if move is not None:
        summaries_refresh([contact.pk])
        contact.refresh_from_db()
    contact.notices = duplicates_check_on_save(contact, before)  # R-D6, R-L1, R-O2, R-O5
    return contact, report


@transaction.atomic
def contact_delete(*, contact: Contact, expected_version: int | None = None) -> list[str]:
    """R-E2: delete a contact; its links go, the linked records stay.

    A company's persons are deleted with it. Customers and vendors whose primary contact it
    was lose that reference and their Contact text (BC behaviour). Returns the deleted numbers.
    """
    # The whole family locked at once in pk order, the engine's order: a person with a lower
    # number than its company, edited at the same moment, waits instead of deadlocking.
    # Once the company is locked no person can join it, so the family read here is whole.
    asked = contact
    members = Contact.objects.filter(Q(pk=asked.pk) | Q(company_id=asked.pk))
    family = rows_where(Contact, "pk", list(members.values_list("pk", flat=True)), lock=True)
    found = [c for c in family if c.pk == asked.pk]
    if not found:
        raise NotFound(f"Contact {asked.number} does not exist: it was deleted meanwhile.")
    contact = found[0]
    check_version(contact, expected_version)
    family = [c for c in family if c.pk == contact.pk or c.company_id == contact.pk]
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
    contact_lookup_derive(contact)
    contact.version += 1
    contact.save(update_fields=["number", "no_series", "lookup_contact_no", "version"])
    trail = Trail()
    trail.renamed(contact, old_number)
    trail.save()
    return contact
