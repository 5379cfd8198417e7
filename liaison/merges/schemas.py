"""API schemas of merges: the request, the dry run's plan and the merge record."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema

from liaison.core.schemas import StrictIn


class MergeIn(StrictIn):
    """Merge ``duplicate`` into ``contact`` (which survives). ``choices``: per field (a contact
    field, or ``customer.<field>`` / ``vendor.<field>`` when both hold one) "survivor" or
    "merged"; a field not named keeps the survivor's non-blank value. ``dry_run``: only say
    what would move and which fields conflict."""

    contact: str = Field(..., min_length=1, max_length=20)
    duplicate: str = Field(..., min_length=1, max_length=20)
    choices: dict[str, str] = Field(default_factory=dict)
    dry_run: bool = False
    contact_version: int | None = None
    duplicate_version: int | None = None


class FieldChoiceOut(Schema):
    field: str
    label: str
    survivor: Any
    merged: Any
    conflict: bool
    winner: str


class MergePlanOut(Schema):
    """What the merge does (or would do): both values of each field, the conflicting fields
    (both non-blank and different), and the lists and counts of what moves."""

    survivor: str
    merged: str
    fields: list[FieldChoiceOut]
    record_fields: dict[str, list[FieldChoiceOut]]
    conflicts: list[str]
    moves: dict[str, Any]


class MergeOut(Schema):
    id: int
    at: datetime
    username: str
    contact: str = Field(..., alias="survivor_number")
    duplicate: str = Field(..., alias="merged_number")
    choices: dict[str, str]
    moved: dict[str, Any] = Field(..., alias="summary")
    undone_at: datetime | None
    undone_by: str


class MergePage(Schema):
    items: list[MergeOut]
    next_cursor: str | None
