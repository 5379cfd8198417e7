"""The engine's contract (design.md): what reaches where, what never does, and at what cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoAssertNumQueries

from liaison.banking.services import bank_account_create_from_contact
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create_from_contact, vendor_update
from liaison.relations.checks import drift_find
from liaison.relations.sync import sync_from_contacts, sync_from_linked
from liaison.sales.models import Customer
from liaison.sales.services import customer_create_from_contact, customer_update


@pytest.fixture
def hub(company: Contact) -> Contact:
    """A company contact linked to a customer, a vendor and a bank account."""
    customer_create_from_contact(contact=company)
    vendor_create_from_contact(contact=company)
    bank_account_create_from_contact(contact=company)
    company.refresh_from_db()
    return company


def test_contact_change_reaches_customer_vendor_and_bank_account(hub: Contact) -> None:
    # when
    _, report = contact_update(contact=hub, data={"phone_no": "+47 99 88 77 66"})
    # then
    for link in hub.relations.select_related("customer", "vendor", "bank_account"):
        record = link.customer or link.vendor or link.bank_account
        assert record is not None
        assert record.phone_no == "+47 99 88 77 66"
        assert record.phone_e164 == "+4799887766"
    assert report.written == {"sales.customer": 1, "purchases.vendor": 1, "banking.bankaccount": 1}
    assert "customer" in report.describe()
    assert "phone_no" in report.describe()


def test_customer_change_reaches_contact_and_other_links_but_not_itself(hub: Contact) -> None:
    # given
    customer = Customer.objects.get(links__contact=hub)
    version_after_own_save = customer.version + 1
    # when
    customer, report = customer_update(customer=customer, data={"city": "Bergen"})
    # then
    hub.refresh_from_db()
    assert hub.city == "Bergen"
    assert Vendor.objects.get(links__contact=hub).city == "Bergen"
    bank = hub.relations.get(link_to_table="bank_account").bank_account
    assert bank is not None
    assert bank.city == "Bergen"
    customer.refresh_from_db()
    assert customer.version == version_after_own_save
    assert "sales.customer" not in report.written


def test_second_sync_writes_nothing(hub: Contact) -> None:
    # given
    contact_update(contact=hub, data={"email": "sales@alpine.example.com"})
    # when
    from django.db import transaction

    with transaction.atomic():
        report = sync_from_contacts([Contact.objects.get(pk=hub.pk)])
    # then
    assert report.total == 0


def test_bulk_equals_sequential_singles(company: Contact) -> None:
    # given two identical families, one synchronised in one batch, one record at a time
    other = contact_create(data={"name": "Beta AS", "country_code": "NO"})
    customers = [customer_create_from_contact(contact=c)[0] for c in (company, other)]
    from django.db import transaction

    Customer.objects.filter(pk__in=[c.pk for c in customers]).update(city="Tromsø")
    fresh = list(Customer.objects.filter(pk__in=[c.pk for c in customers]).order_by("pk"))
    # when
    with transaction.atomic():
        bulk = sync_from_linked("customer", fresh)
    # then
    assert bulk.written["contacts.contact"] == 2
    assert set(
        Contact.objects.filter(pk__in=[company.pk, other.pk]).values_list("city", flat=True)
    ) == {"Tromsø"}
    Customer.objects.update(city="Narvik")
    with transaction.atomic():
        singles = [sync_from_linked("customer", [c]) for c in Customer.objects.order_by("pk")]
    assert sum(r.written["contacts.contact"] for r in singles) == 2
    assert drift_find() == []


def test_unmapped_fields_never_propagate(hub: Contact) -> None:
    # given
    customer = Customer.objects.get(links__contact=hub)
    vendor = Vendor.objects.get(links__contact=hub)
    # when
    customer_update(customer=customer, data={"payment_terms_code": "60 DAYS", "blocked": True})
    vendor_update(vendor=vendor, data={"purchaser_code": "BUYER"})
    contact_update(contact=hub, data={"job_title": "", "extension_no": "12"})
    # then
    hub.refresh_from_db()
    vendor.refresh_from_db()
    assert Vendor.objects.get(pk=vendor.pk).payment_terms_code == "30 DAYS"
    assert hub.salesperson_code == "JS"  # a vendor's purchaser never reaches the contact
    assert vendor.purchaser_code == "BUYER"  # and the contact's salesperson never the vendor
    assert Customer.objects.get(pk=customer.pk).payment_terms_code == "60 DAYS"


def test_persons_inherit_only_inherited_fields_where_they_held_the_old_value(
    company: Contact,
) -> None:
    # given one person still holding the company's phone, one with their own
    same = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    own = contact_create(
        data={"type": "person", "name": "Ola Nordmann", "phone_no": "+47 41 00 00 01"},
        company_number=company.number,
    )
    assert same.phone_no == company.phone_no
    # when
    contact_update(
        contact=company,
        data={
            "phone_no": "+47 22 00 00 00",
            "name": "Alpine Ski House AS",
            "vat_registration_no": "",
        },
    )
    # then
    same.refresh_from_db()
    own.refresh_from_db()
    assert same.phone_no == "+47 22 00 00 00"
    assert same.phone_e164 == "+4722000000"
    assert own.phone_no == "+47 41 00 00 01"
    assert same.company_name == own.company_name == "Alpine Ski House AS"
    assert same.name == "Jane Doe"  # the company's name is not a person's name


def test_inheritance_switch_off_keeps_persons_unchanged(company: Contact) -> None:
    # given
    from liaison.relations.services import marketing_setup_update

    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    marketing_setup_update(data={"inherit_communication_details": False})
    # when
    contact_update(contact=company, data={"phone_no": "+47 22 00 00 01"})
    # then
    person.refresh_from_db()
    assert person.phone_no == "+47 22 33 44 55"


def _queries_for_edit(contact: Contact, value: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        contact_update(contact=contact, data={"phone_no": value})
    return len(ctx.captured_queries)


def test_contact_edit_with_three_links_issues_a_constant_number_of_queries(
    hub: Contact, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # given persons of the company, which the edit cascades to
    for i in range(3):
        contact_create(data={"type": "person", "name": f"P {i}"}, company_number=hub.number)
    few = _queries_for_edit(hub, "+47 22 00 00 01")
    for i in range(20):
        contact_create(data={"type": "person", "name": f"Q {i}"}, company_number=hub.number)
    # when / then: more persons, same number of queries
    many = _queries_for_edit(hub, "+47 22 00 00 02")
    assert many == few
    # 24 for the edit and its synchronisation, plus at most 13 for the duplicate check a
    # company's phone change runs (R-D6: setup, rules, 3 deletes, IBANs, 2 inserts, 4 reads,
    # existing pairs; liaison/duplicates/services.py).
    with django_assert_max_num_queries(37):
        contact_update(contact=hub, data={"phone_no": "+47 22 00 00 03"})


@pytest.mark.django_db(transaction=True)
def test_sync_outside_a_transaction_raises(hub: Contact) -> None:
    with pytest.raises(RuntimeError, match="inside the caller's transaction"):
        sync_from_contacts([hub])
