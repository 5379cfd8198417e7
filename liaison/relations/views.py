"""Pages of the batch jobs and the setup (the record pages are in ``records/views.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.accounts.roles import ADMIN, EDITOR
from liaison.core.errors import DomainError
from liaison.core.models import NoSeries
from liaison.records.record_templates import TEMPLATE_MODELS
from liaison.relations.forms import SETUP_CODES, BusinessRelationForm, MarketingSetupForm
from liaison.relations.jobs import job_get, job_start
from liaison.relations.models import BatchJob, BusinessRelation
from liaison.relations.schemas import setup_out
from liaison.relations.selectors import marketing_setup_get, unlinked_records
from liaison.relations.services import business_relation_create, marketing_setup_update
from liaison.webutils import (
    HtmxHttpRequest,
    errors_onto_form,
    require_role_for_post,
    role_required,
)

PATH_KINDS = {"customers": "customer", "vendors": "vendor", "bank-accounts": "bank_account"}
LABELS = {"customer": "Customer", "vendor": "Vendor", "bank_account": "Bank account"}


@login_required
def batch(request: HttpRequest) -> HttpResponse:
    """How many records have no contact yet, and a Start button per kind."""
    counts = [
        (kind, LABELS[kind], path, unlinked_records(kind).count())
        for path, kind in PATH_KINDS.items()
    ]
    jobs = list(BatchJob.objects.order_by("-pk")[:5])
    return render(request, "relations/batch.html", {"counts": counts, "jobs": jobs})


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
        return redirect("records:batch")
    return redirect("records:job", job_id=job.pk)


@login_required
def job_view(request: HtmxHttpRequest, job_id: int) -> HttpResponse:
    """A job's live progress (htmx polls the fragment until the job ends) and its summary."""
    job = job_get(job_id)
    template = "relations/_job.html" if request.htmx else "relations/job.html"
    return render(request, template, {"job": job, "label": LABELS.get(job.kind, job.kind)})


@login_required
def setup_index(request: HttpRequest) -> HttpResponse:
    """Marketing setup, business relations, number series and templates (admins change it)."""
    require_role_for_post(request, ADMIN)
    setup = marketing_setup_get()
    choices = {
        "bus_rel_code_for_customers": list(BusinessRelation.objects.values_list("code", flat=True)),
        "contact_nos": list(NoSeries.objects.values_list("code", flat=True)),
        "default_customer_template_company": list(
            TEMPLATE_MODELS["customer"]._default_manager.values_list("code", flat=True)
        ),
        "default_vendor_template": list(
            TEMPLATE_MODELS["vendor"]._default_manager.values_list("code", flat=True)
        ),
    }
    choices["bus_rel_code_for_vendors"] = choices["bus_rel_code_for_bank_accounts"] = choices[
        "bus_rel_code_for_customers"
    ]
    choices["default_customer_template_person"] = choices["default_customer_template_company"]
    form = MarketingSetupForm(request.POST or None, initial=setup_out(setup), choices=choices)
    relation_form = BusinessRelationForm(prefix="relation")
    if request.method == "POST" and form.is_valid():
        try:
            marketing_setup_update(data=form.cleaned_data)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, "Marketing setup saved.")
            return redirect("setup:index")
    context = {
        "form": form,
        "code_fields": [form[name] for name in SETUP_CODES],
        "flag_fields": [form[name] for name in form.fields if name not in SETUP_CODES],
        "relation_form": relation_form,
        "relations": list(BusinessRelation.objects.order_by("code")),
        "series": list(NoSeries.objects.prefetch_related("lines").order_by("code")),
        "templates": [
            (label, list(m._default_manager.order_by("code")))
            for label, m in (
                ("Customer templates", TEMPLATE_MODELS["customer"]),
                ("Vendor templates", TEMPLATE_MODELS["vendor"]),
            )
        ],
    }
    return render(request, "relations/setup.html", context)


@role_required(ADMIN)
@require_POST
def setup_relation_add(request: HttpRequest) -> HttpResponse:
    """Add a business relation code."""
    form = BusinessRelationForm(request.POST, prefix="relation")
    if form.is_valid():
        try:
            business_relation_create(
                code=form.cleaned_data["code"], description=form.cleaned_data["description"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, f"Business relation {form.cleaned_data['code'].upper()} added."
            )
    else:
        messages.error(request, "A business relation needs a code of at most 10 characters.")
    return redirect("setup:index")
