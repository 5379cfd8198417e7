"""Duplicate detection tables (spec 1.12): the setup rows, the search strings, the pairs.

``ContactIdentifier`` is Liaison's addition: a contact's strong identifiers (E.164 phones,
search e-mail, compact VAT number, IBANs of its linked bank accounts) and its normalised name,
one indexed row each, so the check finds them by exact lookup (docs/decisions.md).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.contacts.models import Contact

# The Contact fields a setup row may name: text fields a person types.
SEARCHABLE_FIELDS: tuple[str, ...] = (
    "name",
    "name_2",
    "search_name",
    "address",
    "address_2",
    "city",
    "post_code",
    "county",
    "country_code",
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "email",
    "home_page",
    "vat_registration_no",
    "registration_number",
    "company_name",
    "first_name",
    "surname",
)


class Part(models.TextChoices):
    FIRST = "first", _("First")
    LAST = "last", _("Last")


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone (E.164)")
    EMAIL = "email", _("E-mail")
    VAT = "vat", _("VAT registration no.")
    IBAN = "iban", _("IBAN")
    NAME = "name", _("Normalised name")


class DuplicateSearchStringSetup(models.Model):
    """Spec table 5095: which part of which contact field makes a search string."""

    field = models.CharField(
        max_length=40, choices=[(f, f.replace("_", " ")) for f in SEARCHABLE_FIELDS]
    )
    part = models.CharField(max_length=5, choices=Part.choices, default=Part.FIRST)
    length = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(2), MaxValueValidator(10)]
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["field", "part"], name="dupl_setup_field_part_unique"),
            models.CheckConstraint(
                condition=models.Q(length__gte=2, length__lte=10), name="dupl_setup_length_2_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field} ({self.part}, {self.length})"


class ContactSearchString(models.Model):
    """Spec table 5086: one search string of one contact for one (field, part)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=40)
    part = models.CharField(max_length=5, choices=Part.choices)
    string = models.CharField(max_length=10)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["field", "part", "string"], name="dupl_string_lookup_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["contact", "field", "part"], name="dupl_string_contact_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.field}:{self.part}={self.string}"


class ContactIdentifier(models.Model):
    """A contact's identifier or normalised name, for exact lookups (Liaison's addition)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=5, choices=IdentifierKind.choices)
    value = models.CharField(max_length=100)

    class Meta:
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["kind", "value"], name="dupl_identifier_lookup_idx"),
            models.Index(fields=["contact"], name="dupl_identifier_contact_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}"


class ContactDuplicate(models.Model):
    """Spec table 5085: a pair of contacts that look alike, and the user's verdict on it."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    duplicate = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")
    separate_contacts = models.BooleanField(default=False)
    # BC's "No. of Matching Strings": the (field, part) strings the two share.
    matching_strings = models.PositiveSmallIntegerField(default=0)
    # Liaison's score: matching strings + credit for equal normalised names + one threshold
    # per shared identifier (docs/decisions.md), and why: the strings and identifiers shared.
    score = models.PositiveIntegerField(default=0)
    strings = models.JSONField(default=list)
    identifiers = models.JSONField(default=list)
    found_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-score", "id"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["contact", "duplicate"], name="dupl_pair_unique"),
            models.CheckConstraint(
                condition=~models.Q(contact=models.F("duplicate")), name="dupl_pair_not_self"
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["duplicate"], name="dupl_pair_duplicate_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} ~ {self.duplicate_id}"
