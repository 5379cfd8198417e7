"""Backup and restore of the configured database: one file, taken online, restored whole.

SQLite uses its online backup API, which copies a consistent snapshot while other processes
keep writing (WAL); PostgreSQL uses ``pg_dump``/``pg_restore`` in their custom format. A backup
is written under a temporary name and renamed into place, so a file at the backup path is
always complete. A restore replaces the whole database in one transaction: it either happens
entirely or not at all. Stop the server before restoring; a backup needs no downtime.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from liaison.core.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Tables that `migrate` fills by itself: rows there do not make a database "hold data".
BOOKKEEPING_TABLES = frozenset({"django_migrations", "django_content_type", "auth_permission"})
# pg_restore gives up (and rolls back) rather than wait forever on a lock a running server holds.
PG_LOCK_TIMEOUT = "60s"
# Keys of Django's psycopg connection parameters that libpq (pg_dump, pg_restore) does not know;
# the password goes through PGPASSWORD so that it never shows on a command line.
_NOT_LIBPQ = frozenset({"cursor_factory", "context", "prepare_threshold", "password"})


class BackupError(DomainError):
    """A backup or restore could not be made; the message says why and what to do."""

    code = "backup_failed"


class BackupFileExists(BackupError):
    """The backup path already holds a file: it is kept unless overwriting is asked for."""

    code = "backup_file_exists"
    status = 409


class RestoreTargetNotEmpty(BackupError):
    """The database to restore into holds data that the restore would replace."""

    code = "restore_target_not_empty"
    status = 409


@dataclass(frozen=True)
class CopyInfo:
    """A backup file and a database's rows: the file's path and size, and the rows of each
    table (what a backup holds, or what a restore put back)."""

    path: Path
    backend: str
    size: int
    rows: Mapping[str, int]

    @property
    def tables(self) -> int:
        return len(self.rows)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


@dataclass(frozen=True)
class BackupInfo(CopyInfo):
    """A backup just written: its size and the rows of each table it holds."""

    def summary(self) -> str:
        return (
            f"Backed up {_counted(self.rows)} ({BACKENDS[self.backend]}) "
            f"to {self.path} ({_size(self.size)})."
        )


@dataclass(frozen=True)
class RestoreInfo(CopyInfo):
    """A restore just made: the rows of each table the database now holds."""

    # Migrations of this code that the backup's schema lacks (an older backup).
    pending_migrations: int = 0

    def summary(self) -> str:
        text = (
            f"Restored {_counted(self.rows)} ({BACKENDS[self.backend]}) "
            f"from {self.path} ({_size(self.size)})."
        )
        if self.pending_migrations:
            text += (
                f" The backup predates {self.pending_migrations} migrations of this version:"
                " run `liaison init` to apply them."
            )
        return text


def backup_create(path: Path, *, overwrite: bool = False) -> BackupInfo:
    """Write a backup of the default database to ``path`` while the application keeps running.

    The file is readable by its owner only (it holds password hashes and API token digests).
    An existing file is kept unless ``overwrite``; a failed backup leaves nothing behind.
    """
    path = Path(path)
    vendor = _vendor()
    if path.is_dir():
        raise BackupError(f"{path} is a directory: name the backup file to write.")
    if path.exists() and not overwrite:
        raise BackupFileExists(
            f"{path} already exists and is kept: choose another name, or overwrite it "
            "(--overwrite)."
        )
    if vendor == "sqlite":
        _refuse_live_file(path, "write a backup over")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _temporary_beside(path) as tmp:
        rows = _sqlite_backup(tmp) if vendor == "sqlite" else _pg_backup(tmp)
        _fsync(tmp)
        _publish(tmp, path, overwrite=overwrite)
    return BackupInfo(path=path, backend=vendor, size=path.stat().st_size, rows=rows)


def backup_restore(path: Path, *, force: bool = False) -> RestoreInfo:
    """Replace the default database with the backup at ``path``.

    Refused when the database holds data (anything beyond what ``migrate`` writes) unless
    ``force``, so that a mistyped command cannot wipe a live company. Runs outside any
    transaction of the caller: the restore is its own, single transaction.
    """
    path = Path(path)
    vendor = _vendor()
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    kind = _backup_kind(path)
    if kind is None:
        raise BackupError(
            f"{path} is not a Liaison backup: it is neither a SQLite database nor a pg_dump "
            "archive."
        )
    if kind != vendor:
        raise BackupError(
            f"{path} is a {BACKENDS[kind]} backup but the configured database is "
            f"{BACKENDS[vendor]}: restore it into the kind of database it was taken from."
        )
    if connection.in_atomic_block:
        raise BackupError(
            "A restore replaces the whole database and cannot run inside a transaction."
        )
    if vendor == "sqlite":
        _refuse_live_file(path, "restore from")
        rows = _sqlite_restore(path, force=force)
    else:
        rows = _pg_restore(path, force=force)
    # Whatever this process cached about the old database (its connection) is stale now.
    connection.close()
    return RestoreInfo(
        path=path,
        backend=vendor,
        size=path.stat().st_size,
        rows=rows,
        pending_migrations=_pending_migrations(),
    )


def backup_main(argv: list[str]) -> int:
    """``liaison backup FILE [--overwrite]``; ``argv`` is what follows the command name."""
    parser = argparse.ArgumentParser(
        prog="liaison backup",
        description="Back up the database to FILE while the application keeps running.",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--overwrite", action="store_true", help="replace FILE if it exists")
    args = parser.parse_args(argv)
    try:
        info = backup_create(args.file, overwrite=args.overwrite)
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc}", file=sys.stderr)
        return 2
    print(info.summary())
    return 0


def restore_main(argv: list[str]) -> int:
    """``liaison restore FILE [--force]``; ``argv`` is what follows the command name."""
    parser = argparse.ArgumentParser(
        prog="liaison restore",
        description="Replace the database with the backup in FILE (stop the server first).",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument(
        "--force", action="store_true", help="replace a database that already holds data"
    )
    args = parser.parse_args(argv)
    try:
        info = backup_restore(args.file, force=args.force)
    except DomainError as exc:
        print(f"error [{exc.code}]: {exc}", file=sys.stderr)
        return 2
    print(info.summary())
    return 0


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_backup(tmp: Path) -> dict[str, int]:
    name = _sqlite_name()
    if not _sqlite_in_memory(name) and not Path(name).is_file():
        raise BackupError(f"The database file {name} does not exist: there is nothing to back up.")
    try:
        with closing(_sqlite_connect(name)) as source, closing(sqlite3.connect(tmp)) as target:
            # One step (pages=-1) copies every page inside one read transaction: a consistent
            # snapshot, while WAL lets writers carry on. Smaller steps would restart whenever
            # another process writes.
            source.backup(target, pages=-1)
            # The copy carries the live file's WAL flag; a backup must be one self-contained file.
            target.execute("PRAGMA journal_mode=DELETE")
            _sqlite_verify(target, "The backup just written")
            return _sqlite_rows(target)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not back up {name}: {exc}") from exc


def _sqlite_restore(path: Path, *, force: bool) -> dict[str, int]:
    name = _sqlite_name()
    try:
        readonly = f"file:{quote(str(path.resolve()))}?mode=ro"
        with closing(sqlite3.connect(readonly, uri=True)) as source:
            _sqlite_verify(source, path)
            found = source.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()
            if not found:
                raise BackupError(
                    f"{path} is a SQLite database but not a Liaison backup (it has no "
                    "django_migrations table)."
                )
            with closing(_sqlite_connect(name)) as target:
                if not force:
                    _refuse_unless_empty(_sqlite_rows(target), name)
                # One step writes every page in one write transaction: readers see the old
                # database or the new one, never a mix, and a failure leaves the old one.
                source.backup(target, pages=-1)
                return _sqlite_rows(target)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not restore {path} into {name}: {exc}") from exc


def _sqlite_name() -> str:
    return str(connection.settings_dict["NAME"])


def _sqlite_in_memory(name: str) -> bool:
    return name == ":memory:" or "mode=memory" in name


def _sqlite_connect(name: str) -> sqlite3.Connection:
    """A connection of our own to the live database, opened as Django opens it (URIs allowed)."""
    timeout = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 20))
    return sqlite3.connect(name, uri=True, timeout=timeout)


def _refuse_live_file(path: Path, action: str) -> None:
    name = _sqlite_name()
    if _sqlite_in_memory(name):
        return
    live = Path(name).resolve()
    if path.resolve() in {live, *(Path(f"{live}{s}") for s in ("-wal", "-shm", "-journal"))}:
        raise BackupError(f"{path} is the live database itself: cannot {action} it.")


def _sqlite_verify(conn: sqlite3.Connection, label: object) -> None:
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise BackupError(f"{label} fails SQLite's integrity check: {'; '.join(problems[:3])}")


def _sqlite_rows(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite!_%' ESCAPE '!' ORDER BY name"
        )
    ]
    rows = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        rows[name] = conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0]
    return rows


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_backup(tmp: Path) -> dict[str, int]:
    conninfo, env = _pg_connection()
    # pg_dump reads the snapshot this transaction exports, so the row counts reported are
    # exactly those of the dump, however busy the database is.
    snapshot = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with snapshot.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
            rows = _table_rows(snapshot, cursor)
            _run_tool(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--file={tmp}",
                    f"--snapshot={snapshot_id}",
                    "--no-password",
                    f"--dbname={conninfo}",
                ],
                env,
            )
            cursor.execute("COMMIT")
    finally:
        snapshot.close()
    return rows


def _pg_restore(path: Path, *, force: bool) -> dict[str, int]:
    if not force:
        with connection.cursor() as cursor:
            _refuse_unless_empty(_table_rows(connection, cursor), connection.settings_dict["NAME"])
    conninfo, env = _pg_connection()
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} -c lock_timeout={PG_LOCK_TIMEOUT}".strip()
    _run_tool(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            # All or nothing: a failure anywhere rolls the whole restore back.
            "--single-transaction",
            "--no-password",
            f"--dbname={conninfo}",
            str(path),
        ],
        env,
        after="The database was not changed (the restore runs in one transaction). If a lock "
        "timed out, stop the server and try again.",
    )
    with connection.cursor() as cursor:
        return _table_rows(connection, cursor)


def _pg_connection() -> tuple[str, dict[str, str]]:
    """The libpq connection string and environment for pg_dump/pg_restore.

    Built from Django's own connection parameters for the default database, so that the tools
    reach exactly the database the application uses (host, port, user, sslmode...).
    """
    from psycopg.conninfo import make_conninfo

    params = connection.get_connection_params()
    env = dict(os.environ)
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    libpq = {
        key: str(value)
        for key, value in params.items()
        if key not in _NOT_LIBPQ and value not in (None, "")
    }
    return make_conninfo(**libpq), env


def _run_tool(argv: list[str], env: dict[str, str], *, after: str = "") -> None:
    try:
        done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(
            f"{argv[0]} is not installed or not on PATH: install the PostgreSQL client tools "
            "of the server's major version (Debian: apt install postgresql-client)."
        ) from None
    if done.returncode != 0:
        said = done.stderr.strip().rstrip(".") or "it printed no error message"
        failed = f"{argv[0]} failed (exit status {done.returncode})"
        raise BackupError(f"{failed}: {said}. {after}".strip())


# --- Shared -------------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in BACKENDS:
        raise BackupError(
            f"Backups support SQLite and PostgreSQL, not the configured {connection.vendor} "
            "database."
        )
    return connection.vendor


def _backup_kind(path: Path) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PGDUMP_MAGIC):
        return "postgresql"
    return None


def _table_rows(wrapper: BaseDatabaseWrapper, cursor: Any) -> dict[str, int]:
    rows = {}
    for name in sorted(wrapper.introspection.table_names(cursor)):
        cursor.execute(f"SELECT count(*) FROM {wrapper.ops.quote_name(name)}")
        rows[name] = cursor.fetchone()[0]
    return rows


def _refuse_unless_empty(rows: Mapping[str, int], where: object) -> None:
    held = {name: n for name, n in rows.items() if n and name not in BOOKKEEPING_TABLES}
    if not held:
        return
    largest = sorted(held.items(), key=lambda item: (-item[1], item[0]))[:3]
    examples = ", ".join(f"{name}: {n:,}" for name, n in largest)
    raise RestoreTargetNotEmpty(
        f"The database {where} already holds data ({_counted(held)}; {examples}) and a "
        "restore replaces all of it. Restore with --force to replace it, or restore into an "
        "empty database."
    )


def _pending_migrations() -> int:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A temporary file next to ``path`` (same file system, so renaming it is atomic), removed
    afterwards with any SQLite side files whatever happens."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)


def _publish(tmp: Path, path: Path, *, overwrite: bool) -> None:
    """Give the finished backup its name in one step; without ``overwrite`` never replace a
    file, even one that appeared while the backup was being written."""
    if overwrite:
        os.replace(tmp, path)
    else:
        try:
            os.link(tmp, path)  # fails if path exists, unlike a rename
        except FileExistsError:
            raise BackupFileExists(
                f"{path} appeared while the backup was written and is kept: choose another "
                "name, or overwrite it (--overwrite)."
            ) from None
        except OSError:  # a file system without hard links: check, then rename
            if path.exists():
                raise BackupFileExists(f"{path} already exists and is kept.") from None
            os.replace(tmp, path)
    _fsync_directory(path.parent)


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_directory(directory: Path) -> None:
    """Make the rename durable; some platforms cannot open a directory, and there the rename
    is as durable as the file system makes it."""
    with suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _counted(rows: Mapping[str, int]) -> str:
    return f"{len(rows)} tables, {sum(rows.values()):,} rows"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    value = size / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
