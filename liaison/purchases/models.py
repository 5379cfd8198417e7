"""Vendors, vendor templates and the purchases setup (spec 1.3, 1.9)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from liaison.contacts.models import Contact, ContactType
from liaison.core import fields
from liaison.core.models import NoSeries, Party
from liaison.sales.models import InvoicingFields


class VendorTemplate(InvoicingFields):
    """Vendor template ("Vendor Templ."): fills a new vendor's blank fields (spec 1.9)."""

    code = models.CharField(max_length=20, unique=True)
    description = models.CharField(max_length=100, blank=True)
    contact_type = models.CharField(
        max_length=10, choices=ContactType.choices, default=ContactType.COMPANY
    )
    no_series = models.ForeignKey(
        NoSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    territory_code = models.CharField(max_length=10, blank=True)
    currency_code = models.CharField(max_length=10, blank=True)
    country_code = models.CharField(max_length=10, blank=True)
    language_code = models.CharField(max_length=10, blank=True)
    purchaser_code = models.CharField(max_length=20, blank=True)
    vendor_posting_group = models.CharField(max_length=20, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.code


class Vendor(Party, InvoicingFields):
    """A vendor card: who the business buys from."""

    contact = models.CharField(
        "contact", max_length=100, blank=True, help_text="Free-text name of the contact person."
    )
    primary_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purchaser_code = models.CharField(max_length=20, blank=True)
    format_region = models.CharField(
        max_length=80, blank=True, validators=[fields.validate_format_region]
    )
    registration_number = models.CharField(max_length=50, blank=True)
    vat_registration_no = models.CharField("VAT registration no.", max_length=20, blank=True)
    privacy_blocked = models.BooleanField(default=False)
    vendor_posting_group = models.CharField(max_length=20, blank=True)
    blocked = models.BooleanField(default=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["number"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["phone_e164"], name="vendor_phone_e164_idx"),
            models.Index(fields=["search_name", "number"], name="vendor_name_sort_idx"),
            models.Index(fields=["city", "number"], name="vendor_city_sort_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class PurchasesSetup(models.Model):
    """Purchases & payables setup (single row): the vendor number series."""

    vendor_nos = models.ForeignKey(
        NoSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "purchases setup"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(pk=1), name="purchasessetup_single_row")
        ]

    def __str__(self) -> str:
        return "Purchases setup"
