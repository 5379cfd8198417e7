"""Demo documents for ``liaison demo``: our company's letterhead, quotes and orders for some
demo contacts (prospects included), one printed so the timeline shows an interaction."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from liaison.contacts.models import Contact
from liaison.documents.services import document_create, document_print
from liaison.documents.setup import company_information_update
from liaison.documents.sides import SALES
from liaison.interactions.services import interaction_log_manual

_LINES = [
    [{"description": "Touring skis", "quantity": Decimal(4), "unit_price": Decimal("420.00")}],
    [
        {"description": "Ski boots", "quantity": Decimal(6), "unit_price": Decimal("189.00")},
        {
            "description": "Fitting service",
            "quantity": Decimal(6),
            "unit_price": Decimal("25.00"),
            "line_discount_pct": Decimal(10),
        },
    ],
]


@transaction.atomic
def documents_demo_load() -> dict[str, int]:
    """Returns what it created."""
    company_information_update(
        data={
            "name": "Cronus Liaison Ltd.",
            "address": "5 Harbour Road",
            "post_code": "5003",
            "city": "Bergen",
            "country_code": "NO",
            "phone_no": "+47 55 12 34 56",
            "email": "sales@cronus.example.com",
        }
    )
    made = {"sales documents": 0, "interactions": 0}
    companies = Contact.objects.filter(type="company").order_by("number")
    linked = list(companies.filter(business_relation_summary="customer")[:3])
    prospects = list(companies.filter(business_relation_summary="none")[:2])
    for i, contact in enumerate(linked):
        kind = "order" if i % 2 else "quote"
        doc = document_create(side=SALES, document_type=kind, contact=contact, lines=_LINES[i % 2])
        made["sales documents"] += 1
        if i == 0:
            document_print(header=doc)
            made["interactions"] += 1
    for i, contact in enumerate(prospects):
        document_create(side=SALES, document_type="quote", contact=contact, lines=_LINES[i % 2])
        made["sales documents"] += 1
        interaction_log_manual(
            contact=contact, template_code="CALL", data={"description": "Asked for a quote"}
        )
        made["interactions"] += 1
    return made
