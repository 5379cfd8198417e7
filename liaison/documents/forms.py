"""Forms of the document pages: parse input only; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _


class LineForm(forms.Form):
    description = forms.CharField(max_length=100)
    quantity = forms.DecimalField(min_value=Decimal(0), max_digits=14, decimal_places=4, initial=1)
    unit_price = forms.DecimalField(
        min_value=Decimal(0), max_digits=14, decimal_places=2, initial=0
    )
    line_discount_pct = forms.DecimalField(
        label="Disc. %",
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
        initial=0,
    )


class EmailForm(forms.Form):
    to = forms.CharField(max_length=254, required=False, label="To (blank: the contact's)")


class CompanyInformationForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    address = forms.CharField(max_length=100, required=False)
    address_2 = forms.CharField(max_length=50, required=False)
    post_code = forms.CharField(max_length=20, required=False)
    city = forms.CharField(max_length=30, required=False)
    country_code = forms.CharField(max_length=10, required=False, label="Country/region")
    phone_no = forms.CharField(max_length=30, required=False, label="Phone")
    email = forms.CharField(max_length=80, required=False, label="E-mail")
    vat_registration_no = forms.CharField(max_length=20, required=False, label="VAT reg. no.")


class InteractionSetupForm(forms.Form):
    """One template per logged event; the choices are the interaction templates."""

    FIELDS: ClassVar[dict[str, str]] = {
        "sales_quotes": "Sales quotes",
        "sales_blanket_orders": "Sales blanket orders",
        "sales_order_confirmations": "Order confirmations",
        "service_order_create": "Service order created",
        "purchase_quotes": "Purchase quotes",
        "purchase_blanket_orders": "Purchase blanket orders",
        "purchase_orders": "Purchase orders",
        "emails": "E-mails",
    }

    def __init__(self, *args: object, codes: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        options = [("", "(log nothing)"), *((c, c) for c in codes)]
        for name, label in self.FIELDS.items():
            self.fields[name] = forms.ChoiceField(choices=options, required=False, label=label)


class ContactChangeForm(forms.Form):
    """A document's new contact (blank to clear it) for one of its two sides."""

    role = forms.ChoiceField(
        choices=[(r, r) for r in ("sell_to", "bill_to", "buy_from", "pay_to")],
        widget=forms.HiddenInput,
    )
    contact = forms.CharField(max_length=20, required=False, label=_("Contact no."))
