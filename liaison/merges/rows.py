"""The bookkeeping of a merge: full snapshots of the rows it writes, the references it
re-points, the versions it leaves; and, for the undo, what changed since and the restore.

Snapshots are stored as JSON (``DjangoJSONEncoder``) by model label and key, and read back
through each field's ``to_python``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.core.update import snapshot

# Restored rows get a new version and modified time: a reader's old ETag must not match.
BOOKKEEPING = ("version", "modified_at")


def label_of(model: type[models.Model]) -> str:
    return model._meta.label_lower


def model_of(label: str) -> type[models.Model]:
    return apps.get_model(label)


def snapshots(model: type[models.Model], pks: Iterable[int]) -> dict[str, dict[str, Any]]:
    """The stored columns of these rows, by key (as text: JSON object keys)."""
    return {str(obj.pk): snapshot(obj) for obj in model._default_manager.filter(pk__in=set(pks))}


def versions(model: type[models.Model], pks: Iterable[int]) -> dict[str, int]:
    """The version of each of these rows that has one."""
    if not any(f.name == "version" for f in model._meta.concrete_fields):
        return {}
    rows = model._default_manager.filter(pk__in=set(pks)).values_list("pk", "version")
    return {str(pk): version for pk, version in rows}


class Moves:
    """The references a merge re-points: one ``(table, pk, field, old, new)`` per row."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def repoint(
        self, model: type[models.Model], field: str, old: Any, new: Any, **where: Any
    ) -> list[int]:
        """Every row of ``model`` whose ``field`` holds ``old`` (and matches ``where``) gets
        ``new``; two queries whatever the number of rows. Returns their keys."""
        attname = model._meta.get_field(field).attname  # type: ignore[union-attr]
        rows = model._default_manager.filter(**{attname: old}, **where)
        pks = list(rows.values_list("pk", flat=True))
        if pks:
            model._default_manager.filter(pk__in=pks).update(**{attname: new})
        table = label_of(model)
        self.rows.extend(
            {"table": table, "pk": pk, "field": attname, "old": old, "new": new} for pk in pks
        )
        return pks


def _decoded(model: type[models.Model], values: dict[str, Any]) -> dict[str, Any]:
    """A stored snapshot's JSON values as the model's fields hold them."""
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return {name: fields[name].to_python(value) for name, value in values.items() if name in fields}


def _name(model: type[models.Model], pk: Any, number: Any = None) -> str:
    what = str(model._meta.verbose_name).capitalize()
    return f"{what} {number or pk}"


def changes_since(
    merge_before: dict[str, Any], after: dict[str, Any], moved: list[dict[str, Any]]
) -> list[str]:
    """What changed since the merge among the rows it wrote or moved, in words."""
    changed: list[str] = []
    for table, by_pk in after.get("versions", {}).items():
        model = model_of(table)
        now = dict(
            model._default_manager.filter(pk__in=[int(p) for p in by_pk]).values_list(
                "pk", "version"
            )
        )
        numbers = _numbers(model, by_pk)
        for pk, version in by_pk.items():
            current = now.get(int(pk))
            if current is None:
                changed.append(
                    _("%(row)s was deleted.") % {"row": _name(model, pk, numbers.get(int(pk)))}
                )
            elif current != version:
                changed.append(
                    _("%(row)s was changed (version %(then)s, now %(now)s).")
                    % {
                        "row": _name(model, pk, numbers.get(int(pk))),
                        "then": version,
                        "now": current,
                    }
                )
    changed += _moved_changes(moved)
    changed += _links_changed(after)
    changed += _numbers_taken(merge_before)
    return changed


def _numbers(model: type[models.Model], pks: Iterable[Any]) -> dict[int, str]:
    if not any(f.name == "number" for f in model._meta.concrete_fields):
        return {}
    rows = model._default_manager.filter(pk__in=[int(p) for p in pks]).values_list("pk", "number")
    return dict(rows)


def _moved_changes(moved: list[dict[str, Any]]) -> list[str]:
    """Moved rows that no longer hold what the merge gave them (or are gone)."""
    changed = []
    by_table: dict[tuple[str, str], dict[int, Any]] = {}
    for row in moved:
        by_table.setdefault((row["table"], row["field"]), {})[row["pk"]] = row["new"]
    for (table, field), wanted in by_table.items():
        model = model_of(table)
        now = dict(model._default_manager.filter(pk__in=list(wanted)).values_list("pk", field))
        for pk, value in wanted.items():
            if pk not in now:
                changed.append(_("%(row)s was deleted.") % {"row": _name(model, pk)})
            elif now[pk] != value:
                changed.append(
                    _("%(row)s: %(field)s was changed.")
                    % {"row": _name(model, pk), "field": field.removesuffix("_id")}
                )
    return changed


def _links_changed(after: dict[str, Any]) -> list[str]:
    from liaison.relations.models import ContactBusinessRelation

    wanted = sorted(after.get("links", []))
    survivor = int(after.get("survivor_pk") or 0)
    now = sorted(
        ContactBusinessRelation.objects.filter(contact_id=survivor).values_list("pk", flat=True)
    )
    if now != wanted:
        return [_("The business relations of the surviving contact were changed.")]
    return []


def _numbers_taken(before: dict[str, Any]) -> list[str]:
    """A deleted row's number given meanwhile to another row: it could not come back."""
    changed = []
    for table, rows in before.items():
        model = model_of(table)
        if not any(f.name == "number" for f in model._meta.concrete_fields):
            continue
        numbers = {values["number"]: int(pk) for pk, values in rows.items()}
        for pk, number in model._default_manager.filter(number__in=list(numbers)).values_list(
            "pk", "number"
        ):
            if numbers[number] != pk:
                changed.append(
                    _("%(row)s now names another record.") % {"row": _name(model, pk, number)}
                )
    return changed


def restore(before: dict[str, Any], order: Iterable[str]) -> list[models.Model]:
    """Every snapshotted row as it was: rows gone are re-created with their keys, the others
    get their values back (with a new version). Returns the re-created rows."""
    created: list[models.Model] = []
    now = timezone.now()
    for table in order:
        model = model_of(table)
        rows = before.get(table, {})
        existing = set(
            model._default_manager.filter(pk__in=[int(p) for p in rows]).values_list(
                "pk", flat=True
            )
        )
        has_version = any(f.name == "version" for f in model._meta.concrete_fields)
        for pk, stored in rows.items():
            values = _decoded(model, stored)
            if int(pk) in existing:
                for name in BOOKKEEPING:
                    values.pop(name, None)
                values.pop("id", None)
                if has_version:
                    values.update(version=F("version") + 1, modified_at=now)
                model._default_manager.filter(pk=int(pk)).update(**values)
            else:
                if has_version:
                    values.update(version=values["version"] + 1, modified_at=now)
                obj = model(**values)
                model._default_manager.bulk_create([obj])
                created.append(obj)
    return created


def repoint_back(moved: list[dict[str, Any]]) -> None:
    """Every moved reference back to what it held (one query per table, field and value)."""
    groups: dict[tuple[str, str, Any], list[int]] = {}
    for row in moved:
        groups.setdefault((row["table"], row["field"], row["old"]), []).append(row["pk"])
    for (table, field, old), pks in groups.items():
        model_of(table)._default_manager.filter(pk__in=pks).update(**{field: old})
