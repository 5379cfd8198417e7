"""Interaction logging (spec group N), manual interactions, corrections and e-mail.

The log is append-only: entries are written here and never edited; a correction is a new
entry. E-mails are written to an outbox row in the caller's transaction and delivered after
commit, so a failed delivery stays recorded on that row (never lost silently).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from liaison.contacts.models import Contact, ContactType
from liaison.core.errors import ValidationFailed
from liaison.core.fields import validate_emails
from liaison.core.update import (
    check_version,
    full_clean_or_raise,
    model_update,
    refuse_nulls,
    refuse_unknown,
)
from liaison.interactions.errors import (
    EmailNotRetryable,
    EntryAlreadyCorrected,
    InteractionTemplateInUse,
    NoEmailAddress,
)
from liaison.interactions.models import (
    SETUP_FIELD,
    DeliveryStatus,
    DocumentType,
    InteractionLogEntry,
    InteractionTemplate,
    InteractionTemplateSetup,
    OutgoingEmail,
)
from liaison.interactions.selectors import interaction_setup_get, interaction_template_get
from liaison.records.services import privacy_check
from liaison.relations.selectors import link_for_record

log = logging.getLogger(__name__)

TEMPLATE_FIELDS = frozenset(
    {
        "interaction_group_code",
        "description",
        "unit_cost",
        "unit_duration_min",
        "information_flow",
        "initiated_by",
    }
)
SETUP_FIELDS = frozenset([*SETUP_FIELD.values(), "emails"])


@dataclass(frozen=True)
class Account:
    """Whom a document logs against (R-N2): a contact, or a customer or vendor whose first
    link row names the contact."""

    kind: str  # "contact", "customer" or "vendor"
    pk: int | None


def _user_fields(user: AbstractBaseUser | None) -> dict[str, Any]:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": None, "user_name": ""}
    return {"user": user, "user_name": user.get_username()}


def _contact_of(account: Account) -> Contact | None:
    """R-N1 step 4: the contact an account resolves to, or None (log nothing)."""
    if account.pk is None:
        return None
    if account.kind == "contact":
        return Contact.objects.select_related("company").filter(pk=account.pk).first()
    link = link_for_record(account.kind, account.pk)
    return link.contact if link is not None else None


def contact_company_of(contact: Contact) -> Contact | None:
    """R-N1: an entry's Contact Company No. is the contact's Company No.: a company's own
    number, a person's company (blank for a person of no company)."""
    if contact.type == ContactType.COMPANY:
        return contact
    return contact.company if contact.company_id else None


def _entry(
    contact: Contact,
    template: InteractionTemplate | None,
    overrides: dict[str, Any] | None = None,
    **values: Any,
) -> InteractionLogEntry:
    """Write one entry: the contact as it is now, the template's values, then ``overrides``
    (a manual entry's own cost, duration, description ...)."""
    entry = InteractionLogEntry(
        contact=contact,
        contact_company=contact_company_of(contact),
        contact_number=contact.number,
        contact_name=contact.name,
        **values,
    )
    if template is not None:
        entry.interaction_template_code = template.code
        entry.interaction_group_code = template.interaction_group_code
        entry.cost = template.unit_cost
        entry.duration_min = template.unit_duration_min
        entry.information_flow = template.information_flow
        entry.initiated_by = template.initiated_by
        entry.description = entry.description or template.description
    for name, value in (overrides or {}).items():
        setattr(entry, name, value)
    full_clean_or_raise(entry)
    entry.save()
    return entry


def interaction_log_document(
    *,
    document_type: str,
    document_number: str,
    account: Account,
    salesperson_code: str = "",
    description: str = "",
    occurrence: int = 0,
    version_no: int = 0,
    correspondence_type: str = "",
    email: OutgoingEmail | None = None,
    user: AbstractBaseUser | None = None,
) -> InteractionLogEntry | None:
    """R-N1: log a printed or sent document, when the setup names a template for its type.

    Logs nothing when the setup field is blank or the account resolves to no contact (R-N4).
    """
    setup = interaction_setup_get()
    template = getattr(setup, SETUP_FIELD[DocumentType(document_type)])
    if template is None:
        return None
    contact = _contact_of(account)
    if contact is None:
        return None
    if account.kind == "contact" and not salesperson_code:
        salesperson_code = contact.salesperson_code
    return _entry(
        contact,
        template,
        description=description[:100],
        document_type=document_type,
        document_number=document_number,
        doc_no_occurrence=occurrence,
        version_no=version_no,
        salesperson_code=salesperson_code,
        correspondence_type=correspondence_type,
        subject=email.subject if email is not None else "",
        email=email,
        **_user_fields(user),
    )


_MANUAL_FIELDS = frozenset(
    {"description", "information_flow", "initiated_by", "cost", "duration_min", "logged_at"}
)


def _check_fields(data: dict[str, Any]) -> None:
    refuse_unknown(data, _MANUAL_FIELDS)
    refuse_nulls(InteractionLogEntry, data)


@transaction.atomic
def interaction_log_manual(
    *,
    contact: Contact,
    template_code: str,
    data: dict[str, Any] | None = None,
    user: AbstractBaseUser | None = None,
) -> InteractionLogEntry:
    """Log a call, a meeting or any interaction by hand. The template supplies cost, duration,
    direction and initiator; ``data`` may override them and set the description and time."""
    data = dict(data or {})
    _check_fields(data)
    contact = Contact.objects.select_related("company").get(pk=contact.pk)
    privacy_check(contact)
    template = interaction_template_get(template_code)
    return _entry(
        contact,
        template,
        data,
        salesperson_code=contact.salesperson_code,
        **_user_fields(user),
    )


@transaction.atomic
def interaction_correct(
    *, entry: InteractionLogEntry, data: dict[str, Any], user: AbstractBaseUser | None = None
) -> InteractionLogEntry:
    """A correction: a new entry copying ``entry`` with ``data`` applied and pointing at it.
    The original stays as it was (the log is append-only)."""
    _check_fields(data)
    entry = InteractionLogEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.corrections.exists():
        raise EntryAlreadyCorrected(
            f"Interaction log entry {entry.pk} was already corrected: correct its latest "
            "correction instead."
        )
    fields = {
        f.name: getattr(entry, f.name)
        for f in InteractionLogEntry._meta.concrete_fields
        if f.name not in {"id", "corrects", "user", "user_name", "email"}
    }
    fields.update(data)
    correction = InteractionLogEntry(corrects=entry, **fields, **_user_fields(user))
    full_clean_or_raise(correction)
    correction.save()
    return correction


def entries_detach(*, contact_pks: list[int], company_pk: int | None) -> int:
    """R-E2, company deleted: its entries (and its persons') stay, detached from the contact;
    they keep the number and name they were logged under. Returns how many."""
    entries = InteractionLogEntry.objects.filter(contact_id__in=contact_pks)
    if company_pk is not None:
        entries = entries | InteractionLogEntry.objects.filter(contact_company_id=company_pk)
    return InteractionLogEntry.objects.filter(pk__in=entries.values("pk")).update(
        contact=None, contact_company=None
    )


def entries_repoint(*, person_pk: int, company_pk: int) -> int:
    """R-E2 person deleted / R-L4: the person's entries move to its company (Contact No. :=
    Company No.); the history stays with the company. Returns how many."""
    return InteractionLogEntry.objects.filter(contact_id=person_pk).update(contact_id=company_pk)


def entries_follow_company_change(
    *, person_pk: int, old_company_pk: int | None, new_company_pk: int | None
) -> int:
    """R-L4 step 6: when a person changes company, its entries logged under the old company
    stay with the old company (Contact No. := old company); a person that had no company hands
    its entries to the new one (BC). Returns how many entries moved."""
    if old_company_pk == new_company_pk:
        return 0
    entries = InteractionLogEntry.objects.filter(contact_id=person_pk)
    if old_company_pk is not None:
        return entries.filter(contact_company_id=old_company_pk).update(contact_id=old_company_pk)
    if new_company_pk is None:
        return 0
    return entries.filter(contact_company__isnull=True).update(contact_id=new_company_pk)


def contact_has_interactions(contact_pk: int) -> bool:
    """For E-17: a contact with interaction log entries cannot change its type."""
    return InteractionLogEntry.objects.filter(contact_id=contact_pk).exists()


# E-mail ------------------------------------------------------------------------------------


def _deliver(email: OutgoingEmail) -> None:
    """Send one outbox e-mail and record the outcome on its row (runs after commit)."""
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
    )
    if email.attachment_name:
        message.attach(email.attachment_name, bytes(email.attachment), "application/pdf")
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any backend failure is a delivery failure, kept on the row
        log.warning("E-mail %s to %s failed: %s", email.pk, email.to, exc)
        email.status = DeliveryStatus.FAILED
        email.error = f"{type(exc).__name__}: {exc}"[:2000]
    else:
        email.status = DeliveryStatus.SENT
        email.error = ""
        email.sent_at = timezone.now()
    email.attempts += 1
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=email.status, error=email.error, sent_at=email.sent_at, attempts=F("attempts") + 1
    )


def email_queue(
    *,
    to: str,
    subject: str,
    body: str,
    contact: Contact | None,
    document_number: str = "",
    attachment: tuple[str, bytes] | None = None,
) -> OutgoingEmail:
    """Write an outbox row now and deliver it after the caller's transaction commits.

    The returned row's ``status`` is updated in place once delivery ran."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("email_queue must run inside the caller's transaction")
    email = OutgoingEmail(
        to=to,
        subject=subject[:200],
        body=body,
        contact=contact,
        document_number=document_number,
        attachment_name=attachment[0] if attachment else "",
        attachment=attachment[1] if attachment else b"",
    )
    full_clean_or_raise(email)
    email.save()
    transaction.on_commit(lambda: _deliver(email))
    return email


def recipient_of(*, owner: str, default: str, override: str = "") -> str:
    """The address to send to: the one given, else the default (the contact's or the
    document's); refused when blank or malformed. The first one when several are kept."""
    address = (override or default).split(";")[0].strip()
    if not address:
        raise NoEmailAddress(
            f"{owner} has no e-mail address: add one or give an address to send to.",
            fields={"to": ["No e-mail address."]},
        )
    try:
        validate_emails(address)
    except ValidationError as exc:
        raise ValidationFailed(
            f'"{address}" is not a valid e-mail address.', fields={"to": ["Not an e-mail."]}
        ) from exc
    return address


@transaction.atomic
def email_send(
    *,
    contact: Contact,
    subject: str,
    body: str,
    to: str = "",
    user: AbstractBaseUser | None = None,
) -> OutgoingEmail:
    """Send a plain e-mail to a contact and log it with the setup's E-Mails template."""
    contact = Contact.objects.select_related("company").get(pk=contact.pk)
    privacy_check(contact)
    if not subject.strip():
        raise ValidationFailed("Give the e-mail a subject.", fields={"subject": ["Required."]})
    address = recipient_of(
        owner=f"Contact {contact.number} {contact.name}", default=contact.email, override=to
    )
    email = email_queue(to=address, subject=subject, body=body, contact=contact)
    setup = interaction_setup_get()
    if setup.emails_id is not None:
        _entry(
            contact,
            setup.emails,
            description=subject[:100],
            correspondence_type="email",
            subject=subject[:200],
            email=email,
            salesperson_code=contact.salesperson_code,
            **_user_fields(user),
        )
    return email


def email_retry(*, email: OutgoingEmail) -> OutgoingEmail:
    """Deliver a failed (or stuck queued) e-mail again; the outcome is recorded on its row."""
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
        if email.status == DeliveryStatus.SENT:
            raise EmailNotRetryable(f"E-mail {email.pk} was already sent.")
        transaction.on_commit(lambda: _deliver(email))
    return email


# Setup -------------------------------------------------------------------------------------


@transaction.atomic
def interaction_template_create(*, code: str, data: dict[str, Any]) -> InteractionTemplate:
    code = code.strip().upper()
    if InteractionTemplate.objects.filter(code=code).exists():
        raise ValidationFailed(
            f"Interaction template {code} already exists: choose another code.",
            fields={"code": ["Already exists."]},
        )
    refuse_unknown(data, TEMPLATE_FIELDS)
    refuse_nulls(InteractionTemplate, data)
    template = InteractionTemplate(code=code, **data)
    full_clean_or_raise(template)
    template.save()
    return template


@transaction.atomic
def interaction_template_update(
    *, template: InteractionTemplate, data: dict[str, Any], expected_version: int | None = None
) -> InteractionTemplate:
    template = InteractionTemplate.objects.select_for_update().get(pk=template.pk)
    model_update(template, data, allowed=TEMPLATE_FIELDS, expected_version=expected_version)
    return template


@transaction.atomic
def interaction_template_delete(
    *, template: InteractionTemplate, expected_version: int | None = None
) -> None:
    template = InteractionTemplate.objects.select_for_update().get(pk=template.pk)
    check_version(template, expected_version)
    setup = interaction_setup_get()
    used = [f for f in sorted(SETUP_FIELDS) if getattr(setup, f"{f}_id", None) == template.pk]
    if used:
        raise InteractionTemplateInUse(
            f"Interaction template {template.code} is used by the interaction template setup "
            f"({', '.join(used)}): choose another template there first."
        )
    template.delete()


@transaction.atomic
def interaction_setup_update(
    *, data: dict[str, Any], expected_version: int | None = None
) -> InteractionTemplateSetup:
    """Name the template (by code, or '' for none) that logs each document type and e-mails."""
    refuse_unknown(data, SETUP_FIELDS)
    setup, _ = InteractionTemplateSetup.objects.select_for_update().get_or_create(pk=1)
    check_version(setup, expected_version)
    changed = []
    for name, code in data.items():
        template = interaction_template_get(code) if code else None
        if getattr(setup, f"{name}_id") != (template.pk if template else None):
            setattr(setup, name, template)
            changed.append(name)
    if changed:
        setup.version += 1
        setup.save(update_fields=[*changed, "version"])
    return setup


_DEFAULT_TEMPLATES = [
    # code, description, group, cost, minutes, flow, initiator, setup fields
    ("SQUOTE", "Sales quote", "SALES", "0", "0", "outbound", "us", ["sales_quotes"]),
    ("SBLANKET", "Sales blanket order", "SALES", "0", "0", "outbound", "us",
     ["sales_blanket_orders"]),
    ("SORDER", "Order confirmation", "SALES", "0", "0", "outbound", "us",
     ["sales_order_confirmations"]),
    ("SERVORD", "Service order created", "SERVICE", "0", "0", "outbound", "us",
     ["service_order_create"]),
    ("PQUOTE", "Purchase quote", "PURCHASES", "0", "0", "outbound", "us", ["purchase_quotes"]),
    ("PBLANKET", "Purchase blanket order", "PURCHASES", "0", "0", "outbound", "us",
     ["purchase_blanket_orders"]),
    ("PORDER", "Purchase order", "PURCHASES", "0", "0", "outbound", "us", ["purchase_orders"]),
    ("EMAIL", "E-mail", "SYSTEM", "0", "1", "outbound", "us", ["emails"]),
    ("CALL", "Phone call", "SALES", "0", "10", "outbound", "us", []),
    ("MEETING", "Meeting", "SALES", "0", "60", "outbound", "us", []),
]  # fmt: skip


def interactions_setup_init() -> list[str]:
    """``liaison init``: default interaction templates and the setup naming them. Idempotent."""
    created = []
    setup, made = InteractionTemplateSetup.objects.get_or_create(pk=1)
    for code, description, group, cost, minutes, flow, initiator, fields in _DEFAULT_TEMPLATES:
        template, new = InteractionTemplate.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "interaction_group_code": group,
                "unit_cost": Decimal(cost),
                "unit_duration_min": Decimal(minutes),
                "information_flow": flow,
                "initiated_by": initiator,
            },
        )
        if new:
            created.append(f"interaction template {code}")
        if made:
            for field in fields:
                setattr(setup, field, template)
    if made:
        setup.save()
        created.append("interaction template setup")
    return created
