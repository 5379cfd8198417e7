"""``rows_where``: load whole rows of one model by a column's values, without the ORM's compiler.

A single contact edit reads six or seven rows (the contact, its persons, its linked customer,
vendor and bank account). Through ``QuerySet`` each read builds its SQL again: at 48 columns
per model, the compiler's select list, ordering and converters are a large share of the
edit's time, paid again on every read. Here the statement and the column converters
are built once per model and connection, and each row becomes an instance as ``Model.from_db``
would make it (see ``_instances``). Every concrete column is read, so no field is
deferred and touching one never costs a hidden query. ``lock`` adds ``FOR UPDATE`` where the
database has row locks (on SQLite the write transaction already holds the database).
``write_columns`` in ``writes.py`` is the counterpart for writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.base import ModelState
from django.db.transaction import TransactionManagementError

M = TypeVar("M", bound=models.Model)
SQLITE_BATCH = 900  # values per IN (...) list: below SQLite's older 999-parameter limit

Converter = Callable[[Any, Any, BaseDatabaseWrapper], Any]


@dataclass(frozen=True)
class _Plan:
    """A SELECT of some columns of a model, with the whole row of one related model when asked
    (up to the WHERE clause), and, per column, its converters."""

    head: str
    attnames: tuple[str, ...]
    converters: tuple[tuple[int, tuple[Converter, ...], Any], ...]
    related_attnames: tuple[str, ...] = ()
    datetimes: tuple[int, ...] = ()  # the date-time columns (see ``_use_c_timestamptz_loader``)


_PlanKey = tuple[type[models.Model], str, tuple[str, ...] | None, str | None]
_MAIN, _JOINED = "t", "r"  # table aliases: a model may join itself (a person's company)


def connection_cache(connection: BaseDatabaseWrapper, name: str) -> dict[Any, Any]:
    """A cache kept on the connection object itself (Django makes one per thread). What is
    cached here refers to its connection (converters, preparers), so a cache keyed by
    connections elsewhere would keep each finished thread's connection alive for good."""
    attribute = f"_liaison_{name}"
    cache: dict[Any, Any] | None = getattr(connection, attribute, None)
    if cache is None:
        cache = {}
        setattr(connection, attribute, cache)
    return cache


def _build(
    model: type[models.Model],
    column: str,
    names: tuple[str, ...] | None,
    related: str | None,
    connection: BaseDatabaseWrapper,
) -> _Plan:
    qn = connection.ops.quote_name
    fields = (
        list(model._meta.concrete_fields) if names is None else [_field(model, n) for n in names]
    )
    selected = [(_MAIN, f) for f in fields]
    source = f"{qn(model._meta.db_table)} {qn(_MAIN)}"
    joined: list[models.Field[Any, Any]] = []
    if related is not None:
        fk = _field(model, related)
        parent = _parent(model, related)
        joined = list(parent._meta.concrete_fields)
        selected += [(_JOINED, f) for f in joined]
        source += (
            f" LEFT OUTER JOIN {qn(parent._meta.db_table)} {qn(_JOINED)} ON "
            f"{qn(_JOINED)}.{qn(_field(parent, 'pk').column)} = {qn(_MAIN)}.{qn(fk.column)}"
        )
    converters = []
    for i, (alias, field) in enumerate(selected):
        col = field.get_col(alias)
        found = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if found:
            converters.append((i, tuple(found), col))
    columns = ", ".join(f"{qn(alias)}.{qn(f.column)}" for alias, f in selected)
    return _Plan(
        head=f"SELECT {columns} FROM {source} WHERE {qn(_MAIN)}.{qn(_field(model, column).column)}",
        attnames=tuple(f.attname for f in fields),
        converters=tuple(converters),
        related_attnames=tuple(f.attname for f in joined),
        datetimes=tuple(
            i for i, (_, f) in enumerate(selected) if isinstance(f, models.DateTimeField)
        ),
    )


def _field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    try:
        field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    except FieldDoesNotExist:
        field = None
    if not isinstance(field, models.Field) or not field.concrete:
        raise ValueError(f"{model._meta.label} has no column {name}.")
    return field


def _parent(model: type[models.Model], related: str) -> type[models.Model]:
    remote = _field(model, related).remote_field
    if remote is None or not isinstance(remote.model, type):
        raise ValueError(f"{model._meta.label}.{related} is not a foreign key.")
    return remote.model


def _use_c_timestamptz_loader(cursor: Any) -> None:
    """Read this cursor's date-times with psycopg's default loader.

    Django registers a loader of its own for ``timestamptz`` (psycopg's pure-Python one, which
    then sets the connection's time zone); a thousand rows of a record carry two thousand
    date-times, and their parsing adds up in a bulk edit. psycopg's default loader is written
    in C when its binary package is installed, as ours is; it reads the value in the session's
    time zone, and ``_converted`` then sets the time zone as Django's loader does."""
    cursor.cursor.adapters.register_loader("timestamptz", _default_timestamptz_loader())


@cache
def _default_timestamptz_loader() -> type:
    import psycopg
    from psycopg.pq import Format

    oid = psycopg.postgres.types["timestamptz"].oid
    return psycopg.adapters.get_loader(oid, Format.TEXT)  # type: ignore[return-value]


def _select(
    model: type[models.Model],
    column: str,
    values: Iterable[Any],
    names: tuple[str, ...] | None,
    *,
    lock: bool = False,
    related: str | None = None,
    using: str | None = None,
) -> tuple[str, _Plan, list[list[Any]]]:
    """Run the plan's SELECT for ``values``; the database alias, the plan and converted rows."""
    wanted = list(dict.fromkeys(values))
    db = using or (router.db_for_write(model) if lock else router.db_for_read(model))
    connection = connections[db]
    if lock and connection.get_autocommit():
        # As select_for_update: a lock outside a transaction would end with the statement.
        raise TransactionManagementError("A locked read must run inside a transaction.")
    plans: dict[_PlanKey, _Plan] = connection_cache(connection, "read_plans")
    key = (model, column, names, related)
    plan = plans.get(key) or plans.setdefault(key, _build(*key, connection))
    if not wanted:
        return db, plan, []
    qn = connection.ops.quote_name
    tail = f" ORDER BY {qn(_MAIN)}.{qn(_field(model, 'pk').column)}"
    if lock and connection.features.has_select_for_update:
        tail += f" FOR UPDATE OF {qn(_MAIN)}" if related else " FOR UPDATE"
    rows, zoned = _fetch(connection, plan, wanted, tail)
    return db, plan, _converted(connection, plan, rows, zoned)


def _fetch(
    connection: BaseDatabaseWrapper, plan: _Plan, wanted: list[Any], tail: str
) -> tuple[list[Any], tuple[int, ...]]:
    """The plan's rows for ``wanted`` (one ``= ANY`` query on PostgreSQL, batches of ``IN`` on
    SQLite) and the columns whose date-times still need the connection's time zone."""
    rows: list[Any] = []
    zoned: tuple[int, ...] = ()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if plan.datetimes:
                _use_c_timestamptz_loader(cursor)
                zoned = plan.datetimes
            cursor.execute(f"{plan.head} = ANY(%s){tail}", [wanted])
            rows = cursor.fetchall()
        else:
            for start in range(0, len(wanted), SQLITE_BATCH):
                batch = wanted[start : start + SQLITE_BATCH]
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(f"{plan.head} IN ({marks}){tail}", batch)
                rows.extend(cursor.fetchall())
    return rows, zoned


def _converted(
    connection: BaseDatabaseWrapper, plan: _Plan, rows: list[Any], zoned: tuple[int, ...]
) -> list[list[Any]]:
    """``rows`` as Python values: the ``zoned`` date-times in the connection's time zone, then
    each column through the plan's converters (the database backend's and the field's)."""
    converted = []
    zone = connection.timezone
    for row in rows:
        values_ = list(row)
        for i in zoned:
            if values_[i] is not None:
                values_[i] = values_[i].replace(tzinfo=zone)
        for i, converters, col in plan.converters:
            value = values_[i]
            for convert in converters:
                value = convert(value, col, connection)
            values_[i] = value
        converted.append(values_)
    return converted


@cache
def constructor_free(model: type[models.Model]) -> bool:
    """Whether instances of ``model`` may be made without the constructor (``_instances``,
    ``writes.Builder``): no class it inherits from
    but ``Model`` defines ``__init__``, it does not override ``from_db``, and it has no file
    field (an ``ImageField`` with dimension fields fills them from Django's ``post_init``
    signal). Liaison connects no signal receivers (tests/test_architecture.py)."""
    return (
        # No class of the model's MRO but Model itself has an __init__ (Model's calls super()).
        not any("__init__" in vars(k) for k in model.__mro__ if k not in (models.Model, object))
        and model.from_db.__func__ is models.Model.from_db.__func__  # type: ignore[attr-defined]
        and not any(isinstance(f, models.FileField) for f in model._meta.concrete_fields)
    )


def _instances(model: type[M], db: str, attnames: tuple[str, ...], rows: Iterable[Any]) -> list[M]:
    """Instances of ``model`` holding ``rows`` (every concrete column, in field order), loaded
    from ``db``: the state ``Model.from_db`` leaves, without running the constructor.

    The constructor walks all 48 fields through their descriptors for each row, a large part
    of a bulk edit's engine time. This sets the column values directly, as unpickling
    an instance does. Other models go through ``from_db`` (see ``constructor_free``).
    """
    if not constructor_free(model):
        return [model.from_db(db, attnames, row) for row in rows]
    objs = []
    new = model.__new__
    for row in rows:
        obj = new(model)
        obj.__dict__.update(zip(attnames, row, strict=True))
        state = obj._state = ModelState()
        state.adding = False
        state.db = db
        objs.append(obj)
    return objs


def rows_where(
    model: type[M],
    column: str,
    values: Iterable[Any],
    *,
    lock: bool = False,
    related: str | None = None,
) -> list[M]:
    """The rows of ``model`` whose ``column`` holds one of ``values``, ordered by primary key
    (the lock order), as instances; ``lock`` locks them for the rest of the transaction.

    ``related`` names a foreign key whose record comes in the same statement (a left join, as
    ``select_related``); with ``lock`` only the rows of ``model`` are locked.
    """
    db, plan, rows = _select(model, column, values, None, lock=lock, related=related)
    width = len(plan.attnames)
    parent_model = _parent(model, related) if related else None
    objs = _instances(model, db, plan.attnames, (row[:width] for row in rows))
    if parent_model is not None:
        for obj, row in zip(objs, rows, strict=True):
            if row[width] is not None:  # the joined row's key
                parent = _instances(parent_model, db, plan.related_attnames, [row[width:]])
                setattr(obj, str(related), parent[0])
    if len(objs) > 1:
        objs.sort(key=lambda o: o.pk)  # several IN lists on SQLite are each in order
    return objs


def values_where(
    model: type[models.Model],
    column: str,
    values: Iterable[Any],
    names: tuple[str, ...],
    *,
    lock: bool = False,
    using: str | None = None,
) -> list[tuple[Any, ...]]:
    """The ``names`` columns (attnames: ``contact_id``) of the rows whose ``column`` holds one
    of ``values``, as tuples (in no guaranteed order): a cheap ``values_list``. ``lock`` locks
    the rows, as ``rows_where`` does (in primary key order); ``using`` names the database (by
    default the router's)."""
    _, _, rows = _select(model, column, values, names, lock=lock, using=using)
    return [tuple(row) for row in rows]


def row_for_update(model: type[M], pk: Any) -> M:
    """The row of ``model`` with primary key ``pk``, locked for the rest of the transaction;
    raises ``model.DoesNotExist`` (as ``QuerySet.get`` does) when there is none."""
    rows = rows_where(model, "pk", [pk], lock=True)
    if not rows:
        raise model.DoesNotExist(f"{model._meta.object_name} matching pk={pk} does not exist.")  # type: ignore[attr-defined]
    return rows[0]
