"""Imports people actually have: the file's own headers mapped onto our fields, and the error
file of refused rows that a person fixes and imports (issue 15). Through the functions; the
command's side is in tests/test_import_mapping.py."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from liaison.batch.columns import columns
from liaison.batch.imports.column_map import ColumnMap
from liaison.batch.imports.error_file import ErrorFile, errors_path
from liaison.batch.imports.pipeline import csv_import
from liaison.batch.imports.results import (
    ImportCheckpoint,
    ImportResult,
    ImportStopped,
    RejectedNotWritten,
)
from liaison.batch.imports.runs import file_fingerprint
from liaison.contacts.models import Contact
from liaison.core.errors import ValidationFailed
from liaison.sales.models import Customer

FRENCH = (
    "Nom,Téléphone,Courriel,city\n"
    "Fabrikam,+47 22 33 44 55,info@fabrikam.example,Oslo\n"
    "Contoso,+33 1 23 45 67 89,contact@contoso.example,Paris\n"
)
FRENCH_MAP = "Nom=name,Téléphone=phone_no,Courriel=email"


def _import(kind: str, text: str, **options: object) -> ImportResult:
    return csv_import(kind, io.StringIO(text), **options)  # type: ignore[arg-type]


def _rows(path: str) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def test_a_french_headed_file_imports_with_its_headers_mapped_onto_our_fields() -> None:
    # when a file with French headers is imported with a mapping; city is left to its name
    result = _import("contact", FRENCH, mapping=ColumnMap.parse(FRENCH_MAP))
    # then every row is stored in our fields
    assert (result.created, result.errors) == (2, [])
    stored = Contact.objects.order_by("name").values_list("name", "phone_no", "email", "city")
    assert list(stored) == [
        ("Contoso", "+33 1 23 45 67 89", "contact@contoso.example", "Paris"),
        ("Fabrikam", "+47 22 33 44 55", "info@fabrikam.example", "Oslo"),
    ]
    assert result.columns == [
        ("Nom", "name"),
        ("Téléphone", "phone_no"),
        ("Courriel", "email"),
        ("city", "city"),
    ]


def test_mapped_headers_match_trimmed_in_any_case_with_accents_kept() -> None:
    # given headers in other cases, with spaces around, one accent typed as e + combining mark
    text = " NOM ,TÉLÉPHONE,courrie\u0301l\nFabrikam,+47 22 33 44 55,info@fabrikam.example\n"
    mapping = ColumnMap.parse("Nom=name,Téléphone=phone_no,Courriél=email")
    # when imported: they match
    assert _import("contact", text, mapping=mapping).created == 1
    # but a header without its accent is another header: refused, nothing stored
    with pytest.raises(ValidationFailed, match="columns the file does not have: Telephone"):
        _import("contact", text, mapping=ColumnMap.parse("Nom=name,Telephone=phone_no"))
    assert Contact.objects.filter(name="Fabrikam").count() == 1


def test_a_mapping_with_an_unknown_field_or_two_columns_onto_one_is_refused_before_reading() -> (
    None
):
    fields = columns("contact")
    # an unknown field: named, with the fields there are
    with pytest.raises(ValidationFailed) as unknown:
        ColumnMap.parse("Nom=name,Téléphone=phone").check("contacts", fields)
    assert "contacts do not have: Téléphone=phone" in unknown.value.message
    assert "Fields: number, type, company_number, name," in unknown.value.message
    # two columns onto one field
    with pytest.raises(ValidationFailed, match="Nom and Raison sociale onto name"):
        ColumnMap.parse("Nom=name,Raison sociale=name").check("contacts", fields)
    # one column mapped twice (in another case)
    with pytest.raises(ValidationFailed, match="names a column twice: Nom"):
        ColumnMap.parse("Nom=name,NOM=search_name").check("contacts", fields)
    # not header=field
    with pytest.raises(ValidationFailed, match='"Nom" is not header=field'):
        ColumnMap.parse("Nom")


def test_a_mapped_column_onto_a_field_the_file_also_has_is_refused_and_nothing_stored() -> None:
    # given a file with both "Nom" and "name", and Nom mapped onto name
    text = "Nom,name\nFabrikam,Contoso\n"
    # when imported: two columns would fill one field
    with pytest.raises(ValidationFailed, match=r"Nom and name \(name\)"):
        _import("contact", text, mapping=ColumnMap.parse("Nom=name"))
    assert not Contact.objects.filter(name__in=["Fabrikam", "Contoso"]).exists()


def test_a_file_column_the_mapping_leaves_out_must_be_one_of_our_fields() -> None:
    with pytest.raises(ValidationFailed, match="Unknown columns: courriel"):
        _import("contact", FRENCH, mapping=ColumnMap.parse("Nom=name,Téléphone=phone_no"))


def test_a_mapping_file_holds_one_pair_a_line_with_an_optional_heading() -> None:
    text = 'column,field\nNom,name\n\nTéléphone,phone_no\n"Courriel, pro",email\n'
    assert ColumnMap.read(io.StringIO(text), "m.csv").pairs == (
        ("Nom", "name"),
        ("Téléphone", "phone_no"),
        ("Courriel, pro", "email"),
    )
    with pytest.raises(ValidationFailed, match=r"m\.csv, line 2: 3 cells"):
        ColumnMap.read(io.StringIO("Nom,name\nA,b,c\n"), "m.csv")


def test_the_run_key_is_the_file_digest_without_a_mapping_and_another_with_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "f.csv"
    path.write_text(FRENCH, encoding="utf-8")
    plain = file_fingerprint(str(path))
    mapped = file_fingerprint(str(path), ColumnMap.parse(FRENCH_MAP).canonical)
    # the same mapping in another case, order, and with a pair that renames nothing
    same = ColumnMap.parse("courriel=EMAIL,city=city,TÉLÉPHONE=phone_no,nom=name").canonical
    other = file_fingerprint(str(path), ColumnMap.parse("Nom=search_name").canonical)
    assert plain.key == plain.sha256
    assert mapped.key != plain.key
    assert other.key not in (plain.key, mapped.key)
    assert file_fingerprint(str(path), same).key == mapped.key
    assert ColumnMap.parse("name=name,city=City").canonical == ""


def test_the_error_file_holds_the_refused_rows_as_they_were_with_their_messages(
    tmp_path: Path,
) -> None:
    # given a file whose rows 2 and 4 have a bad e-mail (row 4 a formula as its name), row 3
    # a NUL character, row 5 a cell too many and row 6 a quote never closed
    text = (
        "Nom,Courriel,city\n"
        "Good,good@example.com,Oslo\n"
        "Broken,nope,Oslo\n"
        "Nul,n@example.com,Os\x00lo\n"
        '"=HYPERLINK(""http://x"")",bad@,Bergen\n'
        "Wide,w@example.com,Oslo,extra\n"
        'Open,"o@example.com,Oslo\n'
    )
    errors = ErrorFile(str(tmp_path / "f.errors.csv"))
    # when imported with the error file as sink, two rows a chunk
    result = _import(
        "contact",
        text,
        chunk_size=2,
        mapping=ColumnMap.parse("Nom=name,Courriel=email"),
        rejected=errors,
    )
    errors.close()
    # then the error file has the header with an error column first, and each refused row
    # that could be read, with its cells as they were (the formula behind a quote)
    assert result.failed == 5
    assert (errors.rows, errors.unreadable) == (4, 1)
    assert _rows(errors.path) == [
        ["error", "Nom", "Courriel", "city"],
        [
            'row 2, email: The e-mail address "nope" is not valid: An email address must have '
            "an @-sign.",
            "Broken",
            "nope",
            "Oslo",
        ],
        ["row 3, city: Text cannot contain NUL characters.", "Nul", "n@example.com", "Os\x00lo"],
        [
            'row 4, email: The e-mail address "bad@" is not valid: There must be something '
            "after the @-sign.",
            '\'=HYPERLINK("http://x")',
            "bad@",
            "Bergen",
        ],
        [
            "row 5: 4 cells but the header names 3 columns.",
            "Wide",
            "w@example.com",
            "Oslo",
            "extra",
        ],
    ]


def test_a_fixed_error_file_imports_with_its_error_column_ignored(tmp_path: Path) -> None:
    # given an import whose rows 2 and 3 were refused, into its error file
    text = "Nom,Courriel\nGood,good@example.com\nBroken,nope\n=1+1,bad@\n"
    mapping = ColumnMap.parse("Nom=name,Courriel=email")
    errors = ErrorFile(str(tmp_path / "f.errors.csv"))
    assert _import("contact", text, mapping=mapping, rejected=errors).failed == 2
    errors.close()
    # when a person fixes the e-mails there and imports that file, with the same mapping
    fixed = [_rows(errors.path)[0]] + [
        [e, name, f"{i}@fixed.example"] for i, (e, name, _) in enumerate(_rows(errors.path)[1:])
    ]
    out = io.StringIO()
    csv.writer(out).writerows(fixed)
    again = ErrorFile(str(tmp_path / "f.errors.errors.csv"))
    result = _import("contact", out.getvalue(), mapping=mapping, rejected=again)
    # then both rows are stored, the formula as the first file had it, and no error file made
    assert (result.created, result.errors) == (2, [])
    assert result.columns[0] == ("error", "")
    assert set(Contact.objects.filter(email__endswith="@fixed.example").values_list("name")) == {
        ("Broken",),
        ("=1+1",),
    }
    assert again.rows == 0
    assert not Path(again.path).exists()


def test_an_error_file_imported_again_keeps_its_error_column_with_the_new_messages(
    tmp_path: Path,
) -> None:
    # given an error file whose row is still wrong
    text = 'error,name,email\n"row 2, email: old message",Broken,still-bad\n'
    errors = ErrorFile(str(tmp_path / "f.errors.errors.csv"))
    # when imported
    _import("contact", text, rejected=errors)
    errors.close()
    # then its error file has one error column, with the new message
    rows = _rows(errors.path)
    assert rows[0] == ["error", "name", "email"]
    assert rows[1][0].startswith('row 1, email: The e-mail address "still-bad" is not valid')
    assert rows[1][1:] == ["Broken", "still-bad"]


def _bad_every_third(n: int) -> str:
    lines = ["name,email"]
    lines += [f"P{i},{'nope' if i % 3 == 0 else f'p{i}@example.com'}" for i in range(1, n + 1)]
    return "\n".join(lines) + "\n"


def test_a_resumed_import_writes_the_error_file_of_an_uninterrupted_one(tmp_path: Path) -> None:
    # given an import of 10 rows (3, 6, 9 refused), 2 a chunk, that dies in the checkpoint of
    # its third chunk (rows 5-6): that chunk's refused row was written, its rows rolled back
    text = _bad_every_third(10)
    errors = ErrorFile(str(tmp_path / "f.errors.csv"))
    where: list[ImportCheckpoint] = []

    def checkpoint(at: ImportCheckpoint) -> None:
        if at.rows == 6:
            raise OSError("killed")  # stands for the process dying inside the transaction
        where.append(at)

    with pytest.raises(OSError, match="killed"):
        _import("customer", text, chunk_size=2, checkpoint=checkpoint, rejected=errors)
    errors.close()
    assert [r[0][:5] for r in _rows(errors.path)[1:]] == ["row 3", "row 6"]
    # when it is resumed after its last checkpoint (row 4)
    resumed = ErrorFile(errors.path)
    resumed.resume(where[-1].rows)
    result = _import("customer", text, chunk_size=2, resume=where[-1], rejected=resumed)
    resumed.close()
    # then the error file holds each refused row once, as an uninterrupted import writes it
    whole = ErrorFile(str(tmp_path / "whole.errors.csv"))
    Customer.objects.all().delete()
    _import("customer", text, chunk_size=2, rejected=whole)
    whole.close()
    assert result.failed == 3
    assert resumed.rows == 3
    assert _rows(resumed.path) == _rows(whole.path)
    assert [r[1] for r in _rows(resumed.path)[1:]] == ["P3", "P6", "P9"]


def test_an_error_file_that_cannot_be_written_stops_the_import_at_its_last_chunk(
    tmp_path: Path,
) -> None:
    # given an error file in a directory that does not exist
    errors = ErrorFile(str(tmp_path / "missing" / "f.errors.csv"))
    where: list[ImportCheckpoint] = []
    # when rows 3 (chunk 2) is refused
    with pytest.raises(ImportStopped) as stopped:
        _import(
            "customer",
            _bad_every_third(4),
            chunk_size=2,
            checkpoint=where.append,
            rejected=errors,
        )
    # then the import stops there: chunk 1 stored, chunk 2 not, to be resumed
    assert isinstance(stopped.value.cause, RejectedNotWritten)
    assert (stopped.value.result.rows, stopped.value.first) == (2, 3)
    assert [c.rows for c in where] == [2]
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["P1", "P2"]


def test_the_error_file_of_a_csv_or_an_xlsx_file_is_beside_it() -> None:
    assert errors_path("/data/clients.csv") == "/data/clients.errors.csv"
    assert errors_path("/data/clients.xlsx") == "/data/clients.errors.csv"
    assert errors_path("clients") == "clients.errors.csv"
