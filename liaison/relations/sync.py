"""The synchronisation engine: hub (contact) and spokes (customer, vendor, bank account, persons).

Rules (see docs/architecture.md):
- explicit: write services call it once, after their own save, inside their transaction;
- diff-based: only mapped fields whose value differs are written, only those columns, so a
  second identical call writes nothing;
- a dead end: it writes with ``core.writes.write_columns`` (set-based, no ``save()``) and never
  calls a service, so it cannot loop;
- batch-first: it takes sequences and issues a number of queries that does not grow with them;
- locks in a fixed order: contacts (persons included), then customers, vendors, bank accounts,
  each by primary key, so concurrent edits cannot deadlock.
It imports models, field maps and pure helpers only, never a service.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, cast

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from liaison.audit.models import Source
from liaison.audit.trail import Origin, Trail, origin_of
from liaison.contacts.models import BusinessRelationSummary, Contact, ContactType
from liaison.contacts.naming import break_down_name
from liaison.core import fields as field_rules
from liaison.core.reads import rows_where, values_where
from liaison.core.update import snapshot
from liaison.core.writes import write_columns
from liaison.purchases.models import Vendor
from liaison.relations.fieldmaps import (
    ADDRESS_FIELDS,
    ADDRESS_IDENTITY,
    COMMUNICATION_FIELDS,
    FIELD_MAPS,
    INHERITED_CODES,
)
from liaison.relations.models import ContactBusinessRelation, LinkToTable, MarketingSetup
from liaison.sales.models import Customer

BATCH_SIZE = 500
# Columns derived from others; reports name the typed field instead.
_DERIVED = frozenset({"phone_e164", "mobile_e164", "search_email", "search_name", "company_name"})
# The company fields a person may take over (R-D5): name, codes, address, communication.
_PERSON_INHERITED = (
    "name",
    *(name for name, _ in INHERITED_CODES),
    *ADDRESS_FIELDS,
    *COMMUNICATION_FIELDS,
)
# The fixed write (and lock) order.
_ORDER: tuple[type[models.Model], ...] = (
    Contact,
    Customer,
    Vendor,
    *(m.model for m in FIELD_MAPS.values() if m.model not in (Customer, Vendor)),
)


def _values_of(names: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A function giving an object's values of ``names`` as a tuple (``attrgetter``, which
    compares every pair of a field map in C, as one tuple)."""
    if len(names) == 1:
        name = names[0]
        return lambda obj: (getattr(obj, name),)
    return attrgetter(*names)


# Per kind of linked record: the contact's values of its ``both`` pairs, and the record's.
_GETTERS = {
    kind: (_values_of(fmap.contact_fields), _values_of(fmap.entity_fields))
    for kind, fmap in FIELD_MAPS.items()
}


@dataclass(frozen=True)
class Change:
    """One record the engine wrote, and which of its fields."""

    label: str
    number: str
    fields: tuple[str, ...]


@dataclass
class SyncReport:
    """What a synchronisation wrote: rows per model and the changed fields per record."""

    written: Counter[str] = field(default_factory=Counter)
    changes: list[Change] = field(default_factory=list)

    def merge(self, other: SyncReport) -> SyncReport:
        self.written.update(other.written)
        self.changes.extend(other.changes)
        return self

    @property
    def total(self) -> int:
        return sum(self.written.values())

    def describe(self) -> str:
        """A line for people: "customer C00010 (phone_no), vendor V00020 (phone_no)"."""
        return ", ".join(f"{c.label} {c.number} ({', '.join(c.fields)})" for c in self.changes)


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("The synchronisation engine must run inside the caller's transaction.")


class _PendingWrites:
    """Pending column writes, collected per model instance, flushed in the fixed order."""

    def __init__(self, trail: Trail | None) -> None:
        self.objects: dict[tuple[type[models.Model], int], models.Model] = {}
        self.dirty: dict[tuple[type[models.Model], int], set[str]] = {}
        # For the audit trail: the stored value of each written column, the record each
        # change came from, and the record each contact's values came from in this run.
        self.old: dict[tuple[type[models.Model], int, str], Any] = {}
        self.why: dict[tuple[type[models.Model], int, str], Origin] = {}
        self.origins: dict[int, Origin] = {}
        self.trail = trail

    def register(self, objs: Iterable[models.Model]) -> None:
        for obj in objs:
            self.objects.setdefault((type(obj), obj.pk), obj)

    def cached(self, model: type[models.Model], pks: Iterable[int]) -> dict[int, models.Model]:
        return {pk: self.objects[(model, pk)] for pk in pks if (model, pk) in self.objects}

    def load(self, model: type[models.Model], pks: set[int]) -> dict[int, models.Model]:
        """The instances for ``pks``, locked, reusing ones already in this run."""
        found = self.cached(model, pks)
        missing = pks - set(found)
        if missing:
            loaded = rows_where(model, "pk", sorted(missing), lock=True)
            self.register(loaded)
            found.update({o.pk: o for o in loaded})
        return found

    def origin_of(self, contact: Contact) -> Origin:
        """The record a contact's new values came from: itself, or the record it was pulled
        from (``sync_from_linked``), or for a person its company's origin."""
        return self.origins.get(contact.pk) or origin_of(contact)

    def stage(self, obj: models.Model, name: str, value: Any, origin: Origin | None = None) -> bool:
        """Stage ``name = value`` on ``obj`` for the flush; False if it already holds it."""
        current = getattr(obj, name)
        if current == value:
            return False
        model, pk = type(obj), obj.pk
        self.old.setdefault((model, pk, name), current)
        if origin is not None:
            self.why.setdefault((model, pk, name), origin)
        setattr(obj, name, value)
        self.objects.setdefault((model, pk), obj)
        self.dirty.setdefault((model, pk), set()).add(name)
        return True

    def _record(self, key: tuple[type[models.Model], int], obj: models.Model) -> None:
        """Audit rows for the changed columns that came from another record."""
        assert self.trail is not None
        for name in sorted(self.dirty[key]):
            origin = self.why.get((*key, name))
            old = self.old.get((*key, name))
            if origin is None or origin == origin_of(obj) or old == getattr(obj, name):
                continue
            self.trail.field(obj, name, old, origin=origin, source=Source.SYNC)

    def flush(self) -> SyncReport:
        """Write the pending columns in the fixed order; the audit rows go to the trail (saved
        here unless the caller passed its own, which it saves with its own rows)."""
        report = SyncReport()
        now = timezone.now()
        own_trail = self.trail is None
        if self.trail is None:
            self.trail = Trail()
        for model in _ORDER:
            keys = sorted(k for k in self.dirty if k[0] is model)
            if not keys:
                continue
            objs = [self.objects[k] for k in keys]
            columns: set[str] = set()
            for key, obj in zip(keys, objs, strict=True):
                changed = self.dirty[key]
                columns |= changed
                obj.modified_at = now  # type: ignore[attr-defined]
                obj.version += 1  # type: ignore[attr-defined]
                self._record(key, obj)
                visible = tuple(sorted(c for c in changed if c not in _DERIVED))
                if visible:
                    number = obj.number  # type: ignore[attr-defined]
                    report.changes.append(Change(str(model._meta.verbose_name), number, visible))
            write_columns(objs, sorted(columns | {"modified_at", "version"}))
            report.written[model._meta.label_lower] += len(objs)
        self.dirty.clear()
        if own_trail:
            self.trail.save()
        return report


def _setup() -> MarketingSetup:
    return MarketingSetup.objects.filter(pk=1).first() or MarketingSetup(pk=1)


def _contact_derived(contact: Contact, pending: _PendingWrites) -> None:
    """Keep a contact's derived columns in step after the engine changed it."""
    pending.stage(contact, "search_email", contact.email.upper())
    if contact.type == ContactType.COMPANY:
        pending.stage(contact, "company_name", contact.name)


def _companies_with_inherited_changes(
    companies: Sequence[Contact], previous: dict[int, dict[str, Any]]
) -> dict[int, Contact]:
    """The companies, by pk, whose fields a person may inherit (R-D5) changed."""
    return {
        c.pk: c
        for c in companies
        if c.is_company
        and c.pk in previous
        and any(getattr(c, f) != previous[c.pk][f] for f in _PERSON_INHERITED)
    }


def _cascade_to_persons(
    companies: Sequence[Contact],
    previous: dict[int, dict[str, Any]],
    pending: _PendingWrites,
) -> list[Contact]:
    """Company -> person inheritance (R-D5): only where the person still held the old value.

    Persons are read only for companies whose inherited fields changed, and the marketing setup
    (which details persons inherit) only when there are persons."""
    by_pk = _companies_with_inherited_changes(companies, previous)
    if not by_pk:
        return []
    loaded = rows_where(Contact, "company_id", sorted(by_pk), lock=True)
    if not loaded:
        return []
    setup = _setup()
    pending.register(loaded)
    # The instances of this run: a person may also be among the edited contacts.
    persons = [cast(Contact, pending.objects[(Contact, p.pk)]) for p in loaded]
    touched = []
    for person in persons:
        company = by_pk[cast(int, person.company_id)]
        origin = pending.origin_of(company)
        pending.origins.setdefault(person.pk, origin)
        inherited = _Inheritance(company, previous[company.pk], setup, origin)
        if _inherit_changes(person, inherited, pending):
            _person_derived(person, pending)
            touched.append(person)
    return touched


@dataclass(frozen=True)
class _Inheritance:
    """What a company passes on to its persons: its values now (``new``) and before (``old``),
    the marketing setup that says which groups persons inherit, and the change's origin."""

    new: Contact
    old: dict[str, Any]
    setup: MarketingSetup
    origin: Origin


def _inherit_changes(person: Contact, inherited: _Inheritance, pending: _PendingWrites) -> bool:
    """Stage on ``person`` its company's changes: the company name, and the codes the setup
    passes on where the person still held the old value; True if any."""
    new, old, setup, origin = inherited.new, inherited.old, inherited.setup, inherited.origin
    hit = False
    if new.name != old["name"]:
        hit |= pending.stage(person, "company_name", new.name)
    for name, flag in INHERITED_CODES:
        moved = getattr(new, name) != old[name]
        if getattr(setup, flag) and moved and getattr(person, name) == old[name]:
            hit |= pending.stage(person, name, getattr(new, name), origin)
    hit |= _inherit_details(person, inherited, pending)
    return hit


def _inherit_details(person: Contact, inherited: _Inheritance, pending: _PendingWrites) -> bool:
    """The address (when the person's was the company's old one) and the communication details
    (each one the person still held) that the setup passes on; True if any was staged."""
    new, old, setup, origin = inherited.new, inherited.old, inherited.setup, inherited.origin
    hit = False
    if setup.inherit_address_details and all(
        getattr(person, f) == old[f] for f in ADDRESS_IDENTITY
    ):
        for name in ADDRESS_FIELDS:
            if getattr(new, name) != old[name]:
                hit |= pending.stage(person, name, getattr(new, name), origin)
    if setup.inherit_communication_details:
        for name in COMMUNICATION_FIELDS:
            if getattr(new, name) != old[name] and getattr(person, name) == old[name]:
                hit |= pending.stage(person, name, getattr(new, name), origin)
    return hit


def _person_derived(person: Contact, pending: _PendingWrites) -> None:
    """Keep an inheriting person's derived columns in step with what it took over."""
    pending.stage(
        person, "phone_e164", field_rules.phone_e164(person.phone_no, person.country_code)
    )
    pending.stage(
        person,
        "mobile_e164",
        field_rules.phone_e164(person.mobile_phone_no, person.country_code),
    )
    pending.stage(person, "search_email", person.email.upper())


def _push(
    contacts: Sequence[Contact], pending: _PendingWrites, exclude: set[tuple[str, int]]
) -> None:
    """Hub -> spokes: copy every ``both`` pair of each contact into its linked records."""
    by_pk = {c.pk: c for c in contacts}
    if not by_pk:
        return
    wanted = _push_targets(sorted(by_pk), exclude)
    for kind in FIELD_MAPS:  # customers, vendors, bank accounts: the lock order
        if wanted[kind]:
            _push_kind(kind, wanted[kind], by_pk, pending)


def _push_targets(
    contact_pks: list[int], exclude: set[tuple[str, int]]
) -> dict[str, list[tuple[int, int]]]:
    """Per kind of linked record, the (contact, record) pairs of these contacts' links, but
    the records in ``exclude`` (those a ``sync_from_linked`` started from)."""
    links = values_where(
        ContactBusinessRelation,
        "contact_id",
        contact_pks,
        ("contact_id", "link_to_table", "customer_id", "vendor_id", "bank_account_id"),
    )
    wanted: dict[str, list[tuple[int, int]]] = {k: [] for k in FIELD_MAPS}
    for contact_id, kind, customer_id, vendor_id, bank_id in links:
        if kind == LinkToTable.NONE:
            continue
        target = {"customer": customer_id, "vendor": vendor_id, "bank_account": bank_id}[kind]
        if target is not None and (kind, target) not in exclude:
            wanted[kind].append((contact_id, target))
    return wanted


def _push_kind(
    kind: str,
    pairs: list[tuple[int, int]],
    by_pk: dict[int, Contact],
    pending: _PendingWrites,
) -> None:
    """Stage the contact's differing ``both`` values on each (contact, record) pair's record of
    one kind, the records loaded (and locked) in one query."""
    fmap = FIELD_MAPS[kind]
    targets = pending.load(fmap.model, {t for _, t in pairs})
    contact_values, entity_values = _GETTERS[kind]
    for contact_id, target_id in pairs:
        contact, entity = by_pk[contact_id], targets[target_id]
        new, held = contact_values(contact), entity_values(entity)
        if new == held:  # all pairs equal: the usual case for most of a contact's links
            continue
        origin = pending.origin_of(contact)
        for e_name, value, current in zip(fmap.entity_fields, new, held, strict=True):
            if value != current:
                pending.stage(entity, e_name, value, origin)


def _echo_person_names(
    contacts: Sequence[Contact], previous: dict[int, dict[str, Any]], pending: _PendingWrites
) -> None:
    """R-D10 step 3: a renamed person who is a primary contact renames the Contact text."""
    renamed = {
        c.pk: c
        for c in contacts
        if c.type == ContactType.PERSON and c.pk in previous and previous[c.pk]["name"] != c.name
    }
    if not renamed:
        return
    for model in (Customer, Vendor):
        pks = set(model.objects.filter(primary_contact_id__in=renamed).values_list("pk", flat=True))
        for obj in pending.load(model, pks).values():
            person = renamed[obj.primary_contact_id]  # type: ignore[attr-defined]
            pending.stage(obj, "contact", person.name, pending.origin_of(person))


def _run_from_contacts(
    contacts: Sequence[Contact],
    previous: dict[int, dict[str, Any]],
    pending: _PendingWrites,
    exclude: set[tuple[str, int]],
) -> SyncReport:
    for contact in contacts:
        pending.origins.setdefault(contact.pk, origin_of(contact))
        _contact_derived(contact, pending)
    persons = _cascade_to_persons(contacts, previous, pending)
    _echo_person_names(contacts, previous, pending)
    _push([*contacts, *persons], pending, exclude)
    return pending.flush()


def sync_from_contacts(
    contacts: Sequence[Contact],
    *,
    previous: dict[int, dict[str, Any]] | None = None,
    trail: Trail | None = None,
) -> SyncReport:
    """Contacts -> their linked records, and companies -> their persons (R-D).

    ``contacts`` are saved instances holding the new values; ``previous`` maps a contact's pk to
    its stored values before the change (``core.update.snapshot``), needed for inheritance.
    Each write is recorded in the audit trail (source sync, the contact as origin): in
    ``trail`` when given (the caller saves it with its own rows), else saved here.
    """
    _require_transaction()
    pending = _PendingWrites(trail)
    pending.register(contacts)
    return _run_from_contacts(contacts, previous or {}, pending, set())


def sync_from_linked(
    kind: str, entities: Sequence[models.Model], *, trail: Trail | None = None
) -> SyncReport:
    """Linked records -> their contact -> the contact's other records and persons (R-C).

    Never writes back to the records it started from. Audited as ``sync_from_contacts`` is,
    with the originating record as the origin of every change.
    """
    _require_transaction()
    fmap = FIELD_MAPS[kind]
    if not entities:
        return SyncReport()
    pending = _PendingWrites(trail)
    pending.register(entities)
    by_pk = {e.pk: e for e in entities}
    links = dict(
        ContactBusinessRelation.objects.filter(
            link_to_table=kind, **{f"{kind}_id__in": list(by_pk)}
        ).values_list(f"{kind}_id", "contact_id")
    )
    if not links:
        return SyncReport()
    contacts: dict[int, Contact] = pending.load(Contact, set(links.values()))  # type: ignore[assignment]
    previous = {pk: snapshot(c) for pk, c in contacts.items()}
    for entity_pk, contact_pk in links.items():
        contact, entity = contacts[contact_pk], by_pk[entity_pk]
        origin = origin_of(entity)
        pending.origins[contact_pk] = origin
        for c_name, e_name in fmap.both:
            pending.stage(contact, c_name, getattr(entity, e_name), origin)
        if contact.type == ContactType.PERSON and contact.name != previous[contact_pk]["name"]:
            first, middle, surname = break_down_name(contact.name)
            pending.stage(contact, "first_name", first, origin)
            pending.stage(contact, "middle_name", middle, origin)
            pending.stage(contact, "surname", surname, origin)
    exclude = {(kind, pk) for pk in links}
    ordered = [contacts[pk] for pk in sorted(contacts)]
    return _run_from_contacts(ordered, previous, pending, exclude)


def lock_contacts_for(kind: str, entity_pks: Iterable[int]) -> None:
    """Lock the contacts linked to these records first, keeping the engine's lock order when a
    service is about to edit the records themselves."""
    links = values_where(
        ContactBusinessRelation, f"{kind}_id", entity_pks, ("link_to_table", "contact_id")
    )
    contact_pks = sorted({contact for link_kind, contact in links if link_kind == kind})
    values_where(Contact, "pk", contact_pks, ("id",), lock=True)


def summary_of(rows: Sequence[tuple[int, str, bool]], system_codes: set[int]) -> str:
    """R-K1 from the rows R of a contact: (business relation id, link kind, has target)."""
    if not rows:
        return BusinessRelationSummary.NONE
    s = [r for r in rows if r[0] in system_codes and r[2]]
    if not s:
        return BusinessRelationSummary.OTHER if len(rows) == 1 else BusinessRelationSummary.MULTIPLE
    if len(rows) == 1 and len(s) == 1:
        return s[0][1]
    return BusinessRelationSummary.MULTIPLE


def summaries_refresh(contact_pks: Iterable[int]) -> int:
    """R-K3: recompute the summary of these contacts and of their persons; returns rows written.

    Summaries are derived data, so they are written raw without bumping the record version.
    """
    pks = set(contact_pks)
    if not pks:
        return 0
    setup = _setup()
    system_codes = {
        c
        for c in (
            setup.bus_rel_code_for_customers_id,
            setup.bus_rel_code_for_vendors_id,
            setup.bus_rel_code_for_bank_accounts_id,
        )
        if c is not None
    }
    contacts = list(
        Contact.objects.filter(Q(pk__in=pks) | Q(company_id__in=pks)).only(
            "pk", "company_id", "business_relation_summary"
        )
    )
    hubs = {c.pk for c in contacts} | {c.company_id for c in contacts if c.company_id}
    rows: dict[int, list[tuple[int, str, bool]]] = {}
    for contact_id, relation_id, kind, cu, ve, ba in ContactBusinessRelation.objects.filter(
        contact_id__in=hubs
    ).values_list(
        "contact_id",
        "business_relation_id",
        "link_to_table",
        "customer_id",
        "vendor_id",
        "bank_account_id",
    ):
        rows.setdefault(contact_id, []).append((relation_id, kind, bool(cu or ve or ba)))
    stale = []
    for contact in contacts:
        own = rows.get(contact.pk, [])
        if contact.company_id and contact.company_id != contact.pk:
            own = own + rows.get(contact.company_id, [])
        value = summary_of(own, system_codes)
        if contact.business_relation_summary != value:
            contact.business_relation_summary = value
            stale.append(contact)
    Contact.objects.bulk_update(stale, ["business_relation_summary"], batch_size=BATCH_SIZE)
    return len(stale)


def inherit_into_person(
    person: Contact,
    company: Contact,
    setup: MarketingSetup,
    old_company: dict[str, Any] | None = None,
) -> None:
    """R-L5: give a person its company's data when it joins the company (in memory only).

    Codes are overwritten when their flag is on; the address and communication fields only where
    the person's value is blank or still the company's old value.
    """
    old = old_company or {}
    person.company_name = company.name
    for name, flag in INHERITED_CODES:
        if getattr(setup, flag):
            setattr(person, name, getattr(company, name))
    if setup.inherit_address_details:
        mine = [getattr(person, f) for f in ADDRESS_IDENTITY]
        if not any(mine) or all(getattr(person, f) == old.get(f) for f in ADDRESS_IDENTITY):
            for name in ADDRESS_FIELDS:
                setattr(person, name, getattr(company, name))
    if setup.inherit_communication_details:
        for name in (*COMMUNICATION_FIELDS, "correspondence_type"):
            value = getattr(person, name)
            if not value or value == old.get(name):
                setattr(person, name, getattr(company, name))
    person.phone_e164 = field_rules.phone_e164(person.phone_no, person.country_code)
    person.mobile_e164 = field_rules.phone_e164(person.mobile_phone_no, person.country_code)
    person.search_email = person.email.upper()
