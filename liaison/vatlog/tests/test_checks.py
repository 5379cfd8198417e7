"""The online check: the VIES checker against a local stand-in server (never the real
service), results stored on the entry, retries of what could not be verified, the run after
the commit that no save waits for, and ``liaison vat check``."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from liaison.accounts.services import user_create
from liaison.cli import main
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_update
from liaison.vatlog.checker import Outcome, ViesChecker
from liaison.vatlog.models import VatRegistrationLog, VatStatus
from liaison.vatlog.services import MAX_ATTEMPTS, retry_at, vat_checks_run
from liaison.vatlog.tests.standin import StandIn, vies_standin

DE_NUMBER = "136695976"
DE_VAT = f"DE{DE_NUMBER}"


@pytest.fixture
def vies(settings: Settings) -> Iterator[StandIn]:
    """The check turned on, pointed at the stand-in server."""
    with vies_standin() as standin:
        settings.LIAISON_VAT_CHECK = True
        settings.LIAISON_VIES_URL = standin.url
        settings.LIAISON_VIES_TIMEOUT = 5.0
        yield standin


def _enter(contact: Contact, vat: str = DE_VAT, country: str = "DE") -> VatRegistrationLog:
    contact_update(contact=contact, data={"country_code": country, "vat_registration_no": vat})
    return VatRegistrationLog.objects.latest("pk")


def test_the_vies_checker_reads_valid_invalid_and_unavailable(vies: StandIn) -> None:
    vies.answers = {"1": "valid", "2": "invalid", "3": "down", "4": "garbage"}
    checker = ViesChecker(vies.url)
    valid = checker.check("DE", "1")
    assert valid.outcome == Outcome.VALID
    assert valid.details["name"] == "ACME GMBH"
    assert checker.check("DE", "2").outcome == Outcome.INVALID
    down = checker.check("DE", "3")
    assert down.outcome == Outcome.UNAVAILABLE
    assert "MS_UNAVAILABLE" in down.reason
    assert checker.check("DE", "4").outcome == Outcome.UNAVAILABLE
    assert vies.requests[0] == {"countryCode": "DE", "vatNumber": "1"}


def test_an_unreachable_service_is_unavailable_not_an_error() -> None:
    result = ViesChecker("http://127.0.0.1:9/check-vat-number", timeout=2).check("DE", "1")
    assert result.outcome == Outcome.UNAVAILABLE
    assert "could not be reached" in result.reason


def test_a_valid_number_is_marked_valid_with_what_vies_returned(
    vies: StandIn, company: Contact
) -> None:
    vies.answers = {DE_NUMBER: "valid"}
    entry = _enter(company)
    run = vat_checks_run()
    assert (run.checked, run.valid) == (1, 1)
    entry.refresh_from_db()
    assert entry.status == VatStatus.VALID
    assert (entry.method, entry.attempts) == ("vies", 1)
    assert entry.checked_at is not None
    assert entry.details["name"] == "ACME GMBH"
    assert entry.details["address"].startswith("HAUPTSTRASSE")
    assert vies.requests == [{"countryCode": "DE", "vatNumber": DE_NUMBER}]  # no prefix


def test_an_unknown_number_is_marked_invalid(vies: StandIn, company: Contact) -> None:
    entry = _enter(company)
    vat_checks_run()
    entry.refresh_from_db()
    assert entry.status == VatStatus.INVALID
    assert "does not know this number" in entry.reason
    company.refresh_from_db()
    assert company.vat_registration_no == DE_VAT  # the record keeps what was typed


def test_an_unavailable_service_leaves_the_record_saved_and_the_entry_not_verified(
    vies: StandIn, company: Contact
) -> None:
    vies.answers = {DE_NUMBER: "down"}
    entry = _enter(company)
    before = timezone.now()
    run = vat_checks_run()
    assert run.not_verified == 1
    entry.refresh_from_db()
    assert entry.status == VatStatus.NOT_VERIFIED
    assert "MS_UNAVAILABLE" in entry.reason
    assert entry.next_attempt_at is not None
    assert entry.next_attempt_at > before
    company.refresh_from_db()
    assert company.vat_registration_no == DE_VAT


def test_a_not_verified_number_is_retried_when_its_time_comes(
    vies: StandIn, company: Contact
) -> None:
    vies.answers = {DE_NUMBER: "down"}
    entry = _enter(company)
    vat_checks_run()
    vies.answers = {DE_NUMBER: "valid"}
    assert vat_checks_run().checked == 0  # not due yet: nothing is asked
    assert len(vies.requests) == 1
    # Its retry time comes (moved back rather than waiting five minutes).
    past = timezone.now() - datetime.timedelta(seconds=1)
    VatRegistrationLog.objects.filter(pk=entry.pk).update(next_attempt_at=past)
    assert vat_checks_run().valid == 1
    entry.refresh_from_db()
    assert (entry.status, entry.attempts, entry.reason) == (VatStatus.VALID, 2, "")
    assert entry.next_attempt_at is None


def test_retries_come_further_apart_and_stop_after_the_last_attempt() -> None:
    now = timezone.now()
    assert retry_at(1, now) == now + datetime.timedelta(minutes=5)
    assert retry_at(2, now) == now + datetime.timedelta(minutes=10)
    assert retry_at(MAX_ATTEMPTS - 1, now) == now + datetime.timedelta(days=1)
    assert retry_at(MAX_ATTEMPTS, now) is None


def test_a_number_outside_the_eu_is_never_sent_to_vies(vies: StandIn, company: Contact) -> None:
    entry = _enter(company, vat="995525828MVA", country="NO")
    assert vat_checks_run().checked == 0
    assert vies.requests == []
    entry.refresh_from_db()
    assert entry.status == VatStatus.NOT_APPLICABLE


def test_the_check_runs_after_the_commit_so_the_save_never_waits_for_it(
    vies: StandIn,
    company: Contact,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.LIAISON_VAT_CHECK_INLINE = True
    vies.answers = {DE_NUMBER: "valid"}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        entry = _enter(company)
        assert vies.requests == []  # the save is done before anything is asked
    assert VatRegistrationLog.objects.get(pk=entry.pk).status == VatStatus.PENDING
    assert len(callbacks) == 1
    callbacks[0]()  # the commit's callback: the check (inline here; a thread in a server)
    assert VatRegistrationLog.objects.get(pk=entry.pk).status == VatStatus.VALID


def test_the_check_turned_off_leaves_numbers_not_verified_and_asks_no_one(
    company: Contact,
) -> None:
    entry = _enter(company)
    run = vat_checks_run()
    assert run.not_verified == 1
    entry.refresh_from_db()
    assert entry.status == VatStatus.NOT_VERIFIED
    assert "turned off" in entry.reason


def test_liaison_vat_check_checks_the_numbers_due_with_a_progress_bar(
    vies: StandIn, company: Contact, capsys: pytest.CaptureFixture[str]
) -> None:
    vies.answers = {DE_NUMBER: "valid"}
    entry = _enter(company)
    assert main(["vat", "check"]) == 0
    out, err = capsys.readouterr()
    assert "1 checked: 1 valid, 0 invalid, 0 not verified." in out
    assert "VAT numbers" in err  # the bar
    entry.refresh_from_db()
    assert entry.status == VatStatus.VALID


def test_a_greek_number_is_asked_with_vies_code_el_and_without_its_prefix(
    vies: StandIn, company: Contact
) -> None:
    vies.answers = {"094259216": "valid"}
    entry = _enter(company, vat="EL094259216", country="GR")
    assert vat_checks_run().valid == 1
    assert vies.requests == [{"countryCode": "EL", "vatNumber": "094259216"}]
    entry.refresh_from_db()
    assert entry.status == VatStatus.VALID


def test_liaison_vat_check_refuses_a_limit_below_one_and_checks_nothing(
    company: Contact, capsys: pytest.CaptureFixture[str]
) -> None:
    entry = _enter(company)
    with pytest.raises(SystemExit) as exited:
        main(["vat", "check", "--limit", "0"])
    assert exited.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == (VatStatus.PENDING, 0)


@pytest.mark.django_db(transaction=True)
def test_in_a_server_the_check_runs_in_a_background_thread_after_the_commit(
    vies: StandIn,
) -> None:
    from liaison.contacts.services import contact_create
    from liaison.vatlog import services

    vies.answers = {DE_NUMBER: "valid"}
    contact = contact_create(data={"name": "Acme GmbH"})
    entry = _enter(contact)  # returns once committed; the check has not been waited for
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        entry.refresh_from_db()
        if entry.status != VatStatus.PENDING:
            break
        time.sleep(0.05)
    assert entry.status == VatStatus.VALID
    for thread in list(services._runner):
        thread.join(timeout=5)


def test_the_card_says_not_verified_why_and_when_it_is_retried(
    vies: StandIn, company: Contact, client: Client
) -> None:
    vies.answers = {DE_NUMBER: "down"}
    _enter(company)
    vat_checks_run()
    client.force_login(user_create(username="clerk", password="pw", role="viewer"))  # type: ignore[arg-type]
    body = client.get(f"/contacts/{company.number}/").content.decode()
    assert "Not verified" in body
    assert "MS_UNAVAILABLE" in body
    assert "Retried after" in body
