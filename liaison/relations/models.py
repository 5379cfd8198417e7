"""Business relations, the link table and the marketing setup (spec 1.5-1.7)."""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from liaison.banking.models import BankAccount
from liaison.contacts.models import Contact, CorrespondenceType
from liaison.core import fields
from liaison.core.models import NoSeries
from liaison.purchases.models import Vendor, VendorTemplate
from liaison.sales.models import Customer, CustomerTemplate


class BusinessRelation(models.Model):
    """A kind of relation a contact can have with the business (CUST, VEND, BANK, PRESS...)."""

    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return self.code


class LinkToTable(models.TextChoices):
    """Spec enum 5057: what a link row points at ('' is a plain business relation)."""

    NONE = "", "(none)"
    CUSTOMER = "customer", "Customer"
    VENDOR = "vendor", "Vendor"
    BANK_ACCOUNT = "bank_account", "Bank account"


class ContactBusinessRelation(models.Model):
    """A link row: one contact, one business relation code and at most one linked record.

    The three possible targets are three real foreign keys; the constraints below hold the
    spec's cardinality (one customer, vendor, bank account per contact; one contact per record).
    """

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="relations")
    business_relation = models.ForeignKey(
        BusinessRelation, on_delete=models.PROTECT, related_name="links"
    )
    link_to_table = models.CharField(
        max_length=20, choices=LinkToTable.choices, blank=True, default=LinkToTable.NONE
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )
    bank_account = models.ForeignKey(
        BankAccount, on_delete=models.CASCADE, null=True, blank=True, related_name="links"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["contact", "business_relation__code"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["contact", "business_relation"], name="cbr_unique_contact_relation"
            ),
            models.UniqueConstraint(
                fields=["contact", "link_to_table"],
                condition=~Q(link_to_table=""),
                name="cbr_one_link_per_kind",
            ),
            models.UniqueConstraint(
                fields=["customer"], condition=Q(customer__isnull=False), name="cbr_unique_customer"
            ),
            models.UniqueConstraint(
                fields=["vendor"], condition=Q(vendor__isnull=False), name="cbr_unique_vendor"
            ),
            models.UniqueConstraint(
                fields=["bank_account"],
                condition=Q(bank_account__isnull=False),
                name="cbr_unique_bank_account",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        link_to_table="",
                        customer__isnull=True,
                        vendor__isnull=True,
                        bank_account__isnull=True,
                    )
                    | Q(
                        link_to_table="customer",
                        customer__isnull=False,
                        vendor__isnull=True,
                        bank_account__isnull=True,
                    )
                    | Q(
                        link_to_table="vendor",
                        customer__isnull=True,
                        vendor__isnull=False,
                        bank_account__isnull=True,
                    )
                    | Q(
                        link_to_table="bank_account",
                        customer__isnull=True,
                        vendor__isnull=True,
                        bank_account__isnull=False,
                    )
                ),
                name="cbr_target_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}/{self.business_relation_id}/{self.link_to_table}"

    @property
    def target_id(self) -> int | None:
        return self.customer_id or self.vendor_id or self.bank_account_id


class MarketingSetup(models.Model):
    """Marketing setup (single row): the sync switches, contact numbers, inheritance, templates."""

    bus_rel_code_for_customers = models.ForeignKey(
        BusinessRelation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bus_rel_code_for_vendors = models.ForeignKey(
        BusinessRelation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bus_rel_code_for_bank_accounts = models.ForeignKey(
        BusinessRelation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_nos = models.ForeignKey(
        NoSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inherit_salesperson_code = models.BooleanField(default=True)
    inherit_territory_code = models.BooleanField(default=True)
    inherit_country_code = models.BooleanField("inherit country/region code", default=True)
    inherit_language_code = models.BooleanField(default=True)
    inherit_format_region = models.BooleanField(default=True)
    inherit_address_details = models.BooleanField(default=True)
    inherit_communication_details = models.BooleanField(default=True)
    # Spec 1.7 fields 28-32 and 53: what a new contact gets where it was left blank (spec 1.1).
    default_salesperson_code = models.CharField(max_length=20, blank=True)
    default_territory_code = models.CharField(max_length=10, blank=True)
    default_country_code = models.CharField(
        "default country/region code",
        max_length=10,
        blank=True,
        validators=[fields.validate_country],  # as a contact's, so a default is never refused
    )
    default_language_code = models.CharField(max_length=10, blank=True)
    default_format_region = models.CharField(
        max_length=80, blank=True, validators=[fields.validate_format_region]
    )
    default_correspondence_type = models.CharField(
        max_length=10, choices=CorrespondenceType.choices, blank=True, default=""
    )
    default_customer_template_company = models.ForeignKey(
        CustomerTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    default_customer_template_person = models.ForeignKey(
        CustomerTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    default_vendor_template = models.ForeignKey(
        VendorTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Spec group O: duplicate detection switches.
    maintain_dupl_search_strings = models.BooleanField(
        "maintain dupl. search strings", default=True
    )
    autosearch_for_duplicates = models.BooleanField(default=True)
    search_hit_pct = models.PositiveSmallIntegerField(
        "search hit %", default=60, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "marketing setup"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=Q(pk=1), name="marketingsetup_single_row"),
            # Product decision 8: one code per kind of linked record (NULLs pass).
            models.CheckConstraint(
                condition=~Q(bus_rel_code_for_customers=F("bus_rel_code_for_vendors")),
                name="marketingsetup_customer_vendor_codes_distinct",
            ),
            models.CheckConstraint(
                condition=~Q(bus_rel_code_for_customers=F("bus_rel_code_for_bank_accounts")),
                name="marketingsetup_customer_bank_codes_distinct",
            ),
            models.CheckConstraint(
                condition=~Q(bus_rel_code_for_vendors=F("bus_rel_code_for_bank_accounts")),
                name="marketingsetup_vendor_bank_codes_distinct",
            ),
        ]

    def __str__(self) -> str:
        return "Marketing setup"
