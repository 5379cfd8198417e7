"""The REST API (django-ninja) under /api/v1/: authentication and errors as problem details."""

import re
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils.log import log_response
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from liaison.accounts.roles import ADMIN, EDITOR, VIEWER, allows, role_of
from liaison.accounts.services import token_authenticate
from liaison.banking.api import router as bank_accounts_router
from liaison.batch.api import router as batch_router
from liaison.contacts.api import router as contacts_router
from liaison.core import request_id
from liaison.core.errors import DomainError
from liaison.documents.api import ROUTERS as document_routers
from liaison.documents.api import setup_router as documents_setup_router
from liaison.duplicates.api import router as duplicates_router
from liaison.interactions.api import router as interactions_router
from liaison.masterdata.api import router as masterdata_router
from liaison.merges.api import router as merges_router
from liaison.purchases.api import router as vendors_router
from liaison.relations.api import integration_router, setup_router
from liaison.sales.api import router as customers_router
from liaison.vatlog.api import router as vatlog_router
from liaison.webutils import deleted_meanwhile

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PROBLEM = "application/problem+json"


# Writes under these paths change the setup, which only admins may do.
ADMIN_PATHS = (
    "/api/v1/marketing-setup",
    "/api/v1/business-relations",
    "/api/v1/number-series",
    "/api/v1/customer-templates",
    "/api/v1/vendor-templates",
    "/api/v1/drift/repair",
    "/api/v1/interaction-templates",
    "/api/v1/interaction-template-setup",
    "/api/v1/company-information",
    "/api/v1/document-setup",
    "/api/v1/salespeople",
    "/api/v1/territories",
    "/api/v1/languages",
    "/api/v1/payment-terms",
    "/api/v1/post-codes",
    "/api/v1/duplicate-search-string-setup",
)

# Actions on one record that only admins may take: undoing a merge.
ADMIN_ACTIONS = (re.compile(r"^/api/v1/merges/[^/]+/undo$"),)


def needed_role(request: HttpRequest) -> str:
    """Reading needs a viewer, changing records an editor, changing the setup an admin."""
    if request.method in SAFE_METHODS:
        return VIEWER
    if request.path.startswith(ADMIN_PATHS) or _admin_action(request.path):
        return ADMIN
    return EDITOR


def _admin_action(path: str) -> bool:
    """Actions on a record that only admins may take (``ADMIN_ACTIONS``)."""
    return any(pattern.match(path) for pattern in ADMIN_ACTIONS)


def check_role(request: HttpRequest, role: str | None) -> None:
    """403 when the caller's role is below what the request needs."""
    needed = needed_role(request)
    if not allows(role, needed):
        held = role or "no role"
        raise AuthorizationError(
            message=f"This needs the {needed} role; you act as {held}. Ask an admin."
        )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``: the token acts with its user's role, or as a viewer
    when it is read-only (never more than its user)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_authenticate(token)
        if found is None:
            return None
        role = role_of(found.user)
        if found.read_only and role is not None:
            role = VIEWER
        check_role(request, role)
        request.user = found.user
        return found


class RoleSessionAuth(SessionAuth):
    """The web UI's own calls: the signed-in user's role, with CSRF protection.

    Only a signed-in session is checked for CSRF: a call without one (no token, or a bad one)
    is not authenticated (401), not a forgery (403)."""

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        check_role(request, role_of(user))
        return user


class LiaisonAPI(NinjaAPI):
    """NinjaAPI whose schema documents error bodies as ``application/problem+json``."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if str(status).startswith(("4", "5")) and content:
                        response["content"] = {PROBLEM: content.pop("application/json")}
                for status in ("401", "403"):
                    operation.setdefault("responses", {}).setdefault(
                        status,
                        {
                            "description": "Not authenticated / not allowed",
                            "content": {
                                PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}
                            },
                        },
                    )
        return schema


api = LiaisonAPI(
    title="Liaison API",
    version="1",
    description=(
        "Contacts kept in step with customers, vendors and bank accounts. Authenticate with "
        "`Authorization: Bearer <token>` (create one with `liaison token create --user NAME`). "
        "Errors are RFC 9457 problem details with a stable `code`."
    ),
    auth=[TokenAuth(), RoleSessionAuth()],
    urls_namespace="api-v1",
)


def problem(
    request: HttpRequest, status: int, code: str, detail: str, **extra: Any
) -> HttpResponse:
    """An RFC 9457 problem details response."""
    titles = {
        400: "Bad request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not found",
        409: "Conflict",
        412: "Precondition failed",
        422: "Unprocessable content",
        500: "Internal server error",
    }
    body = {
        "type": f"/problems/{code}",
        "title": titles.get(status, "Error"),
        "status": status,
        "detail": detail,
        "code": code,
        "errors": extra.get("errors", {}),
        "request_id": request_id.of(request),
    }
    response = api.create_response(request, body, status=status)
    response["Content-Type"] = PROBLEM
    return response


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return problem(request, exc.status, exc.code, exc.message, errors=exc.fields)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [
            str(p) for p in error.get("loc", ()) if p not in ("body", "payload", "query", "path")
        ]
        errors.setdefault(".".join(loc) or "__all__", []).append(str(error.get("msg", "")))
    first = next(iter(errors.items()), ("", [""]))
    detail = f"The request is not valid: {first[0]}: {first[1][0]}" if errors else "Invalid input."
    return problem(request, 422, "validation_failed", detail, errors=errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(
        request,
        401,
        "not_authenticated",
        "Authentication required: send Authorization: Bearer <token>.",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(AuthorizationError)
def on_forbidden(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
    return problem(
        request, 403, "forbidden", str(exc.message) if hasattr(exc, "message") else str(exc)
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403:  # the only one django-ninja raises: a session's failed CSRF check
        return problem(
            request,
            403,
            "csrf_failed",
            _(
                "CSRF check failed: a signed-in session must send its CSRF token "
                "(X-CSRFToken); a program should use Authorization: Bearer <token>."
            ),
        )
    codes = {400: "bad_request", 405: "method_not_allowed", 429: "throttled"}
    code = codes.get(exc.status_code, "http_error")
    return problem(request, exc.status_code, code, f"{exc}: send a valid JSON body.")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "not_found", str(exc) or "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def on_deleted_meanwhile(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
    """A service's locked re-read found the row deleted by a concurrent request."""
    return problem(request, 404, "not_found", deleted_meanwhile(exc))


@api.exception_handler(Exception)
def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Any other error: a 500 problem with the request's id, logged with its traceback on
    django.request, as Django logs a page's."""
    value = request_id.of(request)
    response = problem(
        request,
        500,
        "internal_error",
        _(
            "Something went wrong on our side; the error is logged. If it happens again, "
            "report request id %(id)s."
        )
        % {"id": value},
    )
    log_response(
        "Internal Server Error: %s",
        request.path,
        response=response,
        request=request,
        exception=exc,
    )
    return response


api.add_router("/contacts", contacts_router)
api.add_router("/customers", customers_router)
api.add_router("/vendors", vendors_router)
api.add_router("/bank-accounts", bank_accounts_router)
api.add_router("", setup_router)
api.add_router("", batch_router)
api.add_router("/sales-documents", document_routers["sales"])
api.add_router("/purchase-documents", document_routers["purchase"])
api.add_router("", interactions_router)
api.add_router("", documents_setup_router)
api.add_router("", vatlog_router)
api.add_router("", integration_router)
api.add_router("", masterdata_router)
api.add_router("", merges_router)
api.add_router("", duplicates_router)


class QueryParamsMiddleware:
    """Every API query parameter holds one value (``?q=a&q=b`` is refused rather than silently
    reduced to its last value), and no parameter or path holds a NUL character, which no
    database stores or searches (PostgreSQL fails on it): both are 422, as unknown fields and
    loose types are. A page asked or posted to with a NUL character gets 400."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/v1/"):
            lists = list(request.GET.lists())
            repeated = sorted(k for k, v in lists if len(v) > 1)
            if repeated:
                return problem(
                    request,
                    422,
                    "validation_failed",
                    f"Give each query parameter once: {', '.join(repeated)} repeated.",
                    errors={k: ["Given more than once."] for k in repeated},
                )
            nul = sorted(k for k, v in lists if any("\x00" in x for x in v) or "\x00" in k)
            if nul or "\x00" in request.path:
                return problem(
                    request,
                    422,
                    "validation_failed",
                    "Text cannot contain NUL characters.",
                    errors={k or "path": ["Text cannot contain NUL characters."] for k in nul}
                    or {"path": ["Text cannot contain NUL characters."]},
                )
        elif "\x00" in request.path or any(
            "\x00" in v for d in (request.GET, request.POST) for _, vs in d.lists() for v in vs
        ):
            return HttpResponseBadRequest("Text cannot contain NUL characters.")
        response: HttpResponse = self.get_response(request)
        return response
