"""The raw-driver floors of ``liaison bench``: the workload's own writes, by the driver alone.

After each workload the same process measures a floor: the rows the workload inserted, and the
columns it updated, written again with the driver's fastest path (``executemany`` on SQLite;
``COPY``, and for updates ``COPY`` into a temporary table plus one ``UPDATE ... FROM``, on
PostgreSQL) into scratch copies of the same tables (same columns, keys and indexes), in one
transaction. A copy of a table the workload updates holds its rows as they were before the run,
so the floor changes the same values. ``ratio`` is our seconds over the floor's: how many times
the driver's own time we take.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from liaison.bench.workloads import CONTACTS_TABLE, Workload

FLOOR_CHUNK = 50_000  # rows the floor reads at a time from a table our run wrote


def _rows_in_chunks(
    table: str, after: int = 0
) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
    """The table's rows with keys above ``after``, in key order, ``FLOOR_CHUNK`` at a time:
    memory stays flat in N."""
    from django.db import connection

    last = after
    while True:
        with connection.cursor() as cur:
            cur.execute(
                f'SELECT * FROM "{table}" WHERE "id" > %s ORDER BY "id" LIMIT %s',
                [last, FLOOR_CHUNK],
            )
            names = [c[0] for c in cur.description]
            rows = [tuple(r) for r in cur.fetchall()]
        if not rows:
            return
        yield names, rows
        last = rows[-1][names.index("id")]


def _scratch_create(table: str) -> str:
    """An empty table of the same shape (columns, keys, indexes) under another name."""
    from django.db import connection

    from liaison.contacts.search import sqlite_statements as search_sqlite_statements

    scratch = f"scratch_{table}"
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute(f'CREATE TABLE "{scratch}" (LIKE "{table}" INCLUDING ALL)')
            return scratch
        cur.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
        cur.execute(cur.fetchone()[0].replace(f'"{table}"', f'"{scratch}"', 1))
        cur.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
            "AND sql IS NOT NULL",
            [table],
        )
        for name, sql in cur.fetchall():
            sql = sql.replace(f'"{name}"', f'"scratch_{name}"', 1)
            cur.execute(sql.replace(f'ON "{table}"', f'ON "{scratch}"', 1))
        if table == CONTACTS_TABLE:
            # The contacts' search index is part of the table on both backends: PostgreSQL's
            # copy has its trigram indexes (INCLUDING ALL), SQLite's gets its FTS5 table and
            # triggers here, so that both floors maintain the index ours maintains.
            for statement in search_sqlite_statements():
                cur.execute(statement.replace(CONTACTS_TABLE, scratch))
    return scratch


def _driver_insert(raw: Any, vendor: str, table: str, names: list[str], rows: list[Any]) -> None:
    columns = ", ".join(f'"{n}"' for n in names)
    if vendor == "postgresql":
        with raw.cursor() as cur, cur.copy(f'COPY "{table}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in names)
    raw.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)


def _driver_update(
    raw: Any, vendor: str, table: str, names: list[str], rows: list[Any], columns: Sequence[str]
) -> None:
    """SQLite: one prepared UPDATE by key through ``executemany``. PostgreSQL: ``COPY`` the new
    values into a temporary table; ``_driver_apply`` then applies them in one ``UPDATE ... FROM``.
    """
    picked = [names.index(c) for c in columns]
    key = names.index("id")
    if vendor == "postgresql":
        listed = ", ".join(f'"{c}"' for c in ("id", *columns))
        with raw.cursor() as cur:
            cur.execute(
                f'CREATE TEMP TABLE IF NOT EXISTS "new_{table}" ON COMMIT DROP AS '
                f'SELECT {listed} FROM "{table}" LIMIT 0'
            )
            with cur.copy(f'COPY "new_{table}" ({listed}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row((row[key], *(row[i] for i in picked)))
        return
    sets = ", ".join(f'"{c}" = ?' for c in columns)
    params = [(*(row[i] for i in picked), row[key]) for row in rows]
    raw.executemany(f'UPDATE "{table}" SET {sets} WHERE "id" = ?', params)


def _driver_apply(raw: Any, vendor: str, table: str, columns: Sequence[str]) -> None:
    if vendor == "postgresql":
        sets = ", ".join(f'"{c}" = n."{c}"' for c in columns)
        with raw.cursor() as cur:
            cur.execute(f'UPDATE "{table}" t SET {sets} FROM "new_{table}" n WHERE t."id" = n."id"')


@dataclass
class Scratch:
    """The scratch copy of each table, and for an inserted-into table its last key before the
    run (the floor writes the rows the run added, not fixture rows already there)."""

    names: dict[str, str]
    after: dict[str, int]


def scratch_prepare(workload: Workload) -> Scratch:
    """Before the run, not timed: an empty copy of each table the workload inserts into, and a
    copy holding the rows as they are before the run of each table it updates.

    So the floor changes the values ours changes. Writing equal values again would be cheaper
    than the real change: SQLite's search-index trigger skips rows whose searched columns kept
    their values, and PostgreSQL updates a row in place (no index entries) when no indexed
    value moved.
    """
    from django.db import DatabaseError, connection, transaction

    scratch = Scratch({}, {})
    with transaction.atomic(), connection.cursor() as cur:
        for table in workload.inserts:
            scratch.names[table] = _scratch_create(table)
            cur.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
            scratch.after[table] = cur.fetchone()[0]
        for table, _ in workload.updates:
            scratch.names[table] = _scratch_create(table)
            cur.execute(f'INSERT INTO "{scratch.names[table]}" SELECT * FROM "{table}"')
    if connection.vendor == "postgresql":
        # Settle the fresh copies (and the fixture) before the timer: otherwise autovacuum, the
        # GIN indexes' pending lists and a checkpoint of these writes run during our run only.
        with connection.cursor() as cur:
            for table in [*workload.inserts, *(t for t, _ in workload.updates)]:
                cur.execute(f'VACUUM (ANALYZE) "{table}"')
                cur.execute(f'VACUUM (ANALYZE) "{scratch.names[table]}"')
            try:
                cur.execute("CHECKPOINT")
            except DatabaseError as exc:  # it needs a superuser or pg_checkpoint
                print(f"bench: no CHECKPOINT before the run ({exc})".strip(), file=sys.stderr)
    return scratch


def floor_seconds(workload: Workload, scratch: Scratch) -> float:
    """Seconds the driver takes to write the workload's rows into the scratch copies.

    Inserted rows (those the run added) go into the empty copies; updated columns are written
    by primary key into the copies of the tables as they were before the run. The rows are read
    from the real tables a chunk at a time; only the driver's writes and the commit are timed.
    """
    from django.db import connection, transaction

    from liaison.contacts.search import FTS_TABLE

    vendor = connection.vendor
    connection.ensure_connection()
    raw = connection.connection
    names = scratch.names
    seconds = 0.0
    with transaction.atomic():
        for table in workload.inserts:
            for columns, rows in _rows_in_chunks(table, scratch.after[table]):
                started = time.perf_counter()
                _driver_insert(raw, vendor, names[table], columns, rows)
                seconds += time.perf_counter() - started
        for table, updated in workload.updates:
            for columns, rows in _rows_in_chunks(table):
                started = time.perf_counter()
                _driver_update(raw, vendor, names[table], columns, rows, updated)
                seconds += time.perf_counter() - started
            started = time.perf_counter()
            _driver_apply(raw, vendor, names[table], updated)
            seconds += time.perf_counter() - started
        started = time.perf_counter()
    seconds += time.perf_counter() - started  # the commit
    with connection.cursor() as cur:
        for name in names.values():
            cur.execute(f'DROP TABLE "{name}"')
            if vendor == "sqlite" and name == f"scratch_{CONTACTS_TABLE}":
                cur.execute(f'DROP TABLE "{FTS_TABLE.replace(CONTACTS_TABLE, name)}"')
    return seconds
