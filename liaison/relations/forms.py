"""Forms of the setup pages: parse and validate input only."""

from __future__ import annotations

from typing import Any

from django import forms

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
        for name in SETUP_FLAGS:
            self.fields[name] = forms.BooleanField(
                required=False, label=name.replace("_", " ").capitalize()
            )


class BusinessRelationForm(forms.Form):
    code = forms.CharField(max_length=10)
    description = forms.CharField(max_length=100, required=False)
