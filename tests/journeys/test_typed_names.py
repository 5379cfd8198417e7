"""Journeys of typed names (issue 17): a person typed with its company's name (R-L6, the
companies offered while typing), and a customer whose typed Contact text becomes a person
under its company and its primary contact (R-J4)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def _new_contact(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="New contact").click()


def test_a_person_typed_with_a_company_name_and_a_customer_contact_text_become_persons(
    page: Page, api: LiveApi
) -> None:
    # A company, then a customer made from its card (no primary contact yet).
    _new_contact(page)
    page.get_by_label("Name", exact=True).fill("Contoso Pharmaceuticals")
    page.get_by_label("City", exact=True).fill("Oslo")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="CT000001 · Contoso Pharmaceuticals")).to_be_visible()

    # A person: typing part of the company's name offers it; the whole name resolves it.
    _new_contact(page)
    page.get_by_label("Type", exact=True).select_option("person")
    page.get_by_label("Name", exact=True).fill("Ann Lee")
    company = page.get_by_label("Company name", exact=True)
    company.press_sequentially("conto")
    expect(page.locator("#company-options option")).to_have_attribute(
        "value", "Contoso Pharmaceuticals"
    )
    company.fill("Contoso Pharmaceuticals")
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text(re.compile("person of CT000001 Contoso Pharmaceuticals"))
    ).to_be_visible()
    ann = api.get("/contacts/CT000002")
    assert (ann["type"], ann["company_number"], ann["lookup_contact_no"]) == (
        "person",
        "CT000001",
        "CT000002",
    )

    # A name that resolves to nothing is refused beside the field, and nothing is created.
    _new_contact(page)
    page.get_by_label("Type", exact=True).select_option("person")
    page.get_by_label("Name", exact=True).fill("Bo Berg")
    page.get_by_label("Company name", exact=True).fill("Nowhere")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text('No company matches "Nowhere".')).to_be_visible()
    assert api.get("/contacts?q=Bo%20Berg")["items"] == []

    # The customer: typing its Contact text creates that person under the company.
    page.goto(page.url.split("/contacts/")[0] + "/contacts/CT000001/")
    page.get_by_role("button", name="Create customer").click()
    customer = api.get("/contacts/CT000001/links")[0]["record_number"]
    page.goto(page.url.split("/contacts/")[0] + f"/customers/{customer}/edit/")
    page.get_by_label("Contact", exact=True).fill("Eve Fox")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(f"Customer {customer} saved")
    record = api.get(f"/customers/{customer}")
    eve = api.get(f"/contacts/{record['primary_contact_number']}")
    assert (record["contact"], eve["name"], eve["type"], eve["company_number"]) == (
        "Eve Fox",
        "Eve Fox",
        "person",
        "CT000001",
    )
