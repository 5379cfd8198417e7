"""The REST resource of a kind of record: list, create, read, update, delete, "create
contact" and history. Each kind's app builds its router with ``record_router``."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.audit.api import history_route
from liaison.core.http import etag, expected_version, location
from liaison.core.models import Party
from liaison.core.pagination import page
from liaison.core.schemas import ERRORS
from liaison.records.kind import RecordKind
from liaison.records.schemas import RecordFilters, RecordSchemas
from liaison.records.selectors import record_get, record_list
from liaison.records.services import record_create, record_delete, record_update
from liaison.relations.schemas import ContactInformationPage
from liaison.relations.selectors import contacts_information
from liaison.relations.services import contacts_create_from
from liaison.relations.sync import SyncReport


def _show(response: HttpResponse, record: Any, report: SyncReport | None = None) -> Any:
    response["ETag"] = etag(record.version)
    if report is not None:
        record.synchronised = report.changes
    return record


def record_router(kind: RecordKind[Party], s: RecordSchemas) -> Router:
    """List, create, read, update, delete and "create contact" for one kind of record, with
    its schemas ``s``."""
    router = Router(tags=[kind.path])
    name = kind.key

    @router.get("", response={200: s.Page, **ERRORS}, operation_id=f"list_{name}s")
    def list_records(
        request: HttpRequest,
        filters: Query[RecordFilters],
        cursor: str | None = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> dict[str, Any]:
        qs = record_list(kind, filters.get_filter_expression(), with_related=True)
        items, nxt = page(qs, cursor=cursor, limit=limit)
        return {"items": items, "next_cursor": nxt}

    @router.post("", response={201: s.Out, **ERRORS}, operation_id=f"create_{name}")
    def create_record(request: HttpRequest, payload: s.In, response: HttpResponse) -> Any:
        data = payload.dict(exclude_unset=True, exclude={"number"})
        record = record_create(kind, data=data, number=payload.number or "")
        response["Location"] = location(kind.path, record.number)
        return Status(201, _show(response, record))

    @router.get("/{number}", response={200: s.Out, **ERRORS}, operation_id=f"get_{name}")
    def get_record(request: HttpRequest, number: str, response: HttpResponse) -> Any:
        return _show(response, record_get(kind, number))

    @router.patch("/{number}", response={200: s.Out, **ERRORS}, operation_id=f"update_{name}")
    def update_record(
        request: HttpRequest,
        number: str,
        payload: s.Patch,
        response: HttpResponse,
    ) -> Any:
        data = payload.dict(exclude_unset=True, exclude={"primary_contact_number"})
        record, report = record_update(
            kind,
            record=record_get(kind, number),
            data=data,
            expected_version=expected_version(request),
            primary_contact_number=getattr(payload, "primary_contact_number", None),
        )
        return _show(response, record, report)

    @router.delete("/{number}", response={204: None, **ERRORS}, operation_id=f"delete_{name}")
    def delete_record(request: HttpRequest, number: str) -> Any:
        record_delete(
            kind,
            record=record_get(kind, number),
            expected_version=expected_version(request),
        )
        return Status(204, None)

    @router.post(
        "/{number}/create-contact",
        response={201: s.Out, **ERRORS},
        operation_id=f"create_contact_from_{name}",
    )
    def create_contact(request: HttpRequest, number: str, response: HttpResponse) -> Any:
        """Create the company contact of a record that has none (a batch of one)."""
        contacts_create_from(kind.key, numbers=[record_get(kind, number).number])
        return Status(201, _show(response, record_get(kind, number)))

    @router.get(
        "/{number}/contacts-information",
        response={200: ContactInformationPage, **ERRORS},
        operation_id=f"list_{name}_contacts_information",
    )
    def contacts_information_of(
        request: HttpRequest,
        number: str,
        cursor: str | None = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> dict[str, Any]:
        """R-P2: the contacts this record is related to (its contact and that company's
        persons), each with its relation."""
        items, nxt = page(contacts_information(kind.key, number), cursor=cursor, limit=limit)
        return {"items": items, "next_cursor": nxt}

    history_route(router, kind.key)
    return router
