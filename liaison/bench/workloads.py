"""The workloads of ``liaison bench``: their fixtures (written in bulk, not timed) and runs.

N is the number of customers, or contacts, the workload is about:

- W1: import N new customers from a CSV file (``csvio.csv_import``); each gets its company
  contact, link and primary contact.
- W2: batch "create contacts from customers" over N existing unlinked customers.
- W3: bulk edit of the phone number of N company contacts, each linked to a customer, a vendor
  and a bank account (``bulk.contacts_bulk_update``); the engine carries it to all 3N records.
- W4 (``--latency``): single-edit latency through the service and the API in process.
- W8: ``liaison duplicates index`` over N company contacts (R-O1's search strings,
  identifiers and pairs), a fifth of them in one city (a common string) and one in fifty a
  near copy of its neighbour (same phone: a pair).

W5 (search) is in ``bench.search``, W6 (HTTP) in ``bench.http``.
"""

from __future__ import annotations

import csv
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liaison.bench.search import percentiles

WORKLOADS = ("W1", "W2", "W3", "W8")
FIXTURE_CHUNK = 1000  # fixture memory stays below the workload's own chunks of 1,000
_STAMP_COLUMNS = ("phone_no", "phone_e164", "modified_at", "version")


def _phone(i: int) -> str:
    return f"+47 2{i % 10} {i % 100:02d} {i // 100 % 100:02d} {i // 10_000 % 100:02d}"


def party_values(i: int, kind: str) -> dict[str, Any]:
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
            Customer(
                number=f"BC{i:07d}", payment_terms_code="14 DAYS", **party_values(i, "Customer")
            )
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
            values = {"number": f"IC{i:07d}", **party_values(i, "Customer")}
            writer.writerow([*(values[c] for c in columns), "14 DAYS"])
    return path


def hub_number(i: int) -> str:
    return f"HC{i:07d}"


def prepare_linked_hubs(n: int) -> None:
    """W3 fixture: N company contacts (numbered by ``hub_number``), each linked to a customer,
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
                number=hub_number(i),
                company_name=f"Company {i}",
                search_email=f"company{i}@example.com".upper(),
                business_relation_summary="multiple",
                **party_values(i, "Company"),
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
                        **party_values(i, "Company"),
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


def _prepare_unindexed_companies(n: int) -> None:
    """W8 fixture: N company contacts written in bulk, with no search strings yet."""
    from django.db import transaction

    from liaison.contacts.models import Contact

    for start in range(0, n, FIXTURE_CHUNK):
        span = range(start, min(n, start + FIXTURE_CHUNK))
        rows = []
        for i in span:
            values = party_values(i - 1 if i % 50 == 1 else i, "Company")
            if i % 5 == 0:
                values["city"] = "Seattle"
            rows.append(
                Contact(
                    number=hub_number(i),
                    company_name=values["name"],
                    search_email=values["email"].upper(),
                    **values,
                )
            )
        with transaction.atomic():
            Contact.objects.bulk_create(rows, batch_size=1000)


@dataclass(frozen=True)
class Workload:
    """How to set a workload up (not timed), run it (timed) and which rows its floor writes."""

    prepare: Callable[[int, Path], Any]
    run: Callable[[int, Any], None]
    inserts: tuple[str, ...]
    updates: tuple[tuple[str, tuple[str, ...]], ...]


def _run_w1(n: int, path: Path) -> None:
    from liaison.batch.imports.pipeline import csv_import

    with open(path, encoding="utf-8", newline="") as fh:
        result = csv_import("customer", fh, chunk_size=1000)
    assert result.created == n, result.summary()
    assert not result.errors, result.summary()


def _run_w2(n: int, _: object) -> None:
    from liaison.relations.services import contacts_create_from

    result = contacts_create_from("customer", chunk_size=1000)
    assert result.created == n, result


def _run_w8(n: int, _: object) -> None:
    from liaison.duplicates.services import duplicates_index_run

    result = duplicates_index_run(chunk_size=1000)
    assert result.indexed == n, result
    assert result.with_duplicates >= n // 50 - 1, result


def _run_w3(n: int, _: object) -> None:
    from liaison.batch.bulk.contacts import contacts_bulk_update

    report = contacts_bulk_update(
        (
            (hub_number(i), {"phone_no": f"+47 9{i % 10} 00 {i // 100 % 100:02d} {i % 100:02d}"})
            for i in range(n)
        ),
        chunk_size=1000,
    )
    assert report.updated == n, report.describe()
    assert report.written.total() == 3 * n, report.describe()


CONTACTS_TABLE, _LINKS = "contacts_contact", "relations_contactbusinessrelation"
_AUDIT = "audit_auditentry"  # every workload writes its audit rows: the floor writes them too
WORKLOAD_DEFS = {
    "W1": Workload(
        prepare=_prepare_customer_csv,
        run=_run_w1,
        inserts=("sales_customer", CONTACTS_TABLE, _LINKS, _AUDIT),
        updates=(),
    ),
    "W2": Workload(
        prepare=lambda n, _: _prepare_unlinked_customers(n),
        run=_run_w2,
        inserts=(CONTACTS_TABLE, _LINKS, _AUDIT),
        updates=(("sales_customer", ("primary_contact_id",)),),
    ),
    "W3": Workload(
        prepare=lambda n, _: prepare_linked_hubs(n),
        run=_run_w3,
        inserts=(_AUDIT,),
        updates=tuple(
            (t, _STAMP_COLUMNS)
            for t in (CONTACTS_TABLE, "sales_customer", "purchases_vendor", "banking_bankaccount")
        ),
    ),
    "W8": Workload(
        prepare=lambda n, _: _prepare_unindexed_companies(n),
        run=_run_w8,
        inserts=(
            "duplicates_contactsearchstring",
            "duplicates_contactidentifier",
            "duplicates_contactduplicate",
        ),
        updates=(),
    ),
}


def _edit_phone(hub: Any, edits: int, prefix: str) -> list[float]:
    from liaison.contacts.services import contact_update

    millis: list[float] = []
    for i in range(edits):
        started = time.perf_counter()
        contact_update(
            contact=hub, data={"phone_no": f"+47 {prefix} {i // 10_000 % 100:02d} {i % 10_000:04d}"}
        )
        millis.append((time.perf_counter() - started) * 1000)
    return millis


def run_latency(edits: int, population: int = 0) -> dict[str, Any]:
    """W4: single-edit latency of a company contact with three links, through the service
    (with the duplicate check a phone change runs, R-O2, and with Maintain Dupl. Search
    Strings off) and through the HTTP API (Django's full request stack in process; W6 would add
    a real server). ``population`` indexed companies (W8's fixture, not timed) are what the
    duplicate check searches."""
    from django.db import connection
    from django.test import Client

    from liaison.accounts.services import token_create, user_create
    from liaison.contacts.services import contact_create
    from liaison.duplicates.services import duplicates_index_run
    from liaison.records.services import record_create_from_contact
    from liaison.relations.services import marketing_setup_update

    if population:
        _prepare_unindexed_companies(population)
        duplicates_index_run(chunk_size=1000)
    hub = contact_create(data={"name": "Latency Hub", "country_code": "NO", "city": "Seattle"})
    for kind in ("customer", "vendor", "bank_account"):
        record_create_from_contact(kind, contact=hub, template_code="")
    service = _edit_phone(hub, edits, "22")
    marketing_setup_update(data={"maintain_dupl_search_strings": False})
    unchecked = _edit_phone(hub, edits, "24")
    marketing_setup_update(data={"maintain_dupl_search_strings": True})
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
        "population": population,
        **percentiles("service", service),
        **percentiles("nodup", unchecked),
        **percentiles("api", api),
    }


def add_second_contact_series_line() -> None:
    """The default contact series holds 999,999 numbers (CT000001 to CT999999), one short of a
    million new contacts: as a business that outgrows it would, the bench adds a second line."""
    from liaison.core.models import NoSeries, NoSeriesLine

    NoSeriesLine.objects.get_or_create(
        series=NoSeries.objects.get(code="CONT"),
        line_no=20000,
        defaults={"starting_no": "CT1000000", "ending_no": "CT9999999"},
    )
