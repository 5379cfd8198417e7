"""The master data pages: each table's list (with search), new, edit and delete. Thin."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.accounts.roles import ADMIN
from liaison.core.errors import DomainError
from liaison.masterdata.forms import CodeForm
from liaison.masterdata.selectors import code_get, code_list, code_options, picker_field
from liaison.masterdata.services import code_create, code_delete, code_update, post_code_fills
from liaison.masterdata.tables import TABLES, Table
from liaison.webutils import errors_onto_form, role_required

PAGE_SIZE = 200


def _table(key: str) -> Table:
    if key not in TABLES:
        raise Http404(_("There is no such setup table."))
    return TABLES[key]


def _key(table: Table, row: Any) -> str:
    return str(row.pk) if table.key == "post-codes" else str(row.code)


@login_required
def code_options_view(request: HttpRequest, field: str) -> HttpResponse:
    """A picker's options for what is typed in it (htmx replaces its datalist's options)."""
    try:
        picked = picker_field(field)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    text = request.GET.get(picked, "") or request.GET.get("q", "")
    options = code_options(picked, text)
    return render(request, "masterdata/_code_options.html", {"options": options})


_PLACE = ("post_code", "city", "county", "country_code")


@login_required
def post_code_fill_view(request: HttpRequest) -> HttpResponse:
    """BC's post code lookup on a card: the values ``post_code_fills`` adds to the typed
    place, sent as an htmx event (``liaison:fill``) that app.js writes into the blank fields."""
    typed = {name: request.GET.get(name, "") for name in _PLACE}
    [fills] = post_code_fills([(typed, {})])
    response = HttpResponse(status=204)
    if fills:
        response["HX-Trigger"] = json.dumps({"liaison:fill": fills})
    return response


@login_required
def code_list_view(request: HttpRequest, table: str) -> HttpResponse:
    found = _table(table)
    q = request.GET.get("q", "")
    rows = [
        (_key(found, row), [getattr(row, name) for name in found.fields])
        for row in code_list(found, q)[:PAGE_SIZE]
    ]
    context = {
        "table": found,
        "title": found.title(),
        "headers": found.headers(),
        "rows": rows,
        "q": q,
        "section": "setup",
    }
    return render(request, "masterdata/code_list.html", context)


@role_required(ADMIN)
def code_new(request: HttpRequest, table: str) -> HttpResponse:
    found = _table(table)
    form = CodeForm(request.POST or None, table=found)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            row = code_create(found, data=data)
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("%(row)s created.") % {"row": row})
            return redirect("masterdata:list", table=found.key)
    return _form_page(request, found, form, None)


@role_required(ADMIN)
def code_edit(request: HttpRequest, table: str, key: str) -> HttpResponse:
    found = _table(table)
    row = code_get(found, key)
    initial = {name: getattr(row, name) for name in found.fields}
    form = CodeForm(request.POST or None, table=found, initial={**initial, "version": row.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version" and v != initial[k]}
        try:
            code_update(found, row=row, data=data, expected_version=form.cleaned_data["version"])
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("%(row)s saved.") % {"row": row})
            return redirect("masterdata:list", table=found.key)
    return _form_page(request, found, form, row)


def _form_page(request: HttpRequest, table: Table, form: CodeForm, row: Any) -> HttpResponse:
    context = {
        "table": table,
        "form": form,
        "row": row,
        "key": _key(table, row) if row is not None else "",
        "title": str(table.model._meta.verbose_name).capitalize(),
        "section": "setup",
    }
    return render(request, "masterdata/code_form.html", context)


@role_required(ADMIN)
@require_POST
def code_delete_view(request: HttpRequest, table: str, key: str) -> HttpResponse:
    """Delete a row; a code in use is refused with how many records name it."""
    found = _table(table)
    row = code_get(found, key)
    try:
        code_delete(found, row=row)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(row)s deleted.") % {"row": row})
    return redirect("masterdata:list", table=found.key)
