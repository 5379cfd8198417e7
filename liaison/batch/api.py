"""REST resources of batch jobs: start a "create contacts from ..." job, list and follow jobs."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

from liaison.batch.jobs import job_start
from liaison.batch.schemas import JobIn, JobOut
from liaison.batch.selectors import job_get, job_list
from liaison.core.http import location
from liaison.core.schemas import ERRORS

# The tag and operation ids the jobs had under the setup router, so the API stays the same.
router = Router(tags=["setup"])


@router.post(
    "/jobs", response={202: JobOut, **ERRORS}, operation_id="liaison_relations_api_start_job"
)
def start_job(request: HttpRequest, payload: JobIn, response: HttpResponse) -> Any:
    """Start a background "create contacts from customers/vendors/bank accounts" job."""
    job = job_start(kind=payload.kind)
    response["Location"] = location("jobs", job.pk)
    return Status(202, job)


@router.get(
    "/jobs", response={200: list[JobOut], **ERRORS}, operation_id="liaison_relations_api_list_jobs"
)
def list_jobs(request: HttpRequest, limit: int = Query(20, ge=1, le=200)) -> Any:
    return job_list(limit=limit)


@router.get(
    "/jobs/{job_id}", response={200: JobOut, **ERRORS}, operation_id="liaison_relations_api_get_job"
)
def get_job(request: HttpRequest, job_id: int) -> Any:
    """A job's progress (``done`` of ``total``) and, once done, its summary."""
    return job_get(job_id)
