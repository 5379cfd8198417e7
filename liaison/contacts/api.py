"""REST resources for contacts, their persons and links, and the contact card's actions."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.audit.api import history_route
from liaison.contacts.models import Contact
from liaison.contacts.schemas import (
    ContactFilters,
    ContactIn,
    ContactOut,
    ContactPage,
    ContactPatch,
)
from liaison.contacts.selectors import contact_get, contact_list, persons_of
from liaison.contacts.services import contact_create, contact_delete, contact_update
from liaison.core.http import etag, expected_version, location
from liaison.core.pagination import page
from liaison.core.schemas import ERRORS
from liaison.records.schemas import RECORD_SCHEMAS
from liaison.records.services import record_create_from_contact
from liaison.relations.schemas import (
    CreateFromContactIn,
    LinkIn,
    LinkOut,
    LinkResultOut,
    UnlinkIn,
)
from liaison.relations.selectors import link_for_record, links_of_contact
from liaison.relations.services import relation_link, relation_unlink

router = Router(tags=["contacts"])


def _show(response: HttpResponse, contact: Contact, report: Any = None) -> Contact:
    response["ETag"] = etag(contact.version)
    if report is not None:
        contact.synchronised = report.changes  # type: ignore[attr-defined]
    return contact


@router.get("", response={200: ContactPage, **ERRORS})
def list_contacts(
    request: HttpRequest,
    filters: Query[ContactFilters],
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """Contacts in number order, filtered; keyset pagination with ``next_cursor``."""
    items, nxt = page(contact_list(filters), cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": nxt}


@router.post("", response={201: ContactOut, **ERRORS})
def create_contact(request: HttpRequest, payload: ContactIn, response: HttpResponse) -> Any:
    """Create a company or person contact (a person may name its company)."""
    data = payload.dict(exclude_unset=True, exclude={"number", "company_number", "company_name"})
    contact = contact_create(
        data=data,
        number=payload.number or "",
        company_number=payload.company_number or "",
        company_name=payload.company_name or "",
    )
    response["Location"] = location("contacts", contact.number)
    return Status(201, _show(response, contact))


@router.get("/{number}", response={200: ContactOut, **ERRORS})
def get_contact(request: HttpRequest, number: str, response: HttpResponse) -> Contact:
    """One contact."""
    return _show(response, contact_get(number))


@router.patch("/{number}", response={200: ContactOut, **ERRORS})
def update_contact(
    request: HttpRequest, number: str, payload: ContactPatch, response: HttpResponse
) -> Contact:
    """Change a contact; its linked records and persons follow (``synchronised`` says how)."""
    data = payload.dict(exclude_unset=True, exclude={"company_number", "company_name"})
    contact, report = contact_update(
        contact=contact_get(number),
        data=data,
        expected_version=expected_version(request),
        company_number=payload.company_number,
        company_name=payload.company_name,
    )
    return _show(response, contact, report)


@router.delete("/{number}", response={204: None, **ERRORS})
def delete_contact(request: HttpRequest, number: str) -> Any:
    """Delete a contact (and a company's persons); linked records stay, only links go."""
    contact_delete(contact=contact_get(number), expected_version=expected_version(request))
    return Status(204, None)


@router.get("/{number}/persons", response={200: ContactPage, **ERRORS})
def list_persons(
    request: HttpRequest,
    number: str,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """The persons of a company contact."""
    items, nxt = page(persons_of(contact_get(number)), cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": nxt}


@router.get("/{number}/links", response={200: list[LinkOut], **ERRORS})
def list_contact_links(request: HttpRequest, number: str) -> Any:
    """The contact's business relations, linked records included."""
    return list(links_of_contact(contact_get(number)))


@router.post("/{number}/link", response={200: LinkResultOut, **ERRORS})
def link_contact(request: HttpRequest, number: str, payload: LinkIn) -> dict[str, Any]:
    """Link with an existing customer, vendor or bank account; ``master`` picks the winner."""
    contact = contact_get(number)
    record, report = relation_link(
        contact=contact, kind=payload.kind, number=payload.number, master=payload.master
    )
    link = link_for_record(payload.kind, record.pk)
    return {"link": link, "synchronised": report.changes}


@router.post("/{number}/unlink", response={204: None, **ERRORS})
def unlink_contact(request: HttpRequest, number: str, payload: UnlinkIn) -> Any:
    """Remove the contact's link of this kind; both records stay."""
    relation_unlink(contact=contact_get(number), kind=payload.kind)
    return Status(204, None)


def _create_from_contact(kind: str) -> None:
    schemas = RECORD_SCHEMAS[kind]
    path = {"customer": "customer", "vendor": "vendor", "bank_account": "bank-account"}[kind]

    @router.post(
        f"/{{number}}/create-{path}",
        response={201: schemas.Out, **ERRORS},
        operation_id=f"create_{kind}_from_contact",
        summary=f"Create a {kind.replace('_', ' ')} from the contact",
    )
    def create(
        request: HttpRequest, number: str, payload: CreateFromContactIn, response: HttpResponse
    ) -> Any:
        record: Any
        record, report = record_create_from_contact(
            kind, contact=contact_get(number), template_code=payload.template_code
        )
        record.synchronised = report.changes
        response["Location"] = location(f"{path}s", record.number)
        response["ETag"] = etag(record.version)
        return Status(201, record)


for _kind in ("customer", "vendor", "bank_account"):
    _create_from_contact(_kind)

history_route(router, "contact")
