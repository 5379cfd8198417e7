"""Field rules from the field libraries: phone (E.164), e-mail, IBAN/BIC, country, VAT.

Each ``validate_*`` raises Django's ``ValidationError`` with a message that says what to fix, so
model validation (``full_clean``) reports it against the right field.
"""

from __future__ import annotations

import re
from functools import lru_cache

import email_validator
import phonenumbers
import pycountry
from babel import Locale, UnknownLocaleError
from django.core.exceptions import ValidationError
from email_validator import EmailNotValidError, validate_email
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError as StdnumError

_LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
_NON_DIGITS = re.compile(r"\D")


def validate_phone_chars(value: str) -> None:
    """Spec E-36: a phone number must not contain letters."""
    if value and _LETTERS.search(value):
        raise ValidationError(
            f'Phone number "{value}" must not contain letters: type digits, spaces, + - ( ).',
            code="phone_letters",
        )


@lru_cache(maxsize=4096)
def phone_e164(value: str, country_code: str = "") -> str:
    """The E.164 form used for search, or '' when the number cannot be normalised.

    A number without ``+`` needs the record's country to be read; without one it stays
    unnormalised (search then falls back to its digits) rather than being refused.
    Cached: a written record's number is read by its validator and by its normalising (and a
    linked record's by the engine), and parsing is the costliest check of an import.
    """
    if not value or not value.strip():
        return ""
    try:
        parsed = phonenumbers.parse(value, country_code or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def check_phone(value: str, country_code: str = "") -> None:
    """A number that can be read must be a possible number of its country."""
    if not value or not value.strip():
        return
    validate_phone_chars(value)
    if not (value.strip().startswith("+") or country_code):
        return
    if not phone_e164(value, country_code):
        where = f"country {country_code}" if country_code else "its country prefix"
        raise ValidationError(
            f'Phone number "{value}" is not a possible number for {where}: check the digits '
            "or write it in international form (+47 555 01 00).",
            code="phone_invalid",
        )


def phone_digits(value: str) -> str:
    """Digits only: the fallback search key for numbers that cannot be normalised."""
    return _NON_DIGITS.sub("", value or "")


# RFC 5322 dot-atom of ASCII ``atext``: a local part ``email-validator`` accepts as it is.
_DOT_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*")
_EMAIL_MAX_BYTES = 254  # RFC 5321 4.5.3.1.3, as email-validator counts it


def _library_settings() -> tuple[object, ...]:
    """The module-wide settings of ``email-validator`` that its domain checks read at call
    time: part of the cache key, so that a changed setting is not answered from the cache."""
    return (
        email_validator.TEST_ENVIRONMENT,
        email_validator.GLOBALLY_DELIVERABLE,
        email_validator.ALLOW_DOMAIN_LITERAL,
        tuple(email_validator.SPECIAL_USE_DOMAIN_NAMES),
    )


@lru_cache(maxsize=1024)
def _domain_forms(domain: str, settings: tuple[object, ...]) -> tuple[str, str] | None:
    """The normalised and ASCII forms of a valid domain part, or None: an import's addresses
    share a few domains, and the domain's checks (IDNA, UTS #46) are most of an address's.
    ``settings`` (``_library_settings``) only keys the cache."""
    try:
        checked = validate_email("a@" + domain, check_deliverability=False)
    except EmailNotValidError:
        return None
    return checked.domain, checked.ascii_domain


def _valid_fast(address: str) -> bool:
    """True when ``address`` is certainly valid without the full check: a plain ASCII local
    part, a domain known valid, every form of it within the length limit. False says only
    "not known": the full check decides (and words its error)."""
    local, at, domain = address.partition("@")
    if not at or email_validator.STRICT or not _DOT_ATOM.fullmatch(local):
        return False  # in strict mode the local part has a length limit of its own
    forms = _domain_forms(domain, _library_settings())
    return forms is not None and all(
        len(f"{local}@{d}".encode()) <= _EMAIL_MAX_BYTES for d in (domain, *forms)
    )


def validate_emails(value: str) -> None:
    """Spec E-22: each ``;``-separated address must be a valid e-mail address."""
    if not value:
        return
    for part in value.split(";"):
        address = part.strip()
        if not address or _valid_fast(address):
            continue
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValidationError(
                f'The e-mail address "{address}" is not valid: {exc}', code="email_invalid"
            ) from exc


def validate_country(value: str) -> None:
    """An ISO 3166-1 alpha-2 country code."""
    if value and pycountry.countries.get(alpha_2=value) is None:
        raise ValidationError(
            f'"{value}" is not an ISO country code: use two letters such as NO, DE or US.',
            code="country_unknown",
        )


def validate_format_region(value: str) -> None:
    """A format region (BC's "Format Region", how dates and numbers print for the record): a
    locale Babel's CLDR data knows, written with a hyphen as BC does (en-US, fr-CA, nb-NO)."""
    if not value:
        return
    try:
        Locale.parse(value, sep="-")
    except (UnknownLocaleError, ValueError) as exc:
        raise ValidationError(
            f'"{value}" is not a known format region: use a locale such as en-US, fr-CA or nb-NO.',
            code="format_region_unknown",
        ) from exc


def validate_currency(value: str) -> None:
    """An ISO 4217 currency code (blank means the local currency)."""
    if value and pycountry.currencies.get(alpha_3=value) is None:
        raise ValidationError(
            f'"{value}" is not an ISO currency code: use three letters such as EUR or NOK.',
            code="currency_unknown",
        )


def validate_iban(value: str) -> None:
    """IBAN structure and check digits (schwifty)."""
    if not value:
        return
    try:
        IBAN(value)
    except SchwiftyException as exc:
        raise ValidationError(
            f'IBAN "{value}" is not valid ({exc}): check the number.', code="iban_invalid"
        ) from exc


def validate_bic(value: str) -> None:
    """SWIFT/BIC structure (schwifty)."""
    if not value:
        return
    try:
        BIC(value)
    except SchwiftyException as exc:
        raise ValidationError(
            f'SWIFT/BIC "{value}" is not valid ({exc}): check the code.', code="bic_invalid"
        ) from exc


def compact_iban(value: str) -> str:
    """The IBAN without spaces, upper-case (stored form)."""
    return re.sub(r"\s+", "", value or "").upper()


def check_vat(value: str, country_code: str) -> None:
    """Validate a VAT registration number where the country has a python-stdnum module."""
    if not value or not country_code:
        return
    module = None
    try:
        module = get_cc_module(country_code.lower(), "vat")
    except (ImportError, ValueError):
        module = None
    if module is None:
        return
    try:
        module.validate(value)
    except StdnumError as exc:
        raise ValidationError(
            f'VAT registration no. "{value}" is not valid for {country_code} ({exc}): '
            "check the number.",
            code="vat_invalid",
        ) from exc
