"""The `liaison` command's guard rails."""

from __future__ import annotations

import pytest

from liaison.cli import main


def test_serve_production_refuses_the_development_secret_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIAISON_SECRET_KEY", raising=False)
    monkeypatch.delenv("LIAISON_SECRET_KEY_FILE", raising=False)
    assert main(["serve", "--production"]) == 1
    err = capsys.readouterr().err
    assert "SECRET_KEY" in err and "Refusing to serve in production mode" in err


def test_user_create_gives_the_role(capsys: pytest.CaptureFixture[str]) -> None:
    from liaison.accounts.roles import role_of

    assert main(["user", "create", "ana", "--role", "viewer", "--password", "pw-123456"]) == 0
    assert "ana (viewer) created" in capsys.readouterr().out
    from django.contrib.auth import get_user_model

    assert role_of(get_user_model().objects.get(username="ana")) == "viewer"
    assert main(["user", "create", "ana", "--password", "x"]) == 2
