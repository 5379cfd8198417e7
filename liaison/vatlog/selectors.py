"""Reads of the VAT registration log: a card's entries, the API's list, the checks due."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q, QuerySet

from liaison.contacts.models import Contact
from liaison.core.errors import NotFound
from liaison.purchases.models import Vendor
from liaison.relations.models import ContactBusinessRelation
from liaison.sales.models import Customer
from liaison.vatlog.models import VatLogKind, VatRegistrationLog, VatStatus

MODELS: dict[str, type[models.Model]] = {
    VatLogKind.CONTACT: Contact,
    VatLogKind.CUSTOMER: Customer,
    VatLogKind.VENDOR: Vendor,
}


def vat_log_kind_of(record: models.Model) -> str | None:
    """The log's kind of a contact, customer or vendor; None for a bank account."""
    for kind, model in MODELS.items():
        if isinstance(record, model):
            return kind
    return None


def vat_log_for_card(record: models.Model) -> QuerySet[VatRegistrationLog]:
    """A card's entries, newest first: the record's own and those of the records linked to
    it. A number entered on a contact reaches its customer by synchronisation and is logged
    once, where it was entered; the customer's card shows it all the same."""
    kind = vat_log_kind_of(record)
    if kind is None:
        return VatRegistrationLog.objects.none()
    if kind == VatLogKind.CONTACT:
        links = ContactBusinessRelation.objects.filter(contact_id=record.pk)
        where = (
            Q(contact_id=record.pk)
            | Q(customer_id__in=links.filter(customer__isnull=False).values("customer_id"))
            | Q(vendor_id__in=links.filter(vendor__isnull=False).values("vendor_id"))
        )
    else:
        contacts = ContactBusinessRelation.objects.filter(
            link_to_table=kind, **{f"{kind}_id": record.pk}
        ).values("contact_id")
        where = Q(**{f"{kind}_id": record.pk}) | Q(contact_id__in=contacts)
    return VatRegistrationLog.objects.filter(where).order_by("-id")


def vat_log_list(
    *, kind: str | None = None, number: str | None = None, status: str | None = None
) -> QuerySet[VatRegistrationLog]:
    """The log, newest first, of one kind of record, of one record (``kind`` and ``number``;
    E-10 when it does not exist) or of any record with that number, and of one status."""
    entries = VatRegistrationLog.objects.all()
    if kind:
        entries = entries.filter(kind=kind)
    if number:
        wanted = number.strip().upper()
        if kind and not MODELS[kind]._default_manager.filter(number=wanted).exists():
            raise NotFound(f"{VatLogKind(kind).label} {wanted} does not exist.")
        entries = entries.filter(
            Q(contact__number=wanted) | Q(customer__number=wanted) | Q(vendor__number=wanted)
        )
    if status:
        entries = entries.filter(status=status)
    return entries.order_by("-id")


def vat_entry_get(pk: int) -> VatRegistrationLog:
    found = VatRegistrationLog.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"VAT registration log entry {pk} does not exist.")
    return found


def vat_entries_due(now: datetime.datetime) -> QuerySet[VatRegistrationLog]:
    """Entries to check now, oldest first: new ones, and the not verified ones whose retry
    time has come."""
    return VatRegistrationLog.objects.filter(
        Q(status=VatStatus.PENDING) | Q(status=VatStatus.NOT_VERIFIED, next_attempt_at__lte=now)
    ).order_by("pk")
