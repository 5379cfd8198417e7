"""``write_columns``: the set-based column write the engine and the bulk services use.

Core's own models stand in for the parties here (core imports no other app).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from liaison.core.errors import NotFound
from liaison.core.models import NoSeries, NoSeriesLine
from liaison.core.update import model_update, snapshot
from liaison.core.writes import Builder, insert_rows, insert_values, prepared_rows, write_columns


def _series(count: int) -> list[NoSeries]:
    return NoSeries.objects.bulk_create(
        NoSeries(code=f"W{i:03d}", description=f"Series {i}") for i in range(count)
    )


def test_only_the_named_columns_are_written() -> None:
    # given series changed in memory in two columns
    series = _series(3)
    for i, s in enumerate(series):
        s.description, s.manual_nos, s.default_nos = f"Changed {i}", True, False
    # when only the description and the manual flag are written
    written = write_columns(series, ["description", "manual_nos"])
    # then
    assert written == 3
    stored = NoSeries.objects.filter(code__startswith="W").order_by("code")
    assert list(stored.values_list("description", "manual_nos", "default_nos")) == [
        (f"Changed {i}", True, True) for i in range(3)
    ]


_AWKWARD = ["q\"uo'te", "back\\slash", "com,ma", "{brace}", "NULL", "", " sp ", "ünï ✓"]


def test_written_values_arrive_as_they_were_whatever_characters_they_hold() -> None:
    # given series whose text holds quotes, separators and words the driver must escape, and
    # a flag; and two lines of which one moves to another series
    series = _series(len(_AWKWARD))
    other = NoSeries.objects.create(code="OTHER")
    for i, (s, text) in enumerate(zip(series, _AWKWARD, strict=True)):
        s.description, s.manual_nos = text, i % 2 == 0
    lines = [NoSeriesLine.objects.create(series=s, starting_no="A001") for s in series[:2]]
    lines[0].series = other
    # when
    write_columns(series, ["description", "manual_nos"])
    write_columns(lines, ["series"])
    # then
    stored = {s.code: (s.description, s.manual_nos) for s in NoSeries.objects.all()}
    for i, (s, text) in enumerate(zip(series, _AWKWARD, strict=True)):
        assert stored[s.code] == (text, i % 2 == 0)
    assert stored["OTHER"] == ("", False)
    stored_lines = NoSeriesLine.objects.filter(pk__in=[x.pk for x in lines]).order_by("pk")
    assert [x.series_id for x in stored_lines] == [other.pk, series[1].pk]


def test_a_foreign_key_is_written_by_its_field_name() -> None:
    # given
    first, second = _series(2)
    line = NoSeriesLine.objects.create(series=first, starting_no="A001")
    line.series = second
    # when
    write_columns([line], ["series"])
    # then
    assert NoSeriesLine.objects.get(pk=line.pk).series_id == second.pk


def test_one_statement_whatever_the_number_of_rows() -> None:
    # given
    series = _series(60)
    for s in series:
        s.description = "changed"
    # when
    with CaptureQueriesContext(connection) as three:
        write_columns(series[:3], ["description"])
    with CaptureQueriesContext(connection) as fifty_seven:
        write_columns(series[3:], ["description"])
    # then
    assert len(three.captured_queries) == len(fifty_seven.captured_queries)
    assert NoSeries.objects.filter(description="changed").count() == 60


def test_unsaved_objects_keys_and_expressions_are_refused() -> None:
    # given
    (series,) = _series(1)
    # when / then
    with pytest.raises(ValueError, match="saved objects"):
        write_columns([NoSeries(code="NEW")], ["description"])
    with pytest.raises(ValueError, match="non-key fields: id"):
        write_columns([series], ["id"])
    series.description = NoSeries.objects.values("code")[:1]  # type: ignore[assignment]
    with pytest.raises(ValueError, match="not expressions: description"):
        write_columns([series], ["description"])


def test_nothing_to_write_costs_nothing() -> None:
    # when / then
    with CaptureQueriesContext(connection) as ctx:
        assert write_columns([], ["description"]) == 0
    assert ctx.captured_queries == []


def test_insert_rows_stores_many_new_rows_in_one_statement() -> None:
    # given 300 new series (bulk_create would need four statements on SQLite)
    new = [NoSeries(code=f"I{i:03d}", description=f"Inserted {i}") for i in range(300)]
    # when
    with CaptureQueriesContext(connection) as ctx:
        inserted = insert_rows(new)
    # then
    assert inserted == 300
    assert len(ctx.captured_queries) == 1
    assert NoSeries.objects.filter(code__startswith="I").count() == 300
    assert NoSeries.objects.get(code="I299").description == "Inserted 299"


# Every column of a series line but its key, in the order the rows below give them.
_LINE_COLUMNS = (
    "series_id",
    "line_no",
    "starting_no",
    "ending_no",
    "increment_by",
    "last_no_used",
    "open",
)


def test_a_column_holding_values_of_another_type_is_prepared_as_the_orm_would() -> None:
    # given rows whose text and number columns hold a mix of plain values and others: an int
    # and a bool for text columns (the driver alone would store the bool as 1 or t), a numeric
    # string for a number column
    (series,) = NoSeries.objects.bulk_create([NoSeries(code="MIX")])
    rows = [
        (series.pk, 10000, "M001", "M999", 1, "", True),
        (series.pk, "20000", 1001, True, 2, "", 1),
    ]
    # when
    insert_values(NoSeriesLine, _LINE_COLUMNS, rows)
    # then each value is stored as its field's type, as the ORM stores it
    stored = NoSeriesLine.objects.filter(series=series).order_by("line_no")
    assert [(x.line_no, x.starting_no, x.ending_no, x.open) for x in stored] == [
        (10000, "M001", "M999", True),
        (20000, "1001", "True", True),
    ]


class _Start(models.TextChoices):
    FIRST = "C001", "First"


def test_a_text_column_of_choices_members_is_stored_as_their_values() -> None:
    # given a text column holding a TextChoices member (a subclass of str), beside plain text
    (series,) = NoSeries.objects.bulk_create([NoSeries(code="CHO")])
    rows = [
        (series.pk, 10000, _Start.FIRST, "C999", 1, "", True),
        (series.pk, 20000, "D001", _Start.FIRST, 1, "", True),
    ]
    # when
    insert_values(NoSeriesLine, _LINE_COLUMNS, rows)
    # then the values are stored, and read back as plain text
    stored = NoSeriesLine.objects.filter(series=series).order_by("line_no")
    assert [(x.starting_no, x.ending_no) for x in stored] == [("C001", "C999"), ("D001", "C001")]
    assert {type(x.starting_no) for x in stored} == {str}


def test_a_repeated_hour_is_prepared_as_the_two_instants_it_is() -> None:
    # given a date-time column holding the two passes through Oslo's repeated hour (equal in
    # Python, an hour apart), between two values in UTC
    field = get_user_model()._meta.get_field("date_joined")
    assert isinstance(field, models.DateTimeField)
    first = datetime(2024, 10, 27, 2, 30, tzinfo=ZoneInfo("Europe/Oslo"))
    second = first.replace(fold=1)
    values = [timezone.now(), first, second, first]
    # when the column is prepared for the driver
    got = [row[0] for row in prepared_rows([field], [values], connection)]
    # then as value by value: the second pass stays an hour after the first
    expected = [field.get_db_prep_save(v, connection) for v in values]
    assert [_instant(v) for v in got] == [_instant(v) for v in expected]
    assert _instant(got[2]) - _instant(got[1]) == timedelta(hours=1)


def _instant(value: Any) -> datetime:
    """A prepared date-time as an instant: PostgreSQL's driver takes the aware value, SQLite's
    a UTC string."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def test_insert_values_refuses_rows_that_do_not_match_the_columns() -> None:
    (series,) = NoSeries.objects.bulk_create([NoSeries(code="BAD")])
    with pytest.raises(ValueError, match="rows of 3 values for 2 columns"):
        insert_values(NoSeriesLine, ("series_id", "starting_no"), [(series.pk, "B1", "x")])
    assert not NoSeriesLine.objects.filter(series=series).exists()


def test_insert_rows_reads_the_new_keys_back_by_a_unique_column() -> None:
    # given new series and a line for each, which needs its series' key
    new = [NoSeries(code=f"K{i:03d}") for i in range(50)]
    # when
    with CaptureQueriesContext(connection) as ctx:
        insert_rows(new, keys_by="code")
    lines = [NoSeriesLine(series=s, starting_no=f"{s.code}-1") for s in new]
    insert_rows(lines)
    # then one insert and one read, each object holds its stored key and counts as saved
    assert len(ctx.captured_queries) == 2
    stored = dict(NoSeries.objects.filter(code__startswith="K").values_list("code", "pk"))
    assert {s.code: s.pk for s in new} == stored
    assert not any(s._state.adding for s in new)
    assert NoSeriesLine.objects.get(starting_no="K049-1").series_id == stored["K049"]


def test_insert_rows_refuses_a_read_back_column_given_twice() -> None:
    with pytest.raises(ValueError, match="code must be unique"):
        insert_rows([NoSeries(code="D1"), NoSeries(code="D1", description="x")], keys_by="code")


def test_insert_rows_takes_the_key_of_a_related_object_saved_after_it_was_assigned() -> None:
    # given a line assigned to a series before the series had a key
    series = NoSeries(code="LATE")
    line = NoSeriesLine(series=series, starting_no="L001")
    insert_rows([series], keys_by="code")
    # when
    insert_rows([line])
    # then the line points at the series, as bulk_create would have stored it
    assert NoSeriesLine.objects.get(starting_no="L001").series_id == series.pk


def test_insert_rows_refuses_an_unsaved_related_object() -> None:
    line = NoSeriesLine(series=NoSeries(code="NEVER"), starting_no="N001")
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_rows([line])
    assert not NoSeriesLine.objects.filter(starting_no="N001").exists()


def test_a_model_update_of_a_deleted_row_is_an_error() -> None:
    # given a series read, then deleted by someone else
    (series,) = _series(1)
    NoSeries.objects.filter(pk=series.pk).delete()
    # when / then
    with pytest.raises(NotFound, match="no longer exists"):
        model_update(series, {"description": "late"}, allowed={"description"})


def test_a_builder_makes_the_instances_the_constructor_makes() -> None:
    # given values by field name, and a common value for every instance
    builder = Builder(NoSeries, description="Common")
    # when
    built = builder.new({"code": "B1", "manual_nos": True})
    made = NoSeries(code="B1", manual_nos=True, description="Common")
    # then the same columns, and the defaults of the fields not given
    assert snapshot(built) == snapshot(made)
    assert built._state.adding
    assert built.default_nos is True
    assert built._state.db is None
    # and nothing else in the instance's state: it saves and reloads as one made normally
    assert set(vars(built)) == set(vars(made))
    built.save()
    assert snapshot(NoSeries.objects.get(code="B1")) == snapshot(built)


def test_a_builder_values_are_not_shared_between_instances() -> None:
    builder = Builder(NoSeries)
    first, second = builder.new({"code": "B1"}), builder.new({"code": "B2"})
    first.description = "changed"
    assert second.description == ""
    assert (first.code, second.code) == ("B1", "B2")


def test_a_builder_takes_a_related_object_through_the_constructor() -> None:
    (series,) = _series(1)
    line = Builder(NoSeriesLine).new({"series": series, "starting_no": "F001"})
    assert line.series_id == series.pk
    assert line.line_no == 10000
