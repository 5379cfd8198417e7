"""The interaction log (spec group N), manual interactions, corrections and e-mail."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_delete, contact_update
from liaison.core.errors import DomainError
from liaison.documents.services import document_create, document_email
from liaison.documents.sides import SALES
from liaison.interactions.models import InteractionLogEntry, OutgoingEmail
from liaison.interactions.selectors import timeline_for
from liaison.interactions.services import (
    email_retry,
    email_send,
    interaction_correct,
    interaction_log_manual,
)


def _person(company: Contact, name: str = "Ann Lee", **extra: str) -> Contact:
    return contact_create(
        data={"type": "person", "name": name, **extra}, company_number=company.number
    )


def test_manual_call_is_logged_with_the_templates_values(company: Contact) -> None:
    # when
    entry = interaction_log_manual(
        contact=company, template_code="CALL", data={"description": "Asked about prices"}
    )
    # then
    assert entry.contact_number == company.number
    assert entry.contact_name == company.name
    assert entry.interaction_template_code == "CALL"
    assert entry.duration_min == Decimal(10)
    assert entry.description == "Asked about prices"
    assert entry.salesperson_code == company.salesperson_code


def test_manual_log_with_unknown_template_is_refused_and_stores_nothing(
    company: Contact,
) -> None:
    with pytest.raises(DomainError) as caught:
        interaction_log_manual(contact=company, template_code="NOPE")
    assert caught.value.code == "interaction_template_not_found"
    assert not InteractionLogEntry.objects.exists()


def test_manual_log_for_privacy_blocked_contact_is_refused(company: Contact) -> None:
    contact_update(contact=company, data={"privacy_blocked": True})
    with pytest.raises(DomainError) as caught:
        interaction_log_manual(contact=company, template_code="CALL")
    assert caught.value.code == "contact_privacy_blocked"
    assert not InteractionLogEntry.objects.exists()


def test_manual_log_with_negative_cost_is_refused(company: Contact) -> None:
    with pytest.raises(DomainError):
        interaction_log_manual(contact=company, template_code="CALL", data={"cost": "-1"})
    assert not InteractionLogEntry.objects.exists()


def test_a_correction_is_a_new_entry_and_the_original_stays(company: Contact) -> None:
    # given
    entry = interaction_log_manual(contact=company, template_code="CALL")
    # when
    fixed = interaction_correct(entry=entry, data={"duration_min": Decimal(25)})
    # then
    entry.refresh_from_db()
    assert entry.duration_min == Decimal(10)
    assert fixed.pk != entry.pk
    assert fixed.corrects == entry
    assert fixed.duration_min == Decimal(25)
    with pytest.raises(DomainError) as caught:
        interaction_correct(entry=entry, data={"duration_min": Decimal(5)})
    assert caught.value.code == "interaction_already_corrected"
    assert InteractionLogEntry.objects.count() == 2


def test_company_timeline_includes_its_persons_entries(company: Contact) -> None:
    # given
    person = _person(company)
    other = contact_create(data={"name": "Fabrikam"})
    interaction_log_manual(contact=company, template_code="CALL")
    interaction_log_manual(contact=person, template_code="MEETING")
    interaction_log_manual(contact=other, template_code="CALL")
    # then
    assert [e.interaction_template_code for e in timeline_for(company)] == ["MEETING", "CALL"]
    assert [e.interaction_template_code for e in timeline_for(person)] == ["MEETING"]


def test_deleting_a_company_keeps_its_history_detached(company: Contact) -> None:
    # given
    person = _person(company)
    interaction_log_manual(contact=company, template_code="CALL")
    interaction_log_manual(contact=person, template_code="MEETING")
    # when
    contact_delete(contact=company)
    # then
    entries = InteractionLogEntry.objects.order_by("id")
    assert [(e.contact_id, e.contact_company_id) for e in entries] == [(None, None)] * 2
    assert [e.contact_number for e in entries] == [company.number, person.number]


def test_deleting_a_person_moves_its_history_to_its_company(company: Contact) -> None:
    person = _person(company)
    interaction_log_manual(contact=person, template_code="MEETING")
    contact_delete(contact=person)
    entry = InteractionLogEntry.objects.get()
    assert entry.contact == company
    assert entry.contact_number == person.number


def test_contact_with_interactions_cannot_change_type(company: Contact) -> None:
    # given
    standalone = contact_create(data={"name": "Solo"})
    interaction_log_manual(contact=standalone, template_code="CALL")
    # when
    with pytest.raises(DomainError) as caught:
        contact_update(contact=standalone, data={"type": "person"})
    # then
    assert "interaction log entries" in caught.value.message
    standalone.refresh_from_db()
    assert standalone.type == "company"


def test_person_changing_company_leaves_its_history_with_the_old_company(
    company: Contact,
) -> None:
    # given
    person = _person(company)
    interaction_log_manual(contact=person, template_code="CALL")
    other = contact_create(data={"name": "Fabrikam"})
    # when
    contact_update(contact=person, data={}, company_number=other.number)
    # then
    assert InteractionLogEntry.objects.get().contact == company


def test_plain_email_is_sent_after_commit_and_logged(
    company: Contact, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    # when
    with django_capture_on_commit_callbacks(execute=True):
        email = email_send(contact=company, subject="Season offer", body="Hello")
    # then
    assert email.status == "sent"
    assert [m.to for m in mail.outbox] == [["info@alpine.example.com"]]
    entry = InteractionLogEntry.objects.get()
    assert entry.interaction_template_code == "EMAIL"
    assert entry.email == email
    assert entry.subject == "Season offer"


def test_email_is_not_sent_when_the_transaction_rolls_back(
    company: Contact, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    # given: a contact without an address makes the send fail before anything is queued
    contact_update(contact=company, data={"email": ""})
    # when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as caught:
        email_send(contact=company, subject="Hi", body="")
    # then
    assert caught.value.code == "no_email_address"
    assert not mail.outbox
    assert not OutgoingEmail.objects.exists()


def test_failed_delivery_is_recorded_and_can_be_retried(
    company: Contact,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    settings: Settings,
) -> None:
    # given: an SMTP server that refuses connections
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    # when
    with django_capture_on_commit_callbacks(execute=True):
        email = email_send(contact=company, subject="Season offer", body="Hello")
    # then
    stored = OutgoingEmail.objects.get()
    assert email.status == stored.status == "failed"
    assert "refused" in stored.error.lower() or "error" in stored.error.lower()
    assert InteractionLogEntry.objects.get().email == stored
    # when the server is back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        email_retry(email=stored)
    stored.refresh_from_db()
    assert stored.status == "sent"
    assert stored.attempts == 2


def test_privacy_blocked_contact_gets_no_email(
    company: Contact, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    contact_update(contact=company, data={"privacy_blocked": True})
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as caught:
        email_send(contact=company, subject="Hi", body="")
    assert caught.value.code == "contact_privacy_blocked"
    assert not mail.outbox
    assert not OutgoingEmail.objects.exists()


def test_emailing_a_quote_attaches_its_pdf_and_logs_it(
    company: Contact, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    # given
    quote = document_create(
        side=SALES,
        document_type="quote",
        contact=company,
        lines=[{"description": "Ski rental", "unit_price": Decimal(40)}],
    )
    # when
    with django_capture_on_commit_callbacks(execute=True):
        email = document_email(header=quote)
    # then
    assert email.status == "sent"
    (message,) = mail.outbox
    assert message.to == ["info@alpine.example.com"]
    name, content, _mimetype = message.attachments[0]
    assert name == f"{quote.number}.pdf"
    assert content.startswith(b"%PDF")
    entry = InteractionLogEntry.objects.get()
    assert entry.document_type == "sales_quote"
    assert entry.correspondence_type == "email"
    assert entry.email == email
