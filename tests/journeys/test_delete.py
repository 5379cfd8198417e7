"""Journeys of deleting: a contact goes and its customer stays, a customer goes and its contact
stays, and a customer still named by a document is refused with the reason."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def _new_customer(page: Page, name: str) -> tuple[str, str]:
    """A customer made on the customer pages; its number and its (automatic) contact's."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_role("button", name="Save").click()
    message = page.locator(".messages")
    expect(message).to_contain_text(re.compile(r"Customer C\d+ created; contact CT\d+ created\."))
    found = re.search(r"Customer (C\d+) created; contact (CT\d+)", message.inner_text())
    assert found is not None
    return found.group(1), found.group(2)


def test_a_deleted_contact_leaves_its_customer(page: Page, api: LiveApi) -> None:
    customer_no, contact_no = _new_customer(page, "Adatum")
    page.get_by_role("link", name=re.compile(f"Open contact {contact_no}")).click()
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name=f"Delete {contact_no} · Adatum?")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        f"The customer {customer_no} stays; only the link is removed."
    )
    page.get_by_role("button", name="Delete contact").click()
    expect(page.locator(".messages")).to_contain_text(f"Deleted {contact_no}. Linked records stay.")

    assert api.status(f"/contacts/{contact_no}") == 404
    customer = api.get(f"/customers/{customer_no}")
    assert (customer["name"], customer["contact_number"]) == ("Adatum", "")


def test_a_deleted_customer_leaves_its_contact(page: Page, api: LiveApi) -> None:
    customer_no, contact_no = _new_customer(page, "Contoso")
    page.get_by_role("link", name="Delete").click()
    expect(page.locator("main")).to_contain_text(
        f"The contact {contact_no} Contoso stays; only the link is removed."
    )
    page.get_by_role("button", name="Delete customer").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Customer {customer_no} deleted. Contact {contact_no} stays."
    )
    expect(page.get_by_role("heading", name="Customers")).to_be_visible()

    assert api.status(f"/customers/{customer_no}") == 404
    contact = api.get(f"/contacts/{contact_no}")
    assert (contact["name"], contact["business_relation_summary"]) == ("Contoso", "none")
    assert api.get(f"/contacts/{contact_no}/links") == []


def test_deleting_a_customer_named_by_a_document_is_refused_with_the_reason(
    page: Page, api: LiveApi
) -> None:
    # given: a customer with a sales quote made from its contact card
    customer_no, contact_no = _new_customer(page, "Litware")
    page.get_by_role("link", name=re.compile(f"Open contact {contact_no}")).click()
    page.get_by_role("button", name="New sales quote").click()
    expect(page.get_by_role("heading", name="Sales quote SQ0001")).to_be_visible()

    # when: the customer is deleted from its card
    page.get_by_role("link", name=customer_no).click()
    page.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete customer").click()

    # then: the refusal and its reason are shown, and nothing changed
    expect(
        page.get_by_role("heading", name=f"Customer {customer_no} · Litware was not deleted")
    ).to_be_visible()
    expect(page.locator(".messages")).to_contain_text(
        f"Customer {customer_no} cannot be deleted: 1 document(s) still name it."
    )
    page.get_by_role("link", name="Back to the customer").click()
    expect(page.get_by_role("heading", name=f"Customer {customer_no} · Litware")).to_be_visible()

    assert api.get(f"/customers/{customer_no}")["contact_number"] == contact_no
    assert api.get(f"/contacts/{contact_no}")["business_relation_summary"] == "customer"
    assert api.get("/sales-documents/SQ0001")["sell_to_customer_number"] == customer_no
    history = api.get(f"/customers/{customer_no}/history")["items"]
    assert not [e for e in history if e["action"] in ("delete", "unlink")]
