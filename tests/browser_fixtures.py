"""What the browser tests share: Debian's chromium driven by Playwright, signing in, and a
bearer-token client for the live server's REST API.

``tests/conftest.py`` turns these into the ``browser`` and ``page`` fixtures that
tests/test_browser.py and tests/journeys/ use.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from liaison.accounts.services import token_create, user_create

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "secret-pw"

# Skip, do not fail, where the browser is missing; .ci/run installs it so CI never skips.
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM),
    reason="Debian's chromium is not installed (apt-get install chromium); .ci/run installs it",
)

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls (and the
# live server's) are plain synchronous calls all the same.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian chromium for as long as the block runs."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the sign-in page, as a person does, and land on the contact list."""
    from playwright.sync_api import expect

    page.goto("/contacts/")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Contacts")).to_be_visible()


@contextmanager
def signed_in_page(browser: Any, base_url: str, username: str, role: str) -> Iterator[Any]:
    """A new user with ``role``, signed in on a page of its own browser context."""
    user_create(username=username, password=PASSWORD, role=role)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=base_url)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, username)
        yield page
    finally:
        context.close()


class LiveApi:
    """The live server's ``/api/v1`` with a bearer token made for the test (no session, no ORM):
    how the journeys read the state the UI left behind."""

    def __init__(self, base_url: str, *, username: str = "api-reader") -> None:
        user_create(username=username, password="not-used-by-the-api", role="viewer")
        _, self.secret, _ = token_create(username=username, read_only=True)
        self.base_url = base_url.rstrip("/") + "/api/v1"

    def call(self, method: str, path: str) -> tuple[int, Any]:
        """The status and the decoded JSON body (None when there is none)."""
        request = urllib.request.Request(
            self.base_url + path,
            method=method,
            headers={"Authorization": f"Bearer {self.secret}", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        return status, json.loads(body) if body else None

    def get(self, path: str) -> Any:
        """GET that must answer 200; its JSON."""
        status, body = self.call("GET", path)
        assert status == 200, (path, status, body)
        return body

    def status(self, path: str) -> int:
        """Only the status of a GET (e.g. 404 for a record that is gone)."""
        return self.call("GET", path)[0]
