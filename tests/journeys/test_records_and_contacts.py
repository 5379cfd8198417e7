"""Journeys between a contact and its customer or vendor: a new customer gets its contact, an
existing vendor is linked choosing whose data wins, and a phone change travels both ways."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


def _new_record(page: Page, kind: str, **fields: str) -> None:
    """Open the list of ``kind`` (Customers, Vendors) from the menu, New, fill, Save."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name=f"{kind}s").click()
    page.get_by_role("link", name=f"New {kind.lower()}").click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save").click()


def _new_company_contact(page: Page, **fields: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="New contact").click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Save").click()


def _relation_row(page: Page, kind: str) -> Locator:
    """The contact card's row of one business relation (Customer, Vendor, Bank account)."""
    section = page.locator("section", has=page.get_by_role("heading", name="Business relations"))
    return section.get_by_role("row").filter(has=page.get_by_role("cell", name=kind, exact=True))


def test_a_new_customer_gets_its_contact_automatically(page: Page, api: LiveApi) -> None:
    _new_record(page, "Customer", Name="Fabrikam", City="Berlin", **{"Phone no.": "030 1234567"})
    expect(page.locator(".messages")).to_contain_text(
        "Customer C00010 created; contact CT000001 created."
    )
    page.get_by_role("link", name=re.compile("Open contact CT000001")).click()
    expect(page.get_by_role("heading", name="CT000001 · Fabrikam")).to_be_visible()
    expect(_relation_row(page, "Customer")).to_contain_text("C00010 Fabrikam")

    customer = api.get("/customers/C00010")
    assert customer["contact_number"] == "CT000001"
    contact = api.get("/contacts/CT000001")
    assert (contact["type"], contact["name"], contact["city"], contact["phone_no"]) == (
        "company",
        "Fabrikam",
        "Berlin",
        "030 1234567",
    )
    assert contact["business_relation_summary"] == "customer"
    assert api.get("/contacts/CT000001/links") == [
        {
            "contact_number": "CT000001",
            "business_relation": "CUST",
            "kind": "customer",
            "record_number": "C00010",
        }
    ]


@pytest.mark.parametrize(
    ("keep", "winner"),
    [
        ("the vendor's data", ("Northwind Traders", "Seattle")),
        ("this contact's data", ("Northwind", "Oslo")),
    ],
    ids=["the-vendor-wins", "the-contact-wins"],
)
def test_an_existing_vendor_is_linked_to_a_contact_and_the_chosen_side_wins(
    page: Page, api: LiveApi, keep: str, winner: tuple[str, str]
) -> None:
    # given: a vendor without a contact (made with one, then unlinked: both stay)
    _new_record(page, "Vendor", Name="Northwind Traders", City="Seattle")
    expect(page.locator(".messages")).to_contain_text("contact CT000001 created")
    page.get_by_role("link", name=re.compile("Open contact CT000001")).click()
    _relation_row(page, "Vendor").get_by_role("button", name="Unlink").click()
    expect(page.locator(".messages")).to_contain_text("Unlinked the vendor; both records stay.")
    # and: the contact it should have been
    _new_company_contact(page, Name="Northwind", City="Oslo")
    expect(page.locator(".messages")).to_contain_text("Contact CT000002 created")

    # when: Link existing, search, pick the vendor, see both sides, choose who wins
    _relation_row(page, "Vendor").get_by_role("link", name="Link existing").click()
    page.get_by_label(re.compile("Search vendors")).fill("North")
    page.get_by_role("link", name="V00010").click()
    comparison = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Field")
    )
    expect(comparison.get_by_role("row", name=re.compile("city"))).to_contain_text("Oslo")
    expect(comparison.get_by_role("row", name=re.compile("city"))).to_contain_text("Seattle")
    page.get_by_label(keep).check()
    page.get_by_role("button", name="Link", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("Linked with vendor V00010")
    expect(_relation_row(page, "Vendor")).to_contain_text("V00010")

    # then: both sides carry the winner's data, and the first contact is no longer linked
    name, city = winner
    contact = api.get("/contacts/CT000002")
    vendor = api.get("/vendors/V00010")
    assert (contact["name"], contact["city"]) == (name, city)
    assert (vendor["name"], vendor["city"], vendor["contact_number"]) == (name, city, "CT000002")
    assert contact["business_relation_summary"] == "vendor"
    assert api.get("/contacts/CT000001")["business_relation_summary"] == "none"
    assert api.get("/contacts/CT000001/links") == []


def test_a_phone_changed_on_the_contact_reaches_the_customer_and_back(
    page: Page, api: LiveApi
) -> None:
    _new_record(page, "Customer", Name="Fabrikam", **{"Country/region code": "DE"})
    page.get_by_role("link", name=re.compile("Open contact CT000001")).click()

    # the contact's phone reaches the customer
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone no.", exact=True).fill("+49 30 7654321")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(
        "Contact CT000001 saved. Also updated: customer C00010"
    )
    assert api.get("/customers/C00010")["phone_no"] == "+49 30 7654321"

    # the customer's phone reaches the contact
    _relation_row(page, "Customer").get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", name="Customer C00010 · Fabrikam")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Phone no.", exact=True).fill("+49 30 1111111")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text(
        "Customer C00010 saved. Also updated: contact CT000001"
    )

    contact = api.get("/contacts/CT000001")
    customer = api.get("/customers/C00010")
    assert contact["phone_no"] == customer["phone_no"] == "+49 30 1111111"
    assert contact["phone_e164"] == customer["phone_e164"] == "+49301111111"

    # each side's history says who changed it and where a synchronised change came from
    def phone_history(path: str) -> list[tuple[str, str, str, str]]:
        return [
            (e["source"], e["origin_kind"], e["origin_number"], e["new"])
            for e in api.get(f"{path}/history")["items"]
            if e["field"] == "phone_no"
        ]

    assert phone_history("/customers/C00010") == [
        ("user", "", "", "+49 30 1111111"),
        ("sync", "contact", "CT000001", "+49 30 7654321"),
    ]
    assert phone_history("/contacts/CT000001") == [
        ("sync", "customer", "C00010", "+49 30 1111111"),
        ("user", "", "", "+49 30 7654321"),
    ]


def test_a_person_added_on_the_company_card_is_named_from_first_name_and_surname(
    page: Page, api: LiveApi
) -> None:
    _new_company_contact(page, Name="Fjord Cycles", City="Bergen", **{"Country/region code": "NO"})
    expect(page.locator(".messages")).to_contain_text("Contact CT000001 created")
    page.get_by_role("link", name="Add person").click()
    expect(page.get_by_label("Type", exact=True)).to_have_value("person")
    expect(page.get_by_label("Company no.")).to_have_value("CT000001")
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Surname").fill("Berg")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Contact CT000002 created")
    expect(page.get_by_role("heading", name="CT000002 · Ann Berg")).to_be_visible()
    page.get_by_role("link", name="CT000001 Fjord Cycles").click()
    persons = page.locator("section", has=page.get_by_role("heading", name="Persons (1)"))
    expect(persons.get_by_role("row", name=re.compile("CT000002 Ann Berg"))).to_be_visible()

    person = api.get("/contacts/CT000002")
    assert (person["type"], person["name"], person["company_number"]) == (
        "person",
        "Ann Berg",
        "CT000001",
    )
    assert (person["first_name"], person["surname"], person["company_name"]) == (
        "Ann",
        "Berg",
        "Fjord Cycles",
    )
    assert person["privacy_blocked"] is False
    assert [p["number"] for p in api.get("/contacts/CT000001/persons")["items"]] == ["CT000002"]
