"""What a database or storage failure means for the person who ran the command, and what to do.

``database_error_message`` turns an error of Django's database layer (or the SQLite / psycopg
error it wraps, or an ``OSError`` of the disk) into one sentence that names the cause and the
remedy: a read-only file, directory or server, a full disk, an unreachable server, a missing
database or schema. It returns None for anything else. The ``liaison`` command prints it as its
one ``error:`` line (liaison/cli.py); nothing here touches the database, which may be the very
thing that failed.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from typing import Any

# SQLSTATE codes of PostgreSQL (psycopg's ``sqlstate``).
PG_READ_ONLY = "25006"
PG_DISK_FULL = "53100"
PG_UNDEFINED_TABLE = "42P01"
PG_UNKNOWN_DATABASE = "3D000"
PG_SIGN_IN = frozenset({"28000", "28P01"})
PG_GONE = frozenset({"57P01", "57P02", "57P03"})  # shut down, crashed, cannot connect now
PG_RETRY = frozenset({"40001", "40P01", "55P03", "53300"})  # conflicts, locks, no slot free


def translated(text: str) -> str:
    """Django's gettext, or the text itself while Django is not set up (a failed start)."""
    try:
        from django.utils.translation import gettext

        return gettext(text)
    except Exception:  # translation must never hide the error being reported
        return text


_ = translated


def database_error_message(exc: BaseException) -> str | None:
    """The cause and the remedy of a database or disk failure, or None if ``exc`` is not one."""
    from django.db import Error as DjangoDatabaseError

    driver = _driver_error(exc)
    if isinstance(exc, OSError) and not _is_driver_error(exc):
        return _os_error_message(exc)
    if not isinstance(exc, DjangoDatabaseError) and driver is None:
        return None
    said = _first_line(driver if driver is not None else exc)
    fault = _Fault(
        where=_database_label(),
        said=said,
        name=str(getattr(driver, "sqlite_errorname", "") or ""),
        state=str(getattr(driver, "sqlstate", "") or ""),
        text=said.lower(),
    )
    return (
        _storage_message(fault)
        or _server_message(fault)
        or _(
            "the database {where} refused the operation ({said}), so the last change was not "
            "stored: run the command again; if it happens again, report it with the traceback."
        ).format(where=fault.where, said=fault.said)
    )


@dataclass(frozen=True)
class _Fault:
    """What a database error says: where, its first line (and lower-cased), SQLite's error
    name and PostgreSQL's SQLSTATE (each empty when the other database failed)."""

    where: str
    said: str
    name: str
    state: str
    text: str


def _restart() -> str:
    """How to go on after a write that did not land (named in the full-disk and lost-server
    messages)."""
    return _(
        "an interrupted import goes on with its --resume, a batch job with `liaison jobs resume`"
    )


def _storage_message(fault: _Fault) -> str | None:
    """The file or storage side: read-only, cannot open, full, I/O error, locked, damaged."""
    where, name, state, text = fault.where, fault.name, fault.state, fault.text
    if (
        name.startswith("SQLITE_READONLY")
        or state == PG_READ_ONLY
        or "read-only" in text
        or ("readonly database" in text)
    ):
        if state == PG_READ_ONLY or "read-only transaction" in text:
            return _(
                "the database {where} is read-only (a standby server, or "
                "default_transaction_read_only is on), so nothing was changed: point "
                "DATABASE_URL at the primary server or turn read-only off, then run the "
                "command again."
            ).format(where=where)
        return _(
            "the database {where} is read-only, so nothing was changed: make the file, its "
            "directory and its file system writable for the user running liaison (or point "
            "LIAISON_SQLITE_PATH at a writable copy), then run the command again."
        ).format(where=where)
    if name.startswith("SQLITE_CANTOPEN") or "unable to open database file" in text:
        return _(
            "cannot open the database {where}: its directory is missing, unreadable or "
            "read-only (SQLite writes its -wal and -shm files beside the database): make the "
            "directory writable for the user running liaison (or set LIAISON_SQLITE_PATH), "
            "then run the command again."
        ).format(where=where)
    if name == "SQLITE_FULL" or state == PG_DISK_FULL or "disk is full" in text:
        return _(
            "the disk holding the database {where} is full, so the last change was not "
            "stored: free some space, then run the command again ({restart})."
        ).format(where=where, restart=_restart())
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return _(
            "the database {where} could not be read or written (disk I/O error): check that "
            "its disk is not full (df) and is healthy, then run the command again ({restart})."
        ).format(where=where, restart=_restart())
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "database is locked" in text:
        return _(
            "the database {where} stayed locked by another process: wait for it to finish "
            "(or stop it), then run the command again."
        ).format(where=where)
    if name in ("SQLITE_CORRUPT", "SQLITE_NOTADB") or "not a database" in text:
        return _(
            "{where} is not a readable Liaison database (damaged, or not SQLite): restore it "
            "from a backup (`liaison restore FILE`) or point LIAISON_SQLITE_PATH at the right "
            "file."
        ).format(where=where)
    return None


def _server_message(fault: _Fault) -> str | None:
    """The schema and server side: not set up, no such database, sign-in, lost, unreachable,
    a conflict worth retrying."""
    where, said, state, text = fault.where, fault.said, fault.state, fault.text
    if state == PG_UNDEFINED_TABLE or "no such table" in text:
        return _("the database {where} is not set up ({said}): run `liaison init` first.").format(
            where=where, said=said
        )
    if state == PG_UNKNOWN_DATABASE or ('database "' in text and "does not exist" in text):
        return _(
            "the database {where} does not exist on its server: create it (createdb) and run "
            "`liaison init`, or correct DATABASE_URL."
        ).format(where=where)
    if state in PG_SIGN_IN or "authentication failed" in text or "no password supplied" in text:
        return _(
            "the database server refused the sign-in for {where} ({reason}): correct the user "
            "or password in DATABASE_URL, then run the command again."
        ).format(where=where, reason=_reason(said))
    if state in PG_GONE or "server closed the connection" in text or "terminating" in text:
        return _(
            "the connection to the database server for {where} was lost ({reason}), so the "
            "last change was not stored: run the command again when the server is back "
            "({restart})."
        ).format(where=where, reason=_reason(said), restart=_restart())
    if (
        state.startswith("08")
        or "connection failed" in text
        or "could not connect" in text
        or "connection refused" in text
        or "could not translate host name" in text
        or "timeout expired" in text
    ):
        return _(
            "cannot connect to the database server for {where} ({reason}): start the server or "
            "correct DATABASE_URL, then run the command again."
        ).format(where=where, reason=_reason(said))
    if state in PG_RETRY:
        return _(
            "the database {where} gave up on a conflict with other work ({said}): run the "
            "command again."
        ).format(where=where, said=said)
    return None


def _os_error_message(exc: OSError) -> str:
    what = exc.filename if exc.filename is not None else _("the disk")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return _(
            "no space left for {what} ({said}): free some space, then run the command again."
        ).format(what=what, said=exc.strerror or exc)
    if exc.errno == errno.EROFS:
        return _(
            "{what} is on a read-only file system: remount it writable or use another "
            "directory (LIAISON_VAR_DIR), then run the command again."
        ).format(what=what)
    if exc.errno in (errno.EACCES, errno.EPERM):
        return _(
            "permission denied for {what}: give the user running liaison access to it, then "
            "run the command again."
        ).format(what=what)
    return _("{said}: {what}.").format(said=exc.strerror or type(exc).__name__, what=what)


def _driver_error(exc: BaseException) -> BaseException | None:
    """The SQLite or psycopg error behind ``exc`` (Django keeps it as ``__cause__``)."""
    seen: BaseException | None = exc
    for _depth in range(5):
        if seen is None:
            return None
        if _is_driver_error(seen):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _is_driver_error(exc: BaseException) -> bool:
    module = type(exc).__module__
    return module == "sqlite3" or module.startswith("psycopg")


def _first_line(exc: BaseException) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


def _reason(said: str) -> str:
    """The last clause of a libpq message: 'Connection refused', 'password authentication...'."""
    return said.rsplit(": ", 1)[-1].strip() or said


def _database_label() -> str:
    """Which database: the SQLite file, or PostgreSQL's name at host:port (never a password)."""
    try:
        from django.conf import settings

        db: dict[str, Any] = settings.DATABASES["default"]
    except Exception:  # settings that cannot load still leave an error to name
        return _("(the configured database)")
    if str(db.get("ENGINE", "")).endswith("sqlite3"):
        return str(db.get("NAME", ""))
    host = db.get("HOST") or "localhost"
    port = db.get("PORT") or "5432"
    return f"{db.get('NAME', '')} at {host}:{port}"
