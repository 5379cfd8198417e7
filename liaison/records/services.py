"""Customers, vendors and bank accounts share one set of write rules; this is it.

Each kind's app binds its kind to these rules (``sales/services.py``...), so creating, editing
and deleting any linked record follows one path (R-B, R-C, R-E1, R-H). A kind's differences
(its series, its templates, whether a person may hold one) are data in its ``RecordKind``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypedDict, TypeVar, overload

from django.db import models, transaction

from liaison.accounts.selectors import acting_salesperson_code
from liaison.audit.models import Source
from liaison.audit.trail import Trail, origin_of
from liaison.contacts.models import Contact, ContactType
from liaison.core.errors import NotFound, ValidationFailed
from liaison.core.models import NoSeries, Party
from liaison.core.normalise import normalise_party
from liaison.core.numbering import number_manual_check, numbers_draw
from liaison.core.update import (
    check_version,
    full_clean_or_raise,
    label,
    model_update,
    refuse_nulls,
    snapshot,
)
from liaison.documents.quotes import quotes_assign_record
from liaison.masterdata.services import codes_check_changed, post_code_fill
from liaison.records.kind import RecordKind
from liaison.records.kinds import record_kind
from liaison.records.selectors import editable_fields, record_series_for
from liaison.relations.errors import (
    CompanyRequired,
    ContactAlreadyLinked,
    ContactPrivacyBlocked,
    PrimaryContactNotRelated,
    RecordInUse,
    TemplateChoiceNeeded,
    TemplateNotFound,
)
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.links import (
    LABELS,
    contacts_create_for_records,
    link_insert,
    persons_from_contact_text,
)
from liaison.relations.models import ContactBusinessRelation
from liaison.relations.selectors import (
    link_for_contact,
    link_for_record,
    marketing_setup_get,
    relation_code_for,
    relation_code_required,
)
from liaison.relations.sync import (
    SyncReport,
    lock_contacts_for,
    summaries_refresh,
    sync_from_linked,
)
from liaison.vatlog.services import vat_entries_log

P = TypeVar("P", bound=Party)


class UpdateOptions(TypedDict, total=False):
    """What an edit may add to its data: the version it was read at, the primary contact."""

    expected_version: int | None
    primary_contact_number: str | None


_TEMPLATE_SKIP = {"id", "code", "description", "contact_type", "no_series", "version"}
# A template's own value of these replaces the record's; a blank one leaves it.
_TEMPLATE_WINS = {"invoice_disc_code"}


def _number(kind: RecordKind[Party], record: Party, number: str, series: NoSeries | None) -> None:
    """R-H6 / spec 1.8: a typed number needs manual numbers; a blank one is drawn."""
    series = series or record_series_for(kind.key)
    manager = kind.model._default_manager
    if number:
        number_manual_check(series, number)
        record.number = number.strip().upper()
        if manager.filter(number=record.number).exists():
            raise ValidationFailed(
                f"{LABELS[kind.key]} {record.number} already exists: choose another number.",
                fields={"number": ["A record with this number already exists."]},
            )
        return
    record.number = numbers_draw(
        series,
        taken=lambda c: manager.filter(number__in=c).values_list("number", flat=True),
    )[0]
    record.no_series = series.code


def _check_fields(key: str, data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - editable_fields(key))
    if unknown:
        raise ValidationFailed(
            f"Unknown or read-only fields: {', '.join(unknown)}.",
            fields={k: ["This field cannot be set here."] for k in unknown},
        )


def record_user_salesperson(
    kind: RecordKind[Party], records: Iterable[models.Model], code: str
) -> None:
    """R-B5 step 4: a new customer's Salesperson Code (a vendor's Purchaser Code) left blank
    is the maker's own (``acting_salesperson_code``, read once by the caller); a given value
    wins. Set before the record's contact is made, so the contact agrees with it (product
    decision 3: no divergence), where BC only gives it to the contact at the next sync."""
    name = kind.user_salesperson_field
    if not name or not code:
        return
    for record in records:
        if not getattr(record, name):
            setattr(record, name, code)


def _insert(kind: RecordKind[P], data: dict[str, Any], number: str) -> P:
    _check_fields(kind.key, data)
    refuse_nulls(kind.model, data)
    record = kind.model(**post_code_fill(data, {}))
    _number(kind, record, number, None)
    record_user_salesperson(kind, [record], acting_salesperson_code())
    normalise_party(record, {})
    codes_check_changed(record, {})
    full_clean_or_raise(record)
    record.save()
    return record


@transaction.atomic
def record_create(kind: RecordKind[P], *, data: dict[str, Any], number: str = "") -> P:
    """Insert a record; when its business relation code is set, create its contact (R-B1..B4).

    A blank "Contact Nos." then aborts the insert (E-3), as in the reference.
    """
    record = _insert(kind, data, number)
    vat_entries_log([(record, "")])
    trail = Trail()
    trail.created([record])
    setup = marketing_setup_get()
    if relation_code_for(kind.key, setup) is not None:
        contacts_create_for_records(
            kind.key, [record], setup=setup, trail=trail, source=Source.SYNC
        )
        record.refresh_from_db()
    trail.save()
    return record


def _link_find_or_restore(
    kind: RecordKind[Party], record: Party, contact: Contact
) -> ContactBusinessRelation | None:
    """R-J2: the record's link; missing, it is restored through the chosen person.

    A person of a company links that company (E-1a when the company is linked to another
    record of the kind, E-2 without a setup code); a standalone person gets the record's own
    new company contact (R-B, nothing when the setup code is blank) and joins it (R-L4, R-L5).
    A company contact restores nothing: the caller's check then refuses (E-15 / E-16).
    """
    link = link_for_record(kind.key, record.pk)
    if link is not None or contact.type != ContactType.PERSON:
        return link
    trail = Trail()
    if contact.company is not None:
        code = relation_code_required(kind.key)
        link = link_insert(
            contact=contact.company, kind=kind.key, record=record, code=code, trail=trail
        )
        trail.save()
        return link
    setup = marketing_setup_get()
    if relation_code_for(kind.key, setup) is None:
        return None
    text = record.contact  # type: ignore[attr-defined]
    record.contact = ""  # type: ignore[attr-defined]  # R-J1 step 1: no person from the text
    hubs = contacts_create_for_records(
        kind.key, [record], setup=setup, trail=trail, source=Source.SYNC
    )
    record.contact = text  # type: ignore[attr-defined]
    trail.save()
    # Imported here: contacts.services reaches this module through interactions and documents.
    from liaison.contacts.services import contact_update

    contact_update(contact=contact, data={}, company_number=hubs[0].number)
    return link_for_record(kind.key, record.pk)


def _primary_contact(kind: RecordKind[Party], record: Party, number: str) -> dict[str, Any]:
    """R-J1/R-J3: the primary contact must be the linked contact or one of its persons; for a
    vendor or a company-type customer a missing link is found or restored first (R-J2)."""
    if not number:
        return {"primary_contact": None, "contact": ""}
    contact = Contact.objects.select_related("company").filter(number=number).first()
    if contact is None:
        raise NotFound(f"Contact {number} does not exist.")
    if getattr(record, "contact_type", ContactType.COMPANY) == ContactType.COMPANY:
        link = _link_find_or_restore(kind, record, contact)
        contact.refresh_from_db(fields=["company"])
    else:
        link = link_for_record(kind.key, record.pk)
    if link is None or link.contact_id not in (contact.pk, contact.company_id):
        raise PrimaryContactNotRelated(
            f"Contact {contact.number} {contact.name} is not related to "
            f"{LABELS[kind.key].lower()} {record.number} {record.name}: choose the linked "
            "contact or one of its persons."
        )
    if contact.type == ContactType.PERSON:
        return {"primary_contact": contact, "contact": contact.name}
    values: dict[str, Any] = {"primary_contact": contact, "contact": ""}
    for name in kind.primary_contact_copies:
        if getattr(contact, name):
            values[name] = getattr(contact, name)
    return values


@transaction.atomic
def record_update(
    kind: RecordKind[P],
    *,
    record: P,
    data: dict[str, Any],
    expected_version: int | None = None,
    primary_contact_number: str | None = None,
) -> tuple[P, SyncReport]:
    """Edit a record and synchronise its contact and the contact's other records (R-C)."""
    lock_contacts_for(kind.key, [record.pk])  # contacts before records: the engine's lock order
    record = kind.model._default_manager.select_for_update().get(pk=record.pk)
    _check_fields(kind.key, data)
    data = dict(data)
    allowed = set(editable_fields(kind.key))
    if primary_contact_number is not None and kind.has_primary_contact:
        data.update(_primary_contact(kind, record, primary_contact_number))
        allowed |= {"primary_contact", "contact"}
    before = snapshot(record)
    data = post_code_fill(data, before)

    def derive(obj: Any, prev: dict[str, Any]) -> None:
        normalise_party(obj, prev)
        codes_check_changed(obj, prev)

    changed = model_update(
        record,
        data,
        allowed=allowed,
        derive=derive,
        expected_version=expected_version,
        before=before,
    )
    vat_entries_log([(record, before.get("vat_registration_no", ""))])
    trail = Trail()
    trail.changed(record, before, changed)
    report = sync_from_linked(kind.key, [record], trail=trail)
    if primary_contact_number is None:  # R-J4; a primary contact given sets the text (R-J1)
        persons_from_contact_text(kind.key, [record], [before], marketing_setup_get(), trail)
    trail.save()
    return record, report


@transaction.atomic
def record_delete(
    kind: RecordKind[Party] | str, *, record: Party, expected_version: int | None = None
) -> None:
    """R-E1: delete the record and its link; the contact stays (its summary is recomputed)."""
    kind = record_kind(kind) if isinstance(kind, str) else kind
    lock_contacts_for(kind.key, [record.pk])
    record = kind.model._default_manager.select_for_update().get(pk=record.pk)
    check_version(record, expected_version)
    link = link_for_record(kind.key, record.pk)
    trail = Trail()
    if link is not None:
        trail.link(link.contact, kind.key, record, unlink=True)
    trail.deleted([record])
    trail.save()
    ContactBusinessRelation.objects.filter(link_to_table=kind.key, **{kind.key: record}).delete()
    try:
        record.delete()
    except models.ProtectedError as exc:
        count = len(exc.protected_objects)
        raise RecordInUse(
            f"{LABELS[kind.key]} {record.number} cannot be deleted: {count} "
            "document(s) still name it. Delete those documents first."
        ) from exc
    summaries_refresh([link.contact_id] if link is not None else [])


@transaction.atomic
def record_renumber(kind: RecordKind[P], *, record: P, number: str) -> P:
    """R-F1: a new number for a record; links follow (they hold keys); no sync runs.

    The record's series must allow manual numbers (E-4).
    """
    manager = kind.model._default_manager
    record = manager.select_for_update().get(pk=record.pk)
    new = number.strip().upper()
    if not new:
        raise ValidationFailed("A number cannot be blank.", fields={"number": ["Required."]})
    series = NoSeries.objects.filter(code=record.no_series).first()
    number_manual_check(series, new)
    if manager.filter(number=new).exclude(pk=record.pk).exists():
        raise ValidationFailed(
            f"{LABELS[kind.key]} {new} already exists: choose another number.",
            fields={"number": ["A record with this number already exists."]},
        )
    old_number = record.number
    record.number = new
    record.version += 1
    record.save(update_fields=["number", "version"])
    trail = Trail()
    trail.renamed(record, old_number)
    trail.save()
    return record


def template_choose(key: str, contact: Contact, code: str | None) -> Any:
    """R-H1/R-H4: the named template; or the setup default; or the single one for the type."""
    kind = record_kind(key)
    model = kind.template_model
    if model is None or code == "":
        return None
    if code is not None:
        found = model._default_manager.filter(code=code).first()
        if found is None:
            raise TemplateNotFound(f"{label(model)} {code} does not exist.")
        return found
    setup = marketing_setup_get()
    default_field = kind.template_defaults.get(contact.type)
    default = getattr(setup, default_field) if default_field else None
    if default is not None:
        return default
    candidates: list[Any] = list(model._default_manager.filter(contact_type=contact.type)[:10])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates and not kind.template_required:
        return None
    if not candidates:
        noun = LABELS[key].lower()
        raise TemplateChoiceNeeded(
            f"You cannot create a {noun} because there is no {noun} template with contact type "
            f"{contact.get_type_display()}: create one, or pass an empty template for none."
        )
    codes = ", ".join(c.code for c in candidates)
    raise TemplateChoiceNeeded(f"Choose a template: several fit a {contact.type} ({codes}).")


def _apply_template(kind: RecordKind[Party], record: Party, template: Any) -> None:
    """Spec 1.9: fill-blanks-only; some fields (``template_always``) always come from it."""
    names = {f.name for f in record._meta.concrete_fields}
    for f in template._meta.concrete_fields:
        if f.name in _TEMPLATE_SKIP or f.name not in names:
            continue
        value = getattr(template, f.name)
        overwrite = f.name in kind.template_always or (f.name in _TEMPLATE_WINS and value)
        if overwrite or (
            value not in ("", None, False) and getattr(record, f.name) in ("", None, False)
        ):
            setattr(record, f.name, value)


def existing_relationship_check(key: str, contact: Contact) -> None:
    """R-G1 step 1 (E-1a): the contact, or a person's company, already has such a link."""
    for holder in (contact, contact.company):
        if holder is None:
            continue
        link = link_for_contact(holder.pk, key)
        if link is not None:
            other = getattr(link, key)
            raise ContactAlreadyLinked(
                f"Contact {holder.number} already has a business relation with "
                f"{LABELS[key]} {other.number}."
            )


def privacy_check(contact: Contact) -> None:
    """E-9."""
    if contact.privacy_blocked:
        raise ContactPrivacyBlocked(
            f"You cannot use contact {contact.number} {contact.name} because they are blocked "
            "due to privacy."
        )


@overload
def record_create_from_contact(
    kind: RecordKind[P], *, contact: Contact, template_code: str | None = ..., number: str = ...
) -> tuple[P, SyncReport]: ...
@overload
def record_create_from_contact(
    kind: str, *, contact: Contact, template_code: str | None = ..., number: str = ...
) -> tuple[Party, SyncReport]: ...
@transaction.atomic
def record_create_from_contact(
    kind: RecordKind[Party] | str,
    *,
    contact: Contact,
    template_code: str | None = None,
    number: str = "",
) -> tuple[Party, SyncReport]:
    """R-H2 / R-H5 / R-H7: create a customer, vendor or bank account from a contact.

    A person of a company is redirected to the company; a standalone person may become a
    customer (linked to itself) but not a vendor or bank account (E-11). The contact's data
    wins; a template fills the invoicing details and the shared fields the contact left blank,
    which are copied back to the contact (product decision 3). R-M9 / R-M10: a new customer
    (vendor) then goes onto the family's open quotes that had none. One transaction.
    """
    kind = record_kind(kind) if isinstance(kind, str) else kind
    asked = contact
    contact = (
        Contact.objects.select_for_update(of=("self",)).select_related("company").get(pk=contact.pk)
    )
    existing_relationship_check(kind.key, contact)
    if contact.type == ContactType.PERSON and contact.company is not None:
        contact = Contact.objects.select_for_update().get(pk=contact.company.pk)
    elif contact.type == ContactType.PERSON and not kind.person_may_hold:
        # R-H4 before R-H5: with no template for a person, E-13 says so (nothing is created)
        # before E-11 says a standalone person needs a company.
        template_choose(kind.key, contact, template_code)
        raise CompanyRequired(
            f"Company No. must have a value in Contact {contact.number}: a "
            f"{LABELS[kind.key].lower()} needs a company contact."
        )
    privacy_check(contact)
    code = relation_code_required(kind.key)
    template = template_choose(kind.key, contact, template_code)
    values = {e: getattr(contact, c) for c, e in FIELD_MAPS[kind.key].both}
    if any(f.name == "contact_type" for f in kind.model._meta.concrete_fields):
        values["contact_type"] = contact.type
    series = getattr(template, "no_series", None) if template is not None else None
    record = kind.model(**values)
    _number(kind, record, number, series)
    if kind.user_salesperson_field not in FIELD_MAPS[kind.key].entity_fields:
        # R-H5 step 8: a vendor keeps its maker's purchaser; R-H2 step 7: a customer's
        # salesperson is the contact's, even blank (the template may fill it).
        record_user_salesperson(kind, [record], acting_salesperson_code())
    if template is not None:
        _apply_template(kind, record, template)
    normalise_party(record, {})
    full_clean_or_raise(record)
    record.save()
    trail = Trail()
    trail.created([record], origin=origin_of(contact))
    link_insert(contact=contact, kind=kind.key, record=record, code=code, trail=trail)
    report = sync_from_linked(kind.key, [record], trail=trail)
    trail.save()
    quotes_assign_record(kind.key, asked, record)
    return record, report
