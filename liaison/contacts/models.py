"""Contacts: companies and the persons who belong to them (spec 1.1)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from liaison.core import fields
from liaison.core.models import Party


class ContactType(models.TextChoices):
    COMPANY = "company", "Company"
    PERSON = "person", "Person"


class BusinessRelationSummary(models.TextChoices):
    """Spec R-K1: what a contact is to the business, at a glance."""

    NONE = "none", "None"
    CUSTOMER = "customer", "Customer"
    VENDOR = "vendor", "Vendor"
    BANK_ACCOUNT = "bank_account", "Bank account"
    OTHER = "other", "Other"
    MULTIPLE = "multiple", "Multiple"


class CorrespondenceType(models.TextChoices):
    BLANK = "", "(none)"
    HARD_COPY = "hard_copy", "Hard copy"
    EMAIL = "email", "E-mail"
    FAX = "fax", "Fax"


class Contact(Party):
    """A company or a person the business deals with; the hub of synchronisation.

    A person may belong to a company contact (``company``); a company has no company of its own
    (its "Company No." is its own number, see ``company_no``).
    """

    type = models.CharField(max_length=10, choices=ContactType.choices, default=ContactType.COMPANY)
    company = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="persons",
        limit_choices_to={"type": ContactType.COMPANY},
    )
    company_name = models.CharField(max_length=100, blank=True)
    first_name = models.CharField(max_length=30, blank=True)
    middle_name = models.CharField(max_length=30, blank=True)
    surname = models.CharField(max_length=30, blank=True)
    job_title = models.CharField(max_length=30, blank=True)
    initials = models.CharField(max_length=30, blank=True)
    extension_no = models.CharField("extension no.", max_length=30, blank=True)
    pager = models.CharField(max_length=30, blank=True)
    salesperson_code = models.CharField(max_length=20, blank=True)
    format_region = models.CharField(
        max_length=80, blank=True, validators=[fields.validate_format_region]
    )
    registration_number = models.CharField(max_length=50, blank=True)
    vat_registration_no = models.CharField("VAT registration no.", max_length=20, blank=True)
    search_email = models.CharField("search e-mail", max_length=80, blank=True, editable=False)
    correspondence_type = models.CharField(
        max_length=10, choices=CorrespondenceType.choices, blank=True, default=""
    )
    privacy_blocked = models.BooleanField(default=False)
    minor = models.BooleanField(default=False)
    parental_consent_received = models.BooleanField(default=False)
    # Spec field 5053 "Lookup Contact No.": '' for a company, the own number for a person
    # (R-L1, R-F1); derived by the write rules (``contact_lookup_derive``), never typed.
    lookup_contact_no = models.CharField(
        "lookup contact no.", max_length=20, blank=True, default="", editable=False
    )
    business_relation_summary = models.CharField(
        max_length=20,
        choices=BusinessRelationSummary.choices,
        default=BusinessRelationSummary.NONE,
        editable=False,
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["number"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["company", "number"], name="contact_company_idx"),
            models.Index(fields=["phone_e164"], name="contact_phone_e164_idx"),
            models.Index(fields=["search_email"], name="contact_search_email_idx"),
            # Keyset pages sorted by name, city or last change (lists and the overview).
            models.Index(fields=["search_name", "number"], name="contact_name_sort_idx"),
            models.Index(fields=["city", "number"], name="contact_city_sort_idx"),
            models.Index(fields=["modified_at"], name="contact_modified_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(type=ContactType.PERSON) | models.Q(company__isnull=True),
                name="contact_company_has_no_company",
            ),
            models.CheckConstraint(
                condition=~models.Q(
                    privacy_blocked=False, minor=True, parental_consent_received=False
                ),
                name="contact_minor_without_consent_is_blocked",
            ),
        ]

    # Set by the write services for the response (R-O4: "duplicates_found"), never stored.
    notices: list[str]

    @property
    def is_company(self) -> bool:
        return self.type == ContactType.COMPANY

    @property
    def company_no(self) -> str:
        """NAV's "Company No.": own number for a company, the company's number for a person."""
        if self.is_company:
            return self.number
        return self.company.number if self.company_id and self.company else ""

    def lookup_number(self) -> str:
        """What ``lookup_contact_no`` holds for this contact now (spec 5053)."""
        return "" if self.is_company else self.number

    @property
    def hub_id(self) -> int:
        """The contact whose family this contact belongs to (its company, or itself)."""
        return self.company_id or self.pk
