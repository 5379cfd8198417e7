"""Sales and purchase documents follow the same rules with different words; a ``Side`` holds
the words (which record kind, which field prefixes, which series and which log types), so each
rule is written once (spec R-M3/R-M11, R-M9/R-M10)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from liaison.documents.models import (
    PurchaseDocumentType,
    PurchaseHeader,
    PurchaseLine,
    SalesDocumentType,
    SalesHeader,
    SalesLine,
)
from liaison.interactions.models import DocumentType
from liaison.purchases.models import VendorTemplate
from liaison.sales.models import CustomerTemplate


@dataclass(frozen=True)
class Side:
    name: str
    header: type[SalesHeader] | type[PurchaseHeader]
    line: type[SalesLine] | type[PurchaseLine]
    types: type[models.TextChoices]
    kind: str  # the record kind: "customer" or "vendor"
    party: str  # who orders / sells: "sell_to" or "buy_from"
    bill: str  # who pays / is paid: "bill_to" or "pay_to"
    template_model: type[CustomerTemplate] | type[VendorTemplate]
    person_code: str  # the document's salesperson / purchaser field
    record_person_code: str  # the record's
    series: dict[str, str]  # document type -> DocumentSetup field
    log_type: dict[str, str]  # document type -> interaction document type when printed
    label: str

    def record_field(self, role: str) -> str:
        """``sell_to_customer``, ``pay_to_vendor`` ..."""
        return f"{role}_{self.kind}"

    def template_field(self, role: str) -> str:
        return f"{role}_{self.kind}_template"

    def type_label(self, document_type: str) -> str:
        return f"{self.label} {self.types(document_type).label.lower()}"


SALES = Side(
    name="sales",
    header=SalesHeader,
    line=SalesLine,
    types=SalesDocumentType,
    kind="customer",
    party="sell_to",
    bill="bill_to",
    template_model=CustomerTemplate,
    person_code="salesperson_code",
    record_person_code="salesperson_code",
    series={
        "quote": "sales_quote_nos",
        "order": "sales_order_nos",
        "blanket_order": "sales_blanket_order_nos",
        "service_order": "service_order_nos",
    },
    log_type={
        "quote": DocumentType.SALES_QUOTE,
        "blanket_order": DocumentType.SALES_BLANKET_ORDER,
        "order": DocumentType.SALES_ORDER_CONFIRMATION,
    },
    label="Sales",
)

PURCHASE = Side(
    name="purchase",
    header=PurchaseHeader,
    line=PurchaseLine,
    types=PurchaseDocumentType,
    kind="vendor",
    party="buy_from",
    bill="pay_to",
    template_model=VendorTemplate,
    person_code="purchaser_code",
    record_person_code="purchaser_code",
    series={
        "quote": "purchase_quote_nos",
        "order": "purchase_order_nos",
        "blanket_order": "purchase_blanket_order_nos",
    },
    log_type={
        "quote": DocumentType.PURCHASE_QUOTE,
        "blanket_order": DocumentType.PURCHASE_BLANKET_ORDER,
        "order": DocumentType.PURCHASE_ORDER,
    },
    label="Purchase",
)

SIDES = {"sales": SALES, "purchase": PURCHASE}


def side_of(header: models.Model) -> Side:
    return SALES if isinstance(header, SalesHeader) else PURCHASE
