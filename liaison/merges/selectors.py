"""Reads of merges: what a merge of two contacts would do (the dry run and the side-by-side
page), the fields that conflict, and the merge records."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from liaison.audit.models import AuditEntry
from liaison.contacts.models import Contact
from liaison.core.errors import NotFound, ValidationFailed
from liaison.documents.models import PurchaseHeader, SalesHeader
from liaison.interactions.models import InteractionLogEntry
from liaison.merges.errors import MergeBothBankAccounts
from liaison.merges.models import Merge
from liaison.records.selectors import editable_fields
from liaison.relations.fieldmaps import FIELD_MAPS
from liaison.relations.models import ContactBusinessRelation, LinkToTable

# The contact fields a merge chooses between, in the card's order (the type, the search name
# and the privacy flags are not chosen: the survivor keeps its own).
CONTACT_FIELDS = (
    "name",
    "name_2",
    "first_name",
    "middle_name",
    "surname",
    "job_title",
    "initials",
    "address",
    "address_2",
    "post_code",
    "city",
    "county",
    "country_code",
    "phone_no",
    "mobile_phone_no",
    "fax_no",
    "telex_no",
    "telex_answer_back",
    "email",
    "home_page",
    "extension_no",
    "pager",
    "territory_code",
    "currency_code",
    "language_code",
    "format_region",
    "registration_number",
    "vat_registration_no",
    "salesperson_code",
    "correspondence_type",
)
KINDS = ("customer", "vendor", "bank_account")
MERGED_KINDS = ("customer", "vendor")  # both sides holding one: the two records are merged
SIDES = ("survivor", "merged")
# The documents' contact columns and record columns, by model.
DOCUMENT_CONTACT_FIELDS = (
    (SalesHeader, ("sell_to_contact", "bill_to_contact")),
    (PurchaseHeader, ("buy_from_contact", "pay_to_contact")),
)
DOCUMENT_RECORD_FIELDS = {
    "customer": (SalesHeader, ("sell_to_customer", "bill_to_customer")),
    "vendor": (PurchaseHeader, ("buy_from_vendor", "pay_to_vendor")),
}


def merge_get(pk: int) -> Merge:
    """The merge with this id, or E-10."""
    found = Merge.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Merge %(id)s does not exist.") % {"id": pk})
    return found


def merge_list() -> QuerySet[Merge]:
    """Merges, newest first (keyset pages by id)."""
    return Merge.objects.order_by("-id")


def linked_records(contact: Contact) -> dict[str, Any]:
    """The contact's customer, vendor and bank account (None where it has none)."""
    found: dict[str, Any] = dict.fromkeys(KINDS)
    links = ContactBusinessRelation.objects.filter(contact=contact).exclude(
        link_to_table=LinkToTable.NONE
    )
    for link in links.select_related("customer", "vendor", "bank_account"):
        found[link.link_to_table] = getattr(link, link.link_to_table)
    return found


def _blank(value: Any) -> bool:
    return value is None or value == ""


def _rows(
    survivor: Any,
    merged: Any,
    names: tuple[str, ...] | list[str],
    prefix: str,
    choices: dict[str, str],
) -> list[dict[str, Any]]:
    """Both values of each field, whether they conflict and whose value wins: the chosen side,
    else the survivor's non-blank value, else the merged contact's."""
    rows = []
    for name in names:
        key = f"{prefix}{name}"
        ours, theirs = getattr(survivor, name), getattr(merged, name)
        conflict = not _blank(ours) and not _blank(theirs) and ours != theirs
        winner = choices.get(key) or (
            "merged" if _blank(ours) and not _blank(theirs) else "survivor"
        )
        label = str(type(survivor)._meta.get_field(name).verbose_name)
        rows.append(
            {
                "field": key,
                "label": label[:1].upper() + label[1:],
                "survivor": ours,
                "merged": theirs,
                "conflict": conflict,
                "winner": winner,
            }
        )
    return rows


def record_merge_fields(kind: str) -> list[str]:
    """A record's own fields (not synchronised from its contact) a merge chooses between."""
    shared = {entity for _contact, entity in FIELD_MAPS[kind].both}
    return sorted(editable_fields(kind) - shared - {"number", "primary_contact"})


def choices_check(choices: dict[str, str], allowed: set[str]) -> None:
    """Unknown fields and sides are refused before anything is read further."""
    bad = {k: [_("Unknown field.")] for k in choices if k not in allowed}
    bad |= {k: [_('Choose "survivor" or "merged".')] for k, v in choices.items() if v not in SIDES}
    if bad:
        raise ValidationFailed(_("The choices name unknown fields or sides."), fields=bad)


def merge_plan(survivor: Contact, merged: Contact, choices: dict[str, str]) -> dict[str, Any]:
    """What merging ``merged`` into ``survivor`` does: both values of every field (conflicts
    and winners), the values written to the survivor, and what moves. Writes nothing."""
    ours, theirs = linked_records(survivor), linked_records(merged)
    if ours["bank_account"] is not None and theirs["bank_account"] is not None:
        raise MergeBothBankAccounts(
            _(
                "Contacts %(a)s and %(b)s both have a bank account, and a contact holds one "
                "bank account link: unlink one of them first."
            )
            % {"a": survivor.number, "b": merged.number}
        )
    both = [k for k in MERGED_KINDS if ours[k] is not None and theirs[k] is not None]
    allowed = set(CONTACT_FIELDS) | {
        f"{kind}.{name}" for kind in both for name in record_merge_fields(kind)
    }
    choices_check(choices, allowed)
    fields = _rows(survivor, merged, CONTACT_FIELDS, "", choices)
    record_fields = {
        kind: _rows(ours[kind], theirs[kind], record_merge_fields(kind), f"{kind}.", choices)
        for kind in both
    }
    return {
        "survivor": survivor.number,
        "merged": merged.number,
        "fields": fields,
        "record_fields": record_fields,
        "conflicts": [r["field"] for r in fields if r["conflict"]]
        + [r["field"] for rows in record_fields.values() for r in rows if r["conflict"]],
        "moves": _moves(survivor, merged, ours, theirs),
    }


def written_values(rows: list[dict[str, Any]], prefix: str = "") -> dict[str, Any]:
    """The values the merged side gives the survivor (its winning, different values)."""
    return {
        r["field"].removeprefix(prefix): r["merged"]
        for r in rows
        if r["winner"] == "merged" and r["merged"] != r["survivor"]
    }


def _documents(contact: Contact, records: dict[str, Any]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for model, names in DOCUMENT_CONTACT_FIELDS:
        where = Q()
        for name in names:
            where |= Q(**{name: contact})
        kind = "customer" if model is SalesHeader else "vendor"
        if records[kind] is not None:
            for name in DOCUMENT_RECORD_FIELDS[kind][1]:
                where |= Q(**{name: records[kind]})
        key = "sales_documents" if model is SalesHeader else "purchase_documents"
        found[key] = list(
            model.objects.filter(where).order_by("number").values_list("number", flat=True)
        )
    return found


def _moves(
    survivor: Contact, merged: Contact, ours: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    """The lists and counts of what goes from ``merged`` to ``survivor``."""
    persons = list(
        Contact.objects.filter(company=merged).order_by("number").values_list("number", flat=True)
    )
    links = list(
        ContactBusinessRelation.objects.filter(contact=merged, link_to_table=LinkToTable.NONE)
        .order_by("business_relation__code")
        .values_list("business_relation__code", flat=True)
    )
    records = []
    for kind in KINDS:
        record = theirs[kind]
        if record is None:
            continue
        action = "link" if ours[kind] is None else "merge"
        into = ours[kind].number if ours[kind] is not None else survivor.number
        records.append({"kind": kind, "number": record.number, "action": action, "into": into})
    interactions = InteractionLogEntry.objects.filter(
        Q(contact=merged) | Q(contact_company=merged)
    ).count()
    history = AuditEntry.objects.filter(entity="contact", entity_pk=merged.pk).count()
    moves: dict[str, Any] = {
        "persons": persons,
        "links": links,
        "records": records,
        **_documents(merged, theirs),
        "interactions": interactions,
        "audit_entries": history,
    }
    moves["counts"] = {k: (v if isinstance(v, int) else len(v)) for k, v in moves.items()}
    return moves
