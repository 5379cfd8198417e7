"""What both kinds of bulk write share: items, reports, validation without per-row queries,
the version stamp and one number draw per chunk."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from liaison.core.numbering import numbers_draw
from liaison.core.update import errors_of_changed, null_problems, snapshot
from liaison.masterdata.services import codes_changed, codes_unknown, post_code_fills
from liaison.relations.sync import SyncReport

STAMP = ("modified_at", "version")

Key = int | str
Problem = tuple[str, str]  # (field name, or "" for the whole item; message)


@dataclass(frozen=True)
class Item:
    """One record to create or change.

    ``number`` finds the record (blank: a new record drawing its number from the series),
    ``data`` holds typed field values (contacts may add ``company_number``), and ``key`` names
    the item in errors: a CSV row number, or the number itself for a bulk edit.
    """

    key: Key
    number: str
    data: Mapping[str, Any]


@dataclass(frozen=True)
class ItemError:
    """Why one item was not written, and which field is at fault ("" for the whole item)."""

    key: Key
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.key}, {self.field}" if self.field else f"{self.key}"
        return f"{where}: {self.message}"


@dataclass
class BulkReport:
    """What a bulk write did: items created, updated, unchanged, refused, and how many rows
    the engine wrote per model as a consequence (``SyncReport.written``). The engine's
    per-record change list is not kept: over a large edit it would grow with every record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ItemError] = field(default_factory=list)
    written: Counter[str] = field(default_factory=Counter)

    def merge(self, other: BulkReport) -> BulkReport:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.errors.extend(other.errors)
        self.written.update(other.written)
        return self

    def synced(self, report: SyncReport) -> None:
        """Count what one engine call wrote."""
        self.written.update(report.written)

    def refuse(self, key: Key, problems: Sequence[Problem]) -> None:
        self.errors.extend(ItemError(key, f, m) for f, m in problems)

    @property
    def failed(self) -> int:
        """Items refused (an item with two bad fields counts once)."""
        return len({e.key for e in self.errors})

    def describe(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.failed} failed"
        )


def require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("A bulk chunk must run inside the caller's transaction.")


def problems_of(exc: ValidationError) -> list[Problem]:
    if hasattr(exc, "error_dict"):
        return [
            ("" if name == NON_FIELD_ERRORS else name, message)
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return [("", m) for m in exc.messages]


def nulls(model: type[models.Model], data: Mapping[str, Any]) -> list[Problem]:
    """The given values no rule may read (a null for a column that cannot hold one, NUL in
    text): ``core.update.null_problems``, as the item's problems."""
    return list(null_problems(model, data).items())


def validate(obj: models.Model, exclude: Collection[str]) -> list[Problem]:
    """The model's field validators and ``clean()``, without ``full_clean``'s per-row queries.

    Numbers are known unique from the chunk's one lookup, foreign keys are resolved by the
    caller, and the database constraints still guard the rest, so a chunk of 1,000 rows does
    not cost 1,000 uniqueness and foreign-key queries.
    """
    try:
        obj.full_clean(exclude=list(exclude), validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return problems_of(exc)
    return []


def validate_changed(obj: models.Model, changed: Collection[str], key: str) -> list[Problem]:
    """On an update only the changed fields are validated, and ``clean()`` (its cross-field
    rules read the country): the other values were validated when they were stored, so
    checking them again costs time on every row, and an old value the edit does not touch
    must not refuse it. ``key`` is the foreign key the caller resolves itself."""
    others = [f.name for f in obj._meta.concrete_fields if f.name not in changed]
    try:
        obj.full_clean(exclude=[*others, key], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        kept = errors_of_changed(exc, changed)
        return problems_of(kept) if kept is not None else []
    return []


def unique(items: Sequence[Item], report: BulkReport) -> list[Item]:
    """The items, but a number given twice is refused the second time: two edits of one
    record in one chunk would each compare with a state the other one changes."""
    seen: set[str] = set()
    result = []
    for item in items:
        if item.number and item.number in seen:
            report.refuse(item.key, [("number", f"{item.number} is given twice.")])
            continue
        seen.add(item.number)
        result.append(item)
    return result


def master_data_rules(
    items: Sequence[Item],
    stored: Mapping[str, Mapping[str, Any]],
    report: BulkReport,
    *,
    contact: bool,
) -> list[Item]:
    """The single services' master data rules for a chunk, in sets: the post code lookup
    fills blank places (``post_code_fills``), then a code that names no row, or (for a
    contact) a privacy-blocked salesperson, refuses its item (``codes_unknown``). ``stored``
    holds the stored values of the items' existing rows by number; only changed codes are
    checked, as in ``model_update``. Two queries for the post codes, one per code table."""
    befores = [stored.get(i.number, {}) for i in items]
    fills = post_code_fills([(i.data, b) for i, b in zip(items, befores, strict=True)])
    items = [
        replace(i, data={**i.data, **f}) if f else i for i, f in zip(items, fills, strict=True)
    ]
    found = codes_unknown(
        [codes_changed(i.data, b) for i, b in zip(items, befores, strict=True)], contact=contact
    )
    kept = []
    for item, problems in zip(items, found, strict=True):
        if problems:
            report.refuse(item.key, [(p.field, p.message) for p in problems])
        else:
            kept.append(item)
    return kept


def changed_columns(obj: models.Model, before: dict[str, Any]) -> list[str]:
    names = {f.attname: f.name for f in obj._meta.concrete_fields}
    return [names[k] for k, v in snapshot(obj).items() if v != before[k]]


def stamp(objs: Sequence[models.Model], befores: Sequence[dict[str, Any]]) -> None:
    """What ``model_update`` does on save: a new modification time and the next version."""
    now = timezone.now()
    for obj, before in zip(objs, befores, strict=True):
        obj.modified_at = now  # type: ignore[attr-defined]
        obj.version = before["version"] + 1  # type: ignore[attr-defined]


def restore(obj: models.Model, before: dict[str, Any]) -> None:
    """Undo in-memory changes of a refused item (its object may still be read by others)."""
    for name, value in before.items():
        setattr(obj, name, value)


def draw(model: type[models.Model], series: Any, objs: list[models.Model], typed: set[str]) -> None:
    """One draw for all new objects without a number; typed numbers of the chunk are skipped
    too, since they are not stored yet. A savepoint keeps a failed draw from burning numbers."""
    if not objs:
        return
    manager = model._default_manager

    def taken(candidates: list[str]) -> list[str]:
        stored = manager.filter(number__in=candidates).values_list("number", flat=True)
        return [*stored, *(c for c in candidates if c in typed)]

    with transaction.atomic():
        numbers = numbers_draw(series, len(objs), taken=taken)
    for obj, number in zip(objs, numbers, strict=True):
        obj.number = number  # type: ignore[attr-defined]
        obj.no_series = series.code  # type: ignore[attr-defined]
