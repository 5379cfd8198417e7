"""What an import did, where it stands, and why it stopped: the import's result types."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from liaison.batch.bulk import BulkReport


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


class RejectedNotWritten(Exception):  # the error file failed, named as such
    """The refused rows could not be written (the error file: full disk, no permission)."""

    def __init__(self, cause: OSError) -> None:
        super().__init__(str(cause))
        self.cause = cause
