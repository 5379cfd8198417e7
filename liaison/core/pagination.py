"""Keyset pagination, the one way every list pages (the API, the web lists, audit trails).

No OFFSET: a page is the rows after the last one shown, found by its key, so the millionth
row costs what the first does. One mechanism (``keyset``) under three cursor shapes, each
kept as it was issued: the API's ``next_cursor`` (the key in base64), the web lists' ``after``
(the sort value and the number, JSON in base64) and the audit trail's ``before`` (an entry's
key as it is, in the cards' "more" links).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet

from liaison.core.errors import ValidationFailed

PAGE_SIZE = 50  # rows a web list or a card shows before its "next" or "more" link
SORTS = {"number": "number", "name": "search_name", "city": "city"}  # the web lists' columns


def keyset(
    qs: QuerySet[Any], *, order: Sequence[str], after: Sequence[Any] | None, limit: int
) -> tuple[list[Any], list[Any] | None]:
    """Up to ``limit`` rows of ``qs`` in ``order`` (columns, ``-`` for descending; the last one
    unique, so ties on the others are ordered) after the row whose ``order`` values are
    ``after``, and the last row's values when more rows follow (None on the last page)."""
    if after is not None:
        qs = qs.filter(_after(order, after))
    rows = list(qs.order_by(*order)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    if not more or not rows:
        return rows, None
    return rows, [getattr(rows[-1], column.lstrip("-")) for column in order]


def _after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows after ``values`` in ``order``: greater (or less) on the first column, or equal on
    it and after on the next, and so on."""
    query = Q()
    for i, column in enumerate(order):
        name = column.lstrip("-")
        op = "lt" if column.startswith("-") else "gt"
        step = Q(**{f"{name}__{op}": values[i]})
        for before, value in zip(order[:i], values[:i], strict=True):
            step &= Q(**{before.lstrip("-"): value})
        query |= step
    return query


def encode_cursor(key: str) -> str:
    """The API's cursor of a key: URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    """The key an API cursor names; 422 for anything this API did not issue."""
    try:
        key = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True)
        if not key:
            raise ValueError("empty cursor")
        return key.decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _forged() from exc


def _forged() -> ValidationFailed:
    return ValidationFailed(
        "The cursor is not valid: use the next_cursor of a previous page.",
        fields={"cursor": ["Not a cursor this API issued."]},
    )


def page(
    qs: QuerySet[Any], *, cursor: str | None, limit: int, key: str = "number"
) -> tuple[list[Any], str | None]:
    """An API page on a unique ``key`` (``-id``: newest first): the items after ``cursor`` and
    the next cursor."""
    after = None
    if cursor:
        value = decode_cursor(cursor)
        if key.lstrip("-") == "id" and not (
            value.isascii() and value.isdigit() and len(value) <= 18
        ):
            raise _forged()
        after = [value]
    items, last = keyset(qs, order=[key], after=after, limit=limit)
    return items, (encode_cursor(str(last[0])) if last else None)


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode()


def _decode(cursor: str) -> list[Any] | None:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    return values if isinstance(values, list) and len(values) == 2 else None


def keyset_page(
    qs: QuerySet[Any], *, sort: str, descending: bool, cursor: str | None
) -> tuple[list[Any], str | None]:
    """A web list's page ordered by (sort column, number), continuing after ``cursor`` (an
    unreadable one starts from the top)."""
    column = SORTS.get(sort, "number")
    order = [column] if column == "number" else [column, "number"]
    if descending:
        order = [f"-{c}" for c in order]
    after = None
    if cursor and (decoded := _decode(cursor)) is not None:
        after = decoded[1:] if column == "number" else decoded
    rows, last = keyset(qs, order=order, after=after, limit=PAGE_SIZE)
    return rows, (_encode([last[0], last[-1]]) if last else None)


def page_before(
    qs: QuerySet[Any], *, before: int | None = None, limit: int = PAGE_SIZE
) -> tuple[list[Any], int | None]:
    """Up to ``limit`` rows older than the row with key ``before`` (newest first), and the key
    to ask for the next page with (None on the last page)."""
    rows, last = keyset(
        qs, order=["-pk"], after=[before] if before is not None else None, limit=limit
    )
    return rows, (last[0] if last else None)
