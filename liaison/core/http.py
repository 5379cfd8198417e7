"""HTTP helpers shared by the API routers: ETags, If-Match, cursor pagination."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from liaison.core.errors import ValidationFailed

MAX_LIMIT = 500


def etag(version: int) -> str:
    """The entity tag of a record version."""
    return f'"v{version}"'


def expected_version(request: HttpRequest) -> int | None:
    """The version an ``If-Match`` header names (None without one; ``*`` matches any)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip() == "*":
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.startswith("v") or not value[1:].isdigit():
        # An unparseable tag can match no version: the request is stale by definition.
        return -1
    return int(value[1:])


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        return base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise ValidationFailed(
            "The cursor is not valid: use the next_cursor of a previous page.",
            fields={"cursor": ["Not a cursor this API issued."]},
        ) from exc


def page(
    qs: QuerySet[Any], *, cursor: str | None, limit: int, key: str = "number"
) -> tuple[list[Any], str | None]:
    """Keyset pagination on a unique key: the items after ``cursor`` and the next cursor."""
    if cursor:
        qs = qs.filter(**{f"{key}__gt": decode_cursor(cursor)})
    items = list(qs.order_by(key)[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, (encode_cursor(str(getattr(items[-1], key))) if more and items else None)
