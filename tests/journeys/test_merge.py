"""Journeys of merging: from the contact card through the side-by-side page to the merge's
page, and its undo by an admin (also refused, with the list, after a later change)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from liaison.contacts.services import contact_create
from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect
SHOTS = Path(__file__).resolve().parent.parent.parent / "docs" / "screenshots"


def _twins() -> tuple[str, str]:
    a = contact_create(
        data={"name": "Fabrikam Inc.", "city": "Oslo", "phone_no": "+47 22 00 00 01"}
    )
    b = contact_create(
        data={"name": "FABRIKAM, INC", "city": "Bergen", "email": "sales@fabrikam.example.com"}
    )
    contact_create(data={"type": "person", "name": "Jo Berg"}, company_number=b.number)
    return a.number, b.number


def _merge_from_the_card(page: Page, a: str, b: str) -> None:
    page.goto(f"/contacts/{a}/")
    page.get_by_placeholder("Contact no.").fill(b)
    page.get_by_role("button", name="Merge with…").click()
    expect(page.get_by_role("heading", name="Merge contacts")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1 person: ")
    page.get_by_label("Bergen").check()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "merge.png"), full_page=True)
    page.get_by_role("button", name="Confirm merge").click()
    expect(page.get_by_role("heading", name=f"{b} merged into {a}")).to_be_visible()


def test_merge_from_the_card_and_undo_from_the_merge_page(page: Page, api: LiveApi) -> None:
    a, b = _twins()
    _merge_from_the_card(page, a, b)
    survivor = api.get(f"/contacts/{a}")
    assert (survivor["city"], survivor["email"]) == ("Bergen", "sales@fabrikam.example.com")
    assert api.status(f"/contacts/{b}") == 404
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".messages")).to_contain_text("The merge was undone")
    assert api.get(f"/contacts/{a}")["city"] == "Oslo"
    assert api.get(f"/contacts/{b}")["city"] == "Bergen"


def test_undo_after_a_later_change_is_refused_with_the_list(page: Page, api: LiveApi) -> None:
    a, b = _twins()
    _merge_from_the_card(page, a, b)
    merge_url = page.url
    page.goto(f"/contacts/{a}/edit/")
    page.get_by_label("City").fill("Trondheim")
    page.get_by_role("button", name="Save").click()
    page.goto(merge_url)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".changed")).to_contain_text(f"Contact {a} was changed")
    assert api.status(f"/contacts/{b}") == 404
