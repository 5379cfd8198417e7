"""``liaison bench --postgres URL`` works in databases of its own and never writes the URL's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from liaison.bench.scratchdb import SCRATCH_PREFIX


def _server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    return url


def _admin(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


@pytest.fixture
def users_database() -> Iterator[str]:
    """A database holding somebody's data: one table the benchmark did not create, one row."""
    import psycopg

    url = _server_url()
    name = f"bench_users_{os.getpid()}_{time.monotonic_ns() % 1_000_000}"
    with psycopg.connect(_admin(url), autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    own = urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    with psycopg.connect(own, autocommit=True) as db:
        db.execute("CREATE TABLE precious (id integer PRIMARY KEY, note text)")
        db.execute("INSERT INTO precious VALUES (1, 'the books of a year')")
    try:
        yield own
    finally:
        with psycopg.connect(_admin(url), autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _bench(url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIAISON_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [
            *(sys.executable, "-m", "liaison.bench", "--no-sqlite", "--postgres", url),
            *("--workloads", "W1", "--sizes", "200", "--json", str(tmp_path / "bench.json")),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _scratch_databases(url: str) -> list[str]:
    import psycopg

    with psycopg.connect(_admin(url)) as db:
        rows = db.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{SCRATCH_PREFIX}%"]
        ).fetchall()
    return [row[0] for row in rows]


def test_bench_on_postgres_leaves_the_named_database_untouched_and_drops_its_own(
    users_database: str, tmp_path: Path
) -> None:
    import psycopg

    before = set(_scratch_databases(users_database))
    done = _bench(users_database, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "W1" in done.stdout
    with psycopg.connect(users_database) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchall()
        assert tables == [("precious",)]
        assert db.execute("SELECT note FROM precious").fetchall() == [("the books of a year",)]
    assert set(_scratch_databases(users_database)) == before


def test_bench_refuses_with_one_error_line_when_the_role_cannot_create_a_database(
    users_database: str, tmp_path: Path
) -> None:
    import psycopg

    role = f"bench_nocreatedb_{os.getpid()}"
    with psycopg.connect(_admin(users_database), autocommit=True) as db:
        db.execute(f'CREATE ROLE "{role}" LOGIN NOCREATEDB')
    try:
        parts = urlsplit(users_database)
        as_role = urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port or 5432}"))
        done = _bench(as_role, tmp_path)
    finally:
        with psycopg.connect(_admin(users_database), autocommit=True) as db:
            db.execute(f'DROP ROLE IF EXISTS "{role}"')
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stderr.startswith("error: cannot create the benchmark's own database"), done.stderr
    assert "CREATEDB" in done.stderr
    assert "Traceback" not in done.stderr
    with psycopg.connect(users_database) as db:
        assert db.execute("SELECT count(*) FROM precious").fetchone() == (1,)
