"""``liaison init`` for documents: a number series per document type and the setup row."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from liaison.core.errors import NotFound
from liaison.core.models import NoSeries
from liaison.core.update import model_update, refuse_unknown
from liaison.documents.models import CompanyInformation, DocumentSetup
from liaison.relations.services import no_series_create

_SERIES = (
    ("S-QUO", "Sales quotes", "SQ0001", "SQ9999", "sales_quote_nos"),
    ("S-ORD", "Sales orders", "SO0001", "SO9999", "sales_order_nos"),
    ("S-BLK", "Sales blanket orders", "SB0001", "SB9999", "sales_blanket_order_nos"),
    ("SV-ORD", "Service orders", "SV0001", "SV9999", "service_order_nos"),
    ("P-QUO", "Purchase quotes", "PQ0001", "PQ9999", "purchase_quote_nos"),
    ("P-ORD", "Purchase orders", "PO0001", "PO9999", "purchase_order_nos"),
    ("P-BLK", "Purchase blanket orders", "PB0001", "PB9999", "purchase_blanket_order_nos"),
)


@transaction.atomic
def documents_setup_init() -> list[str]:
    """Idempotent: creates only what is missing; returns what it created."""
    created = []
    setup, made = DocumentSetup.objects.get_or_create(pk=1)
    for code, description, start, end, field in _SERIES:
        series = NoSeries.objects.filter(code=code).first()
        if series is None:
            series = no_series_create(
                code=code, description=description, starting_no=start, ending_no=end
            )
            created.append(f"number series {code}")
        if made:
            setattr(setup, field, series)
    if made:
        setup.save()
        created.append("document setup")
    _, made = CompanyInformation.objects.get_or_create(pk=1, defaults={"name": "My Company"})
    if made:
        created.append("company information")
    return created


COMPANY_FIELDS = frozenset(
    {
        "name",
        "address",
        "address_2",
        "post_code",
        "city",
        "country_code",
        "phone_no",
        "email",
        "vat_registration_no",
    }
)
SERIES_FIELDS = frozenset(field for *_, field in _SERIES)


@transaction.atomic
def company_information_update(
    *, data: dict[str, Any], expected_version: int | None = None
) -> CompanyInformation:
    """Change what every printed document shows at its top."""
    info, _ = CompanyInformation.objects.select_for_update().get_or_create(pk=1)
    model_update(info, data, allowed=COMPANY_FIELDS, expected_version=expected_version)
    return info


@transaction.atomic
def document_setup_update(*, data: dict[str, str]) -> DocumentSetup:
    """Name the number series (by code, '' for none) of each document type."""
    refuse_unknown(data, SERIES_FIELDS)
    setup, _ = DocumentSetup.objects.select_for_update().get_or_create(pk=1)
    for field, code in data.items():
        series = NoSeries.objects.filter(code=code).first() if code else None
        if code and series is None:
            raise NotFound(
                f"Number series {code} does not exist.", fields={field: ["Unknown series."]}
            )
        setattr(setup, field, series)
    setup.save()
    return setup
