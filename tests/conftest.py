"""Fixtures of the browser tests (tests/test_browser.py and tests/journeys/): see
tests/browser_fixtures.py. A fixture only starts a browser when a test asks for it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser_fixtures import chromium, signed_in_page


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless chromium per test module."""
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    """An admin ("clerk") signed in on the live server; batch jobs run inline."""
    settings.LIAISON_JOBS_INLINE = True
    with signed_in_page(browser, live_server.url, "clerk", "admin") as signed_in:
        yield signed_in
