"""Bulk edit of contacts: set-based per chunk, one engine call per chunk, precise refusals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.banking.models import BankAccount
from liaison.banking.services import bank_account_create_from_contact
from liaison.batch.bulk import contacts_bulk_update
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.core.errors import DomainError, ValidationFailed
from liaison.core.update import snapshot
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create_from_contact
from liaison.relations.checks import drift_find
from liaison.sales.models import Customer
from liaison.sales.services import customer_create_from_contact

_STAMPS = ("modified_at", "created_at")


def _hubs(count: int) -> list[Contact]:
    """Company contacts, each linked to a customer, a vendor and a bank account."""
    hubs = []
    for i in range(count):
        hub = contact_create(data={"name": f"Company {i}", "country_code": "NO"})
        customer_create_from_contact(contact=hub)
        vendor_create_from_contact(contact=hub)
        bank_account_create_from_contact(contact=hub)
        hubs.append(hub)
    return hubs


def _state(contact: Contact) -> list[dict[str, object]]:
    """The contact and its linked records, without the pks, numbers and times that differ."""
    rows = [
        contact,
        *(
            r
            for m in (Customer, Vendor, BankAccount)
            for r in m.objects.filter(links__contact=contact)
        ),
    ]
    skip = {"id", "number", "primary_contact_id", *_STAMPS}
    return [{k: v for k, v in snapshot(r).items() if k not in skip} for r in rows]


def test_bulk_update_reaches_every_linked_record_of_every_contact() -> None:
    # given
    hubs = _hubs(3)
    # when
    report = contacts_bulk_update(
        {h.number: {"phone_no": f"+47 22 00 00 0{i}"} for i, h in enumerate(hubs)}
    )
    # then
    assert (report.updated, report.unchanged, report.failed) == (3, 0, 0)
    assert report.written == {"sales.customer": 3, "purchases.vendor": 3, "banking.bankaccount": 3}
    for i, hub in enumerate(hubs):
        for model in (Customer, Vendor, BankAccount):
            record = model.objects.get(links__contact=hub)
            assert (record.phone_no, record.phone_e164) == (f"+47 22 00 00 0{i}", f"+472200000{i}")
    assert drift_find() == []


def test_bulk_update_leaves_the_same_state_as_single_updates() -> None:
    # given two identical families of contacts
    bulk_hub, single_hub = _hubs(2)
    changes = {"address": "9 New Road", "city": "Bergen", "email": "new@example.com"}
    # when
    contacts_bulk_update({bulk_hub.number: changes})
    contact_update(contact=single_hub, data=changes)
    # then
    bulk_hub.refresh_from_db()
    single_hub.refresh_from_db()
    bulk_state, single_state = _state(bulk_hub), _state(single_hub)
    for row in (*bulk_state, *single_state):
        row.pop("name"), row.pop("search_name"), row.pop("company_name", None)
    assert bulk_state == single_state


def test_bulk_update_carries_a_company_change_to_its_persons() -> None:
    # given a company and a person who holds its address
    company = contact_create(data={"name": "Fabrikam", "address": "1 Main St", "city": "Oslo"})
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    # when
    contacts_bulk_update({company.number: {"address": "9 New Road", "city": "Bergen"}})
    # then
    person.refresh_from_db()
    assert (person.address, person.city) == ("9 New Road", "Bergen")


def test_bulk_update_moves_a_person_to_another_company_which_it_inherits_from() -> None:
    # given
    first = contact_create(data={"name": "First", "city": "Oslo"})
    second = contact_create(data={"name": "Second", "city": "Bergen"})
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=first.number
    )
    # when
    report = contacts_bulk_update({person.number: {"company_number": second.number}})
    # then
    person.refresh_from_db()
    assert report.updated == 1
    assert (person.company_id, person.company_name, person.city) == (second.pk, "Second", "Bergen")


def test_bulk_update_reports_bad_contacts_and_writes_the_good_ones() -> None:
    # given
    good, bad = _hubs(2)
    # when
    report = contacts_bulk_update(
        {
            good.number: {"email": "ok@example.com", "city": "Bergen"},
            bad.number: {"email": "broken", "country_code": "XX"},
            "CT999999": {"email": "x@example.com"},
            good.number.lower(): {"city": "Bergen"},
        }
    )
    # then
    assert [(e.key, e.field) for e in report.errors] == [
        (good.number.lower(), "number"),
        ("CT999999", "number"),
        (bad.number, "country_code"),
        (bad.number, "email"),
    ]
    assert str(report.errors[0]) == f"{good.number.lower()}, number: {good.number} is given twice."
    assert str(report.errors[1]) == "CT999999, number: Contact CT999999 does not exist."
    assert (report.updated, report.failed) == (1, 3)
    good.refresh_from_db()
    bad.refresh_from_db()
    assert (good.email, good.city) == ("ok@example.com", "Bergen")
    assert (bad.email, bad.country_code) == ("", "NO")
    assert Customer.objects.get(links__contact=bad).email == ""


def test_bulk_update_of_unchanged_values_writes_nothing() -> None:
    # given
    (hub,) = _hubs(1)
    version = hub.version
    # when
    report = contacts_bulk_update({hub.number: {"name": hub.name, "country_code": "no"}})
    # then
    hub.refresh_from_db()
    assert (report.updated, report.unchanged, report.written.total()) == (0, 1, 0)
    assert hub.version == version


def test_bulk_update_refuses_unknown_fields_before_writing_anything() -> None:
    # given
    (hub,) = _hubs(1)
    # when / then
    with pytest.raises(ValidationFailed, match="Unknown or read-only fields: colour, number"):
        contacts_bulk_update({hub.number: {"city": "Bergen", "colour": "red", "number": "X"}})
    hub.refresh_from_db()
    assert hub.city == ""


def _queries_for_phone_change(contacts: list[Contact], phone: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        report = contacts_bulk_update(
            {c.number: {"phone_no": phone} for c in contacts}, chunk_size=100
        )
    assert (report.updated, report.failed) == (len(contacts), 0)
    return len(ctx.captured_queries)


def test_bulk_update_issues_the_same_number_of_queries_for_50_contacts_as_for_10() -> None:
    # given company contacts with a customer, a vendor and a bank account each
    hubs = _hubs(60)
    # when
    few = _queries_for_phone_change(hubs[:10], "+47 22 00 00 01")
    many = _queries_for_phone_change(hubs[10:], "+47 22 00 00 02")
    # then
    assert many == few
    assert Vendor.objects.filter(phone_no="+47 22 00 00 02").count() == 50


def test_bulk_update_is_not_refused_for_an_old_value_it_does_not_change() -> None:
    # given a contact holding an e-mail stored before the rule existed
    (hub,) = _hubs(1)
    Contact.objects.filter(pk=hub.pk).update(email="legacy at example")
    # when only its phone number changes
    report = contacts_bulk_update({hub.number: {"phone_no": "+47 22 00 00 09"}})
    # then
    assert (report.updated, report.errors) == (1, [])


def test_bulk_update_applies_the_contact_rules_per_contact() -> None:
    # given a minor without consent (privacy blocked) and a company with a customer
    minor = contact_create(data={"type": "person", "name": "Young One", "minor": True})
    (hub,) = _hubs(1)
    # when one would be unblocked and the other made a person
    changes: dict[str, dict[str, object]] = {
        minor.number: {"privacy_blocked": False},
        hub.number: {"type": "person"},
    }
    report = contacts_bulk_update(changes)
    # then both are refused, each with the rule's own message
    assert [(e.key, e.field) for e in report.errors] == [
        (minor.number, "privacy_blocked"),
        (hub.number, "type"),
    ]
    assert "until Parental Consent Received is set" in report.errors[0].message
    assert "it has business relations" in report.errors[1].message
    minor.refresh_from_db()
    assert minor.privacy_blocked


def test_bulk_edit_reads_an_iterable_of_changes_a_chunk_at_a_time() -> None:
    # given: pairs from a generator, with an unknown field in the second chunk
    bulk_hub = contact_create(data={"name": "Hub Co"})
    other = contact_create(data={"name": "Other Co"})

    def pairs() -> Iterator[tuple[str, dict[str, str]]]:
        yield bulk_hub.number, {"city": "Bergen"}
        yield other.number, {"colour": "red"}

    # when / then: the first chunk is written, the second refused before it is written
    with pytest.raises(DomainError):
        contacts_bulk_update(pairs(), chunk_size=1)
    bulk_hub.refresh_from_db()
    other.refresh_from_db()
    assert bulk_hub.city == "Bergen"
    assert other.city == ""


def test_a_nul_character_in_a_bulk_edit_refuses_that_contact_only(company: Contact) -> None:
    other = contact_create(data={"name": "Northwind"})
    report = contacts_bulk_update(
        {company.number: {"name": "Alpine\x00Ski"}, other.number: {"city": "Bergen"}}
    )
    assert [(e.key, e.field) for e in report.errors] == [(company.number, "name")]
    assert report.updated == 1
    company.refresh_from_db()
    assert company.name == "Alpine Ski House"
