"""W9 (``liaison bench --merges ROUNDS``), the merge figure of issue #18: two companies that
each have a customer, 10 persons, 50 documents and 200 interactions, merged through
``contact_merge``; only the merge is timed.

``merge_timings(rounds)`` builds each pair (through the services; documents and interactions
in bulk) in the current database and returns the milliseconds of each merge."""

from __future__ import annotations

import time
from typing import Any

PERSONS, DOCUMENTS, INTERACTIONS = 10, 50, 200


def _side(name: str, i: int) -> Any:
    from liaison.contacts.services import contact_create
    from liaison.documents.models import SalesHeader
    from liaison.interactions.models import InteractionLogEntry
    from liaison.sales.services import customer_create_from_contact

    company = contact_create(data={"name": f"{name} {i}", "city": "Oslo"})
    customer, _ = customer_create_from_contact(contact=company)
    for p in range(PERSONS):
        contact_create(
            data={"type": "person", "name": f"Person {name} {i}-{p}"},
            company_number=company.number,
        )
    SalesHeader.objects.bulk_create(
        SalesHeader(
            number=f"BM{name[-1]}{i:03d}{d:03d}",
            document_type="order",
            sell_to_contact=company,
            sell_to_customer=customer,
        )
        for d in range(DOCUMENTS)
    )
    InteractionLogEntry.objects.bulk_create(
        InteractionLogEntry(contact=company, contact_number=company.number)
        for _ in range(INTERACTIONS)
    )
    return company


def merge_timings(rounds: int = 5) -> list[float]:
    """Milliseconds of each of ``rounds`` merges (each side holds a customer, 10 persons, 50
    documents and 200 interactions, as the issue's figure says)."""
    from liaison.merges.services import contact_merge

    timings = []
    for i in range(rounds):
        survivor, merged = _side("Fabrikam A", i), _side("Fabrikam B", i)
        start = time.perf_counter()
        contact_merge(survivor=survivor, merged=merged, choices={"city": "merged"})
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def run_merges(rounds: int) -> dict[str, Any]:
    """W9's row: p50/p95/p99 of ``rounds`` merges."""
    from django.db import connection

    from liaison.bench.search import percentiles

    return {
        "workload": "W9",
        "backend": connection.vendor,
        "n": rounds,
        **percentiles("merge", merge_timings(rounds)),
    }
