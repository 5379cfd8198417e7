"""What the backup tests do to a database, in the test process or in a child process.

A child process (``python -m liaison.ops.tests.steps STEP ...``) runs one step against the
SQLite file named by ``LIAISON_SQLITE_PATH``, as ``liaison backup`` and ``liaison restore`` run
against the live file: the test process's own SQLite database is in memory.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

WRITER_READY = "writing"


def database_snapshot() -> dict[str, list[str]]:
    """Every row of every table, plus the state of the id sequences, as comparable text."""
    from django.db import connection

    snapshot: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            snapshot[table] = sorted(_text(row) for row in cursor.fetchall())
        # New rows after a restore must get fresh ids: the sequences are restored too.
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, seq FROM sqlite_sequence")
        else:
            cursor.execute("SELECT schemaname, sequencename, last_value FROM pg_sequences")
        snapshot["(sequences)"] = sorted(_text(row) for row in cursor.fetchall())
    return snapshot


def snapshot_differences(
    before: dict[str, list[str]], after: dict[str, list[str]]
) -> dict[str, str]:
    """Per table, how ``after`` differs from ``before`` (empty when they are equal)."""
    differences = {}
    for table in sorted(before.keys() | after.keys()):
        old, new = set(before.get(table, [])), set(after.get(table, []))
        if table not in after or table not in before:
            differences[table] = "missing" if table not in after else "extra table"
        elif old != new or len(before[table]) != len(after[table]):
            differences[table] = f"{len(old - new)} rows lost, {len(new - old)} rows added"
    return differences


def mutate_through_services() -> None:
    """Edit, delete and add records through the services, as users would after a backup."""
    from liaison.contacts.models import Contact, ContactType
    from liaison.contacts.services import contact_create, contact_delete
    from liaison.sales.models import Customer
    from liaison.sales.services import customer_update

    customer = Customer.objects.filter(links__isnull=False).order_by("pk").first()
    assert customer is not None, "the demo company has linked customers"
    customer_update(customer=customer, data={"phone_no": "+47 99 99 99 99"})
    person = Contact.objects.filter(type=ContactType.PERSON).order_by("pk").first()
    assert person is not None, "the demo company has persons"
    contact_delete(contact=person)
    contact_create(data={"name": "Added after the backup"})


def _text(row: tuple[Any, ...]) -> str:
    return repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))


def _prepare(companies: int) -> None:
    from django.core.management import call_command

    from liaison.demo import demo_load
    from liaison.setup import setup_all

    call_command("migrate", interactive=False, verbosity=0)
    setup_all()
    demo_load(companies)


def _write_until(stop: Path) -> None:
    """Edit one linked customer's phone again and again (each edit also rewrites its contact)
    until ``stop`` exists; prints how many edits were committed."""
    from liaison.sales.models import Customer
    from liaison.sales.services import customer_update

    customer = Customer.objects.filter(links__isnull=False).order_by("pk").first()
    assert customer is not None
    deadline = time.monotonic() + 120
    writes = 0
    while not stop.exists() and time.monotonic() < deadline:
        phone = f"+47 22 {writes // 10_000 % 100:02d} {writes // 100 % 100:02d} {writes % 100:02d}"
        customer, _ = customer_update(customer=customer, data={"phone_no": phone})
        writes += 1
        if writes == 1:
            print(WRITER_READY, flush=True)
    print(writes, flush=True)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "liaison.settings")
    import django

    django.setup()
    from liaison.ops.backup import backup_main, restore_main

    step, *rest = argv
    if step == "prepare":
        _prepare(int(rest[0]))
    elif step == "snapshot":
        print(json.dumps(database_snapshot()))
    elif step == "mutate":
        mutate_through_services()
    elif step == "write-until":
        _write_until(Path(rest[0]))
    elif step == "backup":
        return backup_main(rest)
    elif step == "restore":
        return restore_main(rest)
    else:
        raise SystemExit(f"unknown step {step}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
