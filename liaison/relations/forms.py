"""Forms of the setup pages: parse and validate input only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.relations.models import MarketingSetup

SETUP_CODES = (
    "bus_rel_code_for_customers",
    "bus_rel_code_for_vendors",
    "bus_rel_code_for_bank_accounts",
    "contact_nos",
    "default_customer_template_company",
    "default_customer_template_person",
    "default_vendor_template",
)
# Spec 1.7: what a new contact gets where it was left blank (spec 1.1), with their labels.
SETUP_DEFAULTS = {
    "default_salesperson_code": _("Default salesperson code"),
    "default_territory_code": _("Default territory code"),
    "default_country_code": _("Default country/region code"),
    "default_language_code": _("Default language code"),
    "default_format_region": _("Default format region"),
    "default_correspondence_type": _("Default correspondence type"),
}
SETUP_FLAGS = tuple(
    f.name for f in MarketingSetup._meta.concrete_fields if f.get_internal_type() == "BooleanField"
)


class MarketingSetupForm(forms.Form):
    """The marketing setup as codes and switches."""

    def __init__(self, *args: Any, choices: dict[str, list[str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in SETUP_CODES:
            options = [("", "(blank)")] + [(c, c) for c in choices[name]]
            self.fields[name] = forms.ChoiceField(
                choices=options, required=False, label=name.replace("_", " ").capitalize()
            )
        for name, label in SETUP_DEFAULTS.items():
            field = MarketingSetup._meta.get_field(name)
            assert isinstance(field, models.Field)
            if field.choices:
                self.fields[name] = forms.ChoiceField(
                    choices=field.choices, required=False, label=label
                )
            else:
                self.fields[name] = forms.CharField(
                    max_length=field.max_length, required=False, label=label
                )
        for name in SETUP_FLAGS:
            self.fields[name] = forms.BooleanField(
                required=False, label=name.replace("_", " ").capitalize()
            )
        # Spec group O: the share of the setup rows two contacts must share (R-O1 step 3).
        self.fields["search_hit_pct"] = forms.IntegerField(
            min_value=1, max_value=100, label=_("Search hit %"), required=False
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("search_hit_pct") is None:
            cleaned.pop("search_hit_pct", None)  # left blank: kept as it is
        return cleaned


class BusinessRelationForm(forms.Form):
    code = forms.CharField(max_length=10)
    description = forms.CharField(max_length=100, required=False)
