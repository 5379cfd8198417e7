"""The VAT registration log (BC "VAT Registration Log", table 249): one row per VAT
registration number entered on a contact, customer or vendor, with who entered it, when, by
which door, and how and with what result it was checked."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from liaison.audit.context import Source
from liaison.contacts.models import Contact
from liaison.purchases.models import Vendor
from liaison.sales.models import Customer


class VatLogKind(models.TextChoices):
    """The kinds of record a VAT registration number is entered on (bank accounts have none)."""

    CONTACT = "contact", _("Contact")
    CUSTOMER = "customer", _("Customer")
    VENDOR = "vendor", _("Vendor")


class VatStatus(models.TextChoices):
    """Where an entry's check stands."""

    PENDING = "pending", _("Pending")
    VALID = "valid", _("Valid")
    INVALID = "invalid", _("Invalid")
    NOT_VERIFIED = "not_verified", _("Not verified")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class VatDoor(models.TextChoices):
    """Which door a user entered the number by; blank when no request did (``source`` says:
    an import, a batch job, the system)."""

    NONE = "", _("—")
    WEB = "web", _("Web page")
    API = "api", _("API")


class VatCheckMethod(models.TextChoices):
    """How the number was checked: its format only (python-stdnum), or online as well."""

    NONE = "none", _("Not checked")
    FORMAT = "format", _("Format")
    VIES = "vies", _("EU VIES")


class VatRegistrationLog(models.Model):
    """One VAT registration number as it was entered on one record.

    The record is one of three foreign keys, the one ``kind`` names (a check constraint says
    so); deleting the record deletes its log, as BC does (R-E2). ``number`` is the record's
    number when the entry was made. ``entered_by`` is null for the command line, an import
    run as the system, and synchronisation; ``entered_by_name`` keeps the name.
    ``details`` holds what the service returned (name, address, request identifier).
    """

    kind = models.CharField(max_length=10, choices=VatLogKind.choices)
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    number = models.CharField(max_length=20)
    vat_registration_no = models.CharField("VAT registration no.", max_length=20)
    country_code = models.CharField(max_length=10, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_by_name = models.CharField(max_length=150, blank=True)
    entered_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=Source.choices)
    door = models.CharField(max_length=10, choices=VatDoor.choices, blank=True)
    status = models.CharField(max_length=20, choices=VatStatus.choices)
    method = models.CharField(max_length=10, choices=VatCheckMethod.choices)
    checked_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        verbose_name = "VAT registration log entry"
        verbose_name_plural = "VAT registration log"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="contact",
                        contact__isnull=False,
                        customer__isnull=True,
                        vendor__isnull=True,
                    )
                    | Q(
                        kind="customer",
                        contact__isnull=True,
                        customer__isnull=False,
                        vendor__isnull=True,
                    )
                    | Q(
                        kind="vendor",
                        contact__isnull=True,
                        customer__isnull=True,
                        vendor__isnull=False,
                    )
                ),
                name="vatlog_one_record_of_its_kind",
            ),
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "next_attempt_at"], name="vatlog_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.number} {self.vat_registration_no} {self.status}"

    @property
    def how_entered(self) -> str:
        """The door ("Web page", "API"), else the source ("Import", "System")."""
        return str(self.get_door_display() if self.door else self.get_source_display())
