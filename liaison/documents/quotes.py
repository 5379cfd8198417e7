"""R-M9 / R-M10: a customer or vendor made or linked from a contact goes onto the open quotes
of the contact's family. Reads models only, so the record and link services can call it."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from liaison.contacts.models import Contact
from liaison.documents.sides import PURCHASE, SALES, Side

# The kinds of record that quotes name (bank accounts have none).
QUOTE_SIDES = {"customer": SALES, "vendor": PURCHASE}


def quotes_assign(side: Side, contact: Contact, record: Any) -> int:
    """R-M9 / R-M10: a new or linked customer (vendor) goes onto the open quotes of the
    contact's family (the company and its persons) that had none. Returns quotes changed."""
    hub = contact.company_id or contact.pk
    family = Contact.objects.filter(Q(pk=hub) | Q(company_id=hub)).values("pk")
    quotes = side.header.objects.filter(document_type="quote")
    party, bill = side.party, side.bill
    rec, bill_rec = side.record_field(party), side.record_field(bill)
    person = getattr(record, side.record_person_code)
    now = timezone.now()
    sell = quotes.filter(**{f"{rec}__isnull": True, f"{party}_contact__in": family})
    changed = sell.filter(**{f"{party}_contact": F(f"{bill}_contact")}).update(
        **{
            rec: record,
            f"{party}_name": record.name,
            side.template_field(party): None,
            bill_rec: record,
            f"{bill}_name": record.name,
            side.template_field(bill): None,
            side.person_code: person,
            "version": F("version") + 1,
            "modified_at": now,
        }
    )
    changed += sell.update(
        **{
            rec: record,
            f"{party}_name": record.name,
            side.template_field(party): None,
            "version": F("version") + 1,
            "modified_at": now,
        }
    )
    changed += quotes.filter(**{f"{bill_rec}__isnull": True, f"{bill}_contact__in": family}).update(
        **{
            bill_rec: record,
            side.template_field(bill): None,
            side.person_code: person,
            "version": F("version") + 1,
            "modified_at": now,
        }
    )
    return changed


def quotes_assign_record(key: str, contact: Contact, record: Any) -> int:
    """R-M9 / R-M10 for a record of kind ``key`` made or linked from ``contact`` (0 for a
    bank account, which no quote names)."""
    side = QUOTE_SIDES.get(key)
    return quotes_assign(side, contact, record) if side is not None else 0
