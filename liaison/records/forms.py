"""The card form of a kind of record: parse and validate input only."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from liaison.core.models import Party
from liaison.masterdata.forms import add_pickers
from liaison.records.kind import RecordKind
from liaison.records.selectors import editable_fields

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


PRIMARY_CONTACT = "primary_contact_number"


def record_fields(kind: RecordKind[Party]) -> list[str]:
    """The card's fields: shared ones first, then the record's own (posting, IBAN...)."""
    editable = editable_fields(kind.key)
    rest = sorted(editable - set(FIRST))
    return [f for f in FIRST if f in editable] + rest


class RecordForm(forms.Form):
    """A customer, vendor or bank account card, with the version it was read at.

    Each kind's app names its kind in a subclass (``sales.forms.CustomerForm``...).
    """

    kind: ClassVar[RecordKind[Party]]
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = record_fields(self.kind)
        model_fields = forms.fields_for_model(self.kind.model, fields=names)
        for name in names:
            field = model_fields[name]
            field.required = name == "name"
            self.fields[name] = field
        if self.kind.has_primary_contact and PRIMARY_CONTACT in self.initial:  # an edit
            self.fields[PRIMARY_CONTACT] = forms.CharField(
                max_length=20,
                required=False,
                label="Primary contact no.",
                help_text="The linked company or one of its persons; a person of an unlinked "
                "company links that company.",
            )
        add_pickers(self)

    def clean(self) -> dict[str, Any]:
        """A blank amount (credit limit) is the field's default, 0, not a missing value."""
        cleaned = super().clean() or {}
        for f in self.kind.model._meta.concrete_fields:
            if f.name in cleaned and cleaned[f.name] is None and not f.null and f.has_default():
                cleaned[f.name] = f.get_default()
        return cleaned


def record_initial(kind: RecordKind[Party], record: Party) -> dict[str, Any]:
    """The card's values as a form's ``initial``, with the version they were read at."""
    initial = {name: getattr(record, name) for name in record_fields(kind)}
    if kind.has_primary_contact:
        primary = getattr(record, "primary_contact", None)
        initial[PRIMARY_CONTACT] = primary.number if primary is not None else ""
    initial["version"] = record.version
    return initial
