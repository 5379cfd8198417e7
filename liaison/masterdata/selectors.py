"""Reads of the master data: lists with a search, one row by its key, options for pickers."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import Q, QuerySet

from liaison.core.errors import NotFound
from liaison.core.update import label
from liaison.masterdata.tables import CODE_TABLES, POST_CODES, Table

PICKER_LIMIT = 500


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


def code_options(field: str) -> list[tuple[str, str]]:
    """(code, label) pairs a picker of a code field (or of ``post_code``) offers."""
    table = POST_CODES if field == "post_code" else CODE_TABLES[field]
    second = table.fields[1]
    rows = table.model._default_manager.values_list("code", second)[:PICKER_LIMIT]
    return [(code, str(text)) for code, text in rows]
