"""Forms of the duplicate pages: parse and validate input only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from liaison.duplicates.models import SEARCHABLE_FIELDS, Part


class SetupRowForm(forms.Form):
    """A Duplicate Search String Setup row: field, part, length (2..10)."""

    field = forms.ChoiceField(
        label=_("Field"), choices=[(f, f.replace("_", " ")) for f in SEARCHABLE_FIELDS]
    )
    part = forms.ChoiceField(label=_("Part of field"), choices=Part.choices)
    length = forms.IntegerField(label=_("Length"), min_value=2, max_value=10, initial=5)


# What the warning while typing reads from the contact form (each cut to its column's size).
TYPED_FIELDS = {
    "name": 100,
    "name_2": 50,
    "address": 100,
    "address_2": 50,
    "city": 30,
    "post_code": 20,
    "country_code": 10,
    "phone_no": 30,
    "mobile_phone_no": 30,
    "email": 80,
    "vat_registration_no": 20,
}
