"""Interaction templates, the interaction template setup, the interaction log and the e-mail
outbox (spec 1.10, group N)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from liaison.contacts.models import Contact


class InformationFlow(models.TextChoices):
    BLANK = "", "(none)"
    OUTBOUND = "outbound", "Outbound"
    INBOUND = "inbound", "Inbound"


class InitiatedBy(models.TextChoices):
    BLANK = "", "(none)"
    US = "us", "Us"
    THEM = "them", "Them"


class DocumentType(models.TextChoices):
    """Enum 5099, the values Liaison logs (BC's numbers in the comments)."""

    BLANK = "", "(none)"
    SALES_QUOTE = "sales_quote", "Sales quote"  # 1
    SALES_BLANKET_ORDER = "sales_blanket_order", "Sales blanket order"  # 2
    SALES_ORDER_CONFIRMATION = "sales_order_confirmation", "Sales order confirmation"  # 3
    SERVICE_ORDER_CREATE = "service_order_create", "Service order created"  # 9
    PURCHASE_QUOTE = "purchase_quote", "Purchase quote"  # 11
    PURCHASE_BLANKET_ORDER = "purchase_blanket_order", "Purchase blanket order"  # 12
    PURCHASE_ORDER = "purchase_order", "Purchase order"  # 13


class InteractionTemplate(models.Model):
    """A kind of interaction (a printed quote, an e-mail, a call): what it costs, how long it
    takes, which way information flows and who started it (table 5064)."""

    code = models.CharField(max_length=10, unique=True)
    interaction_group_code = models.CharField(max_length=10, blank=True)
    description = models.CharField(max_length=100, blank=True)
    unit_cost = models.DecimalField("unit cost (LCY)", max_digits=12, decimal_places=2, default=0)
    unit_duration_min = models.DecimalField(
        "unit duration (min.)", max_digits=8, decimal_places=2, default=0
    )
    information_flow = models.CharField(
        max_length=10, choices=InformationFlow.choices, blank=True, default=""
    )
    initiated_by = models.CharField(
        max_length=10, choices=InitiatedBy.choices, blank=True, default=""
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering: ClassVar[list[str]] = ["code"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0), name="interactiontemplate_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_duration_min__gte=0),
                name="interactiontemplate_duration_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.code


def _template_fk() -> models.ForeignKey[InteractionTemplate | None, InteractionTemplate | None]:
    return models.ForeignKey(
        InteractionTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class InteractionTemplateSetup(models.Model):
    """Which template logs which document and event (table 5122, single row). A blank field
    means that event logs nothing (R-N1 step 1)."""

    sales_quotes = _template_fk()
    sales_blanket_orders = _template_fk()
    sales_order_confirmations = _template_fk()
    service_order_create = _template_fk()
    purchase_quotes = _template_fk()
    purchase_blanket_orders = _template_fk()
    purchase_orders = _template_fk()
    emails = _template_fk()
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "interaction template setup"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=models.Q(pk=1), name="interactiontemplatesetup_single_row"
            )
        ]

    def __str__(self) -> str:
        return "Interaction template setup"


# The setup field that names the template for each document type (spec 1.10, R-N1 step 1).
SETUP_FIELD = {
    DocumentType.SALES_QUOTE: "sales_quotes",
    DocumentType.SALES_BLANKET_ORDER: "sales_blanket_orders",
    DocumentType.SALES_ORDER_CONFIRMATION: "sales_order_confirmations",
    DocumentType.SERVICE_ORDER_CREATE: "service_order_create",
    DocumentType.PURCHASE_QUOTE: "purchase_quotes",
    DocumentType.PURCHASE_BLANKET_ORDER: "purchase_blanket_orders",
    DocumentType.PURCHASE_ORDER: "purchase_orders",
}


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmail(models.Model):
    """An e-mail Liaison sends: written in the sender's transaction, delivered after commit.
    Its status says whether delivery worked, so a failure is kept, never lost (the outbox)."""

    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(blank=True, default=b"", editable=False)
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document_number = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["status", "id"], name="email_status_idx")
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to} ({self.status})"


class InteractionLogEntry(models.Model):
    """One interaction with a contact (table 5065). Append-only: nothing edits an entry's
    content; a correction is a new entry pointing at the one it corrects.

    ``contact_number`` and ``contact_name`` keep what the entry was logged under, so an entry
    stays readable after its contact is deleted (then ``contact`` is cleared, R-E2)."""

    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="interactions"
    )
    contact_company = models.ForeignKey(
        Contact, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contact_number = models.CharField(max_length=20)
    contact_name = models.CharField(max_length=100, blank=True)
    logged_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    user_name = models.CharField(max_length=150, blank=True)
    description = models.CharField(max_length=100, blank=True)
    information_flow = models.CharField(
        max_length=10, choices=InformationFlow.choices, blank=True, default=""
    )
    initiated_by = models.CharField(
        max_length=10, choices=InitiatedBy.choices, blank=True, default=""
    )
    cost = models.DecimalField("cost (LCY)", max_digits=12, decimal_places=2, default=0)
    duration_min = models.DecimalField("duration (min.)", max_digits=8, decimal_places=2, default=0)
    interaction_group_code = models.CharField(max_length=10, blank=True)
    interaction_template_code = models.CharField(max_length=10, blank=True)
    document_type = models.CharField(
        max_length=30, choices=DocumentType.choices, blank=True, default=""
    )
    document_number = models.CharField(max_length=20, blank=True)
    version_no = models.PositiveIntegerField(default=0)
    doc_no_occurrence = models.PositiveIntegerField(default=0)
    salesperson_code = models.CharField(max_length=20, blank=True)
    correspondence_type = models.CharField(max_length=10, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    email = models.ForeignKey(
        OutgoingEmail, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    class Meta:
        ordering: ClassVar[list[str]] = ["-logged_at", "-id"]
        verbose_name_plural = "interaction log entries"
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["contact", "-logged_at"], name="ile_contact_idx"),
            models.Index(fields=["contact_company", "-logged_at"], name="ile_company_idx"),
            models.Index(fields=["document_type", "document_number"], name="ile_document_idx"),
        ]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="ile_cost_not_negative"),
            models.CheckConstraint(
                condition=models.Q(duration_min__gte=0), name="ile_duration_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.contact_number} {self.description}"
