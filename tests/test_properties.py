"""Property: after any sequence of operations, every linked pair agrees on every mapped field.

Random sequences of create, edit either side, link, unlink, delete and batch runs; after each
step ``liaison check`` finds no drift and no stale summary. Operations the rules refuse (a
second link, a privacy block...) must raise a DomainError and are otherwise harmless.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.banking.models import BankAccount
from liaison.banking.services import bank_account_create, bank_account_delete, bank_account_update
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_delete, contact_update
from liaison.core.errors import DomainError
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create, vendor_delete, vendor_update
from liaison.records.services import record_create_from_contact
from liaison.relations.checks import drift_find, summaries_stale
from liaison.relations.models import MarketingSetup
from liaison.relations.services import contacts_create_from, relation_link, relation_unlink
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_delete, customer_update

EXAMPLES = int(os.environ.get("LIAISON_HYPOTHESIS_EXAMPLES", "25"))
RECORD_KIND_KEYS = ("customer", "vendor", "bank_account")
MODELS: dict[str, type[models.Model]] = {
    "customer": Customer,
    "vendor": Vendor,
    "bank_account": BankAccount,
}
CREATE = {"customer": customer_create, "vendor": vendor_create, "bank_account": bank_account_create}
UPDATE: dict[str, Callable[[Any, dict[str, Any]], object]] = {
    "customer": lambda r, d: customer_update(customer=r, data=d),
    "vendor": lambda r, d: vendor_update(vendor=r, data=d),
    "bank_account": lambda r, d: bank_account_update(bank_account=r, data=d),
}
DELETE: dict[str, Callable[[Any], object]] = {
    "customer": lambda r: customer_delete(customer=r),
    "vendor": lambda r: vendor_delete(vendor=r),
    "bank_account": lambda r: bank_account_delete(bank_account=r),
}

values = st.fixed_dictionaries(
    {},
    optional={
        "name": st.sampled_from(["Alpha", "Beta AS", "Gamma GmbH", "Delta"]),
        "city": st.sampled_from(["Oslo", "Bergen", "", "Berlin"]),
        "phone_no": st.sampled_from(["", "+47 22 33 44 55", "555 0100", "+49 30 1234567"]),
        "email": st.sampled_from(["", "a@example.com", "b@example.org"]),
        "territory_code": st.sampled_from(["", "north", "SOUTH"]),
        "privacy_blocked": st.booleans(),
    },
)
OPS = (
    "create_record",
    "create_unlinked",
    "create_company",
    "create_person",
    "edit_contact",
    "edit_record",
    "link",
    "unlink",
    "create_from_contact",
    "delete_contact",
    "delete_record",
    "batch",
)


def _pick(data: st.DataObject, qs: QuerySet[Any], label: str) -> Any:
    pks = list(qs.values_list("pk", flat=True)[:20])
    if not pks:
        return None
    return qs.model.objects.get(pk=data.draw(st.sampled_from(pks), label=label))


Fields = dict[str, Any]


def _create_record(kind: str, fields: Fields, data: st.DataObject) -> None:
    CREATE[kind](
        data={k: v for k, v in fields.items() if k != "privacy_blocked" or kind != "bank_account"}
    )


def _create_unlinked(kind: str, fields: Fields, data: st.DataObject) -> None:
    setup = MarketingSetup.objects.get()
    field = {
        "customer": "bus_rel_code_for_customers",
        "vendor": "bus_rel_code_for_vendors",
        "bank_account": "bus_rel_code_for_bank_accounts",
    }[kind]
    code = getattr(setup, field)
    MarketingSetup.objects.update(**{field: None})
    try:
        CREATE[kind](data={"name": fields.get("name", "Unlinked"), "city": fields.get("city", "")})
    finally:
        MarketingSetup.objects.update(**{field: code})


def _create_company(kind: str, fields: Fields, data: st.DataObject) -> None:
    contact_create(data=fields)


def _create_person(kind: str, fields: Fields, data: st.DataObject) -> None:
    company = _pick(data, Contact.objects.filter(type="company"), "company")
    if company is not None:
        person = {k: v for k, v in fields.items() if k != "name"}
        contact_create(
            data={"type": "person", "name": "Jane Doe", **person}, company_number=company.number
        )


def _edit_contact(kind: str, fields: Fields, data: st.DataObject) -> None:
    contact = _pick(data, Contact.objects.all(), "contact")
    if contact is not None:
        contact_update(contact=contact, data=fields)


def _edit_record(kind: str, fields: Fields, data: st.DataObject) -> None:
    record = _pick(data, MODELS[kind]._default_manager.all(), "record")
    if record is not None:
        if kind == "bank_account":
            fields.pop("privacy_blocked", None)
        UPDATE[kind](record, fields)


def _link(kind: str, fields: Fields, data: st.DataObject) -> None:
    contact = _pick(data, Contact.objects.all(), "contact")
    record = _pick(data, MODELS[kind]._default_manager.filter(links__isnull=True), "record")
    if contact is not None and record is not None:
        master = data.draw(st.sampled_from(["contact", "record"]), label="master")
        relation_link(contact=contact, kind=kind, number=record.number, master=master)


def _unlink(kind: str, fields: Fields, data: st.DataObject) -> None:
    contact = _pick(data, Contact.objects.filter(relations__link_to_table=kind), "contact")
    if contact is not None:
        relation_unlink(contact=contact, kind=kind)


def _create_from_contact(kind: str, fields: Fields, data: st.DataObject) -> None:
    contact = _pick(data, Contact.objects.all(), "contact")
    if contact is not None:
        record_create_from_contact(kind, contact=contact, template_code="")


def _delete_contact(kind: str, fields: Fields, data: st.DataObject) -> None:
    contact = _pick(data, Contact.objects.all(), "contact")
    if contact is not None:
        contact_delete(contact=contact)


def _delete_record(kind: str, fields: Fields, data: st.DataObject) -> None:
    record = _pick(data, MODELS[kind]._default_manager.all(), "record")
    if record is not None:
        DELETE[kind](record)


def _batch(kind: str, fields: Fields, data: st.DataObject) -> None:
    contacts_create_from(kind, chunk_size=2)


# Each operation of OPS: it draws what it needs (a contact, a record) after the kind and values.
STEPS: dict[str, Callable[[str, Fields, st.DataObject], None]] = {
    "create_record": _create_record,
    "create_unlinked": _create_unlinked,
    "create_company": _create_company,
    "create_person": _create_person,
    "edit_contact": _edit_contact,
    "edit_record": _edit_record,
    "link": _link,
    "unlink": _unlink,
    "create_from_contact": _create_from_contact,
    "delete_contact": _delete_contact,
    "delete_record": _delete_record,
    "batch": _batch,
}


def _step(op: str, data: st.DataObject) -> None:
    kind = data.draw(st.sampled_from(RECORD_KIND_KEYS), label="kind")
    fields = data.draw(values, label="values")
    STEPS[op](kind, fields, data)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_linked_records_always_agree_on_every_mapped_field(data: st.DataObject) -> None:
    with transaction.atomic():
        steps = data.draw(st.lists(st.sampled_from(OPS), min_size=1, max_size=12), label="ops")
        for op in steps:
            try:
                with transaction.atomic():
                    _step(op, data)
            except DomainError:
                pass  # a refused operation; the invariant must still hold
            drift = drift_find(limit=3)
            assert drift == [], f"after {op}: {drift}"
            assert summaries_stale() == 0, f"stale summaries after {op}"
        transaction.set_rollback(True)
