"""Write services for customers, by name: the shared record rules (``records/services.py``)
bound to the customer kind. The pages and the API call those rules with the kind itself."""

from __future__ import annotations

from typing import Any, Unpack

from liaison.contacts.models import Contact
from liaison.records import services as records
from liaison.relations.sync import SyncReport
from liaison.sales.kind import CUSTOMER
from liaison.sales.models import Customer


def customer_create(*, data: dict[str, Any], number: str = "") -> Customer:
    """Create a customer and, when synchronisation is on, its contact (R-B)."""
    return records.record_create(CUSTOMER, data=data, number=number)


def customer_update(
    *, customer: Customer, data: dict[str, Any], **options: Unpack[records.UpdateOptions]
) -> tuple[Customer, SyncReport]:
    """Edit a customer; shared fields reach its contact and the contact's other records (R-C)."""
    return records.record_update(CUSTOMER, record=customer, data=data, **options)


def customer_delete(*, customer: Customer, expected_version: int | None = None) -> None:
    """Delete a customer; only its link goes, the contact stays (R-E1)."""
    records.record_delete(CUSTOMER, record=customer, expected_version=expected_version)


def customer_create_from_contact(
    *, contact: Contact, template_code: str | None = None, number: str = ""
) -> tuple[Customer, SyncReport]:
    """Create a customer from a contact (R-H) and put it on the family's open quotes (R-M9)."""
    return records.record_create_from_contact(
        CUSTOMER, contact=contact, template_code=template_code, number=number
    )
