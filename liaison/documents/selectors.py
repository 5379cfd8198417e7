"""Reads of documents."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum

from liaison.core.errors import NotFound
from liaison.documents.models import CompanyInformation, DocumentSetup
from liaison.documents.sides import SIDES, Side


def _related(side: Side) -> list[str]:
    names = []
    for role in (side.party, side.bill):
        names += [side.record_field(role), f"{role}_contact", side.template_field(role)]
    return names


def document_list(
    side: Side, *, document_type: str = "", status: str = "", contact_number: str = ""
) -> QuerySet[Any]:
    """Documents with what their cards and the API show, lines prefetched (no N+1)."""
    docs = side.header.objects.select_related(*_related(side)).prefetch_related(
        Prefetch("lines", queryset=side.line.objects.order_by("line_no"))
    )
    if document_type:
        docs = docs.filter(document_type=document_type)
    if status:
        docs = docs.filter(status=status)
    if contact_number:
        docs = docs.filter(
            Q(**{f"{side.party}_contact__number": contact_number})
            | Q(**{f"{side.bill}_contact__number": contact_number})
        )
    return docs


def document_list_with_totals(
    side: Side, *, document_type: str = "", status: str = ""
) -> QuerySet[Any]:
    """The list page's documents, newest first, each with its ``total_amount``."""
    docs = document_list(side, document_type=document_type, status=status)
    with_totals: QuerySet[Any] = docs.annotate(total_amount=Sum("lines__line_amount"))
    return with_totals.order_by("-id")


def document_lines(header: Any) -> list[Any]:
    """A document's lines in line order (prefetched by ``document_list``)."""
    return list(header.lines.all())


def templates_for_side(side: Side) -> QuerySet[Any]:
    """The templates a document of ``side`` may name (customer or vendor), in code order."""
    return side.template_model._default_manager.order_by("code")


def document_get(side: Side, number: str) -> Any:
    found = document_list(side).filter(number=number).first()
    if found is None:
        raise NotFound(f"{side.label} document {number} does not exist.")
    return found


def documents_for_contact(side: Side, contact: Any) -> QuerySet[Any]:
    """A contact's documents (a company's include its persons'), newest first."""
    hub = contact.company_id or contact.pk
    people = Q(**{f"{side.party}_contact_id": contact.pk}) | Q(
        **{f"{side.bill}_contact_id": contact.pk}
    )
    if contact.is_company:
        people |= Q(**{f"{side.party}_contact__company_id": hub})
    return side.header.objects.filter(people).order_by("-id")


def company_information_get() -> CompanyInformation:
    return CompanyInformation.objects.filter(pk=1).first() or CompanyInformation(pk=1)


def document_setup_get() -> DocumentSetup:
    return DocumentSetup.objects.filter(pk=1).first() or DocumentSetup(pk=1)


# What the contact card offers: (side, document type, button label).
CONTACT_BUTTONS = [
    ("sales", "quote", "New sales quote"),
    ("sales", "order", "New sales order"),
    ("sales", "service_order", "New service order"),
    ("purchase", "quote", "New purchase quote"),
]


def contact_documents(contact: Any, limit: int = 20) -> list[tuple[str, Any]]:
    """The contact's latest sales and purchase documents for its card."""
    found = [
        (name, doc)
        for name, side in SIDES.items()
        for doc in documents_for_contact(side, contact)[:limit]
    ]
    return sorted(found, key=lambda pair: pair[1].created_at, reverse=True)[:limit]
