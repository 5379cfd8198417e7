"""Excel workbooks (.xlsx) beside CSV (issue 15, "imports people actually have"): the import
reads the first sheet through the CSV import's own pipeline (header check, parsers, per-row
report, chunks, runs and a repeat doing nothing), cells as typed text; the export writes every
value as a text cell, so no formula runs, and export then import changes nothing.

Through the functions and through the real ``liaison`` command in child processes (SQLite, or
PostgreSQL when ``DATABASE_URL`` is set: the ``crash_db`` fixture of tests/test_crash.py).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from liaison.batch.imports.pipeline import csv_import
from liaison.batch.imports.results import ImportResult
from liaison.batch.xlsxio import (
    XlsxTooLarge,
    XlsxUnreadable,
    cell_text,
    xlsx_export,
    xlsx_lines,
)
from liaison.contacts.services import contact_create
from liaison.sales.models import Customer
from liaison.sales.services import customer_create_from_contact
from tests.test_crash import CrashDatabase, _ok, crash_db
from tests.test_export_formulas import BLANK, FORMULAS, STORED
from tests.test_import_faults import _error_line

__all__ = ["crash_db"]  # the fixture, imported for the tests below

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["number", "name", "phone_no", "email", "blocked", "city"]
# Two good rows (one with the phone typed as a number), an empty row (skipped, as a blank line
# in CSV), a bad e-mail and a bad yes/no: rows 1 and 4 are stored, rows 2 and 3 refused.
ROWS: list[list[Any]] = [
    HEADER,
    [None, "Anne", 4722334455, "anne@example.com", False, "Oslo"],
    [None, "Bob", "+47 22 33 44 55", "not an e-mail", None, "Oslo"],
    [],
    [None, "Cleo", None, "cleo@example.com", "maybe", "Bergen"],
    [None, "Dora", None, None, True, None],
]
# Beyond the formula cells: what XML cannot hold or changes (a control character, a CR), and
# text that looks like the format's own escape of them.
ODD = {"telex_no": "a\x0bb\r\nc", "telex_answer_back": "_x000D_ _x"}


def _workbook(
    path: Path, rows: Iterable[list[Any]], *, patch: dict[str, str] | None = None
) -> Path:
    """A workbook written by openpyxl with ``rows`` in its first sheet; ``patch`` replaces
    text in the sheet's XML (what openpyxl cannot write: a cached formula value, a float)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    if patch:
        with zipfile.ZipFile(path) as zf:
            parts = {name: zf.read(name) for name in zf.namelist()}
        xml = parts[SHEET].decode()
        for old, new in patch.items():
            assert old in xml, (old, xml)
            xml = xml.replace(old, new)
        parts[SHEET] = xml.encode()
        with zipfile.ZipFile(path, "w") as zf:
            for name, data in parts.items():
                zf.writestr(name, data)
    return path


def _import(path: Path, kind: str = "customer", **options: Any) -> ImportResult:
    with xlsx_lines(str(path)) as lines:
        return csv_import(kind, lines, **options)


def _cells(path: Path) -> list[list[tuple[Any, str]]]:
    """Every cell of the first sheet as (value, data type), openpyxl not calculating."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


def _values(path: Path) -> list[list[Any]]:
    return [[value for value, _ in row] for row in _cells(path)]


def _company_with_a_customer(data: dict[str, str]) -> Customer:
    customer, _ = customer_create_from_contact(contact=contact_create(data=data))
    return customer


def test_an_xlsx_imports_its_good_rows_and_reports_the_bad_by_row_and_field(
    tmp_path: Path,
) -> None:
    # given a sheet with good and bad rows and an empty row among them
    path = _workbook(tmp_path / "customers.xlsx", ROWS)
    # when
    result = _import(path, chunk_size=2)
    # then the good rows are stored and the bad ones reported by row and field, as for CSV
    assert (result.rows, result.created, result.failed) == (4, 2, 2)
    assert [(e.row, e.field) for e in result.errors] == [(2, "email"), (3, "blocked")]
    assert (
        str(result.errors[1])
        == 'row 3, blocked: "maybe" is not a yes/no value: write true or false.'
    )
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["Anne", "Dora"]


def test_the_header_of_an_xlsx_is_checked_like_a_csv_header(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "c.xlsx", [["Name", "Telephone"], ["Anne", "1"]])
    with pytest.raises(Exception, match="Unknown columns: telephone"):
        _import(path)
    assert not Customer.objects.exists()


def test_a_sheet_that_states_a_wrong_size_is_read_to_its_last_row(tmp_path: Path) -> None:
    # given a sheet whose stated dimension (some programs write A1) covers only the header
    rows = [["name"], ["Anne"], ["Bob"], ["Cleo"]]
    path = _workbook(
        tmp_path / "c.xlsx", rows, patch={'<dimension ref="A1:A4"': '<dimension ref="A1:A1"'}
    )
    # when
    result = _import(path)
    # then every row is read all the same
    assert (result.rows, result.created, result.errors) == (3, 3, [])


def test_a_number_typed_phone_cell_imports_as_the_typed_digits(tmp_path: Path) -> None:
    # given phones typed as numbers: an integer, and a float as some programs save it
    rows: list[list[Any]] = [
        ["name", "phone_no", "mobile_phone_no", "fax_no"],
        ["Anne", 4722334455, 91122333, 1],
    ]
    path = _workbook(tmp_path / "c.xlsx", rows, patch={"<v>91122333</v>": "<v>9.1122333E7</v>"})
    # when
    result = _import(path)
    # then the digits are the phone, with no ".0"
    assert (result.created, result.errors) == (1, [])
    customer = Customer.objects.get()
    assert (customer.phone_no, customer.mobile_phone_no, customer.fax_no) == (
        "4722334455",
        "91122333",
        "1",
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("text", "text"),
        (12345, "12345"),
        (12345.0, "12345"),
        (4722334455.0, "4722334455"),
        (0.5, "0.5"),
        (1.5e-05, "0.000015"),
        (True, "true"),
        (False, "false"),
        (dt.datetime(2024, 3, 1), "2024-03-01"),
        (dt.datetime(2024, 3, 1, 10, 30), "2024-03-01T10:30:00"),
        (dt.date(2024, 3, 1), "2024-03-01"),
        (dt.time(10, 30), "10:30:00"),
        ("a_x000D_b", "a\rb"),
        ("_x005F_x000D_", "_x000D_"),
    ],
)
def test_a_cell_value_becomes_the_text_a_person_typed(value: Any, text: str) -> None:
    assert cell_text(value) == text


def test_a_formula_cell_imports_the_value_the_spreadsheet_saved_with_it(tmp_path: Path) -> None:
    # given a formula whose value the spreadsheet saved, and one never calculated
    rows = [["name", "city", "county"], ['=UPPER("anne")', '=LOWER("OSLO")', "=1+1"]]
    saved = {
        '<c r="A2"><f>UPPER("anne")</f><v />': '<c r="A2" t="str"><f>UPPER("anne")</f><v>ANNE</v>',
        '<c r="B2"><f>LOWER("OSLO")</f><v />': '<c r="B2" t="str"><f>LOWER("OSLO")</f><v>oslo</v>',
    }
    path = _workbook(tmp_path / "c.xlsx", rows, patch=saved)
    # when
    result = _import(path)
    # then the saved values are stored, not the formulas; the uncalculated cell is blank
    assert (result.created, result.errors) == (1, [])
    customer = Customer.objects.get()
    assert (customer.name, customer.city, customer.county) == ("ANNE", "oslo", "")


def test_an_xlsx_export_writes_every_value_as_a_text_cell(tmp_path: Path) -> None:
    # given a customer whose text fields start with formula characters
    _company_with_a_customer(STORED)
    path = tmp_path / "customers.xlsx"
    # when
    assert xlsx_export("customer", str(path)) == 1
    # then every cell is a string cell: no formula, no error value, no number
    (header, row) = _cells(path)
    assert {kind for _, kind in header + row} == {"s", "n"}  # "n": an empty cell
    assert all(value is None for value, kind in row if kind == "n")
    cells = {name: value for (name, _), (value, _) in zip(header, row, strict=True)}
    # and a formula is shown as it is stored, with no quote before it (a CR in the format's
    # own escape, _x000D_, which a spreadsheet shows as a CR)
    assert {name: cell_text(cells[name]) for name in FORMULAS} == FORMULAS
    assert cells["name_2"] == "_x000D_carriage return"
    assert "<f>" not in zipfile.ZipFile(path).read(SHEET).decode()


def test_openpyxl_would_store_a_string_starting_with_an_equals_sign_as_a_formula() -> None:
    # what the export guards against: why each cell is made a string cell
    sheet = Workbook().active
    assert sheet is not None
    sheet["A1"] = '=HYPERLINK("http://x","click")'
    sheet["A2"] = "#N/A"
    assert (sheet["A1"].data_type, sheet["A2"].data_type) == ("f", "e")


def test_xlsx_export_then_import_gives_back_every_stored_value(tmp_path: Path) -> None:
    # given an export of a customer with formula, quoted and odd cells
    stored = {**STORED, **ODD}
    _company_with_a_customer(stored)
    path = tmp_path / "customers.xlsx"
    xlsx_export("customer", str(path))
    exported = _values(path)
    # and the stored values changed since
    Customer.objects.update(**dict.fromkeys(stored, "changed"))
    # when the export is imported
    result = _import(path)
    # then every value is the one exported
    assert (result.updated, result.errors) == (1, [])
    customer = Customer.objects.get()
    assert {name: getattr(customer, name) for name in stored} == stored
    again = tmp_path / "again.xlsx"
    xlsx_export("customer", str(again))
    assert _values(again) == exported
    # and importing it once more changes nothing
    assert (_import(path).unchanged, _import(path).updated) == (1, 0)


def test_an_export_that_does_not_fit_in_a_sheet_is_refused_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given more customers than a sheet has rows (the limit made small: a sheet has 1,048,576)
    monkeypatch.setattr("liaison.batch.xlsxio.MAX_ROWS", 3)
    for name in ("Anne", "Bob", "Cleo"):
        _company_with_a_customer({"name": name})
    path = tmp_path / "customers.xlsx"
    # when, then
    with pytest.raises(XlsxTooLarge, match="export them as CSV"):
        xlsx_export("customer", str(path))
    assert not path.exists()


def test_a_file_that_is_not_a_workbook_is_refused_before_anything_is_stored(
    tmp_path: Path,
) -> None:
    not_zip = tmp_path / "text.xlsx"
    not_zip.write_text("number,name\n,Anne\n")
    other_zip = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("readme.txt", "hello")
    for path in (not_zip, other_zip):
        with pytest.raises(XlsxUnreadable, match="cannot be read as an Excel workbook"):
            _import(path)
    assert not Customer.objects.exists()


def _damaged(tmp_path: Path) -> Path:
    """A workbook whose sheet XML breaks off after row 3 (two data rows)."""
    rows = [["name"], *([f"Customer {i}"] for i in range(1, 6))]
    path = _workbook(tmp_path / "damaged.xlsx", rows)
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    xml = parts[SHEET].decode()
    parts[SHEET] = xml[: xml.index('<row r="4"')].encode() + b"<row r="
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def test_a_sheet_damaged_midway_stops_with_an_error_after_the_chunks_before_it(
    tmp_path: Path,
) -> None:
    with pytest.raises(XlsxUnreadable, match="row 4 of the first sheet cannot be read"):
        _import(_damaged(tmp_path), chunk_size=1)
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["Customer 1", "Customer 2"]


# Through the real command.


def test_the_import_command_reads_an_xlsx_and_a_repeat_of_it_changes_nothing(
    crash_db: CrashDatabase,
    tmp_path: Path,
) -> None:
    # given a database and a sheet with good and bad rows
    db = crash_db
    _ok(db.liaison("init"))
    path = _workbook(tmp_path / "customers.xlsx", ROWS)
    # when it is imported
    done = db.liaison("import", "customers", str(path), "--chunk-size", "2")
    # then the good rows are stored and each bad one is reported by row and field (exit 2)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    reported = [line for line in done.stderr.splitlines() if line.startswith("row ")]
    assert [line.split(":")[0] for line in reported] == ["row 2, email", "row 3, blocked"]
    assert "2 created, 0 updated, 0 unchanged, 2 errors" in done.stdout
    names = "SELECT name, phone_no FROM sales_customer ORDER BY name"
    assert db.rows(names) == [("Anne", "4722334455"), ("Dora", "")]
    # when the same file is imported again
    again = _ok(db.liaison("import", "customers", str(path)))
    # then nothing changes, and it says so
    assert "already imported (run 1" in again, again
    assert db.rows(names) == [("Anne", "4722334455"), ("Dora", "")]


def test_the_commands_round_trip_an_xlsx_export_exactly(
    crash_db: CrashDatabase,
    tmp_path: Path,
) -> None:
    # given a company and its customer holding formula cells, quoted cells and "+47 ..." phones
    db = crash_db
    _ok(db.liaison("init"))
    from tests.test_export_formulas import SEED

    _ok(db.liaison("shell", "-c", SEED))
    files = {kind: tmp_path / f"{kind}.xlsx" for kind in ("contacts", "customers")}
    # when both are exported to .xlsx
    for kind, path in files.items():
        done = db.liaison("export", kind, str(path))
        assert done.returncode == 0, done.stderr
        assert f"Exported 1 {kind}" in done.stderr, done.stderr
    # then the formulas are text cells showing the stored values, with no quote
    for kind, path in files.items():
        header, row = _cells(path)
        cells = {name: (cell_text(v), t) for (name, _), (v, t) in zip(header, row, strict=True)}
        assert {n: cells[n] for n in FORMULAS} == {n: (v, "s") for n, v in FORMULAS.items()}
        # and a quote before a letter is kept; one before a formula character gets one more, as
        # in CSV, since the import takes that one off
        assert (cells["address_2"], cells["home_page"]) == (
            ("'t Hooft", "s"),
            ("''=already quoted", "s"),
        ), kind
    # when the stored values are changed and the exports imported
    _ok(db.liaison("shell", "-c", BLANK.format(names=list(STORED))))
    for kind, path in files.items():
        out = _ok(db.liaison("import", kind, str(path)))
        assert "0 errors" in out, out  # the contact's update may carry the customer's along
    # then exporting again gives the very same cells
    for kind, path in files.items():
        again = tmp_path / f"{kind}-again.xlsx"
        _ok(db.liaison("export", kind, str(again)))
        assert _values(again) == _values(path), kind


def test_a_broken_xlsx_is_one_error_line_and_exit_2(
    crash_db: CrashDatabase,
    tmp_path: Path,
) -> None:
    # given a database and files named .xlsx that are no workbook, or a damaged one
    db = crash_db
    _ok(db.liaison("init"))
    text = tmp_path / "renamed.xlsx"
    text.write_text("number,name\n,Anne\n")
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    for path in (text, empty):
        # when
        done = db.liaison("import", "customers", str(path))
        # then
        assert done.returncode == 2, done.stdout + done.stderr
        assert "cannot be read as an Excel workbook" in _error_line(done.stderr)
    assert db.value("SELECT count(*) FROM relations_importrun") == 0
    # and a sheet that breaks off midway stops the import at the chunk where it breaks
    done = db.liaison("import", "customers", str(_damaged(tmp_path)), "--chunk-size", "1")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "row 4 of the first sheet cannot be read" in _error_line(done.stderr)
    assert db.value("SELECT count(*) FROM sales_customer") == 2
    assert db.value("SELECT count(*) FROM relations_importrun WHERE status = 'failed'") == 1
