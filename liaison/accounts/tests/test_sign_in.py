"""Signing in to the web UI."""

from __future__ import annotations

from axes.models import AccessAttempt  # type: ignore[import-untyped]
from django.test import Client

from liaison.accounts.services import user_create


def test_a_user_name_longer_than_any_users_is_refused_on_the_sign_in_form(client: Client) -> None:
    # given a user, so sign-ins are checked against real accounts
    user_create(username="clerk", password="right-password", role="viewer")
    # when someone signs in with a 300-character user name
    response = client.post("/login/", {"username": "9" * 300, "password": "wrong"})
    # then the form says so (no 500), nobody is signed in and no attempt row is written
    assert response.status_code == 200
    assert "did not match" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.exists()
