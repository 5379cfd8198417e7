"""HTTP helpers shared by the API routers: Location, ETags, If-Match, ``modified_since``."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import quote

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from liaison.core.errors import ValidationFailed


def location(*parts: object) -> str:
    """A Location header under /api/v1 with each key percent-encoded."""
    return "/api/v1/" + "/".join(quote(str(p), safe="") for p in parts)


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


ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$"


def modified_since_q(value: str | None) -> Q:
    """``modified_at >= value`` for an ISO 8601 date or date-time (UTC when no offset)."""
    if not value:
        return Q()
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:  # well-formed but impossible, such as 0000-00-00
        moment = None
    if moment is None:
        raise ValidationFailed(
            f'"{value}" is not an ISO 8601 date or date-time.',
            fields={"modified_since": ["Use a date such as 2026-11-27 or 2026-11-27T10:00:00Z."]},
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return Q(modified_at__gte=moment)
