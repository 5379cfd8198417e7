"""Column mapping, the dry run's report and the error file (issue 15), through the real
``liaison`` command in child processes, on a database of each test's own (``crash_db``: SQLite,
or PostgreSQL with ``DATABASE_URL``)."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

from tests.test_crash import CrashDatabase, _kill_after_first_chunk, _ok, crash_db
from tests.test_import_faults import _error_line

__all__ = ["crash_db"]  # the fixture, imported for the tests below

FRENCH_MAP = "Nom=name,Téléphone=phone_no,Courriel=email"


def _french_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Nom", "Téléphone", "Courriel", "city"])
        writer.writerows([(*row, "Oslo") for row in rows])
    return path


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _contacts(db: CrashDatabase) -> list[tuple[str, str, str]]:
    return [
        tuple(row)
        for row in db.rows("SELECT name, phone_no, email FROM contacts_contact ORDER BY name")
    ]


def _failed(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


def test_a_french_headed_file_imports_with_map(crash_db: CrashDatabase, tmp_path: Path) -> None:
    # given a file with French headers
    db = crash_db
    _ok(db.liaison("init"))
    path = _french_csv(
        tmp_path / "clients.csv",
        [("Fabrikam", "+47 22 33 44 55", "info@fabrikam.example"), ("Contoso", "", "")],
    )
    # when it is imported with --map
    out = _ok(db.liaison("import", "contacts", str(path), "--map", FRENCH_MAP))
    # then its columns land in our fields
    assert "contacts: 2 created, 0 updated, 0 unchanged, 0 errors." in out
    assert _contacts(db) == [
        ("Contoso", "", ""),
        ("Fabrikam", "+47 22 33 44 55", "info@fabrikam.example"),
    ]
    assert not (tmp_path / "clients.errors.csv").exists()


def test_a_bad_mapping_is_refused_with_exit_2_and_nothing_stored(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    db = crash_db
    _ok(db.liaison("init"))
    path = _french_csv(tmp_path / "clients.csv", [("Fabrikam", "", "")])
    mapping_file = tmp_path / "mapping.csv"
    mapping_file.write_text("Nom,name\nTéléphone,phone\n", encoding="utf-8")
    for mapping, said in (
        (("--map", "Nom=name,Téléphone=phone"), "contacts do not have: Téléphone=phone."),
        (("--map-file", str(mapping_file)), "contacts do not have: Téléphone=phone."),
        (("--map", "Nom=name,Courriel=name"), "two columns onto one field: Nom and Courriel"),
        (("--map", "Nom=name,Phone=phone_no"), "columns the file does not have: Phone."),
    ):
        # when a file is imported with a mapping naming an unknown field, two columns onto
        # one field, or a column the file does not have
        refused = db.liaison("import", "contacts", str(path), *mapping)
        # then one error line names it (an unknown field with the fields there are), exit 2
        assert refused.returncode == 2, refused.stdout + refused.stderr
        error = _error_line(refused.stderr)
        assert said in error
        assert "Nothing was imported." in error
        if "do not have: Téléphone" in said:
            assert "Fields: number, type, company_number, name, search_name," in error
        if "file does not have" in said:
            assert "The file's columns: Nom, Téléphone, Courriel, city." in error
        # and nothing is stored
        assert db.value("SELECT count(*) FROM contacts_contact") == 0
    # refused before the file was read: no import run either (the column the file lacks is
    # found when its header is read, and that run ended there, failed, at row 0)
    assert db.rows("SELECT status, rows FROM relations_importrun") == [("failed", 0)]


def test_a_dry_run_shows_the_mapping_counts_and_first_errors_and_stores_nothing(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given an existing contact, and a file that updates it, creates 3 and has 25 bad e-mails
    db = crash_db
    _ok(db.liaison("init"))
    _ok(
        db.liaison(
            "import",
            "contacts",
            str(_french_csv(tmp_path / "old.csv", [("Old", "", "")])),
            "--map",
            FRENCH_MAP,
        )
    )
    number = db.value("SELECT number FROM contacts_contact")
    with open(tmp_path / "c.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["N°", "Nom", "Courriel", "error"])
        writer.writerow([number, "Old Renamed", "old@example.com", ""])
        writer.writerows([("", f"New {i}", f"new{i}@example.com", "") for i in range(3)])
        writer.writerows([("", f"Bad {i}", f"bad{i}", "") for i in range(25)])
    # when it is tried with --dry-run
    done = db.liaison(
        "import",
        "contacts",
        str(tmp_path / "c.csv"),
        "--map",
        "N°=number,Nom=name,Courriel=email",
        "--dry-run",
    )
    out = _failed(done)
    lines = out.splitlines()
    # then it shows each column and its field, the counts and the first 20 errors
    assert lines[:6] == [
        f"Dry run of {tmp_path / 'c.csv'}: nothing was stored.",
        "Columns (the file's -> our field):",
        "  N°       -> number",
        "  Nom      -> name",
        "  Courriel -> email",
        "  error    -> (ignored: the messages of an error file)",
    ]
    assert "Rows: 29; would create 3, would update 1, unchanged 0, refused 25." in lines
    first = lines.index("First errors:")
    assert lines[first + 1].startswith('  row 5, email: The e-mail address "bad0" is not valid')
    assert lines[first + 20].startswith('  row 24, email: The e-mail address "bad19"')
    assert lines[first + 21] == (
        f"  ... and 5 more (an import writes every refused row to {tmp_path / 'c.errors.csv'})."
    )
    assert "row 25" not in done.stderr
    # and nothing is stored: no contact, no run, no error file
    assert db.rows("SELECT name FROM contacts_contact") == [("Old",)]
    assert db.value("SELECT count(*) FROM relations_importrun") == 1
    assert not (tmp_path / "c.errors.csv").exists()


def test_the_error_file_holds_the_refused_rows_and_imports_once_they_are_fixed(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given an error file from an earlier import beside the file
    db = crash_db
    _ok(db.liaison("init"))
    path = _french_csv(
        tmp_path / "clients.csv",
        [
            ("Fabrikam", "+47 22 33 44 55", "info@fabrikam.example"),
            ("Broken", "123", "nope"),
            ('=HYPERLINK("http://x")', "", "bad@"),
        ],
    )
    errors = tmp_path / "clients.errors.csv"
    errors.write_text("error,stale\nold,old\n", encoding="utf-8")
    # when the file is imported with a mapping
    out = _failed(db.liaison("import", "contacts", str(path), "--map", FRENCH_MAP))
    # then the summary names the error file, which holds the refused rows as they were (the
    # formula behind a quote) with their messages, in place of the old one
    assert "contacts: 1 created, 0 updated, 0 unchanged, 2 errors." in out
    assert (
        f"Refused rows: {errors} (2 rows as they were, their errors in the error column): fix "
        f"them there, then liaison import contacts {errors} --map '{FRENCH_MAP}'"
    ) in out
    rows = _rows(errors)
    assert rows[0] == ["error", "Nom", "Téléphone", "Courriel", "city"]
    assert rows[1][0].startswith('row 2, email: The e-mail address "nope" is not valid')
    assert rows[1][1:] == ["Broken", "123", "nope", "Oslo"]
    assert rows[2][0].startswith('row 3, email: The e-mail address "bad@" is not valid')
    assert rows[2][1:] == ['\'=HYPERLINK("http://x")', "", "bad@", "Oslo"]
    # when a person fixes the e-mails in it and imports it with the same mapping
    rows[1][3], rows[2][3] = "broken@example.com", "x@example.com"
    with open(errors, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    out = _ok(db.liaison("import", "contacts", str(errors), "--map", FRENCH_MAP))
    # then both are stored (the formula as the file had it): a new file, a new import
    assert "contacts: 2 created, 0 updated, 0 unchanged, 0 errors." in out
    assert _contacts(db) == [
        ('=HYPERLINK("http://x")', "", "x@example.com"),
        ("Broken", "123", "broken@example.com"),
        ("Fabrikam", "+47 22 33 44 55", "info@fabrikam.example"),
    ]
    assert not (tmp_path / "clients.errors.errors.csv").exists()
    # and the first file again is a repeat that points at its error file
    out = _ok(db.liaison("import", "contacts", str(path), "--map", FRENCH_MAP))
    assert "already imported (run 1," in out
    assert f"they are in {errors}" in out


def test_a_repeat_with_the_same_mapping_does_nothing_and_another_mapping_is_a_new_import(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a file imported with a mapping
    db = crash_db
    _ok(db.liaison("init"))
    path = _french_csv(tmp_path / "clients.csv", [("Fabrikam", "", ""), ("Contoso", "", "")])
    assert "2 created" in _ok(db.liaison("import", "contacts", str(path), "--map", FRENCH_MAP))
    # when it is imported again with the same mapping, written otherwise, or from a file
    mapping_file = tmp_path / "mapping.csv"
    mapping_file.write_text(
        "column,field\ncourriel,EMAIL\nNOM,name\nTéléphone,phone_no\ncity,city\n",
        encoding="utf-8",
    )
    for mapping in (
        ("--map", FRENCH_MAP),
        ("--map", "courriel=email,TÉLÉPHONE=phone_no,nom=name"),
        ("--map-file", str(mapping_file)),
    ):
        out = _ok(db.liaison("import", "contacts", str(path), *mapping))
        # then nothing is done, and it says so
        assert "contacts: already imported (run 1, finished at " in out
    assert db.value("SELECT count(*) FROM contacts_contact") == 2
    # when it is imported with another mapping: a new import, every row read again
    other = ("--map", "Nom=name,Téléphone=mobile_phone_no,Courriel=email")
    out = _ok(db.liaison("import", "contacts", str(path), *other))
    assert "contacts: 2 created, 0 updated, 0 unchanged, 0 errors." in out
    assert db.value("SELECT count(*) FROM contacts_contact") == 4
    assert db.value("SELECT count(*) FROM relations_importrun") == 2
    # and that one, too, is a repeat when imported again
    assert "already imported (run 2," in _ok(db.liaison("import", "contacts", str(path), *other))


def test_a_killed_import_resumed_writes_each_refused_row_once_in_its_error_file(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a file of 5,000 contacts, every 7th with a bad e-mail, imported 100 rows a
    # chunk and killed after some chunks
    db = crash_db
    _ok(db.liaison("init"))
    n = 5000
    path = tmp_path / "clients.csv"
    bad = [i for i in range(1, n + 1) if i % 7 == 0]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Nom", "Courriel"])
        writer.writerows(
            (f"Client {i}", "nope" if i % 7 == 0 else f"c{i}@example.com") for i in range(1, n + 1)
        )
    args = ("import", "contacts", str(path), "--map", "Nom=name,Courriel=email")
    process = db.start(tmp_path, *args, "--chunk-size", "100")
    _kill_after_first_chunk(db, process, "SELECT max(rows) FROM relations_importrun", tmp_path)
    # when it is resumed
    out = _failed(db.liaison(*args, "--chunk-size", "100", "--resume"))
    # then every good row is stored once, and the error file holds each refused row once
    assert f"{n - len(bad)} created, 0 updated, 0 unchanged, {len(bad)} errors" in out
    assert db.value("SELECT count(*) FROM contacts_contact") == n - len(bad)
    rows = _rows(tmp_path / "clients.errors.csv")
    assert [r[1] for r in rows[1:]] == [f"Client {i}" for i in bad]
    assert all(r[0].startswith(f"row {i}, email:") for r, i in zip(rows[1:], bad, strict=True))


def test_an_error_file_that_cannot_be_written_stops_the_import_and_resume_goes_on(
    crash_db: CrashDatabase, tmp_path: Path
) -> None:
    # given a file whose row 150 is refused, and a directory where its error file should go
    db = crash_db
    _ok(db.liaison("init"))
    path = tmp_path / "clients.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "email"])
        writer.writerows((f"C{i}", "nope" if i == 150 else "") for i in range(1, 301))
    errors = tmp_path / "clients.errors.csv"
    errors.mkdir()
    args = ("import", "contacts", str(path), "--chunk-size", "100")
    # when it is imported
    stopped = db.liaison(*args)
    # then it stops at the chunk of that row, with one error line naming the error file
    assert stopped.returncode == 2, stopped.stdout + stopped.stderr
    error = _error_line(stopped.stderr)
    assert f"the error file {errors} could not be written (Is a directory)" in error
    assert error.endswith(f"go on with: liaison import contacts {path} --resume")
    assert "The import stopped after row 100 " in error
    assert db.value("SELECT count(*) FROM contacts_contact") == 100
    # when the error file can be written and the import is resumed
    errors.rmdir()
    out = _failed(db.liaison(*args, "--resume"))
    # then the rest is stored and the refused row is in the error file
    assert "299 created, 0 updated, 0 unchanged, 1 errors (resumed after row 100" in out
    assert [r[1:] for r in _rows(errors)] == [["name", "email"], ["C150", "nope"]]
