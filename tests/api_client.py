"""A small JSON client for API tests: the Django test client with a bearer token."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from liaison.accounts.services import token_create, user_create


class ApiClient:
    """Sends JSON to /api/v1 with ``Authorization: Bearer``; returns Django responses."""

    def __init__(
        self, *, role: str = "admin", read_only: bool = False, username: str = "integrator"
    ) -> None:
        user_create(username=username, password="not-used-by-the-api", role=role)
        _, self.secret, _ = token_create(username=username, read_only=read_only)
        self.client = Client(headers={"Authorization": f"Bearer {self.secret}"})

    def _send(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        call = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": headers}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return call(f"/api/v1{path}", **kwargs)

    def get(self, path: str, **headers: str) -> Any:
        return self._send("get", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._send("post", path, body if body is not None else {}, **headers)

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        return self._send("patch", path, body, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self._send("delete", path, **headers)
