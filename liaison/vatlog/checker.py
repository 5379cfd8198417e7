"""The online check of a VAT registration number: a small protocol and its two kinds.

``VatChecker.check(country, number)`` answers valid, invalid or unavailable (with the reason),
never raises for a network fault, and is called outside any transaction by
``services.vat_checks_run``. ``ViesChecker`` asks the EU VIES REST service (its URL is the
``LIAISON_VIES_URL`` setting, so tests point it at a stand-in server of their own);
``NullChecker`` answers "unavailable" without a call, for when the check is turned off
(``LIAISON_VAT_CHECK``, off unless set). ``checker_get`` gives the configured one.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from django.conf import settings
from django.utils.translation import gettext as _

# The member states VIES answers for, by VIES's own codes (Greece is EL; XI is Northern
# Ireland), and the ISO codes a record's country holds where they differ.
VIES_COUNTRIES = frozenset(
    (
        *("AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU"),
        *("IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI"),
    )
)
ISO_TO_VIES = {"GR": "EL"}


def vies_country(country_code: str) -> str:
    """The VIES code of a country ("GR" -> "EL"), or "" when VIES does not cover it."""
    code = country_code.strip().upper()
    code = ISO_TO_VIES.get(code, code)
    return code if code in VIES_COUNTRIES else ""


class Outcome(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class CheckResult:
    """A checker's answer; ``details`` is what the service said about the holder."""

    outcome: Outcome
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)


class VatChecker(Protocol):
    """Checks one number of one country (VIES codes), without raising for a network fault."""

    name: str

    def check(self, country: str, number: str) -> CheckResult: ...


class NullChecker:
    """The check turned off: every number stays not verified, nothing is called."""

    name = "none"

    def check(self, country: str, number: str) -> CheckResult:
        return CheckResult(
            Outcome.UNAVAILABLE,
            _("The online VAT check is turned off (LIAISON_VAT_CHECK)."),
        )


# VIES's error codes that mean "try again later" rather than "this number is wrong".
_INPUT_ERRORS = frozenset({"INVALID_INPUT", "INVALID_REQUESTER_INFO", "VAT_BLOCKED"})


class ViesChecker:
    """The EU VIES REST service: POST {"countryCode", "vatNumber"} as JSON; the answer's
    ``valid`` says whether the number is registered, with the trader's name and address
    where the member state gives them. A fault (the service or the member state down, too
    many requests, a timeout, an answer that is not JSON) is "unavailable" with the reason."""

    name = "vies"

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def check(self, country: str, number: str) -> CheckResult:
        body = json.dumps({"countryCode": country, "vatNumber": number}).encode()
        request = urllib.request.Request(
            self.url,
            data=body,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            return self._fault(exc)
        except (OSError, ValueError) as exc:  # unreachable, timeout, not JSON
            return CheckResult(
                Outcome.UNAVAILABLE,
                _("The VIES service could not be reached: {reason}.").format(
                    reason=getattr(exc, "reason", None) or exc
                ),
            )
        return self._read(answer)

    def _fault(self, exc: urllib.error.HTTPError) -> CheckResult:
        try:
            answer = json.loads(exc.read().decode("utf-8"))
        except ValueError:
            answer = {}
        if isinstance(answer, dict) and answer.get("errorWrappers"):
            return self._read(answer)
        return CheckResult(
            Outcome.UNAVAILABLE,
            _("The VIES service answered HTTP {status}.").format(status=exc.code),
        )

    def _read(self, answer: Any) -> CheckResult:
        if not isinstance(answer, dict):
            return CheckResult(Outcome.UNAVAILABLE, _("The VIES service gave no answer."))
        errors = answer.get("errorWrappers") or []
        if errors or answer.get("actionSucceed") is False:
            codes = [str(e.get("error", "")) for e in errors if isinstance(e, dict)]
            said = ", ".join(c for c in codes if c) or "ERROR"
            outcome = Outcome.INVALID if set(codes) & _INPUT_ERRORS else Outcome.UNAVAILABLE
            return CheckResult(outcome, _("VIES answered {codes}.").format(codes=said))
        if "valid" not in answer:
            return CheckResult(Outcome.UNAVAILABLE, _("The VIES answer says nothing of validity."))
        details = {
            key: str(answer[key])
            for key in ("name", "address", "requestDate", "requestIdentifier")
            if answer.get(key) not in (None, "", "---")
        }
        if answer["valid"] is True:
            return CheckResult(Outcome.VALID, "", details)
        return CheckResult(
            Outcome.INVALID,
            _("VIES does not know this number as a valid VAT registration."),
            details,
        )


def checker_get() -> VatChecker:
    """The configured checker: VIES when ``LIAISON_VAT_CHECK`` is on, else the null one."""
    if getattr(settings, "LIAISON_VAT_CHECK", False):
        return ViesChecker(
            settings.LIAISON_VIES_URL, timeout=getattr(settings, "LIAISON_VIES_TIMEOUT", 10.0)
        )
    return NullChecker()
