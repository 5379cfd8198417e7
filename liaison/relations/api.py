"""REST resources for customers, vendors, bank accounts, links, setup, templates, drift.

Customers, vendors and bank accounts share one router factory, as they share one set of
services (``relations.records``).
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.audit.api import history_route
from liaison.core.http import etag, expected_version, location
from liaison.core.pagination import page
from liaison.core.schemas import ERRORS
from liaison.relations import records
from liaison.relations.checks import drift_find, drift_repair, summaries_stale
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.schemas import (
    RECORD_SCHEMAS,
    BusinessRelationIn,
    BusinessRelationOut,
    DriftReportOut,
    LinkFilters,
    LinkOut,
    MarketingSetupOut,
    MarketingSetupPatch,
    NoSeriesIn,
    NoSeriesOut,
    RecordFilters,
    RepairOut,
    setup_out,
    template_schemas,
    with_contact_number,
)
from liaison.relations.selectors import (
    business_relation_get,
    business_relation_list,
    link_list,
    marketing_setup_get,
    no_series_list,
    template_list,
)
from liaison.relations.services import (
    business_relation_create,
    contacts_create_from,
    marketing_setup_update,
    no_series_create,
)
from liaison.relations.templates import (
    business_relation_delete,
    template_create,
    template_delete,
    template_get,
    template_update,
)

PATHS = {"customer": "customers", "vendor": "vendors", "bank_account": "bank-accounts"}


def _show(response: HttpResponse, record: Any, report: Any = None) -> Any:
    response["ETag"] = etag(record.version)
    if report is not None:
        record.synchronised = report.changes
    return record


def record_router(kind: str) -> Router:
    """List, create, read, update, delete and "create contact" for one kind of record."""
    router = Router(tags=[PATHS[kind]])
    s = RECORD_SCHEMAS[kind]
    model = FIELD_MAPS[kind].model
    name = kind

    @router.get("", response={200: s.Page, **ERRORS}, operation_id=f"list_{name}s")
    def list_records(
        request: HttpRequest,
        filters: Query[RecordFilters],
        cursor: str | None = None,
        limit: int = Query(50, ge=1, le=500),
    ) -> dict[str, Any]:
        qs = with_contact_number(filters.filter(model._default_manager.all()), kind)
        items, nxt = page(qs.select_related(), cursor=cursor, limit=limit)
        return {"items": items, "next_cursor": nxt}

    @router.post("", response={201: s.Out, **ERRORS}, operation_id=f"create_{name}")
    def create_record(request: HttpRequest, payload: s.In, response: HttpResponse) -> Any:
        data = payload.dict(exclude_unset=True, exclude={"number"})
        record = records.record_create(kind, data=data, number=payload.number or "")
        response["Location"] = location(PATHS[kind], record.number)  # type: ignore[attr-defined]
        return Status(201, _show(response, record))

    @router.get("/{number}", response={200: s.Out, **ERRORS}, operation_id=f"get_{name}")
    def get_record(request: HttpRequest, number: str, response: HttpResponse) -> Any:
        return _show(response, records.record_get(kind, number))

    @router.patch("/{number}", response={200: s.Out, **ERRORS}, operation_id=f"update_{name}")
    def update_record(
        request: HttpRequest,
        number: str,
        payload: s.Patch,
        response: HttpResponse,
    ) -> Any:
        data = payload.dict(exclude_unset=True, exclude={"primary_contact_number"})
        record, report = records.record_update(
            kind,
            record=records.record_get(kind, number),
            data=data,
            expected_version=expected_version(request),
            primary_contact_number=getattr(payload, "primary_contact_number", None),
        )
        return _show(response, record, report)

    @router.delete("/{number}", response={204: None, **ERRORS}, operation_id=f"delete_{name}")
    def delete_record(request: HttpRequest, number: str) -> Any:
        records.record_delete(
            kind,
            record=records.record_get(kind, number),
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
        contacts_create_from(kind, numbers=[records.record_get(kind, number).number])  # type: ignore[attr-defined]
        record = records.record_get(kind, number)
        return Status(201, _show(response, record))

    history_route(router, kind)
    return router


setup_router = Router(tags=["setup"])


@setup_router.get("/marketing-setup", response={200: MarketingSetupOut, **ERRORS})
def get_marketing_setup(request: HttpRequest, response: HttpResponse) -> dict[str, Any]:
    """The marketing setup: relation codes, contact numbers, inheritance, default templates."""
    setup = marketing_setup_get()
    response["ETag"] = etag(setup.version)
    return setup_out(setup)


@setup_router.patch("/marketing-setup", response={200: MarketingSetupOut, **ERRORS})
def update_marketing_setup(
    request: HttpRequest, payload: MarketingSetupPatch, response: HttpResponse
) -> dict[str, Any]:
    """Change the marketing setup (the three relation codes must stay distinct)."""
    setup = marketing_setup_update(data=payload.dict(exclude_unset=True))
    response["ETag"] = etag(setup.version)
    return setup_out(setup)


@setup_router.get("/business-relations", response={200: list[BusinessRelationOut], **ERRORS})
def list_business_relations(request: HttpRequest) -> Any:
    return list(business_relation_list())


@setup_router.post("/business-relations", response={201: BusinessRelationOut, **ERRORS})
def create_business_relation(
    request: HttpRequest, payload: BusinessRelationIn, response: HttpResponse
) -> Any:
    relation = business_relation_create(code=payload.code, description=payload.description)
    response["Location"] = location("business-relations", relation.code)
    return Status(201, relation)


@setup_router.delete("/business-relations/{code}", response={204: None, **ERRORS})
def delete_business_relation(request: HttpRequest, code: str) -> Any:
    business_relation_delete(relation=business_relation_get(code))
    return Status(204, None)


@setup_router.get("/links", response={200: list[LinkOut], **ERRORS})
def list_links(
    request: HttpRequest,
    filters: Query[LinkFilters],
    limit: int = Query(100, ge=1, le=500),
) -> Any:
    """Link rows (contact business relations), filtered by contact or kind."""
    return list(link_list(filters)[:limit])


@setup_router.get("/number-series", response={200: list[NoSeriesOut], **ERRORS})
def list_number_series(request: HttpRequest) -> Any:
    return list(no_series_list())


@setup_router.post("/number-series", response={201: NoSeriesOut, **ERRORS})
def create_number_series(request: HttpRequest, payload: NoSeriesIn, response: HttpResponse) -> Any:
    series = no_series_create(**payload.dict())
    response["Location"] = location("number-series", series.code)
    return Status(201, series)


def _template_routes(kind: str) -> None:
    out, new, patch = template_schemas(kind)
    path = f"/{kind}-templates"

    @setup_router.get(
        path, response={200: list[out], **ERRORS}, operation_id=f"list_{kind}_templates"
    )
    def list_templates(request: HttpRequest) -> Any:
        return list(template_list(kind))

    @setup_router.post(path, response={201: out, **ERRORS}, operation_id=f"create_{kind}_template")
    def create_template(request: HttpRequest, payload: new, response: HttpResponse) -> Any:
        data = payload.dict(exclude_unset=True, exclude={"code"})  # type: ignore[attr-defined]
        template = template_create(kind, code=payload.code, data=data)  # type: ignore[attr-defined]
        response["Location"] = location(path.strip("/"), template.code)
        return Status(201, template)

    @setup_router.get(
        f"{path}/{{code}}", response={200: out, **ERRORS}, operation_id=f"get_{kind}_template"
    )
    def get_template(request: HttpRequest, code: str, response: HttpResponse) -> Any:
        template = template_get(kind, code)
        response["ETag"] = etag(template.version)
        return template

    @setup_router.patch(
        f"{path}/{{code}}", response={200: out, **ERRORS}, operation_id=f"update_{kind}_template"
    )
    def update_template(
        request: HttpRequest, code: str, payload: patch, response: HttpResponse
    ) -> Any:
        template = template_update(
            kind,
            template=template_get(kind, code),
            data=payload.dict(exclude_unset=True),  # type: ignore[attr-defined]
            expected_version=expected_version(request),
        )
        response["ETag"] = etag(template.version)
        return template

    @setup_router.delete(
        f"{path}/{{code}}", response={204: None, **ERRORS}, operation_id=f"delete_{kind}_template"
    )
    def delete_template(request: HttpRequest, code: str) -> Any:
        template_delete(kind, template=template_get(kind, code))
        return Status(204, None)


for _kind in ("customer", "vendor"):
    _template_routes(_kind)


@setup_router.get("/drift", response={200: DriftReportOut, **ERRORS})
def check_drift(request: HttpRequest, limit: int = Query(100, ge=1, le=1000)) -> dict[str, Any]:
    """Linked records that disagree with their contact, and stale summaries."""
    drift = drift_find(limit=limit)
    return {
        "disagreements": len(drift),
        "stale_summaries": summaries_stale(),
        "items": [
            {
                **d.__dict__,
                "contact_value": str(d.contact_value),
                "record_value": str(d.record_value),
            }
            for d in drift
        ],
    }


@setup_router.post("/drift/repair", response={200: RepairOut, **ERRORS})
def repair_drift(request: HttpRequest) -> dict[str, int]:
    """Make every linked record agree with its contact; recompute stale summaries."""
    written, fixed = drift_repair()
    return {"records_written": written, "summaries_fixed": fixed}
