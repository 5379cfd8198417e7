"""Forms of the master data pages (parse input only), and the picker widget contact and record
cards use for their code fields: an input with a ``<datalist>`` of the table's codes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from liaison.masterdata.selectors import code_options
from liaison.masterdata.tables import CODE_TABLES, Table

# The code fields a card offers a picker for (the post code suggests its cities too).
PICKED = (*CODE_TABLES, "post_code")


class CodePicker(forms.TextInput):
    """A text input that suggests the codes of its table: the first ones when the form is
    shown, then, while the person types, those matching what is typed (htmx asks the server,
    so a table of thousands of post codes stays searchable). A post code picker also fills a
    blank city, county and country when the post code is left (and a blank post code when
    the city is), as BC's post code lookup does: the server applies ``post_code_fills``."""

    def __init__(self, field: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.field = field

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        list_id = f"{name}-options"
        search = {
            "list": list_id,
            "autocomplete": "off",
            "hx-get": reverse("masterdata:options", args=[self.field]),
            "hx-trigger": "input changed delay:200ms",
            "hx-target": f"#{list_id}",
        }
        html = super().render(name, value, {**(attrs or {}), **search}, renderer)
        options = format_html_join("", '<option value="{}">{}</option>', code_options(self.field))
        picker = format_html('{}<datalist id="{}">{}</datalist>', html, list_id, options)
        if self.field != "post_code":
            return picker
        own = (attrs or {}).get("id", f"id_{name}")
        fill = format_html(
            '<span hidden hx-get="{}" hx-trigger="change from:#{}, change from:#id_city" '
            'hx-include="{}" hx-swap="none"></span>',
            reverse("masterdata:post_code_fill"),
            own,
            ", ".join(f"[name='{n}']" for n in ("post_code", "city", "county", "country_code")),
        )
        return format_html("{}{}", picker, fill)


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
