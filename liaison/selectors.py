"""The start page's reads: what this database holds, and the latest changed contacts."""

from __future__ import annotations

from typing import Any

from liaison.banking.models import BankAccount
from liaison.contacts.models import Contact
from liaison.purchases.models import Vendor
from liaison.relations.models import ContactBusinessRelation
from liaison.sales.models import Customer


def overview(limit: int = 50) -> dict[str, Any]:
    """Counts and the most recently modified contacts (one query each, no N+1)."""
    return {
        "counts": {
            "Contacts": Contact.objects.count(),
            "Customers": Customer.objects.count(),
            "Vendors": Vendor.objects.count(),
            "Bank accounts": BankAccount.objects.count(),
            "Links": ContactBusinessRelation.objects.exclude(link_to_table="").count(),
        },
        "contacts": list(
            Contact.objects.select_related("company").order_by("-modified_at", "number")[:limit]
        ),
    }
