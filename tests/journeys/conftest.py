"""Fixtures of the journeys: one chromium for the whole package, the signed-in admin ``page``
of tests/conftest.py, more signed-in users, and the REST API read with a bearer token."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import pytest

from tests.browser_fixtures import LiveApi, chromium, signed_in_page


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One headless chromium for every journey (overrides the per-module one)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    """A quick password hash: every journey makes users and signs in (not what they test)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(live_server: Any) -> LiveApi:
    """The live server's REST API with a read-only token made for the test."""
    return LiveApi(live_server.url)


@pytest.fixture
def sign_in_as(browser: Any, live_server: Any) -> Iterator[Callable[[str, str], Any]]:
    """``sign_in_as(username, role)``: a new user of that role, signed in on a page of its own."""
    with ExitStack() as stack:

        def open_page(username: str, role: str) -> Any:
            return stack.enter_context(signed_in_page(browser, live_server.url, username, role))

        yield open_page
