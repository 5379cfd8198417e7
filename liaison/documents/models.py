"""Sales and purchase documents (quotes, orders, blanket orders, service orders), their lines,
the document number series and the company information printed on them (spec 1.11, group M)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models
from django.utils import timezone

from liaison.contacts.models import Contact
from liaison.core.models import NoSeries
from liaison.purchases.models import Vendor, VendorTemplate
from liaison.sales.models import Customer, CustomerTemplate


class DocumentStatus(models.TextChoices):
    OPEN = "open", "Open"
    RELEASED = "released", "Released"


class SalesDocumentType(models.TextChoices):
    QUOTE = "quote", "Quote"
    ORDER = "order", "Order"
    BLANKET_ORDER = "blanket_order", "Blanket order"
    SERVICE_ORDER = "service_order", "Service order"


class PurchaseDocumentType(models.TextChoices):
    QUOTE = "quote", "Quote"
    ORDER = "order", "Order"
    BLANKET_ORDER = "blanket_order", "Blanket order"


def _text(length: int) -> models.CharField[str, str]:
    return models.CharField(max_length=length, blank=True)


def _contact_fk() -> models.ForeignKey[Contact | None, Contact | None]:
    # A deleted contact leaves the document; its name stays in the document's text fields.
    return models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )


class DocumentHeader(models.Model):
    """What every document has: a number from its type's series, a date, a status and totals
    carried by its lines."""

    number = models.CharField("No.", max_length=20, unique=True)
    document_date = models.DateField(default=timezone.localdate)
    status = models.CharField(
        max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.OPEN
    )
    description = _text(100)
    currency_code = _text(10)
    quote_number = _text(20)
    no_printed = models.PositiveIntegerField(default=0, editable=False)
    doc_no_occurrence = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    modified_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.number}"


class SalesHeader(DocumentHeader):
    """A sales quote, order, blanket order or service order (table 36, service header 5900).

    Sell-to is who orders, bill-to who pays; each side names a customer (blank on a prospect
    quote, then a customer template is proposed) and a contact."""

    document_type = models.CharField(max_length=20, choices=SalesDocumentType.choices)
    sell_to_customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sell_to_contact = _contact_fk()
    sell_to_customer_template = models.ForeignKey(
        CustomerTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sell_to_name = _text(100)
    sell_to_name_2 = _text(50)
    sell_to_address = _text(100)
    sell_to_address_2 = _text(50)
    sell_to_city = _text(30)
    sell_to_post_code = _text(20)
    sell_to_county = _text(30)
    sell_to_country_code = _text(10)
    sell_to_contact_name = _text(100)
    sell_to_phone_no = _text(30)
    sell_to_email = _text(80)
    bill_to_customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bill_to_contact = _contact_fk()
    bill_to_customer_template = models.ForeignKey(
        CustomerTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    bill_to_name = _text(100)
    bill_to_name_2 = _text(50)
    bill_to_address = _text(100)
    bill_to_address_2 = _text(50)
    bill_to_city = _text(30)
    bill_to_post_code = _text(20)
    bill_to_county = _text(30)
    bill_to_country_code = _text(10)
    bill_to_contact_name = _text(100)
    salesperson_code = _text(20)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["sell_to_contact", "document_type"], name="sh_sell_contact_idx"),
            models.Index(fields=["bill_to_contact", "document_type"], name="sh_bill_contact_idx"),
            models.Index(fields=["document_type", "status", "-id"], name="sh_type_idx"),
        ]


class PurchaseHeader(DocumentHeader):
    """A purchase quote, order or blanket order (table 38). Buy-from is who sells to us,
    pay-to whom we pay."""

    document_type = models.CharField(max_length=20, choices=PurchaseDocumentType.choices)
    buy_from_vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    buy_from_contact = _contact_fk()
    buy_from_vendor_template = models.ForeignKey(
        VendorTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    buy_from_name = _text(100)
    buy_from_name_2 = _text(50)
    buy_from_address = _text(100)
    buy_from_address_2 = _text(50)
    buy_from_city = _text(30)
    buy_from_post_code = _text(20)
    buy_from_county = _text(30)
    buy_from_country_code = _text(10)
    buy_from_contact_name = _text(100)
    buy_from_phone_no = _text(30)
    buy_from_email = _text(80)
    pay_to_vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pay_to_contact = _contact_fk()
    pay_to_vendor_template = models.ForeignKey(
        VendorTemplate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pay_to_name = _text(100)
    pay_to_name_2 = _text(50)
    pay_to_address = _text(100)
    pay_to_address_2 = _text(50)
    pay_to_city = _text(30)
    pay_to_post_code = _text(20)
    pay_to_county = _text(30)
    pay_to_country_code = _text(10)
    pay_to_contact_name = _text(100)
    purchaser_code = _text(20)

    class Meta:
        ordering: ClassVar[list[str]] = ["-id"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["buy_from_contact", "document_type"], name="ph_buy_contact_idx"),
            models.Index(fields=["pay_to_contact", "document_type"], name="ph_pay_contact_idx"),
            models.Index(fields=["document_type", "status", "-id"], name="ph_type_idx"),
        ]


class DocumentLine(models.Model):
    """A line: what, how many, at what price, less a line discount."""

    line_no = models.PositiveIntegerField()
    description = models.CharField(max_length=100)
    quantity = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal(1))
    unit_price = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    line_discount_pct = models.DecimalField(
        "line discount %", max_digits=5, decimal_places=2, default=Decimal(0)
    )
    line_amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.line_no} {self.description}"


_LINE_CHECKS = [
    ("quantity_not_negative", models.Q(quantity__gte=0)),
    ("price_not_negative", models.Q(unit_price__gte=0)),
    ("discount_in_range", models.Q(line_discount_pct__gte=0, line_discount_pct__lte=100)),
]


class SalesLine(DocumentLine):
    """A line of a sales document."""

    document = models.ForeignKey(SalesHeader, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering: ClassVar[list[str]] = ["document", "line_no"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["document", "line_no"], name="salesline_unique_no"),
            *(models.CheckConstraint(condition=q, name=f"salesline_{n}") for n, q in _LINE_CHECKS),
        ]


class PurchaseLine(DocumentLine):
    """A line of a purchase document."""

    document = models.ForeignKey(PurchaseHeader, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering: ClassVar[list[str]] = ["document", "line_no"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["document", "line_no"], name="purchaseline_unique_no"),
            *(
                models.CheckConstraint(condition=q, name=f"purchaseline_{n}")
                for n, q in _LINE_CHECKS
            ),
        ]


def _series_fk() -> models.ForeignKey[NoSeries | None, NoSeries | None]:
    return models.ForeignKey(
        NoSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )


class DocumentSetup(models.Model):
    """The number series of each document type (sales, purchases and service setups, single
    row)."""

    sales_quote_nos = _series_fk()
    sales_order_nos = _series_fk()
    sales_blanket_order_nos = _series_fk()
    service_order_nos = _series_fk()
    purchase_quote_nos = _series_fk()
    purchase_order_nos = _series_fk()
    purchase_blanket_order_nos = _series_fk()

    class Meta:
        verbose_name = "document setup"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(pk=1), name="documentsetup_single_row")
        ]

    def __str__(self) -> str:
        return "Document setup"


# The setup's fields, in the order the setup page and the API show them.
DOCUMENT_SERIES_FIELDS = tuple(
    f.name for f in DocumentSetup._meta.concrete_fields if f.name.endswith("_nos")
)


class CompanyInformation(models.Model):
    """Our own company, as printed at the top of every document (single row)."""

    name = _text(100)
    address = _text(100)
    address_2 = _text(50)
    post_code = _text(20)
    city = _text(30)
    country_code = _text(10)
    phone_no = _text(30)
    email = _text(80)
    vat_registration_no = _text(20)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "company information"
        verbose_name_plural = "company information"
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(condition=models.Q(pk=1), name="companyinformation_single_row")
        ]

    def __str__(self) -> str:
        return self.name or "Company information"
