"""Background batch jobs: started by a request, run after commit in a worker thread, so they
outlive a slow or vanished client; progress and the summary are stored on the job row.

Crash safety: each chunk's transaction also writes the job's cursor (``last_number``), counts
and heartbeat, and only while the job's ``attempt`` is still this runner's. A job whose process
died (a dead pid on this host, or a stale heartbeat) stays RUNNING, is listed as interrupted,
and ``job_resume`` goes on after its last committed chunk (``liaison jobs resume``). The
claim, checkpoint, liveness and finish are those of every run (``batch.runs``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections, connections, transaction

from liaison.audit.context import Source, acting, current_actor
from liaison.batch.errors import RunNotResumable, RunTakenOver
from liaison.batch.models import BatchJob, JobStatus
from liaison.batch.runs import (
    AT_WORK,
    run_alive,
    run_checkpoint,
    run_claim,
    run_fail,
    run_finish,
    run_interrupted,
    run_owner,
)
from liaison.batch.selectors import job_get
from liaison.relations.selectors import relation_code_required
from liaison.relations.services import BatchResult, contacts_create_from

log = logging.getLogger(__name__)
# The columns of a BatchJob that each committed chunk writes: its progress and its cursor.
JOB_PROGRESS = ("total", "done", "created", "skipped", "with_duplicates", "last_number")


def job_run(
    job_pk: int, *, progress: Callable[[int, int], None] | None = None, attempt: int | None = None
) -> BatchJob:
    """Run a job to the end, from its cursor on (a new job starts at the beginning).

    The job is claimed first: ``attempt`` goes up by one, compared against the value read
    (``attempt``, default the row's current one), so of two processes resuming the same job
    only one gets it. A failure is recorded on the job and logged; the job is returned.
    """
    job = job_get(job_pk)
    mine = run_claim(
        job,
        attempt=attempt,
        taken_over=f"Job {job.pk} was started or resumed by another process meanwhile.",
    )
    job = job_get(job_pk)  # the cursor read after the claim: no earlier owner can move it now

    def checkpoint(result: BatchResult) -> None:
        # In the chunk's transaction: the cursor commits with the chunk's contacts or not at all.
        taken_over = f"Job {job_pk} was resumed by another process: this one stops."
        progress = {name: getattr(result, name) for name in JOB_PROGRESS}
        run_checkpoint(BatchJob, job_pk, mine, taken_over=taken_over, **progress)

    resume = BatchResult(
        kind=job.kind,
        created=job.created,
        with_duplicates=job.with_duplicates,
        last_number=job.last_number,
    )
    try:
        result = contacts_create_from(
            job.kind,
            chunk_size=job.chunk_size,
            resume=resume,
            checkpoint=checkpoint,
            progress=progress,
        )
    except RunTakenOver:
        log.warning("batch job %s was taken over by another process", job_pk)
        return job_get(job_pk)
    except Exception as exc:  # any failure is recorded on the job, then logged
        log.exception("batch job %s failed", job_pk)
        run_fail(BatchJob, job_pk, mine, error=str(exc))
        return job_get(job_pk)
    run_finish(
        BatchJob,
        job_pk,
        mine,
        created=result.created,
        skipped=result.skipped,
        with_duplicates=result.with_duplicates,
        done=result.done,
        total=result.done,
        last_number=result.last_number,
    )
    return job_get(job_pk)


def job_interrupted(job: BatchJob) -> bool:
    """A queued or running job whose process is gone (dead pid here, or a stale heartbeat)."""
    return run_interrupted(job)


def jobs_interrupted(kind: str | None = None) -> list[BatchJob]:
    """Interrupted jobs, oldest first (of ``kind`` when given)."""
    unfinished = BatchJob.objects.filter(status__in=AT_WORK)
    if kind is not None:
        unfinished = unfinished.filter(kind=kind)
    return [job for job in unfinished.order_by("pk") if job_interrupted(job)]


def job_resume(pk: int, *, progress: Callable[[int, int], None] | None = None) -> BatchJob:
    """Go on with an interrupted (or failed) job after its last committed chunk.

    Records linked by the chunks that committed are not looked at again; a chunk cut off
    by the crash was rolled back by the database and is done again. The job's counts add up
    over every attempt. A done job, or one whose process is alive, is refused.
    """
    job = job_resumable(pk)
    return job_run(pk, progress=progress, attempt=job.attempt)


def job_resumable(pk: int) -> BatchJob:
    """The job, if it can be resumed: interrupted or failed; otherwise ``run_not_resumable``."""
    job = job_get(pk)
    if job.status == JobStatus.DONE:
        raise RunNotResumable(f"Job {pk} is done: nothing to resume.")
    if run_alive(job):
        raise RunNotResumable(
            f"Job {pk} is still running (process {job.pid} on {job.host}, last chunk at "
            f"{job.heartbeat_at:%Y-%m-%d %H:%M:%S}): wait for it, or stop that process first."
        )
    return job


def job_create(*, kind: str, chunk_size: int = 1000) -> BatchJob:
    """A queued job owned by this process until a runner claims it (E-2 checked first)."""
    relation_code_required(kind)
    return BatchJob.objects.create(kind=kind, chunk_size=chunk_size, **run_owner())


def _run_in_thread(job_pk: int) -> None:
    # The thread outlives the request: its changes are audited as the batch job of the user
    # who started it (a new thread does not inherit the request's context).
    actor = current_actor().detached(Source.BATCH)

    def target() -> None:
        close_old_connections()
        try:
            with acting(actor):
                job_run(job_pk)
        finally:
            connections.close_all()  # the thread ends: its connections would stay open

    threading.Thread(target=target, name=f"liaison-job-{job_pk}", daemon=True).start()


@transaction.atomic
def job_start(*, kind: str) -> BatchJob:
    """Queue a batch "create contacts from <kind>" job; it starts once this transaction commits.

    The relation code is checked now (E-2), so a job that cannot run is refused at once.
    """
    job = job_create(kind=kind)
    if getattr(settings, "LIAISON_JOBS_INLINE", False):
        actor = current_actor().detached(Source.BATCH)

        def inline() -> None:
            with acting(actor):
                job_run(job.pk)

        transaction.on_commit(inline)
    else:
        transaction.on_commit(lambda: _run_in_thread(job.pk))
    return job
