"""Bank accounts and their number series setup (spec 1.4)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from liaison.core import fields
from liaison.core.models import NoSeries, Party


class BankAccount(Party):
    """A bank account card: one of the business's own accounts at a bank."""

    contact = models.CharField(
        "contact", max_length=100, blank=True, help_text="Free text; never synchronised."
    )
    our_contact_code = models.CharField(max_length=20, blank=True)
    format_region = models.CharField(
        max_length=80, blank=True, validators=[fields.validate_format_region]
    )
    bank_account_no = models.CharField("bank account no.", max_length=30, blank=True)
    bank_branch_no = models.CharField("bank branch no.", max_length=20, blank=True)
    iban = models.CharField("IBAN", max_length=50, blank=True, validators=[fields.validate_iban])
    swift_code = models.CharField(
        "SWIFT/BIC", max_length=20, blank=True, validators=[fields.validate_bic]
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["number"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["search_name", "number"], name="bank_name_sort_idx"),
            models.Index(fields=["city", "number"], name="bank_city_sort_idx"),
        ]


class BankingSetup(models.Model):
    """General ledger setup's part that matters here (single row): bank account numbers."""

    bank_account_nos = models.ForeignKey(
        NoSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "banking setup"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(pk=1), name="bankingsetup_single_row")
        ]

    def __str__(self) -> str:
        return "Banking setup"
