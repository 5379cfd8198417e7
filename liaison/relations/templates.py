"""Write services for customer and vendor templates and business relations (setup as data)."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from liaison.core.errors import Conflict, NotFound, ValidationFailed
from liaison.core.models import NoSeries
from liaison.core.normalise import CODE_FIELDS
from liaison.core.update import full_clean_or_raise, label, model_update, refuse_nulls
from liaison.purchases.models import VendorTemplate
from liaison.relations.models import BusinessRelation, ContactBusinessRelation, MarketingSetup
from liaison.sales.models import CustomerTemplate

TEMPLATE_MODELS: dict[str, type[models.Model]] = {
    "customer": CustomerTemplate,
    "vendor": VendorTemplate,
}


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
    template = model(code=code.strip().upper(), **_resolve(data))
    full_clean_or_raise(template)
    template.save()
    return template


@transaction.atomic
def template_update(
    kind: str, *, template: Any, data: dict[str, Any], expected_version: int | None = None
) -> Any:
    """Change a template; records created from it earlier keep their values."""
    template = type(template)._default_manager.select_for_update().get(pk=template.pk)
    model_update(
        template, _resolve(data), allowed=template_fields(kind), expected_version=expected_version
    )
    return template


@transaction.atomic
def template_delete(kind: str, *, template: Any) -> None:
    """Delete a template; the marketing setup's default pointing at it is cleared."""
    template.delete()


@transaction.atomic
def business_relation_delete(*, relation: BusinessRelation) -> None:
    """Delete a business relation code that no link row and no setup field uses."""
    setup = MarketingSetup.objects.filter(pk=1).first()
    used_by_setup = setup is not None and relation.pk in (
        setup.bus_rel_code_for_customers_id,
        setup.bus_rel_code_for_vendors_id,
        setup.bus_rel_code_for_bank_accounts_id,
    )
    if used_by_setup or ContactBusinessRelation.objects.filter(business_relation=relation).exists():
        raise Conflict(
            f"Business relation {relation.code} is in use (marketing setup or links): "
            "remove those first."
        )
    relation.delete()
