"""CSV export of contacts, customers, vendors and bank accounts.

Export streams a table in number order, in the columns the import takes (``columns``), and
neutralises spreadsheet formulas unless asked for the raw values (``formula_escape``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, TextIO

from liaison.batch.bulk import COMPANY_NUMBER
from liaison.batch.columns import columns, formula_escape, model_of

EXPORT_CHUNK_SIZE = 2000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_export(kind: str, out: TextIO, *, raw: bool = False) -> int:
    """Write every record of ``kind`` to ``out`` as CSV in number order; returns the rows.

    A cell that a spreadsheet would run as a formula is written behind a quote
    (``formula_escape``; the import reads it back as stored); ``raw`` writes every value as
    stored, for programs. Streams with a database cursor (``iterator``), so memory stays flat
    on big tables.
    """
    writer = csv.writer(out)
    writer.writerow(columns(kind))
    count = 0
    for cells in export_rows(kind):
        writer.writerow(cells if raw else [formula_escape(c) for c in cells])
        count += 1
    return count


def export_rows(kind: str) -> Iterator[list[str]]:
    """Every record of ``kind`` in number order as the text of its ``columns`` (booleans as
    true/false), as stored; streamed with a database cursor. The CSV and XLSX exports' rows."""
    paths = ["company__number" if n == COMPANY_NUMBER else n for n in columns(kind)]
    rows = model_of(kind)._default_manager.order_by("number").values_list(*paths)
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield [_cell(v) for v in row]
