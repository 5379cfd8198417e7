"""``liaison bench``: benchmark figures, printed as a table and written as JSON.

Each workload runs in a child process on a fresh database (a new SQLite file under
``var/bench/``, or on the ``--postgres`` server a database the run creates for it and drops
afterwards, see ``bench.scratchdb``), so a benchmark never touches real data. Figures are for
docs and notes; tests never assert them.

The workloads are in ``bench.workloads`` (W1-W4; W8, ``liaison duplicates index``),
``bench.search`` (W5, ``--search``), ``bench.http`` (W6, ``--http``: GET and PATCH throughput
on the real server, gunicorn with 2 workers), ``bench.single`` (W7, ``--single``: one record
at a time, statements and latency) and ``bench.merge`` (W9, ``--merges``); the raw-driver
floors W1-W3 and W8 are measured against are in ``bench.floors``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from liaison.bench.floors import floor_seconds, scratch_prepare
from liaison.bench.http import run_http
from liaison.bench.merge import run_merges
from liaison.bench.scratchdb import ScratchDatabaseError, scratch_postgres
from liaison.bench.search import run_search
from liaison.bench.single import run_single
from liaison.bench.workloads import (
    WORKLOAD_DEFS,
    WORKLOADS,
    add_second_contact_series_line,
    run_latency,
)

QUICK_SIZES = (500,)
FULL_SIZES = (10_000, 100_000)


def _worker(workload: str, n: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from liaison.setup import setup_all

    if workload == "W4":
        call_command("migrate", interactive=False, verbosity=0)
        setup_all()
        return run_latency(n, int(os.environ.get("LIAISON_BENCH_POPULATION", "0")))
    if workload == "W9":
        call_command("migrate", interactive=False, verbosity=0)
        setup_all()
        return run_merges(n)
    if workload == "W7":
        call_command("migrate", interactive=False, verbosity=0)
        setup_all()
        add_second_contact_series_line()
        return run_single(n, int(os.environ.get("LIAISON_BENCH_CALLS", "200")))
    if workload in ("W5", "W6"):
        call_command("migrate", interactive=False, verbosity=0)
        setup_all()
        if workload == "W5":
            return run_search(n, int(os.environ.get("LIAISON_BENCH_QUERIES", "200")))
        return run_http(n, float(os.environ.get("LIAISON_BENCH_SECONDS", "10")))
    if workload not in WORKLOAD_DEFS:
        raise SystemExit(f"unknown workload {workload}")
    spec = WORKLOAD_DEFS[workload]
    call_command("migrate", interactive=False, verbosity=0)
    setup_all()
    add_second_contact_series_line()
    with tempfile.TemporaryDirectory() as tmp:
        state = spec.prepare(n, Path(tmp))
        scratch = scratch_prepare(spec)
        started = time.perf_counter()
        spec.run(n, state)
        seconds = time.perf_counter() - started
    # Read before the floor, whose reads of the written rows are not ours.
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = floor_seconds(spec, scratch)
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
        with scratch_postgres(postgres) as scratch:
            env["DATABASE_URL"] = scratch
            return _child_output(workload, n, env)
    env.pop("DATABASE_URL", None)
    db = var / f"bench-{workload}-{n}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env["LIAISON_SQLITE_PATH"] = str(db)
    return _child_output(workload, n, env)


class ChildFailedError(Exception):
    """A workload's child process failed; its own error output has been printed."""


def _child_output(workload: str, n: int, env: dict[str, str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-m", "liaison.bench", "--worker", workload, str(n)],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise ChildFailedError(
            f"workload {workload} at N={n} failed (exit {out.returncode}); its output is above"
        )
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liaison bench")
    parser.add_argument("--quick", action="store_true", help="small N, for CI smoke runs")
    parser.add_argument("--sizes", help="comma-separated N values")
    parser.add_argument(
        "--workloads", default=",".join(WORKLOADS), help="comma-separated, e.g. W1,W3"
    )
    parser.add_argument(
        "--postgres",
        help="also run on this PostgreSQL server, in databases the run creates and drops "
        "(the database the URL names is never written; the role needs CREATEDB)",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="with --postgres: only there")
    parser.add_argument(
        "--latency",
        type=int,
        metavar="EDITS",
        help="also W4: single-edit latency over EDITS edits (default 1000; 50 with --quick)",
    )
    parser.add_argument(
        "--population",
        type=int,
        default=0,
        metavar="N",
        help="W4: N indexed company contacts the duplicate check searches (default 0)",
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
        "--merges",
        type=int,
        nargs="?",
        const=20,
        metavar="ROUNDS",
        help="also W9: ROUNDS merges of two families (default 20; 3 with --quick)",
    )
    parser.add_argument(
        "--single",
        type=int,
        nargs="?",
        const=200,
        metavar="CALLS",
        help="also W7: each single-record operation CALLS times (default 200; 10 with --quick) "
        "over the --sizes existing families, with its statements per call and p50/p95",
    )
    parser.add_argument(
        "--only",
        action="store_true",
        help="skip W1-W3 (run only --latency/--search/--http/--single)",
    )
    parser.add_argument("--json", default="var/bench/results.json")
    parser.add_argument("--worker", nargs=2, metavar=("WORKLOAD", "N"), help=argparse.SUPPRESS)
    return parser


def _worker_main(workload: str, n: int) -> int:
    """The child process: set Django up on the database the parent chose, run, print JSON."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()
    print(json.dumps(_worker(workload, n)))
    return 0


def _throughput(
    backends: list[str | None], sizes: tuple[int, ...], workloads: list[str], var: Path
) -> list[dict[str, Any]]:
    """W1-W3: one table row per backend, N and workload."""
    results = []
    for backend in backends:
        for n in sizes:
            for workload in workloads:
                row = _run_child(workload, n, backend, var)
                results.append(row)
                print("".join(f"{row[key]:{fmt}}" for _, key, fmt in _COLUMNS), flush=True)
    return results


def _latency(
    backends: list[str | None], edits: int, population: int, var: Path
) -> list[dict[str, Any]]:
    """W4: single-edit latency through the service (with and without the duplicate check)
    and through the API."""
    results = []
    print(
        f"\nW4 single-edit latency, contact with three links, {population:,} indexed companies "
        "(ms; nodup: Maintain Dupl. Search Strings off)"
    )
    print(f"{'backend':<12}{'edits':>7}  {'path':<8}{'p50':>8}{'p95':>8}{'p99':>8}")
    for backend in backends:
        extra = {"LIAISON_BENCH_POPULATION": str(population)}
        row = _run_child("W4", edits, backend, var, extra)
        results.append(row)
        for path in ("service", "nodup", "api"):
            print(
                f"{row['backend']:<12}{row['n']:>7}  {path:<8}{row[f'{path}_p50_ms']:>8}"
                f"{row[f'{path}_p95_ms']:>8}{row[f'{path}_p99_ms']:>8}",
                flush=True,
            )
    return results


def _search(
    backends: list[str | None], searched: int, queries: str, var: Path
) -> list[dict[str, Any]]:
    """W5: the contact list's first page, per kind of query."""
    results = []
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
    return results


def _http(
    backends: list[str | None], seconds: float, contacts: int, var: Path
) -> list[dict[str, Any]]:
    """W6: GET and PATCH throughput on gunicorn."""
    results = []
    print("\nW6 HTTP on gunicorn (2 workers), one contact per request")
    print(
        f"{'backend':<12}{'method':<8}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}"
        f"{'server CPU ms':>15}{'client CPU ms':>15}"
    )
    for backend in backends:
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
    return results


def _single(
    backends: list[str | None], sizes: tuple[int, ...], calls: int, var: Path
) -> list[dict[str, Any]]:
    """W7: each single-record operation, statements per call and latency."""
    results = []
    print(f"\nW7 one record at a time, {calls} calls per operation")
    print(f"{'backend':<12}{'N':>9}  {'operation':<42}{'stmts':>6}{'p50 ms':>9}{'p95 ms':>9}")
    for backend in backends:
        for n in sizes:
            row = _run_child("W7", n, backend, var, {"LIAISON_BENCH_CALLS": str(calls)})
            results.append(row)
            for op in row["operations"]:
                print(
                    f"{row['backend']:<12}{row['n']:>9,}  {op['operation']:<42}"
                    f"{op['statements']:>6}{op['op_p50_ms']:>9}{op['op_p95_ms']:>9}",
                    flush=True,
                )
    return results


def _merges(backends: list[str | None], rounds: int, var: Path) -> list[dict[str, Any]]:
    """W9: merging two companies that each have a customer, 10 persons, 50 documents and 200
    interactions."""
    results = []
    print(f"\nW9 merge of two families, {rounds} merges (ms)")
    print(f"{'backend':<12}{'p50':>8}{'p95':>8}{'p99':>8}")
    for backend in backends:
        row = _run_child("W9", rounds, backend, var)
        results.append(row)
        print(
            f"{row['backend']:<12}{row['merge_p50_ms']:>8}{row['merge_p95_ms']:>8}"
            f"{row['merge_p99_ms']:>8}",
            flush=True,
        )
    return results


def _run_all(
    args: argparse.Namespace,
    backends: list[str | None],
    sizes: tuple[int, ...],
    workloads: list[str],
    var: Path,
) -> list[dict[str, Any]]:
    """Every workload the arguments ask for, in the table's order."""
    print("".join(f"{title:{fmt}}" for title, _, fmt in _COLUMNS))
    results = _throughput(backends if not args.only else [], sizes, workloads, var)
    edits = args.latency or (50 if args.quick else None)
    if edits:
        results += _latency(backends, edits, args.population, var)
    searched = args.search or (2_000 if args.quick else None)
    if searched:
        results += _search(
            backends, searched, str(args.queries or (21 if args.quick else 200)), var
        )
    seconds = args.http or (1.0 if args.quick else None)
    if seconds:
        results += _http(backends, seconds, 1_000 if args.quick else 10_000, var)
    rounds = args.merges or (3 if args.quick else None)
    if rounds:
        results += _merges(backends, rounds, var)
    calls = args.single or (10 if args.quick else None)
    if calls:
        results += _single(backends, (1_000,) if args.quick else sizes, calls, var)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table; ``--worker`` is the child-process entry."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.worker:
        return _worker_main(args.worker[0], int(args.worker[1]))
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
    backends: list[str | None] = ([] if args.no_sqlite and args.postgres else [None]) + (
        [args.postgres] if args.postgres else []
    )
    try:
        results = _run_all(args, backends, sizes, workloads, var)
    except (ScratchDatabaseError, ChildFailedError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    Path(args.json).write_text(json.dumps(results, indent=2))
    return 0
