"""Write services for customers: named entry points onto the shared record rules.

The rules themselves (numbering, auto-created contact, synchronisation, delete semantics,
creation from a contact) live once in ``liaison.relations.records``.
"""

from __future__ import annotations

from typing import Any

from liaison.contacts.models import Contact
from liaison.relations import records
from liaison.relations.sync import SyncReport
from liaison.sales.models import Customer


def customer_create(*, data: dict[str, Any], number: str = "") -> Customer:
    """Create a customer and, when synchronisation is on, its contact (R-B)."""
    return records.record_create("customer", data=data, number=number)  # type: ignore[return-value]


def customer_update(
    *,
    customer: Customer,
    data: dict[str, Any],
    expected_version: int | None = None,
    primary_contact_number: str | None = None,
) -> tuple[Customer, SyncReport]:
    """Edit a customer; shared fields reach its contact and the contact's other records (R-C)."""
    record, report = records.record_update(
        "customer",
        record=customer,
        data=data,
        expected_version=expected_version,
        primary_contact_number=primary_contact_number,
    )
    return record, report  # type: ignore[return-value]


def customer_delete(*, customer: Customer, expected_version: int | None = None) -> None:
    """Delete a customer; only its link goes, the contact stays (R-E1)."""
    records.record_delete("customer", record=customer, expected_version=expected_version)


def customer_create_from_contact(
    *, contact: Contact, template_code: str | None = None, number: str = ""
) -> tuple[Customer, SyncReport]:
    """Create a customer from a contact (R-H)."""
    record, report = records.record_create_from_contact(
        "customer", contact=contact, template_code=template_code, number=number
    )
    return record, report  # type: ignore[return-value]
