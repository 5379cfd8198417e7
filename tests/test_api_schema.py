"""Schemathesis against the served OpenAPI schema: no 500s, every response conforms.

A bounded number of examples per operation keeps ``make test`` short; ``make fuzz`` (issue #7)
is the place for many more. Set LIAISON_SCHEMATHESIS_EXAMPLES to change the bound.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    ignored_auth,
    negative_data_rejection,
    positive_data_acceptance,
)

from liaison.accounts.services import token_create
from liaison.wsgi import application

EXAMPLES = int(os.environ.get("LIAISON_SCHEMATHESIS_EXAMPLES", "10"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Iterator[None]:
    """Schemathesis calls the WSGI app directly, so Django would close the database connection
    at each request's end (as the test client avoids doing), ending the test's transaction on
    PostgreSQL. Detach that for the test, as django.test.Client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db: None) -> dict[str, str]:
    from liaison.setup import setup_all

    setup_all()
    _, secret, _ = token_create(username="fuzzer")
    return {"Authorization": f"Bearer {secret}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: schemathesis.Case[Any], bearer: dict[str, str]) -> None:
    # Our domain rules refuse some schema-valid input (an unknown country, a taken number) with a
    # documented 4xx, so "schema-valid data is accepted" is not a property of this API; the
    # authentication check needs a second, unauthenticated call the WSGI transport cannot
    # make per case (tests/test_api.py covers 401 for every resource).
    # A query string has no types: a "negative" array or object of one item is sent as plain
    # text (``?q=false``), which is a valid value of our string parameters, so "negative data is
    # rejected" cannot hold for query-only operations (a parameter given twice is refused: 422,
    # tests/test_api.py). Request bodies keep the check.
    excluded = [positive_data_acceptance, ignored_auth]
    if case.method == "GET":
        excluded.append(negative_data_rejection)
    case.call_and_validate(headers=bearer, excluded_checks=excluded)
