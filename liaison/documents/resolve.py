"""Who a document is for: resolving a contact to its customer or vendor (R-M3, R-M4, R-M11),
prospect data and the template proposal for quotes (R-M5, R-M6), and a record's contact
(R-M7). These fill an unsaved header in memory; the services save it."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from liaison.contacts.models import Contact
from liaison.documents.errors import (
    ContactNotRelated,
    ContactNotRelatedToRecord,
    ContactOfOtherCompany,
    DocumentHasLines,
    RecordBlocked,
)
from liaison.documents.sides import Side
from liaison.records.services import privacy_check, template_choose
from liaison.relations.errors import TemplateChoiceNeeded, TemplateNotFound
from liaison.relations.selectors import link_for_contact, link_for_record

ADDRESS = ("name", "name_2", "address", "address_2", "city", "post_code", "county", "country_code")


def linked_record(side: Side, contact: Contact) -> Any:
    """R-M4 step 2: a person's own link first, then its company's."""
    link = link_for_contact(contact.pk, side.kind)
    if link is None and contact.company_id:
        link = link_for_contact(contact.company_id, side.kind)
    return getattr(link, side.kind) if link is not None else None


def record_contact(side: Side, record: Any) -> Contact | None:
    """R-M7: the record's primary contact, else its linked contact."""
    if record.primary_contact_id:
        return Contact.objects.select_related("company").get(pk=record.primary_contact_id)
    link = link_for_record(side.kind, record.pk)
    return link.contact if link is not None else None


def _fill_address(header: models.Model, role: str, source: Any) -> None:
    for name in ADDRESS:
        setattr(header, f"{role}_{name}", getattr(source, name))


def _check_not_blocked(side: Side, record: Any) -> None:
    if record.blocked:
        raise RecordBlocked(
            f"{side.kind.capitalize()} {record.number} {record.name} is blocked: unblock it "
            "before making documents for it."
        )


def set_record(side: Side, header: Any, role: str, record: Any) -> None:
    """Validate Sell-to/Bill-to Customer No. (or the vendor fields): name and address from the
    record; on the ordering side also the salesperson or purchaser and the currency."""
    _check_not_blocked(side, record)
    setattr(header, side.record_field(role), record)
    setattr(header, side.template_field(role), None)
    _fill_address(header, role, record)
    if role == side.party:
        if not getattr(header, side.person_code):
            setattr(header, side.person_code, getattr(record, side.record_person_code))
        header.currency_code = record.currency_code


def propose_template(side: Side, contact: Contact, code: str | None) -> Any:
    """R-M6 (c): the template named; else the unique template matching the type, territory,
    country (and the company's currency) of the contact; else the one Liaison would use to
    create the record (marketing setup default, or the only one of that type); else none.
    The type is that of the contact the record will be made for: a person's company."""
    model = side.template_model
    if code:
        found = model._default_manager.filter(code=code).first()
        if found is None:
            raise TemplateNotFound(
                f"{str(model._meta.verbose_name).capitalize()} {code} does not exist."
            )
        return found
    # The record will be created for a person's company (R-H2), so its type decides.
    target = contact.company if contact.company_id and contact.company is not None else contact
    match = model._default_manager.filter(
        contact_type=target.type,
        territory_code=contact.territory_code,
        country_code=contact.country_code,
    )
    if target is not contact:
        match = match.filter(currency_code=target.currency_code)
    found_list = list(match[:2])
    if len(found_list) == 1:
        return found_list[0]
    try:
        return template_choose(side.kind, target, None)
    except TemplateChoiceNeeded:
        return None


def _prospect(
    side: Side, header: Any, role: str, contact: Contact, template_code: str | None
) -> None:
    """R-M6: a quote for a contact with no customer (vendor): data from its company."""
    source = contact.company if contact.company_id and contact.company is not None else contact
    setattr(header, side.record_field(role), None)
    _fill_address(header, role, source)
    if role == side.party:
        setattr(header, f"{role}_phone_no", source.phone_no)
        setattr(header, f"{role}_email", source.email)
        if not getattr(header, side.person_code):
            setattr(header, side.person_code, contact.salesperson_code)
        header.currency_code = source.currency_code
    setattr(header, side.template_field(role), propose_template(side, contact, template_code))


def _not_related(side: Side, contact: Contact) -> ContactNotRelated:
    return ContactNotRelated(
        f"Contact {contact.number} {contact.name} is not related to a {side.kind}: link it to "
        f"a {side.kind} or create one from it, or make a quote instead."
    )


def resolve_contact(
    side: Side, header: Any, role: str, contact: Contact, template_code: str | None = None
) -> None:
    """R-M3 / R-M4 (and R-M11 for purchases) for one role of the document."""
    privacy_check(contact)
    setattr(header, f"{role}_contact", contact)
    record = linked_record(side, contact)
    existing = getattr(header, side.record_field(role))
    if record is not None:
        if existing is not None and existing.pk != record.pk:
            link = link_for_record(side.kind, existing.pk)
            if link is None or link.contact_id not in (contact.pk, contact.company_id):
                raise ContactNotRelatedToRecord(
                    f"Contact {contact.number} {contact.name} is not related to {side.kind} "
                    f"{existing.number}: choose one of its contacts or another {side.kind}."
                )
            record = existing
        if existing is None:
            set_record(side, header, role, record)
        if role == side.party:
            setattr(header, f"{role}_email", contact.email)
            setattr(header, f"{role}_phone_no", contact.phone_no)
    elif header.document_type != "quote":
        raise _not_related(side, contact)
    else:
        _prospect(side, header, role, contact, template_code)
    text = (record.contact if record is not None else "") if contact.is_company else contact.name
    setattr(header, f"{role}_contact_name", text)
    if header.document_type == "quote" and role == side.party:
        # R-M4 step 6: a quote is addressed to the company (or the contact without one).
        source = contact.company if contact.company_id and contact.company is not None else contact
        _fill_address(header, role, source)
        if record is not None:
            setattr(header, f"{role}_name", record.name)


def check_contact_of_record(side: Side, header: Any, record: Any, contact: Contact) -> None:
    """R-M3 step 4 / R-M11 (E-28): the record's contact must be the contact or its company.
    Sales quotes are not checked (BC)."""
    if side.name == "sales" and header.document_type == "quote":
        return
    link = link_for_record(side.kind, record.pk)
    if link is None or link.contact_id not in (contact.pk, contact.company_id):
        raise ContactOfOtherCompany(
            f"Contact {contact.number} {contact.name} is related to a different company than "
            f"{side.kind} {record.number}: choose a contact of {record.name}."
        )


def resolve_record(side: Side, header: Any, record: Any) -> None:
    """R-M7: a document for a customer (vendor): its contact comes from the record."""
    for role in (side.party, side.bill):
        set_record(side, header, role, record)
        contact = record_contact(side, record)
        if contact is not None:
            privacy_check(contact)
        setattr(header, f"{role}_contact", contact)
        setattr(header, f"{role}_contact_name", record.contact)
        if role == side.party:
            setattr(header, f"{role}_phone_no", record.phone_no)
            email = contact.email if contact is not None and contact.email else record.email
            setattr(header, f"{role}_email", email)


def _record_id(side: Side, header: Any, role: str) -> int | None:
    value: int | None = getattr(header, f"{side.record_field(role)}_id")
    return value


def _bill_follows(side: Side, header: Any) -> bool:
    """R-M4 step 7: the bill-to (pay-to) side follows the sell-to (buy-from) contact when it
    has no record of its own or the same one."""
    bill = _record_id(side, header, side.bill)
    return bill is None or bill == _record_id(side, header, side.party)


def _blank(side: Side, header: Any, role: str) -> None:
    """The role's who-fields as a new document has them (R-M3 step 3: re-initialised)."""
    for name in ADDRESS:
        setattr(header, f"{role}_{name}", "")
    setattr(header, side.template_field(role), None)
    if role == side.party:
        setattr(header, f"{role}_phone_no", "")
        setattr(header, f"{role}_email", "")


def _contact_blanked(side: Side, header: Any, role: str, has_lines: bool) -> None:
    """R-M3 step 3 / R-M4 step 1: a blanked contact clears the contact text; with the record
    blank too the side is re-initialised, which a document with lines refuses (E-25)."""
    if _record_id(side, header, role) is None:
        if has_lines:
            field = f"{role.replace('_', '-').capitalize()} Contact No."
            raise DocumentHasLines(
                _(
                    "You cannot reset %(field)s because the document still has one or more "
                    "lines: delete the lines first, or choose another contact."
                )
                % {"field": field},
                fields={f"{role}_contact_number": [_("The document has lines.")]},
            )
        roles = [role]
        if role == side.party and _record_id(side, header, side.bill) is None:
            roles.append(side.bill)
        for each in roles:
            _blank(side, header, each)
            setattr(header, f"{each}_contact", None)
            setattr(header, f"{each}_contact_name", "")
        return
    setattr(header, f"{role}_contact", None)
    setattr(header, f"{role}_contact_name", "")


def change_contact(
    side: Side, header: Any, role: str, contact: Contact | None, *, has_lines: bool
) -> None:
    """R-M3 / R-M11 on an open document: a new contact for ``role`` (or none). The checks in
    the spec's order, E-9, E-28 (not on sales quotes), then R-M4's resolution (E-27, E-24,
    a prospect quote's data) re-reads the contact's e-mail, phone, contact text and a quote's
    address; a new sell-to (buy-from) contact carries the bill-to (pay-to) side along when it
    has no record of its own or the same one (R-M4 step 7)."""
    if contact is None:
        _contact_blanked(side, header, role, has_lines)
        return
    privacy_check(contact)
    record = getattr(header, side.record_field(role))
    if record is not None:
        check_contact_of_record(side, header, record, contact)
    follow = role == side.party and _bill_follows(side, header)
    if role == side.party and not getattr(header, side.person_code):
        setattr(header, side.person_code, contact.salesperson_code)  # R-M3 step 5
    resolve_contact(side, header, role, contact)
    if follow or (role == side.party and _bill_follows(side, header)):
        resolve_contact(side, header, side.bill, contact)
