"""``liaison bench``: benchmark figures, printed as a table and written as JSON.

Each workload runs in a child process on a fresh database (a new SQLite file under
``var/bench/``, or the PostgreSQL database named by ``--postgres``, which is emptied first), so
a benchmark never touches real data. Figures are for docs and notes; tests never assert them.

Workloads (N is the number of customers, or contacts, the workload is about):
- W1: import N new customers from a CSV file (``csvio.csv_import``); each gets its company
  contact, link and primary contact.
- W2: batch "create contacts from customers" over N existing unlinked customers.
- W3: bulk edit of the phone number of N company contacts, each linked to a customer, a vendor
  and a bank account (``bulk.contacts_bulk_update``); the engine carries it to all 3N records.
- W4 (``--latency``): single-edit latency through the service and the API in process.
- W5 (``--search``): search over N contacts, p50/p95/p99 per kind of query (``bench_search``).
- W6 (``--http``): GET and PATCH throughput on the real server, gunicorn with 2 workers
  (``bench_http``).

Fixture data is written in bulk and not timed. After each workload the same process measures a
floor: the rows the workload inserted, and the columns it updated, written again with the
driver's fastest path (``executemany`` on SQLite; ``COPY``, and for updates ``COPY`` into a
temporary table plus one ``UPDATE ... FROM``, on PostgreSQL) into scratch copies of the same
tables (same columns, keys and indexes), in one transaction. A copy of a table the workload
updates holds its rows as they were before the run, so the floor changes the same values.
``ratio`` is our seconds over the floor's: how many times the driver's own time we take.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUICK_SIZES = (500,)
FULL_SIZES = (10_000, 100_000)
WORKLOADS = ("W1", "W2", "W3")
FIXTURE_CHUNK = 1000  # fixture memory stays below the workload's own chunks of 1,000
FLOOR_CHUNK = 50_000  # rows the floor reads at a time from a table our run wrote
_STAMP_COLUMNS = ("phone_no", "phone_e164", "modified_at", "version")


def _phone(i: int) -> str:
    return f"+47 2{i % 10} {i % 100:02d} {i // 100 % 100:02d} {i // 10_000 % 100:02d}"


def _party(i: int, kind: str) -> dict[str, Any]:
    """The shared field values of the i-th fixture party (one family shares them)."""
    from liaison.core.fields import phone_e164

    phone = _phone(i)
    return {
        "name": f"{kind} {i}",
        "search_name": f"{kind.upper()} {i}",
        "address": f"{i % 300} Main Street",
        "city": ("Oslo", "Bergen", "Berlin", "Paris")[i % 4],
        "country_code": ("NO", "NO", "DE", "FR")[i % 4],
        "phone_no": phone,
        "phone_e164": phone_e164(phone),
        "email": f"{kind.lower()}{i}@example.com",
    }


def _prepare_unlinked_customers(n: int) -> None:
    """W2 fixture: N customers written in bulk, with no contact."""
    from django.db import transaction

    from liaison.sales.models import Customer

    for start in range(0, n, FIXTURE_CHUNK):
        rows = [
            Customer(number=f"BC{i:07d}", payment_terms_code="14 DAYS", **_party(i, "Customer"))
            for i in range(start, min(n, start + FIXTURE_CHUNK))
        ]
        with transaction.atomic():
            Customer.objects.bulk_create(rows, batch_size=1000)


def _prepare_customer_csv(n: int, tmp: Path) -> Path:
    """W1 fixture: a CSV of N new customers with their own numbers (a legacy system's), so
    the customer series must allow typed numbers."""
    from liaison.core.models import NoSeries

    NoSeries.objects.filter(code="CUST").update(manual_nos=True)
    path = tmp / "customers.csv"
    columns = ("number", "name", "address", "city", "country_code", "phone_no", "email")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow((*columns, "payment_terms_code"))
        for i in range(n):
            values = {"number": f"IC{i:07d}", **_party(i, "Customer")}
            writer.writerow([*(values[c] for c in columns), "14 DAYS"])
    return path


def _hub_number(i: int) -> str:
    return f"HC{i:07d}"


def _prepare_linked_hubs(n: int) -> None:
    """W3 fixture: N company contacts (numbered by ``_hub_number``), each linked to a customer,
    a vendor and a bank account holding the same shared values, as the engine would have left
    them."""
    from django.db import models, transaction

    from liaison.banking.models import BankAccount
    from liaison.contacts.models import Contact
    from liaison.purchases.models import Vendor
    from liaison.relations.models import ContactBusinessRelation
    from liaison.relations.selectors import marketing_setup_get
    from liaison.sales.models import Customer

    setup = marketing_setup_get()
    codes = {
        "customer": setup.bus_rel_code_for_customers,
        "vendor": setup.bus_rel_code_for_vendors,
        "bank_account": setup.bus_rel_code_for_bank_accounts,
    }
    for start in range(0, n, FIXTURE_CHUNK):
        span = range(start, min(n, start + FIXTURE_CHUNK))
        hubs = [
            Contact(
                number=_hub_number(i),
                company_name=f"Company {i}",
                search_email=f"company{i}@example.com".upper(),
                business_relation_summary="multiple",
                **_party(i, "Company"),
            )
            for i in span
        ]
        with transaction.atomic():
            Contact.objects.bulk_create(hubs, batch_size=1000)
            links = []
            kinds: tuple[tuple[type[models.Model], str, str], ...] = (
                (Customer, "customer", "HU"),
                (Vendor, "vendor", "HV"),
                (BankAccount, "bank_account", "HB"),
            )
            for model, kind, prefix in kinds:
                records = [
                    model(
                        number=f"{prefix}{i:07d}",
                        **_party(i, "Company"),
                        **({} if kind == "bank_account" else {"primary_contact": hub}),
                    )
                    for i, hub in zip(span, hubs, strict=True)
                ]
                model._default_manager.bulk_create(records, batch_size=1000)
                links += [
                    ContactBusinessRelation(
                        contact=hub, business_relation=codes[kind], link_to_table=kind, **{kind: r}
                    )
                    for hub, r in zip(hubs, records, strict=True)
                ]
            ContactBusinessRelation.objects.bulk_create(links, batch_size=1000)


@dataclass(frozen=True)
class Workload:
    """How to set a workload up (not timed), run it (timed) and which rows its floor writes."""

    prepare: Callable[[int, Path], Any]
    run: Callable[[int, Any], None]
    inserts: tuple[str, ...]
    updates: tuple[tuple[str, tuple[str, ...]], ...]


def _run_w1(n: int, path: Path) -> None:
    from liaison.relations.csvio import csv_import

    with open(path, encoding="utf-8", newline="") as fh:
        result = csv_import("customer", fh, chunk_size=1000)
    assert result.created == n and not result.errors, result.summary()


def _run_w2(n: int, _: object) -> None:
    from liaison.relations.services import contacts_create_from

    result = contacts_create_from("customer", chunk_size=1000)
    assert result.created == n, result


def _run_w3(n: int, _: object) -> None:
    from liaison.relations.bulk import contacts_bulk_update

    report = contacts_bulk_update(
        (
            (_hub_number(i), {"phone_no": f"+47 9{i % 10} 00 {i // 100 % 100:02d} {i % 100:02d}"})
            for i in range(n)
        ),
        chunk_size=1000,
    )
    assert report.updated == n and report.written.total() == 3 * n, report.describe()


_CONTACTS, _LINKS = "contacts_contact", "relations_contactbusinessrelation"
_AUDIT = "audit_auditentry"  # every workload writes its audit rows: the floor writes them too
WORKLOAD_DEFS = {
    "W1": Workload(
        prepare=_prepare_customer_csv,
        run=_run_w1,
        inserts=("sales_customer", _CONTACTS, _LINKS, _AUDIT),
        updates=(),
    ),
    "W2": Workload(
        prepare=lambda n, _: _prepare_unlinked_customers(n),
        run=_run_w2,
        inserts=(_CONTACTS, _LINKS, _AUDIT),
        updates=(("sales_customer", ("primary_contact_id",)),),
    ),
    "W3": Workload(
        prepare=lambda n, _: _prepare_linked_hubs(n),
        run=_run_w3,
        inserts=(_AUDIT,),
        updates=tuple(
            (t, _STAMP_COLUMNS)
            for t in (_CONTACTS, "sales_customer", "purchases_vendor", "banking_bankaccount")
        ),
    ),
}


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
        if table == _CONTACTS:
            # The contacts' search index is part of the table on both backends: PostgreSQL's
            # copy has its trigram indexes (INCLUDING ALL), SQLite's gets its FTS5 table and
            # triggers here, so that both floors maintain the index ours maintains.
            for statement in search_sqlite_statements():
                cur.execute(statement.replace(_CONTACTS, scratch))
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
class _Scratch:
    """The scratch copy of each table, and for an inserted-into table its last key before the
    run (the floor writes the rows the run added, not fixture rows already there)."""

    names: dict[str, str]
    after: dict[str, int]


def _scratch_prepare(workload: Workload) -> _Scratch:
    """Before the run, not timed: an empty copy of each table the workload inserts into, and a
    copy holding the rows as they are before the run of each table it updates.

    So the floor changes the values ours changes. Writing equal values again would be cheaper
    than the real change: SQLite's search-index trigger skips rows whose searched columns kept
    their values, and PostgreSQL updates a row in place (no index entries) when no indexed
    value moved.
    """
    from django.db import DatabaseError, connection, transaction

    scratch = _Scratch({}, {})
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


def _floor(workload: Workload, scratch: _Scratch) -> float:
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
            if vendor == "sqlite" and name == f"scratch_{_CONTACTS}":
                cur.execute(f'DROP TABLE "{FTS_TABLE.replace(_CONTACTS, name)}"')
    return seconds


def _percentiles(label: str, millis: list[float]) -> dict[str, float]:
    ordered = sorted(millis)

    def at(p: int) -> float:
        return round(ordered[max(0, -(-len(ordered) * p // 100) - 1)], 2)

    return {f"{label}_p50_ms": at(50), f"{label}_p95_ms": at(95), f"{label}_p99_ms": at(99)}


def _latency(edits: int) -> dict[str, Any]:
    """W4: single-edit latency of a contact with three links, through the service and through
    the HTTP API (Django's full request stack in process; W6 would add a real server)."""
    from django.db import connection
    from django.test import Client

    from liaison.accounts.services import token_create, user_create
    from liaison.contacts.services import contact_create, contact_update
    from liaison.records.services import record_create_from_contact

    hub = contact_create(data={"name": "Latency Hub", "country_code": "NO"})
    for kind in ("customer", "vendor", "bank_account"):
        record_create_from_contact(kind, contact=hub, template_code="")
    service: list[float] = []
    for i in range(edits):
        started = time.perf_counter()
        contact_update(
            contact=hub, data={"phone_no": f"+47 22 {i // 10_000 % 100:02d} {i % 10_000:04d}"}
        )
        service.append((time.perf_counter() - started) * 1000)
    user_create(username="bench", password=os.urandom(16).hex(), role="editor")
    _, secret, _ = token_create(username="bench")
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    api: list[float] = []
    for i in range(edits):
        body = json.dumps({"phone_no": f"+47 23 {i // 10_000 % 100:02d} {i % 10_000:04d}"})
        started = time.perf_counter()
        response = client.patch(
            f"/api/v1/contacts/{hub.number}", body, content_type="application/json"
        )
        api.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    return {
        "workload": "W4",
        "backend": connection.vendor,
        "n": edits,
        **_percentiles("service", service),
        **_percentiles("api", api),
    }


def _second_contact_series_line() -> None:
    """The default contact series holds 999,999 numbers (CT000001 to CT999999), one short of a
    million new contacts: as a business that outgrows it would, the bench adds a second line."""
    from liaison.core.models import NoSeries, NoSeriesLine

    NoSeriesLine.objects.get_or_create(
        series=NoSeries.objects.get(code="CONT"),
        line_no=20000,
        defaults={"starting_no": "CT1000000", "ending_no": "CT9999999"},
    )


def _worker(workload: str, n: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from liaison.relations.services import setup_init

    if workload == "W4":
        call_command("migrate", interactive=False, verbosity=0)
        setup_init()
        return _latency(n)
    if workload in ("W5", "W6"):
        from liaison.bench_http import run_http
        from liaison.bench_search import run_search

        call_command("migrate", interactive=False, verbosity=0)
        setup_init()
        if workload == "W5":
            return run_search(n, int(os.environ.get("LIAISON_BENCH_QUERIES", "200")))
        return run_http(n, float(os.environ.get("LIAISON_BENCH_SECONDS", "10")))
    if workload not in WORKLOAD_DEFS:
        raise SystemExit(f"unknown workload {workload}")
    spec = WORKLOAD_DEFS[workload]
    call_command("migrate", interactive=False, verbosity=0)
    setup_init()
    _second_contact_series_line()
    with tempfile.TemporaryDirectory() as tmp:
        state = spec.prepare(n, Path(tmp))
        scratch = _scratch_prepare(spec)
        started = time.perf_counter()
        spec.run(n, state)
        seconds = time.perf_counter() - started
    # Read before the floor, whose reads of the written rows are not ours.
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = _floor(spec, scratch)
    return {
        "workload": workload,
        "backend": connection.vendor,
        "n": n,
        "seconds": round(seconds, 3),
        "rows_per_s": round(n / seconds),
        "floor_seconds": round(floor, 3),
        "floor_rows_per_s": round(n / floor),
        "ratio": round(seconds / floor, 1),
        "peak_rss_mb": round(peak_rss, 1),
    }


def _run_child(
    workload: str, n: int, postgres: str | None, var: Path, extra: dict[str, str] | None = None
) -> dict[str, Any]:
    env = {**os.environ, **(extra or {})}
    if postgres:
        env["DATABASE_URL"] = postgres
        env["LIAISON_BENCH_RESET"] = "1"
    else:
        env.pop("DATABASE_URL", None)
        db = var / f"bench-{workload}-{n}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        env["LIAISON_SQLITE_PATH"] = str(db)
    out = subprocess.run(
        [sys.executable, "-m", "liaison.bench", "--worker", workload, str(n)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _reset_postgres() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")


_COLUMNS = (
    ("workload", "workload", "<9"),
    ("backend", "backend", "<12"),
    ("N", "n", ">9"),
    ("seconds", "seconds", ">9"),
    ("rows/s", "rows_per_s", ">9"),
    ("floor rows/s", "floor_rows_per_s", ">14"),
    ("ratio", "ratio", ">7"),
    ("peak RSS MB", "peak_rss_mb", ">13"),
)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table; ``--worker`` is the child-process entry."""
    parser = argparse.ArgumentParser(prog="liaison bench")
    parser.add_argument("--quick", action="store_true", help="small N, for CI smoke runs")
    parser.add_argument("--sizes", help="comma-separated N values")
    parser.add_argument(
        "--workloads", default=",".join(WORKLOADS), help="comma-separated, e.g. W1,W3"
    )
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (it is emptied!)")
    parser.add_argument("--no-sqlite", action="store_true", help="with --postgres: only there")
    parser.add_argument(
        "--latency",
        type=int,
        metavar="EDITS",
        help="also W4: single-edit latency over EDITS edits (default 1000; 50 with --quick)",
    )
    parser.add_argument(
        "--search",
        type=int,
        nargs="?",
        const=1_000_000,
        metavar="N",
        help="also W5: search over N contacts (default 1,000,000; 2,000 with --quick)",
    )
    parser.add_argument("--queries", type=int, help="W5 queries (default 200; 21 with --quick)")
    parser.add_argument(
        "--http",
        type=float,
        nargs="?",
        const=10.0,
        metavar="SECONDS",
        help="also W6: GET and PATCH throughput on gunicorn, SECONDS each (default 10; "
        "1 with --quick)",
    )
    parser.add_argument(
        "--only", action="store_true", help="skip W1-W3 (run only --latency/--search/--http)"
    )
    parser.add_argument("--json", default="var/bench/results.json")
    parser.add_argument("--worker", nargs=2, metavar=("WORKLOAD", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
        import django

        django.setup()
        if os.environ.get("LIAISON_BENCH_RESET"):
            _reset_postgres()
        print(json.dumps(_worker(args.worker[0], int(args.worker[1]))))
        return 0
    workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    unknown = sorted(set(workloads) - set(WORKLOADS))
    if unknown:
        parser.error(f"unknown workloads {', '.join(unknown)}: choose from {', '.join(WORKLOADS)}")
    sizes = (
        tuple(int(s) for s in args.sizes.split(","))
        if args.sizes
        else (QUICK_SIZES if args.quick else FULL_SIZES)
    )
    var = Path(args.json).parent
    var.mkdir(parents=True, exist_ok=True)
    results = []
    backends: list[str | None] = ([] if args.no_sqlite and args.postgres else [None]) + (
        [args.postgres] if args.postgres else []
    )
    print("".join(f"{title:{fmt}}" for title, _, fmt in _COLUMNS))
    for backend in backends if not args.only else []:
        for n in sizes:
            for workload in workloads:
                row = _run_child(workload, n, backend, var)
                results.append(row)
                print("".join(f"{row[key]:{fmt}}" for _, key, fmt in _COLUMNS), flush=True)
    edits = args.latency or (50 if args.quick else None)
    if edits:
        print("\nW4 single-edit latency, contact with three links (ms)")
        print(f"{'backend':<12}{'edits':>7}  {'path':<8}{'p50':>8}{'p95':>8}{'p99':>8}")
        for backend in backends:
            row = _run_child("W4", edits, backend, var)
            results.append(row)
            for path in ("service", "api"):
                print(
                    f"{row['backend']:<12}{row['n']:>7}  {path:<8}{row[f'{path}_p50_ms']:>8}"
                    f"{row[f'{path}_p95_ms']:>8}{row[f'{path}_p99_ms']:>8}",
                    flush=True,
                )
    searched = args.search or (2_000 if args.quick else None)
    if searched:
        queries = str(args.queries or (21 if args.quick else 200))
        print("\nW5 search: first page of the contact list (API selector), per kind of query (ms)")
        print(f"{'backend':<12}{'N':>10}  {'query':<7}{'p50':>8}{'p95':>8}{'p99':>8}{'hits':>6}")
        for backend in backends:
            extra = {"LIAISON_BENCH_QUERIES": queries}
            row = _run_child("W5", searched, backend, var, extra)
            results.append(row)
            for kind in ("name", "phone", "email", "all"):
                hits = row.get(f"{kind}_hits_median", "")
                print(
                    f"{row['backend']:<12}{row['n']:>10,}  {kind:<7}{row[f'{kind}_p50_ms']:>8}"
                    f"{row[f'{kind}_p95_ms']:>8}{row[f'{kind}_p99_ms']:>8}{hits:>6}",
                    flush=True,
                )
    seconds = args.http or (1.0 if args.quick else None)
    if seconds:
        print("\nW6 HTTP on gunicorn (2 workers), one contact per request")
        print(
            f"{'backend':<12}{'method':<8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}"
            f"{'server CPU ms':>15}{'client CPU ms':>15}"
        )
        for backend in backends:
            contacts = 1_000 if args.quick else 10_000
            row = _run_child("W6", contacts, backend, var, {"LIAISON_BENCH_SECONDS": str(seconds)})
            results.append(row)
            for method in ("get", "patch"):
                print(
                    f"{row['backend']:<12}{method.upper():<8}{row[f'{method}_per_s']:>8}"
                    f"{row[f'{method}_p50_ms']:>9}{row[f'{method}_p95_ms']:>9}"
                    f"{row[f'{method}_errors']:>8}{row[f'{method}_server_cpu_ms']:>15}"
                    f"{row[f'{method}_client_cpu_ms']:>15}",
                    flush=True,
                )
    Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
