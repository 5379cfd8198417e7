"""The document pages and the contact card's documents and interactions, through the test
client."""

from __future__ import annotations

import pytest
from django.test import Client

from liaison.accounts.services import user_create
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.documents.models import SalesHeader
from liaison.interactions.models import InteractionLogEntry
from liaison.records.services import record_create_from_contact
from liaison.sales.models import Customer


@pytest.fixture
def web(client: Client) -> Client:
    client.force_login(user_create(username="clerk", password="pw", role="editor"))  # type: ignore[arg-type]
    return client


def test_quote_from_the_contact_card_to_order_print_and_email(
    web: Client, company: Contact
) -> None:
    # given: the card offers the document buttons
    card = web.get(f"/contacts/{company.number}/").content.decode()
    assert "New sales quote" in card
    assert "Log interaction" in card
    # when: a quote is made and a line added (htmx redraws only the lines)
    response = web.post("/documents/sales/new/", {"contact": company.number, "type": "quote"})
    quote = SalesHeader.objects.get()
    assert response["Location"] == f"/documents/sales/{quote.number}/"
    lines = web.post(
        f"/documents/sales/{quote.number}/lines/",
        {
            "description": "Ski rental",
            "quantity": "2",
            "unit_price": "40",
            "line_discount_pct": "0",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert lines.startswith('<div id="lines">')
    assert "80.00" in lines
    page = web.get(f"/documents/sales/{quote.number}/").content.decode()
    assert "prospect" in page
    assert "CUST-COMPANY" in page
    # when: made into an order
    response = web.post(f"/documents/sales/{quote.number}/make-order/", follow=True)
    # then: the customer was created and the user is told
    customer = Customer.objects.get()
    assert f"Customer {customer.number} was created" in response.content.decode()
    order = SalesHeader.objects.get()
    # when: printed and e-mailed
    printed = web.post(f"/documents/sales/{order.number}/print/")
    assert printed["Content-Type"] == "application/pdf"
    assert printed["Content-Disposition"] == f'attachment; filename="{order.number}.pdf"'
    web.post(f"/documents/sales/{order.number}/email/", {"to": ""})
    # then: both are on the contact's timeline
    assert InteractionLogEntry.objects.filter(document_number=order.number).count() == 2
    card = web.get(f"/contacts/{company.number}/").content.decode()
    assert card.count(f"Sales order {order.number}") == 2


def test_bad_line_is_shown_inline_and_nothing_stored(web: Client, company: Contact) -> None:
    web.post("/documents/sales/new/", {"contact": company.number, "type": "quote"})
    quote = SalesHeader.objects.get()
    page = web.post(
        f"/documents/sales/{quote.number}/lines/",
        {"description": "", "quantity": "-1", "unit_price": "1", "line_discount_pct": "0"},
    ).content.decode()
    assert "error" in page
    assert not quote.lines.exists()


def test_order_for_a_prospect_from_the_card_says_why_it_cannot(
    web: Client, company: Contact
) -> None:
    response = web.post(
        "/documents/sales/new/", {"contact": company.number, "type": "order"}, follow=True
    )
    assert "is not related to a customer" in response.content.decode()
    assert not SalesHeader.objects.exists()


def test_log_a_call_from_the_card(web: Client, company: Contact) -> None:
    web.post(
        f"/interactions/contacts/{company.number}/log/",
        {"template_code": "CALL", "description": "Prices"},
    )
    entry = InteractionLogEntry.objects.get()
    assert entry.description == "Prices"
    assert entry.user_name == "clerk"
    assert "Prices" in web.get(f"/contacts/{company.number}/").content.decode()


def test_email_page_sends_and_logs(web: Client, company: Contact) -> None:
    assert web.get(f"/interactions/contacts/{company.number}/email/").status_code == 200
    web.post(
        f"/interactions/contacts/{company.number}/email/",
        {"to": "", "subject": "Season offer", "body": "Hi"},
    )
    assert InteractionLogEntry.objects.get().subject == "Season offer"
    assert "Season offer" in web.get("/interactions/emails/").content.decode()


def test_document_lists_render(web: Client, company: Contact) -> None:
    web.post("/documents/sales/new/", {"contact": company.number, "type": "quote"})
    assert "SQ0001" in web.get("/documents/sales/").content.decode()
    assert web.get("/documents/purchase/").status_code == 200


def test_admin_sets_the_letterhead_and_what_logs(client: Client) -> None:
    from liaison.documents.models import CompanyInformation
    from liaison.interactions.selectors import interaction_setup_get

    client.force_login(user_create(username="boss", password="pw", role="admin"))  # type: ignore[arg-type]
    assert "Interaction template setup" in client.get("/documents/setup/").content.decode()
    client.post("/documents/setup/", {"company": "1", "company-name": "Cronus Ltd"})
    assert CompanyInformation.objects.get().name == "Cronus Ltd"
    client.post("/documents/setup/", {"log": "1", "log-sales_quotes": "", "log-emails": "EMAIL"})
    setup = interaction_setup_get()
    assert setup.sales_quotes_id is None
    assert setup.emails_id is not None


def test_editor_cannot_change_the_documents_setup(web: Client) -> None:
    response = web.post("/documents/setup/", {"company": "1", "company-name": "X"})
    assert response.status_code == 403


def test_pages_for_numbers_that_do_not_exist_answer_404(web: Client) -> None:
    assert web.get("/contacts/NOPE/").status_code == 404
    assert web.get("/documents/sales/NOPE/").status_code == 404
    assert web.post("/documents/sales/new/", {"contact": "NOPE"}).status_code == 404


def test_choose_the_template_of_a_prospect_quote_on_its_card(web: Client, company: Contact) -> None:
    web.post("/documents/sales/new/", {"contact": company.number, "type": "quote"})
    quote = SalesHeader.objects.get()
    web.post(f"/documents/sales/{quote.number}/template/", {"template": "CUST-PERSON"})
    quote.refresh_from_db()
    assert quote.sell_to_customer_template is not None
    assert quote.sell_to_customer_template.code == "CUST-PERSON"


def test_the_document_page_changes_its_contact_and_shows_a_refusal(
    web: Client, company: Contact
) -> None:
    # given: a quote for the company's customer, a person of it and another customer's company
    ann = contact_create(data={"type": "person", "name": "Ann Lee"}, company_number=company.number)
    other = contact_create(data={"name": "Bergen Bikes"})
    record_create_from_contact("customer", contact=company)
    record_create_from_contact("customer", contact=other)
    web.post("/documents/sales/new/", {"contact": company.number, "type": "quote"})
    quote = SalesHeader.objects.get()
    url = f"/documents/sales/{quote.number}/contact/"
    assert url in web.get(f"/documents/sales/{quote.number}/").content.decode()
    # when: the contact becomes the person (typed in lower case)
    web.post(url, {"role": "sell_to", "contact": ann.number.lower()})
    # then
    quote.refresh_from_db()
    assert quote.sell_to_contact == ann
    # when: another customer's company is asked for
    page = web.post(url, {"role": "sell_to", "contact": other.number}, follow=True)
    # then: the refusal is shown and nothing changed
    assert "is not related to customer" in page.content.decode()
    quote.refresh_from_db()
    assert quote.sell_to_contact == ann
