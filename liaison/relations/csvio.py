"""CSV import and export of contacts, customers, vendors and bank accounts.

Import streams the file (``csv.DictReader``, never the whole file in memory) in chunks, and
hands each chunk to the set-based bulk writes of ``relations.bulk``, one transaction per chunk,
so a file of a million rows costs a few thousand queries and a bad row costs only itself.
Export streams a table in number order. Both use the model field names as columns, so an
export imports back with nothing to change. Export neutralises spreadsheet formulas (a cell
that starts with ``= + - @``, tab or CR gets a leading quote, ``formula_escape``) unless asked
for the raw values, and the import takes exactly that quote off again (``formula_unescape``).
"""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TextIO

from django.db import DatabaseError, DataError, IntegrityError, models, transaction

from liaison.contacts.models import Contact
from liaison.contacts.services import EDITABLE
from liaison.core.errors import DomainError, ValidationFailed
from liaison.core.update import refuse_nulls
from liaison.records.selectors import editable_fields
from liaison.relations.bulk import (
    COMPANY_NUMBER,
    BulkReport,
    Item,
    contacts_upsert_chunk,
    records_upsert_chunk,
)
from liaison.relations.column_map import ERROR_COLUMN, ColumnMap
from liaison.relations.errors import RunTakenOver
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.numbers_seen import NumbersSeen

KINDS = ("contact", "customer", "vendor", "bank_account")
CHUNK_SIZE = 1000
EXPORT_CHUNK_SIZE = 2000
_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})
# The first characters that make a spreadsheet run a cell as a formula (OWASP, CSV injection).
FORMULA_TRIGGERS = frozenset("=+-@\t\r")


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
    # Each of the file's columns and the field it was read into ("": ignored, the error column).
    columns: list[tuple[str, str]] = field(default_factory=list)

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


class ImportStopped(Exception):
    """The database or the disk failed (full, read-only, connection lost...): no row's fault,
    so the import stopped at once instead of refusing row after row. ``cause`` is the error;
    ``result`` what the committed chunks did (their row errors included), its ``rows`` the last
    row of the last committed chunk, where a resume goes on; ``first``-``last`` the rows of the
    chunk that was not stored. ``temporary``: the failure was in the import's own temporary
    file (``NumbersSeen``, under TMPDIR), not in the database."""

    def __init__(
        self,
        cause: BaseException,
        result: ImportResult,
        first: int,
        last: int,
        *,
        temporary: bool = False,
    ) -> None:
        super().__init__(str(cause))
        self.cause, self.result, self.first, self.last = cause, result, first, last
        self.temporary = temporary
        self.run: int | None = None  # the import run, when the caller records one


class _Lines:
    """The file's lines as the csv reader takes them, watched for what the reader does not
    tell: how many lines it read, whether a quote is still open (an odd count of quote
    characters since the record began) and on which line it opened, whether the record holds
    a NUL character, and whether the end of the file was reached. Two C-level scans a line."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.number = 0  # lines read so far
        self.quotes = 0  # quote characters since the current record began
        self.opened = 0  # the line where the quote that is still open was opened
        self.nul = False  # a NUL character since the current record began
        self.ended = False

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        try:
            line = next(self._lines)
        except StopIteration:
            self.ended = True
            raise
        self.number += 1
        if '"' in line:
            count = line.count('"')
            if count & 1 and not self.quotes & 1:
                self.opened = self.number
            self.quotes += count
        if "\x00" in line:
            self.nul = True
        return line

    def new_record(self) -> None:
        self.quotes, self.nul = 0, False

    def skip_quoted(self) -> None:
        """After a record the reader gave up on: read on to the line that closes its quote."""
        while self.quotes & 1 and not self.ended:
            next(self, None)


Row = dict[str | None, Any]


class _Refused(list[RowError]):
    """The errors of a row refused as it was read, with its cells when it could be read (a
    NUL character) for the error file; a record the csv module could not read has none."""

    def __init__(self, errors: Iterable[RowError], raw: Row | None = None) -> None:
        super().__init__(errors)
        self.raw = raw


@dataclass(frozen=True)
class Rejected:
    """A refused row for the error file: its number, its cells as they were in the file (None
    when it could not be read as CSV) and its errors."""

    row: int
    cells: list[str] | None
    errors: list[RowError]


# Where the refused rows of each chunk go (``error_file.ErrorFile``): called with the file's
# header as it was and the chunk's refused rows, in the chunk's transaction before its
# checkpoint, so the rows written agree with the rows committed.
RejectedSink = Callable[[Sequence[str], list[Rejected]], None]


class RejectedNotWritten(Exception):  # noqa: N818 - the error file failed, named as such
    """The refused rows could not be written (the error file: full disk, no permission)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause


def _cells(raw: Row) -> list[str]:
    """A row's cells as the file had them: the header's cells the row has, then any beyond."""
    cells = [str(v) for k, v in raw.items() if k is not None and v is not None]
    return cells + [str(v) for v in raw.get(None) or []]


def _records(
    reader: csv.DictReader[str], lines: _Lines, model: type[models.Model]
) -> Iterator[tuple[int, Row | list[RowError]]]:
    """The data rows, numbered from 1. A record the csv module cannot read (a cell over its
    ``field_size_limit``), that an unterminated quote ran to the end of the file, or with a NUL
    character in a cell (``refuse_nulls``: PostgreSQL cannot store one) comes as its errors
    instead, and the rows after it are still read."""
    row = 0
    while True:
        start = lines.number + 1
        lines.new_record()
        try:
            raw = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row += 1
            lines.skip_quoted()
            yield row, [_unreadable(row, start, lines, exc)]
            continue
        row += 1
        if lines.ended and lines.quotes & 1:
            yield row, [_unterminated(row, lines)]
        elif lines.nul and (nul := _nul_errors(row, raw, model)):
            yield row, _Refused(nul, raw)
        else:
            yield row, raw


def _nul_errors(row: int, raw: Row, model: type[models.Model]) -> list[RowError]:
    """The cells of a row that hold a NUL character, by the single-record rule."""
    try:
        refuse_nulls(model, {str(k): v for k, v in raw.items() if isinstance(v, str)})
    except ValidationFailed as exc:
        return [RowError(row, k, m) for k, ms in exc.fields.items() for m in ms]
    return []


def _unterminated(row: int, lines: _Lines) -> RowError:
    return RowError(
        row,
        "",
        f"the quote opened on line {lines.opened} is never closed, so the rest of the file "
        f"(lines {lines.opened}-{lines.number}) was read as one cell and not stored: close "
        "the quote and import those lines again.",
    )


def _unreadable(row: int, start: int, lines: _Lines, exc: csv.Error) -> RowError:
    if lines.ended and lines.quotes & 1:
        return _unterminated(row, lines)
    where = f"line {start}" if start >= lines.number else f"lines {start}-{lines.number}"
    if "field larger than field limit" in str(exc):
        limit = csv.field_size_limit()
        return RowError(
            row,
            "",
            f"a cell is longer than the {limit:,} characters a cell may hold ({where}): "
            "shorten it; the row was not stored.",
        )
    return RowError(row, "", f"cannot be read as CSV ({where}): {exc}.")


def _header(kind: str, names: list[str] | None, mapping: ColumnMap | None = None) -> list[str]:
    """The header row, checked before any row is read: the field each column is read into
    (``mapping`` first, else the column's own name), every field known and given once. A
    column named ``error`` that the mapping leaves out (an error file's messages) is read
    into nothing: it keeps the name ``error``, whose parser ignores it."""
    allowed = columns(kind)
    if not names:
        raise ValidationFailed(
            "The file is empty: its first line must name the columns, e.g. " + ",".join(allowed[:4])
        )
    if not all(n.strip() for n in names):
        blank = next(i for i, n in enumerate(names) if not n.strip())
        raise ValidationFailed(f"Column {blank + 1} of the header has no name.")
    header = (mapping or ColumnMap()).resolve(names)
    doubled = sorted({n for n in header if header.count(n) > 1})
    if doubled:
        raise ValidationFailed(
            "Columns read into the same field: "
            + "; ".join(
                f"{' and '.join(o.strip() for o, n in zip(names, header, strict=True) if n == d)}"
                f" ({d})"
                for d in doubled
            )
            + ". A field takes one column."
            if mapping and mapping.pairs
            else f"Columns named twice in the header: {', '.join(doubled)}."
        )
    unknown = [n for n in header if n not in allowed and n != ERROR_COLUMN]
    if unknown:
        raise ValidationFailed(
            f"Unknown columns: {', '.join(unknown)}. Nothing was imported. "
            f"Columns for {kind.replace('_', ' ')}s: {', '.join(allowed)}"
            + (
                "; or name the file's own headers onto them with --map HEADER=FIELD."
                if not (mapping and mapping.pairs)
                else "."
            )
        )
    return header


def column_plan(names: Sequence[str], header: Sequence[str]) -> list[tuple[str, str]]:
    """Each of the file's columns and the field it is read into ("" for the ignored error
    column), for the dry run to show."""
    return [
        (name.strip(), "" if field == ERROR_COLUMN else field)
        for name, field in zip(names, header, strict=True)
    ]


def _parsers(kind: str) -> dict[str, Callable[[str], Any]]:
    """Per column, how a cell becomes a value. A blank cell clears a text field; for a yes/no
    field or a choice that cannot be blank it means "not given" (default, or left as it is).
    Text is kept as written (an export must import back unchanged), less the quote an export
    puts before a formula (``formula_unescape``, for every column); choices are lower-cased."""
    fields = {f.name: f for f in _model(kind)._meta.concrete_fields}
    result: dict[str, Callable[[str], Any]] = {}
    for name in columns(kind):
        if name in ("number", COMPANY_NUMBER):
            result[name] = lambda v: formula_unescape(v).strip().upper()
            continue
        f = fields[name]
        if isinstance(f, models.BooleanField):
            result[name] = _boolean
        elif f.choices and not f.blank:
            result[name] = lambda v: formula_unescape(v).strip().lower() or _SKIP
        elif f.choices:
            result[name] = lambda v: formula_unescape(v).strip().lower()
        else:
            result[name] = formula_unescape
    result[ERROR_COLUMN] = lambda v: _SKIP  # an error file's messages: read into nothing
    return result


def formula_escape(text: str) -> str:
    """``text`` as a cell a spreadsheet shows as text: one quote in front when it starts with a
    formula character (``FORMULA_TRIGGERS``), or with quotes and then one, so that
    ``formula_unescape`` can tell the quote it must take off from a quote that is stored
    ("'t Hooft" stays as it is, "'=x" is written "''=x")."""
    first = text[:1]
    if first in FORMULA_TRIGGERS or (first == "'" and text.lstrip("'")[:1] in FORMULA_TRIGGERS):
        return "'" + text
    return text


def formula_unescape(cell: str) -> str:
    """The value of a cell ``formula_escape`` wrote: one quote less when the cell is quotes
    followed by a formula character; any other cell as it is. So a phone number typed as
    "'+47 22 33 44 55" in a spreadsheet reads back as "+47 22 33 44 55"."""
    if cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_TRIGGERS:
        return cell[1:]
    return cell


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
    raw: Row | list[RowError],
    parsers: dict[str, Callable[[str], Any]],
    width: int,
    seen: NumbersSeen,
    result: ImportResult,
) -> Item | None:
    """One data row as an item for the bulk writes, or None with its errors recorded."""
    if isinstance(raw, list):  # a record that could not be read, or with a NUL character
        result.errors.extend(raw)
        return None
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
    watched = _Lines(lines)
    reader = csv.DictReader(watched)
    try:
        names = list(reader.fieldnames or [])
    except csv.Error as exc:
        raise ValidationFailed(f"The header line cannot be read as CSV: {exc}.") from exc
    header = _header(kind, names, mapping)
    reader.fieldnames = header
    parsers = _parsers(kind)
    result = ImportResult(kind=kind, dry_run=dry_run, columns=column_plan(names, header))
    start = resume or ImportCheckpoint()
    result.rows, result.resumed_after, result.failed_before = start.rows, start.rows, start.failed
    result.created, result.updated, result.unchanged = start.created, start.updated, start.unchanged
    # A dry run wraps the chunks in one transaction to roll back; otherwise each chunk is
    # its own transaction and what is good is kept.
    with transaction.atomic() if dry_run else nullcontext(), NumbersSeen() as seen:
        rows = _records(reader, watched, _model(kind))
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
                if (item := _item(row, raw, parsers, width, seen, result)) is not None
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
            cells = raw.raw if isinstance(raw, _Refused) else None if isinstance(raw, list) else raw
            refused.append(Rejected(row, None if cells is None else _cells(cells), by_row[row]))
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_export(kind: str, out: TextIO, *, raw: bool = False) -> int:
    """Write every record of ``kind`` to ``out`` as CSV in number order; returns the rows.

    A cell that a spreadsheet would run as a formula is written behind a quote
    (``formula_escape``; the import reads it back as stored); ``raw`` writes every value as
    stored, for programs. Streams with a database cursor (``iterator``), so memory stays flat
    on big tables.
    """
    writer = csv.writer(out)
    writer.writerow(columns(kind))
    count = 0
    for cells in export_rows(kind):
        writer.writerow(cells if raw else [formula_escape(c) for c in cells])
        count += 1
    return count


def export_rows(kind: str) -> Iterator[list[str]]:
    """Every record of ``kind`` in number order as the text of its ``columns`` (booleans as
    true/false), as stored; streamed with a database cursor. The CSV and XLSX exports' rows."""
    paths = ["company__number" if n == COMPANY_NUMBER else n for n in columns(kind)]
    rows = _model(kind)._default_manager.order_by("number").values_list(*paths)
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield [_cell(v) for v in row]
