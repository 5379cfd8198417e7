"""Journeys of duplicate detection (issue 18): the warning while typing, which never blocks
the save; the notice after the save; the Contact Duplicates list and "Separate contacts"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def _new_company(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="New contact").click()


def test_typing_a_likely_duplicate_warns_with_a_link_and_saving_stays_possible(
    page: Page, api: LiveApi
) -> None:
    _new_company(page)
    page.get_by_label("Name", exact=True).fill("Fabrikam Inc.")
    page.get_by_label("City", exact=True).fill("Seattle")
    page.get_by_label("Country/region code", exact=True).fill("US")
    page.get_by_label("Phone no.", exact=True).fill("+1 206 555 0100")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="CT000001 · Fabrikam Inc.")).to_be_visible()

    # Another company, typed with another name but the same phone: the form warns.
    _new_company(page)
    page.get_by_label("Name", exact=True).fill("FABRIKAM, LTD")
    page.get_by_label("Country/region code", exact=True).fill("US")
    page.get_by_label("Phone no.", exact=True).press_sequentially("(206) 555-0100")
    warning = page.locator("#duplicate-warning")
    expect(warning).to_contain_text("This contact may already exist.")
    expect(warning.get_by_role("link", name="CT000001 · Fabrikam Inc.")).to_have_attribute(
        "href", "/contacts/CT000001/"
    )
    # Saving is not blocked; the card then says duplicates were found, with a link.
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Duplicate contacts were found.")).to_be_visible()
    assert api.get("/contacts/CT000002")["name"] == "FABRIKAM, LTD"
    page.get_by_role("link", name="Show the duplicates").click()
    expect(page.get_by_role("heading", name="Contact duplicates · CT000002")).to_be_visible()


def test_the_duplicates_list_shows_pairs_side_by_side_and_keeps_separate_contacts(
    page: Page, api: LiveApi
) -> None:
    for name in ("Contoso Ltd", "CONTOSO LIMITED"):
        _new_company(page)
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("E-mail", exact=True).fill("info@contoso.example.com")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".messages")).to_contain_text("created")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Duplicates").click()
    pair = page.get_by_role("region", name="Pair CT000002 and CT000001")
    expect(pair).to_contain_text("Contoso Ltd")
    expect(pair).to_contain_text("CONTOSO LIMITED")
    expect(pair).to_contain_text("email")
    expect(pair.get_by_role("link", name="Merge…")).to_have_attribute(
        "href", "/merges/new/?contact=CT000002&duplicate=CT000001"
    )
    pair.get_by_label("Separate contacts").check()
    pair.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(
        page.get_by_role("region", name="Pair CT000002 and CT000001").get_by_label(
            "Separate contacts"
        )
    ).to_be_checked()
    # An edit that rebuilds the index keeps the verdict, and no notice follows the save.
    page.goto(page.url.split("/duplicates/")[0] + "/contacts/CT000001/edit/")
    page.get_by_label("City", exact=True).fill("Oslo")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Contact CT000001 saved")
    expect(page.get_by_text("Duplicate contacts were found.")).to_have_count(0)
    assert api.get("/duplicates?contact=CT000001")[0]["separate_contacts"] is True
