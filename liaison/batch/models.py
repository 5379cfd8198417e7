"""Batch jobs and import runs: the rows that record a long run's owner and progress."""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from liaison.relations.models import LinkToTable


class JobStatus(models.TextChoices):
    """Where a batch job or an import run stands."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ResumableRun(models.Model):
    """Who works on a long run, for crash safety: the host and process id of its owner, a
    heartbeat written with every committed chunk, and ``attempt``, raised by each start or
    resume. A chunk commits only while its runner's attempt is still the row's (a fencing
    token), so a run taken over by ``resume`` cannot be written to by its old owner."""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    chunk_size = models.PositiveIntegerField(default=1000)
    host = models.CharField(max_length=100, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class BatchJob(ResumableRun):
    """A background "create contacts from ..." run: its progress and its summary.

    ``last_number`` is the cursor: the number of the last record of the last committed chunk,
    written in that chunk's transaction with ``done`` and ``created``; a resume goes on after it.
    """

    kind = models.CharField(max_length=20, choices=LinkToTable.choices)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    # R-I7: how many of the contacts created have duplicates (R-I4 steps 7-8).
    with_duplicates = models.PositiveIntegerField(default=0)
    last_number = models.CharField(max_length=20, blank=True)

    class Meta:
        # The table keeps the name it had in the relations app (moved in migration state only).
        db_table = "relations_batchjob"
        ordering: ClassVar[list[str]] = ["-created_at"]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} {self.status}"


class ImportRun(ResumableRun):
    """One CSV import (``liaison import``): the file it reads, identified by its content
    (SHA-256 and size; with a column mapping, ``sha256`` is that of the file's and the
    mapping's, ``imports.runs.FileFingerprint.key``), and the last data row of the last
    committed chunk with the counts so far, written in that chunk's transaction; ``--resume``
    goes on after ``rows``."""

    kind = models.CharField(max_length=20)
    file_name = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "relations_importrun"
        ordering: ClassVar[list[str]] = ["-created_at"]
        indexes: ClassVar[list[models.Index]] = [
            models.Index(fields=["sha256", "kind"], name="importrun_file")
        ]

    def __str__(self) -> str:
        return f"import {self.pk} {self.kind} {self.file_name} {self.status}"
