"""The CSV import under faults (issue 15, defects 1-4), through the real ``liaison`` command.

Each test runs ``liaison`` in child processes against a database of its own (``crash_db`` of
tests/test_crash.py: a temporary SQLite file, or with ``DATABASE_URL`` a fresh PostgreSQL
database), so they run on both databases. A full disk is a tmpfs of the test's own (as root)
or else a file-size limit on the child (SQLite only); a lost connection is PostgreSQL's.
"""

from __future__ import annotations

import csv
import os
import resource
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.test_crash import (
    CHUNK,
    KILL_AT,
    CrashDatabase,
    N,
    _assert_no_drift,
    _assert_one_contact_per_customer,
    _ok,
    crash_db,
)

__all__ = ["crash_db"]  # the fixture, imported for the tests below


def _customers_csv(path: Path, n: int) -> Path:
    """A CSV of ``n`` new customers with blank numbers: a repeat or a restart would create
    every one of them again."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["number", "name", "city", "country_code", "email"])
        for i in range(n):
            writer.writerow(["", f"Imported {i}", "Oslo", "NO", f"imported{i}@example.com"])
    return path


def _import_args(path: Path, chunk: int) -> tuple[str, ...]:
    return ("import", "customers", str(path), "--chunk-size", str(chunk))


def _error_line(stderr: str) -> str:
    """The one ``error:`` line a failed command prints, and no traceback."""
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.startswith("error")]
    assert len(lines) == 1, stderr
    return lines[0]


def _names(db: CrashDatabase) -> list[str]:
    return [name for (name,) in db.rows("SELECT name FROM sales_customer ORDER BY name")]


class SmallDisk:
    """A directory whose disk the test fills: a tmpfs of its own when the test may mount one
    (root), else a file-size limit (RLIMIT_FSIZE) set in the child process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.limit = 0  # bytes per file, for the child, when no tmpfs could be mounted
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(path)], capture_output=True
        )
        self.mounted = done.returncode == 0

    def leave_room(self, kilobytes: int) -> None:
        """Only ``kilobytes`` more fit on the disk (or in any one file)."""
        if self.mounted:
            used = sum(f.stat().st_size for f in self.path.iterdir()) // 1024
            self._remount(f"size={used + kilobytes}k")
        else:
            self.limit = max(f.stat().st_size for f in self.path.iterdir()) + kilobytes * 1024

    def grow(self) -> None:
        if self.mounted:
            self._remount("size=64m")
        self.limit = 0

    def _remount(self, size: str) -> None:
        subprocess.run(["mount", "-o", f"remount,{size}", str(self.path)], check=True)

    def liaison(self, db: CrashDatabase, *args: str) -> subprocess.CompletedProcess[str]:
        limit = self.limit

        def limited() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over it fails (EFBIG)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        return subprocess.run(
            [sys.executable, "-m", "liaison.cli", *args],
            env=db.env,
            capture_output=True,
            text=True,
            timeout=120,
            preexec_fn=limited if limit else None,
        )

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.path)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    if os.environ.get("DATABASE_URL"):
        pytest.skip("SQLite only: the PostgreSQL server's disk is not the test's to fill")
    (tmp_path / "disk").mkdir()
    disk = SmallDisk(tmp_path / "disk")
    try:
        yield disk
    finally:
        disk.close()


def test_a_full_disk_stops_the_import_at_its_last_committed_chunk_and_resume_goes_on(
    small_disk: SmallDisk, crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a database on a disk with room for a few chunks of a file of N new customers
    path = small_disk.path / "liaison.sqlite3"
    db = CrashDatabase(env={**crash_db.env, "LIAISON_SQLITE_PATH": str(path)}, sqlite_path=path)
    _ok(db.liaison("init"))
    args = _import_args(_customers_csv(tmp_path / "c.csv", N), CHUNK)
    small_disk.leave_room(2000)
    # when it is imported
    stopped = small_disk.liaison(db, *args)
    # then it stops at once with one error line that names the cause and how to go on; no
    # row is blamed and the run is not done: it stands at its last committed chunk
    assert stopped.returncode == 2, stopped.stdout + stopped.stderr
    error = _error_line(stopped.stderr)
    assert not [line for line in stopped.stderr.splitlines() if line.startswith("row ")]
    (status, rows, created, failed) = db.rows(
        "SELECT status, rows, created, failed FROM relations_importrun"
    )[0]
    assert status != "done"
    assert 0 < rows < N
    assert rows % CHUNK == 0
    assert created == rows
    assert failed == 0
    assert db.value("SELECT count(*) FROM sales_customer") == rows
    if small_disk.mounted:
        assert "is full" in error
    assert f"The import stopped after row {rows} " in error
    assert error.endswith(f"go on with: liaison import customers {args[2]} --resume")

    # when the disk has room again and the import is resumed
    small_disk.grow()
    out = _ok(small_disk.liaison(db, *args, "--resume"))
    # then every row is stored once, with its contact
    assert f"{N} created, 0 updated, 0 unchanged, 0 errors (resumed after row {rows}" in out
    _assert_one_contact_per_customer(db)
    _assert_no_drift(db)


def test_a_lost_database_connection_stops_the_import_at_its_last_committed_chunk(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    if not crash_db.url:
        pytest.skip("PostgreSQL only: SQLite has no connection to lose")
    # given an import of N new customers at work, some chunks committed
    db = crash_db
    _ok(db.liaison("init"))
    args = _import_args(_customers_csv(tmp_path / "c.csv", N), CHUNK)
    process = db.start(tmp_path, *args)
    started = time.monotonic()
    while (db.value("SELECT max(rows) FROM relations_importrun") or 0) < KILL_AT:
        assert process.poll() is None, (tmp_path / "err.txt").read_text()[-2000:]
        assert time.monotonic() - started < 25, "no chunk was committed in 25 s"
        time.sleep(0.01)
    # when the server ends its connection (the process held still meanwhile)
    os.kill(process.pid, signal.SIGSTOP)
    db.rows(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    os.kill(process.pid, signal.SIGCONT)
    assert process.wait(timeout=60) == 2
    # then one error line says so, and the run stands at its last committed chunk
    error = _error_line((tmp_path / "err.txt").read_text())
    assert "connection to the database server" in error
    assert "was lost" in error
    (status, rows, created) = db.rows("SELECT status, rows, created FROM relations_importrun")[0]
    assert status != "done"
    assert KILL_AT <= rows < N
    assert rows % CHUNK == 0
    assert created == rows
    assert f"The import stopped after row {rows} " in error
    assert db.value("SELECT count(*) FROM sales_customer") == rows
    # when resumed: every row once
    out = _ok(db.liaison(*args, "--resume"))
    assert f"{N} created, 0 updated, 0 unchanged, 0 errors (resumed after row {rows}" in out
    _assert_one_contact_per_customer(db)


@contextmanager
def _read_only(db: CrashDatabase) -> Iterator[None]:
    """The database read-only: the SQLite file immutable (root) or without write permission,
    the PostgreSQL database with default_transaction_read_only on."""
    if db.sqlite_path is None:
        parts = urlsplit(db.url)
        name = parts.path.lstrip("/")
        admin = urlunsplit(parts._replace(path="/postgres"))
        import psycopg

        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        try:
            yield
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'ALTER DATABASE "{name}" RESET default_transaction_read_only')
        return
    files = [p for p in db.sqlite_path.parent.iterdir() if p.name.startswith(db.sqlite_path.name)]
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", *map(str, files)], capture_output=True).returncode:
            pytest.skip("root, and chattr +i does not work here: cannot make the file read-only")
        undo = ["chattr", "-i", *map(str, files)]
    else:
        for f in files:
            f.chmod(0o444)
        undo = ["chmod", "644", *map(str, files)]
    try:
        yield
    finally:
        subprocess.run(undo, check=True)


def test_a_read_only_database_refuses_the_import_with_one_error_line_and_changes_nothing(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a read-only database
    db = crash_db
    _ok(db.liaison("init"))
    args = ("import", "customers", str(_customers_csv(tmp_path / "c.csv", 10)))
    with _read_only(db):
        # when a file is imported
        refused = db.liaison(*args)
    # then one error line names the cause; nothing was stored, no run recorded
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "read-only" in _error_line(refused.stderr)
    assert db.value("SELECT count(*) FROM sales_customer") == 0
    assert db.value("SELECT count(*) FROM relations_importrun") == 0
    # when it is writable again, the same file imports
    assert "customers: 10 created, 0 updated, 0 unchanged, 0 errors." in _ok(db.liaison(*args))


def test_a_nul_character_refuses_its_row_by_field_and_the_other_rows_are_stored(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a file whose rows 2 and 3 hold a NUL character (PostgreSQL cannot store one)
    db = crash_db
    _ok(db.liaison("init"))
    path = tmp_path / "c.csv"
    path.write_text(
        "number,name,city\n,Anna,Oslo\n,Be\x00rt,Oslo\n,Carl,Os\x00lo\n,Dora,Oslo\n",
        encoding="utf-8",
    )
    # when it is imported
    done = db.liaison("import", "customers", str(path), "--chunk-size", "2")
    # then those rows are refused with their field, the others are stored, the run finished
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "row 2, name: Text cannot contain NUL characters." in done.stderr
    assert "row 3, city: Text cannot contain NUL characters." in done.stderr
    assert "customers: 2 created, 0 updated, 0 unchanged, 2 errors." in done.stdout
    assert _names(db) == ["Anna", "Dora"]
    assert db.rows("SELECT status, rows, failed FROM relations_importrun") == [("done", 4, 2)]


def test_a_cell_over_the_csv_limit_refuses_its_row_and_the_rows_after_it_are_stored(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a 200,000-character cell in row 2 and one in row 3 that spans lines 4 and 5
    db = crash_db
    _ok(db.liaison("init"))
    big = "x" * 200_000
    path = tmp_path / "c.csv"
    path.write_text(
        f'number,name,city\n,Anna,Oslo\n,Bert,{big}\n,Carl,"{big}\nmore"\n,Dora,Oslo\n,Emil,Oslo\n',
        encoding="utf-8",
    )
    # when it is imported
    done = db.liaison("import", "customers", str(path))
    # then each is its row's error, at its lines, and the rows after them are stored
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "row 2: a cell is longer than the 131,072 characters a cell may hold (line 3)" in (
        done.stderr
    )
    assert "row 3: a cell is longer than the 131,072 characters a cell may hold (lines 4-5)" in (
        done.stderr
    )
    assert "customers: 3 created, 0 updated, 0 unchanged, 2 errors." in done.stdout
    assert _names(db) == ["Anna", "Dora", "Emil"]


def test_an_unterminated_quote_is_reported_at_the_line_where_it_opened(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a quote opened on line 3 and never closed: the rest of the file is one cell
    db = crash_db
    _ok(db.liaison("init"))
    path = tmp_path / "c.csv"
    path.write_text(
        'number,name,city\n,Anna,Oslo\n,"Bert,Oslo\n,Carl,Oslo\n,Dora,Oslo\n', encoding="utf-8"
    )
    # when it is imported
    done = db.liaison("import", "customers", str(path))
    # then the row is reported at that line, not as a row with too few cells
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "row 2: the quote opened on line 3 is never closed, so the rest of the file (lines "
        "3-5) was read as one cell and not stored"
    ) in done.stderr
    assert "cells but the header" not in done.stderr
    assert _names(db) == ["Anna"]


def test_a_finished_file_imported_again_or_resumed_changes_nothing_and_says_so(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a file of 250 customers with blank numbers, imported to the end
    db = crash_db
    _ok(db.liaison("init"))
    args = _import_args(_customers_csv(tmp_path / "c.csv", 250), 100)
    assert "customers: 250 created" in _ok(db.liaison(*args))
    # when it is imported again, resumed, or tried in a dry run
    for again in ((), ("--resume",), ("--dry-run",)):
        out = _ok(db.liaison(*args, *again))
        # then nothing is created: the file is known, and the command says so
        assert "customers: already imported (run 1, finished at " in out
        assert "nothing to do" in out
        assert db.value("SELECT count(*) FROM sales_customer") == 250
    assert db.value("SELECT count(*) FROM relations_importrun") == 1
    # when a restart is asked for, every row is imported again (a new run)
    assert "customers: 250 created" in _ok(db.liaison(*args, "--restart"))
    assert db.value("SELECT count(*) FROM sales_customer") == 500
    assert db.value("SELECT count(*) FROM relations_importrun") == 2
