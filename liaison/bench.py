"""``liaison bench``: benchmark figures, printed as a table and written as JSON.

Each workload runs in a child process on a fresh database (a new SQLite file under
``var/bench/``, or the PostgreSQL database named by ``--postgres``, which is emptied first), so
a benchmark never touches real data. Figures are for docs and notes; tests never assert them.

Workloads so far:
- W2: batch "create contacts from customers" over N existing unlinked customers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

QUICK_SIZES = (500,)
FULL_SIZES = (10_000, 100_000)


def _prepare_unlinked_customers(n: int) -> None:
    """Fixture data, not the measured path: N customers written in bulk, with no contact."""
    from django.db import transaction

    from liaison.core.fields import phone_e164
    from liaison.sales.models import Customer

    chunk = 5000
    for start in range(0, n, chunk):
        rows = []
        for i in range(start, min(n, start + chunk)):
            phone = f"+47 2{i % 10} {i % 100:02d} {i // 100 % 100:02d} {i // 10_000 % 100:02d}"
            rows.append(
                Customer(
                    number=f"BC{i:07d}",
                    name=f"Customer {i}",
                    search_name=f"CUSTOMER {i}",
                    address=f"{i % 300} Main Street",
                    city=("Oslo", "Bergen", "Berlin", "Paris")[i % 4],
                    country_code=("NO", "NO", "DE", "FR")[i % 4],
                    phone_no=phone,
                    phone_e164=phone_e164(phone),
                    email=f"customer{i}@example.com",
                    payment_terms_code="14 DAYS",
                )
            )
        with transaction.atomic():
            Customer.objects.bulk_create(rows, batch_size=1000)


def _worker(workload: str, n: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection

    from liaison.relations.services import contacts_create_from, setup_init

    call_command("migrate", interactive=False, verbosity=0)
    setup_init()
    if workload != "W2":
        raise SystemExit(f"unknown workload {workload}")
    _prepare_unlinked_customers(n)
    started = time.perf_counter()
    result = contacts_create_from("customer", chunk_size=1000)
    seconds = time.perf_counter() - started
    assert result.created == n, result
    return {
        "workload": workload,
        "backend": connection.vendor,
        "n": n,
        "seconds": round(seconds, 3),
        "rows_per_s": round(n / seconds),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def _run_child(workload: str, n: int, postgres: str | None, var: Path) -> dict[str, Any]:
    env = dict(os.environ)
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


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks and print the table; ``--worker`` is the child-process entry."""
    parser = argparse.ArgumentParser(prog="liaison bench")
    parser.add_argument("--quick", action="store_true", help="small N, for CI smoke runs")
    parser.add_argument("--sizes", help="comma-separated N values")
    parser.add_argument("--postgres", help="also run on this PostgreSQL URL (it is emptied!)")
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
    sizes = (
        tuple(int(s) for s in args.sizes.split(","))
        if args.sizes
        else (QUICK_SIZES if args.quick else FULL_SIZES)
    )
    var = Path(args.json).parent
    var.mkdir(parents=True, exist_ok=True)
    results = []
    backends: list[str | None] = [None] + ([args.postgres] if args.postgres else [])
    print(
        f"{'workload':<9}{'backend':<12}{'N':>10}{'seconds':>10}{'rows/s':>10}{'peak RSS MB':>13}"
    )
    for backend in backends:
        for n in sizes:
            row = _run_child("W2", n, backend, var)
            results.append(row)
            print(
                f"{row['workload']:<9}{row['backend']:<12}{row['n']:>10}{row['seconds']:>10}"
                f"{row['rows_per_s']:>10}{row['peak_rss_mb']:>13}",
                flush=True,
            )
    Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
