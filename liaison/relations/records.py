"""Customers, vendors and bank accounts share one set of write rules; this is it.

``sales``, ``purchases`` and ``banking`` services are thin named wrappers around these functions,
so creating, editing and deleting any linked record follows one path (R-B, R-C, R-E1, R-H).
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from liaison.audit.models import Source
from liaison.audit.trail import Trail, origin_of
from liaison.banking.models import BankingSetup
from liaison.contacts.models import Contact, ContactType
from liaison.core.errors import NotFound, ValidationFailed
from liaison.core.models import NoSeries
from liaison.core.normalise import normalise_party
from liaison.core.numbering import number_manual_check, numbers_draw, series_get
from liaison.core.update import (
    check_version,
    full_clean_or_raise,
    label,
    model_update,
    refuse_nulls,
    snapshot,
)
from liaison.purchases.models import PurchasesSetup, VendorTemplate
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
from liaison.relations.links import LABELS, contacts_create_for_records, link_insert
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
from liaison.sales.models import CustomerTemplate, SalesSetup

_NOT_EDITABLE = {"id", "number", "no_series", "primary_contact"}
_SERIES = {
    "customer": (SalesSetup, "customer_nos", "Customer Nos."),
    "vendor": (PurchasesSetup, "vendor_nos", "Vendor Nos."),
    "bank_account": (BankingSetup, "bank_account_nos", "Bank Account Nos."),
}
_TEMPLATES: dict[str, type[models.Model]] = {"customer": CustomerTemplate, "vendor": VendorTemplate}
_TEMPLATE_SKIP = {"id", "code", "description", "contact_type", "no_series", "version"}


def editable_fields(kind: str) -> frozenset[str]:
    """The fields a user may set on a record of ``kind``."""
    model = FIELD_MAPS[kind].model
    return frozenset(
        f.name for f in model._meta.concrete_fields if f.editable and f.name not in _NOT_EDITABLE
    )


def record_get(kind: str, number: str) -> models.Model:
    """The record of ``kind`` with this number, or E-10."""
    model = FIELD_MAPS[kind].model
    try:
        return model._default_manager.get(number=number)
    except model.DoesNotExist as exc:  # type: ignore[attr-defined]
        raise NotFound(f"{LABELS[kind]} {number} does not exist.") from exc


def record_series_for(kind: str) -> NoSeries:
    """The number series the setup names for new records of this kind (E-3 when blank)."""
    setup_model, field, label = _SERIES[kind]
    setup = setup_model._default_manager.select_related(field).filter(pk=1).first()
    series = getattr(setup, field) if setup else None
    return series_get(series.code if series else "", setup_field=label)


def _number(kind: str, record: models.Model, number: str, series: NoSeries | None) -> None:
    """R-H6 / spec 1.8: a typed number needs manual numbers; a blank one is drawn."""
    series = series or record_series_for(kind)
    model = FIELD_MAPS[kind].model
    if number:
        number_manual_check(series, number)
        record.number = number.strip().upper()  # type: ignore[attr-defined]
        if model._default_manager.filter(number=record.number).exists():  # type: ignore[attr-defined]
            raise ValidationFailed(
                f"{LABELS[kind]} {record.number} already exists: choose another number.",  # type: ignore[attr-defined]
                fields={"number": ["A record with this number already exists."]},
            )
        return
    record.number = numbers_draw(  # type: ignore[attr-defined]
        series,
        taken=lambda c: model._default_manager.filter(number__in=c).values_list(
            "number", flat=True
        ),
    )[0]
    record.no_series = series.code  # type: ignore[attr-defined]


def _check_fields(kind: str, data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - editable_fields(kind))
    if unknown:
        raise ValidationFailed(
            f"Unknown or read-only fields: {', '.join(unknown)}.",
            fields={k: ["This field cannot be set here."] for k in unknown},
        )


def _insert(kind: str, data: dict[str, Any], number: str, series: NoSeries | None) -> models.Model:
    _check_fields(kind, data)
    refuse_nulls(FIELD_MAPS[kind].model, data)
    record = FIELD_MAPS[kind].model(**data)
    _number(kind, record, number, series)
    normalise_party(record, {})
    full_clean_or_raise(record)
    record.save()
    return record


@transaction.atomic
def record_create(kind: str, *, data: dict[str, Any], number: str = "") -> models.Model:
    """Insert a record; when its business relation code is set, create its contact (R-B1..B4).

    A blank "Contact Nos." then aborts the insert (E-3), as in the reference.
    """
    record = _insert(kind, data, number, None)
    trail = Trail()
    trail.created([record])
    setup = marketing_setup_get()
    if relation_code_for(kind, setup) is not None:
        contacts_create_for_records(kind, [record], setup=setup, trail=trail, source=Source.SYNC)
        record.refresh_from_db()
    trail.save()
    return record


def _primary_contact(kind: str, record: models.Model, number: str) -> dict[str, Any]:
    """R-J1/R-J3: the primary contact must be the linked contact or one of its persons."""
    if not number:
        return {"primary_contact": None, "contact": ""}
    contact = Contact.objects.filter(number=number).first()
    if contact is None:
        raise NotFound(f"Contact {number} does not exist.")
    link = ContactBusinessRelation.objects.filter(link_to_table=kind, **{kind: record}).first()
    if link is None or link.contact_id not in (contact.pk, contact.company_id):
        raise PrimaryContactNotRelated(
            f"Contact {contact.number} {contact.name} is not related to {LABELS[kind].lower()} "
            f"{record.number} {record.name}: choose the linked contact or one of its persons."  # type: ignore[attr-defined]
        )
    if contact.type == ContactType.PERSON:
        return {"primary_contact": contact, "contact": contact.name}
    values: dict[str, Any] = {"primary_contact": contact, "contact": ""}
    copied = (
        ("phone_no", "email", "mobile_phone_no") if kind == "customer" else ("phone_no", "email")
    )
    for name in copied:
        if getattr(contact, name):
            values[name] = getattr(contact, name)
    return values


@transaction.atomic
def record_update(
    kind: str,
    *,
    record: models.Model,
    data: dict[str, Any],
    expected_version: int | None = None,
    primary_contact_number: str | None = None,
) -> tuple[models.Model, SyncReport]:
    """Edit a record and synchronise its contact and the contact's other records (R-C)."""
    model = FIELD_MAPS[kind].model
    lock_contacts_for(kind, [record.pk])  # contacts before records: the engine's lock order
    record = model._default_manager.select_for_update().get(pk=record.pk)
    _check_fields(kind, data)
    data = dict(data)
    allowed = set(editable_fields(kind))
    if primary_contact_number is not None and kind in ("customer", "vendor"):
        data.update(_primary_contact(kind, record, primary_contact_number))
        allowed |= {"primary_contact", "contact"}
    before = snapshot(record)
    changed = model_update(
        record,
        data,
        allowed=allowed,
        derive=normalise_party,
        expected_version=expected_version,
        before=before,
    )
    trail = Trail()
    trail.changed(record, before, changed)
    report = sync_from_linked(kind, [record], trail=trail)
    trail.save()
    return record, report


@transaction.atomic
def record_delete(kind: str, *, record: models.Model, expected_version: int | None = None) -> None:
    """R-E1: delete the record and its link; the contact stays (its summary is recomputed)."""
    model = FIELD_MAPS[kind].model
    lock_contacts_for(kind, [record.pk])
    record = model._default_manager.select_for_update().get(pk=record.pk)
    check_version(record, expected_version)
    link = link_for_record(kind, record.pk)
    trail = Trail()
    if link is not None:
        trail.link(link.contact, kind, record, unlink=True)
    trail.deleted([record])
    trail.save()
    ContactBusinessRelation.objects.filter(link_to_table=kind, **{kind: record}).delete()
    try:
        record.delete()
    except models.ProtectedError as exc:
        count = len(exc.protected_objects)
        raise RecordInUse(
            f"{LABELS[kind]} {getattr(record, 'number', '')} cannot be deleted: {count} "
            "document(s) still name it. Delete those documents first."
        ) from exc
    summaries_refresh([link.contact_id] if link is not None else [])


@transaction.atomic
def record_renumber(kind: str, *, record: models.Model, number: str) -> models.Model:
    """R-F1: a new number for a record; links follow (they hold keys); no sync runs.

    The record's series must allow manual numbers (E-4).
    """
    model = FIELD_MAPS[kind].model
    record = model._default_manager.select_for_update().get(pk=record.pk)
    new = number.strip().upper()
    if not new:
        raise ValidationFailed("A number cannot be blank.", fields={"number": ["Required."]})
    series = NoSeries.objects.filter(code=record.no_series).first()  # type: ignore[attr-defined]
    number_manual_check(series, new)
    if model._default_manager.filter(number=new).exclude(pk=record.pk).exists():
        raise ValidationFailed(
            f"{LABELS[kind]} {new} already exists: choose another number.",
            fields={"number": ["A record with this number already exists."]},
        )
    old_number = record.number  # type: ignore[attr-defined]
    record.number = new  # type: ignore[attr-defined]
    record.version += 1  # type: ignore[attr-defined]
    record.save(update_fields=["number", "version"])
    trail = Trail()
    trail.renamed(record, old_number)
    trail.save()
    return record


def template_choose(kind: str, contact: Contact, code: str | None) -> models.Model | None:
    """R-H1/R-H4: the named template; or the setup default; or the single one for the type."""
    if kind not in _TEMPLATES:
        return None
    model = _TEMPLATES[kind]
    if code == "":
        return None
    if code is not None:
        found = model._default_manager.filter(code=code).first()
        if found is None:
            raise TemplateNotFound(f"{label(model)} {code} does not exist.")
        return found
    setup = marketing_setup_get()
    default = {
        ("customer", ContactType.COMPANY): setup.default_customer_template_company,
        ("customer", ContactType.PERSON): setup.default_customer_template_person,
        ("vendor", ContactType.COMPANY): setup.default_vendor_template,
    }.get((kind, ContactType(contact.type)))
    if default is not None:
        return default
    candidates = list(model._default_manager.filter(contact_type=contact.type)[:10])
    if len(candidates) == 1:
        return candidates[0]
    if not candidates and kind == "customer":
        return None
    if not candidates:
        raise TemplateChoiceNeeded(
            f"You cannot create a vendor because there is no vendor template with contact type "
            f"{contact.get_type_display()}: create one, or pass an empty template for none."
        )
    codes = ", ".join(c.code for c in candidates)  # type: ignore[attr-defined]
    raise TemplateChoiceNeeded(f"Choose a template: several fit a {contact.type} ({codes}).")


def _apply_template(kind: str, record: models.Model, template: models.Model) -> None:
    """Spec 1.9: fill-blanks-only; the customer's payment method always comes from it."""
    names = {f.name for f in record._meta.concrete_fields}
    for f in template._meta.concrete_fields:
        if f.name in _TEMPLATE_SKIP or f.name not in names or f.name == "invoice_disc_code":
            continue
        value = getattr(template, f.name)
        if (kind == "customer" and f.name == "payment_method_code") or (
            value not in ("", None, False) and getattr(record, f.name) in ("", None, False)
        ):
            setattr(record, f.name, value)
    if getattr(template, "invoice_disc_code", ""):
        record.invoice_disc_code = template.invoice_disc_code  # type: ignore[attr-defined]


def existing_relationship_check(kind: str, contact: Contact) -> None:
    """R-G1 step 1 (E-1a): the contact, or a person's company, already has such a link."""
    for holder in (contact, contact.company):
        if holder is None:
            continue
        link = link_for_contact(holder.pk, kind)
        if link is not None:
            other = getattr(link, kind)
            raise ContactAlreadyLinked(
                f"Contact {holder.number} already has a business relation with "
                f"{LABELS[kind]} {other.number}."
            )


def privacy_check(contact: Contact) -> None:
    """E-9."""
    if contact.privacy_blocked:
        raise ContactPrivacyBlocked(
            f"You cannot use contact {contact.number} {contact.name} because they are blocked "
            "due to privacy."
        )


@transaction.atomic
def record_create_from_contact(
    kind: str, *, contact: Contact, template_code: str | None = None, number: str = ""
) -> tuple[models.Model, SyncReport]:
    """R-H2 / R-H5 / R-H7: create a customer, vendor or bank account from a contact.

    A person of a company is redirected to the company; a standalone person may become a
    customer (linked to itself) but not a vendor or bank account (E-11). The contact's data
    wins; a template fills the invoicing details and the shared fields the contact left blank,
    which are copied back to the contact (product decision 3). One transaction.
    """
    contact = (
        Contact.objects.select_for_update(of=("self",)).select_related("company").get(pk=contact.pk)
    )
    existing_relationship_check(kind, contact)
    if contact.type == ContactType.PERSON and contact.company is not None:
        contact = Contact.objects.select_for_update().get(pk=contact.company.pk)
    elif contact.type == ContactType.PERSON and kind != "customer":
        # R-H4 before R-H5: with no template for a person, E-13 says so (nothing is created)
        # before E-11 says a standalone person needs a company.
        template_choose(kind, contact, template_code)
        raise CompanyRequired(
            f"Company No. must have a value in Contact {contact.number}: a {LABELS[kind].lower()} "
            "needs a company contact."
        )
    privacy_check(contact)
    code = relation_code_required(kind)
    template = template_choose(kind, contact, template_code)
    values = {e: getattr(contact, c) for c, e in FIELD_MAPS[kind].both}
    if kind == "customer":
        values["contact_type"] = contact.type
    series = getattr(template, "no_series", None) if template is not None else None
    record = FIELD_MAPS[kind].model(**values)
    _number(kind, record, number, series)
    if template is not None:
        _apply_template(kind, record, template)
    normalise_party(record, {})
    full_clean_or_raise(record)
    record.save()
    trail = Trail()
    trail.created([record], origin=origin_of(contact))
    link_insert(contact=contact, kind=kind, record=record, code=code, trail=trail)
    report = sync_from_linked(kind, [record], trail=trail)
    trail.save()
    return record, report
