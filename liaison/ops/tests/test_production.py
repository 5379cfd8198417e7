"""A production start is refused for DEBUG or a development, hard-coded or weak secret key; the
production settings pass Django's own deployment checks and send a same-origin-only policy."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.test import RequestFactory, override_settings

from liaison.ops.production import (
    CONTENT_SECURITY_POLICY,
    DEVELOPMENT_SECRET_KEY,
    ContentSecurityPolicyMiddleware,
    production_problems,
    production_settings,
)

STRONG_KEY = "k3Yx-9vQ2_tLm8RzW4pN7sJd1FhB6cGe0aUoIyTq5XwVnMbCrZ_-PlKjHgSdA"


def _settings(*, debug: bool = False, key: str = STRONG_KEY) -> SimpleNamespace:
    return SimpleNamespace(DEBUG=debug, SECRET_KEY=key)


def test_a_secure_configuration_with_the_key_from_the_environment_has_no_problems() -> None:
    # given DEBUG off and a strong key taken from LIAISON_SECRET_KEY
    # when checked, then nothing stands in the way
    assert production_problems(_settings(), {"LIAISON_SECRET_KEY": STRONG_KEY}) == []


def test_a_key_from_a_file_is_accepted() -> None:
    # given the key read from the file LIAISON_SECRET_KEY_FILE names
    environ = {"LIAISON_SECRET_KEY_FILE": "/run/secrets/liaison_key"}
    # when checked, then nothing stands in the way
    assert production_problems(_settings(), environ) == []


def test_debug_is_refused() -> None:
    # when DEBUG is on, then the start is refused and the message says how to turn it off
    problems = production_problems(_settings(debug=True), {"LIAISON_SECRET_KEY": STRONG_KEY})
    assert len(problems) == 1
    assert "DEBUG is on" in problems[0]
    assert "LIAISON_DEBUG" in problems[0]


def test_the_development_key_is_refused_even_from_the_environment() -> None:
    # given the development key, copied into the environment
    environ = {"LIAISON_SECRET_KEY": DEVELOPMENT_SECRET_KEY}
    # when checked, then it is refused once, with a way to make a real key
    problems = production_problems(_settings(key=DEVELOPMENT_SECRET_KEY), environ)
    assert len(problems) == 1
    assert "development default" in problems[0]
    assert "secrets.token_urlsafe" in problems[0]


def test_a_key_that_does_not_come_from_the_environment_is_refused() -> None:
    # given a strong key but neither LIAISON_SECRET_KEY nor LIAISON_SECRET_KEY_FILE
    # when checked, then it is refused: a key in code or config is a leaked key
    problems = production_problems(_settings(), {})
    assert problems == [
        "SECRET_KEY does not come from the environment: set LIAISON_SECRET_KEY, or "
        "LIAISON_SECRET_KEY_FILE to a file holding the key."
    ]


def test_a_key_other_than_the_environment_value_is_refused() -> None:
    # given LIAISON_SECRET_KEY set, but the settings holding another key
    environ = {"LIAISON_SECRET_KEY": STRONG_KEY[::-1]}
    # when checked, then it is refused
    problems = production_problems(_settings(), environ)
    assert len(problems) == 1
    assert "not the value of LIAISON_SECRET_KEY" in problems[0]


def test_two_key_sources_at_once_are_refused() -> None:
    # given both a key and a key file in the environment
    environ = {"LIAISON_SECRET_KEY": STRONG_KEY, "LIAISON_SECRET_KEY_FILE": "/run/secrets/k"}
    # when checked, then it is refused as ambiguous
    problems = production_problems(_settings(), environ)
    assert len(problems) == 1
    assert "set only one" in problems[0]


@pytest.mark.parametrize(
    "key",
    ["short-but-random-Zx81", "a" * 60, "django-insecure-" + STRONG_KEY],
    ids=["short", "few-different-characters", "django-insecure-prefix"],
)
def test_a_weak_key_is_refused(key: str) -> None:
    # when the key from the environment is weak, then it is refused
    problems = production_problems(_settings(key=key), {"LIAISON_SECRET_KEY": key})
    assert len(problems) == 1
    assert "SECRET_KEY is too weak" in problems[0]


def test_every_problem_is_reported_at_once() -> None:
    # given DEBUG on and a short key written into the settings
    # when checked, then all three problems are listed, so one fix round is enough
    problems = production_problems(_settings(debug=True, key="hard-coded"), {})
    assert [p.split(" ")[0] for p in problems] == ["DEBUG", "SECRET_KEY", "SECRET_KEY"]


def test_the_development_settings_are_refused() -> None:
    # given the settings a developer runs with (no key in the environment)
    # when checked, then the development key is named
    problems = production_problems(settings, {})
    assert any("development default" in p for p in problems)


def test_production_settings_pass_djangos_deployment_checks() -> None:
    # given the production settings with a strong key
    # when Django's deployment security checks run
    with override_settings(**production_settings(), SECRET_KEY=STRONG_KEY, DEBUG=False):
        found = {m.id for m in run_checks(include_deployment_checks=True, tags=["security"])}
    # then none of the warnings these settings exist for is raised: HSTS (and subdomains),
    # nosniff, secure session and CSRF cookies, X-Frame-Options DENY, referrer policy, key
    assert found.isdisjoint(
        {
            "security.W004",
            "security.W005",
            "security.W006",
            "security.W009",
            "security.W012",
            "security.W016",
            "security.W019",
            "security.W022",
        }
    )


def test_production_settings_are_the_secure_values() -> None:
    # when the production settings are asked for
    values = production_settings()
    # then they are the secure values, and each call gives a new dict to change freely
    assert values["SECURE_HSTS_SECONDS"] == 31_536_000
    assert values["X_FRAME_OPTIONS"] == "DENY"
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["LIAISON_CONTENT_SECURITY_POLICY"] == (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-ancestors 'none'"
    )
    values["X_FRAME_OPTIONS"] = "SAMEORIGIN"
    assert production_settings()["X_FRAME_OPTIONS"] == "DENY"


def test_htmx_is_served_from_our_own_origin_as_the_policy_requires() -> None:
    # when the page layout's htmx script tag is rendered
    html = engines["django"].from_string("{% load django_htmx %}{% htmx_script %}").render()
    # then it loads htmx from our static files, which script-src 'self' allows
    assert f'src="/{settings.STATIC_URL.strip("/")}/django_htmx/' in html
    assert "http" not in html


def test_the_policy_header_is_sent_unless_a_response_sets_its_own() -> None:
    # given the middleware with the production policy
    request = RequestFactory().get("/")
    with override_settings(LIAISON_CONTENT_SECURITY_POLICY=CONTENT_SECURITY_POLICY):
        middleware = ContentSecurityPolicyMiddleware(lambda _: HttpResponse("ok"))

        def own_policy(_: HttpRequest) -> HttpResponse:
            response = HttpResponse("ok")
            response.headers["Content-Security-Policy"] = "default-src 'none'"
            return response

        keeps_own = ContentSecurityPolicyMiddleware(own_policy)
    # when responses go out, then the policy is on them, and a view's own policy wins
    assert middleware(request).headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert keeps_own(request).headers["Content-Security-Policy"] == "default-src 'none'"


def test_the_policy_middleware_stays_out_without_a_policy() -> None:
    # when no policy is configured (development), then Django is told to drop the middleware
    with pytest.raises(MiddlewareNotUsed):
        ContentSecurityPolicyMiddleware(lambda _: HttpResponse("ok"))
