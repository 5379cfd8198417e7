"""``Trail``: the audit rows of one operation, collected while it runs and inserted at once.

Services, the bulk writes and the engine add to a trail what they already know (the stored
values they compared, the columns they write); ``save`` inserts the rows with one statement
(``core.writes.insert_values``), so recording costs one query per operation or chunk, whatever
the number of records. The trail is saved inside the operation's transaction: a
rolled-back change leaves no entry. Imports models and the actor context only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import models
from django.utils import timezone

from liaison.audit.context import Actor, current_actor
from liaison.audit.models import Action, AuditEntry
from liaison.core.writes import insert_values

ENTITIES = {
    "contacts.contact": "contact",
    "sales.customer": "customer",
    "purchases.vendor": "vendor",
    "banking.bankaccount": "bank_account",
}
# Bookkeeping and columns derived from others: the typed field they follow is recorded.
SKIPPED = frozenset(
    {
        "id",
        "version",
        "created_at",
        "modified_at",
        "no_series",
        "phone_e164",
        "mobile_e164",
        "search_email",
        "search_name",
        "company_name",
        "business_relation_summary",
    }
)

# The columns of a trail row, in the order ``Trail`` holds them.
COLUMNS = (
    "at",
    "user_id",
    "username",
    "source",
    "action",
    "entity",
    "entity_pk",
    "number",
    "field",
    "old",
    "new",
    "origin_kind",
    "origin_number",
)
_OLD, _NEW = COLUMNS.index("old"), COLUMNS.index("new")

Origin = tuple[str, str]  # (entity, number) of the record a change came from
_CURRENT: Any = object()  # "the value the object holds now"


class _Ref(NamedTuple):
    """A foreign key value, shown by the referenced record's number once the trail is saved."""

    model: type[models.Model]
    pk: int


def _column(obj: models.Model, name: str) -> models.Field[Any, Any]:
    """The concrete field of ``obj`` called ``name`` (a field name or a column's attname)."""
    found = obj._meta.get_field(name)
    assert isinstance(found, models.Field)
    return found


def entity_of(obj: models.Model | type[models.Model]) -> str:
    """The audit entity of a contact, customer, vendor or bank account (instance or model)."""
    model = obj if isinstance(obj, type) else type(obj)
    entity = _ENTITY_OF.get(model)
    if entity is None:
        entity = _ENTITY_OF[model] = ENTITIES[model._meta.label_lower]
    return entity


# Per model class: ``label_lower`` is formatted anew on each read, and a bulk edit asks ~10
# times per record.
_ENTITY_OF: dict[type[models.Model], str] = {}


def origin_of(obj: models.Model) -> Origin:
    """The record as the origin of the changes it causes."""
    return entity_of(obj), obj.number  # type: ignore[attr-defined]


def as_text(value: Any) -> str:
    """A stored value as the trail keeps it ("" for none, true/false, ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Trail:
    """The pending audit rows of one operation, made as ``actor`` (by default the current
    one, see ``audit.context``)."""

    def __init__(self, actor: Actor | None = None) -> None:
        self.actor = actor or current_actor()
        self.at = timezone.now()
        # Plain values in ``COLUMNS`` order: no model instance per row (an import of 1,000
        # records writes 4,000 rows).
        self.rows: list[list[Any]] = []
        self._refs: list[tuple[list[Any], int, _Ref]] = []

    def __len__(self) -> int:
        return len(self.rows)

    def _add(
        self,
        obj: models.Model,
        action: str,
        *,
        field: str = "",
        old: Any = "",
        new: Any = "",
        origin: Origin | None = None,
        source: str | None = None,
        number: str | None = None,
    ) -> None:
        user_pk, username = self.actor.who()
        row: list[Any] = [
            self.at,
            user_pk,
            username,
            source or self.actor.source,
            action,
            entity_of(obj),
            obj.pk,
            number if number is not None else obj.number,  # type: ignore[attr-defined]
            field,
            "",
            "",
            origin[0] if origin else "",
            origin[1] if origin else "",
        ]
        for index, value in ((_OLD, old), (_NEW, new)):
            if isinstance(value, _Ref):
                self._refs.append((row, index, value))
            else:
                row[index] = as_text(value)
        self.rows.append(row)

    def created(
        self,
        objs: Iterable[models.Model],
        *,
        origin: Origin | None = None,
        source: str | None = None,
    ) -> None:
        """One row per new record; ``origin`` is the record it was made from, if any."""
        for obj in objs:
            self._add(obj, Action.CREATE, origin=origin, source=source)

    def deleted(self, objs: Iterable[models.Model], *, source: str | None = None) -> None:
        """One row per deleted record (call before the delete: the key is kept)."""
        for obj in objs:
            self._add(obj, Action.DELETE, source=source)

    def changed(
        self,
        obj: models.Model,
        before: Mapping[str, Any],
        names: Iterable[str],
        *,
        origin: Origin | None = None,
        source: str | None = None,
    ) -> None:
        """One row per changed field: ``before`` holds the stored values by column name
        (``core.update.snapshot``), ``names`` the changed fields or columns."""
        for name in names:
            self.field(obj, name, before[_column(obj, name).attname], origin=origin, source=source)

    def field(
        self,
        obj: models.Model,
        name: str,
        old: Any,
        new: Any = _CURRENT,
        *,
        origin: Origin | None = None,
        source: str | None = None,
    ) -> None:
        """One changed field (its current value on ``obj`` unless ``new`` is given). Derived
        and bookkeeping columns are left out; a foreign key is shown by the number it names."""
        model_field = _column(obj, name)
        if model_field.name in SKIPPED:
            return
        if new is _CURRENT:
            new = getattr(obj, model_field.attname)
        if old == new:
            return
        if isinstance(model_field, models.ForeignKey):
            target = model_field.related_model
            old = _Ref(target, old) if old is not None else None  # type: ignore[arg-type]
            new = _Ref(target, new) if new is not None else None  # type: ignore[arg-type]
        self._add(
            obj,
            Action.UPDATE,
            field=model_field.name,
            old=old,
            new=new,
            origin=origin,
            source=source,
        )

    def link(
        self,
        contact: models.Model,
        kind: str,
        record: models.Model,
        *,
        unlink: bool = False,
        origin: Origin | None = None,
        source: str | None = None,
    ) -> None:
        """A link (or unlink) between a contact and a customer, vendor or bank account, on
        both histories: the contact's names the record, the record's the contact."""
        action = Action.UNLINK if unlink else Action.LINK
        contact_no, record_no = contact.number, record.number  # type: ignore[attr-defined]
        for obj, name, other in ((contact, kind, record_no), (record, "contact", contact_no)):
            old, new = (other, "") if unlink else ("", other)
            self._add(obj, action, field=name, old=old, new=new, origin=origin, source=source)

    def renamed(self, obj: models.Model, old_number: str) -> None:
        """A record's new number (its history follows it: rows are found by key)."""
        self._add(obj, Action.RENAME, field="number", old=old_number, new=obj.number)  # type: ignore[attr-defined]

    def merged(self, survivor: models.Model, merged: models.Model, *, undo: bool = False) -> None:
        """A merge of ``merged`` into ``survivor`` (or its undo), on both histories."""
        action = Action.UNMERGE if undo else Action.MERGE
        old, new = merged.number, survivor.number  # type: ignore[attr-defined]
        for obj in (survivor, merged):
            self._add(obj, action, field="contact", old=old, new=new)

    def save(self) -> int:
        """Insert the rows (the references resolved to numbers first); returns how many."""
        self._resolve()
        count = insert_values(AuditEntry, COLUMNS, self.rows)
        self.rows = []
        return count

    def _resolve(self) -> None:
        """One query per referenced model, only when a foreign key changed."""
        wanted: dict[type[models.Model], set[int]] = {}
        for _, _, ref in self._refs:
            wanted.setdefault(ref.model, set()).add(ref.pk)
        numbers: dict[tuple[type[models.Model], int], str] = {}
        for model, pks in wanted.items():
            label = "number" if any(f.name == "number" for f in model._meta.fields) else "pk"
            for pk, number in model._default_manager.filter(pk__in=pks).values_list("pk", label):
                numbers[(model, pk)] = str(number)
        for row, index, ref in self._refs:
            row[index] = numbers.get((ref.model, ref.pk), str(ref.pk))
        self._refs = []
