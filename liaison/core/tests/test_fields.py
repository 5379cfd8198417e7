"""The e-mail check's shortcut (a domain checked once, a plain local part) must accept and
refuse exactly what ``email-validator`` does, and word its refusals the same way."""

from __future__ import annotations

import email_validator
import pytest
from django.core.exceptions import ValidationError
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from liaison.core.fields import _valid_fast, validate_emails

ADDRESSES = [
    "anna@example.com",
    "anna.berg+crm@mail.example.co.uk",
    "o'neil@example.ie",
    "a" * 64 + "@example.com",
    "a" * 70 + "@example.com",  # over 64 before the @: accepted unless strict
    "a" * 240 + "@example.com",  # over 254 in all
    "a@" + "b" * 64 + ".com",  # a label over 63
    "anna@münchen.de",
    "anna@xn--mnchen-3ya.de",
    "jürgen@example.de",
    '"anna berg"@example.com',
    "Anna <anna@example.com>",
    "anna@@example.com",
    "anna@example@com",
    ".anna@example.com",
    "anna.@example.com",
    "an..na@example.com",
    "anna@example",
    "anna@localhost",
    "anna@example.test",
    "anna@-example.com",
    "anna@example..com",
    "anna@[192.0.2.1]",
    "anna@",
    "@example.com",
    "nope",
]


def _library_accepts(address: str) -> bool:
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _ours_accepts(address: str) -> bool:
    try:
        validate_emails(address)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("address", ADDRESSES)
def test_email_check_agrees_with_email_validator(address: str) -> None:
    assert _ours_accepts(address) == _library_accepts(address)
    if _valid_fast(address):
        assert _library_accepts(address)


def test_email_shortcut_is_taken_for_plain_addresses() -> None:
    assert _valid_fast("anna.berg+crm@example.com")
    assert not _valid_fast('"anna berg"@example.com')  # left to the full check


def test_refused_email_names_the_address_and_the_reason() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_emails("anna@example.com; anna@example..com")
    message = caught.value.messages[0]
    assert message.startswith('The e-mail address "anna@example..com" is not valid: ')
    with pytest.raises(EmailNotValidError) as reason:
        validate_email("anna@example..com", check_deliverability=False)
    assert message.endswith(str(reason.value))


_ATEXT = "abcxyzABC019!#$%&'*+-/=?^_`{|}~.\"@ <>ü"


@given(
    local=st.text(alphabet=_ATEXT, min_size=0, max_size=20),
    domain=st.sampled_from(["example.com", "münchen.de", "example", "ex..com", "a-.com", ""]),
)
def test_email_check_agrees_with_email_validator_on_generated_addresses(
    local: str, domain: str
) -> None:
    address = f"{local}@{domain}".strip()
    if ";" in address or not address:
        return
    assert _ours_accepts(address) == _library_accepts(address)


@pytest.mark.parametrize(
    ("setting", "value", "address"),
    [
        ("TEST_ENVIRONMENT", True, "anna@example.test"),
        ("ALLOW_DOMAIN_LITERAL", True, "anna@[192.0.2.1]"),
        ("STRICT", True, "a" * 70 + "@example.com"),
    ],
)
def test_email_check_follows_the_library_settings_after_its_cache_is_filled(
    monkeypatch: pytest.MonkeyPatch, setting: str, value: object, address: str
) -> None:
    # given an answer given (and cached) under another setting of the library
    monkeypatch.setattr(email_validator, setting, value)
    changed = _ours_accepts(address)
    assert changed == _library_accepts(address)
    # when the setting is back to its default
    monkeypatch.undo()
    # then the answer is the library's under the default, which differs
    assert _ours_accepts(address) == _library_accepts(address) != changed
