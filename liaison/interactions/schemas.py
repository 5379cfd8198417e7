"""API schemas of the interaction log, templates, setup and e-mail."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from ninja import Field, Schema

from liaison.core.schemas import CODE_PATTERN, StrictIn, code_setup_schemas

if TYPE_CHECKING:
    from liaison.interactions.models import InteractionLogEntry

Flow = Literal["", "outbound", "inbound"]
Initiator = Literal["", "us", "them"]


class EmailOut(Schema):
    """An e-mail in the outbox: ``status`` queued, sent or failed (``error`` says why)."""

    id: int
    to: str
    subject: str
    status: str
    error: str
    attempts: int
    document_number: str
    contact_number: str = ""
    created_at: datetime.datetime
    sent_at: datetime.datetime | None

    @staticmethod
    def resolve_contact_number(obj: Any) -> str:
        return obj.contact.number if obj.contact_id and obj.contact else ""


class EmailPage(Schema):
    items: list[EmailOut]
    next_cursor: str | None


class ContactEmailIn(StrictIn):
    """A plain e-mail to a contact; ``to`` defaults to the contact's e-mail address."""

    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field("", max_length=20000)
    to: str = Field("", max_length=254)


class InteractionOut(Schema):
    """An interaction log entry. ``contact_number`` is what it was logged under; ``attached``
    is false once that contact was deleted (the entry stays)."""

    id: int
    contact_number: str
    contact_name: str
    current_contact_number: str = ""
    company_number: str = ""
    attached: bool = True
    logged_at: datetime.datetime
    user_name: str
    description: str
    information_flow: str
    initiated_by: str
    cost: Decimal
    duration_min: Decimal
    interaction_group_code: str
    interaction_template_code: str
    document_type: str
    document_number: str
    doc_no_occurrence: int
    version_no: int
    salesperson_code: str
    correspondence_type: str
    subject: str
    email_status: str = ""
    corrects: int | None = None

    @staticmethod
    def resolve_current_contact_number(obj: Any) -> str:
        return obj.contact.number if obj.contact_id and obj.contact else ""

    @staticmethod
    def resolve_company_number(obj: Any) -> str:
        return obj.contact_company.number if obj.contact_company_id and obj.contact_company else ""

    @staticmethod
    def resolve_attached(obj: Any) -> bool:
        return obj.contact_id is not None

    @staticmethod
    def resolve_email_status(obj: Any) -> str:
        return obj.email.status if obj.email_id and obj.email else ""

    @staticmethod
    def resolve_corrects(obj: InteractionLogEntry) -> int | None:
        return obj.corrects_id


class InteractionPage(Schema):
    items: list[InteractionOut]
    next_cursor: str | None


class _EntryFields(StrictIn):
    description: str | None = Field(None, max_length=100)
    information_flow: Flow | None = None
    initiated_by: Initiator | None = None
    cost: Decimal | None = Field(strict=False, default=None, ge=0, max_digits=12, decimal_places=2)
    duration_min: Decimal | None = Field(
        strict=False, default=None, ge=0, max_digits=8, decimal_places=2
    )
    logged_at: datetime.datetime | None = Field(None, strict=False)


class InteractionIn(_EntryFields):
    """Log a call, a meeting or any interaction by hand; the template gives the defaults."""

    contact_number: str = Field(..., max_length=20, pattern=CODE_PATTERN)
    template_code: str = Field(..., max_length=10, pattern=CODE_PATTERN)


class InteractionCorrectionIn(_EntryFields):
    """The values to correct; the correction is a new entry, the original stays."""


class InteractionTemplateOut(Schema):
    code: str
    interaction_group_code: str
    description: str
    unit_cost: Decimal
    unit_duration_min: Decimal
    information_flow: str
    initiated_by: str
    version: int


class InteractionTemplatePatch(StrictIn):
    interaction_group_code: str | None = Field(None, max_length=10)
    description: str | None = Field(None, max_length=100)
    unit_cost: Decimal | None = Field(
        strict=False, default=None, ge=0, max_digits=12, decimal_places=2
    )
    unit_duration_min: Decimal | None = Field(
        strict=False, default=None, ge=0, max_digits=8, decimal_places=2
    )
    information_flow: Flow | None = None
    initiated_by: Initiator | None = None


class InteractionTemplateIn(InteractionTemplatePatch):
    code: str = Field(..., min_length=1, max_length=10, pattern=CODE_PATTERN)


_SETUP = (
    "sales_quotes",
    "sales_blanket_orders",
    "sales_order_confirmations",
    "service_order_create",
    "purchase_quotes",
    "purchase_blanket_orders",
    "purchase_orders",
    "emails",
)


# Built at run time (as the record schemas are): mypy takes them as Any, the OpenAPI
# tests check them.
InteractionSetupOut: Any
InteractionSetupPatch: Any
InteractionSetupOut, InteractionSetupPatch = code_setup_schemas(
    "InteractionSetup",
    _SETUP,
    max_length=10,
    out_doc="The template code (or '') that logs each document type and e-mails.",
    patch_doc="Template codes per event; '' means log nothing for it.",
    version=True,
)


def setup_out(setup: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: (getattr(setup, name).code if getattr(setup, f"{name}_id") else "") for name in _SETUP
    }
    values["version"] = setup.version
    return values
