"""Crash-safe CSV imports: one ``ImportRun`` per import of a file, so a killed import resumes
(claimed, checkpointed and finished as every run is: ``batch.runs``).

A file is known by its content (SHA-256 and size), not by its path: a copy or a moved file is
the same import, an edited file a new one. Each committed chunk also writes the run's last row
and counts, in the chunk's transaction. An unfinished run of the same file makes a plain import
refuse (``import_interrupted``): ``--resume`` goes on after its last committed row, ``--restart``
imports the whole file again. Refusing, rather than resuming by itself, because both silent
choices can be wrong: a blank number in a committed row would be created twice by a restart,
and a user who deleted records since would not get them back from a resume.

A finished run makes the same file a repeat: a row of it is known by the file and its row
number, so importing it again (or ``--resume`` of it) does nothing and says so
(``AlreadyImported``), and only ``--restart`` imports every row again. One indexed query per
import, nothing per row. An edited file is another file: all its rows are imported.

A column mapping (``--map``) is part of what identifies an import: the same file read under
another mapping is another import. A run's ``sha256`` is its key (``FileFingerprint.key``): the
file's SHA-256 when no column is renamed (so a file in our field names is known as before),
else the SHA-256 of the file's SHA-256 and the mapping's ``canonical`` text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.db import transaction

from liaison.batch.errors import ImportInterrupted, RunNotResumable
from liaison.batch.imports.results import ImportCheckpoint, ImportResult
from liaison.batch.models import ImportRun, JobStatus
from liaison.batch.runs import (
    run_alive,
    run_checkpoint,
    run_claim,
    run_fail,
    run_finish,
    run_owner,
    run_retire,
)

# The columns of an ImportRun that a checkpoint and the finish write.
RUN_COUNTS = ("rows", "created", "updated", "unchanged", "failed")
Mode = Literal["new", "resume", "restart"]
UNFINISHED = (JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.FAILED)


class AlreadyImported(Exception):  # an outcome, not an error: nothing to do
    """The file's last import finished: every row of it (its content's SHA-256 and size, and
    each row's number in it) was read and stored or refused then, so importing it again would
    only create its blank-number rows a second time."""

    def __init__(self, run: ImportRun) -> None:
        super().__init__(f"Import run {run.pk} finished this file.")
        self.run = run


@dataclass(frozen=True)
class FileFingerprint:
    """A file's SHA-256, size in bytes and line count (one pass over its bytes), and the
    column mapping it is read with (``ColumnMap.canonical``, "" for none)."""

    sha256: str
    size: int
    lines: int
    mapping: str = ""

    @property
    def key(self) -> str:
        """What a run of this file under this mapping is known by (``ImportRun.sha256``)."""
        if not self.mapping:
            return self.sha256
        return hashlib.sha256(f"{self.sha256}\n{self.mapping}".encode()).hexdigest()


def file_fingerprint(path: str, mapping: str = "") -> FileFingerprint:
    digest = hashlib.sha256()
    size = lines = 0
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
            lines += block.count(b"\n")
    return FileFingerprint(digest.hexdigest(), size, lines, mapping)


def import_run_finished(kind: str, fingerprint: FileFingerprint) -> ImportRun | None:
    """The run that finished importing this file as ``kind``, when the file's latest run is
    finished (a later ``--restart`` that stopped is not: that one is to be resumed)."""
    latest = (
        ImportRun.objects.filter(kind=kind, sha256=fingerprint.key, size=fingerprint.size)
        .order_by("-pk")
        .first()
    )
    return latest if latest is not None and latest.status == JobStatus.DONE else None


@transaction.atomic
def import_run_begin(
    *, kind: str, file_name: str, fingerprint: FileFingerprint, chunk_size: int, mode: Mode
) -> tuple[ImportRun, int]:
    """Start, resume or restart the import of a file; returns the run and this attempt.

    ``new`` refuses when an earlier import of the same content stopped after committing rows;
    ``resume`` goes on with it (or starts a new run when there is none); ``restart`` retires it
    and starts again from row 1. An import of the same file still at work elsewhere is refused.
    When the file's last import finished, ``new`` and ``resume`` raise ``AlreadyImported``
    (nothing to do: its rows, blank numbers included, are known by their file and row number),
    and only ``restart`` imports it again.
    """
    if mode != "restart" and (done := import_run_finished(kind, fingerprint)) is not None:
        raise AlreadyImported(done)
    unfinished = list(
        ImportRun.objects.filter(
            kind=kind, sha256=fingerprint.key, size=fingerprint.size, status__in=UNFINISHED
        ).order_by("-pk")
    )
    live = next((run for run in unfinished if run_alive(run)), None)
    if live is not None:
        raise RunNotResumable(
            f"{file_name} is being imported by process {live.pid} on {live.host} (import run "
            f"{live.pk}, row {live.rows}): wait for it to finish, or stop that process first."
        )
    latest = unfinished[0] if unfinished else None
    if mode == "resume" and latest is not None:
        attempt = run_claim(
            latest,
            taken_over=f"Import run {latest.pk} was resumed by another process meanwhile.",
        )
        # Read after the claim: no earlier owner can move the run's last row any more.
        return ImportRun.objects.get(pk=latest.pk), attempt
    if mode == "new" and latest is not None and latest.rows:
        raise ImportInterrupted(
            f"An import of this file (run {latest.pk}) stopped after row {latest.rows}: run it "
            "again with --resume to go on from there, or with --restart to import every row "
            "again (rows with a blank number would then be created twice)."
        )
    run = ImportRun.objects.create(
        kind=kind,
        file_name=file_name[-500:],
        sha256=fingerprint.key,
        size=fingerprint.size,
        chunk_size=chunk_size,
        status=JobStatus.RUNNING,
        attempt=1,
        **run_owner(),
    )
    for old in unfinished:  # fenced off: a late write of their old owners would be refused
        run_retire(old, error=f"Replaced by import run {run.pk}.")
    return run, 1


def import_run_position(run: ImportRun) -> ImportCheckpoint | None:
    """Where a resumed run goes on from: its last committed row and counts (None: row 1)."""
    if not run.rows:
        return None
    return ImportCheckpoint(
        rows=run.rows,
        created=run.created,
        updated=run.updated,
        unchanged=run.unchanged,
        failed=run.failed,
    )


def import_run_checkpoint(run_pk: int, attempt: int) -> Callable[[ImportCheckpoint], None]:
    """The checkpoint for ``csv_import``: writes the run's progress in the chunk's transaction,
    and refuses (rolling the chunk back) if another process took the run over."""

    def checkpoint(where: ImportCheckpoint) -> None:
        taken_over = f"Import run {run_pk} was resumed by another process: stopping."
        run_checkpoint(ImportRun, run_pk, attempt, taken_over=taken_over, **_counts(where))

    return checkpoint


def import_run_finish(run_pk: int, attempt: int, result: ImportResult) -> None:
    """Mark the run done with its final counts (over every attempt)."""
    run_finish(ImportRun, run_pk, attempt, **_counts(result))


def _counts(where: ImportCheckpoint | ImportResult) -> dict[str, int]:
    """The run's columns that count rows, as ``where`` has them."""
    return {name: getattr(where, name) for name in RUN_COUNTS}


def import_run_fail(run_pk: int, attempt: int, error: str) -> None:
    """Mark the run failed; it keeps its last committed row, so it can be resumed."""
    run_fail(ImportRun, run_pk, attempt, error=error[:2000])
