"""Forms of the interaction pages: parse input only."""

from __future__ import annotations

from decimal import Decimal

from django import forms


class LogForm(forms.Form):
    template_code = forms.CharField(max_length=10, label="Interaction")
    description = forms.CharField(max_length=100, required=False)
    duration_min = forms.DecimalField(
        label="Minutes", min_value=Decimal(0), max_digits=8, decimal_places=2, required=False
    )


class ContactEmailForm(forms.Form):
    to = forms.CharField(max_length=254, required=False, label="To (blank: the contact's)")
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 8}), required=False)
