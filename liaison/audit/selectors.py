"""Reads of the audit trail: the history of one contact, customer, vendor or bank account."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet

from liaison.audit.models import AuditEntry, Entity
from liaison.audit.trail import entity_of
from liaison.banking.models import BankAccount
from liaison.contacts.models import Contact
from liaison.core.errors import NotFound
from liaison.purchases.models import Vendor
from liaison.sales.models import Customer

MODELS: dict[str, type[models.Model]] = {
    Entity.CONTACT: Contact,
    Entity.CUSTOMER: Customer,
    Entity.VENDOR: Vendor,
    Entity.BANK_ACCOUNT: BankAccount,
}


def audit_for_record(record: models.Model) -> QuerySet[AuditEntry]:
    """A record's history, newest first. Found by its key, so it follows a new number."""
    return AuditEntry.objects.filter(entity=entity_of(record), entity_pk=record.pk).order_by("-id")


def audit_for(entity: str, number: str) -> QuerySet[AuditEntry]:
    """The history of the record of ``entity`` with this number, newest first; for a deleted
    record, the entries written under that number. E-10 when there is neither."""
    record = MODELS[entity]._default_manager.filter(number=number).first()
    if record is not None:
        return audit_for_record(record)
    entries = AuditEntry.objects.filter(entity=entity, number=number).order_by("-id")
    if not entries.exists():
        raise NotFound(f"{Entity(entity).label} {number} does not exist and has no history.")
    return entries
