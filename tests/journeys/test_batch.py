"""Journey: customers that have no contact get one from the batch page (Start, progress,
summary)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def _set_customers_relation(page: Page, code: str) -> None:
    """On the setup page, set the business relation code for customers (blank: no sync)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup").click()
    page.get_by_label("Bus rel code for customers").select_option(code)
    page.get_by_role("button", name="Save marketing setup").click()
    expect(page.locator(".messages")).to_contain_text("Marketing setup saved.")


def test_contacts_are_created_from_customers_on_the_batch_page(page: Page, api: LiveApi) -> None:
    # given: three customers made while customers had no business relation code (no contacts)
    _set_customers_relation(page, "")
    for name in ("Adatum", "Contoso", "Litware"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
        page.get_by_role("link", name="New customer").click()
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messages")).to_contain_text("created.")
        expect(page.locator(".messages")).not_to_contain_text("contact")
    _set_customers_relation(page, "CUST")
    assert api.get("/contacts")["items"] == []

    # when: the batch page counts them and Start runs the job
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Batch").click()
    customers_row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="Customers"))
    expect(customers_row.get_by_role("cell").nth(1)).to_have_text("3")
    customers_row.get_by_role("button", name="Create contacts from customers").click()

    # then: the job page shows its progress and summary
    expect(page.get_by_role("heading", name="Create contacts from customers")).to_be_visible()
    job = page.locator("#job")
    expect(job).to_contain_text("Status: Done · 3 of 3 records")
    expect(job.get_by_role("progressbar")).to_have_attribute("value", "3")
    expect(job).to_contain_text("3 contacts created, 0 skipped (already linked).")
    page.get_by_role("link", name="Back to batch jobs").click()
    expect(customers_row.get_by_role("cell").nth(1)).to_have_text("0")
    expect(
        customers_row.get_by_role("button", name="Create contacts from customers")
    ).to_be_disabled()

    [done] = api.get("/jobs")
    assert (done["kind"], done["status"], done["total"], done["created"], done["skipped"]) == (
        "customer",
        "done",
        3,
        3,
        0,
    )
    customers = api.get("/customers")["items"]
    contacts = {c["number"]: c for c in api.get("/contacts")["items"]}
    assert sorted(c["name"] for c in contacts.values()) == ["Adatum", "Contoso", "Litware"]
    for customer in customers:
        contact = contacts[customer["contact_number"]]
        assert (contact["type"], contact["name"]) == ("company", customer["name"])
        assert contact["business_relation_summary"] == "customer"
