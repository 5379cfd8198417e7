"""CSV import of contacts, customers, vendors and bank accounts: the chunked, crash-safe pipeline.

Import streams the file (``csv.DictReader``, never the whole file in memory) in chunks, and
hands each chunk to the set-based bulk writes of ``batch.bulk``, one transaction per chunk,
so a file of a million rows costs a few thousand queries and a bad row costs only itself.
The columns are the model field names (``batch.columns``), as the export writes them.
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from itertools import islice
from typing import Any

from django.db import DatabaseError, DataError, IntegrityError, transaction

from liaison.batch.bulk import BulkReport, Item, contacts_upsert_chunk, records_upsert_chunk
from liaison.batch.columns import formula_unescape, model_of
from liaison.batch.errors import RunTakenOver
from liaison.batch.imports.column_map import ColumnMap
from liaison.batch.imports.numbers_seen import NumbersSeen
from liaison.batch.imports.parsing import cell_parsers, column_plan, header_fields, row_item
from liaison.batch.imports.results import (
    ImportCheckpoint,
    ImportResult,
    ImportStopped,
    Rejected,
    RejectedNotWritten,
    RejectedSink,
    RowError,
)
from liaison.batch.imports.rows import Lines, Refused, Row, cells_of, rows_read
from liaison.core.errors import DomainError, ValidationFailed

CHUNK_SIZE = 1000


def csv_import(
    kind: str,
    lines: Iterable[str],
    *,
    chunk_size: int = CHUNK_SIZE,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
    resume: ImportCheckpoint | None = None,
    checkpoint: Callable[[ImportCheckpoint], None] | None = None,
    mapping: ColumnMap | None = None,
    rejected: RejectedSink | None = None,
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

    Faults: a row is refused for its own faults only (a bad value, a NUL character, a cell
    over the csv module's limit, a quote never closed, a value the database refuses in that
    row alone). A failure of the database or the disk (full, read-only, connection lost) is no
    row's: ``ImportStopped`` is raised at once, the failed chunk rolled back and not
    checkpointed, so a resume goes on after the last committed one.

    ``mapping`` names the file's own headers onto the fields (``column_map``); the other
    columns keep their names, and a column ``error`` it leaves out is ignored (an error file's
    messages). ``result.columns`` says what each column was read into. ``rejected(header,
    rows)`` gets each chunk's refused rows with their cells as they were (``Rejected``), in
    the chunk's transaction before its checkpoint; when it fails (``RejectedNotWritten``) the
    import stops as on a database failure.
    """
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be at least 1, not {chunk_size}.")
    watched = Lines(lines)
    reader = csv.DictReader(watched)
    try:
        names = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise ValidationFailed(f"The header line cannot be read as CSV: {exc}.") from exc
    header = header_fields(kind, names, mapping)
    reader.fieldnames = header
    parsers = cell_parsers(kind)
    result = ImportResult(kind=kind, dry_run=dry_run, columns=column_plan(names, header))
    start = resume or ImportCheckpoint()
    result.rows, result.resumed_after, result.failed_before = start.rows, start.rows, start.failed
    result.created, result.updated, result.unchanged = start.created, start.updated, start.unchanged
    # A dry run wraps the chunks in one transaction to roll back; otherwise each chunk is
    # its own transaction and what is good is kept.
    with transaction.atomic() if dry_run else nullcontext(), NumbersSeen() as seen:
        rows = rows_read(reader, watched, model_of(kind))
        _note_numbers(islice(rows, start.rows), len(header), seen)
        sink = None if rejected is None else (names, rejected)
        _import_chunks(
            kind, rows, parsers, len(header), chunk_size, result, progress, seen, checkpoint, sink
        )
        if dry_run:
            transaction.set_rollback(True)
    result.errors.sort(key=lambda e: e.row)  # stable: a row's fields keep their order
    return result


def _import_chunks(
    kind: str,
    rows: Iterator[tuple[int, Row | list[RowError]]],
    parsers: dict[str, Callable[[str], Any]],
    width: int,
    chunk_size: int,
    result: ImportResult,
    progress: Callable[[int], None] | None,
    seen: NumbersSeen,
    checkpoint: Callable[[ImportCheckpoint], None] | None,
    sink: tuple[Sequence[str], RejectedSink] | None = None,
) -> None:
    failed = result.failed_before
    while chunk := list(islice(rows, chunk_size)):
        mark = len(result.errors)
        result.rows += len(chunk)

        def seal(report: BulkReport) -> None:
            """In the chunk's transaction, its writes done: its refused rows, its checkpoint."""
            if sink is not None:
                refused = _rejected(chunk, result.errors[mark:], report)  # noqa: B023
                if refused:
                    try:
                        sink[1](sink[0], refused)
                    except OSError as exc:
                        raise RejectedNotWritten(exc) from exc
            if checkpoint is not None:
                checkpoint(_checkpoint_after(result, report, mark, failed))  # noqa: B023

        sealing = None if checkpoint is None and sink is None else seal
        try:
            items = [
                item
                for row, raw in chunk
                if (item := row_item(row, raw, parsers, width, seen, result)) is not None
            ]
            if items or sealing is not None:
                failed = _write_chunk(kind, items, result, sealing, mark, failed)
        except (DatabaseError, sqlite3.Error, RejectedNotWritten) as exc:
            # Not the rows' fault: stop, with the result as of the last committed chunk.
            del result.errors[mark:]
            result.rows -= len(chunk)
            temporary = isinstance(exc, sqlite3.Error)  # NumbersSeen's own file
            raise ImportStopped(
                exc, result, chunk[0][0], chunk[-1][0], temporary=temporary
            ) from exc
        if progress is not None:
            progress(result.rows)


def _note_numbers(
    rows: Iterable[tuple[int, Row | list[RowError]]], width: int, seen: NumbersSeen
) -> None:
    """Note the numbers of the rows a resumed import skips, for the repeated-number check."""
    for row, raw in rows:
        number = None if isinstance(raw, list) else raw.get("number")
        if number and None not in raw and len(raw) == width:
            seen.first_row(formula_unescape(number).strip().upper(), row)


def _rejected(
    chunk: list[tuple[int, Row | list[RowError]]], errors: list[RowError], report: BulkReport
) -> list[Rejected]:
    """The chunk's refused rows, in order, with their cells as read and their errors."""
    if not errors and not report.errors:
        return []
    by_row: dict[int, list[RowError]] = {}
    for error in [*errors, *(RowError(int(e.key), e.field, e.message) for e in report.errors)]:
        by_row.setdefault(error.row, []).append(error)
    refused = []
    for row, raw in chunk:
        if row in by_row:
            cells = raw.raw if isinstance(raw, Refused) else None if isinstance(raw, list) else raw
            refused.append(Rejected(row, None if cells is None else cells_of(cells), by_row[row]))
    return refused


def _write_chunk(
    kind: str,
    items: list[Item],
    result: ImportResult,
    seal: Callable[[BulkReport], None] | None = None,
    mark: int = 0,
    failed: int = 0,
) -> int:
    """One chunk, one transaction. A rule that refuses the whole chunk (a setup problem)
    refuses its rows and the import goes on. A write the database refuses for a reason that
    may be a row's (``_maybe_a_rows_fault``: a constraint, such as a number a concurrent writer
    took, or a value it cannot hold) is tried again a row at a time, so that only the guilty
    rows are refused. Any other database failure (disk full, read-only, connection lost) is
    raised: it is no row's fault, and the caller stops the import.

    ``seal(report)`` runs inside the chunk's transaction after its writes (the refused rows
    to the error file, the checkpoint); ``mark`` is where the chunk's errors start in
    ``result.errors`` and ``failed`` the rows refused before it. Returns the rows refused up to
    the end of this chunk."""
    try:
        with transaction.atomic():
            report = _upsert(kind, items)
            if seal is not None:
                seal(report)
    except RunTakenOver:
        raise
    except DomainError as exc:
        result.errors.extend(RowError(int(i.key), "", f"not stored: {exc}") for i in items)
        report = BulkReport()
        if seal is not None:
            with transaction.atomic():
                seal(report)
    except DatabaseError as exc:
        if not _maybe_a_rows_fault(exc):
            raise
        report = _write_rows_alone(kind, items, result, seal, exc)
    result.add(report)
    return _checkpoint_after(result, BulkReport(), mark, failed).failed


def _upsert(kind: str, items: list[Item]) -> BulkReport:
    if not items:
        return BulkReport()
    if kind == "contact":
        return contacts_upsert_chunk(items)
    return records_upsert_chunk(kind, items)


def _maybe_a_rows_fault(exc: DatabaseError) -> bool:
    """Whether the database may have refused a write for a row's values: a constraint
    (IntegrityError), a value it cannot hold (DataError) or, on PostgreSQL, a limit such as an
    index entry too large (SQLSTATE class 54). A full disk, a read-only database, a lost
    connection, a lock or a missing table is the database's fault, never a row's."""
    if isinstance(exc, IntegrityError | DataError):
        return True
    return str(getattr(exc.__cause__, "sqlstate", "") or "").startswith("54")


def _write_rows_alone(
    kind: str,
    items: list[Item],
    result: ImportResult,
    seal: Callable[[BulkReport], None] | None,
    cause: DatabaseError,
) -> BulkReport:
    """The chunk again, one row at a time (a savepoint each), in one transaction, after the
    database refused it with ``cause``: a row the database refuses on its own is that row's
    error, the others are stored. When it refuses every row on its own (two or more), the
    fault is not in the rows (a key sequence out of step, a trigger...): ``cause`` is raised."""
    report = BulkReport()
    refused: list[RowError] = []
    written = 0
    with transaction.atomic():
        for item in items:
            try:
                with transaction.atomic():
                    report.merge(_upsert(kind, [item]))
                written += 1
            except DomainError as exc:
                refused.append(RowError(int(item.key), "", f"not stored: {exc}"))
            except DatabaseError as exc:
                if not _maybe_a_rows_fault(exc):
                    raise
                said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                refused.append(
                    RowError(int(item.key), "", f"not stored: the database refused it ({said}).")
                )
        if not written and len(refused) > 1:
            raise cause
        result.errors.extend(refused)
        if seal is not None:
            seal(report)
    return report


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
