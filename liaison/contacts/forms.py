"""Contact forms: parse and validate input only; the services do the rest."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy

from liaison.contacts.models import Contact
from liaison.contacts.services import EDITABLE
from liaison.masterdata.forms import add_pickers

CARD_FIELDS = [
    "type",
    "name",
    "name_2",
    "search_name",
    "first_name",
    "middle_name",
    "surname",
    "job_title",
    "salesperson_code",
    "territory_code",
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
    "fax_no",
    "currency_code",
    "language_code",
    "vat_registration_no",
    "registration_number",
    "format_region",
    "correspondence_type",
    "privacy_blocked",
    "minor",
    "parental_consent_received",
]
assert set(CARD_FIELDS) <= EDITABLE


class ContactForm(forms.Form):
    """The contact card's fields, plus the version the form was read at (stale-edit check)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    company_number = forms.CharField(
        max_length=20, required=False, label="Company no.", help_text="A person's company."
    )
    # R-L6: a person's company by name, picked from the companies offered while typing.
    company_name = forms.CharField(
        max_length=100,
        required=False,
        label="Company name",
        help_text="Or type the company's name and pick it.",
        widget=forms.TextInput(
            attrs={
                "list": "company-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("contacts:companies"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#company-options",
            }
        ),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        model_fields = forms.fields_for_model(Contact, fields=CARD_FIELDS)
        for name in CARD_FIELDS:
            field = model_fields[name]
            # The name rule is the service's (E-30): a person's name may be composed of its
            # first name and surname, so the form does not require it.
            field.required = False
            self.fields[name] = field
        self.order_fields(
            ["version", *CARD_FIELDS[:1], "company_number", "company_name", *CARD_FIELDS[1:]]
        )
        add_pickers(self)


def contact_initial(contact: Contact) -> dict[str, object]:
    """The form's initial values for a stored contact."""
    initial: dict[str, object] = {name: getattr(contact, name) for name in CARD_FIELDS}
    initial["company_number"] = (
        contact.company.number if contact.company_id and contact.company else ""
    )
    initial["company_name"] = contact.company_name if not contact.is_company else ""
    initial["version"] = contact.version
    return initial
