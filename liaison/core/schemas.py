"""Schemas shared by every router: problem details, sync changes, strict input base."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, field_validator

# Codes and numbers: printable, no control characters, no surrounding blanks.
CODE_PATTERN = r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"


class StrictIn(Schema):
    """Input schemas refuse unknown fields and loose types (422: no 0 for false, no "1" for 1),
    and text no database can store (NUL characters)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Text cannot contain NUL characters.")
        return value


class Problem(Schema):
    """RFC 9457 problem details, with Liaison's stable ``code``, per-field ``errors`` and the
    request's id (its ``X-Request-ID``, which the log shows beside an error)."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    errors: dict[str, list[str]] = {}  # noqa: RUF012 - pydantic copies defaults
    request_id: str = ""


class SyncChangeOut(Schema):
    """One record a write changed through synchronisation, and which of its fields."""

    label: str
    number: str
    fields: list[str]


ERRORS: dict[int, type[Schema]] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    412: Problem,
    422: Problem,
}
