"""Pages of the batch jobs: start a "create contacts from ..." job and follow its progress."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.accounts.roles import EDITOR
from liaison.batch.jobs import job_start
from liaison.batch.selectors import job_get, job_list
from liaison.core.errors import DomainError
from liaison.records.kinds import RECORD_KINDS
from liaison.relations.selectors import unlinked_records
from liaison.webutils import HtmxHttpRequest, role_required


@login_required
def batch(request: HttpRequest) -> HttpResponse:
    """How many records have no contact yet, and a Start button per kind."""
    counts = [
        (kind.key, kind.label, kind.path, unlinked_records(kind.key).count())
        for kind in RECORD_KINDS.values()
    ]
    jobs = job_list(limit=5)
    return render(request, "batch/batch.html", {"counts": counts, "jobs": jobs})


@role_required(EDITOR)
@require_POST
def batch_start(request: HttpRequest) -> HttpResponse:
    """Start a background job and go to its progress page."""
    try:
        job = job_start(kind=request.POST.get("kind", ""))
    except (DomainError, KeyError) as exc:
        messages.error(
            request, getattr(exc, "message", "Choose customers, vendors or bank accounts.")
        )
        return redirect("batch:batch")
    return redirect("batch:job", job_id=job.pk)


@login_required
def job_view(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    """A job's live progress (htmx polls the fragment until the job ends) and its summary."""
    job = job_get(job_id)
    template = "batch/_job.html" if request.htmx else "batch/job.html"
    label = RECORD_KINDS[job.kind].label if job.kind in RECORD_KINDS else job.kind
    return render(request, template, {"job": job, "label": label})
