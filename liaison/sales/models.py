"""Customers, customer templates and the sales setup (spec 1.2, 1.9)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models

from liaison.contacts.models import Contact, ContactType
from liaison.core import fields
from liaison.core.models import NoSeries, Party


class InvoicingFields(models.Model):
    """Invoicing and posting details a contact does not carry; templates supply them."""

    gen_bus_posting_group = models.CharField(max_length=20, blank=True)
    vat_bus_posting_group = models.CharField("VAT bus. posting group", max_length=20, blank=True)
    payment_terms_code = models.CharField(max_length=10, blank=True)
    payment_method_code = models.CharField(max_length=10, blank=True)
    shipment_method_code = models.CharField(max_length=10, blank=True)
    invoice_disc_code = models.CharField(max_length=20, blank=True)
    prices_including_vat = models.BooleanField("prices including VAT", default=False)

    class Meta:
        abstract = True


class CustomerTemplate(InvoicingFields):
    """Customer template ("Customer Templ."): fills a new customer's blank fields (spec 1.9)."""

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
    salesperson_code = models.CharField(max_length=20, blank=True)
    customer_posting_group = models.CharField(max_length=20, blank=True)
    customer_price_group = models.CharField(max_length=10, blank=True)
    customer_disc_group = models.CharField(max_length=20, blank=True)
    allow_line_disc = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.code


class Customer(Party, InvoicingFields):
    """A customer card: who the business invoices."""

    contact = models.CharField(
        "contact", max_length=100, blank=True, help_text="Free-text name of the contact person."
    )
    primary_contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contact_type = models.CharField(
        max_length=10, choices=ContactType.choices, default=ContactType.COMPANY
    )
    salesperson_code = models.CharField(max_length=20, blank=True)
    format_region = models.CharField(
        max_length=80, blank=True, validators=[fields.validate_format_region]
    )
    registration_number = models.CharField(max_length=50, blank=True)
    vat_registration_no = models.CharField("VAT registration no.", max_length=20, blank=True)
    privacy_blocked = models.BooleanField(default=False)
    customer_posting_group = models.CharField(max_length=20, blank=True)
    customer_price_group = models.CharField(max_length=10, blank=True)
    customer_disc_group = models.CharField(max_length=20, blank=True)
    allow_line_disc = models.BooleanField(default=True)
    blocked = models.BooleanField(default=False)
    # BC "Credit Limit (LCY)" (field 20): the customer's own invoicing detail, in the local
    # currency; not shared with the contact (fieldmaps.py), so a change leaves the contact alone.
    credit_limit_lcy = models.DecimalField(
        "credit limit (LCY)",
        max_digits=20,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"), "A credit limit cannot be negative.")],
        help_text="0 means no credit limit.",
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["number"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["phone_e164"], name="customer_phone_e164_idx"),
            models.Index(fields=["search_name", "number"], name="customer_name_sort_idx"),
            models.Index(fields=["city", "number"], name="customer_city_sort_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class SalesSetup(models.Model):
    """Sales & receivables setup (single row): the customer number series."""

    customer_nos = models.ForeignKey(
        NoSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "sales setup"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(pk=1), name="salessetup_single_row")
        ]

    def __str__(self) -> str:
        return "Sales setup"
