"""Bulk create and update of contacts, under the rules of ``contact_create`` and
``contact_update`` (names R-D11, privacy E-38, company E-34, type E-20/E-21, inheritance R-L5)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import Any

from django.db import transaction

from liaison.audit.trail import Trail
from liaison.contacts.errors import (
    CompanyNotCompany,
    ContactTypeChangeRefused,
    PrivacyConsentMissing,
)
from liaison.contacts.models import Contact, ContactType
from liaison.contacts.naming import compose_name
from liaison.contacts.services import EDITABLE, _check_type_change, _derive
from liaison.core.errors import DomainError, SetupMissing
from liaison.core.numbering import number_manual_check
from liaison.core.reads import rows_where
from liaison.core.update import snapshot
from liaison.core.writes import write_columns
from liaison.relations.bulk.base import (
    STAMP,
    BulkReport,
    Item,
    Problem,
    changed_columns,
    draw,
    nulls,
    refuse_unknown,
    require_transaction,
    restore,
    stamp,
    unique,
    validate,
    validate_changed,
)
from liaison.relations.models import MarketingSetup
from liaison.relations.selectors import marketing_setup_get
from liaison.relations.sync import inherit_into_person, summaries_refresh, sync_from_contacts

COMPANY_NUMBER = "company_number"
CONTACT_FIELDS = EDITABLE | {COMPANY_NUMBER}
_NAME_PARTS = ("first_name", "middle_name", "surname")


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
        refuse_unknown(CONTACT_FIELDS, {k for d in changes.values() for k in d}, what="fields")
        pairs: Iterator[tuple[str, Mapping[str, Any]]] = iter(changes.items())
    else:
        pairs = iter(changes)
    report = BulkReport()
    while chunk := list(islice(pairs, chunk_size)):
        refuse_unknown(CONTACT_FIELDS, {k for _, d in chunk for k in d}, what="fields")
        items = [Item(number, number.strip().upper(), data) for number, data in chunk]
        with transaction.atomic():
            report.merge(contacts_upsert_chunk(items, create=False))
    return report


def contacts_upsert_chunk(items: Sequence[Item], *, create: bool = True) -> BulkReport:
    """Create the items whose number is new and update the others; inside the caller's
    transaction. A person's ``company_number`` may name a company created earlier in the chunk.
    """
    require_transaction()
    refuse_unknown(CONTACT_FIELDS, {k for i in items for k in i.data}, what="fields")
    report = BulkReport()
    items = unique(items, report)
    setup = marketing_setup_get()
    referenced = {str(i.data[COMPANY_NUMBER]) for i in items if i.data.get(COMPANY_NUMBER)}
    numbers = {i.number for i in items if i.number}
    # Every stored contact the chunk writes or reads, locked at once in pk order (the
    # engine's order), so inserting persons later takes no lock out of order.
    known = {c.number: c for c in rows_where(Contact, "number", numbers | referenced, lock=True)}
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


def _name_rule_input(contact: Contact, data: Mapping[str, Any]) -> dict[str, Any]:
    """The keys the name rule (R-D11) sees. A Name the given parts compose anyway is left out,
    so parts are kept as typed rather than re-split from the Name ("Mary Ann" "Smith" would
    otherwise become "Mary" "Ann" "Smith")."""
    result = dict(data)
    if (
        "name" in result
        and any(p in result for p in _NAME_PARTS)
        and compose_name(*(getattr(contact, p) for p in _NAME_PARTS)) == contact.name
    ):
        del result["name"]
    return result


def _contact_rules(contact: Contact) -> list[Problem]:
    """The contact check constraints, evaluated in memory (``CheckConstraint.validate`` would
    cost a query per row)."""
    problems: list[Problem] = []
    if contact.type == ContactType.COMPANY and contact.company_id is not None:
        problems.append((COMPANY_NUMBER, "A company cannot belong to a company: clear it."))
    if contact.minor and not contact.parental_consent_received and not contact.privacy_blocked:
        problems.append(
            ("privacy_blocked", "A minor without parental consent must stay privacy blocked.")
        )
    return problems


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
    ready: list[Contact] = []
    for item in items:
        data = {k: v for k, v in item.data.items() if k != COMPANY_NUMBER}
        problems = nulls(Contact, data)
        if problems:
            report.refuse(item.key, problems)
            continue
        contact = Contact(**data)
        contact.number = item.number
        problem = _contact_new_number(contact, setup) or _contact_company(
            contact, str(item.data.get(COMPANY_NUMBER) or ""), companies
        )
        if problem:
            report.refuse(item.key, [problem])
            continue
        try:
            _derive(contact, _name_rule_input(contact, data), {})
        except PrivacyConsentMissing as exc:
            report.refuse(item.key, [("privacy_blocked", exc.message)])
            continue
        if contact.company is not None:
            inherit_into_person(contact, contact.company, setup)
        exclude = ["company"] if item.number else ["company", "number"]
        problems = validate(contact, exclude) + _contact_rules(contact)
        if problems:
            report.refuse(item.key, problems)
            continue
        ready.append(contact)
        if contact.type == ContactType.COMPANY and contact.number:
            companies[contact.number] = contact
    draw(Contact, setup.contact_nos, [c for c in ready if not c.number], typed)
    members = [c for c in ready if c.company is not None]
    Contact.objects.bulk_create([c for c in ready if c.company is None], batch_size=500)
    Contact.objects.bulk_create(members, batch_size=500)
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


def _contact_company(
    contact: Contact, company_number: str, companies: dict[str, Contact]
) -> Problem | None:
    """E-34: only a person belongs to a company, and only to an existing company contact."""
    if not company_number:
        return None
    company = companies.get(company_number)
    if company is None:
        message = f"Company No. {company_number} must be an existing company contact."
        return (COMPANY_NUMBER, message)
    if contact.type != ContactType.PERSON:
        return (COMPANY_NUMBER, "Type must be equal to Person to set a Company No.")
    contact.company = company
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
    moved: list[int] = []
    for item in items:
        contact = known[item.number]
        before = snapshot(contact)
        data = {
            k: v for k, v in item.data.items() if k != COMPANY_NUMBER and getattr(contact, k) != v
        }
        problems = nulls(Contact, data) or _contact_change(
            contact, item, data, before, companies, old_companies, setup
        )
        names = [] if problems else changed_columns(contact, before)
        if names:
            problems = validate_changed(contact, names, "company") + _contact_rules(contact)
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
            if contact.company_id != before["company_id"]:
                moved.append(contact.pk)
    if not changed:
        return
    stamp(changed, [previous[c.pk] for c in changed])
    write_columns(changed, sorted(columns | set(STAMP)))
    report.updated += len(changed)
    report.synced(sync_from_contacts(changed, previous=previous, trail=trail))
    summaries_refresh(moved)


def _contact_change(
    contact: Contact,
    item: Item,
    data: dict[str, Any],
    before: dict[str, Any],
    companies: dict[str, Contact],
    old_companies: dict[int, Contact],
    setup: MarketingSetup,
) -> list[Problem]:
    """Apply one item to its contact in memory, in ``contact_update``'s order: type check,
    company move, the new values, then the derive rules. Returns what it refused."""
    try:
        if "type" in data:
            _check_type_change(contact, data["type"])
        if COMPANY_NUMBER in item.data:
            number = str(item.data[COMPANY_NUMBER] or "")
            _join(contact, number, companies, data, old_companies, setup)
        for name, value in data.items():
            setattr(contact, name, value)
        _derive(contact, _name_rule_input(contact, data), before)
    except CompanyNotCompany as exc:
        return [(COMPANY_NUMBER, exc.message)]
    except ContactTypeChangeRefused as exc:
        return [("type", exc.message)]
    except PrivacyConsentMissing as exc:
        return [("privacy_blocked", exc.message)]
    return []


def _join(
    contact: Contact,
    number: str,
    companies: dict[str, Contact],
    data: Mapping[str, Any],
    old_companies: dict[int, Contact],
    setup: MarketingSetup,
) -> None:
    """R-L4 / R-L5, as ``contact_update`` with a company number: a person joins a company and
    inherits its data, or leaves it ("")."""
    company = companies.get(number) if number else None
    if (company is not None or not number) and (
        company.pk if company else None
    ) == contact.company_id:
        return  # stays where it is
    if contact.type != ContactType.PERSON and data.get("type") != ContactType.PERSON:
        raise CompanyNotCompany(f"Type must be equal to Person in contact {contact.number}.")
    if company is None and number:
        raise CompanyNotCompany(f"Company No. {number} must be an existing company contact.")
    if company is None:
        contact.company = None
        contact.company_name = ""
        return
    old = old_companies.get(contact.company_id) if contact.company_id else None
    contact.company = company
    inherit_into_person(contact, company, setup, snapshot(old) if old is not None else None)
