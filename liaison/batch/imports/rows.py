"""Reading a CSV file's data rows: each row numbered, or its errors when it cannot be read."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.db import models

from liaison.batch.imports.results import RowError
from liaison.core.errors import ValidationFailed
from liaison.core.update import refuse_nulls


class Lines:
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

    def __iter__(self) -> Lines:
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


class Refused(list[RowError]):
    """The errors of a row refused as it was read, with its cells when it could be read (a
    NUL character) for the error file; a record the csv module could not read has none."""

    def __init__(self, errors: Iterable[RowError], raw: Row | None = None) -> None:
        super().__init__(errors)
        self.raw = raw


def cells_of(raw: Row) -> list[str]:
    """A row's cells as the file had them: the header's cells the row has, then any beyond."""
    cells = [str(v) for k, v in raw.items() if k is not None and v is not None]
    return cells + [str(v) for v in raw.get(None) or []]


def rows_read(
    reader: csv.DictReader[str], lines: Lines, model: type[models.Model]
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
            yield row, Refused(nul, raw)
        else:
            yield row, raw


def _nul_errors(row: int, raw: Row, model: type[models.Model]) -> list[RowError]:
    """The cells of a row that hold a NUL character, by the single-record rule."""
    try:
        refuse_nulls(model, {str(k): v for k, v in raw.items() if isinstance(v, str)})
    except ValidationFailed as exc:
        return [RowError(row, k, m) for k, ms in exc.fields.items() for m in ms]
    return []


def _unterminated(row: int, lines: Lines) -> RowError:
    return RowError(
        row,
        "",
        f"the quote opened on line {lines.opened} is never closed, so the rest of the file "
        f"(lines {lines.opened}-{lines.number}) was read as one cell and not stored: close "
        "the quote and import those lines again.",
    )


def _unreadable(row: int, start: int, lines: Lines, exc: csv.Error) -> RowError:
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
