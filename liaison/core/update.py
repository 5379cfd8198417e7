"""``model_update``: apply a dict of changes, derive, validate, save only what changed."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from functools import cache
from operator import attrgetter
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from liaison.core.errors import NotFound, StaleVersion, ValidationFailed
from liaison.core.writes import write_columns


def label(model: type[models.Model] | models.Model) -> str:
    """The model's verbose name, capitalised, for messages."""
    return str(model._meta.verbose_name).capitalize()


def validation_failed(exc: ValidationError, what: str) -> ValidationFailed:
    """Turn Django's ValidationError into our error with per-field messages."""
    if hasattr(exc, "error_dict"):
        fields = {k: [str(m) for e in v for m in e.messages] for k, v in exc.error_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    first = next(iter(fields.values()))[0] if fields else ""
    return ValidationFailed(f"{what} is not valid: {first}", fields=fields)


@cache
def _check_constraint_fields(model: type[models.Model]) -> frozenset[str]:
    """The fields a model's check constraints read: their lookups and the F() they compare."""
    names: set[str] = set()
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.CheckConstraint):
            continue
        for node in Q(constraint.condition).flatten():
            if not isinstance(node, Q):
                continue
            for child in node.children:
                if isinstance(child, tuple):
                    names.add(str(child[0]).split("__")[0])
                    if isinstance(child[1], F):
                        names.add(child[1].name.split("__")[0])
    return frozenset(names)


def full_clean_or_raise(obj: models.Model, changed: list[str] | None = None) -> None:
    """Run model validation and raise ``ValidationFailed`` naming each bad field.

    With ``changed``, only those fields (and the unique and check constraints that read them)
    are validated: the stored values were validated when they were written, and an edit of the
    phone number should not pay for re-checking every constraint (each costs a query).
    """
    exclude = None
    constraints = True
    touched: set[str] | None = None
    if changed is not None:
        fields = obj._meta.concrete_fields
        touched = {f.name for f in fields if f.attname in changed or f.name in changed}
        names = set(touched)
        checked = _check_constraint_fields(type(obj))
        constraints = bool(checked & names)
        if constraints:  # a check constraint is skipped for excluded fields: keep all it reads
            names |= checked
        exclude = [f.name for f in fields if f.name not in names]
    try:
        obj.full_clean(exclude=exclude, validate_unique=True, validate_constraints=constraints)
    except ValidationError as exc:
        kept = exc if touched is None else errors_of_changed(exc, touched)
        if kept is not None:
            raise validation_failed(kept, f"{label(obj)} {obj}") from exc


def errors_of_changed(exc: ValidationError, changed: Collection[str]) -> ValidationError | None:
    """The errors of the fields an edit changed, and of the record as a whole; None if none.

    ``clean()``'s cross-field rules read untouched values too (a phone number read in the
    country a person just inherited), and a value the edit did not touch must never refuse
    it: its derived columns (E.164) are recomputed where they can be, and stay blank where
    they cannot, as for a number typed without a country.
    """
    if not hasattr(exc, "error_dict"):
        return exc
    kept = {k: v for k, v in exc.error_dict.items() if k == NON_FIELD_ERRORS or k in changed}
    return ValidationError(kept) if kept else None


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The stored-column values of ``obj`` (attnames, so foreign keys are their ids)."""
    names, values = _column_values(type(obj))
    return dict(zip(names, values(obj), strict=True))


@cache
def _column_values(
    model: type[models.Model],
) -> tuple[tuple[str, ...], Callable[[models.Model], tuple[Any, ...]]]:
    """A model's column attnames and a function reading them in one call (``attrgetter``):
    a bulk edit snapshots each record it changes."""
    names = tuple(f.attname for f in model._meta.concrete_fields)
    getter = attrgetter(*names)
    if len(names) == 1:
        return names, lambda obj: (getter(obj),)
    return names, getter


def null_problems(
    model: type[models.Model] | models.Model, data: Mapping[str, Any]
) -> dict[str, str]:
    """What is wrong with the given values before any rule reads them, by field: a null for a
    column that cannot hold one, or a NUL character in text (which PostgreSQL cannot store and
    SQLite must not). The single services raise them, the bulk paths report them per row."""
    fields = {f.name: f for f in model._meta.concrete_fields}
    problems = {
        k: "This field cannot be null."
        for k, v in data.items()
        if v is None and k in fields and not fields[k].null
    }
    problems.update(
        (k, "Text cannot contain NUL characters.")
        for k, v in data.items()
        if isinstance(v, str) and "\x00" in v
    )
    return problems


def refuse_nulls(model: type[models.Model] | models.Model, data: Mapping[str, Any]) -> None:
    """Refuse the values ``null_problems`` finds, before anything is written."""
    problems = null_problems(model, data)
    bad = sorted(k for k, m in problems.items() if m == "This field cannot be null.")
    if bad:
        raise ValidationFailed(
            f"{', '.join(bad)} cannot be null: send a value, or leave the field out.",
            fields={k: [problems[k]] for k in bad},
        )
    nul = sorted(problems)
    if nul:
        raise ValidationFailed(
            f"{', '.join(nul)} cannot contain NUL characters: remove them.",
            fields={k: [problems[k]] for k in nul},
        )


def check_version(obj: models.Model, expected_version: int | None) -> None:
    """Refuse a write based on an older read (optimistic locking)."""
    current = getattr(obj, "version", None)
    if expected_version is not None and current != expected_version:
        raise StaleVersion(
            f"{label(obj)} {obj} was changed by someone else "
            f"(version {current}, you had {expected_version}): reload it and apply your "
            "change again."
        )


def refuse_unknown(
    names: Collection[str], allowed: Collection[str], *, what: str = "fields"
) -> None:
    """Unknown names are refused before anything is written, so a typo never silently does
    nothing. ``names`` is the changes (a dict's keys) or the field names of a whole chunk."""
    unknown = sorted(set(names) - set(allowed))
    if unknown:
        raise ValidationFailed(
            f"Unknown or read-only {what}: {', '.join(unknown)}.",
            fields={k: ["This field cannot be set here."] for k in unknown},
        )


def model_update(
    obj: models.Model,
    data: dict[str, Any],
    *,
    allowed: frozenset[str] | set[str],
    derive: Callable[[models.Model, dict[str, Any]], None] | None = None,
    expected_version: int | None = None,
    before: dict[str, Any] | None = None,
) -> list[str]:
    """Set the allowed fields in ``data``, derive, validate, save the changed columns.

    Returns the changed field names. Unknown fields are refused rather than ignored, so a typo
    never silently does nothing. ``derive(obj, before)`` recomputes derived columns.
    ``before`` is the stored state when the caller already changed ``obj`` in memory.
    """
    refuse_unknown(data, allowed)
    refuse_nulls(obj, data)
    check_version(obj, expected_version)
    before = before if before is not None else snapshot(obj)
    for name, value in data.items():
        setattr(obj, name, value)
    if derive is not None:
        derive(obj, before)
    changed = [k for k, v in snapshot(obj).items() if v != before[k]]
    if not changed:
        return []
    full_clean_or_raise(obj, changed)
    extra = []
    if hasattr(obj, "modified_at"):
        obj.modified_at = timezone.now()
        extra.append("modified_at")
    if hasattr(obj, "version"):
        obj.version = before["version"] + 1
        extra.append("version")
    # One prepared UPDATE of these columns, as the engine writes (no save(), no signals).
    if write_columns([obj], [*changed, *extra]) != 1:
        raise NotFound(f"{label(obj)} {obj} no longer exists: it was deleted meanwhile.")
    return changed
