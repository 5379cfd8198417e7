"""Bulk create and update of contacts, through the rules of ``contact_create`` and
``contact_update`` themselves (``contact_derive``, ``contact_company_change``,
``contact_type_change_check``): only the reads and writes are done in sets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from django.db import transaction

from liaison.accounts.selectors import acting_salesperson_code
from liaison.audit.trail import Trail
from liaison.batch.bulk.base import (
    STAMP,
    BulkReport,
    Item,
    Problem,
    changed_columns,
    draw,
    master_data_rules,
    nulls,
    require_transaction,
    restore,
    stamp,
    unique,
    validate,
    validate_changed,
)
from liaison.contacts.models import Contact, ContactType
from liaison.contacts.services import (
    COMPANY_NUMBER,
    EDITABLE,
    CompanyMove,
    contact_company_change,
    contact_company_moves_apply,
    contact_derive,
    contact_insert_defaults,
    contact_lookup_derive,
    contact_type_change_check,
)
from liaison.core.errors import DomainError, SetupMissing
from liaison.core.numbering import number_manual_check
from liaison.core.reads import rows_where
from liaison.core.update import refuse_unknown, snapshot
from liaison.core.writes import write_columns
from liaison.relations.models import MarketingSetup
from liaison.relations.selectors import marketing_setup_get
from liaison.relations.sync import summaries_refresh, sync_from_contacts
from liaison.vatlog.services import vat_entries_log

CONTACT_FIELDS = EDITABLE | {COMPANY_NUMBER}


def contacts_bulk_update(
    changes: Mapping[str, Mapping[str, Any]] | Iterable[tuple[str, Mapping[str, Any]]],
    *,
    chunk_size: int = 1000,
) -> BulkReport:
    """Apply field changes to many contacts by number (the bulk edit): set-based per chunk.

    ``changes`` maps a contact number to its new field values (``company_number`` moves a
    person), or is an iterable of (number, values) pairs read one chunk at a time, so memory
    stays flat however many contacts change. Each chunk is one transaction: the contacts are
    locked, derived and validated, their changed columns written in one statement
    (``write_columns``), then ONE ``sync_from_contacts`` call carries them to the linked
    records and persons. Unknown fields are refused before anything is written (with an
    iterable, before the chunk that holds them); a contact that breaks a rule is reported and
    skipped, the others are written.
    """
    if isinstance(changes, Mapping):
        refuse_unknown({k for d in changes.values() for k in d}, CONTACT_FIELDS)
        pairs: Iterator[tuple[str, Mapping[str, Any]]] = iter(changes.items())
    else:
        pairs = iter(changes)
    report = BulkReport()
    while chunk := list(islice(pairs, chunk_size)):
        refuse_unknown({k for _, d in chunk for k in d}, CONTACT_FIELDS)
        items = [Item(number, number.strip().upper(), data) for number, data in chunk]
        with transaction.atomic():
            report.merge(contacts_upsert_chunk(items, create=False))
    return report


def contacts_upsert_chunk(items: Sequence[Item], *, create: bool = True) -> BulkReport:
    """Create the items whose number is new and update the others; inside the caller's
    transaction. A person's ``company_number`` may name a company created earlier in the chunk.
    """
    require_transaction()
    refuse_unknown({k for i in items for k in i.data}, CONTACT_FIELDS)
    report = BulkReport()
    items = unique(items, report)
    setup = marketing_setup_get()
    referenced = {str(i.data[COMPANY_NUMBER]) for i in items if i.data.get(COMPANY_NUMBER)}
    numbers = {i.number for i in items if i.number}
    # Every stored contact the chunk writes or reads, locked at once in pk order (the
    # engine's order), so inserting persons later takes no lock out of order.
    known = {c.number: c for c in rows_where(Contact, "number", numbers | referenced, lock=True)}
    stored = {n: snapshot(c) for n, c in known.items() if n in numbers}
    items = master_data_rules(items, stored, report, contact=True)
    new = [i for i in items if i.number not in known]
    trail = Trail()
    if create:
        _contacts_create(new, known, setup, report, trail)
    else:
        for item in new:
            report.refuse(item.key, [("number", f"Contact {item.number} does not exist.")])
    _contacts_update([i for i in items if i.number in known], known, setup, report, trail)
    trail.save()  # the chunk's audit rows, in one insert
    return report


def problems_of_rule(exc: DomainError) -> list[Problem]:
    """A rule's refusal as a bulk report's problems: the fields it names, else the item."""
    if exc.fields:
        return [(name, message) for name, messages in exc.fields.items() for message in messages]
    return [("", exc.message)]


def _contacts_create(
    items: Sequence[Item],
    known: dict[str, Contact],
    setup: MarketingSetup,
    report: BulkReport,
    trail: Trail,
) -> None:
    """New contacts: the rules of ``contact_create``, then one ``bulk_create`` for companies
    and standalone persons and one for the persons of a company (they need its key)."""
    if not items:
        return
    companies = {n: c for n, c in known.items() if c.type == ContactType.COMPANY}
    typed = {i.number for i in items if i.number}
    user_salesperson = acting_salesperson_code()  # once per chunk, as the setup
    ready: list[Contact] = []
    for item in items:
        data = {k: v for k, v in item.data.items() if k != COMPANY_NUMBER}
        problems = nulls(Contact, data)
        if problems:
            report.refuse(item.key, problems)
            continue
        contact = Contact(**data)
        contact.number = item.number
        problem = _contact_new_number(contact, setup)
        if problem:
            report.refuse(item.key, [problem])
            continue
        try:
            if item.data.get(COMPANY_NUMBER):
                number = str(item.data[COMPANY_NUMBER])
                contact_company_change(contact, number, data, setup=setup, companies=companies)
            contact_insert_defaults(contact, setup, user_salesperson)
            contact_derive(contact, data, {})
        except DomainError as exc:
            report.refuse(item.key, problems_of_rule(exc))
            continue
        exclude = ["company"] if item.number else ["company", "number"]
        problems = validate(contact, exclude)
        if problems:
            report.refuse(item.key, problems)
            continue
        ready.append(contact)
        if contact.type == ContactType.COMPANY and contact.number:
            companies[contact.number] = contact
    draw(Contact, setup.contact_nos, [c for c in ready if not c.number], typed)
    for contact in ready:  # a drawn number is a person's Lookup Contact No. too
        contact_lookup_derive(contact)
    members = [c for c in ready if c.company is not None]
    Contact.objects.bulk_create([c for c in ready if c.company is None], batch_size=500)
    Contact.objects.bulk_create(members, batch_size=500)
    vat_entries_log((c, "") for c in ready)
    trail.created(ready)
    summaries_refresh([c.pk for c in members])  # persons see their company's relations
    report.created += len(ready)


def _contact_new_number(contact: Contact, setup: MarketingSetup) -> Problem | None:
    """E-3 / E-4 for a new contact, as ``contact_create`` applies them."""
    try:
        if contact.number:
            number_manual_check(setup.contact_nos, contact.number)
        elif setup.contact_nos is None:
            raise SetupMissing(
                "Contact Nos. must have a value in the setup: choose a number series."
            )
    except DomainError as exc:
        return ("number", exc.message)
    return None


def _contacts_update(
    items: Sequence[Item],
    known: dict[str, Contact],
    setup: MarketingSetup,
    report: BulkReport,
    trail: Trail,
) -> None:
    """Changed contacts: the rules of ``contact_update``, one ``write_columns`` of the changed
    columns, then ONE ``sync_from_contacts`` with the previous values (for inheritance)."""
    if not items:
        return
    companies = {n: c for n, c in known.items() if c.type == ContactType.COMPANY}
    # The companies persons may leave, read once: inheritance compares with their values.
    old_companies = Contact.objects.in_bulk(
        {known[i.number].company_id for i in items if COMPANY_NUMBER in i.data} - {None}
    )
    changed: list[Contact] = []
    previous: dict[int, dict[str, Any]] = {}
    columns: set[str] = set()
    moves: list[CompanyMove] = []
    for item in items:
        contact = known[item.number]
        before = snapshot(contact)
        # Every given value, also one equal to the stored value: it wins over what a company
        # move would inherit, as in contact_update (the rules compare with ``before``).
        data = {k: v for k, v in item.data.items() if k != COMPANY_NUMBER}
        move: CompanyMove | None = None
        problems = nulls(Contact, data)
        if not problems:
            try:
                move = _contact_change(contact, item, data, before, companies, old_companies, setup)
            except DomainError as exc:
                problems = problems_of_rule(exc)
        names = [] if problems else changed_columns(contact, before)
        if names:
            problems = validate_changed(contact, names, "company")
        if problems:
            restore(contact, before)
            report.refuse(item.key, problems)
        elif not names:
            report.unchanged += 1
        else:
            changed.append(contact)
            previous[contact.pk] = before
            columns.update(names)
            trail.changed(contact, before, names)
            if move is not None:
                moves.append(move)
    if not changed:
        return
    stamp(changed, [previous[c.pk] for c in changed])
    write_columns(changed, sorted(columns | set(STAMP)))
    contact_company_moves_apply(moves)
    vat_entries_log((c, previous[c.pk]["vat_registration_no"]) for c in changed)
    report.updated += len(changed)
    report.synced(sync_from_contacts(changed, previous=previous, trail=trail))
    summaries_refresh([m.person_pk for m in moves])


def _contact_change(
    contact: Contact,
    item: Item,
    data: dict[str, Any],
    before: dict[str, Any],
    companies: dict[str, Contact],
    old_companies: dict[int, Contact],
    setup: MarketingSetup,
) -> CompanyMove | None:
    """Apply one item to its contact in memory, in ``contact_update``'s order: type check,
    company move, the new values, then the derive rules. Returns the company move, if any;
    a rule's refusal is raised."""
    if "type" in data:
        contact_type_change_check(contact, data["type"])
    move = None
    if COMPANY_NUMBER in item.data:
        move = contact_company_change(
            contact,
            str(item.data[COMPANY_NUMBER] or ""),
            data,
            setup=setup,
            companies=companies,
            old_company=old_companies.get(contact.company_id) if contact.company_id else None,
        )
    for name, value in data.items():
        setattr(contact, name, value)
    contact_derive(contact, data, before)
    return move
