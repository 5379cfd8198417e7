"""Production start: the reasons to refuse one, and the secure settings to run it with.

Both are pure functions of what they are given, so the rules are tested without starting a
server; the ``liaison serve`` command and the settings module apply them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse

DEVELOPMENT_SECRET_KEY = "liaison-development-key-not-for-production"
SECRET_KEY_ENV = "LIAISON_SECRET_KEY"
SECRET_KEY_FILE_ENV = "LIAISON_SECRET_KEY_FILE"
# Everything comes from our own origin (htmx and app.js are our static files); no inline
# scripts or styles, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-ancestors 'none'"
)
ONE_YEAR = 31_536_000
_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"


def production_problems(settings: object, environ: Mapping[str, str] | None = None) -> list[str]:
    """Why a production start must be refused; an empty list means it may go ahead.

    ``settings`` is anything with Django's setting names as attributes (``django.conf.settings``
    itself); ``environ`` (the process environment by default) tells where SECRET_KEY came from,
    because a key written into code or config under version control is a leaked key.
    """
    env = os.environ if environ is None else environ
    problems = []
    if getattr(settings, "DEBUG", False):
        problems.append(
            "DEBUG is on (LIAISON_DEBUG=1): error pages would show code, settings and data to "
            "anyone. Unset LIAISON_DEBUG."
        )
    key = str(getattr(settings, "SECRET_KEY", "") or "")
    from_env, from_file = env.get(SECRET_KEY_ENV), env.get(SECRET_KEY_FILE_ENV)
    if key == DEVELOPMENT_SECRET_KEY:
        problems.append(
            "SECRET_KEY is the development default, which anyone with the source knows (they "
            f"could forge sessions and password-reset links). Set {SECRET_KEY_ENV}, or "
            f"{SECRET_KEY_FILE_ENV} to a file holding the key; make one with: {_GENERATE}"
        )
    elif from_env and from_file:
        problems.append(
            f"Both {SECRET_KEY_ENV} and {SECRET_KEY_FILE_ENV} are set: set only one, so that "
            "it is clear which key signs sessions."
        )
    elif not from_env and not from_file:
        problems.append(
            f"SECRET_KEY does not come from the environment: set {SECRET_KEY_ENV}, or "
            f"{SECRET_KEY_FILE_ENV} to a file holding the key."
        )
    elif from_env and from_env != key:
        problems.append(
            f"SECRET_KEY is not the value of {SECRET_KEY_ENV}: the settings took the key from "
            "somewhere else."
        )
    if key != DEVELOPMENT_SECRET_KEY and _weak(key):
        problems.append(
            f"SECRET_KEY is too weak: it needs at least {SECRET_KEY_MIN_LENGTH} characters, "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and no "
            f"'{SECRET_KEY_INSECURE_PREFIX}' prefix. Make one with: {_GENERATE}"
        )
    return problems


def production_settings() -> dict[str, object]:
    """The settings a production start applies on top of the defaults (a new dict each call).

    HTTPS only for cookies, a year of HSTS, and headers that stop MIME sniffing, framing and
    leaking URLs to other sites. Django 5.2 has no Content-Security-Policy setting of its own:
    ``LIAISON_CONTENT_SECURITY_POLICY`` is sent by ``ContentSecurityPolicyMiddleware``.
    """
    return {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": ONE_YEAR,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_REFERRER_POLICY": "same-origin",
        "X_FRAME_OPTIONS": "DENY",
        "LIAISON_CONTENT_SECURITY_POLICY": CONTENT_SECURITY_POLICY,
    }


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.LIAISON_CONTENT_SECURITY_POLICY`` on every response that sets none.

    Without the setting (development) Django drops the middleware, so it costs nothing there.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        policy = getattr(settings, "LIAISON_CONTENT_SECURITY_POLICY", "")
        if not policy:
            raise MiddlewareNotUsed("no LIAISON_CONTENT_SECURITY_POLICY setting")
        self.policy = str(policy)
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        return response


def _weak(key: str) -> bool:
    return (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    )
