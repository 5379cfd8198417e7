"""API schemas of the master data tables, built from each table's fields (one list, in
``tables.py``): out, in (create) and patch."""

from __future__ import annotations

from typing import Any

from django.db import models
from ninja import Field, Schema

from liaison.core.schemas import CODE_PATTERN, StrictIn
from liaison.masterdata.tables import TABLES, Table


def _field(field: models.Field[Any, Any], *, required: bool) -> tuple[Any, Any]:
    """A model field as a pydantic annotation and default."""
    if isinstance(field, models.BooleanField):
        return (bool | None, None) if not required else (bool, False)
    pattern = CODE_PATTERN if field.name in ("code", "country_code") else None
    needed = required and field.name in ("code", "city")
    default = ... if needed else ("" if required else None)
    spec = Field(default, max_length=field.max_length, pattern=pattern)
    if needed:
        spec = Field(..., min_length=1, max_length=field.max_length, pattern=pattern)
    return (str if required else str | None), spec


def _schemas(table: Table) -> tuple[type[Schema], type[StrictIn], type[StrictIn]]:
    name = table.model.__name__
    fields = [table.model._meta.get_field(n) for n in table.fields]
    out_types: dict[str, Any] = {"id": int, "version": int}
    for f in fields:
        out_types[f.name] = bool if isinstance(f, models.BooleanField) else str
    out = type(
        f"{name}Out",
        (Schema,),
        {"__module__": __name__, "__annotations__": out_types},
    )
    schemas: list[type[StrictIn]] = []
    for suffix, required in (("In", True), ("Patch", False)):
        annotations: dict[str, Any] = {}
        defaults: dict[str, Any] = {}
        for f in fields:
            annotations[f.name], defaults[f.name] = _field(f, required=required)  # type: ignore[arg-type]
        schemas.append(
            type(
                f"{name}{suffix}",
                (StrictIn,),
                {"__module__": __name__, "__annotations__": annotations, **defaults},
            )
        )
    return out, schemas[0], schemas[1]


SCHEMAS: dict[str, tuple[type[Schema], type[StrictIn], type[StrictIn]]] = {
    key: _schemas(table) for key, table in TABLES.items()
}
