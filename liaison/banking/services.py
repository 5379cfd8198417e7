"""Write services for bank accounts, by name: the shared record rules (``records/services.py``)
bound to the bank account kind. The pages and the API call those rules with the kind itself."""

from __future__ import annotations

from typing import Any

from liaison.banking.kind import BANK_ACCOUNT
from liaison.banking.models import BankAccount
from liaison.contacts.models import Contact
from liaison.records import services as records
from liaison.relations.sync import SyncReport


def bank_account_create(*, data: dict[str, Any], number: str = "") -> BankAccount:
    """Create a bank account and, when synchronisation is on, its contact (R-B)."""
    return records.record_create(BANK_ACCOUNT, data=data, number=number)


def bank_account_update(
    *, bank_account: BankAccount, data: dict[str, Any], expected_version: int | None = None
) -> tuple[BankAccount, SyncReport]:
    """Edit a bank account (it has no primary contact); shared fields reach its contact and the
    contact's other records (R-C)."""
    return records.record_update(
        BANK_ACCOUNT, record=bank_account, data=data, expected_version=expected_version
    )


def bank_account_delete(*, bank_account: BankAccount, expected_version: int | None = None) -> None:
    """Delete a bank account; only its link goes, the contact stays (R-E1)."""
    records.record_delete(BANK_ACCOUNT, record=bank_account, expected_version=expected_version)


def bank_account_create_from_contact(
    *, contact: Contact, template_code: str | None = None, number: str = ""
) -> tuple[BankAccount, SyncReport]:
    """Create a bank account from a contact (R-H)."""
    return records.record_create_from_contact(
        BANK_ACCOUNT, contact=contact, template_code=template_code, number=number
    )
