"""W7 (``--single``): one record at a time, as a person at the UI or an integrator calls it.

Each operation of issue #21's list runs K times through its service, over a fixture of N
existing contacts each linked to a customer, a vendor and a bank account (W3's, written in bulk
and not timed). Every call is timed on its own and its SQL statements counted (Django's
``execute_wrapper``: a counter, cheaper than recording the SQL), so the table shows, per
operation, the statements one call sends and its p50/p95 latency. Each operation works on its
own slice of the fixture, so no call sees another operation's leftovers.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from liaison.bench.search import percentiles
from liaison.bench.workloads import FIXTURE_CHUNK, hub_number, party_values, prepare_linked_hubs


@dataclass(frozen=True)
class Operation:
    """One single-record operation: ``setup(i)`` (not timed) returns the arguments of ``call``."""

    name: str
    setup: Callable[[int], Any]
    call: Callable[[Any], object]


def _hub(i: int) -> Any:
    from liaison.contacts.models import Contact

    return Contact.objects.get(number=hub_number(i))


def _record(kind: str, i: int) -> Any:
    from liaison.records.kinds import RECORD_KINDS

    prefix = {"customer": "HU", "vendor": "HV", "bank_account": "HB"}[kind]
    return RECORD_KINDS[kind].model._default_manager.get(number=f"{prefix}{i:07d}")


def _loose_contact(i: int) -> Any:
    from liaison.contacts.models import Contact

    return Contact.objects.get(number=f"LC{i:07d}")


def _prepare_loose(n: int) -> None:
    """Company contacts and customers and vendors with no link, for the create-from and link
    operations (bulk, not timed)."""
    from django.db import transaction

    from liaison.contacts.models import Contact
    from liaison.purchases.models import Vendor
    from liaison.sales.models import Customer

    for start in range(0, n, FIXTURE_CHUNK):
        span = range(start, min(n, start + FIXTURE_CHUNK))
        with transaction.atomic():
            Contact.objects.bulk_create(
                Contact(
                    number=f"LC{i:07d}",
                    company_name=f"Loose {i}",
                    search_email=f"loose{i}@example.com".upper(),
                    **party_values(i, "Loose"),
                )
                for i in span
            )
            Customer.objects.bulk_create(
                Customer(number=f"LU{i:07d}", **party_values(i, "Unlinked")) for i in span
            )
            Vendor.objects.bulk_create(
                Vendor(number=f"LV{i:07d}", **party_values(i, "Unlinked")) for i in span
            )


def _person_of(i: int) -> tuple[Any, str]:
    """A person under hub i (made through the service, not timed) for the primary contact."""
    from liaison.contacts.services import contact_create

    person = contact_create(
        data={"name": f"Person {i}", "type": "person"}, company_number=hub_number(i)
    )
    return _record("customer", i), person.number


def _operations() -> list[Operation]:
    from liaison.banking.kind import BANK_ACCOUNT
    from liaison.contacts.services import contact_create, contact_delete, contact_update
    from liaison.records.services import (
        record_create,
        record_create_from_contact,
        record_delete,
        record_update,
    )
    from liaison.relations.services import contacts_create_from, relation_link, relation_unlink
    from liaison.sales.kind import CUSTOMER

    def phone(i: int) -> str:
        return f"+47 9{i % 10} 11 {i // 100 % 100:02d} {i % 100:02d}"

    return [
        Operation(
            "contact create",
            lambda i: {"name": f"W7 Company {i}", "country_code": "NO", "phone_no": phone(i)},
            lambda data: contact_create(data=data),
        ),
        Operation(
            "contact phone edit (reaches 3 records)",
            lambda i: (_hub(i), phone(i)),
            lambda a: contact_update(contact=a[0], data={"phone_no": a[1]}),
        ),
        Operation(
            "customer create (contact and link too)",
            lambda i: {"name": f"W7 Customer {i}", "country_code": "NO", "phone_no": phone(i)},
            lambda data: record_create(CUSTOMER, data=data),
        ),
        Operation(
            "customer phone edit (reaches contact)",
            lambda i: (_record("customer", i), phone(i)),
            lambda a: record_update(CUSTOMER, record=a[0], data={"phone_no": a[1]}),
        ),
        Operation(
            "bank account create with IBAN",
            lambda i: {"name": f"W7 Bank {i}", "iban": "NO9386011117947"},
            lambda data: record_create(BANK_ACCOUNT, data=data),
        ),
        Operation(
            "customer create from contact",
            _loose_contact,
            lambda contact: record_create_from_contact(CUSTOMER, contact=contact, template_code=""),
        ),
        Operation(
            "contact create from customer",
            lambda i: f"LU{i:07d}",
            lambda number: contacts_create_from("customer", numbers=[number]),
        ),
        Operation(
            "link contact to vendor",
            lambda i: (_loose_contact(i), f"LV{i:07d}"),
            lambda a: relation_link(contact=a[0], kind="vendor", number=a[1]),
        ),
        Operation(
            "unlink vendor",
            _hub,
            lambda hub: relation_unlink(contact=hub, kind="vendor"),
        ),
        Operation(
            "set customer primary contact",
            _person_of,
            lambda a: record_update(CUSTOMER, record=a[0], data={}, primary_contact_number=a[1]),
        ),
        Operation(
            "customer delete (contact stays)",
            lambda i: _record("customer", i),
            lambda record: record_delete(CUSTOMER, record=record),
        ),
        Operation(
            "contact delete (records stay)",
            _hub,
            lambda hub: contact_delete(contact=hub),
        ),
    ]


class _Counter:
    """Counts the statements sent while it wraps the connection (executemany counts once)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable[..., Any], *args: Any) -> Any:
        self.count += 1
        return execute(*args)


def _room_for_bank_accounts() -> None:
    """The default bank account series holds 98 numbers (B010 to B990 by 10): the bench adds a
    second line, as a business with more accounts would."""
    from liaison.core.models import NoSeries, NoSeriesLine

    NoSeriesLine.objects.get_or_create(
        series=NoSeries.objects.get(code="BANK"),
        line_no=20000,
        defaults={"starting_no": "BA0000001", "ending_no": "BA9999999"},
    )


def run_single(n: int, calls: int) -> dict[str, Any]:
    """W7: every operation ``calls`` times over ``n`` linked families; statements and ms."""
    from django.db import connection

    _room_for_bank_accounts()

    operations = _operations()
    families = max(n, calls * len(operations))
    prepare_linked_hubs(families)
    _prepare_loose(calls * len(operations))
    rows: list[dict[str, Any]] = []
    for slot, operation in enumerate(operations):
        millis: list[float] = []
        statements: list[int] = []
        for k in range(calls):
            args = operation.setup(slot * calls + k)
            counter = _Counter()
            with connection.execute_wrapper(counter):
                started = time.perf_counter()
                operation.call(args)
                millis.append((time.perf_counter() - started) * 1000)
            statements.append(counter.count)
        rows.append(
            {
                "operation": operation.name,
                "statements": max(statements),
                **percentiles("op", millis),
            }
        )
    return {
        "workload": "W7",
        "backend": connection.vendor,
        "n": families,
        "calls": calls,
        "operations": rows,
    }
