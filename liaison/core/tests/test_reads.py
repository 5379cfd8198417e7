"""``rows_where`` / ``values_where``: the compiler-free reads of the engine and the API's hot paths.

Core's own models stand in for the parties here (core imports no other app); the parties'
dates and flags are checked in ``contacts/tests/test_reads_parties.py``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import connection, connections, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from liaison.core.models import NoSeries, NoSeriesLine
from liaison.core.reads import SQLITE_BATCH, row_for_update, rows_where, values_where
from liaison.core.update import snapshot


def _series(count: int) -> list[NoSeries]:
    return NoSeries.objects.bulk_create(
        NoSeries(code=f"R{i:04d}", description=f"Series {i}", manual_nos=i % 2 == 0)
        for i in range(count)
    )


def test_rows_hold_the_same_values_as_the_orm_reads() -> None:
    # given series with true and false flags, and a line with a key, numbers and text
    first, second = _series(2)
    NoSeriesLine.objects.create(series=first, starting_no="A001", ending_no="A999", open=False)
    # when
    series = rows_where(NoSeries, "pk", [second.pk, first.pk])
    lines = rows_where(NoSeriesLine, "series", [first.pk])
    # then every column equals what the ORM reads, with the same Python types
    for got in [*series, *lines]:
        expected = snapshot(type(got)._default_manager.get(pk=got.pk))
        assert snapshot(got) == expected
        assert [type(v) for v in snapshot(got).values()] == [type(v) for v in expected.values()]
    assert not series[0]._state.adding
    assert series[0]._state.db == "default"


def test_a_read_instance_saves_and_follows_its_foreign_key_as_an_orm_one_does() -> None:
    # given a line of a series, read without the constructor
    first, second = _series(2)
    NoSeriesLine.objects.create(series=first, starting_no="C001")
    (line,) = rows_where(NoSeriesLine, "series", [first.pk])
    # when its foreign key is followed, then moved to another series and saved
    assert line.series.code == first.code
    line.series_id = second.pk
    line.ending_no = "C999"
    line.save()
    # then the cached series was dropped with the move, and the stored row has both changes
    assert line.series.code == second.code
    stored = NoSeriesLine.objects.get(pk=line.pk)
    assert (stored.series_id, stored.ending_no) == (second.pk, "C999")


class _CountedSeries(NoSeries):
    """A series whose ``from_db`` counts its calls: a model that customises loading."""

    loaded: ClassVar[int] = 0

    class Meta:
        proxy = True
        app_label = "core"

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> _CountedSeries:
        cls.loaded += 1
        return super().from_db(db, field_names, values)


def test_a_model_that_customises_loading_is_loaded_through_its_from_db() -> None:
    # given three series, and a model of them that overrides from_db
    _series(3)
    _CountedSeries.loaded = 0
    # when they are read as that model
    got = rows_where(_CountedSeries, "code", ["R0000", "R0001", "R0002"])
    # then its from_db made each of them
    assert _CountedSeries.loaded == 3
    assert [type(s) for s in got] == [_CountedSeries] * 3


class _Marks:
    """A mixin whose ``__init__`` runs after ``Model``'s (``Model.__init__`` calls super())."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.marked = True


class _MarkedSeries(NoSeries, _Marks):
    class Meta:
        proxy = True
        app_label = "core"


def test_a_model_whose_mixin_has_an_init_is_built_through_its_constructor() -> None:
    _series(2)
    got = rows_where(_MarkedSeries, "code", ["R0000", "R0001"])
    assert [getattr(s, "marked", False) for s in got] == [True, True]


def test_rows_come_in_primary_key_order_also_beyond_one_statement() -> None:
    # given more series than one IN list holds on SQLite
    series = _series(SQLITE_BATCH + 5)
    wanted = [s.pk for s in reversed(series)]
    # when
    got = rows_where(NoSeries, "pk", wanted)
    # then all of them, in key order (the engine's lock order)
    assert [s.pk for s in got] == sorted(wanted)


def test_no_values_read_nothing() -> None:
    with CaptureQueriesContext(connection) as ctx:
        assert rows_where(NoSeries, "pk", []) == []
    assert len(ctx.captured_queries) == 0


def test_the_related_record_comes_in_the_same_statement() -> None:
    # given a line of a series
    (series,) = _series(1)
    NoSeriesLine.objects.create(series=series, starting_no="B001")
    # when read with its series
    with CaptureQueriesContext(connection) as ctx:
        (line,) = rows_where(NoSeriesLine, "series", [series.pk], related="series")
        code = line.series.code
    # then one statement, and the series is the stored one
    assert len(ctx.captured_queries) == 1
    assert code == series.code
    assert snapshot(line.series) == snapshot(NoSeries.objects.get(pk=series.pk))


def test_a_locked_read_names_for_update_where_the_database_has_row_locks() -> None:
    (series,) = _series(1)
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        row_for_update(NoSeries, series.pk)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert ("FOR UPDATE" in sql) == connection.features.has_select_for_update


def test_a_missing_row_raises_does_not_exist() -> None:
    with pytest.raises(NoSeries.DoesNotExist, match="pk=424242"):
        row_for_update(NoSeries, 424242)


def test_values_are_read_as_tuples_of_the_named_columns() -> None:
    # given
    first, second = _series(2)
    NoSeriesLine.objects.create(series=first, starting_no="C001")
    # when
    got = values_where(NoSeriesLine, "series_id", [first.pk, second.pk], ("series_id", "open"))
    # then foreign keys by their column, flags as booleans
    assert got == [(first.pk, True)]


def test_an_unknown_column_is_refused() -> None:
    with pytest.raises(ValueError, match="has no column colour"):
        rows_where(NoSeries, "colour", ["red"])


@pytest.mark.django_db(transaction=True)
def test_a_locked_read_outside_a_transaction_is_refused() -> None:
    # given autocommit, where a row lock would end with its own statement
    (series,) = _series(1)
    # when / then
    with pytest.raises(TransactionManagementError, match="inside a transaction"):
        rows_where(NoSeries, "pk", [series.pk], lock=True)


def test_the_statements_are_cached_on_the_connection_itself() -> None:
    # given a read (its plan refers to the connection through its converters)
    _series(1)
    rows_where(NoSeries, "code", ["R0000"])
    # then the plan lives on the connection: a finished thread's connection is not kept alive
    plans = vars(connections["default"]).get("_liaison_read_plans")
    assert plans
    assert any(key[0] is NoSeries for key in plans)
