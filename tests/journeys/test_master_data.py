"""Journey: a salesperson made on the setup pages is picked on a new contact, and then cannot
be deleted while the contact names it (the refusal says how many records use it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_salesperson_in_use_on_a_contact_cannot_be_deleted(page: Page, api: LiveApi) -> None:
    # given: a salesperson created on the setup pages
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup").click()
    page.get_by_role("link", name="Salespeople/purchasers").click()
    page.get_by_role("link", name="New").click()
    page.get_by_label("Code").fill("ab")
    page.get_by_label("Name").fill("Anna Berg")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("AB Anna Berg created.")
    expect(page.get_by_role("row").filter(has_text="Anna Berg")).to_be_visible()

    # when: a new contact picks it (the field suggests the salespeople's codes)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("Name", exact=True).fill("Fabrikam")
    picker = page.get_by_label("Salesperson code")
    expect(picker).to_have_attribute("list", "salesperson_code-options")
    expect(page.locator("#salesperson_code-options option[value='AB']")).to_have_count(1)
    picker.fill("AB")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("created")

    # then: deleting the salesperson is refused, naming how many records use it
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup").click()
    page.get_by_role("link", name="Salespeople/purchasers").click()
    page.get_by_role("button", name="Delete AB").click()
    expect(page.locator(".messages")).to_contain_text(
        "Salesperson/purchaser AB cannot be deleted: 1 record uses it (1 contact)."
    )
    assert [c["salesperson_code"] for c in api.get("/contacts")["items"]] == ["AB"]
    assert [s["code"] for s in api.get("/salespeople?q=anna")] == ["AB"]


def test_a_post_code_typed_on_a_new_contact_fills_its_city_and_a_picker_searches(
    page: Page, api: LiveApi
) -> None:
    # given: a post code made on the setup pages, among salespeople the picker must search
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup").click()
    page.get_by_role("link", name="Post codes").click()
    page.get_by_role("link", name="New").click()
    page.get_by_label("Code", exact=True).fill("0150")
    page.get_by_label("City").fill("Oslo")
    page.get_by_label("Country/region code").fill("NO")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("created")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup").click()
    page.get_by_role("link", name="Salespeople/purchasers").click()
    page.get_by_role("link", name="New").click()
    page.get_by_label("Code", exact=True).fill("zed")
    page.get_by_label("Name").fill("Zoe Edwards")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("ZED Zoe Edwards created.")

    # when: a new contact's post code is typed and left
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("Name", exact=True).fill("Fjord AS")
    page.get_by_label("Post code").fill("0150")
    page.get_by_label("Post code").press("Tab")

    # then: the city and country are filled before saving, as BC's post code lookup does
    expect(page.get_by_label("City", exact=True)).to_have_value("Oslo")
    expect(page.get_by_label("Country/region code")).to_have_value("NO")

    # and typing in the salesperson picker narrows its options on the server
    page.get_by_label("Salesperson code").press_sequentially("zoe")
    options = page.locator("#salesperson_code-options option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "ZED")
    page.get_by_label("Salesperson code").fill("ZED")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("created")
    [contact] = api.get("/contacts?q=Fjord")["items"]
    assert (contact["city"], contact["country_code"], contact["salesperson_code"]) == (
        "Oslo",
        "NO",
        "ZED",
    )
