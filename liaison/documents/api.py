"""REST resources for sales and purchase documents: CRUD, lines, release, make order, print
(PDF) and e-mail. One router per side, built from the same handlers."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.contacts.selectors import contact_get
from liaison.core.http import etag, expected_version, location
from liaison.core.pagination import page
from liaison.core.schemas import ERRORS, Problem
from liaison.documents.pdf import document_pdf
from liaison.documents.schemas import (
    DOCUMENT_IN,
    DOCUMENT_OUT,
    DOCUMENT_PAGE,
    DOCUMENT_PATCH,
    CompanyInformationOut,
    CompanyInformationPatch,
    DocumentFilters,
    DocumentSetupOut,
    DocumentSetupPatch,
    EmailIn,
    LineIn,
    LinePatch,
)
from liaison.documents.selectors import (
    company_information_get,
    document_get,
    document_list,
    document_setup_get,
)
from liaison.documents.services import (
    document_create,
    document_delete,
    document_email,
    document_line_add,
    document_line_delete,
    document_line_update,
    document_make_order,
    document_print,
    document_release,
    document_reopen,
    document_update,
)
from liaison.documents.setup import (
    SERIES_FIELDS,
    company_information_update,
    document_setup_update,
)
from liaison.documents.sides import SIDES, Side
from liaison.interactions.api import email_result
from liaison.interactions.schemas import EmailOut
from liaison.records.selectors import record_get

PDF = {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}}


def _pdf(body: bytes, number: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{number}.pdf"'
    return response


def document_router(side: Side) -> Router:
    """The router of one side, mounted at /sales-documents or /purchase-documents."""
    router = Router(tags=[f"{side.name} documents"])
    _add_document_routes(router, side)
    _add_line_routes(router, side)
    _add_action_routes(router, side)
    return router


def _show(side: Side, response: HttpResponse, number: str) -> Any:
    """The document, with its ETag set for the next conditional write."""
    header = document_get(side, number)
    response["ETag"] = etag(header.version)
    return header


def _add_document_routes(router: Router, side: Side) -> None:
    """List, create, read, change and delete a side's documents."""
    out, page_schema = DOCUMENT_OUT[side.name], DOCUMENT_PAGE[side.name]
    create_in, patch_in = DOCUMENT_IN[side.name], DOCUMENT_PATCH[side.name]
    path = f"{side.name}-documents"
    prefix = side.name

    @router.get("", response={200: page_schema, **ERRORS}, operation_id=f"list_{prefix}_documents")
    def list_documents(
        request: HttpRequest,
        filters: Query[DocumentFilters],
        cursor: str | None = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> dict[str, Any]:
        """Documents in number order, filtered by type, status or contact."""
        docs = document_list(
            side,
            document_type=filters.document_type or "",
            status=filters.status or "",
            contact_number=filters.contact or "",
        )
        items, nxt = page(docs, cursor=cursor, limit=limit)
        return {"items": items, "next_cursor": nxt}

    @router.post("", response={201: out, **ERRORS}, operation_id=f"create_{prefix}_document")
    def create_document(request: HttpRequest, payload: create_in, response: HttpResponse) -> Any:
        """A new document for a contact (a prospect quote when it has no customer/vendor),
        a customer/vendor, or both."""
        body = payload.dict(exclude_unset=True)  # type: ignore[attr-defined]
        contact_no = body.pop("contact_number", None)
        record_no = body.pop(f"{side.kind}_number", None)
        header = document_create(
            side=side,
            document_type=body.pop("document_type"),
            contact=contact_get(contact_no) if contact_no else None,
            record=record_get(side.kind, record_no) if record_no else None,
            template_code=body.pop("template_code", None),
            number=body.pop("number", None) or "",
            lines=body.pop("lines", None),
            data={k: v for k, v in body.items() if v is not None},
            user=request.user,  # type: ignore[arg-type]
        )
        response["Location"] = location(path, header.number)
        return Status(201, _show(side, response, header.number))

    @router.get("/{number}", response={200: out, **ERRORS}, operation_id=f"get_{prefix}_document")
    def get_document(request: HttpRequest, number: str, response: HttpResponse) -> Any:
        """One document with its lines and total."""
        return _show(side, response, number)

    @router.patch(
        "/{number}", response={200: out, **ERRORS}, operation_id=f"update_{prefix}_document"
    )
    def update_document(
        request: HttpRequest,
        number: str,
        payload: patch_in,
        response: HttpResponse,
    ) -> Any:
        """Change an open document's date, description, currency, salesperson/purchaser or
        contacts (R-M3/R-M11: E-9, E-24, E-25, E-27, E-28, then the contact's fields)."""
        document_update(
            header=document_get(side, number),
            data=payload.dict(exclude_unset=True),  # type: ignore[attr-defined]
            expected_version=expected_version(request),
        )
        return _show(side, response, number)

    @router.delete(
        "/{number}", response={204: None, **ERRORS}, operation_id=f"delete_{prefix}_document"
    )
    def delete_document(request: HttpRequest, number: str) -> Any:
        """Delete a document; interactions logged for it stay."""
        document_delete(
            header=document_get(side, number), expected_version=expected_version(request)
        )
        return Status(204, None)


def _add_line_routes(router: Router, side: Side) -> None:
    """Add, change and remove a document's lines."""
    out = DOCUMENT_OUT[side.name]
    prefix = side.name

    @router.post(
        "/{number}/lines", response={201: out, **ERRORS}, operation_id=f"add_{prefix}_line"
    )
    def add_line(request: HttpRequest, number: str, payload: LineIn, response: HttpResponse) -> Any:
        """Add a line (the first line of a service order logs its creation)."""
        document_line_add(
            header=document_get(side, number),
            data=payload.dict(),
            user=request.user,  # type: ignore[arg-type]
        )
        return Status(201, _show(side, response, number))

    @router.patch(
        "/{number}/lines/{line_no}",
        response={200: out, **ERRORS},
        operation_id=f"update_{prefix}_line",
    )
    def update_line(
        request: HttpRequest, number: str, line_no: int, payload: LinePatch, response: HttpResponse
    ) -> Any:
        """Change a line; its amount follows."""
        document_line_update(
            header=document_get(side, number),
            line_no=line_no,
            data=payload.dict(exclude_unset=True),
        )
        return _show(side, response, number)

    @router.delete(
        "/{number}/lines/{line_no}",
        response={200: out, **ERRORS},
        operation_id=f"delete_{prefix}_line",
    )
    def delete_line(request: HttpRequest, number: str, line_no: int, response: HttpResponse) -> Any:
        """Remove a line."""
        document_line_delete(header=document_get(side, number), line_no=line_no)
        return _show(side, response, number)


def _add_action_routes(router: Router, side: Side) -> None:
    """Release, reopen, make an order of a quote, preview, print and e-mail a document."""
    out = DOCUMENT_OUT[side.name]
    path = f"{side.name}-documents"
    prefix = side.name

    @router.post(
        "/{number}/release", response={200: out, **ERRORS}, operation_id=f"release_{prefix}"
    )
    def release(request: HttpRequest, number: str, response: HttpResponse) -> Any:
        """Release; a prospect quote first gets its customer/vendor from its template."""
        document_release(header=document_get(side, number))
        return _show(side, response, number)

    @router.post("/{number}/reopen", response={200: out, **ERRORS}, operation_id=f"reopen_{prefix}")
    def reopen(request: HttpRequest, number: str, response: HttpResponse) -> Any:
        """Reopen a released document so it can change."""
        document_reopen(header=document_get(side, number))
        return _show(side, response, number)

    @router.post(
        "/{number}/make-order",
        response={201: out, **ERRORS},
        operation_id=f"make_{prefix}_order",
    )
    def make_order(request: HttpRequest, number: str, response: HttpResponse) -> Any:
        """Quote → order (the customer/vendor is created from the quote's template when
        needed); the quote is deleted."""
        order = document_make_order(
            header=document_get(side, number),
            user=request.user,  # type: ignore[arg-type]
        )
        response["Location"] = location(path, order.number)
        return Status(201, _show(side, response, order.number))

    @router.get(
        "/{number}/pdf",
        response={200: None, **ERRORS},
        operation_id=f"preview_{prefix}_pdf",
        openapi_extra={"responses": {"200": {"description": "The PDF", **PDF}}},
    )
    def preview(request: HttpRequest, number: str) -> HttpResponse:
        """Preview as PDF: nothing is logged or counted (R-N3)."""
        return _pdf(document_pdf(document_get(side, number)), number)

    @router.post(
        "/{number}/print",
        response={200: None, **ERRORS},
        operation_id=f"print_{prefix}",
        openapi_extra={"responses": {"200": {"description": "The PDF", **PDF}}},
    )
    def print_document(request: HttpRequest, number: str) -> HttpResponse:
        """Print as PDF: counted and logged as an interaction when the setup names a
        template (R-N2)."""
        body = document_print(
            header=document_get(side, number),
            user=request.user,  # type: ignore[arg-type]
        )
        return _pdf(body, number)

    @router.post(
        "/{number}/email",
        response={201: EmailOut, 502: Problem, **ERRORS},
        operation_id=f"email_{prefix}",
    )
    def email(request: HttpRequest, number: str, payload: EmailIn) -> Any:
        """E-mail the document as a PDF; 502 when delivery failed (kept in /emails)."""
        sent = document_email(
            header=document_get(side, number),
            to=payload.to,
            user=request.user,  # type: ignore[arg-type]
        )
        return email_result(sent)


ROUTERS = {side: document_router(s) for side, s in SIDES.items()}


setup_router = Router(tags=["setup"])


def _setup_out(setup: Any) -> dict[str, str]:
    return {
        field: (getattr(setup, field).code if getattr(setup, f"{field}_id") else "")
        for field in sorted(SERIES_FIELDS)
    }


@setup_router.get("/company-information", response={200: CompanyInformationOut, **ERRORS})
def get_company_information(request: HttpRequest, response: HttpResponse) -> Any:
    """Our company's name and address, printed on every document."""
    info = company_information_get()
    response["ETag"] = etag(info.version)
    return info


@setup_router.patch("/company-information", response={200: CompanyInformationOut, **ERRORS})
def update_company_information(
    request: HttpRequest, payload: CompanyInformationPatch, response: HttpResponse
) -> Any:
    info = company_information_update(
        data=payload.dict(exclude_unset=True), expected_version=expected_version(request)
    )
    response["ETag"] = etag(info.version)
    return info


@setup_router.get("/document-setup", response={200: DocumentSetupOut, **ERRORS})
def get_document_setup(request: HttpRequest) -> Any:
    """The number series of each document type."""
    return _setup_out(document_setup_get())


@setup_router.patch("/document-setup", response={200: DocumentSetupOut, **ERRORS})
def update_document_setup(request: HttpRequest, payload: DocumentSetupPatch) -> Any:
    """Name a number series (by code) per document type."""
    return _setup_out(document_setup_update(data=payload.dict(exclude_unset=True)))
