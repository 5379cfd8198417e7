"""Database and disk failures at the ``liaison`` command (issue 15, defect 6).

A read-only database file or directory, a full disk, an unreachable or read-only PostgreSQL:
each command answers with one ``error:`` line that names the cause and what to do, exit
status 2, and no traceback on stderr; the traceback goes to ``var/log/cli.log`` (or to stderr
with ``--verbose``). Every test runs the real console script in a child process against a
database of its own. As root, file modes do not stop writes: read-only and full are then a
read-only bind mount and a small tmpfs (the test is skipped where mounting is not allowed).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

_SCRIPT = Path(sys.executable).with_name("liaison")
LIAISON = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "liaison.cli"]
UNREACHABLE = "postgres://postgres@127.0.0.1:1/liaison_nowhere"
CSV = "number,name,city\n,Alpine Ski House,Oslo\n"
_ENV_OF_OURS = ("DATABASE_URL", "LIAISON_SQLITE_PATH", "LIAISON_DEBUG", "LIAISON_PASSWORD")


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_OF_OURS and k != "PGOPTIONS"}
    return {**env, "DJANGO_SETTINGS_MODULE": "liaison.settings", "LIAISON_VAR_DIR": str(var_dir)}


def _liaison(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*LIAISON, *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def _one_error_line(done: subprocess.CompletedProcess[str], *words: str) -> str:
    """The command failed with exit 2 and one ``error`` line holding ``words``, no traceback."""
    said = f"exit {done.returncode}\nstdout: {done.stdout}\nstderr: {done.stderr}"
    assert done.returncode == 2, said
    assert "Traceback" not in done.stderr, said
    errors = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, said
    for word in words:
        assert word in errors[0], said
    return errors[0]


@pytest.fixture(scope="module")
def initialised(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database that ``liaison init`` made, to copy for each test."""
    var_dir = tmp_path_factory.mktemp("initialised")
    done = _liaison(_env(var_dir), "init")
    assert done.returncode == 0, done.stderr
    return var_dir / "liaison.sqlite3"


@pytest.fixture
def var_dir(tmp_path: Path, initialised: Path) -> Path:
    """A data directory of the test's own holding a copy of the initialised database."""
    var = tmp_path / "var"
    var.mkdir()
    shutil.copy(initialised, var / "liaison.sqlite3")
    (tmp_path / "customers.csv").write_text(CSV)
    return var


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True, timeout=30)


def _umount(path: Path) -> None:
    if subprocess.run(["umount", str(path)], capture_output=True, timeout=30).returncode:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=30)


@contextmanager
def _read_only(path: Path) -> Iterator[None]:
    """``path`` (a file or a directory) read-only: its mode bits, or as root a bind mount."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(mode & ~0o222)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    try:
        _mount("--bind", str(path), str(path))
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("root, but bind mounts are not allowed here")
    try:
        _mount("-o", "remount,ro,bind", str(path), str(path))
        yield
    finally:
        _umount(path)


@contextmanager
def _small_disk(path: Path, free: int) -> Iterator[None]:
    """A tmpfs at ``path`` with room for what is in it now plus ``free`` bytes."""
    if os.geteuid() != 0:
        pytest.skip("a full disk is a small tmpfs, which only root may mount")
    kept = path.with_name(path.name + ".kept")
    path.rename(kept)
    path.mkdir()
    size = sum(f.stat().st_size for f in kept.iterdir()) + free
    try:
        _mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    except (OSError, subprocess.CalledProcessError):
        path.rmdir()
        kept.rename(path)
        pytest.skip("root, but tmpfs mounts are not allowed here")
    try:
        for f in kept.iterdir():
            shutil.copy(f, path / f.name)
        yield
    finally:
        _umount(path)


@pytest.mark.parametrize(
    "command",
    [
        ("import", "customers", "{tmp}/customers.csv"),
        ("contacts", "create-from", "customers"),
        ("user", "create", "ana", "--password", "pw-123456"),
        ("token", "create", "--user", "integrator"),
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_a_read_only_database_file_is_one_error_line_naming_it_and_exit_2(
    var_dir: Path, command: tuple[str, ...]
) -> None:
    database = var_dir / "liaison.sqlite3"
    with _read_only(database):
        done = _liaison(_env(var_dir), *(a.format(tmp=var_dir.parent) for a in command))
    _one_error_line(done, str(database), "read-only", "writable")
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT count(*) FROM auth_user").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM sales_customer").fetchone() == (0,)


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("jobs", "resume"),
        ("jobs", "list"),
        ("import", "customers", "{tmp}/customers.csv"),
        ("migrate",),
    ],
    ids=" ".join,
)
def test_a_database_in_a_read_only_directory_is_one_error_line_and_exit_2(
    var_dir: Path, command: tuple[str, ...]
) -> None:
    """SQLite cannot make its -wal and -shm files there, so it cannot open the database."""
    with _read_only(var_dir):
        done = _liaison(_env(var_dir), *(a.format(tmp=var_dir.parent) for a in command))
    _one_error_line(done, "cannot open the database", str(var_dir), "writable")


def test_a_full_disk_is_one_error_line_and_exit_2(var_dir: Path) -> None:
    with _small_disk(var_dir, free=256 * 1024):
        done = _liaison(_env(var_dir), "demo")
    _one_error_line(done, "disk", "full", "free some space")


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("import", "customers", "{tmp}/customers.csv"),
        ("jobs", "resume"),
        ("contacts", "create-from", "customers"),
        ("backup", "{tmp}/backup.dump"),
        ("user", "create", "ana", "--password", "pw-123456"),
        ("migrate",),
    ],
    ids=lambda command: " ".join(command[:2]),
)
def test_an_unreachable_database_server_is_one_error_line_and_exit_2(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    (tmp_path / "customers.csv").write_text(CSV)
    env = {**_env(tmp_path / "var"), "DATABASE_URL": UNREACHABLE}
    done = _liaison(env, *(a.format(tmp=tmp_path) for a in command))
    _one_error_line(done, "cannot connect", "127.0.0.1:1", "Connection refused", "DATABASE_URL")


def test_the_traceback_goes_to_the_log_and_with_verbose_to_stderr(tmp_path: Path) -> None:
    var = tmp_path / "var"
    env = {**_env(var), "DATABASE_URL": UNREACHABLE}
    quiet = _liaison(env, "check")
    line = _one_error_line(quiet, "cannot connect")
    log = var / "log" / "cli.log"
    assert str(log) in line
    logged = log.read_text()
    assert "liaison check" in logged
    assert "Traceback" in logged
    assert "OperationalError" in logged
    _one_error_line(_liaison(env, "user", "create", "ana", "--password", "s3cret-pw"), str(log))
    assert "user create ana --password '***'" in log.read_text()
    assert "s3cret-pw" not in log.read_text()
    for loud in (
        _liaison(env, "--verbose", "check"),
        _liaison({**env, "LIAISON_DEBUG": "1"}, "check"),
    ):
        assert loud.returncode == 2
        assert "Traceback" in loud.stderr
        assert "OperationalError" in loud.stderr
        assert loud.stderr.splitlines()[-1].startswith("error: cannot connect"), loud.stderr


def test_where_the_log_cannot_be_written_the_line_says_how_to_see_the_traceback(
    var_dir: Path,
) -> None:
    with _read_only(var_dir):  # the database's directory, which holds log/ too
        done = _liaison(_env(var_dir), "check")
    assert "liaison --verbose shows the traceback" in _one_error_line(done, "cannot open")
    assert not (var_dir / "log").exists()


def test_an_unexpected_error_is_one_line_exit_1_and_its_traceback_logged(var_dir: Path) -> None:
    done = _liaison(_env(var_dir), "shell", "-c", "raise RuntimeError('the unforeseen')")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1, done.stderr
    assert "RuntimeError: the unforeseen" in errors[0], done.stderr
    assert "RuntimeError: the unforeseen" in (var_dir / "log" / "cli.log").read_text()


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A fresh PostgreSQL database that ``liaison init`` set up (on DATABASE_URL's server)."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    import psycopg

    parts = urlsplit(url)
    name = f"cli_faults_{os.getpid()}_{time.monotonic_ns() % 1_000_000}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    own = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield own
    finally:
        with psycopg.connect(admin, autocommit=True) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_read_only_postgresql_database_is_one_error_line_and_exit_2(
    tmp_path: Path, postgres_database: str
) -> None:
    (tmp_path / "customers.csv").write_text(CSV)
    env = {**_env(tmp_path / "var"), "DATABASE_URL": postgres_database}
    assert _liaison(env, "init").returncode == 0
    read_only = {**env, "PGOPTIONS": "-c default_transaction_read_only=on"}
    for command in (
        ("import", "customers", str(tmp_path / "customers.csv")),
        ("contacts", "create-from", "customers"),
        ("user", "create", "ana", "--password", "pw-123456"),
    ):
        _one_error_line(_liaison(read_only, *command), "read-only", "DATABASE_URL")
    import psycopg

    with psycopg.connect(postgres_database) as db:
        assert db.execute("SELECT count(*) FROM auth_user").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM sales_customer").fetchone() == (0,)
