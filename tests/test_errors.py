"""A 500 leaves a trace (issue 14, defect 4): every unhandled error, of a page or of the API, is
logged with its traceback and its request's id, and the error page or problem shows that id.

The page that fails is a test-only URL: this module is the URLconf of its tests (the product's
URLs, its ``handler500``, and ``/boom/``)."""

from __future__ import annotations

import logging
import sys
from typing import Any

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from liaison import urls as product_urls
from liaison.core.request_id import StderrHandler
from tests.api_client import ApiClient


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("the page failed on purpose")


urlpatterns = [path("boom/", _boom), *product_urls.urlpatterns]
# The product's (Django's default when it names none).
handler500 = getattr(product_urls, "handler500", "django.views.defaults.server_error")


def _logged(caplog: pytest.LogCaptureFixture) -> logging.LogRecord:
    [record] = [r for r in caplog.records if r.name == "django.request"]
    return record


def _stderr_line(record: logging.LogRecord) -> str:
    """The record as the configured stderr handler writes it (settings LOGGING)."""
    [handler] = [h for h in logging.getLogger().handlers if isinstance(h, StderrHandler)]
    assert handler.stream is sys.stderr
    return handler.format(record)


@pytest.mark.urls("tests.test_errors")
def test_a_page_that_fails_is_logged_with_its_traceback_and_the_id_its_500_page_shows(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/boom/")
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32  # none given: a new one
    assert request_id in response.content.decode()
    record = _logged(caplog)
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    assert record.request_id == request_id  # type: ignore[attr-defined]
    line = _stderr_line(record)
    assert f"[{request_id}]" in line
    assert "Traceback (most recent call last)" in line
    assert "RuntimeError: the page failed on purpose" in line


@pytest.mark.urls("tests.test_errors")
def test_a_sane_request_id_given_is_kept_and_any_other_is_replaced(client: Client) -> None:
    client.raise_request_exception = False
    given = client.get("/boom/", headers={"X-Request-ID": "proxy-1234.abc"})
    assert given["X-Request-ID"] == "proxy-1234.abc"
    assert "proxy-1234.abc" in given.content.decode()
    for insane in ("two words", "x" * 129, "<script>", "line\\nbreak"):
        response = client.get("/contacts/", headers={"X-Request-ID": insane})
        assert response["X-Request-ID"] != insane
        assert len(response["X-Request-ID"]) == 32


def test_an_api_operation_that_fails_is_logged_with_its_traceback_and_its_problem_shows_the_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    api = ApiClient()

    def database_fails(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if "contacts_contact" in sql:
            raise RuntimeError("the contacts table failed on purpose")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_fails), caplog.at_level(logging.ERROR):
        response = api.get("/contacts", **{"X-Request-ID": "support-42"})
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "internal_error"
    assert body["status"] == 500
    assert body["request_id"] == response["X-Request-ID"] == "support-42"
    assert "support-42" in body["detail"]
    record = _logged(caplog)
    assert record.exc_info is not None
    assert record.exc_info[0] is RuntimeError
    line = _stderr_line(record)
    assert "[support-42]" in line
    assert "RuntimeError: the contacts table failed on purpose" in line


def test_every_problem_names_its_request_id() -> None:
    response = Client().get("/api/v1/contacts", headers={"X-Request-ID": "abc"})
    assert response.status_code == 401
    assert response.json()["request_id"] == response["X-Request-ID"] == "abc"
