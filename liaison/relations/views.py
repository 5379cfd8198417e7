"""The setup pages: marketing setup, business relations, number series and templates (the
record pages are in ``records/views.py``, the batch pages in ``batch/views.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from liaison.accounts.roles import ADMIN
from liaison.core.errors import DomainError
from liaison.records.selectors import template_list
from liaison.relations.forms import (
    SETUP_CODES,
    SETUP_DEFAULTS,
    BusinessRelationForm,
    MarketingSetupForm,
)
from liaison.relations.schemas import setup_out
from liaison.relations.selectors import (
    business_relation_list,
    marketing_setup_get,
    no_series_list,
)
from liaison.relations.services import business_relation_create, marketing_setup_update
from liaison.webutils import errors_onto_form, require_role_for_post, role_required


@login_required
def setup_index(request: HttpRequest) -> HttpResponse:
    """Marketing setup, business relations, number series and templates (admins change it)."""
    require_role_for_post(request, ADMIN)
    setup = marketing_setup_get()
    relations = list(business_relation_list())
    series = list(no_series_list())
    templates = {kind: list(template_list(kind)) for kind in ("customer", "vendor")}
    choices = {
        "bus_rel_code_for_customers": [relation.code for relation in relations],
        "contact_nos": [s.code for s in series],
        "default_customer_template_company": [t.code for t in templates["customer"]],
        "default_vendor_template": [t.code for t in templates["vendor"]],
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
        "default_fields": [form[name] for name in SETUP_DEFAULTS],
        "flag_fields": [
            form[name] for name in form.fields if name not in SETUP_CODES + tuple(SETUP_DEFAULTS)
        ],
        "relation_form": relation_form,
        "relations": relations,
        "series": series,
        "templates": [
            ("Customer templates", templates["customer"]),
            ("Vendor templates", templates["vendor"]),
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
