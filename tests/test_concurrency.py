"""Concurrent writers on a server database: numbers are never handed out twice, and crossing
edits of a contact and its customer neither deadlock nor lose an update."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.relations.checks import drift_find
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_update

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_server_database() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database (threads cannot share SQLite's in-memory test db)")


def _parallel(workers: int, job: Callable[[int], object]) -> list[object]:
    def run(i: int) -> object:
        try:
            return job(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, range(workers)))


def test_concurrent_creates_never_duplicate_a_number() -> None:
    _needs_server_database()

    # when 8 writers create 10 contacts and 5 customers each
    def job(i: int) -> None:
        for j in range(10):
            contact_create(data={"name": f"W{i} C{j}"})
        for j in range(5):
            customer_create(data={"name": f"W{i} K{j}"})

    _parallel(8, job)
    # then
    numbers = list(Contact.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 80 + 40
    assert Customer.objects.values("number").distinct().count() == 40


def test_crossing_edits_of_a_contact_and_its_customer_lose_nothing() -> None:
    _needs_server_database()
    customer = customer_create(data={"name": "Shared"})
    contact = Contact.objects.get(relations__customer=customer)

    # when half the writers edit the contact's city and half the customer's phone
    def job(i: int) -> None:
        for j in range(5):
            if i % 2:
                contact_update(contact=contact, data={"city": f"City {i}-{j}"})
            else:
                customer_update(customer=customer, data={"phone_no": f"+47 22 00 {i:02d} {j:02d}"})

    _parallel(8, job)
    # then both sides agree, and the last write of each field is on both
    assert drift_find() == []
    contact.refresh_from_db()
    assert contact.version == 1 + 20 + 20  # every edit applied once on the contact


def test_optimistic_writers_either_apply_or_are_refused_and_lose_nothing() -> None:
    """8 writers read a record, then write with the version they read (as the API's If-Match
    and the UI's stale-form check do): each write applies or is refused as a conflict; no
    applied write is lost. LIAISON_CONCURRENCY_EDITS sets the edits per writer (default 5)."""
    import os

    from liaison.core.errors import StaleVersion

    _needs_server_database()
    edits = int(os.environ.get("LIAISON_CONCURRENCY_EDITS", "5"))
    customer = customer_create(data={"name": "Shared"})
    contact = Contact.objects.get(relations__customer=customer)

    def job(i: int) -> tuple[int, int]:
        applied = refused = 0
        for j in range(edits):
            try:
                if i % 2:
                    fresh = Contact.objects.get(pk=contact.pk)
                    contact_update(
                        contact=fresh,
                        data={"city": f"City {i}-{j}"},
                        expected_version=fresh.version,
                    )
                else:
                    record = Customer.objects.get(pk=customer.pk)
                    customer_update(
                        customer=record,
                        data={"phone_no": f"+47 22 00 {i:02d} {j:02d}"},
                        expected_version=record.version,
                    )
                applied += 1
            except StaleVersion:
                refused += 1
        return applied, refused

    results: list[tuple[int, int]] = _parallel(8, job)  # type: ignore[assignment]
    applied = sum(a for a, _ in results)
    refused = sum(r for _, r in results)
    print(f"\n8 writers x {edits} edits: {applied} applied, {refused} refused as conflicts")
    # then every write either applied or was refused, and every applied one is in the versions
    assert applied + refused == 8 * edits
    assert applied > 0
    contact.refresh_from_db()
    assert contact.version == 1 + applied
    assert drift_find() == []
