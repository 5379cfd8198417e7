"""Write services of the master data, and the rules every door of contacts and records reaches:
``codes_check`` / ``codes_unknown`` (a code must name a row; E-41) and ``post_code_fills``
(Business Central's Post Code OnValidate)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from liaison.accounts.models import UserProfile
from liaison.banking.models import BankAccount
from liaison.contacts.models import Contact
from liaison.core.errors import DomainError, NotFound, ValidationFailed
from liaison.core.update import (
    check_version,
    full_clean_or_raise,
    label,
    model_update,
    refuse_nulls,
    refuse_unknown,
)
from liaison.documents.models import PurchaseHeader, SalesHeader
from liaison.masterdata.errors import (
    CodeExists,
    CodeInUse,
    SalespersonPrivacyBlocked,
    UnknownCode,
)
from liaison.masterdata.models import PostCode, Salesperson
from liaison.masterdata.tables import CODE_TABLES, PAYMENT_TERMS, Table
from liaison.purchases.models import Vendor, VendorTemplate
from liaison.relations.models import MarketingSetup
from liaison.sales.models import Customer, CustomerTemplate

# The models whose code fields name master data, in the order a refusal lists them.
USERS: tuple[type[models.Model], ...] = (
    Contact,
    Customer,
    Vendor,
    BankAccount,
    CustomerTemplate,
    VendorTemplate,
    MarketingSetup,
    UserProfile,
    SalesHeader,
    PurchaseHeader,
)
# The stored columns the master data rules read: the code fields and the place.
MASTER_DATA_FIELDS = frozenset({*CODE_TABLES, "post_code", "city", "county", "country_code"})
# E-41 guards the codes that put a salesperson on a contact: its own, and those that fill a
# new contact's (the setup default, the user's own salesperson, R-B5).
PRIVACY_CHECKED = frozenset({"salesperson_code", "default_salesperson_code"})
UNKNOWN_CODE = "unknown_code"
SALESPERSON_PRIVACY_BLOCKED = "salesperson_privacy_blocked"


def _norm(value: Any) -> str:
    return value.strip().upper() if isinstance(value, str) else ""


# --- the check every door reaches -------------------------------------------------------


@dataclass(frozen=True)
class CodeProblem:
    """Why one field's code is refused: ``error`` is the stable code (``unknown_code``,
    ``salesperson_privacy_blocked``)."""

    field: str
    error: str
    message: str


def codes_of(obj: models.Model) -> dict[str, Any]:
    """The code fields ``obj`` has (contact, record, template), with their values."""
    names = {f.name for f in obj._meta.concrete_fields}
    return {name: getattr(obj, name) for name in CODE_TABLES if name in names}


def codes_changed(values: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, str]:
    """The non-blank code values of ``values`` that differ from ``before`` (empty for a new
    row): only a code being set is checked, so an edit never fails on a value it leaves."""
    return {
        name: _norm(value)
        for name, value in values.items()
        if name in CODE_TABLES and _norm(value) and _norm(value) != _norm(before.get(name))
    }


def _codes_found(rows: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, bool]]:
    """The codes of ``rows`` that exist, by table key, each with its privacy block (one query
    per table)."""
    wanted: dict[Table, set[str]] = {}
    for row in rows:
        for name, value in row.items():
            if name in CODE_TABLES and _norm(value):
                wanted.setdefault(CODE_TABLES[name], set()).add(_norm(value))
    found: dict[str, dict[str, bool]] = {}
    for table, codes in wanted.items():
        rows_of = table.model._default_manager.filter(code__in=codes)
        if table.model is Salesperson:
            found[table.key] = dict(rows_of.values_list("code", "privacy_blocked"))
        else:
            found[table.key] = dict.fromkeys(rows_of.values_list("code", flat=True), False)
    return found


def _code_problem(
    name: str, code: str, known: Mapping[str, bool], contact: bool
) -> CodeProblem | None:
    if code not in known:
        table = CODE_TABLES[name]
        message = _("%(table)s %(code)s does not exist: choose an existing code.") % {
            "table": label(table.model),
            "code": code,
        }
        return CodeProblem(name, UNKNOWN_CODE, message)
    if contact and known[code] and name in PRIVACY_CHECKED:
        message = _("The salesperson is blocked due to privacy.")
        return CodeProblem(name, SALESPERSON_PRIVACY_BLOCKED, message)
    return None


def codes_unknown(
    rows: Sequence[Mapping[str, Any]], *, contact: bool = False
) -> list[list[CodeProblem]]:
    """For each row of {code field: code}, the fields whose code names no row of its table,
    and (for contacts, ``contact=True``) E-41: a salesperson blocked due to privacy.

    Set-based: one query per code table for all rows, so the import and the bulk edit call it
    for a whole chunk. Blank values pass; fields that are not code fields are ignored.
    """
    found = _codes_found(rows)
    result: list[list[CodeProblem]] = []
    for row in rows:
        problems = []
        for name, value in row.items():
            if name not in CODE_TABLES or not _norm(value):
                continue
            known = found.get(CODE_TABLES[name].key, {})
            problem = _code_problem(name, _norm(value), known, contact)
            if problem is not None:
                problems.append(problem)
        result.append(problems)
    return result


def codes_check(values: Mapping[str, Any], *, contact: bool = False) -> None:
    """Refuse the codes of one row that ``codes_unknown`` finds: ``UnknownCode``
    (``unknown_code``) or, for a contact's salesperson, ``SalespersonPrivacyBlocked``
    (E-41), with a message per field. Nothing is written when it raises."""
    [problems] = codes_unknown([values], contact=contact)
    if not problems:
        return
    error: type[DomainError] = (
        SalespersonPrivacyBlocked
        if all(p.error == SALESPERSON_PRIVACY_BLOCKED for p in problems)
        else UnknownCode
    )
    fields: dict[str, list[str]] = {}
    for p in problems:
        fields.setdefault(p.field, []).append(p.message)
    raise error(problems[0].message, fields=fields)


def codes_check_changed(obj: models.Model, before: Mapping[str, Any]) -> None:
    """``codes_check`` of the codes ``obj`` holds that differ from ``before``: the single
    services' form of the rule (``before`` is empty for a new row)."""
    codes_check(codes_changed(codes_of(obj), before), contact=isinstance(obj, Contact))


# --- post code lookup -------------------------------------------------------------------


def _typed(data: Mapping[str, Any], before: Mapping[str, Any], name: str) -> bool:
    """The value is given and differs from the stored one."""
    return name in data and _norm(data[name]) != "" and _norm(data[name]) != _norm(before.get(name))


def _value(data: Mapping[str, Any], before: Mapping[str, Any], name: str) -> str:
    value = data[name] if name in data else before.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _lookup(data: Mapping[str, Any], before: Mapping[str, Any]) -> tuple[str, str]:
    """What a row asks the post code table: ("code", post code) when a post code is typed
    and the city is blank, ("city", city) the other way round, else ("", "")."""
    if _typed(data, before, "post_code") and not _value(data, before, "city"):
        return "code", _norm(data["post_code"])
    if _typed(data, before, "city") and not _value(data, before, "post_code"):
        return "city", _value(data, before, "city").upper()
    return "", ""


def post_code_fills(
    rows: Sequence[tuple[Mapping[str, Any], Mapping[str, Any]]],
) -> list[dict[str, str]]:
    """Business Central's Post Code OnValidate, for many rows at once (at most two queries).

    Each row is (the typed values, the stored values, empty for a new row). A typed post code
    fills a blank city (and a blank county and country) when it resolves to one entry of the
    post code table (in the row's country, if it has one); a typed city fills a blank post
    code likewise. Returns, per row, the values to add to the typed ones (often none).
    """
    asks = [_lookup(data, before) for data, before in rows]
    entries: dict[tuple[str, str], list[PostCode]] = {}
    for by in ("code", "city"):
        values = {value for kind, value in asks if kind == by}
        table = PostCode.objects.annotate(city_upper=Upper("city"))
        query = Q(code__in=values) if by == "code" else Q(city_upper__in=values)
        for entry in table.filter(query) if values else []:
            key = entry.code if by == "code" else entry.city.upper()
            entries.setdefault((by, key), []).append(entry)
    result: list[dict[str, str]] = []
    for (data, before), ask in zip(rows, asks, strict=True):
        candidates = entries.get(ask, [])
        country = _norm(_value(data, before, "country_code"))
        if country:
            candidates = [c for c in candidates if c.country_code in (country, "")]
        result.append(_fill(data, before, candidates[0]) if len(candidates) == 1 else {})
    return result


def _fill(data: Mapping[str, Any], before: Mapping[str, Any], entry: PostCode) -> dict[str, str]:
    found = {
        "post_code": entry.code,
        "city": entry.city,
        "county": entry.county,
        "country_code": entry.country_code,
    }
    return {k: v for k, v in found.items() if v and not _value(data, before, k)}


def post_code_fill(data: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, Any]:
    """The typed values with what ``post_code_fills`` adds for one row."""
    [fills] = post_code_fills([(data, before)])
    return {**data, **fills}


# --- create, update, delete -------------------------------------------------------------


def _settable(table: Table) -> frozenset[str]:
    return frozenset(table.fields)


def _clean(table: Table, data: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(data)
    for name in ("code", "country_code"):
        if isinstance(data.get(name), str):
            data[name] = data[name].strip().upper()
    return data


def _unique_check(table: Table, row: models.Model) -> None:
    manager = table.model._default_manager
    keys = ["code", "city", "country_code"] if table.key == "post-codes" else ["code"]
    clash = manager.filter(**{k: getattr(row, k) for k in keys}).exclude(pk=row.pk).exists()
    if clash:
        raise CodeExists(
            _("%(table)s %(row)s already exists.") % {"table": label(table.model), "row": row},
            fields={"code": [_("This code already exists.")]},
        )


@transaction.atomic
def code_create(table: Table, *, data: Mapping[str, Any]) -> Any:
    """A new row of a master data table (the code upper-cased, as every code is)."""
    refuse_unknown(data, _settable(table))
    refuse_nulls(table.model, data)
    row = table.model(**_clean(table, data))
    if not getattr(row, "code", ""):
        raise ValidationFailed(_("A code is required."), fields={"code": [_("Required.")]})
    _unique_check(table, row)
    full_clean_or_raise(row)
    row.save()
    return row


@transaction.atomic
def code_update(
    table: Table,
    *,
    row: Any,
    data: Mapping[str, Any],
    expected_version: int | None = None,
) -> Any:
    """Change a row's fields; a code of a row in use cannot change (it would orphan them)."""
    row = table.model._default_manager.select_for_update().get(pk=row.pk)
    data = _clean(table, data)
    if "code" in data and data["code"] != row.code and code_uses(table, row):
        raise CodeInUse(
            _("%(table)s %(code)s is in use: its code cannot change.")
            % {"table": label(table.model), "code": row.code},
            fields={"code": [_("The code is in use.")]},
        )
    model_update(row, data, allowed=_settable(table), expected_version=expected_version)
    _unique_check(table, row)
    return row


def code_uses(table: Table, row: Any) -> dict[str, int]:
    """How many rows of each using model name the row's code, by the model's plural name."""
    if not table.references:
        return {}
    code = row.code
    uses: dict[str, int] = {}
    for model in USERS:
        names = {f.name for f in model._meta.concrete_fields}
        query = Q()
        for field in table.references:
            if field in names:
                query |= Q(**{field: code})
        if not query:
            continue
        count = model._default_manager.filter(query).count()
        if count:
            names_as = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
            uses[str(names_as)] = count
    return uses


@transaction.atomic
def code_delete(table: Table, *, row: Any, expected_version: int | None = None) -> None:
    """Delete a row that nothing names; a code in use is refused with how many name it."""
    locked: Any = table.model._default_manager.select_for_update().filter(pk=row.pk).first()
    if locked is None:
        raise NotFound(
            _("%(table)s %(row)s does not exist.") % {"table": label(table.model), "row": row}
        )
    check_version(locked, expected_version)
    uses = code_uses(table, locked)
    if uses:
        total = sum(uses.values())
        listed = ", ".join(f"{n} {what}" for what, n in uses.items())
        raise CodeInUse(
            ngettext(
                "%(table)s %(code)s cannot be deleted: %(count)d record uses it (%(listed)s). "
                "Choose another code there first.",
                "%(table)s %(code)s cannot be deleted: %(count)d records use it (%(listed)s). "
                "Choose another code there first.",
                total,
            )
            % {
                "table": label(table.model),
                "code": locked.code,
                "count": total,
                "listed": listed,
            }
        )
    locked.delete()


# --- `liaison init` ---------------------------------------------------------------------

# The payment terms the default templates of `liaison init` name (relations.services).
INIT_PAYMENT_TERMS = (
    ("14 DAYS", "Net 14 days", "14D"),
    ("30 DAYS", "Net 30 days", "30D"),
    ("CASH", "Cash on delivery", "0D"),
)


def masterdata_setup_init() -> list[str]:
    """The payment terms the default templates use; nothing else is seeded. Idempotent."""
    created = []
    for code, description, formula in INIT_PAYMENT_TERMS:
        _row, made = PAYMENT_TERMS.model._default_manager.get_or_create(
            code=code, defaults={"description": description, "due_date_calculation": formula}
        )
        if made:
            created.append(f"payment terms {code}")
    return created
