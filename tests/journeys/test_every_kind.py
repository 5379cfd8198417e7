"""Each kind's own pages (issue 16 gave every kind its app), from an empty database: a vendor
and a bank account made in the browser get their contacts, the list's search finds them, an
edit reaches the contact, the setup and batch pages open, and the command line exports and
imports the vendors back with nothing changed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from liaison.cli import main
from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def _new(page: Page, menu: str, button: str, **fields: str) -> str:
    """Open a kind's list from the menu, New, fill, Save; the flash message."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=menu).click()
    page.get_by_role("link", name=button).click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save").click()
    return page.locator(".messages").inner_text()


def _numbers(pattern: str, said: str) -> tuple[str, str]:
    """The record's and its contact's numbers from a "created" message."""
    found = re.search(pattern, said)
    assert found is not None, said
    return found.group(1), found.group(2)


def test_a_vendor_and_a_bank_account_live_through_their_own_pages_the_api_and_the_cli(
    page: Page,
    api: LiveApi,
    live_server: Any,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # given an empty database (the default setup only)
    assert api.get("/vendors")["items"] == []

    # when a vendor and a bank account are made on their own pages
    said = _new(page, "Vendors", "New vendor", Name="Litware", City="Stockholm")
    vendor_no, vendor_contact = _numbers(r"Vendor (\S+) created; contact (\S+) created", said)
    said = _new(page, "Bank accounts", "New bank account", Name="Nordbank", IBAN="NO9386011117947")
    bank_no, bank_contact = _numbers(r"Bank account (\S+) created; contact (\S+) created", said)

    # then each has its contact, through the API
    assert api.get(f"/vendors/{vendor_no}")["contact_number"] == vendor_contact
    assert api.get(f"/bank-accounts/{bank_no}")["contact_number"] == bank_contact
    assert api.get(f"/contacts/{vendor_contact}")["business_relation_summary"] == "vendor"

    # and the list page's search (the API's filter) finds the vendor, and only it
    page.goto(f"{live_server.url}/vendors/?q=litw")
    expect(page.get_by_role("link", name=vendor_no)).to_be_visible()
    page.goto(f"{live_server.url}/vendors/?q=nothing-like-it")
    expect(page.get_by_role("link", name=vendor_no)).to_have_count(0)

    # when the vendor's phone is changed on its card
    page.goto(f"{live_server.url}/vendors/{vendor_no}/")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone no.", exact=True).fill("+46 8 123 456 78")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(f"Vendor {vendor_no} saved")

    # then the contact has it
    assert api.get(f"/contacts/{vendor_contact}")["phone_no"] == "+46 8 123 456 78"

    # and the setup and batch pages open on what was made
    page.goto(f"{live_server.url}/setup/")
    expect(page.get_by_role("heading", name="Business relations")).to_be_visible()
    page.goto(f"{live_server.url}/batch/")
    expect(page.get_by_role("heading", name="Create contacts from customers")).to_be_visible()

    # when the vendors are exported and imported again from the command line
    exported = tmp_path / "vendors.csv"
    assert main(["export", "vendors", str(exported)]) == 0
    assert vendor_no in exported.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "vendors", str(exported)]) == 0

    # then nothing changed: one vendor, unchanged, with its phone
    assert "1 unchanged" in capsys.readouterr().out
    vendors = api.get("/vendors")["items"]
    assert [(v["number"], v["phone_no"]) for v in vendors] == [(vendor_no, "+46 8 123 456 78")]
    assert main(["check"]) == 0
