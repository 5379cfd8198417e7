"""Reading a file's header into fields, and a data row into an item for the bulk writes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from liaison.batch.bulk import COMPANY_NUMBER, Item
from liaison.batch.columns import columns, formula_unescape, model_of
from liaison.batch.imports.column_map import ERROR_COLUMN, ColumnMap
from liaison.batch.imports.numbers_seen import NumbersSeen
from liaison.batch.imports.results import ImportResult, RowError
from liaison.batch.imports.rows import Row
from liaison.core.errors import ValidationFailed

_TRUE = frozenset({"true", "t", "yes", "y", "1"})
_FALSE = frozenset({"false", "f", "no", "n", "0"})


def header_fields(
    kind: str, names: list[str] | None, mapping: ColumnMap | None = None
) -> list[str]:
    """The header row, checked before any row is read: the field each column is read into
    (``mapping`` first, else the column's own name), every field known and given once. A
    column named ``error`` that the mapping leaves out (an error file's messages) is read
    into nothing: it keeps the name ``error``, whose parser ignores it."""
    allowed = columns(kind)
    if not names:
        raise ValidationFailed(
            "The file is empty: its first line must name the columns, e.g. " + ",".join(allowed[:4])
        )
    if not all(n.strip() for n in names):
        blank = next(i for i, n in enumerate(names) if not n.strip())
        raise ValidationFailed(f"Column {blank + 1} of the header has no name.")
    header = (mapping or ColumnMap()).resolve(names)
    doubled = sorted({n for n in header if header.count(n) > 1})
    if doubled:
        raise ValidationFailed(
            "Columns read into the same field: "
            + "; ".join(
                f"{' and '.join(o.strip() for o, n in zip(names, header, strict=True) if n == d)}"
                f" ({d})"
                for d in doubled
            )
            + ". A field takes one column."
            if mapping and mapping.pairs
            else f"Columns named twice in the header: {', '.join(doubled)}."
        )
    unknown = [n for n in header if n not in allowed and n != ERROR_COLUMN]
    if unknown:
        raise ValidationFailed(
            f"Unknown columns: {', '.join(unknown)}. Nothing was imported. "
            f"Columns for {kind.replace('_', ' ')}s: {', '.join(allowed)}"
            + (
                "; or name the file's own headers onto them with --map HEADER=FIELD."
                if not (mapping and mapping.pairs)
                else "."
            )
        )
    return header


def column_plan(names: Sequence[str], header: Sequence[str]) -> list[tuple[str, str]]:
    """Each of the file's columns and the field it is read into ("" for the ignored error
    column), for the dry run to show."""
    return [
        (name.strip(), "" if field == ERROR_COLUMN else field)
        for name, field in zip(names, header, strict=True)
    ]


def cell_parsers(kind: str) -> dict[str, Callable[[str], Any]]:
    """Per column, how a cell becomes a value. A blank cell clears a text field; for a yes/no
    field or a choice that cannot be blank it means "not given" (default, or left as it is).
    Text is kept as written (an export must import back unchanged), less the quote an export
    puts before a formula (``formula_unescape``, for every column); choices are lower-cased."""
    fields = {f.name: f for f in model_of(kind)._meta.concrete_fields}
    result: dict[str, Callable[[str], Any]] = {}
    for name in columns(kind):
        if name in ("number", COMPANY_NUMBER):
            result[name] = lambda v: formula_unescape(v).strip().upper()
            continue
        f = fields[name]
        if isinstance(f, models.BooleanField):
            result[name] = _boolean
        elif isinstance(f, models.DecimalField):
            result[name] = _decimal
        elif f.choices and not f.blank:
            result[name] = lambda v: formula_unescape(v).strip().lower() or _SKIP
        elif f.choices:
            result[name] = lambda v: formula_unescape(v).strip().lower()
        else:
            result[name] = formula_unescape
    result[ERROR_COLUMN] = lambda v: _SKIP  # an error file's messages: read into nothing
    return result


_SKIP: Any = object()


def _boolean(value: str) -> Any:
    text = value.strip().lower()
    if not text:
        return _SKIP
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f'"{value}" is not a yes/no value: write true or false.')


def _decimal(value: str) -> Any:
    """An amount as an export writes it ("1500.00"); blank: not given."""
    text = formula_unescape(value).strip()
    if not text:
        return _SKIP
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f'"{value}" is not a number: write it like 1500.00.') from None
    if not number.is_finite():
        raise ValueError(f'"{value}" is not a number: write it like 1500.00.')
    return number


def row_item(
    row: int,
    raw: Row | list[RowError],
    parsers: dict[str, Callable[[str], Any]],
    width: int,
    seen: NumbersSeen,
    result: ImportResult,
) -> Item | None:
    """One data row as an item for the bulk writes, or None with its errors recorded."""
    if isinstance(raw, list):  # a record that could not be read, or with a NUL character
        result.errors.extend(raw)
        return None
    if None in raw or any(v is None for v in raw.values()):
        cells = width + len(raw.get(None) or []) - sum(v is None for v in raw.values())
        result.errors.append(
            RowError(row, "", f"{cells} cells but the header names {width} columns.")
        )
        return None
    data: dict[str, Any] = {}
    failed = False
    for name, cell in raw.items():
        try:
            value = parsers[name](cell)  # type: ignore[index]
        except ValueError as exc:
            result.errors.append(RowError(row, str(name), str(exc)))
            failed = True
            continue
        if value is not _SKIP:
            data[str(name)] = value
    number = data.pop("number", "")
    first = seen.first_row(number, row) if number else None
    if first is not None:
        result.errors.append(
            RowError(row, "number", f"{number} is already in row {first} of this file.")
        )
        return None
    return None if failed else Item(row, number, data)
