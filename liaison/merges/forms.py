"""The merge page's form: one choice per conflicting field (whose value wins)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

SIDE_CHOICES = (("survivor", _("Keep")), ("merged", _("Take")))


class MergeChoicesForm(forms.Form):
    """A radio per field of the plan that conflicts, defaulting to the plan's winner."""

    def __init__(self, plan: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = [*plan["fields"], *(r for rows in plan["record_fields"].values() for r in rows)]
        for row in rows:
            if row["conflict"]:
                self.fields[row["field"]] = forms.ChoiceField(
                    choices=SIDE_CHOICES,
                    initial=row["winner"],
                    widget=forms.RadioSelect,
                    label=row["label"],
                    required=False,
                )

    def choices(self) -> dict[str, str]:
        """Whose value wins per conflicting field (the default where none was sent)."""
        return {
            name: str(value or self.fields[name].initial)
            for name, value in self.cleaned_data.items()
        }
