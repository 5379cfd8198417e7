"""The codes that fill new contacts name master data too: the Marketing Setup defaults (spec
1.1) and a user's own salesperson (R-B5) must name an existing code, a salesperson blocked due
to privacy is refused there as on a contact (E-41), and such a code counts as in use."""

from __future__ import annotations

import pytest

from liaison.accounts.models import UserProfile
from liaison.accounts.services import user_create, user_salesperson_set
from liaison.cli import main
from liaison.masterdata.errors import CodeInUse, SalespersonPrivacyBlocked, UnknownCode
from liaison.masterdata.models import Salesperson
from liaison.masterdata.services import code_create, code_delete
from liaison.masterdata.tables import SALESPEOPLE
from liaison.relations.models import MarketingSetup
from liaison.relations.services import marketing_setup_update
from tests.api_client import ApiClient


@pytest.fixture
def blocked() -> Salesperson:
    """A salesperson blocked due to privacy."""
    row: Salesperson = code_create(SALESPEOPLE, data={"code": "HIDDEN", "privacy_blocked": True})
    return row


def _setup_defaults() -> tuple[str, str]:
    setup = MarketingSetup.objects.get()
    return setup.default_salesperson_code, setup.default_territory_code


def test_a_setup_default_naming_no_code_is_refused_and_the_setup_is_unchanged() -> None:
    marketing_setup_update(data={"default_salesperson_code": "js"})
    with pytest.raises(UnknownCode) as caught:
        marketing_setup_update(
            data={"default_salesperson_code": "nobody", "default_territory_code": "north"}
        )
    assert "default_salesperson_code" in caught.value.fields
    assert "NOBODY" in caught.value.message
    assert _setup_defaults() == ("JS", "")


def test_the_setup_api_refuses_an_unknown_default_territory_with_a_problem_naming_it() -> None:
    response = ApiClient(role="admin").patch(
        "/marketing-setup", {"default_territory_code": "atlantis"}
    )
    assert response.status_code == 422, response.content
    problem = response.json()
    assert problem["code"] == "unknown_code"
    assert "default_territory_code" in problem["errors"]
    assert _setup_defaults() == ("", "")


def test_a_privacy_blocked_default_salesperson_is_refused_e41(blocked: Salesperson) -> None:
    with pytest.raises(SalespersonPrivacyBlocked) as caught:
        marketing_setup_update(data={"default_salesperson_code": "hidden"})
    assert caught.value.message == "The salesperson is blocked due to privacy."
    assert _setup_defaults() == ("", "")


def test_a_users_salesperson_must_exist_and_not_be_blocked(blocked: Salesperson) -> None:
    user_create(username="ana", password="pw", salesperson_code="js")
    with pytest.raises(UnknownCode):
        user_salesperson_set(username="ana", salesperson_code="nobody")
    with pytest.raises(SalespersonPrivacyBlocked):
        user_salesperson_set(username="ana", salesperson_code="hidden")
    assert UserProfile.objects.get(user__username="ana").salesperson_code == "JS"


def test_user_create_with_an_unknown_salesperson_is_one_error_line_and_creates_no_user(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["user", "create", "bo", "--password", "pw-123456", "--salesperson", "nobody"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error [unknown_code]:"), err
    assert "NOBODY does not exist" in err
    assert not UserProfile.objects.filter(user__username="bo").exists()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="bo").exists()


def test_a_salesperson_a_user_and_the_setup_name_is_in_use_and_not_deleted() -> None:
    user_create(username="ana", password="pw", salesperson_code="ps")
    marketing_setup_update(data={"default_salesperson_code": "ps"})
    row = Salesperson.objects.get(code="PS")
    with pytest.raises(CodeInUse) as caught:
        code_delete(SALESPEOPLE, row=row)
    assert "2 records use it" in caught.value.message, caught.value.message
    assert Salesperson.objects.filter(code="PS").exists()
