"""Formula injection through export (issue 15 defect 5): a cell that starts with ``=``, ``+``,
``-``, ``@``, tab or CR is written with a leading quote (the OWASP rule), so a spreadsheet
shows it as text instead of running it; ``--raw`` writes values as stored; and the import takes
exactly that quote off again, so export then import returns every stored value unchanged.

Through the functions and through the real ``liaison`` command in child processes (SQLite, or
PostgreSQL when ``DATABASE_URL`` is set: the ``crash_db`` fixture of tests/test_crash.py).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from liaison.batch.columns import formula_escape, formula_unescape
from liaison.batch.commands.export_command import export_main
from liaison.batch.exports import csv_export
from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.sales.models import Customer
from liaison.sales.services import customer_create_from_contact, customer_update
from tests.test_crash import CrashDatabase, _ok, crash_db  # noqa: F401 (crash_db: a fixture)

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A company whose text fields each start with one formula character, and two values that start
# with a quote of their own: a real name ("'t Hooft") and one that looks like our escaping.
FORMULAS = {
    "name": '=HYPERLINK("http://x","click")',
    "phone_no": "+47 22 33 44 55",
    "address": "-2+3+cmd|' /C calc'!A0",
    "city": "@SUM(A1:A9)",
    "county": "\tindented",
    "name_2": "\rcarriage return",
}
QUOTED = {"address_2": "'t Hooft", "home_page": "'=already quoted"}
STORED = {**FORMULAS, **QUOTED}
SEED = f"""
from liaison.contacts.services import contact_create
from liaison.sales.services import customer_create_from_contact

customer_create_from_contact(contact=contact_create(data={STORED!r}))
"""
BLANK = """
from liaison.contacts.models import Contact
from liaison.sales.models import Customer

changed = {{name: "changed" for name in {names!r}}}
Contact.objects.update(**changed)
Customer.objects.update(**changed)
"""


def _company_with_a_customer() -> tuple[Contact, Customer]:
    contact = contact_create(data=STORED)
    customer, _ = customer_create_from_contact(contact=contact)
    return contact, customer


def _export(kind: str, *, raw: bool = False) -> str:
    out = io.StringIO()
    csv_export(kind, out, raw=raw)
    return out.getvalue()


def _read(path: Path) -> str:
    """A written file as it is (no newline translation: a CR in a cell stays a CR)."""
    return path.read_bytes().decode("utf-8")


def _row(exported: str) -> dict[str, str]:
    """The one data row of an export, by column."""
    (row,) = csv.DictReader(io.StringIO(exported, newline=""))
    return row


@pytest.mark.parametrize("kind", ["contact", "customer"])
def test_export_prefixes_formula_cells_with_a_quote(kind: str) -> None:
    # given a company and its customer whose text fields start with = + - @ tab and CR
    _company_with_a_customer()
    # when
    row = _row(_export(kind))
    # then each such cell is written behind a quote, and so is the one that already has one
    for name, value in FORMULAS.items():
        assert row[name] == "'" + value, name
    assert row["search_name"] == "'" + FORMULAS["name"].upper()
    assert row["home_page"] == "''=already quoted"
    # and a quote before a letter is a name, not an escape: written as it is
    assert row["address_2"] == "'t Hooft"
    assert [n for n, cell in row.items() if cell.startswith(TRIGGERS)] == []


@pytest.mark.parametrize("kind", ["contact", "customer"])
def test_raw_export_writes_formula_cells_as_stored(kind: str) -> None:
    # given
    _company_with_a_customer()
    # when
    row = _row(_export(kind, raw=True))
    # then
    assert {name: row[name] for name in STORED} == STORED


def test_raw_export_command_writes_formula_cells_as_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    _company_with_a_customer()
    escaped, raw = tmp_path / "escaped.csv", tmp_path / "raw.csv"
    # when
    assert export_main(["customers", str(escaped)]) == 0
    assert export_main(["customers", str(raw), "--raw"]) == 0
    # then
    assert _row(_read(escaped))["name"] == "'" + FORMULAS["name"]
    assert _row(_read(raw))["name"] == FORMULAS["name"]
    assert "Exported 1 customers" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["contact", "customer"])
def test_export_then_import_gives_back_every_stored_value(kind: str) -> None:
    # given an export of records with formula and quoted cells
    _company_with_a_customer()
    exported = _export(kind)
    # and the stored values changed since
    model = Contact if kind == "contact" else Customer
    model._default_manager.update(**dict.fromkeys(STORED, "changed"))
    # when the export is imported
    result = csv_import(kind, io.StringIO(exported, newline=""))
    # then every value is the one exported, not a quote more or less
    assert (result.updated, result.errors) == (1, [])
    record = model._default_manager.get()
    assert {name: getattr(record, name) for name in STORED} == STORED
    assert _export(kind) == exported
    # and importing it once more changes nothing
    again = csv_import(kind, io.StringIO(exported, newline=""))
    assert (again.updated, again.unchanged, again.errors) == (0, 1, [])


def test_a_quote_before_a_formula_character_is_dropped_and_one_before_a_letter_kept() -> None:
    # given a file typed by hand: a phone with its quote (as a spreadsheet saves what it shows
    # as text), a phone without, and a name with a quote of its own
    text = (
        "number,name,phone_no,mobile_phone_no,address\n"
        ",Anne 't Hooft,'+47 22 33 44 55,+47 911 22 333,'t Hooft Street 1\n"
    )
    # when
    result = csv_import("customer", io.StringIO(text, newline=""))
    # then
    assert (result.created, result.errors) == (1, [])
    customer = Customer.objects.get()
    assert (customer.name, customer.phone_no, customer.mobile_phone_no, customer.address) == (
        "Anne 't Hooft",
        "+47 22 33 44 55",
        "+47 911 22 333",
        "'t Hooft Street 1",
    )


# Text with the interesting beginnings made likely: quotes, formula characters, both.
_STARTS = st.sampled_from(["", "'", "''", "'''", *TRIGGERS, "'=", "''+", "'\t", " ="])
_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12)
texts = st.builds(lambda start, rest: start + rest, _STARTS, _TEXT)


@given(value=texts)
def test_formula_escape_is_undone_exactly_by_formula_unescape(value: str) -> None:
    escaped = formula_escape(value)
    assert not escaped.startswith(TRIGGERS)
    assert formula_unescape(escaped) == value
    assert escaped in (value, "'" + value)


@given(cell=texts.filter(lambda c: not c.startswith("'")))
def test_a_cell_that_does_not_start_with_a_quote_is_read_as_written(cell: str) -> None:
    assert formula_unescape(cell) == cell


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(value=texts)
def test_any_stored_text_comes_back_unchanged_through_export_and_import(value: str) -> None:
    with transaction.atomic():
        # given a customer storing the text
        _, customer = _company_with_a_customer()
        customer_update(customer=customer, data={"address": value})
        exported = _export("customer")
        Customer.objects.update(address="changed")
        # when
        result = csv_import("customer", io.StringIO(exported, newline=""))
        # then
        assert result.errors == []
        assert Customer.objects.get().address == value
        transaction.set_rollback(True)


def test_the_commands_neutralise_formulas_and_round_trip_them(
    crash_db: CrashDatabase,  # noqa: F811
    tmp_path: Path,
) -> None:
    # given a database with a company and its customer holding formula and quoted cells
    db = crash_db
    _ok(db.liaison("init"))
    _ok(db.liaison("shell", "-c", SEED))
    files = {kind: tmp_path / f"{kind}.csv" for kind in ("contacts", "customers")}
    # when both are exported, as stored and for people
    for kind, path in files.items():
        _ok(db.liaison("export", kind, str(path)))
        _ok(db.liaison("export", kind, str(tmp_path / f"{kind}-raw.csv"), "--raw"))
    # then the people's files carry every formula cell behind a quote
    for kind, path in files.items():
        row = _row(_read(path))
        assert {n: row[n] for n in FORMULAS} == {n: "'" + v for n, v in FORMULAS.items()}, kind
        assert (row["address_2"], row["home_page"]) == ("'t Hooft", "''=already quoted")
        # and the raw files every value as stored
        raw = _row(_read(tmp_path / f"{kind}-raw.csv"))
        assert {n: raw[n] for n in STORED} == STORED, kind
    # when the stored values are changed and the exports imported
    _ok(db.liaison("shell", "-c", BLANK.format(names=list(STORED))))
    for kind, path in files.items():
        out = _ok(db.liaison("import", kind, str(path)))
        assert "0 errors" in out, out
    # then exporting again writes the very same files
    for kind, path in files.items():
        again = tmp_path / f"{kind}-again.csv"
        _ok(db.liaison("export", kind, str(again)))
        assert _read(again) == _read(path), kind
