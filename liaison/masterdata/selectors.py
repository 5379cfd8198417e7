"""Reads of the master data: lists with a search, one row by its key, options for pickers."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from liaison.core.errors import NotFound
from liaison.core.update import label
from liaison.masterdata.tables import CODE_TABLES, POST_CODES, Table

# A picker offers this many codes; typing narrows them (``code_options``' text) on the server.
PICKER_LIMIT = 50


def code_list(table: Table, q: str = "") -> QuerySet[Any]:
    """The table's rows in code order; ``q`` finds a text in any of its search fields."""
    rows = table.model._default_manager.all()
    text = q.strip()
    if text:
        query = Q()
        for name in table.search:
            query |= Q(**{f"{name}__icontains": text})
        rows = rows.filter(query)
    return rows


def code_get(table: Table, key: str) -> Any:
    """A row by its code (a post code entry by its id), or E-10."""
    manager = table.model._default_manager
    if table.key == "post-codes":
        found = manager.filter(pk=int(key)).first() if re.fullmatch(r"[0-9]{1,9}", key) else None
    else:
        found = manager.filter(code=key.strip().upper()).first()
    if found is None:
        raise NotFound(f"{label(table.model)} {key} does not exist.")
    return found


def code_options(field: str, text: str = "") -> list[tuple[str, str]]:
    """(code, label) pairs a picker of a code field (or of ``post_code``) offers: the first
    codes, or those whose code starts with ``text`` or whose name (a post code's city)
    holds it, codes first."""
    table = POST_CODES if field == "post_code" else CODE_TABLES[field]
    second = table.fields[1]
    rows = table.model._default_manager.all()
    typed = text.strip()
    if typed:
        rows = rows.filter(
            Q(code__istartswith=typed) | Q(**{f"{second}__icontains": typed})
        ).order_by("code")
    found = rows.values_list("code", second)[:PICKER_LIMIT]
    return [(code, str(label_text)) for code, label_text in found]


def picker_field(field: str) -> str:
    """The code field a picker's options are asked for, or E-10 for any other name."""
    if field != "post_code" and field not in CODE_TABLES:
        raise NotFound(f"{field} has no picker.")
    return field
