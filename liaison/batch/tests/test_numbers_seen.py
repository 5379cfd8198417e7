"""``NumbersSeen``: an import's repeated-number check, kept on disk."""

from __future__ import annotations

from liaison.batch.imports.numbers_seen import NumbersSeen


def test_a_number_given_again_names_the_row_that_gave_it_first() -> None:
    with NumbersSeen() as seen:
        assert seen.first_row("C00010", 2) is None
        assert seen.first_row("C00020", 3) is None
        assert seen.first_row("C00010", 7) == 2
        assert seen.first_row("C00010", 9) == 2  # still the first row, not the last


def test_each_import_starts_with_no_numbers_seen() -> None:
    with NumbersSeen() as first:
        first.first_row("C00010", 2)
        with NumbersSeen() as second:
            assert second.first_row("C00010", 5) is None
