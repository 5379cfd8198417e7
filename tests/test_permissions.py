"""The permission matrix: every API operation and every page, with each role and with none.

Viewers read; editors also change records and links; admins also change the setup. A
read-only token acts as a viewer whatever its user's role.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from liaison.accounts.services import user_create
from liaison.api import ADMIN_ACTIONS, ADMIN_PATHS
from tests.api_client import ApiClient

ROLES = ("viewer", "editor", "admin")
SAFE = {"get", "head", "options"}


def _operations() -> list[tuple[str, str]]:
    schema = Client().get("/api/v1/openapi.json").json()
    ops = []
    for path, methods in schema["paths"].items():
        for method in methods:
            ops.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return ops


def _needed(method: str, path: str) -> str:
    if method in SAFE:
        return "viewer"
    admin = path.startswith(ADMIN_PATHS) or any(p.match(path) for p in ADMIN_ACTIONS)
    return "admin" if admin else "editor"


def _call(client: Client, method: str, path: str, headers: dict[str, str]) -> int:
    call = getattr(client, method)
    if method in SAFE or method == "delete":
        status: int = call(path, headers=headers).status_code
        return status
    status = call(
        path,
        data=json.dumps({}),
        content_type="application/json",
        headers=headers,
    ).status_code
    return status


def test_api_permission_matrix() -> None:
    clients = {role: ApiClient(role=role, username=f"api-{role}") for role in ROLES}
    read_only_admin = ApiClient(role="admin", read_only=True, username="api-ro")
    anonymous = Client()
    operations = _operations()
    assert len(operations) > 40
    for method, path in operations:
        needed = _needed(method, path)
        assert _call(anonymous, method, path, {}) == 401, (method, path)
        for role, api in clients.items():
            status = _call(api.client, method, path, {})
            allowed = ROLES.index(role) >= ROLES.index(needed)
            assert (status == 403) != allowed, (role, method, path, status)
            assert status != 401, (role, method, path, status)
            assert status < 500, (role, method, path, status)
        status = _call(read_only_admin.client, method, path, {})
        assert (status == 403) == (needed != "viewer"), ("read-only", method, path, status)


PAGES = [
    ("get", "/contacts/", "viewer"),
    ("get", "/contacts/CT000001/", "viewer"),
    ("get", "/customers/", "viewer"),
    ("get", "/customers/C00010/", "viewer"),
    ("get", "/vendors/", "viewer"),
    ("get", "/bank-accounts/", "viewer"),
    ("get", "/batch/", "viewer"),
    ("get", "/setup/", "viewer"),
    ("get", "/overview/", "viewer"),
    ("get", "/history/contacts/CT000001/", "viewer"),
    ("get", "/history/customers/C00010/", "viewer"),
    ("get", "/documents/sales/", "viewer"),
    ("get", "/documents/purchase/", "viewer"),
    ("get", "/documents/sales/SQ0001/", "viewer"),
    ("get", "/documents/sales/SQ0001/pdf/", "viewer"),
    ("get", "/interactions/emails/", "viewer"),
    ("get", "/documents/setup/", "viewer"),
    ("post", "/documents/setup/", "admin"),
    ("get", "/interactions/contacts/CT000001/email/", "editor"),
    ("post", "/interactions/contacts/CT000001/log/", "editor"),
    ("post", "/documents/sales/new/", "editor"),
    ("post", "/documents/sales/SQ0001/lines/", "editor"),
    ("post", "/documents/sales/SQ0001/print/", "editor"),
    ("post", "/documents/sales/SQ0001/email/", "editor"),
    ("post", "/documents/sales/SQ0001/template/", "editor"),
    ("post", "/documents/sales/SQ0001/contact/", "editor"),
    ("post", "/documents/sales/SQ0001/release/", "editor"),
    ("post", "/documents/sales/SQ0001/make-order/", "editor"),
    ("get", "/contacts/new/", "editor"),
    ("get", "/contacts/CT000001/edit/", "editor"),
    ("get", "/contacts/CT000001/delete/", "editor"),
    ("get", "/contacts/CT000001/link/vendor/", "editor"),
    ("post", "/contacts/CT000001/create/vendor/", "editor"),
    ("post", "/contacts/CT000001/unlink/vendor/", "editor"),
    ("get", "/customers/new/", "editor"),
    ("get", "/customers/C00010/edit/", "editor"),
    ("get", "/customers/C00010/delete/", "editor"),
    ("post", "/customers/C00010/create-contact/", "editor"),
    ("post", "/batch/start/", "editor"),
    ("post", "/setup/", "admin"),
    ("post", "/setup/business-relations/", "admin"),
]


@pytest.mark.parametrize("role", [None, *ROLES])
def test_page_permission_matrix(role: str | None, client: Client) -> None:
    from liaison.contacts.models import Contact
    from liaison.documents.services import document_create
    from liaison.documents.sides import SALES
    from liaison.sales.services import customer_create

    customer_create(data={"name": "Alpine Ski House"})
    document_create(side=SALES, document_type="quote", contact=Contact.objects.get())
    if role is not None:
        client.force_login(user_create(username=f"web-{role}", password="pw", role=role))  # type: ignore[arg-type]
    for method, url, needed in PAGES:
        response = getattr(client, method)(url)
        if role is None:
            assert response.status_code == 302, url
            assert "/login/" in response["Location"], url
            continue
        allowed = ROLES.index(role) >= ROLES.index(needed)
        assert (response.status_code == 403) != allowed, (role, method, url, response.status_code)
