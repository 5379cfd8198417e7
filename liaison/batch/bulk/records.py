"""Bulk create and update of customers, vendors and bank accounts, under the rules of
``record_create`` and ``record_update`` (R-B, R-C; number series E-3/E-4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import models
from django.utils import timezone

from liaison.accounts.selectors import acting_salesperson_code
from liaison.audit.models import Source
from liaison.audit.trail import Trail
from liaison.batch.bulk.base import (
    STAMP,
    BulkReport,
    Item,
    Problem,
    changed_columns,
    draw,
    master_data_rules,
    nulls,
    require_transaction,
    stamp,
    unique,
    validate,
    validate_changed,
)
from liaison.batch.bulk.contacts import problems_of_rule
from liaison.core.errors import DomainError, SetupMissing
from liaison.core.models import NoSeries
from liaison.core.normalise import normalise_party
from liaison.core.numbering import number_manual_check
from liaison.core.reads import rows_where
from liaison.core.update import refuse_unknown, snapshot
from liaison.core.writes import Builder, insert_rows, write_columns
from liaison.masterdata.services import MASTER_DATA_FIELDS
from liaison.records.kinds import record_kind
from liaison.records.selectors import editable_fields, record_series_for
from liaison.records.services import record_user_salesperson
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.links import contacts_create_for_records, persons_from_contact_text
from liaison.relations.selectors import marketing_setup_get, relation_code_for
from liaison.relations.sync import lock_contacts_for, sync_from_linked
from liaison.vatlog.services import vat_entries_log


def records_upsert_chunk(kind: str, items: Sequence[Item]) -> BulkReport:
    """Create the items of ``kind`` whose number is new and update the others; inside the
    caller's transaction. New records get their contact (and link) when the marketing setup
    has the business relation code for the kind, as ``record_create`` does."""
    require_transaction()
    refuse_unknown({k for i in items for k in i.data}, editable_fields(kind))
    model = FIELD_MAPS[kind].model
    report = BulkReport()
    items = unique(items, report)
    numbers = {i.number for i in items if i.number}
    columns = {f.name for f in model._meta.concrete_fields} & MASTER_DATA_FIELDS
    stored = {
        row["number"]: row
        for row in model._default_manager.filter(number__in=numbers).values(
            "number", "pk", *sorted(columns)
        )
    }
    pks: dict[str, int] = {n: row["pk"] for n, row in stored.items()}
    items = master_data_rules(items, stored, report, contact=False)
    trail = Trail()
    _records_update(kind, [i for i in items if i.number in pks], list(pks.values()), report, trail)
    _records_create(kind, [i for i in items if i.number not in pks], report, trail)
    trail.save()  # the chunk's audit rows, in one insert
    return report


def _records_update(
    kind: str, items: Sequence[Item], pks: list[int], report: BulkReport, trail: Trail
) -> None:
    """Changed records: the rules of ``record_update``, one ``write_columns`` of the changed
    columns, then ONE ``sync_from_linked`` (contact, then the contact's other records)."""
    if not items:
        return
    model = FIELD_MAPS[kind].model
    lock_contacts_for(kind, pks)  # contacts before records: the engine's lock order
    stored = {r.number: r for r in rows_where(model, "pk", pks, lock=True)}  # type: ignore[attr-defined]
    changed: list[models.Model] = []
    befores: list[dict[str, Any]] = []
    columns: set[str] = set()
    for item in items:
        record = stored[item.number]
        before = snapshot(record)
        data = {k: v for k, v in item.data.items() if getattr(record, k) != v}
        problems = nulls(model, data)
        if not problems:
            for name, value in data.items():
                setattr(record, name, value)
            try:
                normalise_party(record, before)
            except DomainError as exc:  # E-37
                problems = problems_of_rule(exc)
        names = changed_columns(record, before) if not problems else []
        if not problems and names:
            problems = validate_changed(record, names, "primary_contact")
        if problems:
            report.refuse(item.key, problems)
        elif not names:
            report.unchanged += 1
        else:
            changed.append(record)
            befores.append(before)
            columns.update(names)
            trail.changed(record, before, names)
    if not changed:
        return
    stamp(changed, befores)
    write_columns(changed, sorted(columns | set(STAMP)))
    vat_entries_log(
        (r, b.get("vat_registration_no", "")) for r, b in zip(changed, befores, strict=True)
    )
    report.updated += len(changed)
    report.synced(sync_from_linked(kind, changed, trail=trail))
    persons_from_contact_text(kind, changed, befores, marketing_setup_get(), trail)  # R-J4


def _records_create(kind: str, items: Sequence[Item], report: BulkReport, trail: Trail) -> None:
    """New records: the rules of ``record_create`` (number series E-3/E-4, normalising,
    validation); their contacts are made first, in one ``contacts_create_for_records``, so
    that the records are inserted at once with their primary contacts.
    """
    if not items:
        return
    model = FIELD_MAPS[kind].model
    try:
        series, series_error = record_series_for(kind), ""
    except SetupMissing as exc:
        series, series_error = None, exc.message
    ready: list[models.Model] = []
    names = [f.name for f in model._meta.concrete_fields]
    now = timezone.now()  # one creation time per chunk, as the trail's
    builder = Builder(model, created_at=now, modified_at=now)
    user_salesperson = acting_salesperson_code()  # R-B5, read once per chunk
    for item in items:
        problems = nulls(model, item.data)
        record = builder.new(item.data) if not problems else None
        if record is not None:
            record.number = item.number  # type: ignore[attr-defined]
            record_user_salesperson(record_kind(kind), [record], user_salesperson)
            try:
                normalise_party(record, {})
            except DomainError as exc:  # E-37
                problems = problems_of_rule(exc)
            # The given fields (and the number) are validated, and clean()'s cross-field
            # rules; the columns left at their defaults hold valid values by definition.
            given = {*item.data, "number"} if item.number else set(item.data)
            problems += validate(record, ["primary_contact", *(n for n in names if n not in given)])
            problems += _record_new_number(series, series_error, item.number)
        if record is None or problems:
            report.refuse(item.key, problems)
        else:
            ready.append(record)
    typed = {i.number for i in items if i.number}
    draw(model, series, [r for r in ready if not r.number], typed)  # type: ignore[attr-defined]

    def insert(records: Sequence[models.Model]) -> None:
        insert_rows(records, keys_by="number")
        vat_entries_log((r, "") for r in records)
        trail.created(records)

    setup = marketing_setup_get()
    if ready and relation_code_for(kind, setup) is not None:
        contacts_create_for_records(
            kind, ready, setup=setup, trail=trail, source=Source.SYNC, insert_records=insert
        )
    else:
        insert(ready)
    report.created += len(ready)


def _record_new_number(series: NoSeries | None, series_error: str, number: str) -> list[Problem]:
    """E-3 / E-4 for a new record, as ``record_create`` applies them."""
    try:
        if series_error:
            raise SetupMissing(series_error)
        if number:
            number_manual_check(series, number)
    except DomainError as exc:
        return [("number", exc.message)]
    return []
