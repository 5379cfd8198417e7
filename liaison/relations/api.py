"""REST resources for links, the setup (marketing setup, business relations, number series,
templates) and drift (the record resources are built by ``records/api.py``, the jobs by
``batch/api.py``)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.core.http import etag, expected_version, location
from liaison.core.pagination import page
from liaison.core.schemas import ERRORS
from liaison.records.record_templates import (
    template_create,
    template_delete,
    template_get,
    template_update,
)
from liaison.records.selectors import template_list
from liaison.relations.checks import drift_find, drift_repair, summaries_stale
from liaison.relations.schemas import (
    BusinessRelationIn,
    BusinessRelationOut,
    ContactInformationFilters,
    ContactInformationPage,
    CustomerContactOut,
    CustomerContactPage,
    CustomerContactPatch,
    DriftReportOut,
    LinkFilters,
    LinkOut,
    MarketingSetupOut,
    MarketingSetupPatch,
    NoSeriesIn,
    NoSeriesOut,
    RepairOut,
    setup_out,
    template_schemas,
)
from liaison.relations.selectors import (
    business_relation_get,
    business_relation_list,
    contacts_information,
    customer_contact_get,
    customer_contacts,
    link_list,
    marketing_setup_get,
    no_series_list,
)
from liaison.relations.services import (
    business_relation_create,
    business_relation_delete,
    customer_contact_move,
    marketing_setup_update,
    no_series_create,
)

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


integration_router = Router(tags=["integration"])


@integration_router.get("/contacts-information", response={200: ContactInformationPage, **ERRORS})
def list_contacts_information(
    request: HttpRequest,
    filters: Query[ContactInformationFilters],
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """R-P2: the contacts of a customer, vendor or bank account (``related_type`` and
    ``related_number``; E-32 ``related_type_required`` without them)."""
    found = contacts_information(filters.related_type or "", filters.related_number or "")
    items, nxt = page(found, cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": nxt}


@integration_router.get("/customer-contacts", response={200: CustomerContactPage, **ERRORS})
def list_customer_contacts(
    request: HttpRequest,
    cursor: str | None = None,
    limit: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    """R-P3: persons of customers, with the customer, in contact number order."""
    items, nxt = page(customer_contacts(), cursor=cursor, limit=limit)
    return {"items": items, "next_cursor": nxt}


@integration_router.get("/customer-contacts/{number}", response={200: CustomerContactOut, **ERRORS})
def get_customer_contact(request: HttpRequest, number: str) -> Any:
    return customer_contact_get(number)


@integration_router.patch(
    "/customer-contacts/{number}", response={200: CustomerContactOut, **ERRORS}
)
def update_customer_contact(
    request: HttpRequest, number: str, payload: CustomerContactPatch
) -> Any:
    """Another ``customer_number`` moves the customer link of the person's company to that
    customer (every person of the company follows); E-33 ``customer_unknown``."""
    customer_contact_move(
        contact=customer_contact_get(number), customer_number=payload.customer_number
    )
    return customer_contact_get(number)
