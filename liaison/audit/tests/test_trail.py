"""The audit trail: who changed which field, when, from where, for every write path."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from liaison.accounts.services import user_create
from liaison.audit.context import Source, acting_as
from liaison.audit.models import AuditEntry
from liaison.audit.selectors import audit_for
from liaison.banking.services import bank_account_create_from_contact
from liaison.batch.bulk import contacts_bulk_update
from liaison.cli import main
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_renumber, contact_update
from liaison.core.errors import ValidationFailed
from liaison.core.models import NoSeries
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create_from_contact
from liaison.records.services import record_delete
from liaison.relations.models import MarketingSetup
from liaison.relations.services import relation_link, relation_unlink
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_create_from_contact, customer_update


@pytest.fixture
def hub(company: Contact) -> Contact:
    """A company contact linked to a customer, a vendor and a bank account."""
    customer_create_from_contact(contact=company)
    vendor_create_from_contact(contact=company)
    bank_account_create_from_contact(contact=company)
    company.refresh_from_db()
    return company


def _entries(**where: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**where).order_by("id"))


def _numbers(hub: Contact) -> dict[str, str]:
    links = hub.relations.select_related("customer", "vendor", "bank_account")
    return {
        link.link_to_table: getattr(link, link.link_to_table).number
        for link in links
        if link.link_to_table
    }


def test_a_users_phone_edit_records_the_user_and_the_synchronised_records(hub: Contact) -> None:
    # given
    clerk = user_create(username="clerk", password="pw", role="editor")
    old_phone = hub.phone_no
    # when
    with acting_as(clerk):
        contact_update(contact=hub, data={"phone_no": "+47 99 88 77 66"})
    # then the user's own change on the contact
    [own] = _entries(entity="contact", entity_pk=hub.pk, action="update")
    assert (own.user_id, own.username, own.source) == (clerk.pk, "clerk", Source.USER)
    assert (own.field, own.old, own.new) == ("phone_no", old_phone, "+47 99 88 77 66")
    assert own.origin_number == ""
    # and what synchronisation wrote into each linked record, with the contact as origin
    for kind, number in _numbers(hub).items():
        [synced] = _entries(entity=kind, number=number, action="update")
        assert (synced.source, synced.username) == (Source.SYNC, "clerk")
        assert (synced.field, synced.old, synced.new) == ("phone_no", old_phone, "+47 99 88 77 66")
        assert (synced.origin_kind, synced.origin_number) == ("contact", hub.number)


def test_a_customer_edit_names_the_customer_as_origin_of_the_contact_and_the_other_records(
    hub: Contact,
) -> None:
    # given
    customer = Customer.objects.get(links__contact=hub)
    # when
    customer_update(customer=customer, data={"city": "Bergen"})
    # then the customer's own change is the system's (no edge set a user) and no sync echo
    [own] = _entries(entity="customer", entity_pk=customer.pk, action="update")
    assert (own.source, own.field, own.old, own.new) == (Source.SYSTEM, "city", "Oslo", "Bergen")
    # and the contact, vendor and bank account name the customer as origin
    numbers = _numbers(hub)
    for kind, number in (
        ("contact", hub.number),
        ("vendor", numbers["vendor"]),
        ("bank_account", numbers["bank_account"]),
    ):
        [synced] = _entries(entity=kind, number=number, action="update", field="city")
        assert (synced.source, synced.old, synced.new) == (Source.SYNC, "Oslo", "Bergen")
        assert (synced.origin_kind, synced.origin_number) == ("customer", customer.number)


def test_a_company_edit_reaches_its_persons_history_with_the_company_as_origin(
    hub: Contact,
) -> None:
    # given a person who holds the company's phone number
    from liaison.contacts.services import contact_create

    person = contact_create(data={"type": "person", "name": "Ann Lee"}, company_number=hub.number)
    # when
    contact_update(contact=hub, data={"phone_no": "+47 22 00 00 01"})
    # then
    [inherited] = _entries(entity="contact", entity_pk=person.pk, action="update")
    assert (inherited.field, inherited.new) == ("phone_no", "+47 22 00 00 01")
    assert (inherited.source, inherited.origin_number) == (Source.SYNC, hub.number)


def test_link_and_unlink_are_recorded_on_the_contact_and_the_record(company: Contact) -> None:
    # given a customer without a contact
    code = MarketingSetup.objects.get().bus_rel_code_for_customers_id
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    customer = customer_create(data={"name": "Fabrikam", "city": "Bergen"})
    MarketingSetup.objects.update(bus_rel_code_for_customers_id=code)
    # when
    relation_link(contact=company, kind="customer", number=customer.number, master="contact")
    relation_unlink(contact=company, kind="customer")
    # then
    on_contact = _entries(entity="contact", entity_pk=company.pk, field="customer")
    assert [(e.action, e.old, e.new) for e in on_contact] == [
        ("link", "", customer.number),
        ("unlink", customer.number, ""),
    ]
    on_customer = _entries(entity="customer", entity_pk=customer.pk, field="contact")
    assert [(e.action, e.old, e.new) for e in on_customer] == [
        ("link", "", company.number),
        ("unlink", company.number, ""),
    ]
    # and the contact's values that the link pushed into the customer
    [city] = _entries(entity="customer", entity_pk=customer.pk, field="city")
    assert (city.old, city.new, city.origin_number) == ("Bergen", "Oslo", company.number)


def test_a_new_customer_records_its_automatic_contact_as_synchronisation(company: Contact) -> None:
    # when
    with acting_as(username="ana", source=Source.USER):
        customer = customer_create(data={"name": "Fabrikam"})
    # then
    [made] = _entries(entity="customer", entity_pk=customer.pk, action="create")
    assert (made.source, made.username) == (Source.USER, "ana")
    [contact_made] = _entries(entity="contact", action="create", origin_number=customer.number)
    assert (contact_made.source, contact_made.origin_kind) == (Source.SYNC, "customer")
    assert _entries(entity="customer", entity_pk=customer.pk, action="link")


def test_a_rolled_back_edit_records_nothing(hub: Contact) -> None:
    # given
    before = AuditEntry.objects.count()
    # when an edit fails validation, and another is rolled back by its caller's transaction
    with pytest.raises(ValidationFailed):
        contact_update(contact=hub, data={"email": "not an address"})

    def edit_then_give_up() -> None:
        with transaction.atomic():
            contact_update(contact=hub, data={"phone_no": "+47 99 88 77 66"})
            raise RuntimeError("the caller gives up")

    with pytest.raises(RuntimeError, match="the caller gives up"):
        edit_then_give_up()
    # then
    assert AuditEntry.objects.count() == before


def test_renumbering_keeps_the_history_with_the_record(hub: Contact) -> None:
    # given
    NoSeries.objects.update(manual_nos=True)
    contact_update(contact=hub, data={"city": "Bergen"})
    # when
    contact_renumber(contact=hub, number="KEEP-1")
    # then
    history = list(audit_for("contact", "KEEP-1"))
    assert history[0].action == "rename"
    assert (history[0].old, history[0].new) == (
        hub.number,
        "KEEP-1",
    )
    assert any(e.field == "city" for e in history)


def test_a_deleted_records_history_stays_readable_by_its_number(hub: Contact) -> None:
    # given
    customer = Customer.objects.get(links__contact=hub)
    # when
    record_delete("customer", record=customer)
    # then
    history = list(audit_for("customer", customer.number))
    assert [e.action for e in history[:2]] == ["delete", "unlink"]
    assert _entries(entity="contact", entity_pk=hub.pk, action="unlink", new="")


def _bulk_queries(hubs: list[Contact], phone: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        contacts_bulk_update({h.number: {"phone_no": phone} for h in hubs})
    return len(ctx.captured_queries)


def test_a_bulk_edit_records_every_change_at_a_query_cost_that_does_not_grow() -> None:
    # given companies with a customer, vendor and bank account each
    from liaison.contacts.services import contact_create

    hubs = []
    for i in range(30):
        hub = contact_create(data={"name": f"Company {i}", "phone_no": "+47 22 33 44 55"})
        for create in (
            customer_create_from_contact,
            vendor_create_from_contact,
            bank_account_create_from_contact,
        ):
            create(contact=hub)
        hubs.append(hub)
    before = AuditEntry.objects.count()
    # when
    few = _bulk_queries(hubs[:5], "+47 22 00 00 01")
    many = _bulk_queries(hubs[5:], "+47 22 00 00 02")
    # then the same number of queries, and one entry per contact and per linked record
    assert many == few
    assert AuditEntry.objects.count() - before == 30 * 4
    assert AuditEntry.objects.filter(field="phone_no", source=Source.SYNC).count() == 30 * 3


def test_the_audit_trail_costs_one_query_on_a_contact_edit_with_three_links(
    hub: Contact, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # the edit's own 13 queries (savepoint and release included), and the trail's one insert;
    # with the duplicate index not maintained, its check costs the one read of the setup
    MarketingSetup.objects.update(maintain_dupl_search_strings=False)
    with django_assert_max_num_queries(15):
        contact_update(contact=hub, data={"phone_no": "+47 22 00 00 03"})
    assert AuditEntry.objects.filter(field="phone_no").count() == 4


def test_an_import_is_recorded_with_source_import(hub: Contact, tmp_path: Path) -> None:
    # given a file that changes a linked contact's city
    path = tmp_path / "contacts.csv"
    path.write_text(f"number,name,city\n{hub.number},{hub.name},Tromsø\n", encoding="utf-8")
    # when
    assert main(["import", "contacts", str(path)]) == 0
    # then
    [own] = _entries(entity="contact", entity_pk=hub.pk, field="city")
    assert (own.source, own.new) == (Source.IMPORT, "Tromsø")
    [vendor] = _entries(entity="vendor", field="city")
    assert (vendor.source, vendor.origin_number) == (Source.SYNC, hub.number)


def test_a_batch_job_from_the_web_is_recorded_as_the_users_batch(
    client: Client,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # given a customer without a contact
    settings.LIAISON_JOBS_INLINE = True
    code = MarketingSetup.objects.get().bus_rel_code_for_customers_id
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    customer = customer_create(data={"name": "Unlinked"})
    MarketingSetup.objects.update(bus_rel_code_for_customers_id=code)
    client.force_login(user_create(username="boss", password="pw", role="editor"))  # type: ignore[arg-type]
    # when
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/batch/start/", {"kind": "customer"})
    # then
    [made] = _entries(entity="contact", action="create")
    assert (made.source, made.username) == (Source.BATCH, "boss")
    assert (made.origin_kind, made.origin_number) == ("customer", customer.number)


def test_a_record_made_from_a_contact_starts_its_history_with_create_then_link(
    hub: Contact,
) -> None:
    vendor = Vendor.objects.get(links__contact=hub)
    assert [e.action for e in audit_for("vendor", vendor.number)] == ["link", "create"]


def test_deleting_a_contact_records_the_unlinks_and_the_lost_primary_contact(
    hub: Contact,
) -> None:
    # given
    from liaison.contacts.services import contact_delete

    customer = Customer.objects.get(links__contact=hub)
    customer_update(customer=customer, data={}, primary_contact_number=hub.number)
    # when
    contact_delete(contact=hub)
    # then
    history = {(e.action, e.field, e.old, e.new) for e in audit_for("customer", customer.number)}
    assert ("unlink", "contact", hub.number, "") in history
    assert ("update", "primary_contact", hub.number, "") in history
    assert next(e.action for e in audit_for("contact", hub.number)) == "delete"
