"""Journey: a new company contact becomes a customer, gets a sales quote that is printed, and
the print is on the contact's timeline."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_new_company_contact_becomes_a_customer_with_a_printed_quote_on_its_timeline(
    page: Page, api: LiveApi
) -> None:
    # a new company contact through the form
    page.get_by_role("link", name="New contact").click()
    expect(page.get_by_label("Type", exact=True)).to_have_value("company")
    page.get_by_label("Name", exact=True).fill("Fjord Cycles")
    page.get_by_label("Address", exact=True).fill("Bryggen 1")
    page.get_by_label("Post code").fill("5003")
    page.get_by_label("City", exact=True).fill("Bergen")
    page.get_by_label("Country/region code").fill("NO")
    page.get_by_label("Phone no.", exact=True).fill("55 12 34 56")
    page.get_by_label("E-mail").fill("buy@fjord.example.com")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Contact CT000001 created")
    expect(page.get_by_role("heading", name="CT000001 · Fjord Cycles")).to_be_visible()

    # Create as customer with a template
    customer_row = page.get_by_role("row", name=re.compile("Customer"))
    customer_row.get_by_label("Template").select_option("CUST-COMPANY")
    customer_row.get_by_role("button", name="Create customer").click()
    expect(page.locator(".messages")).to_contain_text(re.compile(r"Customer C\d+ created"))
    [link] = api.get("/contacts/CT000001/links")
    assert (link["kind"], link["business_relation"]) == ("customer", "CUST")
    customer_no = link["record_number"]

    # a sales quote from the contact card, with a line
    page.get_by_role("button", name="New sales quote").click()
    expect(page.get_by_role("heading", name="Sales quote SQ0001")).to_be_visible()
    page.get_by_label("Description").fill("Touring bikes")
    page.get_by_label("Quantity").fill("4")
    page.get_by_label("Unit price").fill("950")
    page.get_by_role("button", name="Add line").click()
    expect(page.locator("#total")).to_have_text("3800.00")

    # Print: a PDF download
    with page.expect_download() as download:
        page.get_by_role("button", name="Print").click()
    assert download.value.suggested_filename == "SQ0001.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # the interaction on the contact's timeline
    page.get_by_role("link", name="CT000001").click()
    timeline = page.locator("section", has=page.get_by_role("heading", name="Interactions"))
    expect(timeline.get_by_role("row", name=re.compile("SQ0001.*printed"))).to_be_visible()

    # the final state, through the API
    contact = api.get("/contacts/CT000001")
    assert (contact["type"], contact["name"], contact["city"]) == (
        "company",
        "Fjord Cycles",
        "Bergen",
    )
    assert contact["privacy_blocked"] is False
    assert contact["business_relation_summary"] == "customer"
    customer = api.get(f"/customers/{customer_no}")
    assert customer["contact_number"] == "CT000001"
    assert (customer["name"], customer["city"], customer["phone_no"]) == (
        "Fjord Cycles",
        "Bergen",
        "55 12 34 56",
    )
    assert (customer["payment_terms_code"], customer["payment_method_code"]) == ("14 DAYS", "BANK")
    quote = api.get("/sales-documents/SQ0001")
    assert (quote["document_type"], quote["sell_to_customer_number"]) == ("quote", customer_no)
    assert (quote["sell_to_contact_number"], quote["total"], quote["no_printed"]) == (
        "CT000001",
        "3800.00",
        1,
    )
    [entry] = api.get("/interactions?contact=CT000001")["items"]
    assert (entry["document_number"], entry["correspondence_type"], entry["user_name"]) == (
        "SQ0001",
        "hard_copy",
        "clerk",
    )
