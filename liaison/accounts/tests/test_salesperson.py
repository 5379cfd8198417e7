"""A user's own salesperson code (R-B5): set by `liaison user create --salesperson` and
`liaison user salesperson`, kept upper-case; bad input is refused and changes nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from liaison.accounts.models import UserProfile
from liaison.accounts.services import user_create, user_salesperson_set
from liaison.cli import main
from liaison.core.errors import NotFound, ValidationFailed
from liaison.masterdata.services import code_create
from liaison.masterdata.tables import SALESPEOPLE


@pytest.fixture(autouse=True)
def _codes_named_here(default_setup: None) -> None:
    """The master data codes these tests name (each must exist, issue #17)."""
    for code in ("ANA",):
        code_create(SALESPEOPLE, data={"code": code})


def _code(username: str) -> str | None:
    found = UserProfile.objects.filter(user__username=username).first()
    return found.salesperson_code if found else None


def test_user_create_with_salesperson_gives_the_user_its_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["user", "create", "ana", "--password", "pw-1", "--salesperson", "ana"]) == 0
    assert _code("ana") == "ANA"


def test_user_salesperson_sets_and_clears_the_code(capsys: pytest.CaptureFixture[str]) -> None:
    user_create(username="ana", password="pw")
    assert main(["user", "salesperson", "ana", "js"]) == 0
    assert "salesperson JS" in capsys.readouterr().out
    assert _code("ana") == "JS"
    assert main(["user", "salesperson", "ana", ""]) == 0
    assert _code("ana") == ""


def test_a_too_long_salesperson_code_is_refused_and_nothing_changes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    user_create(username="ana", password="pw", salesperson_code="js")
    with pytest.raises(ValidationFailed) as caught:
        user_salesperson_set(username="ana", salesperson_code="X" * 21)
    assert "salesperson_code" in caught.value.fields
    assert main(["user", "salesperson", "ana", "X" * 21]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error [validation_failed]")
    assert "at most 20 characters" in err
    assert _code("ana") == "JS"


def test_user_create_with_a_too_long_salesperson_creates_no_user(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["user", "create", "bo", "--password", "pw-1", "--salesperson", "X" * 21]) == 2
    assert not get_user_model().objects.filter(username="bo").exists()


def test_an_unknown_user_gets_no_salesperson(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(NotFound):
        user_salesperson_set(username="nobody", salesperson_code="js")
    assert main(["user", "salesperson", "nobody", "js"]) == 2
    assert not UserProfile.objects.exists()
