"""Changing an open document's contact (R-M3, R-M4, R-M11): the checks in the spec's order,
then what the document takes from the contact."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.core.errors import DomainError
from liaison.core.update import snapshot
from liaison.documents.services import (
    document_create,
    document_line_add,
    document_release,
    document_update,
)
from liaison.documents.sides import PURCHASE, SALES
from liaison.records.services import record_create_from_contact


def _person(company: Contact, name: str, **extra: str) -> Contact:
    return contact_create(
        data={"type": "person", "name": name, **extra}, company_number=company.number
    )


def _other_company() -> Contact:
    return contact_create(
        data={"name": "Bergen Bikes", "city": "Bergen", "address": "2 Harbour Road"}
    )


def _stored(header: Any) -> dict[str, Any]:
    return snapshot(type(header).objects.get(pk=header.pk))


def _refused(header: Any, data: dict[str, str], code: str) -> None:
    """The change is refused with ``code`` and the document is left as it was."""
    before = _stored(header)
    with pytest.raises(DomainError) as refused:
        document_update(header=header, data=data)
    assert refused.value.code == code
    assert _stored(header) == before


def test_a_new_sell_to_contact_brings_its_email_phone_and_name_and_the_bill_to_follows(
    company: Contact,
) -> None:
    # given: an order for the company's customer, made for one person
    ann = _person(company, "Ann Lee", email="ann@alpine.example.com")
    bo = _person(company, "Bo Berg", email="bo@alpine.example.com", phone_no="+47 22 00 11 22")
    customer, _ = record_create_from_contact("customer", contact=company)
    order = document_create(side=SALES, document_type="order", contact=ann)
    # when: its contact becomes the other person
    changed = document_update(header=order, data={"sell_to_contact_number": bo.number})
    # then: the contact's fields are read again, the customer stays, bill-to follows
    changed.refresh_from_db()
    assert changed.sell_to_contact == bo
    assert changed.sell_to_contact_name == "Bo Berg"
    assert changed.sell_to_email == "bo@alpine.example.com"
    assert changed.sell_to_phone_no == "+47 22 00 11 22"
    assert changed.sell_to_customer == customer
    assert changed.bill_to_contact == bo
    assert changed.bill_to_contact_name == "Bo Berg"
    assert changed.version == order.version + 1


def test_a_bill_to_contact_changes_alone(company: Contact) -> None:
    # given
    ann = _person(company, "Ann Lee")
    record_create_from_contact("customer", contact=company)
    order = document_create(side=SALES, document_type="order", contact=company)
    # when
    changed = document_update(header=order, data={"bill_to_contact_number": ann.number})
    # then
    assert changed.bill_to_contact == ann
    assert changed.bill_to_contact_name == "Ann Lee"
    assert changed.sell_to_contact == company


def test_a_privacy_blocked_contact_is_refused_e9(company: Contact) -> None:
    # given
    ann = _person(company, "Ann Lee")
    record_create_from_contact("customer", contact=company)
    order = document_create(side=SALES, document_type="order", contact=company)
    contact_update(contact=ann, data={"privacy_blocked": True})
    # then
    _refused(order, {"sell_to_contact_number": ann.number}, "contact_privacy_blocked")


def test_a_contact_of_another_company_is_refused_on_an_order_e28(company: Contact) -> None:
    # given: an order for the company's customer and a contact of another customer
    other = _other_company()
    record_create_from_contact("customer", contact=company)
    record_create_from_contact("customer", contact=other)
    order = document_create(side=SALES, document_type="order", contact=company)
    # then
    _refused(order, {"sell_to_contact_number": other.number}, "contact_of_other_company")


def test_an_unlinked_contact_on_an_order_is_refused_by_the_company_check_first(
    company: Contact,
) -> None:
    # given: an order has a customer, so E-28 comes before E-24 (R-M3 step 4, then R-M5)
    record_create_from_contact("customer", contact=company)
    order = document_create(side=SALES, document_type="order", contact=company)
    # then
    _refused(order, {"sell_to_contact_number": _other_company().number}, "contact_of_other_company")


def test_a_sales_quote_skips_the_company_check_but_refuses_another_customers_contact_e27(
    company: Contact,
) -> None:
    # given: a quote for the company's customer; the other company has its own customer
    other = _other_company()
    record_create_from_contact("customer", contact=company)
    record_create_from_contact("customer", contact=other)
    quote = document_create(side=SALES, document_type="quote", contact=company)
    # then
    _refused(quote, {"sell_to_contact_number": other.number}, "contact_not_related_to_record")


def test_a_purchase_quote_checks_the_vendors_company_e28v(company: Contact) -> None:
    # given
    other = _other_company()
    record_create_from_contact("vendor", contact=company)
    record_create_from_contact("vendor", contact=other)
    quote = document_create(side=PURCHASE, document_type="quote", contact=company)
    # then
    _refused(quote, {"buy_from_contact_number": other.number}, "contact_of_other_company")


def test_a_prospect_quote_given_a_linked_contact_takes_its_customer_and_address(
    company: Contact,
) -> None:
    # given: a prospect quote for a company without customer, and another company with one
    other = _other_company()
    customer, _ = record_create_from_contact("customer", contact=other)
    quote = document_create(side=SALES, document_type="quote", contact=company)
    assert quote.sell_to_customer is None
    # when
    changed = document_update(header=quote, data={"sell_to_contact_number": other.number})
    # then: the customer is found, the template proposal goes, the address is the company's
    assert changed.sell_to_customer == customer
    assert changed.bill_to_customer == customer
    assert changed.sell_to_customer_template is None
    assert changed.sell_to_address == "2 Harbour Road"
    assert changed.sell_to_city == "Bergen"


def test_blanking_a_prospect_quotes_contact_with_lines_is_refused_e25(company: Contact) -> None:
    # given
    quote = document_create(side=SALES, document_type="quote", contact=company)
    document_line_add(header=quote, data={"description": "Skis", "unit_price": Decimal(10)})
    # then
    _refused(quote, {"sell_to_contact_number": ""}, "document_has_lines")


def test_blanking_a_prospect_quotes_contact_without_lines_clears_the_quote(
    company: Contact,
) -> None:
    # given
    quote = document_create(side=SALES, document_type="quote", contact=company)
    # when
    changed = document_update(header=quote, data={"sell_to_contact_number": ""})
    # then
    assert changed.sell_to_contact is None
    assert changed.sell_to_name == ""
    assert changed.sell_to_city == ""
    assert changed.sell_to_customer_template is None
    assert changed.bill_to_contact is None


def test_blanking_an_orders_contact_keeps_its_customer(company: Contact) -> None:
    # given: an order with lines (its customer stays, so no E-25)
    customer, _ = record_create_from_contact("customer", contact=company)
    order = document_create(side=SALES, document_type="order", contact=company)
    document_line_add(header=order, data={"description": "Skis", "unit_price": Decimal(10)})
    # when
    changed = document_update(header=order, data={"sell_to_contact_number": ""})
    # then
    assert changed.sell_to_contact is None
    assert changed.sell_to_contact_name == ""
    assert changed.sell_to_customer == customer


def test_a_released_document_refuses_a_new_contact(company: Contact) -> None:
    # given
    ann = _person(company, "Ann Lee")
    record_create_from_contact("customer", contact=company)
    order = document_create(side=SALES, document_type="order", contact=company)
    document_line_add(header=order, data={"description": "Skis", "unit_price": Decimal(10)})
    document_release(header=order)
    # then
    _refused(order, {"sell_to_contact_number": ann.number}, "document_not_open")


def test_an_unknown_contact_number_is_refused(company: Contact) -> None:
    # given
    record_create_from_contact("customer", contact=company)
    order = document_create(side=SALES, document_type="order", contact=company)
    # then
    _refused(order, {"sell_to_contact_number": "NOPE"}, "not_found")


def test_a_new_contact_fills_a_blank_salesperson(company: Contact) -> None:
    # given: a prospect quote without salesperson; the other company has one
    other = contact_create(data={"name": "Bergen Bikes", "salesperson_code": "ps"})
    quote = document_create(side=SALES, document_type="quote", contact=company)
    document_update(header=quote, data={"salesperson_code": ""})
    # when
    changed = document_update(header=quote, data={"sell_to_contact_number": other.number})
    # then
    assert changed.salesperson_code == "PS"


def test_a_purchase_orders_buy_from_contact_becomes_a_person_of_its_vendor(
    company: Contact,
) -> None:
    # given
    ann = _person(company, "Ann Lee", email="ann@alpine.example.com")
    vendor, _ = record_create_from_contact("vendor", contact=company)
    order = document_create(side=PURCHASE, document_type="order", contact=company)
    # when
    changed = document_update(header=order, data={"buy_from_contact_number": ann.number})
    # then
    assert changed.buy_from_contact == ann
    assert changed.buy_from_contact_name == "Ann Lee"
    assert changed.buy_from_email == "ann@alpine.example.com"
    assert changed.buy_from_vendor == vendor
    assert changed.pay_to_contact == ann
