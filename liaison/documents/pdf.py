"""A document as a PDF (reportlab): our company's name and address, the document's address
block, its lines and the total."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from liaison.documents.models import CompanyInformation
from liaison.documents.sides import side_of


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _block(lines: list[str]) -> str:
    return "<br/>".join(escape(x) for x in lines if x)


def _address(header: Any, role: str) -> list[str]:
    def get(name: str) -> str:
        return str(getattr(header, f"{role}_{name}", "") or "")

    return [
        get("name"),
        get("name_2"),
        get("contact_name"),
        get("address"),
        get("address_2"),
        " ".join(x for x in (get("post_code"), get("city")) if x),
        get("county"),
        get("country_code"),
    ]


def document_pdf(header: Any) -> bytes:
    """Render ``header`` and its lines; deterministic for the same data."""
    side = side_of(header)
    company = CompanyInformation.objects.filter(pk=1).first() or CompanyInformation()
    styles = getSampleStyleSheet()
    title = f"{side.type_label(header.document_type)} {header.number}"
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=company.name or "Liaison",
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        invariant=True,
    )
    ours = _block(
        [
            company.name,
            company.address,
            company.address_2,
            " ".join(x for x in (company.post_code, company.city) if x),
            company.country_code,
            company.phone_no,
            company.email,
            f"VAT {company.vat_registration_no}" if company.vat_registration_no else "",
        ]
    )
    theirs = _block(_address(header, side.party))
    details = _block(
        [
            f"Date: {header.document_date.isoformat()}",
            f"{side.kind.capitalize()}: {getattr(header, side.record_field(side.party)) or '-'}",
            f"Currency: {header.currency_code}" if header.currency_code else "",
            f"Quote: {header.quote_number}" if header.quote_number else "",
            header.description,
        ]
    )
    story: list[Any] = [
        Paragraph(ours, styles["Normal"]),
        Spacer(1, 10 * mm),
        Table(
            [[Paragraph(theirs, styles["Normal"]), Paragraph(details, styles["Normal"])]],
            colWidths=[95 * mm, 79 * mm],
        ),
        Spacer(1, 8 * mm),
        Paragraph(escape(title), styles["Heading1"]),
    ]
    rows: list[list[Any]] = [["Description", "Quantity", "Unit price", "Disc. %", "Amount"]]
    total = Decimal(0)
    for line in header.lines.order_by("line_no"):
        rows.append(
            [
                Paragraph(escape(line.description), styles["Normal"]),
                _quantity(line.quantity),
                _money(line.unit_price),
                _money(line.line_discount_pct),
                _money(line.line_amount),
            ]
        )
        total += line.line_amount
    rows.append(["", "", "", "Total", _money(total)])
    table = Table(rows, colWidths=[80 * mm, 22 * mm, 26 * mm, 20 * mm, 26 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("FONTNAME", (0, -1), (-1, -1), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.5, colors.black),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    pdf.build(story)
    return buffer.getvalue()
