"""Derived columns every party keeps in step: upper-case codes, search name, E.164 phones."""

from __future__ import annotations

from typing import Any

from django.db import models

from liaison.core import fields
from liaison.core.errors import RegistrationNumberTooLong

CODE_FIELDS = (
    "territory_code",
    "currency_code",
    "language_code",
    "country_code",
    "salesperson_code",
    "purchaser_code",
    "our_contact_code",
)


REGISTRATION_NUMBER_MAX = 20


def registration_number_check(obj: models.Model, before: dict[str, Any] | None = None) -> None:
    """E-37: Registration Number at most 20 characters, wherever the value enters (contacts,
    customers, vendors; every door derives through ``normalise_party``). Checked when typed:
    a stored value an edit leaves alone does not refuse the edit."""
    value = getattr(obj, "registration_number", None)
    if before and before.get("registration_number") == value:
        return
    if isinstance(value, str) and len(value.strip()) > REGISTRATION_NUMBER_MAX:
        message = f"Registration No. must not be longer than {REGISTRATION_NUMBER_MAX} characters."
        raise RegistrationNumberTooLong(message, fields={"registration_number": [message]})


def normalise_party(obj: models.Model, before: dict[str, Any] | None = None) -> None:
    """Recompute derived fields of a party from its typed values (spec 0.2, R-D10 step 1).

    Search Name follows Name while it is blank or still equal to the upper-case old Name.
    A Registration Number longer than 20 characters is refused (E-37).
    """
    registration_number_check(obj, before)
    for name in CODE_FIELDS:
        value = getattr(obj, name, None)
        if isinstance(value, str):
            setattr(obj, name, value.strip().upper())
    if hasattr(obj, "iban"):
        obj.iban = fields.compact_iban(obj.iban)
    if hasattr(obj, "swift_code"):
        obj.swift_code = obj.swift_code.strip().upper()
    if hasattr(obj, "vat_registration_no"):
        obj.vat_registration_no = obj.vat_registration_no.strip().upper()
    old_name = (before or {}).get("name", "") or ""
    search = obj.search_name  # type: ignore[attr-defined]
    if not search or search == old_name.upper():
        obj.search_name = obj.name.upper()[:100]  # type: ignore[attr-defined]
    else:
        obj.search_name = search.upper()  # type: ignore[attr-defined]
    country = obj.country_code  # type: ignore[attr-defined]
    obj.phone_e164 = fields.phone_e164(obj.phone_no, country)  # type: ignore[attr-defined]
    obj.mobile_e164 = fields.phone_e164(obj.mobile_phone_no, country)  # type: ignore[attr-defined]
    if hasattr(obj, "search_email"):
        obj.search_email = obj.email.upper()  # type: ignore[attr-defined]
