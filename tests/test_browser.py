"""Browser tests: a person walking the real UI in headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright). They also save the screenshots shown in the README."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.demo import demo_load
from liaison.relations.models import MarketingSetup
from liaison.sales.models import Customer
from liaison.sales.services import customer_create
from tests.browser_fixtures import needs_chromium

SHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"

# The browser and the signed-in page: the fixtures of tests/conftest.py.
if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_sign_in_and_search_as_you_type(page: Page) -> None:
    demo_load(12)
    page.goto("/contacts/")
    page.get_by_label("Search name, phone, e-mail, city").fill("Berlin")
    expect(page.locator("#rows")).to_contain_text("Fabrikam Industries")
    expect(page.locator("#rows")).not_to_contain_text("Alpine Ski House")
    page.get_by_label("Search name, phone, e-mail, city").fill("")
    expect(page.locator("#rows")).to_contain_text("Alpine Ski House")
    _shot(page, "contact-list")


def test_create_a_customer_and_see_its_contact(page: Page) -> None:
    page.goto("/customers/new/")
    page.get_by_label("Name", exact=True).fill("Fabrikam")
    page.get_by_label("Phone no.", exact=True).fill("+49 30 1234567")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("contact CT000001 created")
    page.get_by_role("link", name=re.compile("Open contact CT000001")).click()
    expect(page.get_by_role("heading", name=re.compile("CT000001"))).to_be_visible()
    expect(page.locator("main")).to_contain_text("+49 30 1234567")


def test_edit_the_contact_phone_and_see_it_on_the_customer(page: Page) -> None:
    customer = customer_create(data={"name": "Fabrikam", "country_code": "DE"})
    contact = Contact.objects.get(relations__customer=customer)
    page.goto(f"/contacts/{contact.number}/edit/")
    page.get_by_label("Phone no.", exact=True).fill("+49 30 7654321")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(f"Also updated: customer {customer.number}")
    _shot(page, "contact-card")
    page.get_by_role("link", name="Open").first.click()
    expect(page.locator("main")).to_contain_text("+49 30 7654321")
    _shot(page, "customer-card")


def test_create_as_customer_from_the_contact_card(page: Page) -> None:
    contact = contact_create(data={"name": "Alpine Ski House", "city": "Oslo"})
    page.goto(f"/contacts/{contact.number}/")
    page.get_by_label("Template").first.select_option("CUST-COMPANY")
    page.get_by_role("button", name="Create customer").click()
    expect(page.locator(".messages")).to_contain_text("Customer C00010 created")
    assert Customer.objects.get().payment_terms_code == "14 DAYS"


def test_link_with_an_existing_customer(page: Page) -> None:
    code = MarketingSetup.objects.get().bus_rel_code_for_customers
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    customer = customer_create(data={"name": "Northwind Traders", "city": "Seattle"})
    MarketingSetup.objects.update(bus_rel_code_for_customers=code)
    contact = contact_create(data={"name": "Northwind", "city": "Oslo"})
    page.goto(f"/contacts/{contact.number}/")
    page.get_by_role("link", name="Link existing").first.click()
    page.get_by_label(re.compile("Search customers")).fill("North")
    page.get_by_role("link", name=customer.number).click()
    expect(page.locator("main")).to_contain_text("Seattle")
    page.get_by_label("the customer's data").check()
    _shot(page, "link-existing")
    page.get_by_role("button", name="Link").click()
    expect(page.locator(".messages")).to_contain_text(f"Linked with customer {customer.number}")
    contact.refresh_from_db()
    assert contact.city == "Seattle"
    assert contact.name == "Northwind Traders"


def test_batch_create_contacts_from_customers(page: Page) -> None:
    code = MarketingSetup.objects.get().bus_rel_code_for_customers
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    for i in range(3):
        customer_create(data={"name": f"Customer {i}"})
    MarketingSetup.objects.update(bus_rel_code_for_customers=code)
    page.goto("/batch/")
    page.get_by_role("button", name="Create contacts from customers").click()
    expect(page.locator("#job")).to_contain_text("3 contacts created, 0 skipped")
    _shot(page, "batch-job")
    assert Contact.objects.count() == 3


def test_delete_either_side_and_the_other_remains(page: Page) -> None:
    first = customer_create(data={"name": "First"})
    first_contact = Contact.objects.get(relations__customer=first)
    second = customer_create(data={"name": "Second"})
    second_contact = Contact.objects.get(relations__customer=second)
    page.goto(f"/contacts/{first_contact.number}/delete/")
    expect(page.locator("main")).to_contain_text(f"The customer {first.number} stays")
    page.get_by_role("button", name="Delete contact").click()
    page.goto(f"/customers/{second.number}/delete/")
    page.get_by_role("button", name="Delete customer").click()
    expect(page.locator(".messages")).to_contain_text(f"Contact {second_contact.number} stays")
    assert Customer.objects.filter(pk=first.pk).exists()
    assert Contact.objects.filter(pk=second_contact.pk).exists()


def test_a_validation_error_is_shown_inline(page: Page) -> None:
    contact = contact_create(data={"name": "Alpine"})
    page.goto(f"/contacts/{contact.number}/edit/")
    page.get_by_label("E-mail", exact=True).fill("not-an-address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field.has-error")).to_contain_text("is not valid")
    expect(page.get_by_label("E-mail", exact=True)).to_have_value("not-an-address")
    _shot(page, "validation-error")
    contact.refresh_from_db()
    assert contact.email == ""


def test_a_stale_edit_is_refused(page: Page) -> None:
    contact = contact_create(data={"name": "Alpine", "city": "Oslo"})
    page.goto(f"/contacts/{contact.number}/edit/")
    contact_update(contact=contact, data={"city": "Tromsø"})  # someone else saves meanwhile
    page.get_by_label("City", exact=True).fill("Bergen")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".problem")).to_contain_text("Someone changed this contact")
    expect(page.get_by_label("City", exact=True)).to_have_value("Tromsø")
    contact.refresh_from_db()
    assert contact.city == "Tromsø"


def test_setup_page_and_phone_width(page: Page) -> None:
    page.goto("/setup/")
    expect(page.get_by_role("heading", name="Marketing setup")).to_be_visible()
    _shot(page, "setup")
    page.set_viewport_size({"width": 390, "height": 844})
    demo_load(5)
    page.goto("/contacts/")
    expect(page.get_by_label("Search name, phone, e-mail, city")).to_be_visible()
    _shot(page, "contact-list-phone")


def test_quote_from_a_prospect_to_order_printed_emailed_and_on_the_timeline(page: Page) -> None:
    from django.core import mail

    # given: a prospect (a contact with no customer)
    contact = contact_create(
        data={"name": "Fjord Cycles", "email": "buy@fjord.example.com", "city": "Bergen"}
    )
    page.goto(f"/contacts/{contact.number}/")
    # when: a quote is made from the contact card and a line added
    page.get_by_role("button", name="New sales quote").click()
    expect(page.get_by_role("heading", name="Sales quote SQ0001")).to_be_visible()
    expect(page.get_by_text("prospect")).to_be_visible()
    page.get_by_label("Description").fill("Touring bikes")
    page.get_by_label("Quantity").fill("4")
    page.get_by_label("Unit price").fill("950")
    page.get_by_role("button", name="Add line").click()
    expect(page.locator("#total")).to_have_text("3800.00")
    # when: the quote becomes an order, which creates the customer from the template
    page.get_by_role("button", name="Make order").click()
    expect(page.get_by_role("heading", name="Sales order SO0001")).to_be_visible()
    customer = Customer.objects.get(name="Fjord Cycles")
    expect(page.get_by_text(f"Customer {customer.number} was created")).to_be_visible()
    # when: printed (a PDF download) and e-mailed
    with page.expect_download() as download:
        page.get_by_role("button", name="Print").click()
    assert download.value.suggested_filename == "SO0001.pdf"
    page.get_by_role("button", name="E-mail PDF").click()
    expect(page.get_by_text("SO0001 e-mailed to buy@fjord.example.com")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["buy@fjord.example.com"]]
    _shot(page, "document")
    # then: both interactions are on the contact's timeline
    page.goto(f"/contacts/{contact.number}/")
    timeline = page.locator("section", has=page.get_by_role("heading", name="Interactions"))
    expect(timeline.get_by_text("Sales order SO0001")).to_have_count(2)
    expect(timeline.get_by_text("printed")).to_be_visible()
    expect(timeline.get_by_text("e-mail (sent)")).to_be_visible()
    _shot(page, "timeline")
