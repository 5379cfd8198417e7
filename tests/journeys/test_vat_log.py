"""Journey: a VAT registration number typed on a customer is logged and checked in the
background against (a local stand-in for) EU VIES; the customer's card and the API show the
entry with what the service said."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from liaison.vatlog.tests.standin import StandIn, vies_standin
from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect


@pytest.fixture
def vies(settings: Any) -> Iterator[StandIn]:
    """The online check on, pointed at the stand-in; checks run right after the commit."""
    with vies_standin() as standin:
        settings.LIAISON_VAT_CHECK = True
        settings.LIAISON_VIES_URL = standin.url
        settings.LIAISON_VAT_CHECK_INLINE = True
        yield standin


def test_a_vat_number_typed_on_a_customer_shows_in_its_vat_log(
    page: Page, api: LiveApi, vies: StandIn
) -> None:
    vies.answers = {"136695976": "valid"}
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Name", exact=True).fill("Acme GmbH")
    page.get_by_label("Country/region code", exact=True).fill("DE")
    page.get_by_label("VAT registration no.", exact=True).fill("DE136695976")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Customer C00010 created")

    expect(page.get_by_role("heading", name="Customer C00010 · Acme GmbH")).to_be_visible()
    log = page.locator("section", has=page.get_by_role("heading", name="VAT registration log"))
    row = log.get_by_role("row").filter(has_text="DE136695976")
    expect(row).to_contain_text("Customer C00010")
    expect(row).to_contain_text("clerk")
    expect(row).to_contain_text("Web page")
    expect(row).to_contain_text("Valid")
    expect(row).to_contain_text("ACME GMBH")

    [entry] = api.get("/vat-registration-log?kind=customer&number=C00010")["items"]
    assert (entry["status"], entry["method"], entry["entered_by"]) == ("valid", "vies", "clerk")
    assert vies.requests == [{"countryCode": "DE", "vatNumber": "136695976"}]
