"""The three kinds of record, by key: how a door that names a kind in a string ("customer" in
a URL, a CSV column, a document side) reaches the kind's descriptor."""

from __future__ import annotations

from django.db import models

from liaison.banking.kind import BANK_ACCOUNT
from liaison.core.models import Party
from liaison.purchases.kind import VENDOR
from liaison.records.kind import RecordKind
from liaison.sales.kind import CUSTOMER

RECORD_KINDS: dict[str, RecordKind[Party]] = {k.key: k for k in (CUSTOMER, VENDOR, BANK_ACCOUNT)}

# The kinds that have templates (customers and vendors), by key.
TEMPLATE_MODELS: dict[str, type[models.Model]] = {
    key: kind.template_model
    for key, kind in RECORD_KINDS.items()
    if kind.template_model is not None
}


def record_kind(key: str) -> RecordKind[Party]:
    """The descriptor of the kind named ``key`` ("customer", "vendor", "bank_account")."""
    return RECORD_KINDS[key]
