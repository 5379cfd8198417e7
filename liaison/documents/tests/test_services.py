"""Documents from contacts (spec group M) and their interaction logging (group N)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_delete, contact_update
from liaison.core.errors import DomainError
from liaison.documents.models import PurchaseHeader, SalesHeader
from liaison.documents.services import (
    document_create,
    document_line_add,
    document_line_update,
    document_make_order,
    document_print,
    document_release,
    document_reopen,
)
from liaison.documents.sides import PURCHASE, SALES, Side
from liaison.interactions.models import InteractionLogEntry
from liaison.interactions.services import interaction_setup_update
from liaison.purchases.models import Vendor
from liaison.records.services import record_create_from_contact
from liaison.relations.models import ContactBusinessRelation
from liaison.relations.services import relation_link
from liaison.sales.models import Customer
from liaison.sales.services import customer_create

LINES = [
    {"description": "Ski rental", "quantity": Decimal(3), "unit_price": Decimal("40.00")},
    {
        "description": "Lessons",
        "quantity": Decimal(2),
        "unit_price": Decimal("100.00"),
        "line_discount_pct": Decimal(10),
    },
]


def _person(company: Contact, name: str = "Ann Lee", **extra: str) -> Contact:
    return contact_create(
        data={"type": "person", "name": name, **extra}, company_number=company.number
    )


def _customer_of(contact: Contact) -> Customer:
    customer, _ = record_create_from_contact("customer", contact=contact)
    return customer  # type: ignore[return-value]


def test_quote_for_linked_contact_takes_its_customer_and_addresses(company: Contact) -> None:
    # given
    customer = _customer_of(company)
    # when
    quote = document_create(side=SALES, document_type="quote", contact=company)
    # then
    assert quote.number == "SQ0001"
    assert quote.sell_to_customer == customer
    assert quote.bill_to_customer == customer
    assert quote.sell_to_contact == company
    assert quote.bill_to_contact == company
    assert quote.sell_to_name == "Alpine Ski House"
    assert quote.sell_to_city == "Oslo"
    assert quote.sell_to_email == company.email
    assert quote.salesperson_code == "JS"
    assert quote.sell_to_customer_template is None


def test_person_resolves_to_its_own_customer_before_its_company(company: Contact) -> None:
    # given: the company and one of its persons each have a customer
    person = _person(company)
    own = customer_create(data={"name": "Ann Lee private", "contact_type": "person"})
    contact_delete(contact=Contact.objects.get(name="Ann Lee private"))  # its auto contact
    relation_link(contact=person, kind="customer", number=own.number)
    company_customer = _customer_of(company)
    other = _person(company, "Bo Berg")
    # when
    mine = document_create(side=SALES, document_type="order", contact=person)
    theirs = document_create(side=SALES, document_type="order", contact=other)
    # then
    assert mine.sell_to_customer == own
    assert theirs.sell_to_customer == company_customer
    assert theirs.sell_to_contact_name == "Bo Berg"


def test_quote_for_unlinked_person_is_a_prospect_quote_with_company_data(
    company: Contact,
) -> None:
    # given
    person = _person(company)
    # when
    quote = document_create(side=SALES, document_type="quote", contact=person)
    # then
    assert quote.sell_to_customer is None
    assert quote.bill_to_customer is None
    assert quote.sell_to_name == "Alpine Ski House"
    assert quote.sell_to_phone_no == company.phone_no
    assert quote.sell_to_contact_name == "Ann Lee"
    assert quote.sell_to_customer_template is not None
    assert quote.sell_to_customer_template.code == "CUST-COMPANY"
    assert quote.bill_to_customer_template == quote.sell_to_customer_template


@pytest.mark.parametrize(
    ("side", "document_type", "code"),
    [
        (SALES, "order", "contact_not_related"),
        (SALES, "blanket_order", "contact_not_related"),
        (SALES, "service_order", "contact_not_related"),
        (PURCHASE, "order", "contact_not_related"),
        (PURCHASE, "blanket_order", "contact_not_related"),
    ],
)
def test_order_for_unlinked_contact_is_refused_and_stores_nothing(
    company: Contact, side: Side, document_type: str, code: str
) -> None:
    # when
    with pytest.raises(DomainError) as caught:
        document_create(side=side, document_type=document_type, contact=company, lines=LINES)
    # then
    assert caught.value.code == code
    assert "is not related to a" in caught.value.message
    assert not SalesHeader.objects.exists()
    assert not PurchaseHeader.objects.exists()


def test_privacy_blocked_contact_cannot_get_a_quote(company: Contact) -> None:
    # given
    contact_update(contact=company, data={"privacy_blocked": True})
    # when
    with pytest.raises(DomainError) as caught:
        document_create(side=SALES, document_type="quote", contact=company)
    # then
    assert caught.value.code == "contact_privacy_blocked"
    assert not SalesHeader.objects.exists()


def test_order_for_customer_with_contact_of_another_company_is_refused(
    company: Contact,
) -> None:
    # given
    customer = _customer_of(company)
    stranger = contact_create(data={"name": "Fabrikam"})
    # when
    with pytest.raises(DomainError) as caught:
        document_create(side=SALES, document_type="order", record=customer, contact=stranger)
    # then
    assert caught.value.code == "contact_of_other_company"
    assert not SalesHeader.objects.exists()


def test_document_for_a_customer_takes_its_primary_contact(company: Contact) -> None:
    # given
    customer = _customer_of(company)
    person = _person(company, email="ann@alpine.example.com")
    Customer.objects.filter(pk=customer.pk).update(primary_contact=person, contact="Ann Lee")
    customer.refresh_from_db()
    # when
    order = document_create(side=SALES, document_type="order", record=customer)
    # then
    assert order.sell_to_contact == person
    assert order.bill_to_contact == person
    assert order.sell_to_contact_name == "Ann Lee"
    assert order.sell_to_email == "ann@alpine.example.com"


def test_line_amount_is_quantity_times_price_less_discount(company: Contact) -> None:
    # given
    quote = document_create(side=SALES, document_type="quote", contact=company, lines=LINES)
    # then
    amounts = [line.line_amount for line in quote.lines.order_by("line_no")]
    assert amounts == [Decimal("120.00"), Decimal("180.00")]
    # when
    document_line_update(header=quote, line_no=10000, data={"quantity": Decimal(1)})
    # then
    assert quote.lines.get(line_no=10000).line_amount == Decimal("40.00")


def test_bad_line_is_refused_and_stores_nothing(company: Contact) -> None:
    # given
    quote = document_create(side=SALES, document_type="quote", contact=company)
    # when
    with pytest.raises(DomainError) as caught:
        document_line_add(
            header=quote,
            data={"description": "x", "quantity": Decimal(1), "line_discount_pct": Decimal(150)},
        )
    # then
    assert caught.value.code == "validation_failed"
    assert not quote.lines.exists()


def test_make_order_from_prospect_quote_creates_customer_from_template(
    company: Contact,
) -> None:
    # given
    quote = document_create(side=SALES, document_type="quote", contact=company, lines=LINES)
    # when
    order = document_make_order(header=quote)
    # then
    customer = Customer.objects.get()
    assert customer.name == "Alpine Ski House"
    assert customer.payment_terms_code == "14 DAYS"  # from template CUST-COMPANY
    assert order.document_type == "order"
    assert order.number == "SO0001"
    assert order.quote_number == quote.number
    assert order.sell_to_customer == customer
    assert order.bill_to_customer == customer
    assert [line.description for line in order.lines.all()] == ["Ski rental", "Lessons"]
    assert not SalesHeader.objects.filter(number=quote.number).exists()


def test_new_customer_goes_onto_the_contact_familys_other_open_quotes(
    company: Contact,
) -> None:
    # given: two prospect quotes in the same family
    person = _person(company)
    first = document_create(side=SALES, document_type="quote", contact=company, lines=LINES)
    second = document_create(side=SALES, document_type="quote", contact=person)
    # when
    document_make_order(header=first)
    # then
    second.refresh_from_db()
    customer = Customer.objects.get()
    assert second.sell_to_customer == customer
    assert second.bill_to_customer == customer
    assert second.sell_to_name == customer.name
    assert second.sell_to_customer_template is None


def test_make_order_without_template_is_refused_and_stores_nothing(company: Contact) -> None:
    # given: a prospect quote whose template was cleared
    quote = document_create(side=SALES, document_type="quote", contact=company, lines=LINES)
    SalesHeader.objects.filter(pk=quote.pk).update(sell_to_customer_template=None)
    # when
    with pytest.raises(DomainError) as caught:
        document_make_order(header=quote)
    # then
    assert caught.value.code == "record_or_template_required"
    assert not Customer.objects.exists()
    assert SalesHeader.objects.get().document_type == "quote"


def test_purchase_quote_for_prospect_becomes_order_with_a_new_vendor(company: Contact) -> None:
    # given
    quote = document_create(side=PURCHASE, document_type="quote", contact=company, lines=LINES)
    assert quote.buy_from_vendor is None
    assert quote.buy_from_vendor_template is not None
    # when
    order = document_make_order(header=quote)
    # then
    vendor = Vendor.objects.get()
    assert order.buy_from_vendor == vendor
    assert order.pay_to_vendor == vendor
    assert order.number == "PO0001"


def test_released_document_cannot_change_until_reopened(company: Contact) -> None:
    # given
    _customer_of(company)
    order = document_create(side=SALES, document_type="order", contact=company, lines=LINES)
    # when
    document_release(header=order)
    with pytest.raises(DomainError) as caught:
        document_line_add(header=order, data={"description": "More"})
    # then
    assert caught.value.code == "document_not_open"
    document_reopen(header=order)
    document_line_add(header=order, data={"description": "More"})
    assert order.lines.count() == 3


def test_release_without_lines_is_refused(company: Contact) -> None:
    _customer_of(company)
    order = document_create(side=SALES, document_type="order", contact=company)
    with pytest.raises(DomainError) as caught:
        document_release(header=order)
    assert caught.value.code == "nothing_to_release"
    order.refresh_from_db()
    assert order.status == "open"


def test_customer_named_by_documents_cannot_be_deleted(company: Contact) -> None:
    from liaison.sales.services import customer_delete

    customer = _customer_of(company)
    document_create(side=SALES, document_type="order", contact=company)
    with pytest.raises(DomainError) as caught:
        customer_delete(customer=customer)
    assert caught.value.code == "record_in_use"
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert ContactBusinessRelation.objects.filter(contact=company).exists()


# Interaction logging (group N) ------------------------------------------------------------


def test_printing_a_quote_logs_against_the_bill_to_contact_with_the_template(
    company: Contact,
) -> None:
    # given
    person = _person(company)
    quote = document_create(side=SALES, document_type="quote", contact=person, lines=LINES)
    # when
    pdf = document_print(header=quote)
    # then
    assert pdf.startswith(b"%PDF")
    entry = InteractionLogEntry.objects.get()
    assert entry.contact == person
    assert entry.contact_company == company
    assert entry.document_type == "sales_quote"
    assert entry.document_number == quote.number
    assert entry.interaction_template_code == "SQUOTE"
    assert entry.information_flow == "outbound"
    assert entry.initiated_by == "us"
    assert entry.description == f"Sales quote {quote.number}"
    quote.refresh_from_db()
    assert quote.no_printed == 1


def test_printing_logs_nothing_when_the_setup_names_no_template(company: Contact) -> None:
    interaction_setup_update(data={"sales_quotes": ""})
    quote = document_create(side=SALES, document_type="quote", contact=company)
    document_print(header=quote)
    assert not InteractionLogEntry.objects.exists()


def test_printing_an_order_confirmation_logs_its_template_cost_and_duration(
    company: Contact,
) -> None:
    from liaison.interactions.selectors import interaction_template_get
    from liaison.interactions.services import interaction_template_update

    interaction_template_update(
        template=interaction_template_get("SORDER"),
        data={"unit_cost": Decimal("2.50"), "unit_duration_min": Decimal(5)},
    )
    _customer_of(company)
    order = document_create(side=SALES, document_type="order", contact=company)
    document_print(header=order)
    entry = InteractionLogEntry.objects.get()
    assert entry.document_type == "sales_order_confirmation"
    assert (entry.cost, entry.duration_min) == (Decimal("2.50"), Decimal(5))


def test_purchase_quote_logs_against_the_pay_to_vendors_contact(company: Contact) -> None:
    # given
    record_create_from_contact("vendor", contact=company)
    quote = document_create(side=PURCHASE, document_type="quote", contact=company)
    # when
    document_print(header=quote)
    # then
    entry = InteractionLogEntry.objects.get()
    assert entry.contact == company
    assert entry.document_type == "purchase_quote"


def test_prospect_purchase_quote_logs_nothing_as_it_has_no_vendor(company: Contact) -> None:
    quote = document_create(side=PURCHASE, document_type="quote", contact=company)
    document_print(header=quote)
    assert not InteractionLogEntry.objects.exists()


def test_purchase_order_logs_against_the_buy_from_vendor(company: Contact) -> None:
    record_create_from_contact("vendor", contact=company)
    order = document_create(side=PURCHASE, document_type="order", contact=company)
    document_print(header=order)
    entry = InteractionLogEntry.objects.get()
    assert entry.document_type == "purchase_order"
    assert entry.contact == company


def test_first_line_of_a_service_order_logs_its_creation_once(company: Contact) -> None:
    # given
    _customer_of(company)
    order = document_create(
        side=SALES,
        document_type="service_order",
        contact=company,
        data={"description": "Repair bindings"},
    )
    assert not InteractionLogEntry.objects.exists()
    # when
    document_line_add(header=order, data={"description": "Bindings"})
    document_line_add(header=order, data={"description": "Labour"})
    # then
    entry = InteractionLogEntry.objects.get()
    assert entry.document_type == "service_order_create"
    assert entry.description == "Repair bindings"


def test_customer_created_from_the_contact_card_goes_onto_its_prospect_quotes(
    company: Contact,
) -> None:
    # given
    quote = document_create(side=SALES, document_type="quote", contact=company)
    # when
    customer, _ = record_create_from_contact("customer", contact=company)
    # then
    quote.refresh_from_db()
    assert quote.sell_to_customer == customer
    assert quote.bill_to_customer == customer
    assert quote.sell_to_customer_template is None


def test_linked_vendor_goes_onto_prospect_purchase_quotes(company: Contact) -> None:
    from liaison.purchases.services import vendor_create
    from liaison.relations.services import relation_link

    # given: a prospect purchase quote and a vendor with no contact
    quote = document_create(side=PURCHASE, document_type="quote", contact=company)
    vendor = vendor_create(data={"name": "Alpine supplies"})
    contact_delete(contact=Contact.objects.get(name="Alpine supplies"))
    # when
    relation_link(contact=company, kind="vendor", number=vendor.number)
    # then
    quote.refresh_from_db()
    assert quote.buy_from_vendor == vendor
    assert quote.pay_to_vendor == vendor


def test_demo_documents_load_quotes_orders_and_interactions() -> None:
    from liaison.demo import demo_load
    from liaison.documents.demo import documents_demo_load

    demo_load(10)
    made = documents_demo_load()
    assert made == {"sales documents": 5, "interactions": 3}
    assert SalesHeader.objects.filter(sell_to_customer__isnull=True).count() == 2


def test_quote_naming_another_contacts_customer_is_refused(company: Contact) -> None:
    # given: the contact has its own customer; the quote names someone else's (E-27)
    _customer_of(company)
    other = contact_create(data={"name": "Fabrikam"})
    theirs = _customer_of(other)
    # when
    with pytest.raises(DomainError) as caught:
        document_create(side=SALES, document_type="quote", record=theirs, contact=company)
    # then
    assert caught.value.code == "contact_not_related_to_record"
    assert not SalesHeader.objects.exists()


def test_purchase_quote_checks_the_vendors_contact_too(company: Contact) -> None:
    # given: E-28v applies to every purchase document type, quotes included
    other = contact_create(data={"name": "Fabrikam"})
    vendor, _ = record_create_from_contact("vendor", contact=other)
    # when
    with pytest.raises(DomainError) as caught:
        document_create(side=PURCHASE, document_type="quote", record=vendor, contact=company)
    # then
    assert caught.value.code == "contact_of_other_company"
    assert not PurchaseHeader.objects.exists()


def test_unique_template_matching_territory_and_country_is_proposed(company: Contact) -> None:
    from liaison.records.record_templates import template_create

    # given: one template matches the contact's type, territory and country exactly
    template_create(
        kind="customer",
        code="NORTH-NO",
        data={"contact_type": "company", "territory_code": "NORTH", "country_code": "NO"},
    )
    # when
    quote = document_create(side=SALES, document_type="quote", contact=company)
    # then
    assert quote.sell_to_customer_template.code == "NORTH-NO"


def test_releasing_a_prospect_quote_creates_its_customer(company: Contact) -> None:
    quote = document_create(side=SALES, document_type="quote", contact=company, lines=LINES)
    document_release(header=quote)
    quote.refresh_from_db()
    assert quote.status == "released"
    assert quote.sell_to_customer == Customer.objects.get()


def test_choosing_another_template_for_a_prospect_quote(company: Contact) -> None:
    from liaison.documents.services import document_update

    quote = document_create(side=SALES, document_type="quote", contact=company, lines=LINES)
    document_update(header=quote, data={"template_code": "CUST-PERSON"})
    quote.refresh_from_db()
    assert quote.sell_to_customer_template.code == "CUST-PERSON"
    assert quote.bill_to_customer_template.code == "CUST-PERSON"
    with pytest.raises(DomainError) as caught:
        document_update(header=quote, data={"template_code": "NOPE"})
    assert caught.value.code == "not_found"
    quote.refresh_from_db()
    assert quote.sell_to_customer_template.code == "CUST-PERSON"


def test_logging_for_a_customer_without_a_contact_is_skipped(company: Contact) -> None:
    # given: a customer created while synchronisation was off has no contact (R-N4)
    from liaison.relations.models import MarketingSetup

    MarketingSetup.objects.filter(pk=1).update(bus_rel_code_for_customers=None)
    loner = customer_create(data={"name": "No contact"})
    order = document_create(side=SALES, document_type="order", record=loner)
    # when
    document_print(header=order)
    # then: printed, nothing logged, nothing else changed
    order.refresh_from_db()
    assert order.no_printed == 1
    assert not InteractionLogEntry.objects.exists()
