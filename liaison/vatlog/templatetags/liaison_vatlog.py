"""``{% vat_registration_log record %}``: a card's "VAT registration log" section (nothing for
a bank account, which has no VAT number)."""

from __future__ import annotations

from typing import Any

from django import template
from django.db import models

from liaison.vatlog.selectors import vat_log_for_card, vat_log_kind_of

register = template.Library()
SHOWN = 20  # the newest entries a card shows; the API has them all


@register.inclusion_tag("vatlog/_vat_log.html")
def vat_registration_log(record: models.Model) -> dict[str, Any]:
    if vat_log_kind_of(record) is None:
        return {"shown": False}
    entries = list(vat_log_for_card(record)[: SHOWN + 1])
    return {"shown": True, "entries": entries[:SHOWN], "more": len(entries) > SHOWN}
