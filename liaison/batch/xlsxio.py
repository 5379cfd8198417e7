"""Excel workbooks (.xlsx) beside CSV, for ``liaison import`` and ``liaison export``.

Import goes through the very CSV import (``imports.pipeline.csv_import``): ``xlsx_lines`` reads the
first sheet with openpyxl in read-only streaming mode and gives each row as the CSV line that
says the same, so the header check, the parsers, the per-row report, the chunks and the
import runs (resume, and a repeat of the same file doing nothing: by the file's SHA-256) are
the CSV import's own. Rows are numbered as in CSV: the row after the header is row 1, empty
rows are skipped. A cell becomes the text a person typed: a number as its digits (a phone
stored as the number 4722334455 is "4722334455", not "4722334455.0"), a date as ISO text
(2024-03-01, or 2024-03-01T10:30:00 with a time), TRUE/FALSE as true/false, an empty cell as
blank. A formula cell gives the value the spreadsheet calculated and saved with the file
(openpyxl's ``data_only``), not the formula; a file saved by a program that never calculated
it has no value there, and the cell reads as blank. An error value reads as its text (#N/A).

Export writes every value as a text cell (an inline string), never as a formula or a number:
a spreadsheet does not evaluate a text cell, so the CSV export's quote before ``= + - @`` is
not needed, and "=HYPERLINK(...)" or "+47 22 33 44 55" is shown as it is stored. openpyxl would
store a string that starts with "=" as a formula (and "#N/A" as an error): each cell is made a
string cell explicitly. Only a value that begins with a quote and then a formula character
("'=x") gets one quote more, as in CSV, because the import takes exactly that quote off
(``formula_unescape``, the same rule for both formats). Characters XML cannot hold (control
characters) and the carriage return (which XML turns into a line feed) are written in the
format's own escape, ``_x000D_``, which the import reads back, so export then import changes
nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from liaison.batch.columns import columns, formula_escape
from liaison.batch.exports import export_rows
from liaison.core.errors import DomainError

if TYPE_CHECKING:
    from collections.abc import Callable

    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# openpyxl is imported where a workbook is read or written: a CSV command does not wait for it.

SUFFIX = ".xlsx"
MAX_ROWS = 1_048_576  # rows of a sheet, the header included
# openpyxl warns on stderr about what it makes good itself (a missing default style, a date
# out of range read as #VALUE!): not the user's business, and not one line per file.
warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
# The characters XML 1.0 cannot hold, and CR (a parser turns it into LF), written as _xHHHH_;
# and an underscore that would be read as the start of such an escape, written as _x005F_.
_TO_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\r]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


class XlsxUnreadable(DomainError):
    """A file named .xlsx that openpyxl cannot read as a workbook (not a zip, damaged, another
    format renamed): nothing of it is imported."""

    code = "xlsx_unreadable"


class XlsxTooLarge(DomainError):
    """More records than a sheet has rows."""

    code = "xlsx_too_large"


def is_xlsx(path: str) -> bool:
    """Whether the import or export of ``path`` is an Excel workbook (by its extension)."""
    return path != "-" and path.lower().endswith(SUFFIX)


def _number(value: float) -> str:
    """A number as typed: an integer-valued float without ".0", others in plain decimals."""
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def cell_text(value: Any) -> str:
    """The text of a cell value as openpyxl reads it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), value) if "_x" in value else value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


class XlsxLines:
    """The rows of a workbook's first sheet as CSV lines, one a row: the first row that is not
    empty is the header, empty rows are left out, trailing empty cells dropped. ``rows`` is
    the number of data rows the sheet says it has (an estimate, for the progress bar), or None.
    """

    def __init__(self, path: str, rows: Iterator[tuple[Any, ...]], stated: int | None) -> None:
        self.path = path
        self.rows = None if stated is None else max(stated - 1, 0)
        self._sheet_rows = rows
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer)

    def _line(self, cells: list[str]) -> str:
        self._buffer.seek(0)
        self._buffer.truncate()
        self._writer.writerow(cells)
        return self._buffer.getvalue()

    def __iter__(self) -> Iterator[str]:
        width: int | None = None
        for values in self._read():
            cells = [cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            if width is None:  # the header
                width = len(cells)
            elif len(cells) < width:
                cells += [""] * (width - len(cells))
            yield self._line(cells)

    def _read(self) -> Iterable[tuple[Any, ...]]:
        number = 0
        while True:
            number += 1
            try:
                values = next(self._sheet_rows)
            except StopIteration:
                return
            except Exception as exc:  # openpyxl raises what its parser meets: all mean damage
                raise XlsxUnreadable(
                    _(
                        "{path}: row {row} of the first sheet cannot be read ({said}): the file "
                        "is damaged. The rows from that chunk on were not imported (the chunks "
                        "before it were)."
                    ).format(path=self.path, row=number, said=_said(exc))
                ) from exc
            yield values


def _said(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


@contextmanager
def xlsx_lines(path: str) -> Iterator[XlsxLines]:
    """The first sheet of the workbook at ``path`` as CSV lines for ``csv_import``.

    Raises ``XlsxUnreadable`` when the file is not a workbook openpyxl can read; OSError (the
    file is missing or cannot be read) as it is."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except OSError:
        raise
    except Exception as exc:  # BadZipFile, KeyError, XML errors...: all "not an xlsx"
        raise XlsxUnreadable(
            _(
                "{path} cannot be read as an Excel workbook ({said}): save it from the "
                "spreadsheet as an Excel Workbook (.xlsx), or as CSV (UTF-8) under a .csv name."
            ).format(path=path, said=_said(exc))
        ) from exc
    try:
        if not book.worksheets:
            raise XlsxUnreadable(
                _("{path} has no worksheet: its first sheet must hold the rows.").format(path=path)
            )
        sheet = book.worksheets[0]
        stated = sheet.max_row  # from the file's own dimension: may be wrong, only an estimate
        # A wrong dimension would cut the rows short: read every row the sheet holds.
        sheet.reset_dimensions()
        yield XlsxLines(path, sheet.iter_rows(values_only=True), stated)
    finally:
        book.close()


def _xml_text(text: str) -> str:
    return _TO_ESCAPE.sub(
        lambda m: "_x005F_" if m.group() == "_" else f"_x{ord(m.group()):04X}_", text
    )


def _text_cells(sheet: WriteOnlyWorksheet) -> Callable[[str], Cell | None]:
    """How a text becomes a string cell of ``sheet`` (None for a blank: no cell at all)."""
    from openpyxl.cell import WriteOnlyCell

    def text_cell(text: str) -> Cell | None:
        if not text:
            return None
        cell = WriteOnlyCell(sheet, value=_xml_text(text))
        cell.data_type = "s"  # openpyxl made "=..." a formula and "#N/A" an error: text it is
        return cell

    return text_cell


def xlsx_export(kind: str, path: str, *, raw: bool = False) -> int:
    """Write every record of ``kind`` to a new workbook at ``path`` (one sheet, the columns of
    ``columns.columns``, every value a text cell); returns the rows. Streams: openpyxl's
    write-only workbook keeps no row in memory. ``raw`` writes every value as stored, without
    the quote before a quote-led formula character (see the module's doc).

    Raises ``XlsxTooLarge`` (and leaves no file) when the records do not fit in a sheet."""
    from openpyxl import Workbook

    target = Path(path)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=f"{kind}s")
    text_cell = _text_cells(sheet)
    with target.open("wb") as out:  # refuses an unwritable place before any query
        try:
            sheet.append([text_cell(name) for name in columns(kind)])
            count = 0
            for cells in export_rows(kind):
                count += 1
                if count >= MAX_ROWS:
                    raise XlsxTooLarge(
                        _(
                            "There are more {kind}s than the {rows:,} rows an Excel sheet holds "
                            "below its header: export them as CSV."
                        ).format(kind=kind.replace("_", " "), rows=MAX_ROWS - 1)
                    )
                sheet.append([text_cell(c if raw else _keep_quote(c)) for c in cells])
            book.save(out)
        except BaseException:
            _abandon(sheet)
            out.close()
            with suppress(OSError):
                target.unlink()
            raise
    return count


def _abandon(sheet: WriteOnlyWorksheet) -> None:
    """Close a sheet that will not be saved and remove the temporary file openpyxl streams
    its rows to (else it writes to that closed file when the sheet is collected)."""
    with suppress(Exception):
        if not sheet.closed:
            sheet.close()
    with suppress(Exception):
        sheet._writer.cleanup()  # type: ignore[attr-defined]


def _keep_quote(text: str) -> str:
    """One quote more before a value the import would take one off (only "'=..."-like)."""
    return formula_escape(text) if text[:1] == "'" else text
