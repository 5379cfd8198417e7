"""The ONLY list of shared fields: which contact field pairs with which entity field.

Pairs are by meaning (product decision 2), not by NAV field number. ``both`` pairs are kept
equal in both directions; ``on_create`` pairs are copied entity -> contact only when the contact
is created from the entity (spec 1.14, R-B6, 6.11). Person inheritance groups are spec R-D5/R-L5.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core import checks
from django.db import models

from liaison.banking.models import BankAccount
from liaison.contacts.models import Contact
from liaison.purchases.models import Vendor
from liaison.sales.models import Customer

Pair = tuple[str, str]

_COMMON: tuple[Pair, ...] = tuple(
    (f, f)
    for f in (
        "name",
        "search_name",
        "name_2",
        "address",
        "address_2",
        "city",
        "post_code",
        "county",
        "country_code",
        "phone_no",
        "phone_e164",
        "mobile_phone_no",
        "mobile_e164",
        "fax_no",
        "telex_no",
        "telex_answer_back",
        "email",
        "home_page",
        "territory_code",
        "currency_code",
        "language_code",
    )
)
_TAX: tuple[Pair, ...] = tuple(
    (f, f)
    for f in ("format_region", "registration_number", "vat_registration_no", "privacy_blocked")
)


@dataclass(frozen=True)
class FieldMap:
    """How one kind of linked record pairs its fields with the contact's."""

    kind: str
    model: type[models.Model]
    label: str
    both: tuple[Pair, ...]
    on_create: tuple[Pair, ...]

    @property
    def contact_fields(self) -> tuple[str, ...]:
        return tuple(c for c, _ in self.both)

    @property
    def entity_fields(self) -> tuple[str, ...]:
        return tuple(e for _, e in self.both)


CUSTOMER = FieldMap(
    kind="customer",
    model=Customer,
    label="customer",
    both=(*_COMMON, *_TAX, ("salesperson_code", "salesperson_code")),
    # Product decision 6: a sync never flips a customer's Contact Type; only a new contact
    # takes its type from the customer (R-B3 step 5).
    on_create=(("type", "contact_type"),),
)
VENDOR = FieldMap(
    kind="vendor",
    model=Vendor,
    label="vendor",
    both=(*_COMMON, *_TAX),
    on_create=(("salesperson_code", "purchaser_code"),),  # R-B6, spec 6.11
)
BANK_ACCOUNT = FieldMap(
    kind="bank_account",
    model=BankAccount,
    label="bank account",
    both=_COMMON,
    on_create=(("salesperson_code", "our_contact_code"),),  # R-B6; field-25 defect not kept
)

FIELD_MAPS: dict[str, FieldMap] = {m.kind: m for m in (CUSTOMER, VENDOR, BANK_ACCOUNT)}

# Company -> person inheritance (R-D5, R-L5): the flag of Marketing Setup that guards each group.
INHERITED_CODES: tuple[Pair, ...] = (
    ("salesperson_code", "inherit_salesperson_code"),
    ("territory_code", "inherit_territory_code"),
    ("country_code", "inherit_country_code"),
    ("language_code", "inherit_language_code"),
    ("format_region", "inherit_format_region"),
)
ADDRESS_IDENTITY: tuple[str, ...] = ("address", "address_2", "post_code", "city")
ADDRESS_FIELDS: tuple[str, ...] = (*ADDRESS_IDENTITY, "county")
COMMUNICATION_FIELDS: tuple[str, ...] = (
    "phone_no",
    "telex_no",
    "fax_no",
    "telex_answer_back",
    "email",
    "home_page",
    "extension_no",
    "mobile_phone_no",
    "pager",
)


def _pair_errors(kind: str, src: models.Field[Any, Any], dst: models.Field[Any, Any]) -> list[str]:
    """Why copying ``src`` into ``dst`` could fail or truncate, if it could."""
    where = f"Field map {kind}: {src.model.__name__}.{src.name} -> {dst.model.__name__}.{dst.name}"
    if src.get_internal_type() != dst.get_internal_type():
        return [f"{where}: types differ."]
    if (src.max_length or 0) > (dst.max_length or 0):
        return [f"{where}: {src.max_length} characters do not fit in {dst.max_length}."]
    return []


def check_field_maps(**_: object) -> list[checks.CheckMessage]:
    """Django system check: every mapped field exists on both sides with a compatible type."""
    problems: list[str] = []
    contact_fields = {f.name: f for f in Contact._meta.concrete_fields}
    for fmap in FIELD_MAPS.values():
        entity_fields = {f.name: f for f in fmap.model._meta.concrete_fields}
        for c, e in (*fmap.both, *fmap.on_create):
            if c not in contact_fields or e not in entity_fields:
                problems.append(f"Field map {fmap.kind}: {c} <-> {e} names a missing field.")
                continue
            problems += _pair_errors(fmap.kind, entity_fields[e], contact_fields[c])
            if (c, e) in fmap.both:
                problems += _pair_errors(fmap.kind, contact_fields[c], entity_fields[e])
    inherited = [f for f, _ in INHERITED_CODES] + [*ADDRESS_FIELDS, *COMMUNICATION_FIELDS]
    problems += [
        f"Inherited field {f} is not a contact field." for f in inherited if f not in contact_fields
    ]
    return [checks.Error(p, id="liaison.E001") for p in problems]
