"""Shared model pieces: the number series and the address/communication fields every party has."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from liaison.core import fields


class NoSeries(models.Model):
    """A number series ("No. Series"): hands out the human numbers of new records."""

    code = models.CharField(max_length=20, unique=True)
    description = models.CharField(max_length=100, blank=True)
    default_nos = models.BooleanField(
        default=True, help_text="Numbers may be drawn automatically from this series."
    )
    manual_nos = models.BooleanField(
        default=False, help_text="Numbers may be typed by hand for records of this series."
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]
        verbose_name = "number series"
        verbose_name_plural = "number series"

    def __str__(self) -> str:
        return self.code


class NoSeriesLine(models.Model):
    """A range of a number series: starting and ending number, increment and last number used."""

    series = models.ForeignKey(NoSeries, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveIntegerField(default=10000)
    starting_no = models.CharField(max_length=20)
    ending_no = models.CharField(max_length=20, blank=True)
    increment_by = models.PositiveIntegerField(default=1)
    last_no_used = models.CharField(max_length=20, blank=True)
    open = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["series", "line_no"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["series", "line_no"], name="noseriesline_unique_line"),
            models.CheckConstraint(
                condition=models.Q(increment_by__gte=1), name="noseriesline_increment_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series_id}:{self.starting_no}..{self.ending_no}"


class Party(models.Model):
    """The name, address and communication fields shared by contacts, customers, vendors and
    bank accounts (spec 1.1-1.4). Which of them synchronise is decided in the field maps."""

    number = models.CharField("No.", max_length=20, unique=True)
    name = models.CharField(max_length=100, blank=True)
    search_name = models.CharField(max_length=100, blank=True, db_index=True)
    name_2 = models.CharField(max_length=50, blank=True)
    address = models.CharField(max_length=100, blank=True)
    address_2 = models.CharField(max_length=50, blank=True)
    city = models.CharField(max_length=30, blank=True)
    post_code = models.CharField(max_length=20, blank=True)
    county = models.CharField(max_length=30, blank=True)
    country_code = models.CharField(
        "country/region code", max_length=10, blank=True, validators=[fields.validate_country]
    )
    phone_no = models.CharField(
        "phone no.", max_length=30, blank=True, validators=[fields.validate_phone_chars]
    )
    phone_e164 = models.CharField("phone (E.164)", max_length=30, blank=True, editable=False)
    mobile_phone_no = models.CharField(
        "mobile phone no.", max_length=30, blank=True, validators=[fields.validate_phone_chars]
    )
    mobile_e164 = models.CharField("mobile (E.164)", max_length=30, blank=True, editable=False)
    fax_no = models.CharField("fax no.", max_length=30, blank=True)
    telex_no = models.CharField("telex no.", max_length=20, blank=True)
    telex_answer_back = models.CharField(max_length=20, blank=True)
    email = models.CharField(
        "e-mail", max_length=80, blank=True, validators=[fields.validate_emails]
    )
    home_page = models.CharField(max_length=255, blank=True)
    territory_code = models.CharField(max_length=10, blank=True)
    currency_code = models.CharField(
        max_length=10, blank=True, validators=[fields.validate_currency]
    )
    language_code = models.CharField(max_length=10, blank=True)
    no_series = models.CharField("no. series", max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()

    def clean(self) -> None:
        """Cross-field checks that need the country (phone numbers read in their country)."""
        from django.core.exceptions import ValidationError

        errors: dict[str, list[str]] = {}
        for field in ("phone_no", "mobile_phone_no"):
            try:
                fields.check_phone(getattr(self, field), self.country_code)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
        vat = getattr(self, "vat_registration_no", "")
        try:
            fields.check_vat(vat, self.country_code)
        except ValidationError as exc:
            errors.setdefault("vat_registration_no", []).extend(exc.messages)
        if errors:
            raise ValidationError(errors)
