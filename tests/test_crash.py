"""Crash safety (issue #7): a batch job or an import killed with SIGKILL midway is resumed after
its last committed chunk, leaving no duplicate contact, no half-linked record and no drift.

Each test runs the real ``liaison`` command in child processes against a database of its own:
a temporary SQLite file, or, when ``DATABASE_URL`` is set, a fresh PostgreSQL database on the
same server, created and dropped here. The database is read with the driver directly.
"""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

N = 5000
CHUNK = 100
KILL_AT = N // 5  # killed once at least this many are committed: well into the run
SEED = """
from django.db import transaction
from liaison.sales.models import Customer

n = {n}
with transaction.atomic():
    Customer.objects.bulk_create(
        [
            Customer(
                number=f"K{{i:06d}}",
                name=f"Customer {{i}}",
                search_name=f"CUSTOMER {{i}}",
                city=("Oslo", "Bergen")[i % 2],
                country_code="NO",
                email=f"customer{{i}}@example.com",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
"""


@dataclass
class CrashDatabase:
    """A database of the test's own and the environment that points the command at it."""

    env: dict[str, str]
    sqlite_path: Path | None = None
    url: str = ""

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        if self.sqlite_path is not None:
            with closing(sqlite3.connect(self.sqlite_path, timeout=20)) as db:
                return db.execute(sql).fetchall()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as db:
            return db.execute(sql).fetchall()

    def value(self, sql: str) -> Any:
        return self.rows(sql)[0][0]

    def liaison(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "liaison.cli", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start(self, tmp: Path, *args: str) -> subprocess.Popen[bytes]:
        """The command in the background, its output into files (no pipe fills up)."""
        with open(tmp / "out.txt", "wb") as out, open(tmp / "err.txt", "wb") as err:
            return subprocess.Popen(
                [sys.executable, "-m", "liaison.cli", *args], env=self.env, stdout=out, stderr=err
            )


@pytest.fixture
def crash_db(tmp_path: Path) -> Iterator[CrashDatabase]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    url = os.environ.get("DATABASE_URL")
    if not url:
        path = tmp_path / "crash.sqlite3"
        yield CrashDatabase(env={**env, "LIAISON_SQLITE_PATH": str(path)}, sqlite_path=path)
        return
    import psycopg

    parts = urlsplit(url)
    name = f"crash_{os.getpid()}_{time.monotonic_ns() % 1_000_000}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    own = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield CrashDatabase(env={**env, "DATABASE_URL": own}, url=own)
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _ok(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _kill_after_first_chunk(
    db: CrashDatabase, process: subprocess.Popen[bytes], progress_sql: str, tmp: Path
) -> float:
    """Wait until some chunks are committed (``KILL_AT`` rows) but not all, then SIGKILL;
    returns the seconds from start to kill."""
    started = time.monotonic()
    while True:
        assert process.poll() is None, (
            "finished before it could be killed: " + ((tmp / "err.txt").read_text()[-2000:])
        )
        assert time.monotonic() - started < 25, "no chunk was committed in 25 s"
        done = db.value(progress_sql)
        if done is not None and KILL_AT <= done < N:
            break
        time.sleep(0.01)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    return time.monotonic() - started


def _assert_one_contact_per_customer(db: CrashDatabase) -> None:
    """Every customer has exactly one link, to a contact of its own that is its primary
    contact; no contact is without a link (none left over from the killed chunk)."""
    assert db.value("SELECT count(*) FROM sales_customer") == N
    assert (
        db.value(
            "SELECT count(*) FROM sales_customer c WHERE (SELECT count(*) FROM "
            "relations_contactbusinessrelation l WHERE l.customer_id = c.id) <> 1"
        )
        == 0
    )
    assert db.value("SELECT count(*) FROM contacts_contact") == N
    assert (
        db.value(
            "SELECT count(DISTINCT contact_id) FROM relations_contactbusinessrelation "
            "WHERE customer_id IS NOT NULL"
        )
        == N
    )
    assert (
        db.value(
            "SELECT count(*) FROM contacts_contact ct WHERE NOT EXISTS (SELECT 1 FROM "
            "relations_contactbusinessrelation l WHERE l.contact_id = ct.id)"
        )
        == 0
    )
    assert (
        db.value(
            "SELECT count(*) FROM sales_customer c JOIN relations_contactbusinessrelation l "
            "ON l.customer_id = c.id WHERE c.primary_contact_id IS NULL "
            "OR c.primary_contact_id <> l.contact_id"
        )
        == 0
    )
    assert db.value("SELECT count(DISTINCT name) FROM contacts_contact") == N


def _assert_no_drift(db: CrashDatabase) -> None:
    out = _ok(db.liaison("check"))
    assert "0 disagreements between linked records; 0 stale summaries." in out


def test_a_killed_batch_job_resumes_after_its_last_chunk_without_duplicates(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given N customers without contacts, and the job killed after its first chunk or more
    db = crash_db
    _ok(db.liaison("init"))
    _ok(db.liaison("shell", "-c", SEED.format(n=N)))
    job = db.start(tmp_path, "contacts", "create-from", "customers", "--chunk-size", str(CHUNK))
    killed_after = _kill_after_first_chunk(
        db, job, "SELECT max(done) FROM relations_batchjob", tmp_path
    )
    (job_id, status, done, created, last_number) = db.rows(
        "SELECT id, status, done, created, last_number FROM relations_batchjob"
    )[0]
    # the killed chunk left nothing behind: what is stored is exactly the committed chunks
    assert status == "running"
    assert done == created
    assert created % CHUNK == 0
    assert db.value("SELECT count(*) FROM contacts_contact") == created
    assert db.value("SELECT count(*) FROM relations_contactbusinessrelation") == created
    assert last_number == f"K{created - 1:06d}"
    assert "interrupted" in _ok(db.liaison("jobs", "list"))

    # when it is resumed
    started = time.monotonic()
    out = _ok(db.liaison("jobs", "resume", str(job_id)))
    resumed_in = time.monotonic() - started

    # then the remaining records were done once, and the summary counts both runs
    assert (
        f"Created {N} contacts; skipped 0 already linked customers ({created} before the "
        f"interruption, {N - created} now). Job {job_id}." in out
    )
    assert db.rows("SELECT status, done, total, created, skipped, attempt FROM relations_batchjob")[
        0
    ] == ("done", N, N, N, 0, 2)
    _assert_one_contact_per_customer(db)
    _assert_no_drift(db)
    print(f"batch: N={N} chunk={CHUNK} killed after {killed_after:.2f} s at {created} done; ")
    print(f"resumed in {resumed_in:.2f} s")


def test_a_killed_import_resumes_after_its_last_chunk_without_duplicates(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a CSV of N new customers with blank numbers (a restart would create them twice)
    db = crash_db
    _ok(db.liaison("init"))
    path = tmp_path / "customers.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["number", "name", "city", "country_code", "email"])
        for i in range(N):
            writer.writerow(["", f"Imported {i}", "Oslo", "NO", f"imported{i}@example.com"])
    args = ("import", "customers", str(path), "--chunk-size", str(CHUNK))
    process = db.start(tmp_path, *args)
    killed_after = _kill_after_first_chunk(
        db, process, "SELECT max(rows) FROM relations_importrun", tmp_path
    )
    (status, rows, created) = db.rows("SELECT status, rows, created FROM relations_importrun")[0]
    assert status == "running"
    assert rows == created
    assert created % CHUNK == 0
    assert db.value("SELECT count(*) FROM sales_customer") == created
    assert db.value("SELECT count(*) FROM contacts_contact") == created

    # when it is imported again as it was: refused, nothing stored
    again = db.liaison(*args)
    assert again.returncode == 2
    assert "error [import_interrupted]" in again.stderr
    assert db.value("SELECT count(*) FROM sales_customer") == created

    # when it is resumed
    started = time.monotonic()
    out = _ok(db.liaison(*args, "--resume"))
    resumed_in = time.monotonic() - started

    # then every row is stored once, with its contact, and the counts cover both runs
    assert f"customers: {N} created, 0 updated, 0 unchanged, 0 errors" in out
    assert f"resumed after row {created}" in out
    assert db.rows("SELECT status, rows, created, failed, attempt FROM relations_importrun") == [
        ("done", N, N, 0, 2)
    ]
    assert db.value("SELECT count(DISTINCT name) FROM sales_customer") == N
    _assert_one_contact_per_customer(db)
    _assert_no_drift(db)
    print(f"import: N={N} chunk={CHUNK} killed after {killed_after:.2f} s at row {rows}; ")
    print(f"resumed in {resumed_in:.2f} s")
