"""A request id for every request, so that a 500 can be found in the log.

``RequestIdMiddleware`` (first in ``MIDDLEWARE``) takes the caller's ``X-Request-ID`` when it is
a sane one (a proxy's or a client's), else makes one, and returns it in the response's
``X-Request-ID``. While the request runs, ``current()`` gives it and ``RequestIdFilter`` puts it
on every log record (``%(request_id)s`` in the format, settings ``LOGGING``). The 500 page
(``server_error``, the ``handler500`` of ``liaison.urls``) and the API's problem bodies show it.
"""

from __future__ import annotations

import logging
import re
import sys
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import TemplateDoesNotExist, loader
from django.utils.translation import gettext as _

HEADER = "X-Request-ID"
NONE = "-"  # the id of log records written outside a request
# Letters, digits and . _ : - only, so that a given id cannot forge log lines or headers.
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_current: ContextVar[str] = ContextVar("liaison_request_id", default=NONE)


def current() -> str:
    """The id of the request being handled (``-`` outside one)."""
    return _current.get()


def of(request: HttpRequest) -> str:
    """The id of ``request``."""
    return str(getattr(request, "request_id", None) or current())


class RequestIdMiddleware:
    """Set the request's id (a sane ``X-Request-ID`` given, else a new one) for the request,
    its log records and its response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        value = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        request.request_id = value  # type: ignore[attr-defined]
        token = _current.set(value)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = value
        return response


class StderrHandler(logging.StreamHandler[Any]):
    """Writes to ``sys.stderr`` as it is when a record is written, not as it was when logging
    was configured: a server or a test runner that swaps the stream (and closes the old one)
    still gets every line (``logging.lastResort`` does the same)."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        logging.Handler.__init__(self, level)

    @property
    def stream(self) -> Any:
        return sys.stderr


class RequestIdFilter(logging.Filter):
    """Give each log record the current request's id as ``request_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current()
        return True


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: the error page with the request's id. It renders without the request's
    context (no user, no database), which may be what failed."""
    value = of(request)
    try:
        body = loader.get_template("500.html").render({"request_id": value})
    except TemplateDoesNotExist:
        body = f"<h1>{_('Server error')} (500)</h1><p>{_('Request id')}: {value}</p>"
    return HttpResponseServerError(body)
