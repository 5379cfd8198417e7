"""The pages of a kind of record: list, card, new, edit, delete and "create contact".

Customers, vendors and bank accounts share these pages as they share their services; each
kind's app builds its own with ``record_pages`` and routes them with ``record_urls``.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, re_path
from django.views.decorators.http import require_POST

from liaison.accounts.roles import EDITOR
from liaison.audit.selectors import audit_for_record
from liaison.core.errors import DomainError, StaleVersion
from liaison.core.models import Party
from liaison.core.pagination import keyset_page, page_before
from liaison.records.forms import PRIMARY_CONTACT, RecordForm, record_fields, record_initial
from liaison.records.kind import RecordKind
from liaison.records.schemas import RecordFilters
from liaison.records.selectors import record_get, record_list
from liaison.records.services import record_create, record_delete, record_update
from liaison.relations.selectors import link_for_record
from liaison.relations.services import contacts_create_from
from liaison.webutils import (
    HtmxHttpRequest,
    View,
    announce_sync,
    changed_data,
    errors_onto_form,
    role_required,
)


class RecordPages(NamedTuple):
    """The views of one kind of record (each takes the URL's ``kind_path``)."""

    list: View
    detail: View
    new: View
    edit: View
    delete: View
    create_contact: View


class _KindPages:
    """The page views of one kind, its card edited with ``form_class``; ``record_pages``
    wraps each with the role it needs."""

    def __init__(self, kind: RecordKind[Party], form_class: type[RecordForm]) -> None:
        self.kind = kind
        self.form_class = form_class
        self.label = kind.label

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "kind": self.kind.key,
            "kind_path": self.kind.path,
            "label": self.label,
            **extra,
        }

    def list_page(self, request: HtmxHttpRequest, kind_path: str) -> HttpResponse:
        """Search as you type (the API's RecordFilters), sort, keyset pages; each row shows
        its linked contact."""
        q = request.GET.get("q", "")
        sort = request.GET.get("sort", "number")
        descending = request.GET.get("dir") == "desc"
        rows, nxt = keyset_page(
            record_list(self.kind, RecordFilters.model_validate({"q": q}).get_filter_expression()),
            sort=sort,
            descending=descending,
            cursor=request.GET.get("after"),
        )
        page = self.context(
            rows=rows, next=nxt, q=q, sort=sort, dir="desc" if descending else "asc"
        )
        if request.htmx and request.htmx.target == "rows":
            return render(request, "records/_record_rows.html", page)
        return render(request, "records/record_list.html", page)

    def detail(self, request: HttpRequest, kind_path: str, number: str) -> HttpResponse:
        """The card: its own fields, the "Contact" box (open, or create / link) and the latest
        changes (its audit trail)."""
        record = record_get(self.kind, number)
        labels = {f.name: f.verbose_name for f in self.kind.model._meta.concrete_fields}
        fields = [(labels[name], getattr(record, name)) for name in record_fields(self.kind)]
        entries, more = page_before(audit_for_record(record))
        return render(
            request,
            "records/record_detail.html",
            self.context(
                record=record,
                link=link_for_record(self.kind.key, record.pk),
                fields=fields,
                entries=entries,
                next=more,
                number=record.number,
            ),
        )

    def new(self, request: HttpRequest, kind_path: str) -> HttpResponse:
        """A new record; its contact is created with it when synchronisation is on."""
        form = self.form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                record = record_create(self.kind, data=data)
            except DomainError as exc:
                errors_onto_form(form, exc)
            else:
                link = link_for_record(self.kind.key, record.pk)
                extra = f"; contact {link.contact.number} created" if link else ""
                messages.success(request, f"{self.label} {record.number} created{extra}.")
                return redirect("records:detail", kind_path=self.kind.path, number=record.number)
        return render(request, "records/record_form.html", self.context(form=form, record=None))

    def edit(self, request: HttpRequest, kind_path: str, number: str) -> HttpResponse:
        """Edit the card; shared fields reach the contact; a stale form is refused."""
        record = record_get(self.kind, number)
        initial = record_initial(self.kind, record)
        form = self.form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            changes = changed_data(form, initial)
            changes.pop("version", None)
            primary = changes.pop(PRIMARY_CONTACT, None)
            try:
                _, report = record_update(
                    self.kind,
                    record=record,
                    data=changes,
                    expected_version=form.cleaned_data.get("version"),
                    primary_contact_number=primary,
                )
            except StaleVersion:
                current = record_get(self.kind, number)
                fresh = self.form_class(initial=record_initial(self.kind, current))
                theirs = {k: v for k, v in form.cleaned_data.items() if k != "version"}
                return render(
                    request,
                    "records/record_form.html",
                    self.context(form=fresh, record=current, stale=theirs),
                    status=409,
                )
            except DomainError as exc:
                errors_onto_form(form, exc)
            else:
                announce_sync(request, f"{self.label} {number} saved", report)
                return redirect("records:detail", kind_path=self.kind.path, number=number)
        return render(request, "records/record_form.html", self.context(form=form, record=record))

    def delete(self, request: HttpRequest, kind_path: str, number: str) -> HttpResponse:
        """Confirm, then delete: only the link goes, the contact stays."""
        record = record_get(self.kind, number)
        link = link_for_record(self.kind.key, record.pk)
        if request.method == "POST":
            try:
                record_delete(self.kind, record=record)
            except DomainError as exc:  # still named by documents (record_in_use): no change
                messages.error(request, exc.message)
                return render(
                    request,
                    "records/record_confirm_delete.html",
                    self.context(record=record, link=link, refused=True),
                    status=exc.status,
                )
            stays = f" Contact {link.contact.number} stays." if link else ""
            messages.success(request, f"{self.label} {number} deleted.{stays}")
            return redirect("records:list", kind_path=self.kind.path)
        return render(
            request, "records/record_confirm_delete.html", self.context(record=record, link=link)
        )

    def create_contact(self, request: HttpRequest, kind_path: str, number: str) -> HttpResponse:
        """Create the company contact of a record that has none."""
        try:
            contacts_create_from(self.kind.key, numbers=[record_get(self.kind, number).number])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Contact created for {self.label.lower()} {number}.")
        return redirect("records:detail", kind_path=self.kind.path, number=number)


def record_pages(kind: RecordKind[Party], form_class: type[RecordForm]) -> RecordPages:
    """The pages of ``kind``, its card edited with ``form_class``: reading needs a signed-in
    user, changing an editor."""
    pages = _KindPages(kind, form_class)
    editor = role_required(EDITOR)
    return RecordPages(
        list=login_required(pages.list_page),
        detail=login_required(pages.detail),
        new=editor(pages.new),
        edit=editor(pages.edit),
        delete=editor(pages.delete),
        create_contact=editor(require_POST(pages.create_contact)),
    )


def record_urls(kind: RecordKind[Party], pages: RecordPages) -> list[URLPattern]:
    """The URLs of a kind's pages, in the ``records`` namespace that templates reverse with the
    kind's path (``{% url 'records:detail' kind_path number %}``)."""
    at = rf"^(?P<kind_path>{kind.path})/"
    number = r"(?P<number>[^/]+)/"
    return [
        re_path(rf"{at}$", pages.list, name="list"),
        re_path(rf"{at}new/$", pages.new, name="new"),
        re_path(rf"{at}{number}$", pages.detail, name="detail"),
        re_path(rf"{at}{number}edit/$", pages.edit, name="edit"),
        re_path(rf"{at}{number}delete/$", pages.delete, name="delete"),
        re_path(rf"{at}{number}create-contact/$", pages.create_contact, name="create_contact"),
    ]
