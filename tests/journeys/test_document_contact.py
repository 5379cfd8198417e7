"""Journey: an open sales order's contact is changed on its page to a person of its customer,
and a contact of another company is refused with the order left as it was (R-M3)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def test_an_orders_contact_is_changed_on_its_page_and_another_companys_is_refused(
    page: Page, api: LiveApi, live_server: Any
) -> None:
    from liaison.contacts.services import contact_create
    from liaison.documents.services import document_create
    from liaison.documents.sides import SALES
    from liaison.records.services import record_create_from_contact

    # given: an order for a customer company, a person of it, and another customer company
    company = contact_create(data={"name": "Fjord Cycles", "email": "buy@fjord.example.com"})
    ann = contact_create(
        data={"type": "person", "name": "Ann Lee", "email": "ann@fjord.example.com"},
        company_number=company.number,
    )
    other = contact_create(data={"name": "Bergen Bikes"})
    record_create_from_contact("customer", contact=company)
    record_create_from_contact("customer", contact=other)
    order = document_create(side=SALES, document_type="order", contact=company)
    page.goto(f"{live_server.url}/documents/sales/{order.number}/")
    expect(page.get_by_role("heading", name=f"Sales order {order.number}")).to_be_visible()

    # the contact becomes the person: its name and e-mail come with it
    page.get_by_label("Change contact to").fill(ann.number)
    page.get_by_role("button", name="Change", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Contact changed.")
    sell_to = page.locator("section", has=page.get_by_role("heading", name="Sell-to"))
    expect(sell_to).to_contain_text(f"{ann.number} Ann Lee")
    expect(sell_to).to_contain_text("ann@fjord.example.com")

    # a contact of another company is refused, and the order keeps the person
    page.get_by_label("Change contact to").fill(other.number)
    page.get_by_role("button", name="Change", exact=True).click()
    expect(page.locator(".messages")).to_contain_text(
        re.compile(f"Contact {other.number} Bergen Bikes is related to a different company")
    )
    expect(sell_to).to_contain_text(f"{ann.number} Ann Lee")

    # the final state, through the API
    stored = api.get(f"/sales-documents/{order.number}")
    assert (stored["sell_to_contact_number"], stored["sell_to_contact_name"]) == (
        ann.number,
        "Ann Lee",
    )
    assert stored["sell_to_email"] == "ann@fjord.example.com"
    assert stored["bill_to_contact_number"] == ann.number
