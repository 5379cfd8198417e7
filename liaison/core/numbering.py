"""Number series allocation: a locked increment that never hands out a number twice.

Numbers are drawn inside the caller's transaction with the series line locked
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's immediate transactions serialise writers),
so two concurrent writers cannot draw the same number. Ranges are reserved in one update.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.db import transaction

from liaison.core.errors import NumberSeriesError, SetupMissing
from liaison.core.models import NoSeries, NoSeriesLine

_TRAILING_DIGITS = re.compile(r"(\d+)(?!.*\d)")


def increment_number(number: str, by: int = 1) -> str:
    """``CT000009`` + 1 = ``CT000010``: the last group of digits grows, keeping its width."""
    match = _TRAILING_DIGITS.search(number)
    if match is None:
        raise NumberSeriesError(f'Number "{number}" has no digits to increment.')
    digits = match.group(1)
    new = str(int(digits) + by).zfill(len(digits))
    return number[: match.start(1)] + new + number[match.end(1) :]


def _exceeds(number: str, ending: str) -> bool:
    if not ending:
        return False
    return (len(number), number) > (len(ending), ending)


def series_get(code: str, *, setup_field: str) -> NoSeries:
    """The series named by a setup field; spec E-3 when the setup leaves it blank."""
    if not code:
        raise SetupMissing(f"{setup_field} must have a value in the setup: choose a number series.")
    try:
        return NoSeries.objects.get(code=code)
    except NoSeries.DoesNotExist as exc:
        raise SetupMissing(
            f'Number series "{code}" named in {setup_field} does not exist: create it or '
            "choose another."
        ) from exc


def numbers_draw(
    series: NoSeries,
    count: int = 1,
    *,
    taken: Callable[[list[str]], Iterable[str]] | None = None,
) -> list[str]:
    """Draw ``count`` new numbers from ``series`` (spec 1.8; BC skips numbers already used).

    ``taken(candidates)`` returns those candidates that already exist, so they are skipped.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("numbers_draw must run inside the caller's transaction")
    if not series.default_nos:
        raise NumberSeriesError(
            f"Number series {series.code} does not allow automatic numbers: allow them in the "
            "series or type a number."
        )
    result: list[str] = []
    while len(result) < count:
        line = (
            NoSeriesLine.objects.select_for_update()
            .filter(series=series, open=True)
            .order_by("line_no")
            .first()
        )
        if line is None:
            raise NumberSeriesError(
                f"Number series {series.code} has no open line: add a line with a starting number."
            )
        want = count - len(result)
        batch: list[str] = []
        current = line.last_no_used
        for _ in range(want):
            current = increment_number(current, line.increment_by) if current else line.starting_no
            if _exceeds(current, line.ending_no):
                break
            batch.append(current)
        if not batch:
            line.open = False
            line.save(update_fields=["open"])
            continue
        line.last_no_used = batch[-1]
        line.save(update_fields=["last_no_used"])
        used = set(taken(batch)) if taken else set()
        result.extend(n for n in batch if n not in used)
    return result


def number_manual_check(series: NoSeries | None, number: str) -> None:
    """Spec E-4: a typed number needs a series that allows manual numbers."""
    if series is not None and not series.manual_nos:
        raise NumberSeriesError(
            f"Manual numbers are not allowed in number series {series.code}: leave No. blank "
            f'to get the next number instead of "{number}".'
        )
