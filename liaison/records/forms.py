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
        add_pickers(self)


def record_initial(kind: RecordKind[Party], record: Party) -> dict[str, Any]:
    """The card's values as a form's ``initial``, with the version they were read at."""
    initial = {name: getattr(record, name) for name in record_fields(kind)}
    initial["version"] = record.version
    return initial
