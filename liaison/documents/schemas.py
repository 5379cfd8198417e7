"""API schemas of documents: one shape per side, built from the side's words."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Field, Schema

from liaison.core.schemas import CODE_PATTERN, StrictIn, code_setup_schemas
from liaison.documents.models import DOCUMENT_SERIES_FIELDS
from liaison.documents.sides import PURCHASE, SALES, Side


class LineIn(StrictIn):
    """A new line. Amount = quantity × unit price less the line discount %."""

    description: str = Field(..., min_length=1, max_length=100)
    quantity: Decimal = Field(Decimal(1), strict=False, ge=0, max_digits=14, decimal_places=4)
    unit_price: Decimal = Field(
        strict=False, default=Decimal(0), ge=0, max_digits=14, decimal_places=2
    )
    line_discount_pct: Decimal = Field(
        strict=False, default=Decimal(0), ge=0, le=100, max_digits=5, decimal_places=2
    )


class LinePatch(StrictIn):
    description: str | None = Field(None, min_length=1, max_length=100)
    quantity: Decimal | None = Field(
        strict=False, default=None, ge=0, max_digits=14, decimal_places=4
    )
    unit_price: Decimal | None = Field(
        strict=False, default=None, ge=0, max_digits=14, decimal_places=2
    )
    line_discount_pct: Decimal | None = Field(
        strict=False, default=None, ge=0, le=100, max_digits=5, decimal_places=2
    )


class LineOut(Schema):
    line_no: int
    description: str
    quantity: Decimal
    unit_price: Decimal
    line_discount_pct: Decimal
    line_amount: Decimal


class EmailIn(StrictIn):
    """Where to send; blank means the document's (or contact's) e-mail address."""

    to: str = Field("", max_length=254)


def _party_fields(side: Side, role: str) -> dict[str, Any]:
    names = ["name", "name_2", "address", "address_2", "city", "post_code", "county"]
    fields: dict[str, Any] = {f"{role}_{n}": (str, "") for n in names}
    fields[f"{role}_country_code"] = (str, "")
    fields[f"{role}_contact_name"] = (str, "")
    fields[f"{role}_{side.kind}_number"] = (str, "")
    fields[f"{role}_contact_number"] = (str, "")
    fields[f"{role}_template_code"] = (str, "")
    if role == side.party:
        fields[f"{role}_phone_no"] = (str, "")
        fields[f"{role}_email"] = (str, "")
    return fields


def _resolver(attr: str, sub: str) -> Any:
    def resolve(obj: Any) -> str:
        target = getattr(obj, attr)
        return getattr(target, sub) if target is not None else ""

    return staticmethod(resolve)


def _out_schema(side: Side) -> type[Schema]:
    """``SalesDocumentOut`` / ``PurchaseDocumentOut``."""
    annotations: dict[str, Any] = {
        "number": str,
        "document_type": str,
        "status": str,
        "document_date": datetime.date,
        "description": str,
        "currency_code": str,
        side.person_code: str,
        "quote_number": str,
        "no_printed": int,
        "version": int,
        "created_at": datetime.datetime,
        "modified_at": datetime.datetime,
        "lines": list[LineOut],
        "total": Decimal,
    }
    namespace: dict[str, Any] = {"__doc__": f"A {side.label.lower()} document with its lines."}
    for role in (side.party, side.bill):
        for name, (kind, default) in _party_fields(side, role).items():
            annotations[name] = kind
            namespace[name] = default
        namespace[f"resolve_{role}_{side.kind}_number"] = _resolver(
            side.record_field(role), "number"
        )
        namespace[f"resolve_{role}_contact_number"] = _resolver(f"{role}_contact", "number")
        namespace[f"resolve_{role}_template_code"] = _resolver(side.template_field(role), "code")

    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())

    def resolve_total(obj: Any) -> Decimal:
        return sum((line.line_amount for line in obj.lines.all()), Decimal(0))

    namespace["resolve_lines"] = staticmethod(resolve_lines)
    namespace["resolve_total"] = staticmethod(resolve_total)
    namespace["__annotations__"] = annotations
    return type(f"{side.label}DocumentOut", (Schema,), namespace)


SalesDocumentOut = _out_schema(SALES)
PurchaseDocumentOut = _out_schema(PURCHASE)
DOCUMENT_OUT = {"sales": SalesDocumentOut, "purchase": PurchaseDocumentOut}


class _DocumentInBase(StrictIn):
    contact_number: str | None = Field(None, max_length=20, pattern=CODE_PATTERN)
    template_code: str | None = Field(
        None, max_length=20, description="template for a prospect quote's new record"
    )
    number: str | None = Field(None, max_length=20, pattern=CODE_PATTERN)
    document_date: datetime.date | None = Field(None, strict=False)
    description: str | None = Field(None, max_length=100)
    currency_code: str | None = Field(None, max_length=10)
    lines: list[LineIn] = []  # noqa: RUF012 - pydantic copies defaults


class SalesDocumentIn(_DocumentInBase):
    """A new sales document for a contact (R-M1) or a customer (R-M7), or both."""

    document_type: Literal["quote", "order", "blanket_order", "service_order"]
    customer_number: str | None = Field(None, max_length=20, pattern=CODE_PATTERN)
    salesperson_code: str | None = Field(None, max_length=20)


class PurchaseDocumentIn(_DocumentInBase):
    """A new purchase document for a contact (R-M2) or a vendor, or both."""

    document_type: Literal["quote", "order", "blanket_order"]
    vendor_number: str | None = Field(None, max_length=20, pattern=CODE_PATTERN)
    purchaser_code: str | None = Field(None, max_length=20)


DOCUMENT_IN: dict[str, type[Any]] = {"sales": SalesDocumentIn, "purchase": PurchaseDocumentIn}


class _DocumentPatchBase(StrictIn):
    template_code: str | None = Field(
        None, max_length=20, description="a prospect quote's template ('' for none)"
    )
    document_date: datetime.date | None = Field(None, strict=False)
    description: str | None = Field(None, max_length=100)
    currency_code: str | None = Field(None, max_length=10)


def _contact_field(role: str) -> Any:
    return Field(
        None,
        max_length=20,
        pattern=f"^$|{CODE_PATTERN}",
        description=f"a new {role.replace('_', '-')} contact (R-M3/R-M11); '' blanks it",
    )


class SalesDocumentPatch(_DocumentPatchBase):
    salesperson_code: str | None = Field(None, max_length=20)
    sell_to_contact_number: str | None = _contact_field("sell_to")
    bill_to_contact_number: str | None = _contact_field("bill_to")


class PurchaseDocumentPatch(_DocumentPatchBase):
    purchaser_code: str | None = Field(None, max_length=20)
    buy_from_contact_number: str | None = _contact_field("buy_from")
    pay_to_contact_number: str | None = _contact_field("pay_to")


DOCUMENT_PATCH: dict[str, type[Any]] = {
    "sales": SalesDocumentPatch,
    "purchase": PurchaseDocumentPatch,
}


class DocumentFilters(Schema):
    document_type: str | None = None
    status: Literal["open", "released"] | None = None
    contact: str | None = Field(None, description="contact number, either side")


class SalesDocumentPage(Schema):
    items: list[SalesDocumentOut]
    next_cursor: str | None


class PurchaseDocumentPage(Schema):
    items: list[PurchaseDocumentOut]
    next_cursor: str | None


DOCUMENT_PAGE = {"sales": SalesDocumentPage, "purchase": PurchaseDocumentPage}


class CompanyInformationOut(Schema):
    """Our company, as printed at the top of documents."""

    name: str
    address: str
    address_2: str
    post_code: str
    city: str
    country_code: str
    phone_no: str
    email: str
    vat_registration_no: str
    version: int


class CompanyInformationPatch(StrictIn):
    name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=100)
    address_2: str | None = Field(None, max_length=50)
    post_code: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=30)
    country_code: str | None = Field(None, max_length=10)
    phone_no: str | None = Field(None, max_length=30)
    email: str | None = Field(None, max_length=80)
    vat_registration_no: str | None = Field(None, max_length=20)


# Built at run time (as the record schemas are): mypy takes them as Any, the OpenAPI
# tests check them.
DocumentSetupOut: Any
DocumentSetupPatch: Any
DocumentSetupOut, DocumentSetupPatch = code_setup_schemas(
    "DocumentSetup",
    DOCUMENT_SERIES_FIELDS,
    max_length=20,
    out_doc="The number series code of each document type ('' when none).",
)
