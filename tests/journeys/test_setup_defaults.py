"""Journey: an admin sets a default territory in the marketing setup, then a contact made in
the "New contact" form with its territory left blank gets it (spec 1.1 insert defaults)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def test_a_default_territory_set_in_the_setup_fills_a_new_contact(page: Page, api: LiveApi) -> None:
    # given: the setup page with a default territory for new contacts
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Setup").click()
    page.get_by_label("Default territory code").fill("north")
    page.get_by_role("button", name="Save marketing setup").click()
    expect(page.locator(".messages")).to_contain_text("Marketing setup saved.")
    expect(page.get_by_label("Default territory code")).to_have_value("NORTH")

    # when: a contact is made in the form with its territory left blank
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("Name", exact=True).fill("Fabrikam")
    expect(page.get_by_label("Territory code", exact=True)).to_have_value("")
    page.get_by_role("button", name="Save").click()

    # then: its card shows the setup's territory, and the API agrees
    expect(page.get_by_role("heading", name="CT000001 · Fabrikam")).to_be_visible()
    territory = page.locator("dt", has_text="Territory").locator("xpath=following-sibling::dd[1]")
    expect(territory).to_have_text("NORTH")
    assert api.get("/contacts/CT000001")["territory_code"] == "NORTH"
