"""Links, batch jobs, summaries and setup: spec groups G, I, K and the setup rules."""

from __future__ import annotations

import pytest
from django.db import connection

from liaison.banking.services import bank_account_create
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.purchases.services import vendor_create_from_contact
from liaison.relations.errors import (
    CompanyRequired,
    ContactAlreadyLinked,
    NotLinked,
    RecordAlreadyLinked,
    RelationCodeMissing,
    SetupCodesNotDistinct,
    SystemRelationCode,
)
from liaison.relations.models import ContactBusinessRelation, MarketingSetup
from liaison.relations.selectors import unlinked_records
from liaison.relations.services import (
    business_relation_create,
    contacts_create_from,
    marketing_setup_update,
    relation_add,
    relation_link,
    relation_unlink,
    setup_init,
)
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_create_from_contact


def _unlinked_customer(**data: str) -> Customer:
    code = MarketingSetup.objects.get().bus_rel_code_for_customers
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    customer = customer_create(data={"name": "Northwind", "city": "Seattle", **data})
    MarketingSetup.objects.update(bus_rel_code_for_customers=code)
    return customer


def test_link_with_contact_as_master_pushes_contact_data(company: Contact) -> None:
    customer = _unlinked_customer()
    _, report = relation_link(contact=company, kind="customer", number=customer.number)
    customer.refresh_from_db()
    assert (customer.name, customer.city) == ("Alpine Ski House", "Oslo")
    assert report.written["sales.customer"] == 1


def test_link_with_record_as_master_pulls_record_data(company: Contact) -> None:
    customer = _unlinked_customer()
    relation_link(contact=company, kind="customer", number=customer.number, master="record")
    company.refresh_from_db()
    assert (company.name, company.city, company.phone_no) == ("Northwind", "Seattle", "")
    assert company.business_relation_summary == "customer"


def test_link_refuses_a_record_linked_elsewhere(company: Contact) -> None:
    other = contact_create(data={"name": "Other"})
    customer, _ = customer_create_from_contact(contact=other)
    with pytest.raises(RecordAlreadyLinked, match=other.number):
        relation_link(contact=company, kind="customer", number=customer.number)
    assert not ContactBusinessRelation.objects.filter(contact=company).exists()


def test_link_refuses_a_second_customer(company: Contact) -> None:
    customer_create_from_contact(contact=company)
    customer = _unlinked_customer()
    with pytest.raises(ContactAlreadyLinked):
        relation_link(contact=company, kind="customer", number=customer.number)


def test_link_bank_account_needs_a_company(company: Contact) -> None:
    MarketingSetup.objects.update(bus_rel_code_for_bank_accounts=None)
    bank = bank_account_create(data={"name": "Demo Bank"})
    setup_init()
    marketing_setup_update(data={"bus_rel_code_for_bank_accounts": "BANK"})
    person = contact_create(data={"type": "person", "name": "Kari Hansen"})
    with pytest.raises(CompanyRequired):
        relation_link(contact=person, kind="bank_account", number=bank.number)


def test_unlink_keeps_both_records(company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    relation_unlink(contact=company, kind="customer")
    assert Customer.objects.filter(pk=customer.pk).exists()
    company.refresh_from_db()
    assert company.business_relation_summary == "none"
    with pytest.raises(NotLinked):
        relation_unlink(contact=company, kind="customer")


def test_summary_is_multiple_for_customer_and_vendor(company: Contact) -> None:
    customer_create_from_contact(contact=company)
    vendor_create_from_contact(contact=company)
    company.refresh_from_db()
    assert company.business_relation_summary == "multiple"


def test_summary_is_other_for_a_plain_relation_and_persons_see_their_company(
    company: Contact,
) -> None:
    business_relation_create(code="press", description="Press")
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    relation_add(contact=company, code="PRESS")
    company.refresh_from_db()
    person.refresh_from_db()
    assert company.business_relation_summary == "other"
    assert person.business_relation_summary == "other"
    customer_create_from_contact(contact=company)
    person.refresh_from_db()
    assert person.business_relation_summary == "multiple"


def test_plain_relation_cannot_use_a_system_code(company: Contact) -> None:
    with pytest.raises(SystemRelationCode):
        relation_add(contact=company, code="CUST")


def test_batch_creates_contacts_for_unlinked_customers_only() -> None:
    # given three unlinked customers and one linked
    unlinked = [_unlinked_customer(name=f"Customer {i}") for i in range(3)]
    customer_create(data={"name": "Linked"})
    seen: list[tuple[int, int]] = []
    # when, in chunks of two
    result = contacts_create_from(
        "customer", chunk_size=2, progress=lambda d, t: seen.append((d, t))
    )
    # then
    assert (result.created, result.skipped) == (3, 1)
    assert seen[-1] == (4, 4)
    assert len(seen) == 2
    for customer in unlinked:
        contact = Contact.objects.get(relations__customer=customer)
        assert contact.name == customer.name
        assert contact.business_relation_summary == "customer"
    # and a second run finds nothing to do
    again = contacts_create_from("customer")
    assert (again.created, again.skipped) == (0, 4)


def test_a_batch_chunk_looks_up_each_record_s_links_not_all_links() -> None:
    # given customers, one linked
    _unlinked_customer(name="Unlinked")
    customer_create(data={"name": "Linked"})
    # when the batch's query for a chunk is planned
    query = unlinked_records("customer").filter(number__gt="").select_for_update()[:1000]
    with connection.cursor() as cursor:
        sql, params = query.query.sql_with_params()
        cursor.execute(
            f"EXPLAIN {'QUERY PLAN ' if connection.vendor == 'sqlite' else ''}{sql}", params
        )
        plan = " ".join(str(row) for row in cursor.fetchall())
    # then the links are searched per customer by key (anti join / correlated subquery), not
    # read whole into a list or hash for every chunk, whose cost would grow with the links made
    assert "NOT EXISTS" in sql
    assert "LIST SUBQUERY" not in plan
    assert "hashed SubPlan" not in plan
    assert [c.name for c in query] == ["Unlinked"]


def test_batch_needs_the_relation_code() -> None:
    _unlinked_customer()
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    with pytest.raises(RelationCodeMissing):
        contacts_create_from("customer")
    assert Contact.objects.count() == 0


def test_relation_codes_must_be_distinct() -> None:
    with pytest.raises(SetupCodesNotDistinct):
        marketing_setup_update(data={"bus_rel_code_for_vendors": "CUST"})
    vendors = MarketingSetup.objects.get().bus_rel_code_for_vendors
    assert vendors is not None
    assert vendors.code == "VEND"


def test_init_is_idempotent() -> None:
    assert setup_init() == []
    setup = MarketingSetup.objects.get()
    assert setup.contact_nos is not None
    assert setup.contact_nos.code == "CONT"
    customers = setup.bus_rel_code_for_customers
    assert customers is not None
    assert customers.code == "CUST"
