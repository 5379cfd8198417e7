"""Link rows and contacts created from records: the building blocks the services share.

``contacts_create_for_records`` is the one path that makes contacts from customers, vendors or
bank accounts: the auto-create on insert (R-B) is a batch of one, the batch job (R-I) a stream of
chunks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from liaison.audit.trail import Origin, Trail, origin_of
from liaison.contacts.models import Contact, ContactType
from liaison.contacts.naming import break_down_name
from liaison.core.numbering import numbers_draw, series_get
from liaison.core.writes import Builder, insert_rows, insert_values
from liaison.relations.errors import ContactAlreadyLinked, RecordAlreadyLinked
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.models import (
    BusinessRelation,
    ContactBusinessRelation,
    LinkToTable,
    MarketingSetup,
)
from liaison.relations.selectors import relation_code_for, relation_code_required
from liaison.relations.sync import inherit_into_person, summaries_refresh, summary_of

LABELS = {"customer": "Customer", "vendor": "Vendor", "bank_account": "Bank Account"}


def link_insert(
    *,
    contact: Contact,
    kind: str,
    record: models.Model,
    code: BusinessRelation,
    trail: Trail,
) -> ContactBusinessRelation:
    """Insert a link row under the spec 1.5 insert rules (E-1a, E-1b; plain row replaced).

    The link goes into the caller's audit ``trail``.
    """
    existing = ContactBusinessRelation.objects.filter(contact=contact, link_to_table=kind).first()
    if existing is not None:
        other = getattr(existing, kind)
        raise ContactAlreadyLinked(
            f"Contact {contact.number} already has a business relation with "
            f"{LABELS[kind]} {other.number}: unlink it first."
        )
    taken = (
        ContactBusinessRelation.objects.filter(link_to_table=kind, **{kind: record})
        .select_related("contact")
        .first()
    )
    if taken is not None:
        raise RecordAlreadyLinked(
            f"{LABELS[kind]} {record.number} already has a business relation with contact "  # type: ignore[attr-defined]
            f"{taken.contact.number}: unlink it there first."
        )
    ContactBusinessRelation.objects.filter(
        contact=contact, business_relation=code, link_to_table=LinkToTable.NONE
    ).delete()
    link = ContactBusinessRelation.objects.create(
        contact=contact, business_relation=code, link_to_table=kind, **{kind: record}
    )
    trail.link(contact, kind, record)
    summaries_refresh([contact.pk])
    return link


def _contact_numbers(setup: MarketingSetup, count: int) -> tuple[list[str], str]:
    series = series_get(
        setup.contact_nos.code if setup.contact_nos else "", setup_field="Contact Nos."
    )
    numbers = numbers_draw(
        series,
        count,
        taken=lambda c: Contact.objects.filter(number__in=c).values_list("number", flat=True),
    )
    return numbers, series.code


def contact_from_record(
    kind: str, record: models.Model, number: str, series: str, builder: Builder[Contact]
) -> Contact:
    """R-B3 / R-I4: a new contact holding the record's shared fields (defaults skipped).

    ``builder`` makes the contacts of one batch, with its creation time."""
    fmap = FIELD_MAPS[kind]
    values: dict[str, Any] = {c: getattr(record, e) for c, e in (*fmap.both, *fmap.on_create)}
    contact = builder.new({"number": number, "no_series": series, **values})
    if kind != "customer":
        contact.type = ContactType.COMPANY
    if not contact.search_name:
        contact.search_name = contact.name.upper()
    contact.search_email = contact.email.upper()
    if contact.type == ContactType.COMPANY:
        contact.company_name = contact.name
    else:
        contact.first_name, contact.middle_name, contact.surname = break_down_name(contact.name)
    contact.lookup_contact_no = contact.lookup_number()
    return contact


def contacts_create_for_records(
    kind: str,
    records: Sequence[models.Model],
    *,
    setup: MarketingSetup,
    trail: Trail,
    source: str | None = None,
    insert_records: Callable[[Sequence[models.Model]], None] | None = None,
) -> list[Contact]:
    """Create and link one contact per record, and its primary contact (R-B3, R-B4, R-I4..I6).

    Set-based: a fixed number of queries per call whatever ``len(records)``. Records must not
    be linked yet. When a customer or vendor carries a Contact text, a person of that name is
    created under the new company and becomes the primary contact; otherwise the new contact is.
    The new contacts and links go into the caller's audit ``trail`` with their record as the
    origin, as ``source`` (the auto-create of a new record passes sync) or the actor's.

    Records not stored yet come with ``insert_records``, the caller's insert: it is called
    once the contacts exist, so that each record is written with its primary contact instead
    of updated after (an import's chunk then writes each of its rows once).
    """
    if not records:
        if insert_records is not None:
            insert_records(records)
        return []
    code = relation_code_required(kind, setup)
    wants_person = [
        kind in ("customer", "vendor")
        and bool(getattr(r, "contact", ""))
        and getattr(r, "contact_type", ContactType.COMPANY) == ContactType.COMPANY
        for r in records
    ]
    numbers, series = _contact_numbers(setup, len(records) + sum(wants_person))
    # R-K1 for a new contact whose only row is this link (and for its new persons, who see
    # their company's rows): computed here instead of re-reading what was just written.
    summary = summary_of([(code.pk, kind, True)], {code.pk})
    now = timezone.now()
    builder = Builder(Contact, created_at=now, modified_at=now)
    hubs = [
        contact_from_record(kind, r, n, series, builder)
        for r, n in zip(records, numbers, strict=False)
    ]
    for hub in hubs:
        hub.business_relation_summary = summary
    insert_rows(hubs, keys_by="number")
    persons, person_origins = _persons_create(
        records, hubs, wants_person, iter(numbers[len(records) :]), setup
    )
    has_primary = kind in ("customer", "vendor")
    if insert_records is not None:
        if has_primary:
            _primary_contacts(records, hubs, persons)
        insert_records(records)
    insert_values(  # plain values: no instance per link
        ContactBusinessRelation,
        ("contact_id", "business_relation_id", "link_to_table", f"{kind}_id"),
        [(c.pk, code.pk, kind, r.pk) for c, r in zip(hubs, records, strict=True)],
    )
    if insert_records is None and has_primary:
        _set_primary_contacts(kind, records, hubs, persons)  # its UPDATE reads the links
    for record, hub in zip(records, hubs, strict=True):
        origin = origin_of(record)
        trail.created([hub], origin=origin, source=source)
        trail.link(hub, kind, record, origin=origin, source=source)
    for person, origin in zip(persons, person_origins, strict=True):
        trail.created([person], origin=origin, source=source)
    return hubs


def _persons_create(
    records: Sequence[models.Model],
    hubs: list[Contact],
    wanted: list[bool],
    numbers: Iterator[str],
    setup: MarketingSetup,
) -> tuple[list[Contact], list[Origin]]:
    """R-I5: a person under each new company whose record carries a Contact text, numbered
    from ``numbers``, inheriting the company's values; with the records they come from."""
    persons: list[Contact] = []
    origins: list[Origin] = []
    for record, hub, person_wanted in zip(records, hubs, wanted, strict=True):
        if person_wanted:
            persons.append(_person_from_text(record, hub, next(numbers), hub.no_series, setup))
            origins.append(origin_of(record))
    insert_rows(persons, keys_by="number")
    return persons, origins


def _person_from_text(
    record: models.Model, hub: Contact, number: str, series: str, setup: MarketingSetup
) -> Contact:
    """R-I5 / R-J5: a person named after the record's Contact text, under ``hub`` when it is
    a company (inheriting its data, R-L5); standalone beside a person contact (BC)."""
    name = record.contact  # type: ignore[attr-defined]
    company = hub if hub.type == ContactType.COMPANY else None
    person = Contact(
        created_at=hub.created_at,
        modified_at=hub.modified_at,
        number=number,
        no_series=series,
        type=ContactType.PERSON,
        company=company,
        name=name,
        search_name=name.upper()[:100],
        business_relation_summary=hub.business_relation_summary,
    )
    person.first_name, person.middle_name, person.surname = break_down_name(name)
    person.lookup_contact_no = person.lookup_number()
    if company is not None:
        inherit_into_person(person, company, setup)
    return person


def contact_text_wants_person(record: models.Model, before: dict[str, Any]) -> bool:
    """R-J4's conditions on one customer or vendor (the setup code is the caller's): the
    Contact text was blank and is not now, and there was no primary contact."""
    return (
        not before.get("contact")
        and before.get("primary_contact_id") is None
        and bool(getattr(record, "contact", "").strip())
    )


def persons_from_contact_text(
    kind: str,
    changed: Sequence[models.Model],
    befores: Sequence[dict[str, Any]],
    setup: MarketingSetup,
    trail: Trail,
) -> list[Contact]:
    """R-J4 / R-J5 after an edit of stored records (``befores``: their previous values): for
    each customer or vendor whose typed Contact text wants a person
    (``contact_text_wants_person``), a person of that name under its linked contact becomes
    its primary contact. A record without a link gets none; nothing at all when the kind's
    setup code is blank. Set-based: the same queries for one record or many.
    """
    records = [r for r, b in zip(changed, befores, strict=True) if contact_text_wants_person(r, b)]
    if kind not in ("customer", "vendor") or not records:
        return []
    if relation_code_for(kind, setup) is None:
        return []
    rows = ContactBusinessRelation.objects.filter(
        link_to_table=kind, **{f"{kind}__in": [r.pk for r in records]}
    ).select_related("contact")
    hubs = {getattr(row, f"{kind}_id"): row.contact for row in rows}
    linked = [r for r in records if r.pk in hubs]
    if not linked:
        return []
    numbers, series = _contact_numbers(setup, len(linked))
    now = timezone.now()
    persons = []
    for record, number in zip(linked, numbers, strict=True):
        person = _person_from_text(record, hubs[record.pk], number, series, setup)
        person.created_at = person.modified_at = now
        persons.append(person)
    insert_rows(persons, keys_by="number")
    summaries_refresh([p.pk for p in persons])  # R-K2
    for record, person in zip(linked, persons, strict=True):
        trail.created([person], origin=origin_of(record))
        trail.field(record, "primary_contact", None, person.pk)
        record.primary_contact = person  # type: ignore[attr-defined]
    FIELD_MAPS[kind].model._default_manager.bulk_update(linked, ["primary_contact"])
    return persons


def _primary_contacts(
    records: Sequence[models.Model], hubs: list[Contact], persons: list[Contact]
) -> list[bool]:
    """R-I6 / R-B4 on the records in memory: the new person (from the Contact text) or else
    the new contact is primary; which records got a person."""
    by_company = {p.company_id: p for p in persons}
    named = []
    for record, hub in zip(records, hubs, strict=True):
        primary = by_company.get(hub.pk, hub)
        record.primary_contact = primary  # type: ignore[attr-defined]
        named.append(primary.type == ContactType.PERSON)
        if named[-1]:
            record.contact = primary.name  # type: ignore[attr-defined]
    return named


def _set_primary_contacts(
    kind: str, records: Sequence[models.Model], hubs: list[Contact], persons: list[Contact]
) -> None:
    """R-I6 / R-B4 for stored records (see ``_primary_contacts``).

    The common case, the new contact itself, is one set-based UPDATE; only records whose primary
    contact is a person need their Contact text written row by row.
    """
    model = FIELD_MAPS[kind].model
    is_named = _primary_contacts(records, hubs, persons)
    named = [r for r, n in zip(records, is_named, strict=True) if n]
    plain = [r.pk for r, n in zip(records, is_named, strict=True) if not n]
    if plain:
        own_contact = ContactBusinessRelation.objects.filter(
            link_to_table=kind, **{kind: OuterRef("pk")}
        ).values("contact_id")[:1]
        model._default_manager.filter(pk__in=plain).update(primary_contact=Subquery(own_contact))
    if named:
        model._default_manager.bulk_update(named, ["primary_contact", "contact"], batch_size=500)
