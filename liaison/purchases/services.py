"""Write services for vendors: named entry points onto the shared record rules.

The rules themselves (numbering, auto-created contact, synchronisation, delete semantics,
creation from a contact) live once in ``liaison.relations.records``.
"""

from __future__ import annotations

from typing import Any

from liaison.contacts.models import Contact
from liaison.purchases.models import Vendor
from liaison.relations import records
from liaison.relations.sync import SyncReport


def vendor_create(*, data: dict[str, Any], number: str = "") -> Vendor:
    """Create a vendor and, when synchronisation is on, its contact (R-B)."""
    return records.record_create("vendor", data=data, number=number)  # type: ignore[return-value]


def vendor_update(
    *,
    vendor: Vendor,
    data: dict[str, Any],
    expected_version: int | None = None,
    primary_contact_number: str | None = None,
) -> tuple[Vendor, SyncReport]:
    """Edit a vendor; shared fields reach its contact and the contact's other records (R-C)."""
    record, report = records.record_update(
        "vendor",
        record=vendor,
        data=data,
        expected_version=expected_version,
        primary_contact_number=primary_contact_number,
    )
    return record, report  # type: ignore[return-value]


def vendor_delete(*, vendor: Vendor, expected_version: int | None = None) -> None:
    """Delete a vendor; only its link goes, the contact stays (R-E1)."""
    records.record_delete("vendor", record=vendor, expected_version=expected_version)


def vendor_create_from_contact(
    *, contact: Contact, template_code: str | None = None, number: str = ""
) -> tuple[Vendor, SyncReport]:
    """Create a vendor from a contact (R-H)."""
    record, report = records.record_create_from_contact(
        "vendor", contact=contact, template_code=template_code, number=number
    )
    return record, report  # type: ignore[return-value]
