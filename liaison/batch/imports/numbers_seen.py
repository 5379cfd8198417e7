"""``NumbersSeen``: the record numbers an import has read from its file so far, kept on disk."""

from __future__ import annotations

import sqlite3
from types import TracebackType


class NumbersSeen:
    """Which row of the file first gave each number, to refuse a number given twice.

    A dict of a million-row file's numbers is too large: an import's memory would grow with its
    file. Here a private temporary SQLite database (an empty file name: SQLite deletes it when
    it is closed) holds them in its page cache, spilling to its temporary file, so memory stays
    flat whatever the file's length.
    """

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute("PRAGMA journal_mode = OFF")
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute(
            "CREATE TABLE seen (number TEXT PRIMARY KEY, row INTEGER NOT NULL) WITHOUT ROWID"
        )

    def first_row(self, number: str, row: int) -> int | None:
        """Note that ``row`` gives ``number``; returns the earlier row that gave it, if any."""
        added = self._db.execute("INSERT OR IGNORE INTO seen VALUES (?, ?)", (number, row))
        if added.rowcount:
            return None
        found = self._db.execute("SELECT row FROM seen WHERE number = ?", (number,)).fetchone()
        return int(found[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> NumbersSeen:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
