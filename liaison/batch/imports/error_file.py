"""The error file of an import: its refused rows, beside the file, for a person to fix.

``F.csv`` (or ``F.xlsx``) gets ``F.errors.csv``: the file's own header with an ``error``
column in front, then each refused row with its cells as they were in the file and, in
``error``, its messages as the import printed them ("row 3, email: ..."; several joined by
"; "). The import ignores an ``error`` column the mapping leaves out, so the fixed file
imports as it is (with the same ``--map``); being a new file (a new SHA-256) it is a new
import, not a repeat. A file that already has an ``error`` column (an error file imported
again) keeps it where it is, with the new messages.

Written only when a row is refused, from the first one on: an error file of an earlier import
is then replaced. A resumed import keeps the rows its earlier attempts wrote up to the row it
goes on after, and drops those of the chunk that was not committed (their rows are read
again), so the error file of a resumed import is that of an uninterrupted one. The rows are
written in the chunk's transaction before its checkpoint (``results.RejectedSink``) and flushed.

A cell a spreadsheet would run as a formula (``= + - @``, tab, CR first) gets a quote in front,
which the import takes off again: the import of the error file reads the value the input had.
A refused record that could not be read as CSV (a cell over the limit, a quote never closed)
has no cells to write: it is left out and counted in ``unreadable``; its lines are in the
message the import printed. Written in UTF-8 with a BOM, so that a spreadsheet shows accents.
"""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from typing import IO, Any

from liaison.batch.columns import FORMULA_TRIGGERS
from liaison.batch.imports.column_map import ERROR_COLUMN, header_key
from liaison.batch.imports.results import Rejected

_ROW = re.compile(r"row (\d+)\b")


def errors_path(path: str) -> str:
    """Where the error file of an import of ``path`` goes: ``F.csv`` -> ``F.errors.csv``."""
    return os.path.splitext(path)[0] + ".errors.csv"


def _safe(cell: str) -> str:
    """``cell`` with a quote in front when a spreadsheet would run it as a formula; the import
    takes exactly that quote off (``columns.formula_unescape``), giving ``cell`` back."""
    return "'" + cell if cell[:1] in FORMULA_TRIGGERS else cell


class ErrorFile:
    """The error file at ``path``, as the ``rejected`` sink of ``csv_import``; nothing is
    written until a row is refused."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.rows = 0  # refused rows in the file (those kept from earlier attempts included)
        self.unreadable = 0  # refused rows that could not be read as CSV: not in the file
        self._fh: IO[str] | None = None
        self._writer: Any = None

    def resume(self, after: int, earlier: str | None = None) -> None:
        """The import goes on after row ``after``: keep the rows up to it that its earlier
        attempts wrote to ``earlier`` (the error file beside the file the run began with, by
        default ``path``), rewritten into ``path``; drop those after it."""
        try:
            with open(earlier or self.path, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
        except (OSError, UnicodeDecodeError, csv.Error):
            return  # none (no row was refused before), or not ours any more
        if not rows or ERROR_COLUMN not in (keys := [header_key(n) for n in rows[0]]):
            return
        column = keys.index(ERROR_COLUMN)
        kept = [
            r
            for r in rows[1:]
            if len(r) > column and (m := _ROW.match(r[column])) and int(m.group(1)) <= after
        ]
        if not kept:
            return
        part = self.path + ".part"
        with open(part, "w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows([rows[0], *kept])
        os.replace(part, self.path)
        self._open("a")
        self.rows = len(kept)

    def _open(self, mode: str) -> None:
        self._fh = open(self.path, mode, encoding="utf-8-sig", newline="")  # noqa: SIM115
        self._writer = csv.writer(self._fh)

    def __call__(self, header: Sequence[str], rejected: list[Rejected]) -> None:
        keys = [header_key(n) for n in header]
        # An error file imported again has the column already: the messages go there.
        own = keys.index(ERROR_COLUMN) if ERROR_COLUMN in keys else None
        if self._fh is None:
            self._open("w")
            self._writer.writerow(header if own is not None else [ERROR_COLUMN, *header])
        for row in rejected:
            if row.cells is None:
                self.unreadable += 1
                continue
            cells = [_safe(c) for c in row.cells]
            message = "; ".join(str(e) for e in row.errors)
            if own is None:
                cells.insert(0, message)
            else:
                cells += [""] * (own + 1 - len(cells))
                cells[own] = message
            self._writer.writerow(cells)
            self.rows += 1
        assert self._fh is not None
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
