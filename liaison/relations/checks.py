"""Drift check and repair: do linked records agree with their contacts on every shared field?

The repair runs the engine from the contacts (the hub wins), so it is the same code path as
every other write, and recomputes stale business-relation summaries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import transaction

from liaison.contacts.models import Contact
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.models import ContactBusinessRelation
from liaison.relations.sync import summaries_refresh, sync_from_contacts

CHUNK = 1000


@dataclass(frozen=True)
class Drift:
    """One shared field on which a linked record disagrees with its contact."""

    contact: str
    kind: str
    record: str
    field: str
    contact_value: object
    record_value: object

    def __str__(self) -> str:
        return (
            f"contact {self.contact} {self.field}={self.contact_value!r} but {self.kind} "
            f"{self.record} has {self.record_value!r}"
        )


def _link_chunks() -> Iterator[list[tuple[int, str, int]]]:
    """Links as (contact pk, kind, record pk), in chunks, ordered by link pk."""
    last = 0
    while True:
        rows = list(
            ContactBusinessRelation.objects.exclude(link_to_table="")
            .filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "contact_id", "link_to_table", "customer_id", "vendor_id", "bank_account_id"
            )[:CHUNK]
        )
        if not rows:
            return
        last = rows[-1][0]
        yield [
            (contact_id, kind, {"customer": cu, "vendor": ve, "bank_account": ba}[kind])
            for _, contact_id, kind, cu, ve, ba in rows
        ]


def drift_find(limit: int | None = None) -> list[Drift]:
    """Every disagreement between a contact and its linked records (streamed in chunks)."""
    found: list[Drift] = []
    for chunk in _link_chunks():
        contacts = Contact.objects.in_bulk([c for c, _, _ in chunk])
        for kind, fmap in FIELD_MAPS.items():
            pks = [r for _, k, r in chunk if k == kind]
            if not pks:
                continue
            records = fmap.model._default_manager.in_bulk(pks)
            for contact_pk, k, record_pk in chunk:
                if k != kind:
                    continue
                contact, record = contacts[contact_pk], records[record_pk]
                for c_name, e_name in fmap.both:
                    cv, rv = getattr(contact, c_name), getattr(record, e_name)
                    if cv != rv:
                        found.append(
                            Drift(contact.number, kind, record.number, e_name, cv, rv)  # type: ignore[attr-defined]
                        )
                        if limit is not None and len(found) >= limit:
                            return found
    return found


def summaries_stale() -> int:
    """How many contacts have a business-relation summary that is out of date (dry run)."""
    with transaction.atomic():
        written = 0
        last = 0
        while True:
            pks = list(
                Contact.objects.filter(pk__gt=last)
                .order_by("pk")
                .values_list("pk", flat=True)[:CHUNK]
            )
            if not pks:
                break
            last = pks[-1]
            written += summaries_refresh(pks)
        transaction.set_rollback(True)
    return written


def drift_repair(progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Make every linked record agree with its contact and every summary current.

    Returns (records written, summaries fixed). Each chunk is one transaction.
    """
    records_written = summaries_fixed = 0
    for chunk in _link_chunks():
        with transaction.atomic():
            contacts = list(
                Contact.objects.select_for_update()
                .filter(pk__in={c for c, _, _ in chunk})
                .order_by("pk")
            )
            report = sync_from_contacts(contacts)
            records_written += report.total
        if progress:
            progress(len(chunk))
    last = 0
    while True:
        pks = list(
            Contact.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:CHUNK]
        )
        if not pks:
            break
        last = pks[-1]
        with transaction.atomic():
            summaries_fixed += summaries_refresh(pks)
    return records_written, summaries_fixed
