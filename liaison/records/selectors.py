"""Reads every kind of record shares: one record by number, the list with each row's linked
contact, the fields a user may set, the series new records draw from."""

from __future__ import annotations

from typing import Any, TypeVar, overload

from django.db.models import OuterRef, Q, QuerySet, Subquery

from liaison.core.errors import NotFound
from liaison.core.models import NoSeries, Party
from liaison.core.numbering import series_get
from liaison.records.kind import RecordKind
from liaison.records.kinds import TEMPLATE_MODELS, record_kind
from liaison.relations.links import LABELS
from liaison.relations.models import ContactBusinessRelation

P = TypeVar("P", bound=Party)

_NOT_EDITABLE = {"id", "number", "no_series", "primary_contact"}


def editable_fields(key: str) -> frozenset[str]:
    """The fields a user may set on a record of the kind ``key``."""
    model = record_kind(key).model
    return frozenset(
        f.name for f in model._meta.concrete_fields if f.editable and f.name not in _NOT_EDITABLE
    )


@overload
def record_get(kind: RecordKind[P], number: str) -> P: ...
@overload
def record_get(kind: str, number: str) -> Party: ...
def record_get(kind: RecordKind[Party] | str, number: str) -> Party:
    """The record of this kind with this number, or E-10."""
    kind = record_kind(kind) if isinstance(kind, str) else kind
    found = kind.model._default_manager.filter(number=number).first()
    if found is None:
        raise NotFound(f"{LABELS[kind.key]} {number} does not exist.")
    return found


def with_contact_number(qs: QuerySet[P], key: str) -> QuerySet[P]:
    """Annotate each record with its linked contact's number (one query for a whole page)."""
    link = ContactBusinessRelation.objects.filter(link_to_table=key, **{key: OuterRef("pk")})
    annotated: QuerySet[P] = qs.annotate(
        linked_contact_number=Subquery(link.values("contact__number")[:1])
    )
    return annotated


def record_list(
    kind: RecordKind[P], where: Q | None = None, *, with_related: bool = False
) -> QuerySet[P]:
    """The records of this kind matching ``where``, each with its linked contact's number;
    ``with_related`` also joins the rows they point to (the API's page shows them)."""
    qs = kind.model._default_manager.all()
    if where is not None:
        qs = qs.filter(where)
    if with_related:
        qs = qs.select_related()
    return with_contact_number(qs, kind.key)


def record_contact_number(key: str, record: Any) -> str:
    """The number of the contact a record is linked to ("" when none)."""
    link = ContactBusinessRelation.objects.filter(link_to_table=key, **{key: record}).first()
    return link.contact.number if link else ""


def record_series_for(key: str) -> NoSeries:
    """The number series the setup names for new records of this kind (E-3 when blank)."""
    kind = record_kind(key)
    setup = (
        kind.setup_model._default_manager.select_related(kind.setup_series_field)
        .filter(pk=1)
        .first()
    )
    series = getattr(setup, kind.setup_series_field) if setup else None
    return series_get(series.code if series else "", setup_field=kind.setup_series_label)


def template_list(kind: str) -> QuerySet[Any]:
    """The customer or vendor templates (``kind``) with their number series, in code order."""
    return TEMPLATE_MODELS[kind]._default_manager.select_related("no_series").order_by("code")
