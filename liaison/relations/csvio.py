"""CSV import and export of contacts, customers, vendors and bank accounts.

Import streams the file (``csv.DictReader``, never the whole file in memory) in chunks, and
hands each chunk to the set-based bulk writes of ``relations.bulk``, one transaction per chunk,
so a file of a million rows costs a few thousand queries and a bad row costs only itself.
Export streams a table in number order. Both use the model field names as columns, so an
export imports back with nothing to change.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TextIO

from django.db import DatabaseError, models, transaction

from liaison.contacts.models import Contact
from liaison.contacts.services import EDITABLE
from liaison.core.errors import DomainError, ValidationFailed
from liaison.relations.bulk import (
    COMPANY_NUMBER,
    BulkReport,
    Item,
    contacts_upsert_chunk,
    records_upsert_chunk,
)
from liaison.relations.errors import RunTakenOver
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.numbers_seen import NumbersSeen
from liaison.relations.records import editable_fields

KINDS = ("contact", "customer", "vendor", "bank_account")
CHUNK_SIZE = 1000
EXPORT_CHUNK_SIZE = 2000
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def _model(kind: str) -> type[models.Model]:
    return Contact if kind == "contact" else FIELD_MAPS[kind].model


def columns(kind: str) -> tuple[str, ...]:
    """The columns of ``kind``, in export order: ``number``, then the fields a user may set
    (for contacts ``type`` and ``company_number`` first). Import accepts exactly these."""
    if kind not in KINDS:
        raise ValidationFailed(f"Unknown kind {kind!r}: choose one of {', '.join(KINDS)}.")
    model = _model(kind)
    head: tuple[str, ...]
    if kind == "contact":
        editable, head = EDITABLE, ("number", "type", COMPANY_NUMBER)
    else:
        editable, head = editable_fields(kind), ("number",)
    rest = tuple(
        f.name for f in model._meta.concrete_fields if f.name in editable and f.name not in head
    )
    return head + rest


@dataclass(frozen=True)
class RowError:
    """Why a row was not stored: its 1-based data row number (the line after the header is
    row 1), the column at fault ("" for the whole row) and what to fix."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, {self.field}" if self.field else f"row {self.row}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """What an import did. ``errors`` lists every refused field of every refused row."""

    kind: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    resumed_after: int = 0
    failed_before: int = 0

    @property
    def failed(self) -> int:
        """Rows refused (a row with two bad fields counts once), before a resume included."""
        return self.failed_before + len({e.row for e in self.errors})

    def add(self, report: BulkReport) -> None:
        self.created += report.created
        self.updated += report.updated
        self.unchanged += report.unchanged
        self.errors.extend(RowError(int(e.key), e.field, e.message) for e in report.errors)

    def summary(self) -> str:
        line = (
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.failed} errors"
        )
        if self.resumed_after:
            line += f" (resumed after row {self.resumed_after}; the counts include the rows before)"
        return line + (" (dry run: nothing was stored)" if self.dry_run else "")


@dataclass(frozen=True)
class ImportCheckpoint:
    """Where an import stands after a committed chunk: the last data row read and the counts
    so far. Written in the chunk's transaction; a resumed import starts after ``rows``."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0


def _header(kind: str, names: list[str] | None) -> list[str]:
    """The header row, checked before any row is read: every column must be known, once."""
    allowed = columns(kind)
    if not names:
        raise ValidationFailed(
            "The file is empty: its first line must name the columns, e.g. " + ",".join(allowed[:4])
        )
    header = [n.strip().lower() for n in names]
    if "" in header:
        raise ValidationFailed(f"Column {header.index('') + 1} of the header has no name.")
    doubled = sorted({n for n in header if header.count(n) > 1})
    if doubled:
        raise ValidationFailed(f"Columns named twice in the header: {', '.join(doubled)}.")
    unknown = [n for n in header if n not in allowed]
    if unknown:
        raise ValidationFailed(
            f"Unknown columns: {', '.join(unknown)}. Nothing was imported. "
            f"Columns for {kind.replace('_', ' ')}s: {', '.join(allowed)}."
        )
    return header


def _parsers(kind: str) -> dict[str, Callable[[str], Any]]:
    """Per column, how a cell becomes a value. A blank cell clears a text field; for a yes/no
    field or a choice that cannot be blank it means "not given" (default, or left as it is).
    Text is kept as written (an export must import back unchanged); choices are lower-cased."""
    fields = {f.name: f for f in _model(kind)._meta.concrete_fields}
    result: dict[str, Callable[[str], Any]] = {}
    for name in columns(kind):
        if name in ("number", COMPANY_NUMBER):
            result[name] = lambda v: v.strip().upper()
            continue
        f = fields[name]
        if isinstance(f, models.BooleanField):
            result[name] = _boolean
        elif f.choices and not f.blank:
            result[name] = lambda v: v.strip().lower() or _SKIP
        elif f.choices:
            result[name] = lambda v: v.strip().lower()
        else:
            result[name] = str
    return result


_SKIP: Any = object()


def _boolean(value: str) -> Any:
    text = value.strip().lower()
    if not text:
        return _SKIP
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f'"{value}" is not a yes/no value: write true or false.')


def _item(
    row: int,
    raw: dict[str | None, Any],
    parsers: dict[str, Callable[[str], Any]],
    width: int,
    seen: NumbersSeen,
    result: ImportResult,
) -> Item | None:
    """One data row as an item for the bulk writes, or None with its errors recorded."""
    if None in raw or any(v is None for v in raw.values()):
        cells = width + len(raw.get(None) or []) - sum(v is None for v in raw.values())
        result.errors.append(
            RowError(row, "", f"{cells} cells but the header names {width} columns.")
        )
        return None
    data: dict[str, Any] = {}
    failed = False
    for name, cell in raw.items():
        try:
            value = parsers[name](cell)  # type: ignore[index]
        except ValueError as exc:
            result.errors.append(RowError(row, str(name), str(exc)))
            failed = True
            continue
        if value is not _SKIP:
            data[str(name)] = value
    number = data.pop("number", "")
    first = seen.first_row(number, row) if number else None
    if first is not None:
        result.errors.append(
            RowError(row, "number", f"{number} is already in row {first} of this file.")
        )
        return None
    return None if failed else Item(row, number, data)


def csv_import(
    kind: str,
    lines: Iterable[str],
    *,
    chunk_size: int = CHUNK_SIZE,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    resume: ImportCheckpoint | None = None,
    checkpoint: Callable[[ImportCheckpoint], None] | None = None,
) -> ImportResult:
    """Import a CSV of ``kind`` (contact, customer, vendor, bank_account): upsert by number.

    A known number updates its record through the engine (its linked records follow); a new
    or blank number creates one (blank: drawn from the number series), with its contact when
    synchronisation is on for the kind. Each chunk of ``chunk_size`` rows is one transaction;
    a bad row is reported (row number and column) and not stored, the good rows are. An
    unknown column refuses the whole file before anything is stored. Re-importing a file
    changes nothing. ``dry_run`` validates and counts in a transaction that is rolled back.
    ``progress(rows)`` is called after each chunk with the rows read so far. Memory stays
    bounded by the chunk; the numbers seen so far (to refuse a number given twice) are kept on
    disk (``NumbersSeen``).

    Crash safety: ``checkpoint(where)`` runs inside each chunk's transaction after its writes,
    so the progress it records commits with the chunk or not at all. ``resume`` (the last
    checkpoint of a stopped import of the same file) skips the rows it covers, noting only
    their numbers for the repeated-number check, and the counts go on from it.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}.")
    reader = csv.DictReader(iter(lines))
    header = _header(kind, list(reader.fieldnames or []))
    reader.fieldnames = header
    parsers = _parsers(kind)
    result = ImportResult(kind=kind, dry_run=dry_run)
    start = resume or ImportCheckpoint()
    result.rows, result.resumed_after, result.failed_before = start.rows, start.rows, start.failed
    result.created, result.updated, result.unchanged = start.created, start.updated, start.unchanged
    # A dry run wraps the chunks in one transaction to roll back; otherwise each chunk is
    # its own transaction and what is good is kept.
    with transaction.atomic() if dry_run else nullcontext(), NumbersSeen() as seen:
        rows = enumerate(reader, start=1)
        _note_numbers(islice(rows, start.rows), len(header), seen)
        _import_chunks(
            kind, rows, parsers, len(header), chunk_size, result, progress, seen, checkpoint
        )
        if dry_run:
            transaction.set_rollback(True)
    result.errors.sort(key=lambda e: e.row)  # stable: a row's fields keep their order
    return result


def _import_chunks(
    kind: str,
    rows: Iterator[tuple[int, dict[str | None, Any]]],
    parsers: dict[str, Callable[[str], Any]],
    width: int,
    chunk_size: int,
    result: ImportResult,
    progress: Callable[[int], None] | None,
    seen: NumbersSeen,
    checkpoint: Callable[[ImportCheckpoint], None] | None,
) -> None:
    failed = result.failed_before
    while chunk := list(islice(rows, chunk_size)):
        mark = len(result.errors)
        result.rows += len(chunk)
        items = [
            item
            for row, raw in chunk
            if (item := _item(row, raw, parsers, width, seen, result)) is not None
        ]
        if items or checkpoint is not None:
            failed = _write_chunk(kind, items, result, checkpoint, mark, failed)
        if progress is not None:
            progress(result.rows)


def _note_numbers(
    rows: Iterable[tuple[int, dict[str | None, Any]]], width: int, seen: NumbersSeen
) -> None:
    """Note the numbers of the rows a resumed import skips, for the repeated-number check."""
    for row, raw in rows:
        number = raw.get("number")
        if number and None not in raw and len(raw) == width:
            seen.first_row(number.strip().upper(), row)


def _write_chunk(
    kind: str,
    items: list[Item],
    result: ImportResult,
    checkpoint: Callable[[ImportCheckpoint], None] | None = None,
    mark: int = 0,
    failed: int = 0,
) -> int:
    """One chunk, one transaction. A failure the row checks cannot foresee (a number taken by
    a concurrent writer, a setup problem) refuses the chunk's rows and the import goes on.

    ``checkpoint`` gets the progress after the chunk inside its transaction; ``mark`` is where
    the chunk's errors start in ``result.errors`` and ``failed`` the rows refused before it.
    Returns the rows refused up to the end of this chunk."""
    report = BulkReport()
    try:
        with transaction.atomic():
            if items and kind == "contact":
                report = contacts_upsert_chunk(items)
            elif items:
                report = records_upsert_chunk(kind, items)
            if checkpoint is not None:
                checkpoint(_checkpoint_after(result, report, mark, failed))
    except RunTakenOver:
        raise
    except (DomainError, DatabaseError) as exc:
        result.errors.extend(RowError(int(i.key), "", f"not stored: {exc}") for i in items)
        report = BulkReport()
        if checkpoint is not None:
            with transaction.atomic():
                checkpoint(_checkpoint_after(result, report, mark, failed))
    else:
        result.add(report)
    return _checkpoint_after(result, BulkReport(), mark, failed).failed


def _checkpoint_after(
    result: ImportResult, report: BulkReport, mark: int, failed: int
) -> ImportCheckpoint:
    """The progress once ``report`` (the chunk's writes, not yet in ``result``) is counted."""
    refused = {e.row for e in result.errors[mark:]} | {int(e.key) for e in report.errors}
    return ImportCheckpoint(
        rows=result.rows,
        created=result.created + report.created,
        updated=result.updated + report.updated,
        unchanged=result.unchanged + report.unchanged,
        failed=failed + len(refused),
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_export(kind: str, out: TextIO) -> int:
    """Write every record of ``kind`` to ``out`` as CSV in number order; returns the rows.

    Streams with a database cursor (``iterator``), so memory stays flat on big tables.
    """
    names = columns(kind)
    writer = csv.writer(out)
    writer.writerow(names)
    paths = ["company__number" if n == COMPANY_NUMBER else n for n in names]
    rows = _model(kind)._default_manager.order_by("number").values_list(*paths)
    count = 0
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        writer.writerow([_cell(v) for v in row])
        count += 1
    return count
