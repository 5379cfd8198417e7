"""The kinds a file can hold, their columns, and the quote that keeps a formula as text.

The import and the export use the model field names as columns, so an export imports back with
nothing to change. Export neutralises spreadsheet formulas (a cell that starts with ``= + - @``,
tab or CR gets a leading quote, ``formula_escape``) unless asked for the raw values, and the
import takes exactly that quote off again (``formula_unescape``).
"""

from __future__ import annotations

from django.db import models

from liaison.batch.bulk import COMPANY_NUMBER
from liaison.contacts.models import Contact
from liaison.contacts.services import EDITABLE
from liaison.core.errors import ValidationFailed
from liaison.records.selectors import editable_fields
from liaison.relations.fieldmaps import FIELD_MAPS

IMPORT_KINDS = ("contact", "customer", "vendor", "bank_account")
# The first characters that make a spreadsheet run a cell as a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


def model_of(kind: str) -> type[models.Model]:
    return Contact if kind == "contact" else FIELD_MAPS[kind].model


def columns(kind: str) -> tuple[str, ...]:
    """The columns of ``kind``, in export order: ``number``, then the fields a user may set
    (for contacts ``type`` and ``company_number`` first). Import accepts exactly these."""
    if kind not in IMPORT_KINDS:
        raise ValidationFailed(f"Unknown kind {kind!r}: choose one of {', '.join(IMPORT_KINDS)}.")
    model = model_of(kind)
    head: tuple[str, ...]
    if kind == "contact":
        editable, head = EDITABLE, ("number", "type", COMPANY_NUMBER)
    else:
        editable, head = editable_fields(kind), ("number",)
    rest = tuple(
        f.name for f in model._meta.concrete_fields if f.name in editable and f.name not in head
    )
    return head + rest


def formula_escape(text: str) -> str:
    """``text`` as a cell a spreadsheet shows as text: one quote in front when it starts with a
    formula character (``FORMULA_TRIGGERS``), or with quotes and then one, so that
    ``formula_unescape`` can tell the quote it must take off from a quote that is stored
    ("'t Hooft" stays as it is, "'=x" is written "''=x")."""
    first = text[:1]
    if first in FORMULA_TRIGGERS or (first == "'" and text.lstrip("'")[:1] in FORMULA_TRIGGERS):
        return "'" + text
    return text


def formula_unescape(cell: str) -> str:
    """The value of a cell ``formula_escape`` wrote: one quote less when the cell is quotes
    followed by a formula character; any other cell as it is. So a phone number typed as
    "'+47 22 33 44 55" in a spreadsheet reads back as "+47 22 33 44 55"."""
    if cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell
