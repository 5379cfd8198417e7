"""``write_columns``: write chosen columns of many saved objects in one set-based statement.

Django's ``QuerySet.bulk_update`` builds a ``CASE WHEN pk = ... THEN ...`` expression for every
row and column, whose building in Python costs far more than the write. Here the same plain
values go out as one prepared UPDATE run by ``executemany`` on SQLite (in process), and as one
``UPDATE ... FROM unnest(...)`` on PostgreSQL (one round trip). Like ``bulk_update`` it calls
no ``save()`` and sends no signal, and the number of statements does not grow with the rows.
``insert_rows`` is its counterpart for appending many new rows (the audit trail).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping, Sequence
from operator import attrgetter
from typing import Any, Generic, TypeVar

from django.db import connections, models, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState

from liaison.core.reads import connection_cache, constructor_free, values_where

M = TypeVar("M", bound=models.Model)

# Field classes (exactly these, not subclasses, which may adapt values) whose
# ``get_db_prep_save`` hands a value of this type to the driver unchanged.
_PLAIN: dict[type[models.Field[Any, Any]], type] = {
    models.CharField: str,
    models.TextField: str,
    models.EmailField: str,
    models.URLField: str,
    models.SlugField: str,
    models.IntegerField: int,
    models.SmallIntegerField: int,
    models.BigIntegerField: int,
    models.PositiveIntegerField: int,
    models.PositiveSmallIntegerField: int,
    models.PositiveBigIntegerField: int,
    models.AutoField: int,
    models.BigAutoField: int,
    models.BooleanField: bool,
}
Prepare = Callable[[Any], Any]


def preparer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Prepare:
    """The function turning a value of ``field`` into what the driver takes, as
    ``get_db_prep_save`` does, but a plain value of the plain type passes straight through:
    Django's chain of five calls per value weighs heavily on a large insert."""
    cache: dict[models.Field[Any, Any], Prepare] = connection_cache(connection, "preparers")
    found = cache.get(field)
    if found is None:
        found = _make_preparer(field, connection)
        cache[field] = found
    return found


def prepared_rows(
    fields: Sequence[models.Field[Any, Any]],
    columns: Sequence[list[Any]],
    connection: BaseDatabaseWrapper,
) -> list[tuple[Any, ...]]:
    """Rows for the driver from ``columns`` (one list of values per field), prepared a column
    at a time (``prepared_columns``)."""
    return list(zip(*prepared_columns(fields, columns, connection), strict=True))


def prepared_columns(
    fields: Sequence[models.Field[Any, Any]],
    columns: Sequence[list[Any]],
    connection: BaseDatabaseWrapper,
) -> list[list[Any]]:
    """``columns`` (one list of values per field) prepared for the driver a column at a time:
    a column holding only plain values of its field's plain type (read with ``map(type,
    ...)``, in C) is passed as it is, a date-time column prepares each distinct value once (an
    audit chunk's rows share one time), others go value by value through ``preparer``. Row by
    row, a call per value shows in an import's time."""
    prepared = []
    for field, values in zip(fields, columns, strict=True):
        target = field.target_field if type(field) is models.ForeignKey else field
        kind = _PLAIN.get(type(target))
        if kind is not None and _passes(kind, set(map(type, values))):
            prepared.append(values)
            continue
        prep = preparer(field, connection)
        if isinstance(field, models.DateTimeField) and _fixed_offsets(values):
            once = {value: prep(value) for value in set(values)}
            prepared.append(list(map(once.__getitem__, values)))
        else:
            prepared.append(list(map(prep, values)))
    if len({len(values) for values in prepared}) > 1:
        raise ValueError("prepared_columns: the columns hold different numbers of values.")
    return prepared


def _passes(kind: type, types: set[type]) -> bool:
    """Whether values of ``types`` go to the driver as they are in a column of ``kind``: its
    own type and None, and for text the subclasses of ``str`` (``TextChoices`` members), which
    ``CharField`` and ``TextField`` pass on unchanged."""
    others = types - {type(None)}
    if kind is str:
        return all(issubclass(t, str) for t in others)
    return others <= {kind}


def _fixed_offsets(values: list[Any]) -> bool:
    """Whether equal date-times among ``values`` are the same instant, so that preparing one
    of them serves all: true when each is naive or in a fixed-offset zone (UTC, as
    ``timezone.now()`` gives). In a zone with daylight saving time, the second pass through a
    repeated hour (``fold`` 1) compares equal to the first but is an hour later."""
    zones = {value.tzinfo for value in values if value is not None}
    return all(zone is None or type(zone) is dt.timezone for zone in zones)


def _make_preparer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Prepare:
    slow = field.get_db_prep_save
    target = field.target_field if type(field) is models.ForeignKey else field
    kind = _PLAIN.get(type(target))
    if kind is None:
        return lambda value: slow(value, connection)
    return lambda value: value if value is None or type(value) is kind else slow(value, connection)


def write_columns(objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """Write ``fields`` of ``objs`` (saved instances of one model, plain values) by primary key.

    Returns the number of rows written.
    """
    if not objs:
        return 0
    model = type(objs[0])
    opts = model._meta
    targets: list[models.Field[Any, Any]] = []
    for name in fields:
        target = opts.get_field(name)
        if not isinstance(target, models.Field) or not target.concrete or target.primary_key:
            raise ValueError(f"write_columns can only write concrete non-key fields: {name}.")
        targets.append(target)
    if any(obj.pk is None for obj in objs):
        raise ValueError("write_columns needs saved objects (with a primary key).")
    db = router.db_for_write(model)
    connection = connections[db]
    for target in targets:
        for obj in objs:
            if hasattr(getattr(obj, target.attname), "resolve_expression"):
                raise ValueError(
                    f"write_columns writes plain values, not expressions: {target.name}."
                )
    pk = _pk(model)
    columns = [list(map(attrgetter(f.attname), objs)) for f in (*targets, pk)]
    prepared = prepared_columns([*targets, pk], columns, connection)  # the key last
    with transaction.atomic(using=db, savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_unnest_update(model, targets, connection), prepared)
            updated: int = cursor.rowcount
            return updated
        qn = connection.ops.quote_name
        sets = ", ".join(f"{qn(f.column)} = %s" for f in targets)
        cursor.executemany(
            f"UPDATE {qn(opts.db_table)} SET {sets} WHERE {qn(_pk(model).column)} = %s",
            list(zip(*prepared, strict=True)),
        )
        updated = cursor.rowcount
        return updated


def _pk(model: type[models.Model]) -> models.Field[Any, Any]:
    pk = model._meta.pk
    assert pk is not None
    return pk


def _unnest_update(
    model: type[models.Model],
    targets: list[models.Field[Any, Any]],
    connection: BaseDatabaseWrapper,
) -> str:
    """``UPDATE t SET c = v.c FROM unnest(%s::type[], ...) AS v(c, ..., pk) WHERE ...``: one
    array per column, whatever the number of rows. A ``VALUES`` list with a placeholder per
    value makes a statement the driver splits and quotes value by value on the client (more
    CPU than the arrays) and the server parses at its length."""
    opts = model._meta
    pk = _pk(model)
    qn = connection.ops.quote_name
    table = qn(opts.db_table)
    casts = [f.cast_db_type(connection) for f in [*targets, pk]]  # type: ignore[attr-defined]
    arrays = ", ".join(f"%s::{cast}[]" for cast in casts)
    names = ", ".join(qn(f.column) for f in [*targets, pk])
    sets = ", ".join(f"{qn(f.column)} = v.{qn(f.column)}" for f in targets)
    return (
        f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({names}) "
        f"WHERE {table}.{qn(pk.column)} = v.{qn(pk.column)}"
    )


def insert_rows(objs: Sequence[models.Model], *, keys_by: str | None = None) -> int:
    """Insert new ``objs`` (unsaved instances of one model) in one statement per chunk.

    ``bulk_create`` splits an insert on SQLite into statements of 999 parameters (76 rows of
    13 columns, 20 rows of a 48-column customer), building each statement's SQL again, so its
    query count and compile time grow with the rows; one prepared INSERT run by
    ``executemany`` does not (on PostgreSQL: ``COPY``, see ``_insert``).
    Primary keys are left to the database; with
    ``keys_by``, a unique column the objects all hold, they are read back in one more
    statement and set on the objects, which then count as saved. Returns the number of rows.
    """
    if not objs:
        return 0
    model = type(objs[0])
    for obj in objs:  # as bulk_create: refuse an unsaved related object, copy a saved one's key
        obj._prepare_related_fields_for_save(operation_name="insert_rows")  # type: ignore[attr-defined]
    by_key = {getattr(obj, keys_by): obj for obj in objs} if keys_by else {}
    if keys_by and len(by_key) != len(objs):
        raise ValueError(f"insert_rows: {keys_by} must be unique among the new rows.")
    opts = model._meta
    targets = [f for f in opts.concrete_fields if not f.primary_key]
    db = router.db_for_write(model)
    connection = connections[db]
    rows = prepared_rows(targets, [list(map(_getter(f), objs)) for f in targets], connection)
    with transaction.atomic(using=db, savepoint=False):
        _insert(connection, opts.db_table, [f.column for f in targets], rows)
        if keys_by:
            _read_back_keys(by_key, keys_by, db)
    return len(rows)


def _insert(
    connection: BaseDatabaseWrapper, table: str, columns: list[str], rows: Sequence[Sequence[Any]]
) -> None:
    """SQLite: one prepared INSERT run by ``executemany``. PostgreSQL: ``COPY ... FROM STDIN``,
    the driver's fastest path (the benchmark's floor). Django's cursors bind parameters on the
    client there, so an ``executemany`` sends one statement per row (an import would spend most
    of its time waiting on the server) and multi-row ``VALUES`` spends as long splitting its
    placeholders in the driver. Django does not see a ``COPY``: it is logged here as a query."""
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})", rows)
            return
        sql = f"COPY {qn(table)} ({names}) FROM STDIN"
        started = time.monotonic()
        # The driver's own cursor: its errors are made Django's (IntegrityError, DataError,
        # OperationalError...), as those of every other query, for the callers to tell apart.
        with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        if connection.queries_logged:
            duration = time.monotonic() - started
            connection.queries_log.append(
                {"sql": f"{sql} ({len(rows)} rows)", "time": f"{duration:.3f}"}
            )


def _getter(field: models.Field[Any, Any]) -> Callable[[models.Model], Any]:
    """``pre_save`` where it fills a column (auto_now_add, as ``bulk_create`` does), else the
    attribute itself."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)
    return attrgetter(field.attname)


def insert_values(
    model: type[models.Model], names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Insert ``rows`` of plain values for the ``names`` columns (attnames) of ``model`` as
    ``insert_rows`` does, without building an instance per row (the audit
    trail writes four rows per imported record). Returns the number of rows."""
    if not rows:
        return 0
    db = router.db_for_write(model)
    connection = connections[db]
    fields = [_concrete(model, n) for n in names]
    columns = [list(column) for column in zip(*rows, strict=True)]
    if len(columns) != len(fields):
        raise ValueError(f"insert_values: rows of {len(columns)} values for {len(fields)} columns.")
    prepared = prepared_rows(fields, columns, connection)
    with transaction.atomic(using=db, savepoint=False):
        _insert(connection, model._meta.db_table, [f.column for f in fields], prepared)
    return len(prepared)


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model._meta.label} has no column {name}.")
    return field


def _read_back_keys(by_key: dict[Any, models.Model], keys_by: str, db: str) -> None:
    model = type(next(iter(by_key.values())))
    fields = (keys_by, _pk(model).attname)
    for key, pk in values_where(model, keys_by, list(by_key), fields, using=db):
        obj = by_key[key]
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = db
    missing = [key for key, obj in by_key.items() if obj.pk is None]
    if missing:
        raise RuntimeError(f"insert_rows: no key read back for {keys_by} {missing[:5]}.")


class Builder(Generic[M]):
    """Makes many new instances of one model faster than ``Model(**values)``: the keyword
    path of Django's constructor looks up every field's default again for every instance, a
    noticeable part of an import. The defaults are read once here, and each instance gets its
    column values set directly, as ``reads._instances`` does for loaded rows (models that
    customise construction, see ``constructor_free``, go through the positional path
    ``Model.from_db`` uses). Values are given by field name; a name that is not a plain column
    (a foreign key given as an object) falls back to the keyword path. The models built here
    have constant defaults only (``created_at``/``modified_at``, the callable ones, are passed
    in ``common``)."""

    def __init__(self, model: type[M], **common: Any) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.index = {f.name: i for i, f in enumerate(fields) if f.name == f.attname}
        self.defaults = [f.get_default() for f in fields]
        for name, value in common.items():
            self.defaults[self.index[name]] = value
        self.common = common
        self.free = constructor_free(model)
        self.by_attname = {f.attname: d for f, d in zip(fields, self.defaults, strict=True)}

    def new(self, values: Mapping[str, Any]) -> M:
        if not self.index.keys() >= values.keys():
            return self.model(**{**self.common, **values})
        if self.free:
            obj = self.model.__new__(self.model)
            state = obj.__dict__
            state.update(self.by_attname)
            state.update(values)
            obj._state = ModelState()
            return obj
        row = list(self.defaults)
        for name, value in values.items():
            row[self.index[name]] = value
        return self.model(*row)
