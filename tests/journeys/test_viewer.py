"""Journey: a viewer reads the contact and customer cards but sees no action it may not take,
and the pages behind those actions refuse it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from tests.browser_fixtures import LiveApi, needs_chromium

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Page

pytestmark = [pytest.mark.django_db(transaction=True), needs_chromium]

expect = pytest.importorskip("playwright.sync_api").expect

# What a viewer may not do, by the name of the link or button that does it.
ACTIONS = re.compile(
    r"^(Edit|Delete|Unlink|Create .*|Link existing|Add person|New .*|Log interaction"
    r"|Send e-mail|Make order|Release|Reopen|Print|E-mail PDF|Add line|Save.*)$"
)


def _actions(page: Page) -> list[str]:
    """The names of the links and buttons in the page's main part that would change something."""
    main = page.get_by_role("main")
    names = [
        element.inner_text().strip()
        for element in main.get_by_role("button").all() + main.get_by_role("link").all()
    ]
    return [name for name in names if ACTIONS.match(name)]


def test_a_viewer_sees_no_action_it_may_not_take(
    page: Page, api: LiveApi, sign_in_as: Callable[[str, str], Page]
) -> None:
    # given: an admin made a customer (with its contact) and a quote for it, through the UI
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Customers").click()
    page.get_by_role("link", name="New customer").click()
    page.get_by_label("Name", exact=True).fill("Fabrikam")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("contact CT000001 created")
    page.get_by_role("link", name=re.compile("Open contact CT000001")).click()
    # the admin sees the actions (so the viewer's empty list below can fail)
    assert {"Edit", "Delete", "Unlink", "Create vendor", "Link existing"} <= set(_actions(page))
    page.get_by_role("button", name="New sales quote").click()
    expect(page.get_by_role("heading", name="Sales quote SQ0001")).to_be_visible()

    # when: a viewer signs in and opens the cards
    viewer = sign_in_as("vera", "viewer")
    expect(viewer.get_by_role("main")).to_contain_text("CT000001")
    assert _actions(viewer) == []
    viewer.get_by_role("link", name="CT000001").click()
    expect(viewer.get_by_role("heading", name="CT000001 · Fabrikam")).to_be_visible()
    expect(viewer.get_by_role("row", name=re.compile("C00010 Fabrikam"))).to_be_visible()
    assert _actions(viewer) == []
    viewer.get_by_role("link", name="Open").click()
    expect(viewer.get_by_role("heading", name="Customer C00010 · Fabrikam")).to_be_visible()
    expect(viewer.get_by_role("link", name=re.compile("Open contact CT000001"))).to_be_visible()
    assert _actions(viewer) == []
    for path in (
        "/customers/",
        "/documents/sales/SQ0001/",
        "/batch/",
        "/setup/",
        "/documents/setup/",
    ):
        viewer.goto(path)
        assert _actions(viewer) == [], path

    # then: the pages behind the actions refuse the viewer, and a refused POST changes nothing
    for path in (
        "/contacts/new/",
        "/contacts/CT000001/edit/",
        "/contacts/CT000001/delete/",
        "/contacts/CT000001/link/vendor/",
        "/customers/new/",
        "/customers/C00010/edit/",
        "/customers/C00010/delete/",
    ):
        response = viewer.goto(path)
        assert response is not None, path
        assert response.status == 403, path
    csrf = next(c["value"] for c in viewer.context.cookies() if c["name"] == "csrftoken")
    for path in (
        "/contacts/CT000001/unlink/customer/",
        "/contacts/CT000001/create/vendor/",
        "/contacts/CT000001/delete/",
        "/customers/C00010/delete/",
        "/batch/start/",
    ):
        refused = viewer.request.post(path, headers={"X-CSRFToken": csrf}, max_redirects=0)
        assert refused.status == 403, path

    assert api.get("/customers/C00010")["contact_number"] == "CT000001"
    assert api.get("/contacts/CT000001/links") == [
        {
            "contact_number": "CT000001",
            "business_relation": "CUST",
            "kind": "customer",
            "record_number": "C00010",
        }
    ]
    assert api.get("/vendors")["items"] == []
