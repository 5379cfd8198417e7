"""Reads of batch jobs."""

from __future__ import annotations

from liaison.batch.models import BatchJob
from liaison.core.errors import NotFound


def job_get(pk: int) -> BatchJob:
    """A job by id, or E-10."""
    job = BatchJob.objects.filter(pk=pk).first()
    if job is None:
        raise NotFound(f"Job {pk} does not exist.")
    return job


def job_list(*, limit: int) -> list[BatchJob]:
    """The latest ``limit`` jobs, newest first."""
    return list(BatchJob.objects.order_by("-pk")[:limit])
