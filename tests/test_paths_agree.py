"""Property: the single services, the bulk edit and the CSV import apply one rule set.

A fixed small world (three companies, five persons, customers and vendors linked to some of
them, an interaction logged for four persons) receives a random sequence of changes three
times, each time from the same starting state (a savepoint rolled back between the paths):

- ``single``: ``contact_update`` (with ``company_number`` for a move),
- ``bulk``: ``contacts_bulk_update`` with one item per change,
- ``csv``: ``csv_import("contact", ...)`` of a one-row file naming the changed columns.
A batch changes two or three contacts: one bulk edit (one file when the rows name the same
columns), one ``contact_update`` after the other on the single path.

Logging an interaction and editing a linked customer or vendor go through the same service on
every path; they only build up the state the contact changes meet. After every change the
paths must agree on its outcome (applied, or refused naming the same fields) and on every row
of contacts, customers, vendors, bank accounts, links, interaction log entries and the audit
rows the change wrote.

What the comparison leaves out, and why:
- surrogate keys (``id``): rows are matched by their numbers; foreign keys are shown by the
  number (or code) of the row they name, so a PostgreSQL sequence that a rolled-back path has
  advanced does not count. ``entity_pk`` of audit rows is kept: no change creates a row, so
  the keys of the world are the same on every path;
- times (``created_at``, ``modified_at``, the audit ``at``, an entry's ``logged_at``): the
  clock moves between the paths. ``version`` is kept;
- the order of the audit rows within one change (the bulk path collects a chunk's rows in
  its own order): which rows a change wrote is compared as a multiset, change by change;
- chunk semantics: a batch whose changes touch each other (a company and one of its persons,
  a company and a person joining it) is handed to the bulk edit one change at a time. A chunk
  writes each contact once, so the company's change does not reach a person moved in the
  same chunk first: the values agree but the person's version and history have one step less
  than two successive single updates (by design, see ``_entangled``);
- refusal messages: the paths word them differently; the fields they name are compared. A
  domain error with no field details (``CompanyNotCompany``, ``ContactTypeChangeRefused``,
  ``PrivacyConsentMissing``) names the field its rule guards.
The audit ``source`` and user are kept: every path runs as the same actor here, as the
services are called directly (the edges, not the services, choose the source).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from django.db import models, transaction
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from liaison.audit.models import AuditEntry
from liaison.banking.models import BankAccount
from liaison.batch.bulk import contacts_bulk_update
from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.core.errors import DomainError
from liaison.interactions.models import InteractionLogEntry
from liaison.interactions.services import interaction_log_manual
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create_from_contact, vendor_update
from liaison.relations.models import ContactBusinessRelation
from liaison.sales.models import Customer
from liaison.sales.services import customer_create_from_contact, customer_update
from tests.test_properties import EXAMPLES
from tests.test_properties import values as record_values

COMPANIES = ("C1", "C2", "C3")
PERSONS = ("P1", "P2", "P3", "P4", "P5")
RECORDS = ("CUST-C1", "VEND-C1", "VEND-C2", "CUST-P4")
# Where a move may go: a company, out of its company (""), a person, a number that is no one.
TARGETS = ("C2", "", "C1", "C3", "P4", "NOPE")
NO_ONE = "NOPE"

# (field, value) pairs a change draws from, valid and invalid ones, simplest first.
CONTACT_VALUES: tuple[tuple[str, Any], ...] = (
    ("city", "Bergen"),
    ("phone_no", "+47 22 33 44 55"),
    ("name", "Nordic Trade AS"),
    ("address", "9 New Road"),
    ("country_code", "DE"),
    ("email", "a@example.com"),
    ("post_code", "5003"),
    ("type", "company"),
    ("type", "person"),
    ("privacy_blocked", True),
    ("privacy_blocked", False),
    ("minor", True),
    ("parental_consent_received", True),
    ("parental_consent_received", False),
    ("city", ""),
    ("address", ""),
    ("country_code", ""),
    ("country_code", "US"),
    ("country_code", "no"),
    ("country_code", "XX"),
    ("phone_no", "555-2222"),
    ("phone_no", ""),
    ("phone_no", "call me"),
    ("phone_no", "+49 30 1234567"),
    ("mobile_phone_no", "+47 99 88 77 66"),
    ("mobile_phone_no", "555 0100"),
    ("email", ""),
    ("email", "not-an-email"),
    ("name", "Mary Ann Smith"),
    ("name", "Jane Doe"),
    ("name", ""),
    ("first_name", "Mary"),
    ("middle_name", "Ann"),
    ("surname", "Berg"),
    ("surname", ""),
    ("search_name", "CUSTOM"),
    ("search_name", ""),
    ("name_2", "Dept. 2"),
    ("territory_code", "south"),
    ("territory_code", ""),
    ("salesperson_code", "MK"),
    ("currency_code", "EUR"),
    ("currency_code", "ZZZ"),
    ("currency_code", ""),
    ("vat_registration_no", "NO999999999MVA"),
    ("vat_registration_no", ""),
    ("correspondence_type", "email"),
    ("correspondence_type", ""),
    ("job_title", "Buyer"),
    ("home_page", "www.example.com"),
    ("language_code", "NOR"),
)
# A domain error that names no field guards this field (the one its rule is about).
RULE_FIELD = {
    "company_no_invalid": "company_number",
    "contact_type_change_refused": "type",
    "contact_has_persons": "type",
    "contact_has_company_data": "type",
    "privacy_consent_missing": "privacy_blocked",
}
NUMBERED = frozenset({"contacts", "customers", "vendors", "bank accounts"})
TIMES = frozenset({"created_at", "modified_at", "at", "logged_at"})


class Op(NamedTuple):
    """One change: ``edit`` or ``move`` a contact, or a ``batch`` of such changes to several
    contacts (the paths differ); ``log`` an interaction for a contact or edit a linked
    ``record`` (the same service on every path)."""

    kind: str
    who: str = ""
    data: Mapping[str, Any] = {}
    company: str = ""
    items: tuple[Op, ...] = ()


contact_values = st.lists(
    st.sampled_from(CONTACT_VALUES), min_size=1, max_size=3, unique_by=lambda p: p[0]
).map(dict)
contacts = st.sampled_from(PERSONS + COMPANIES)
edits = st.tuples(contacts, contact_values).map(lambda t: Op("edit", *t))
moves = st.tuples(contacts, st.one_of(st.just({}), contact_values), st.sampled_from(TARGETS)).map(
    lambda t: Op("move", *t)
)
# Several contacts changed by one bulk edit (one import file); the single path changes them
# one after the other, in the same order.
batches = st.lists(
    st.one_of(moves, edits), min_size=2, max_size=3, unique_by=lambda op: op.who
).map(lambda items: Op("batch", items=tuple(items)))
logs = contacts.map(lambda who: Op("log", who))
record_edits = st.tuples(
    st.sampled_from(RECORDS),
    record_values.map(lambda d: {k: v for k, v in d.items() if k != "privacy_blocked"}).filter(
        bool
    ),
).map(lambda t: Op("record", *t))
operations = st.lists(
    st.one_of(moves, edits, moves, logs, record_edits, batches), min_size=1, max_size=8
)


class World(NamedTuple):
    numbers: dict[str, str]  # label -> contact, customer or vendor number

    def number(self, label: str) -> str:
        return self.numbers.get(label, label)


def _world() -> World:
    """The starting state every path gets."""
    c1 = contact_create(
        data={
            "name": "Alpine Ski House",
            "address": "1 Main Street",
            "city": "Oslo",
            "post_code": "0150",
            "country_code": "NO",
            "phone_no": "+47 22 33 44 55",
            "email": "info@alpine.example.com",
            "territory_code": "north",
            "salesperson_code": "js",
        }
    )
    c2 = contact_create(
        data={
            "name": "Berlin Bikes GmbH",
            "address": "Hauptstrasse 5",
            "city": "Berlin",
            "country_code": "DE",
            "phone_no": "+49 30 1234567",
        }
    )
    c3 = contact_create(data={"name": "Plain Company"})
    person = {"type": "person"}
    p1 = contact_create(data={**person, "name": "Jane Doe"}, company_number=c1.number)
    p2 = contact_create(
        data={**person, "first_name": "John", "surname": "Smith", "name": "John Smith"},
        company_number=c1.number,
    )
    p2, _ = contact_update(contact=p2, data={"phone_no": "+47 99 88 77 66"})
    p3 = contact_create(data={**person, "name": "Erika Mustermann"}, company_number=c2.number)
    p4 = contact_create(
        data={**person, "name": "Sam Solo", "country_code": "US", "phone_no": "555 0100"}
    )
    p5 = contact_create(data={**person, "name": "Pat Plain", "phone_no": "555-2222"})
    cust_c1, _ = customer_create_from_contact(contact=c1)
    vend_c1, _ = vendor_create_from_contact(contact=c1)
    vend_c2, _ = vendor_create_from_contact(contact=c2)
    cust_p4, _ = customer_create_from_contact(contact=p4)
    for contact in (p1, p2, p3, p4):
        interaction_log_manual(
            contact=contact, template_code="CALL", data={"description": f"world {contact.name}"}
        )
    labels: dict[str, models.Model] = {
        "C1": c1,
        "C2": c2,
        "C3": c3,
        "P1": p1,
        "P2": p2,
        "P3": p3,
        "P4": p4,
        "P5": p5,
        "CUST-C1": cust_c1,
        "VEND-C1": vend_c1,
        "VEND-C2": vend_c2,
        "CUST-P4": cust_p4,
    }
    return World({k: v.number for k, v in labels.items()})  # type: ignore[attr-defined]


# Applying a change --------------------------------------------------------------------------

Outcome = tuple[Any, ...]  # ("ok",) or ("refused", field, ...); a batch's: one per item
OK: Outcome = ("ok",)


def _refused(fields: set[str]) -> Outcome:
    return ("refused", *sorted(fields))


def _fields_of(exc: DomainError) -> set[str]:
    if exc.fields:
        return {"" if k == "__all__" else k for k in exc.fields}
    return {RULE_FIELD.get(exc.code, "")}


def _change(op: Op, world: World) -> dict[str, Any]:
    """The item of a bulk edit or an import row for a contact change."""
    data = dict(op.data)
    if op.kind == "move":
        data["company_number"] = world.number(op.company)
    return data


def _outcomes(items: tuple[Op, ...], refusals: dict[int, set[str]]) -> list[Outcome]:
    return [_refused(refusals[i]) if i in refusals else OK for i in range(len(items))]


def _single(items: tuple[Op, ...], world: World) -> list[Outcome]:
    outcomes = []
    for op in items:
        contact = Contact.objects.get(number=world.number(op.who))
        company = world.number(op.company) if op.kind == "move" else None
        try:
            contact_update(contact=contact, data=dict(op.data), company_number=company)
        except DomainError as exc:
            outcomes.append(_refused(_fields_of(exc)))
        else:
            outcomes.append(OK)
    return outcomes


def _bulk(items: tuple[Op, ...], world: World) -> list[Outcome]:
    index = {world.number(op.who): i for i, op in enumerate(items)}
    report = contacts_bulk_update({world.number(op.who): _change(op, world) for op in items})
    refusals: dict[int, set[str]] = {}
    for error in report.errors:
        refusals.setdefault(index[str(error.key)], set()).add(error.field)
    return _outcomes(items, refusals)


def _csv(items: tuple[Op, ...], world: World) -> list[Outcome]:
    """One file for the batch; one per change when the changes name different columns (a
    file's row cannot leave out a column of its header)."""
    changes = [_change(op, world) for op in items]
    if len({tuple(c) for c in changes}) > 1:
        return [outcome for op in items for outcome in _csv((op,), world)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["number", *changes[0]])
    cell = {True: "true", False: "false"}
    for op, change in zip(items, changes, strict=True):
        writer.writerow([world.number(op.who), *(cell.get(v, v) for v in change.values())])
    result = csv_import("contact", io.StringIO(out.getvalue()))
    refusals: dict[int, set[str]] = {}
    for error in result.errors:
        refusals.setdefault(error.row - 1, set()).add(error.field)
    return _outcomes(items, refusals)


def _shared(op: Op, world: World) -> Outcome:
    """The changes every path makes through the same service."""
    if op.kind == "log":
        contact = Contact.objects.get(number=world.number(op.who))
        interaction_log_manual(
            contact=contact, template_code="CALL", data={"description": f"logged for {op.who}"}
        )
    elif op.who.startswith("CUST"):
        customer = Customer.objects.get(number=world.number(op.who))
        customer_update(customer=customer, data=dict(op.data))
    else:
        vendor = Vendor.objects.get(number=world.number(op.who))
        vendor_update(vendor=vendor, data=dict(op.data))
    return OK


Path = Callable[[tuple[Op, ...], World], list[Outcome]]
PATHS: dict[str, Path] = {"single": _single, "bulk": _bulk, "csv": _csv}


def _entangled(items: tuple[Op, ...], world: World) -> bool:
    """Whether one change of a batch touches another's contact: a company changed with one of
    its persons, or a company changed and joined. A chunk treats its items as simultaneous
    (one write per contact), the single path as successive; such a batch is given to the
    bulk edit and the import one change at a time."""
    numbers = {world.number(op.who) for op in items}
    targets = {world.number(op.company) for op in items if op.kind == "move"}
    members = Contact.objects.filter(number__in=numbers, company__number__in=numbers)
    return bool(numbers & targets) or members.exists()


def _apply(path: Path, op: Op, world: World) -> Outcome:
    try:
        with transaction.atomic():
            if op.kind == "batch" and _entangled(op.items, world):
                return tuple(o for item in op.items for o in path((item,), world))
            if op.kind == "batch":
                return tuple(path(op.items, world))
            if op.kind in ("edit", "move"):
                return path((op,), world)[0]
            return _shared(op, world)
    except DomainError as exc:
        return _refused(_fields_of(exc))


# What the database holds ----------------------------------------------------------------------

Row = tuple[tuple[str, Any], ...]


class _Keys:
    """Foreign keys shown by the number (or code) of the row they name."""

    def __init__(self) -> None:
        self.cache: dict[type[models.Model], dict[Any, Any]] = {}

    def of(self, model: type[models.Model], pk: Any) -> Any:
        if pk is None:
            return None
        if model not in self.cache:
            names = {f.name for f in model._meta.concrete_fields}
            key = next((n for n in ("number", "code") if n in names), "pk")
            self.cache[model] = dict(model._default_manager.values_list("pk", key))
        return self.cache[model].get(pk, pk)


def _rows(model: type[models.Model], keys: _Keys, query: Any = None) -> list[Row]:
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in TIMES]
    queryset = query if query is not None else model._default_manager.all()
    rows = []
    for values in queryset.values_list(*(f.attname for f in fields)):
        row = []
        for f, value in zip(fields, values, strict=True):
            if isinstance(f, models.ForeignKey):
                value = keys.of(f.related_model, value)  # type: ignore[arg-type]
            row.append((f.name, value))
        rows.append(tuple(row))
    return sorted(rows, key=repr)


def _state(since: int) -> dict[str, list[Row]]:
    """Every row of the compared tables, and the audit rows written after ``since``."""
    keys = _Keys()
    tables: dict[str, type[models.Model]] = {
        "contacts": Contact,
        "customers": Customer,
        "vendors": Vendor,
        "bank accounts": BankAccount,
        "links": ContactBusinessRelation,
        "interaction entries": InteractionLogEntry,
    }
    state = {name: _rows(model, keys) for name, model in tables.items()}
    state["audit rows of the change"] = _rows(
        AuditEntry, keys, AuditEntry.objects.filter(pk__gt=since)
    )
    return state


def _last_audit_pk() -> int:
    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


Trace = list[tuple[Outcome, dict[str, list[Row]]]]


def _run(path: Path, ops: list[Op], world: World) -> Trace:
    """Apply ``ops`` through ``path``; the outcome and the state after each. Rolled back."""
    trace: Trace = []
    with transaction.atomic():
        for op in ops:
            mark = _last_audit_pk()
            outcome = _apply(path, op, world)
            if path is _single:  # what the examples exercised (--hypothesis-show-statistics)
                event(f"{op.kind}: {outcome[0] if op.kind != 'batch' else len(outcome)}")
            trace.append((outcome, _state(mark)))
        transaction.set_rollback(True)
    return trace


def _differences(a: list[Row], b: list[Row], *, numbered: bool) -> list[str]:
    """Rows of one path the other lacks (as multisets); with ``numbered``, a row whose
    number the other path has too is shown by its differing fields."""
    only_a = list((Counter(a) - Counter(b)).elements())
    only_b = list((Counter(b) - Counter(a)).elements())
    others = {dict(r)["number"]: r for r in only_b} if numbered else {}
    lines = []
    for row in only_a:
        other = others.pop(dict(row)["number"], None) if numbered else None
        if other is None:
            lines.append(f"  only in the first: {dict(row)}")
            continue
        lines.extend(
            f"  {dict(row)['number']}.{name}: {value!r} != {other_value!r}"
            for (name, value), (_, other_value) in zip(row, other, strict=True)
            if value != other_value
        )
    lines.extend(
        f"  only in the second: {dict(r)}"
        for r in only_b
        if not numbered or dict(r)["number"] in others
    )
    return lines


def _compare(ops: list[Op], first: str, a: Trace, second: str, b: Trace) -> None:
    for index, (op, (outcome_a, state_a), (outcome_b, state_b)) in enumerate(
        zip(ops, a, b, strict=True), start=1
    ):
        problems = []
        if outcome_a != outcome_b:
            problems.append(f"  outcome: {first} {outcome_a}, {second} {outcome_b}")
        for table in state_a:
            lines = _differences(state_a[table], state_b[table], numbered=table in NUMBERED)
            if lines:
                problems.append(f" {table}:")
                problems.extend(lines)
        assert not problems, (
            f"{first} and {second} disagree after change {index}, {op}, of {ops}:\n"
            + "\n".join(problems)
        )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
# The differences this test found between the paths, kept as fixed cases:
@example([Op("move", "P1", {}, "C2")])  # defect 6: P1's call stays with its old company C1
@example([Op("move", "C1", {}, "")])  # a company "leaves" no company: refused or not, alike
@example([Op("move", "P5", {"type": "company"}, "C2")])  # the same field refused
@example([Op("move", "P4", {"city": ""}, "C2")])  # a typed value beats the inherited one
@example([Op("move", "P5", {}, "C1")])  # defect 7: "555-2222" typed without a country joins
@example([Op("batch", items=(Op("edit", "C1", {"city": "Bergen"}), Op("move", "P1", {}, "C2")))])
def test_single_bulk_and_import_paths_leave_the_same_rows(ops: list[Op]) -> None:
    with transaction.atomic():
        world = _world()
        traces = {name: _run(path, ops, world) for name, path in PATHS.items()}
        transaction.set_rollback(True)
    _compare(ops, "single", traces["single"], "bulk", traces["bulk"])
    _compare(ops, "single", traces["single"], "csv", traces["csv"])
