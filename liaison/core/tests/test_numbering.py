"""Number series: increments keep their width, ranges end, numbers are never handed out twice."""

from __future__ import annotations

import pytest
from django.db import transaction

from liaison.core.errors import NumberSeriesError
from liaison.core.models import NoSeries, NoSeriesLine
from liaison.core.numbering import increment_number, numbers_draw


def test_increment_keeps_the_width_and_prefix() -> None:
    assert increment_number("CT000009") == "CT000010"
    assert increment_number("C00010", 10) == "C00020"
    assert increment_number("2026-INV-099") == "2026-INV-100"


def test_number_without_digits_cannot_be_incremented() -> None:
    with pytest.raises(NumberSeriesError):
        increment_number("ABC")


def test_draw_a_range_then_a_closed_series_refuses() -> None:
    series = NoSeries.objects.create(code="T")
    NoSeriesLine.objects.create(series=series, starting_no="T1", ending_no="T3")
    with transaction.atomic():
        assert numbers_draw(series, 2) == ["T1", "T2"]
        assert numbers_draw(series, 1) == ["T3"]
        with pytest.raises(NumberSeriesError, match="no open line"):
            numbers_draw(series, 1)


def test_taken_numbers_are_skipped() -> None:
    series = NoSeries.objects.create(code="S")
    NoSeriesLine.objects.create(series=series, starting_no="S01")
    with transaction.atomic():
        assert numbers_draw(series, 2, taken=lambda c: {"S01"}) == ["S02", "S03"]


def test_series_without_automatic_numbers_refuses() -> None:
    series = NoSeries.objects.create(code="M", default_nos=False)
    with transaction.atomic(), pytest.raises(NumberSeriesError, match="automatic"):
        numbers_draw(series, 1)
