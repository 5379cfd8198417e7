"""The API schemas of a kind of record (Out, In, Patch, Page), built from its model, and the
filters of every record list."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from django.db import models
from django.db.models import Q
from ninja import Field, FilterSchema, Schema
from ninja.orm import create_schema
from pydantic import Strict

from liaison.contacts.search import text_search
from liaison.core.http import ISO_DATETIME, modified_since_q
from liaison.core.models import Party
from liaison.core.schemas import CODE_PATTERN, StrictIn, SyncChangeOut
from liaison.records.kind import RecordKind
from liaison.records.kinds import RECORD_KINDS
from liaison.records.selectors import editable_fields, record_contact_number


class RecordSchemas:
    """The Out, In, Patch and Page schemas of one kind of record, built from its model."""

    def __init__(self, kind: RecordKind[Party]) -> None:
        name = kind.schema_name
        editable = sorted(editable_fields(kind.key))
        base = create_schema(
            kind.model,
            name=f"{name}Base",
            fields=[
                "number",
                *editable,
                "phone_e164",
                "mobile_e164",
                "no_series",
                "version",
                "created_at",
                "modified_at",
            ],
        )
        has_primary = kind.has_primary_contact

        def resolve_contact_number(obj: Any) -> str:
            if hasattr(obj, "linked_contact_number"):
                return obj.linked_contact_number or ""
            return record_contact_number(kind.key, obj)

        def resolve_primary_contact_number(obj: Any) -> str:
            if not has_primary or not obj.primary_contact_id:
                return ""
            return str(obj.primary_contact.number)

        def resolve_synchronised(obj: Any) -> list[Any]:
            return getattr(obj, "synchronised", [])

        self.Out = type(
            f"{name}Out",
            (base,),
            {
                "__annotations__": {
                    "contact_number": str,
                    "primary_contact_number": str,
                    "synchronised": list[SyncChangeOut],
                },
                "contact_number": "",
                "primary_contact_number": "",
                "synchronised": [],
                "resolve_contact_number": staticmethod(resolve_contact_number),
                "resolve_primary_contact_number": staticmethod(resolve_primary_contact_number),
                "resolve_synchronised": staticmethod(resolve_synchronised),
            },
        )
        fields = create_schema(
            kind.model,
            name=f"{name}Fields",
            fields=editable,
            optional_fields=editable,
            base_class=StrictIn,
        )
        # An amount (credit limit) comes as a JSON number or as a decimal string ("1500.00"):
        # the strict input schemas would take only a Decimal instance, which JSON cannot give.
        amounts = [
            f.name
            for f in kind.model._meta.concrete_fields
            if isinstance(f, models.DecimalField) and f.name in editable
        ]
        amount_ann: dict[str, Any] = {n: Annotated[Decimal, Strict(False)] | None for n in amounts}
        amount_ns: dict[str, Any] = dict.fromkeys(amounts)
        self.In = type(
            f"{name}In",
            (fields,),
            {
                "__annotations__": {"number": str | None, **amount_ann},
                "number": Field(None, max_length=20, pattern=CODE_PATTERN),
                **amount_ns,
            },
        )
        patch_ann: dict[str, Any] = dict(amount_ann)
        patch_ns: dict[str, Any] = dict(amount_ns)
        if has_primary:
            patch_ann["primary_contact_number"] = str | None
            patch_ns["primary_contact_number"] = Field(None, max_length=20)
        self.Patch = type(f"{name}Patch", (fields,), {"__annotations__": patch_ann, **patch_ns})
        self.Page = type(
            f"{name}Page",
            (Schema,),
            {"__annotations__": {"items": list[self.Out], "next_cursor": str | None}},
        )


# Built once per kind: ninja names each schema in the OpenAPI document, so a second build of a
# kind's schemas would clash with the first.
RECORD_SCHEMAS = {key: RecordSchemas(kind) for key, kind in RECORD_KINDS.items()}


def record_schemas(kind: RecordKind[Party]) -> RecordSchemas:
    """The schemas of this kind of record."""
    return RECORD_SCHEMAS[kind.key]


class RecordFilters(FilterSchema):
    """Record list filters: text search and modification date."""

    q: str | None = Field(None, description="name, phone in any format, e-mail or city")
    modified_since: str | None = Field(
        None, pattern=ISO_DATETIME, description="ISO 8601 date or date-time"
    )

    def filter_q(self, value: str | None) -> Q:
        return text_search(value, has_search_email=False)

    def filter_modified_since(self, value: str | None) -> Q:
        return modified_since_q(value)
