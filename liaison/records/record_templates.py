"""Customer and vendor templates (spec 1.9): reads and write services (setup as data)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from liaison.core.errors import NotFound, ValidationFailed
from liaison.core.models import NoSeries
from liaison.core.normalise import CODE_FIELDS
from liaison.core.update import full_clean_or_raise, label, model_update, refuse_nulls
from liaison.documents.sides import PURCHASE, SALES
from liaison.masterdata.services import codes_changed, codes_check
from liaison.records.kinds import TEMPLATE_MODELS
from liaison.relations.errors import TemplateInUse, TemplateIsSetupDefault
from liaison.relations.models import MarketingSetup


def template_fields(kind: str) -> frozenset[str]:
    """The settable fields of a template (``no_series`` by its code)."""
    model = TEMPLATE_MODELS[kind]
    return frozenset(
        f.name for f in model._meta.concrete_fields if f.editable and f.name not in {"id", "code"}
    )


def template_get(kind: str, code: str) -> Any:
    """A template by code, or E-10."""
    model = TEMPLATE_MODELS[kind]
    found = model._default_manager.filter(code=code).first()
    if found is None:
        raise NotFound(f"{label(model)} {code} does not exist.")
    return found


def _resolve(data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    if "no_series" in data:
        code = data["no_series"]
        series = NoSeries.objects.filter(code=code).first() if code else None
        if code and series is None:
            raise ValidationFailed(
                f"Number series {code} does not exist.", fields={"no_series": ["Unknown series."]}
            )
        data["no_series"] = series
    for name in CODE_FIELDS:
        if isinstance(data.get(name), str):
            data[name] = data[name].strip().upper()
    return data


@transaction.atomic
def template_create(kind: str, *, code: str, data: dict[str, Any]) -> Any:
    """A new customer or vendor template."""
    model = TEMPLATE_MODELS[kind]
    unknown = sorted(set(data) - template_fields(kind))
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(unknown)}.")
    refuse_nulls(model, {k: v for k, v in data.items() if k != "no_series"})
    resolved = _resolve(data)
    codes_check(codes_changed(resolved, {}))
    template = model(code=code.strip().upper(), **resolved)
    full_clean_or_raise(template)
    template.save()
    return template


@transaction.atomic
def template_update(
    kind: str, *, template: Any, data: dict[str, Any], expected_version: int | None = None
) -> Any:
    """Change a template; records created from it earlier keep their values."""
    template = type(template)._default_manager.select_for_update().get(pk=template.pk)
    resolved = _resolve(data)
    codes_check(codes_changed(resolved, {n: getattr(template, n, "") for n in resolved}))
    model_update(
        template, resolved, allowed=template_fields(kind), expected_version=expected_version
    )
    return template


# The marketing setup's defaults for each kind of template, with how the refusal names them.
SETUP_DEFAULTS: dict[str, dict[str, str]] = {
    "customer": {
        "default_customer_template_company": gettext_noop(
            "default customer template for companies"
        ),
        "default_customer_template_person": gettext_noop("default customer template for persons"),
    },
    "vendor": {"default_vendor_template": gettext_noop("default vendor template")},
}
_SIDES = {side.kind: side for side in (SALES, PURCHASE)}


def _setup_defaults(kind: str, template: Any, setup: MarketingSetup | None) -> list[str]:
    """The marketing setup's default fields that name this template."""
    if setup is None:
        return []
    return [name for name in SETUP_DEFAULTS[kind] if getattr(setup, f"{name}_id") == template.pk]


def template_uses(kind: str, template: Any) -> dict[str, list[str]]:
    """The documents that propose this template (prospect quotes), by document kind label
    ("Sales quote"), each with its document numbers."""
    side = _SIDES[kind]
    proposing = Q()
    for role in (side.party, side.bill):
        proposing |= Q(**{side.template_field(role): template})
    uses: dict[str, list[str]] = {}
    rows = side.header._default_manager.filter(proposing).order_by("number")
    for document_type, number in rows.values_list("document_type", "number"):
        uses.setdefault(side.type_label(document_type), []).append(number)
    return uses


def _in_use(template: Any, count: int, uses: dict[str, list[str]]) -> TemplateInUse:
    """The refusal, naming how many documents of which kinds (and their numbers) use it."""
    documents = ngettext(
        "%(count)d document proposes it", "%(count)d documents propose it", count
    ) % {"count": count}
    if uses:
        listed = "; ".join(
            f"{kind_label}: {', '.join(numbers[:5])}{', ...' if len(numbers) > 5 else ''}"
            for kind_label, numbers in uses.items()
        )
        documents = f"{documents} ({listed})"
    return TemplateInUse(
        _(
            "%(template)s %(code)s cannot be deleted: %(documents)s. Choose another template "
            "on those documents, or delete them, first."
        )
        % {
            "template": label(type(template)),
            "code": template.code,
            "documents": documents,
        }
    )


@transaction.atomic
def template_delete(kind: str, *, template: Any) -> None:
    """Delete a template that no document proposes and no marketing setup default names."""
    # The setup row first, as marketing_setup_update locks it before it reads templates: a
    # default set meanwhile is seen here, and this delete is seen there.
    setup = MarketingSetup.objects.select_for_update().filter(pk=1).first()
    model = TEMPLATE_MODELS[kind]
    locked: Any = model._default_manager.select_for_update().filter(pk=template.pk).first()
    if locked is None:
        raise NotFound(
            _("%(template)s %(code)s does not exist.")
            % {"template": label(model), "code": template.code}
        )
    defaults = _setup_defaults(kind, locked, setup)
    if defaults:
        raise TemplateIsSetupDefault(
            _(
                "%(template)s %(code)s cannot be deleted: the marketing setup names it as "
                "%(defaults)s. Choose another default in Setup first."
            )
            % {
                "template": label(model),
                "code": locked.code,
                "defaults": _(" and ").join(_(SETUP_DEFAULTS[kind][name]) for name in defaults),
            }
        )
    uses = template_uses(kind, locked)
    if uses:
        raise _in_use(locked, sum(len(n) for n in uses.values()), uses)
    try:
        locked.delete()
    except models.ProtectedError as exc:  # a reference that template_uses does not know of
        raise _in_use(locked, len(exc.protected_objects), {}) from exc
