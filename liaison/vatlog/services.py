"""Writes of the VAT registration log: logging what was entered, and the background check.

``vat_entries_log`` is the one place a VAT registration number is logged: the contact and
record write services and the bulk chunks (imports, bulk edits) hand it the records they wrote
with the number each held before, and it inserts the new entries in one statement. A number
that reached a record by synchronisation is not handed over (it was logged where it was
entered). After the commit the check runs in a background thread (``vat_checks_kick``), as
batch jobs do, so no save waits for the service; ``vat_checks_run`` is that check, also run by
``liaison vat check`` (a cron line retries what the service could not answer).
"""

from __future__ import annotations

import datetime
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.util import get_cc_module

from liaison.audit.context import Actor, current_actor
from liaison.core.models import Party
from liaison.core.writes import insert_rows
from liaison.vatlog.checker import CheckResult, Outcome, VatChecker, checker_get, vies_country
from liaison.vatlog.models import VatCheckMethod, VatDoor, VatRegistrationLog, VatStatus
from liaison.vatlog.selectors import vat_entries_due, vat_log_kind_of

log = logging.getLogger(__name__)
# Retries of a number the service could not answer: 5 minutes, then doubling, at most a day
# apart, 12 attempts in all (about four days); then it stays not verified until entered again.
RETRY_FIRST = datetime.timedelta(minutes=5)
RETRY_MOST = datetime.timedelta(days=1)
MAX_ATTEMPTS = 12


@dataclass(frozen=True)
class Classified:
    """How a new entry starts: its country, status, method and reason."""

    country: str
    status: str
    method: str
    reason: str


def _country_of(number: str, country_code: str) -> str:
    """The record's country, else the number's two-letter prefix ("DE123..." -> "DE")."""
    country = country_code.strip().upper()
    if not country and len(number) > 2 and number[:2].isalpha():
        country = "GR" if number[:2] == "EL" else number[:2]
    return country


def _format_module(country: str) -> object | None:
    try:
        return get_cc_module(country.lower(), "vat") if country else None
    except (ImportError, ValueError):
        return None


def vat_classify(number: str, country_code: str) -> Classified:
    """A new entry's start: pending an online check for an EU member state (its format was
    checked by python-stdnum when the record was validated, where stdnum knows the country),
    not applicable elsewhere (VIES covers the EU only) or without a country."""
    country = _country_of(number, country_code)
    method = VatCheckMethod.FORMAT if _format_module(country) else VatCheckMethod.NONE
    if vies_country(country):
        return Classified(country, VatStatus.PENDING, VatCheckMethod.VIES, "")
    if not country:
        reason = _("No country: the number cannot be checked online.")
    else:
        reason = _("{country} is not an EU member state: VIES does not check its numbers.").format(
            country=country
        )
    return Classified(country, VatStatus.NOT_APPLICABLE, method, reason)


def vies_number(entry: VatRegistrationLog) -> tuple[str, str]:
    """The country (VIES code) and number to ask VIES about: the number without its
    country prefix and separators (python-stdnum's compact form where it knows the country)."""
    country = vies_country(entry.country_code)
    number = entry.vat_registration_no
    module = _format_module(entry.country_code)
    compact = getattr(module, "compact", None)
    if compact is not None:
        try:
            return country, str(compact(number))
        except StdnumError:
            pass
    number = "".join(ch for ch in number if ch.isalnum()).upper()
    if number[:2] in (country, entry.country_code.upper()):
        number = number[2:]
    return country, number


def door_of(actor: Actor) -> str:
    """The door of a request (the API or a web page); blank without one."""
    if actor.request is None:
        return VatDoor.NONE
    return VatDoor.API if actor.request.path.startswith("/api/") else VatDoor.WEB


def vat_entries_log(changes: Iterable[tuple[models.Model, str]]) -> list[VatRegistrationLog]:
    """Log the VAT registration numbers entered: ``changes`` are written records (contacts,
    customers, vendors; others are ignored) with the number each held before ('' for a new
    one). A non-blank number that differs from the previous one gets an entry, made as the
    current actor (``audit.context``), all in one insert. Inside the writer's transaction:
    a refused write logs nothing. Pending entries are checked after the commit."""
    actor = current_actor()
    user_pk, username = actor.who()
    door = door_of(actor)
    now = timezone.now()
    entries = []
    for record, previous in changes:
        kind = vat_log_kind_of(record)
        if kind is None or not isinstance(record, Party):
            continue
        number = getattr(record, "vat_registration_no", "")
        if not number or number == previous:
            continue
        start = vat_classify(number, record.country_code)
        entries.append(
            VatRegistrationLog(
                kind=kind,
                **{f"{kind}_id": record.pk},
                number=record.number,
                vat_registration_no=number,
                country_code=start.country,
                entered_by_id=user_pk,
                entered_by_name=username,
                entered_at=now,
                source=actor.source,
                door=door,
                status=start.status,
                method=start.method,
                reason=start.reason,
                details={},
            )
        )
    insert_rows(entries)
    if any(e.status == VatStatus.PENDING for e in entries) and settings.LIAISON_VAT_CHECK:
        transaction.on_commit(vat_checks_kick)
    return entries


@dataclass
class CheckRun:
    """What one ``vat_checks_run`` did."""

    checked: int = 0
    valid: int = 0
    invalid: int = 0
    not_verified: int = 0

    def describe(self) -> str:
        return _(
            "{checked} checked: {valid} valid, {invalid} invalid, {not_verified} not verified."
        ).format(
            checked=self.checked,
            valid=self.valid,
            invalid=self.invalid,
            not_verified=self.not_verified,
        )


def retry_at(attempts: int, now: datetime.datetime) -> datetime.datetime | None:
    """When a number not verified after ``attempts`` tries is tried again (None: no more)."""
    if attempts >= MAX_ATTEMPTS:
        return None
    wait: datetime.timedelta = min(RETRY_FIRST * 2 ** (attempts - 1), RETRY_MOST)
    return now + wait


def vat_check_record(
    entry: VatRegistrationLog, result: CheckResult, *, checker: str, now: datetime.datetime
) -> str:
    """Store one check's result on its entry; returns the new status. Written only if no
    other run recorded an attempt meanwhile (the entry's ``attempts`` as read)."""
    attempts = entry.attempts + 1
    values: dict[str, object] = {
        "attempts": attempts,
        "checked_at": now,
        "method": VatCheckMethod.VIES if checker == "vies" else entry.method,
        "next_attempt_at": None,
        "reason": result.reason,
        "details": result.details or entry.details,
    }
    if result.outcome == Outcome.UNAVAILABLE:
        status = VatStatus.NOT_VERIFIED
        values["next_attempt_at"] = retry_at(attempts, now)
        if values["next_attempt_at"] is None:
            values["reason"] = _("{reason} Gave up after {n} attempts.").format(
                reason=result.reason, n=attempts
            )
    else:
        status = VatStatus.VALID if result.outcome == Outcome.VALID else VatStatus.INVALID
    values["status"] = status
    VatRegistrationLog.objects.filter(pk=entry.pk, attempts=entry.attempts).update(**values)
    return status


def vat_checks_run(
    *,
    limit: int | None = None,
    checker: VatChecker | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckRun:
    """Check the entries due (new ones, and the not verified ones whose retry time has come),
    oldest first, at most ``limit``. Each check is outside any transaction (the service may
    be slow); its result is one short write. A service that cannot answer leaves the entry
    ``not_verified`` with the reason and a retry time, further apart with each attempt."""
    checker = checker or checker_get()
    due = vat_entries_due(timezone.now())
    entries = list(due[:limit] if limit is not None else due)
    run = CheckRun()
    for done, entry in enumerate(entries, start=1):
        country, number = vies_number(entry)
        result = checker.check(country, number)
        status = vat_check_record(entry, result, checker=checker.name, now=timezone.now())
        run.checked += 1
        setattr(run, status, getattr(run, status) + 1)
        if progress is not None:
            progress(done, len(entries))
    return run


# One background runner per process at a time; a kick while it runs makes it go round again.
_lock = threading.Lock()
_again = threading.Event()
_runner: list[threading.Thread] = []
BATCH = 100


def _run_until_done() -> None:
    close_old_connections()
    try:
        while True:
            _again.clear()
            run = vat_checks_run(limit=BATCH)
            with _lock:
                if run.checked < BATCH and not _again.is_set():
                    _runner.clear()
                    return
    except Exception:  # the thread's failure must not pass unnoticed; the entries stay due
        log.exception("VAT registration checks failed")
        with _lock:
            _runner.clear()
    finally:
        connections.close_all()


def vat_checks_kick() -> None:
    """Run the checks due in the background (after a commit): a thread of its own, or with
    ``LIAISON_VAT_CHECK_INLINE`` (tests) right here."""
    if getattr(settings, "LIAISON_VAT_CHECK_INLINE", False):
        vat_checks_run()
        return
    with _lock:
        _again.set()
        if _runner:  # the running one goes round again before it stops
            return
        thread = threading.Thread(target=_run_until_done, name="liaison-vat-checks", daemon=True)
        _runner[:] = [thread]
        thread.start()
