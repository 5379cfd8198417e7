"""Backup and restore: a restore brings back every row of every table, a backup taken while
another process writes is consistent, and nothing is overwritten or replaced unasked.

The SQLite tests run each command in a child process on a WAL database file, as users run
``liaison backup`` (the test database is in memory). The in-process tests use the configured
test database, whichever backend it is.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from django.db import connection, transaction

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.demo import demo_load
from liaison.documents.demo import documents_demo_load
from liaison.ops.backup import (
    PGDUMP_MAGIC,
    SQLITE_MAGIC,
    BackupError,
    BackupFileExists,
    RestoreTargetNotEmpty,
    backup_create,
    backup_restore,
)
from liaison.ops.tests.steps import (
    WRITER_READY,
    database_snapshot,
    mutate_through_services,
    snapshot_differences,
)

pytestmark = pytest.mark.django_db(transaction=True)
MAGIC = {"sqlite": SQLITE_MAGIC, "postgresql": PGDUMP_MAGIC}


def _step(database: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run one step in a child process against the SQLite file ``database``."""
    return subprocess.run(
        [sys.executable, "-m", "liaison.ops.tests.steps", *args],
        env=_child_env(database),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _child_env(database: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LIAISON_SQLITE_PATH"] = str(database)
    env["DJANGO_SETTINGS_MODULE"] = "liaison.settings"
    return env


def _ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def _snapshot_of(database: Path) -> dict[str, list[str]]:
    snapshot: dict[str, list[str]] = json.loads(_ok(_step(database, "snapshot")))
    return snapshot


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "pg_dump/pg_restore run only for PostgreSQL and the test database is "
            f"{connection.vendor} (run with DATABASE_URL=postgres://...)"
        )


def _leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


def test_sqlite_file_round_trip_through_the_commands_restores_every_row(tmp_path: Path) -> None:
    # given a WAL database file holding the demo company, and its backup
    live, backup, fresh = tmp_path / "live.sqlite3", tmp_path / "b.sqlite3", tmp_path / "new.db"
    _ok(_step(live, "prepare", "5"))
    before = _snapshot_of(live)
    summary = _ok(_step(live, "backup", str(backup)))
    assert summary.startswith(f"Backed up {len(before) - 1} tables, ")
    assert backup.read_bytes()[:16] == SQLITE_MAGIC
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    # when data is changed, deleted and added through the services
    _ok(_step(live, "mutate"))
    assert snapshot_differences(before, _snapshot_of(live))
    # then a restore over the changed data is refused without --force
    refused = _step(live, "restore", str(backup))
    assert refused.returncode == 2
    assert "[restore_target_not_empty]" in refused.stderr
    assert "--force" in refused.stderr
    # when it is forced
    restored = _ok(_step(live, "restore", str(backup), "--force"))
    # then every table holds exactly the rows it held at the backup
    assert restored.startswith("Restored ")
    assert snapshot_differences(before, _snapshot_of(live)) == {}
    # and a new, empty database takes the backup without --force
    _ok(_step(fresh, "restore", str(backup)))
    assert snapshot_differences(before, _snapshot_of(fresh)) == {}
    assert _leftovers(tmp_path) == []


def test_sqlite_backup_taken_while_another_process_writes_is_consistent(tmp_path: Path) -> None:
    # given a WAL database file and a process that keeps editing a linked customer (each edit
    # also rewrites its contact, in the same transaction)
    live, stop = tmp_path / "live.sqlite3", tmp_path / "stop"
    _ok(_step(live, "prepare", "5"))
    writer = subprocess.Popen(
        [sys.executable, "-m", "liaison.ops.tests.steps", "write-until", str(stop)],
        env=_child_env(live),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == WRITER_READY
        # when two backups are taken while it writes
        backups = [tmp_path / f"backup-{i}.sqlite3" for i in range(2)]
        for backup in backups:
            _ok(_step(live, "backup", str(backup)))
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=120)
    # then the writer was never blocked into failing
    assert writer.returncode == 0, err
    assert int(out.split()[-1]) > len(backups)
    # and each backup is sound and holds whole transactions: customers and contacts agree
    edited_phones = set()
    for backup in backups:
        with closing(sqlite3.connect(backup)) as db:
            assert db.execute("PRAGMA quick_check").fetchone() == ("ok",)
            pairs = db.execute(
                "SELECT s.id, s.phone_no, c.phone_no FROM sales_customer s "
                "JOIN relations_contactbusinessrelation r ON r.customer_id = s.id "
                "JOIN contacts_contact c ON c.id = r.contact_id ORDER BY s.id"
            ).fetchall()
        assert pairs
        assert all(customer == contact for _, customer, contact in pairs)
        edited_phones.add(pairs[0][1])  # the writer edits the first linked customer
    # and the backups caught the writer at different moments
    assert len(edited_phones) > 1


def test_restore_brings_back_every_row_of_every_table(tmp_path: Path) -> None:
    # given the demo company (documents and interactions too), made by the services, and its
    # backup
    demo_load(5)
    documents_demo_load()
    before = database_snapshot()
    backup = tmp_path / "liaison.backup"
    info = backup_create(backup)
    assert info.tables == len(before) - 1
    assert info.total_rows == sum(len(rows) for t, rows in before.items() if t != "(sequences)")
    assert backup.read_bytes()[:16].startswith(MAGIC[connection.vendor])
    # when data is changed, deleted and added through the services
    mutate_through_services()
    assert snapshot_differences(before, database_snapshot())
    # and the backup is restored over it
    restored = backup_restore(backup, force=True)
    # then every table holds exactly the rows it held at the backup, sequences included
    assert snapshot_differences(before, database_snapshot()) == {}
    assert (restored.tables, restored.total_rows) == (info.tables, info.total_rows)
    assert restored.pending_migrations == 0
    # and new records carry on from there
    assert contact_create(data={"name": "After the restore"}).pk


def test_backup_keeps_an_existing_file_unless_asked_to_overwrite(tmp_path: Path) -> None:
    # given a file where the backup should go
    backup = tmp_path / "liaison.backup"
    backup.write_text("an older backup")
    # when a backup is made to it
    with pytest.raises(BackupFileExists, match=r"already exists.*--overwrite"):
        backup_create(backup)
    # then the file is untouched and nothing is left behind
    assert backup.read_text() == "an older backup"
    assert _leftovers(tmp_path) == []
    # when overwriting is asked for, then it is replaced by a backup
    backup_create(backup, overwrite=True)
    assert backup.read_bytes().startswith(MAGIC[connection.vendor])
    assert _leftovers(tmp_path) == []


def test_backup_creates_missing_folders(tmp_path: Path) -> None:
    # when a backup goes into folders that do not exist yet
    backup = tmp_path / "backups" / "2024" / "liaison.backup"
    info = backup_create(backup)
    # then they are created and the summary names the file
    assert backup.is_file()
    assert info.size == backup.stat().st_size
    assert str(backup) in info.summary()


def test_restore_refuses_to_replace_data_unless_forced(tmp_path: Path) -> None:
    # given a backup, then a contact created after it
    backup = tmp_path / "liaison.backup"
    backup_create(backup)
    contact_create(data={"name": "Made after the backup"})
    # when the backup is restored without force
    with pytest.raises(RestoreTargetNotEmpty, match=r"already holds data.*--force") as refused:
        backup_restore(backup)
    # then nothing was replaced
    assert refused.value.code == "restore_target_not_empty"
    assert Contact.objects.filter(name="Made after the backup").exists()


def test_restore_rejects_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    # given a text file
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup")
    # when it is restored, then it is rejected before anything is touched
    with pytest.raises(BackupError, match="not a Liaison backup") as rejected:
        backup_restore(notes, force=True)
    assert rejected.value.code == "backup_failed"
    with pytest.raises(BackupError, match="There is no backup file at"):
        backup_restore(tmp_path / "missing.backup", force=True)


def test_restore_rejects_a_backup_of_the_other_kind_of_database(tmp_path: Path) -> None:
    # given a backup made by the other backend
    other = tmp_path / "other.backup"
    other.write_bytes(
        PGDUMP_MAGIC + b"\x01" * 32 if connection.vendor == "sqlite" else SQLITE_MAGIC + b"\0" * 84
    )
    # when it is restored, then the message names both kinds
    with pytest.raises(BackupError, match="backup but the configured database is"):
        backup_restore(other, force=True)


def test_a_damaged_backup_is_rejected_and_the_database_left_as_it_was(tmp_path: Path) -> None:
    # given a backup cut short (a disk that filled up, a copy that was interrupted)
    backup, damaged = tmp_path / "liaison.backup", tmp_path / "damaged.backup"
    demo_load(2)
    backup_create(backup)
    damaged.write_bytes(backup.read_bytes()[: backup.stat().st_size * 2 // 3])
    before = database_snapshot()
    # when it is restored, then it fails with the reason
    reason = {
        "sqlite": "SQLite could not restore .* malformed",
        "postgresql": "pg_restore failed .* end of file. The database was not changed",
    }[connection.vendor]
    with pytest.raises(BackupError, match=reason):
        backup_restore(damaged, force=True)
    # and every table still holds what it held
    assert snapshot_differences(before, database_snapshot()) == {}


def test_restore_refuses_to_run_inside_a_transaction(tmp_path: Path) -> None:
    # given a backup
    backup = tmp_path / "liaison.backup"
    backup_create(backup)
    # when it is restored inside a transaction, then it is refused
    with transaction.atomic(), pytest.raises(BackupError, match="inside a transaction"):
        backup_restore(backup, force=True)


def test_pg_dump_failure_is_reported_with_its_message_and_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_postgresql()
    # given a pg_dump that writes half a file and fails
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do case "$a" in --file=*) echo partial > "${a#--file=}";; esac; done\n'
        'echo "pg_dump: error: connection to server failed: disk on fire" >&2\nexit 1\n'
    )
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    out = tmp_path / "out"
    out.mkdir()
    # when a backup is made
    with pytest.raises(BackupError, match=r"pg_dump failed \(exit status 1\).*disk on fire"):
        backup_create(out / "liaison.backup")
    # then neither the backup nor its temporary file is left
    assert list(out.iterdir()) == []


def test_missing_postgresql_tools_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_postgresql()
    # given a PATH without the PostgreSQL client tools
    monkeypatch.setenv("PATH", str(tmp_path))
    # when a backup is made, then the message says what to install
    with pytest.raises(BackupError, match="pg_dump is not installed or not on PATH"):
        backup_create(tmp_path / "liaison.backup")
    assert _leftovers(tmp_path) == []
