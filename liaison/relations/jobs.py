"""Background batch jobs: started by a request, run after commit in a worker thread, so they
outlive a slow or vanished client; progress and the summary are stored on the job row.

A job does not survive the server process being killed; re-running it is safe because linked
records are skipped (R-I3).
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone

from liaison.core.errors import NotFound
from liaison.relations.models import BatchJob, JobStatus
from liaison.relations.selectors import relation_code_required
from liaison.relations.services import contacts_create_from

log = logging.getLogger(__name__)


def job_run(job_pk: int) -> None:
    """Run a queued job to the end, recording progress after each chunk."""
    job = BatchJob.objects.get(pk=job_pk)
    BatchJob.objects.filter(pk=job_pk).update(status=JobStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        BatchJob.objects.filter(pk=job_pk).update(done=done, total=total)

    try:
        result = contacts_create_from(job.kind, progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job, then logged
        log.exception("batch job %s failed", job_pk)
        BatchJob.objects.filter(pk=job_pk).update(
            status=JobStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        return
    BatchJob.objects.filter(pk=job_pk).update(
        status=JobStatus.DONE,
        created=result.created,
        skipped=result.skipped,
        done=result.created + result.skipped,
        total=result.created + result.skipped,
        finished_at=timezone.now(),
    )


def _run_in_thread(job_pk: int) -> None:
    def target() -> None:
        close_old_connections()
        try:
            job_run(job_pk)
        finally:
            close_old_connections()

    threading.Thread(target=target, name=f"liaison-job-{job_pk}", daemon=True).start()


@transaction.atomic
def job_start(*, kind: str) -> BatchJob:
    """Queue a batch "create contacts from <kind>" job; it starts once this transaction commits.

    The relation code is checked now (E-2), so a job that cannot run is refused at once.
    """
    relation_code_required(kind)
    job = BatchJob.objects.create(kind=kind)
    if getattr(settings, "LIAISON_JOBS_INLINE", False):
        transaction.on_commit(lambda: job_run(job.pk))
    else:
        transaction.on_commit(lambda: _run_in_thread(job.pk))
    return job


def job_get(pk: int) -> BatchJob:
    """A job by id, or E-10."""
    job = BatchJob.objects.filter(pk=pk).first()
    if job is None:
        raise NotFound(f"Job {pk} does not exist.")
    return job
