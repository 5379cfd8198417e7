"""Who is acting, set at the edges and read by the services that record the audit trail.

The web and the API set it per request (``AuditMiddleware``), the command line per command
(``acting_as(source=Source.IMPORT)``...), a background job for its run. Without one, changes
are recorded as the system's. A context variable, so threads and requests never share it.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse


class Source(models.TextChoices):
    """How a change was made (importable before Django is set up: the command line needs it)."""

    USER = "user", "User"
    SYNC = "sync", "Synchronisation"
    IMPORT = "import", "Import"
    BATCH = "batch", "Batch job"
    SYSTEM = "system", "System"


@dataclass(frozen=True)
class Actor:
    """Who acts (a user's key and name, or only a name) and how (``Source``).

    With ``request``, the user is read from it when a change is recorded, not when the request
    starts: an API token names its user only once the router has authenticated it.
    """

    source: str = Source.SYSTEM
    user_pk: int | None = None
    username: str = ""
    request: HttpRequest | None = None

    def who(self) -> tuple[int | None, str]:
        """The user's key (or None) and the name to keep."""
        if self.request is not None:
            user = getattr(self.request, "user", None)
            if user is not None and user.is_authenticated:
                return user.pk, user.get_username()
        return self.user_pk, self.username

    def detached(self, source: str | None = None) -> Actor:
        """This actor without its request, to hand to work that outlives the request (a
        background job), optionally with another source."""
        user_pk, username = self.who()
        return Actor(source=source or self.source, user_pk=user_pk, username=username)


_current: ContextVar[Actor | None] = ContextVar("liaison_audit_actor", default=None)


def current_actor() -> Actor:
    """The actor set by the edge, or the system."""
    return _current.get() or Actor()


@contextmanager
def acting(actor: Actor) -> Iterator[Actor]:
    """Record every change made inside the block as ``actor``'s."""
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)


@contextmanager
def acting_as(
    user: Any = None, *, source: str = Source.USER, username: str = ""
) -> Iterator[Actor]:
    """Record every change made inside the block as ``user``'s (or ``username``'s), made
    through ``source``. Without either, the operating-system account is kept as the name (the
    command line)."""
    if user is not None:
        actor = Actor(source=source, user_pk=user.pk, username=user.get_username())
    else:
        actor = Actor(source=source, username=username or _os_user())
    with acting(actor):
        yield actor


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        return ""


class AuditMiddleware:
    """Every web page and API call acts as its signed-in user (or token's user), source user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting(Actor(source=Source.USER, request=request)):
            return self.get_response(request)
