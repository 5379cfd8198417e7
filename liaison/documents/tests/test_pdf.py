"""The printed document: a real PDF whose text holds who it is for, each line and the total."""

from __future__ import annotations

import io
from decimal import Decimal

from pypdf import PdfReader

from liaison.contacts.models import Contact
from liaison.documents.models import CompanyInformation
from liaison.documents.services import document_create, document_print
from liaison.documents.sides import SALES


def test_printed_quote_shows_company_customer_lines_and_total(company: Contact) -> None:
    # given
    CompanyInformation.objects.filter(pk=1).update(
        name="Cronus Ltd", address="5 Harbour Road", city="Bergen", post_code="5003"
    )
    quote = document_create(
        side=SALES,
        document_type="quote",
        contact=company,
        lines=[
            {"description": "Ski rental", "quantity": Decimal(3), "unit_price": Decimal(40)},
            {
                "description": "Lessons & guide",
                "quantity": Decimal(2),
                "unit_price": Decimal("1250.50"),
                "line_discount_pct": Decimal(10),
            },
        ],
    )
    # when
    text = PdfReader(io.BytesIO(document_print(header=quote))).pages[0].extract_text()
    # then
    assert "Cronus Ltd" in text
    assert "5 Harbour Road" in text
    assert "Alpine Ski House" in text
    assert "1 Main Street" in text
    assert "0150 Oslo" in text
    assert f"Sales quote {quote.number}" in text
    assert "Ski rental" in text
    assert "120.00" in text
    assert "Lessons & guide" in text
    assert "2,250.90" in text
    assert "Total" in text
    assert "2,370.90" in text


def test_names_outside_latin_1_do_not_break_printing(company: Contact) -> None:
    quote = document_create(
        side=SALES,
        document_type="quote",
        contact=company,
        lines=[{"description": "Łódź \u2013 東京 delivery", "unit_price": Decimal(1)}],
    )
    assert document_print(header=quote).startswith(b"%PDF")
