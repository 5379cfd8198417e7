"""The master data codes point to: salespeople/purchasers, territories, languages, payment
terms and post codes (Business Central's tables 13, 286, 8, 3 and 225)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from liaison.core import fields


class Salesperson(models.Model):
    """Salesperson/Purchaser: the code a contact's, customer's Salesperson Code, a vendor's
    Purchaser Code and a bank account's Our Contact Code name."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=50, blank=True)
    email = models.CharField(
        "e-mail", max_length=80, blank=True, validators=[fields.validate_emails]
    )
    phone_no = models.CharField(
        "phone no.", max_length=30, blank=True, validators=[fields.validate_phone_chars]
    )
    privacy_blocked = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "salesperson/purchaser"
        verbose_name_plural = "salespeople/purchasers"
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Territory(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=50, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name_plural = "territories"
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class Language(models.Model):
    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=50, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}".strip()


class PaymentTerms(models.Model):
    code = models.CharField(max_length=10, unique=True)
    description = models.CharField(max_length=100, blank=True)
    due_date_calculation = models.CharField(
        max_length=32, blank=True, help_text="A date formula, e.g. 30D or CM+1M."
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "payment terms"
        verbose_name_plural = "payment terms"
        ordering: ClassVar[list[str]] = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}".strip()


class PostCode(models.Model):
    """One post code in one city of one country; a code may name several cities."""

    code = models.CharField(max_length=20)
    city = models.CharField(max_length=30)
    country_code = models.CharField("country/region code", max_length=10, blank=True)
    county = models.CharField(max_length=30, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["code", "city"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["code", "city", "country_code"], name="postcode_code_city_country_unique"
            )
        ]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["city"], name="postcode_city_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.city}".strip()
