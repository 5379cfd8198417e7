"""Write services for vendors, by name: the shared record rules (``records/services.py``)
bound to the vendor kind. The pages and the API call those rules with the kind itself."""

from __future__ import annotations

from typing import Any, Unpack

from liaison.contacts.models import Contact
from liaison.purchases.kind import VENDOR
from liaison.purchases.models import Vendor
from liaison.records import services as records
from liaison.relations.sync import SyncReport


def vendor_create(*, data: dict[str, Any], number: str = "") -> Vendor:
    """Create a vendor and, when synchronisation is on, its contact (R-B)."""
    return records.record_create(VENDOR, data=data, number=number)


def vendor_update(
    *, vendor: Vendor, data: dict[str, Any], **options: Unpack[records.UpdateOptions]
) -> tuple[Vendor, SyncReport]:
    """Edit a vendor; shared fields reach its contact and the contact's other records (R-C)."""
    return records.record_update(VENDOR, record=vendor, data=data, **options)


def vendor_delete(*, vendor: Vendor, expected_version: int | None = None) -> None:
    """Delete a vendor; only its link goes, the contact stays (R-E1)."""
    records.record_delete(VENDOR, record=vendor, expected_version=expected_version)


def vendor_create_from_contact(
    *, contact: Contact, template_code: str | None = None, number: str = ""
) -> tuple[Vendor, SyncReport]:
    """Create a vendor from a contact (R-H) and put it on the family's open quotes (R-M9)."""
    return records.record_create_from_contact(
        VENDOR, contact=contact, template_code=template_code, number=number
    )
