"""Forms of the master data pages (parse input only), and the picker widget contact and record
cards use for their code fields: an input with a ``<datalist>`` of the table's codes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from liaison.masterdata.selectors import code_options
from liaison.masterdata.tables import CODE_TABLES, Table

# The code fields a card offers a picker for (the post code suggests its cities too).
PICKED = (*CODE_TABLES, "post_code")


class CodePicker(forms.TextInput):
    """A text input that suggests the codes of its table (read when the form is shown)."""

    def __init__(self, field: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.field = field

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        list_id = f"{name}-options"
        html = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', code_options(self.field))
        return format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)


def add_pickers(form: forms.Form) -> None:
    """Give the form's code fields (those it has) a ``CodePicker``."""
    for name in PICKED:
        field = form.fields.get(name)
        if field is not None:
            field.widget = CodePicker(name, field.widget.attrs)


class CodeForm(forms.Form):
    """A master data row's fields, and the version it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, table: Table, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in forms.fields_for_model(table.model, fields=table.fields).items():
            field.required = name in ("code", "city")
            self.fields[name] = field
