"""Helpers the web views share: roles, service errors onto forms, sync messages, 404s."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.defaults import page_not_found
from django_htmx.middleware import HtmxDetails

from liaison.accounts.roles import allows, role_of
from liaison.core.errors import DomainError, NotFound
from liaison.relations.sync import SyncReport


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (for type checking)."""

    htmx: HtmxDetails


View = Callable[..., HttpResponse]


def role_required(needed: str) -> Callable[[View], View]:
    """Sign-in required, and at least the ``needed`` role (viewer, editor, admin), else 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allows(role_of(request.user), needed):
                raise PermissionDenied(f"This needs the {needed} role.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def require_role_for_post(request: HttpRequest, needed: str) -> None:
    """For pages that read for everyone but change things on POST (the setup page)."""
    if request.method == "POST" and not allows(role_of(request.user), needed):
        raise PermissionDenied(f"Changing this needs the {needed} role.")


def errors_onto_form(form: forms.Form, exc: DomainError) -> None:
    """Put a service error on the form: next to its field when it names one, else on top."""
    placed = False
    for field, problems in exc.fields.items():
        target = field if field in form.fields else None
        for problem in problems:
            form.add_error(target, problem)
            placed = True
    if not placed:
        form.add_error(None, exc.message)


def announce_sync(request: HttpRequest, saved: str, report: SyncReport | None) -> None:
    """The flash line after a save: what was saved and what synchronisation also changed."""
    if report is not None and report.changes:
        messages.success(request, f"{saved}. Also updated: {report.describe()}.")
    else:
        messages.success(request, f"{saved}.")


def changed_data(form: forms.Form, initial: dict[str, Any]) -> dict[str, Any]:
    """Only the fields the person changed, so an untouched field never overwrites anything."""
    return {
        name: value
        for name, value in form.cleaned_data.items()
        if name in initial and value != initial[name]
    }


class NotFoundMiddleware:
    """A page naming a record that does not exist answers 404 (not 500): views call selectors
    that raise ``NotFound``, and a service's locked re-read of a row deleted meanwhile raises
    the model's ``DoesNotExist``; the API maps both itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, NotFound):
            return page_not_found(request, Http404(exception.message))
        if isinstance(exception, ObjectDoesNotExist):  # locked re-read of a row deleted meanwhile
            return page_not_found(request, Http404(deleted_meanwhile(exception)))
        return None


def deleted_meanwhile(exc: ObjectDoesNotExist) -> str:
    """What to say when a service's locked re-read finds a row that a concurrent request
    deleted after this one read it (the page and the API say the same)."""
    return f"{exc} It was deleted meanwhile: reload the page or list."
