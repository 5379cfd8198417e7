"""REST resources of duplicate detection: /duplicates (Contact Duplicates, the "Separate
contacts" verdict) and /duplicate-search-string-setup (admins change it, liaison/api.py)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.core.http import location
from liaison.core.schemas import ERRORS
from liaison.duplicates.schemas import (
    DuplicateOut,
    DuplicatePatch,
    DuplSetupIn,
    DuplSetupOut,
    DuplSetupPatch,
)
from liaison.duplicates.selectors import (
    dupl_setup_get,
    dupl_setup_list,
    duplicate_get,
    duplicate_list,
)
from liaison.duplicates.services import (
    dupl_setup_create,
    dupl_setup_delete,
    dupl_setup_update,
    duplicate_update,
)

router = Router(tags=["duplicates"])


@router.get("/duplicates", response={200: list[DuplicateOut], **ERRORS})
def list_duplicates(
    request: HttpRequest,
    contact: str = Query("", max_length=20),
    limit: int = Query(100, ge=1, le=1000),
) -> Any:
    return list(duplicate_list(contact)[:limit])


@router.patch("/duplicates/{pair_id}", response={200: DuplicateOut, **ERRORS})
def update_duplicate(request: HttpRequest, pair_id: int, payload: DuplicatePatch) -> Any:
    duplicate_update(pk=pair_id, separate_contacts=payload.separate_contacts)
    return duplicate_get(pair_id)


@router.get("/duplicate-search-string-setup", response={200: list[DuplSetupOut], **ERRORS})
def list_setup(request: HttpRequest) -> Any:
    return list(dupl_setup_list())


@router.post("/duplicate-search-string-setup", response={201: DuplSetupOut, **ERRORS})
def create_setup(request: HttpRequest, payload: DuplSetupIn, response: HttpResponse) -> Any:
    row = dupl_setup_create(data=payload.dict())
    response["Location"] = location("duplicate-search-string-setup", str(row.pk))
    return Status(201, row)


@router.get("/duplicate-search-string-setup/{row_id}", response={200: DuplSetupOut, **ERRORS})
def get_setup(request: HttpRequest, row_id: int) -> Any:
    return dupl_setup_get(row_id)


@router.patch("/duplicate-search-string-setup/{row_id}", response={200: DuplSetupOut, **ERRORS})
def update_setup(request: HttpRequest, row_id: int, payload: DuplSetupPatch) -> Any:
    return dupl_setup_update(pk=row_id, data=payload.dict(exclude_unset=True))


@router.delete("/duplicate-search-string-setup/{row_id}", response={204: None, **ERRORS})
def delete_setup(request: HttpRequest, row_id: int) -> Any:
    dupl_setup_delete(pk=row_id)
    return Status(204, None)
