"""Resuming batch jobs and imports after a crash: cursors, counts, liveness and fencing.

The SIGKILL stories with the real command are in ``tests/test_crash.py``; these test the
pieces in-process.
"""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from liaison.batch.commands.import_command import import_main
from liaison.batch.errors import ImportInterrupted, RunNotResumable
from liaison.batch.imports.pipeline import csv_import
from liaison.batch.imports.results import ImportCheckpoint
from liaison.batch.imports.runs import file_fingerprint, import_run_begin
from liaison.batch.jobs import (
    job_create,
    job_interrupted,
    job_resume,
    job_run,
    jobs_interrupted,
)
from liaison.batch.models import BatchJob, ImportRun, JobStatus
from liaison.contacts.models import Contact
from liaison.core.liveness import owner_gone, pid_alive, this_runner
from liaison.relations.models import MarketingSetup
from liaison.relations.services import BatchResult, contacts_create_from
from liaison.sales.models import Customer
from liaison.sales.services import customer_create


def _unlinked_customers(count: int) -> list[Customer]:
    code = MarketingSetup.objects.get().bus_rel_code_for_customers
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    made = [customer_create(data={"name": f"Customer {i}"}) for i in range(count)]
    MarketingSetup.objects.update(bus_rel_code_for_customers=code)
    return made


def _dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_run_resumed_from_its_cursor_skips_what_was_done_and_adds_up_the_counts() -> None:
    # given five unlinked customers, two of them done by a first run that stopped
    customers = _unlinked_customers(5)
    checkpoints: list[tuple[int, str]] = []
    first = contacts_create_from("customer", numbers=[c.number for c in customers[:2]])
    assert first.created == 2
    # when the run goes on after the second customer
    result = contacts_create_from(
        "customer",
        chunk_size=2,
        resume=BatchResult(kind="customer", created=2, last_number=customers[1].number),
        checkpoint=lambda r: checkpoints.append((r.created, r.last_number)),
    )
    # then only the last three were worked on, and the counts cover both runs
    assert (result.created, result.skipped, result.total, result.done) == (5, 0, 5, 5)
    assert checkpoints == [(4, customers[3].number), (5, customers[4].number)]
    assert Contact.objects.count() == 5


def test_a_job_records_its_cursor_with_every_chunk_and_finishes_with_the_totals() -> None:
    # given
    customers = _unlinked_customers(5)
    seen: list[tuple[int, str]] = []

    def progress(done: int, total: int) -> None:
        row = BatchJob.objects.get()
        seen.append((row.done, row.last_number))

    # when
    job = job_run(job_create(kind="customer", chunk_size=2).pk, progress=progress)
    # then
    assert seen == [(2, customers[1].number), (4, customers[3].number), (5, customers[4].number)]
    assert (job.status, job.created, job.skipped, job.done, job.total, job.attempt) == (
        JobStatus.DONE,
        5,
        0,
        5,
        5,
        1,
    )


def test_a_job_whose_process_died_is_interrupted_and_resumes_after_its_cursor() -> None:
    # given a job that committed two of five, then its process died
    customers = _unlinked_customers(5)
    contacts_create_from("customer", numbers=[c.number for c in customers[:2]])
    job = job_create(kind="customer", chunk_size=2)
    BatchJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING,
        pid=_dead_pid(),
        attempt=1,
        done=2,
        created=2,
        total=5,
        last_number=customers[1].number,
    )
    assert [j.pk for j in jobs_interrupted("customer")] == [job.pk]
    # when
    resumed = job_resume(job.pk)
    # then
    assert (resumed.status, resumed.created, resumed.skipped, resumed.attempt) == (
        JobStatus.DONE,
        5,
        0,
        2,
    )
    assert Contact.objects.count() == 5
    assert jobs_interrupted() == []


def test_a_done_or_live_job_is_not_resumed() -> None:
    _unlinked_customers(1)
    live = job_create(kind="customer")  # this process, a fresh heartbeat: alive
    with pytest.raises(RunNotResumable):
        job_resume(live.pk)
    done = job_run(live.pk)
    with pytest.raises(RunNotResumable, match="done"):
        job_resume(done.pk)


def test_a_job_taken_over_by_another_process_stops_and_rolls_its_chunk_back() -> None:
    # given a job that another process claims after the first chunk
    _unlinked_customers(4)
    job = job_create(kind="customer", chunk_size=2)

    def someone_else_resumes(done: int, total: int) -> None:
        BatchJob.objects.filter(pk=job.pk).update(attempt=99)

    # when
    job_run(job.pk, progress=someone_else_resumes)
    # then the second chunk was refused: its contacts are not stored
    assert Contact.objects.count() == 2
    row = BatchJob.objects.get()
    assert (row.status, row.created, row.attempt) == (JobStatus.RUNNING, 2, 99)


def test_liveness_by_pid_on_this_host_and_by_heartbeat_elsewhere() -> None:
    me, fresh, old = this_runner(), timezone.now(), timezone.now() - timedelta(hours=1)
    assert pid_alive(me.pid)
    assert not pid_alive(_dead_pid())
    assert not owner_gone(me.host, me.pid, fresh)
    assert owner_gone(me.host, _dead_pid(), fresh)
    assert owner_gone(me.host, me.pid, old)  # alive but silent: hung, or a reused pid
    assert not owner_gone("elsewhere", 1, fresh)
    assert owner_gone("elsewhere", 1, old)
    job = job_create(kind="customer")
    assert not job_interrupted(job)


def test_an_import_resumed_after_a_row_skips_it_and_still_refuses_a_repeated_number() -> None:
    # given rows 1-3 imported before the crash
    first = csv_import("customer", io.StringIO("number,name\n,Anna\n,Bert\n,Carl\n"))
    assert first.created == 3
    where: list[ImportCheckpoint] = []
    # when the file goes on after row 3
    text = "number,name\n,Anna\n,Bert\nK9,Carl\n,Dora\nK9,Again\n"
    result = csv_import(
        "customer",
        io.StringIO(text),
        chunk_size=1,
        resume=ImportCheckpoint(rows=3, created=3),
        checkpoint=where.append,
    )
    # then rows 4 and 5 were read: Dora created, K9 refused as repeated from row 3
    assert (result.rows, result.created, result.failed) == (5, 4, 1)
    assert [str(e) for e in result.errors] == [
        "row 5, number: K9 is already in row 3 of this file."
    ]
    assert where == [ImportCheckpoint(4, 4, 0, 0, 0), ImportCheckpoint(5, 4, 0, 0, 1)]
    assert "resumed after row 3" in result.summary()
    assert sorted(Customer.objects.values_list("name", flat=True)) == [
        "Anna",
        "Bert",
        "Carl",
        "Dora",
    ]


def test_an_interrupted_import_of_the_same_file_must_be_resumed_or_restarted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # given an import of this file that stopped after row 2 (its process is gone)
    path = tmp_path / "c.csv"
    path.write_text("number,name\n,Anna\n,Bert\n,Carl\n", encoding="utf-8")
    csv_import("customer", io.StringIO("number,name\n,Anna\n,Bert\n"))
    fingerprint = file_fingerprint(str(path))
    run, _ = import_run_begin(
        kind="customer", file_name=str(path), fingerprint=fingerprint, chunk_size=2, mode="new"
    )
    ImportRun.objects.filter(pk=run.pk).update(pid=_dead_pid(), rows=2, created=2)
    # when it is imported again as it was: refused
    with pytest.raises(ImportInterrupted):
        import_run_begin(
            kind="customer", file_name="x", fingerprint=fingerprint, chunk_size=2, mode="new"
        )
    assert import_main(["customers", str(path)]) == 2
    assert "import_interrupted" in capsys.readouterr().err
    # when resumed: only Carl is added, the counts cover both runs
    assert import_main(["customers", str(path), "--resume"]) == 0
    assert "3 created, 0 updated, 0 unchanged, 0 errors (resumed after row 2" in (
        capsys.readouterr().out
    )
    assert Customer.objects.count() == 3
    assert ImportRun.objects.get().status == JobStatus.DONE
    # and a restart imports every row again (a new run; blank numbers make new customers)
    assert import_main(["customers", str(path), "--restart"]) == 0
    assert Customer.objects.count() == 6
    assert ImportRun.objects.filter(status=JobStatus.DONE).count() == 2
