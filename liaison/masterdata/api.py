"""REST resources of the master data: /salespeople, /territories, /languages, /payment-terms
and /post-codes (a post code entry by its id), with ``?q=`` search. Viewers read; admins write
(``liaison/api.py`` ADMIN_PATHS)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.core.http import etag, expected_version, location
from liaison.core.schemas import ERRORS
from liaison.masterdata.schemas import SCHEMAS
from liaison.masterdata.selectors import code_get, code_list
from liaison.masterdata.services import code_create, code_delete, code_update
from liaison.masterdata.tables import TABLES, Table

router = Router(tags=["master data"])


def _key(table: Table, row: Any) -> str:
    return str(row.pk) if table.key == "post-codes" else str(row.code)


def _routes(table: Table) -> None:
    out, new, patch = SCHEMAS[table.key]
    path = f"/{table.key}"
    op = table.key.replace("-", "_")

    @router.get(path, response={200: list[out], **ERRORS}, operation_id=f"list_{op}")
    def list_rows(
        request: HttpRequest,
        q: str = Query("", max_length=100),
        limit: int = Query(100, ge=1, le=1000),
    ) -> Any:
        return list(code_list(table, q)[:limit])

    @router.post(path, response={201: out, **ERRORS}, operation_id=f"create_{op}")
    def create_row(request: HttpRequest, payload: new, response: HttpResponse) -> Any:
        row = code_create(table, data=payload.dict())  # type: ignore[attr-defined]
        response["Location"] = location(table.key, _key(table, row))
        response["ETag"] = etag(row.version)
        return Status(201, row)

    @router.get(f"{path}/{{key}}", response={200: out, **ERRORS}, operation_id=f"get_{op}")
    def get_row(request: HttpRequest, key: str, response: HttpResponse) -> Any:
        row = code_get(table, key)
        response["ETag"] = etag(row.version)
        return row

    @router.patch(f"{path}/{{key}}", response={200: out, **ERRORS}, operation_id=f"update_{op}")
    def update_row(
        request: HttpRequest,
        key: str,
        payload: patch,
        response: HttpResponse,
    ) -> Any:
        row = code_update(
            table,
            row=code_get(table, key),
            data=payload.dict(exclude_unset=True),  # type: ignore[attr-defined]
            expected_version=expected_version(request),
        )
        response["ETag"] = etag(row.version)
        return row

    @router.delete(f"{path}/{{key}}", response={204: None, **ERRORS}, operation_id=f"delete_{op}")
    def delete_row(request: HttpRequest, key: str) -> Any:
        code_delete(table, row=code_get(table, key), expected_version=expected_version(request))
        return Status(204, None)


for _table in TABLES.values():
    _routes(_table)
