"""Schemas shared by every router: problem details, sync changes, strict input base."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ninja import Field, Schema
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


def code_setup_schemas(
    name: str,
    fields: Sequence[str],
    *,
    max_length: int,
    out_doc: str,
    patch_doc: str | None = None,
    version: bool = False,
) -> tuple[type[Schema], type[StrictIn]]:
    """The ``<name>Out`` and ``<name>Patch`` schemas of a setup row that names one code per
    field (a number series per document type, a template per event): each field's code, ''
    for none, out; any of them, at most ``max_length`` long, in. Built from the one list of
    fields its setup keeps, so the two schemas and the setup cannot disagree."""
    out_types: dict[str, Any] = dict.fromkeys(fields, str)
    out_values: dict[str, Any] = dict.fromkeys(fields, "")
    if version:
        out_types["version"] = int
        out_values["version"] = 1
    out = type(
        f"{name}Out",
        (Schema,),
        {"__doc__": out_doc, "__module__": __name__, "__annotations__": out_types, **out_values},
    )
    patch = type(
        f"{name}Patch",
        (StrictIn,),
        {
            "__doc__": patch_doc,
            "__module__": __name__,
            "__annotations__": dict.fromkeys(fields, str | None),
            **{field: Field(None, max_length=max_length) for field in fields},
        },
    )
    return out, patch


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
