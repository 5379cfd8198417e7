"""Write services for bank accounts: named entry points onto the shared record rules.

The rules themselves (numbering, auto-created contact, synchronisation, delete semantics,
creation from a contact) live once in ``liaison.relations.records``.
"""

from __future__ import annotations

from typing import Any

from liaison.banking.models import BankAccount
from liaison.contacts.models import Contact
from liaison.relations import records
from liaison.relations.sync import SyncReport


def bank_account_create(*, data: dict[str, Any], number: str = "") -> BankAccount:
    """Create a bank account and, when synchronisation is on, its contact (R-B)."""
    return records.record_create("bank_account", data=data, number=number)  # type: ignore[return-value]


def bank_account_update(
    *,
    bank_account: BankAccount,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> tuple[BankAccount, SyncReport]:
    """Edit a bank account; shared fields reach its contact and its other records (R-C)."""
    record, report = records.record_update(
        "bank_account",
        record=bank_account,
        data=data,
        expected_version=expected_version,
    )
    return record, report  # type: ignore[return-value]


def bank_account_delete(*, bank_account: BankAccount, expected_version: int | None = None) -> None:
    """Delete a bank account; only its link goes, the contact stays (R-E1)."""
    records.record_delete("bank_account", record=bank_account, expected_version=expected_version)


def bank_account_create_from_contact(
    *, contact: Contact, template_code: str | None = None, number: str = ""
) -> tuple[BankAccount, SyncReport]:
    """Create a bank account from a contact (R-H)."""
    record, report = records.record_create_from_contact(
        "bank_account", contact=contact, template_code=template_code, number=number
    )
    return record, report  # type: ignore[return-value]
