"""The PostgreSQL database a benchmark run works in: its own, made and dropped by the run.

``liaison bench --postgres URL`` used to empty the database the URL names (``DROP SCHEMA public
CASCADE``), so a URL pointing at real data would have wiped it. The URL now only says which
server and role to use: each workload runs in a database of its own that the run creates on that
server (``liaison_bench_<random>``) and drops afterwards, also when the workload fails or is
interrupted. The database the URL names is connected to (to issue CREATE/DROP DATABASE) and
never written. A role without CREATEDB gets a clear refusal instead of a run.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    import psycopg

SCRATCH_PREFIX = "liaison_bench_"


class ScratchDatabaseError(Exception):
    """The server refused to create the scratch database (no CREATEDB, unreachable ...)."""


def _admin_connect(url: str) -> psycopg.Connection[Any]:
    import psycopg

    return psycopg.connect(url, autocommit=True)


@contextmanager
def scratch_postgres(url: str) -> Iterator[str]:
    """Create an empty database on ``url``'s server, yield its URL, drop it on the way out."""
    import psycopg
    from psycopg import sql

    name = f"{SCRATCH_PREFIX}{secrets.token_hex(6)}"
    try:
        with _admin_connect(url) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise ScratchDatabaseError(
            f"cannot create the benchmark's own database {name} on {_where(url)}: "
            f"{str(exc).strip()} (the role needs CREATEDB; the database in the URL is never "
            "written)"
        ) from exc
    try:
        yield urlunsplit(urlsplit(url)._replace(path=f"/{name}"))
    finally:
        with _admin_connect(url) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _where(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
