"""One checkpoint-and-resume mechanism for long runs: batch jobs and imports (``ResumableRun``).

A run is claimed by raising its ``attempt`` against the value read, so of two processes that
start or resume the same run only one gets it. Each committed chunk writes the run's progress
and heartbeat in the chunk's transaction, and only while ``attempt`` is still the runner's (a
fencing token): a runner whose run was taken over gets ``RunTakenOver`` and its chunk rolls
back. A queued or running run whose owner is gone (a dead pid on this host, or a stale
heartbeat: ``core.liveness``) is interrupted, and is resumed after its last committed chunk;
where that is (a job's cursor, an import's last row) is each run's own business.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import F, QuerySet
from django.utils import timezone

from liaison.batch.errors import RunTakenOver
from liaison.batch.models import JobStatus, ResumableRun
from liaison.core.liveness import owner_gone, this_runner

R = TypeVar("R", bound=ResumableRun)
AT_WORK = (JobStatus.QUEUED, JobStatus.RUNNING)


def run_owner() -> dict[str, Any]:
    """The owner fields of a run this process creates: its host, pid and a heartbeat now."""
    runner = this_runner()
    return {"host": runner.host, "pid": runner.pid, "heartbeat_at": timezone.now()}


def run_owned(model: type[R], pk: int, attempt: int) -> QuerySet[R]:
    """The run's row while ``attempt`` is still the current one (the fencing token)."""
    return model._default_manager.filter(pk=pk, attempt=attempt)


def run_claim(run: ResumableRun, *, attempt: int | None = None, taken_over: str) -> int:
    """Make this process the run's runner; returns its attempt, or raises ``RunTakenOver``
    (``taken_over``) if another process claimed it since ``attempt`` (default: the row's as
    read) was read."""
    read = run.attempt if attempt is None else attempt
    if not run_owned(type(run), run.pk, read).update(
        status=JobStatus.RUNNING,
        attempt=F("attempt") + 1,
        error="",
        finished_at=None,
        **run_owner(),
    ):
        raise RunTakenOver(taken_over)
    return read + 1


def run_checkpoint(
    model: type[R], pk: int, attempt: int, *, taken_over: str, **progress: Any
) -> None:
    """Write the run's ``progress`` and heartbeat, in the caller's (the chunk's) transaction;
    raises ``RunTakenOver`` (``taken_over``), rolling the chunk back, if another process took
    the run over."""
    if not run_owned(model, pk, attempt).update(**progress, heartbeat_at=timezone.now()):
        raise RunTakenOver(taken_over)


def run_finish(model: type[R], pk: int, attempt: int, **totals: Any) -> None:
    """Mark the run done with its final ``totals`` (over every attempt)."""
    now = timezone.now()
    run_owned(model, pk, attempt).update(
        status=JobStatus.DONE, **totals, heartbeat_at=now, finished_at=now
    )


def run_fail(model: type[R], pk: int, attempt: int, *, error: str) -> None:
    """Mark the run failed; it keeps its last committed chunk, so it can be resumed."""
    run_owned(model, pk, attempt).update(
        status=JobStatus.FAILED, error=error, finished_at=timezone.now()
    )


def run_retire(run: ResumableRun, *, error: str) -> None:
    """Fail a run that another one replaces, fenced off: a late write of its old owner is
    refused."""
    run_owned(type(run), run.pk, run.attempt).update(
        status=JobStatus.FAILED,
        attempt=F("attempt") + 1,
        error=error,
        finished_at=timezone.now(),
    )


def run_interrupted(run: ResumableRun) -> bool:
    """A queued or running run whose process is gone (dead pid here, or a stale heartbeat)."""
    return run.status in AT_WORK and owner_gone(run.host, run.pid, run.heartbeat_at)


def run_alive(run: ResumableRun) -> bool:
    """A queued or running run whose process is still at work: no other may resume it."""
    return run.status in AT_WORK and not owner_gone(run.host, run.pid, run.heartbeat_at)
