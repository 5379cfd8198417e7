"""Forms of the record cards and setup pages: parse and validate input only."""

from __future__ import annotations

from typing import Any

from django import forms

from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.models import MarketingSetup
from liaison.relations.records import editable_fields

FIRST = [
    "name",
    "name_2",
    "search_name",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country_code",
    "phone_no",
    "mobile_phone_no",
    "email",
    "home_page",
]


def record_fields(kind: str) -> list[str]:
    """The card's fields: shared ones first, then the record's own (posting, IBAN...)."""
    editable = editable_fields(kind)
    rest = sorted(editable - set(FIRST))
    return [f for f in FIRST if f in editable] + rest


class RecordForm(forms.Form):
    """A customer, vendor or bank account card, with the version it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, kind: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = record_fields(kind)
        model_fields = forms.fields_for_model(FIELD_MAPS[kind].model, fields=names)
        for name in names:
            field = model_fields[name]
            field.required = name == "name"
            self.fields[name] = field


def record_initial(kind: str, record: Any) -> dict[str, Any]:
    initial = {name: getattr(record, name) for name in record_fields(kind)}
    initial["version"] = record.version
    return initial


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
