"""Merging two contacts (``contact_merge``) and undoing a merge (``merge_undo``).

A merge moves everything of the merged contact (B) to the survivor (A) through the services
that own each rule: the chosen values reach A through ``contact_update`` (so synchronisation
reaches A's records), B's customer, vendor and bank account are re-linked to A through
``relation_unlink``/``relation_link`` (E-1a, privacy and the engine apply), and when both hold
a customer (vendor) B's is merged into A's through ``record_update`` and ``record_delete``
after its documents are re-pointed. B goes through ``contact_delete`` once nothing is left on
it. What each side held and every re-pointed row is kept on the ``Merge`` record, so the undo
puts it all back while nothing the merge wrote or moved has changed since.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.audit.context import current_actor
from liaison.audit.models import AuditEntry
from liaison.audit.trail import Trail
from liaison.contacts.models import Contact, ContactType
from liaison.contacts.services import contact_delete, contact_update
from liaison.core.errors import NotFound
from liaison.core.reads import rows_where
from liaison.core.update import check_version
from liaison.duplicates.services import duplicates_index
from liaison.interactions.models import InteractionLogEntry, OutgoingEmail
from liaison.merges.errors import (
    MergeAcrossTypes,
    MergeChangedSince,
    MergeSameContact,
    MergeUndoRefused,
)
from liaison.merges.models import Merge
from liaison.merges.rows import (
    Moves,
    changes_since,
    label_of,
    model_of,
    repoint_back,
    restore,
    snapshots,
    versions,
)
from liaison.merges.selectors import (
    DOCUMENT_CONTACT_FIELDS,
    DOCUMENT_RECORD_FIELDS,
    KINDS,
    linked_records,
    merge_plan,
    written_values,
)
from liaison.purchases.models import Vendor
from liaison.records.kinds import RECORD_KINDS
from liaison.records.services import record_delete, record_update
from liaison.relations.models import ContactBusinessRelation, LinkToTable
from liaison.relations.selectors import marketing_setup_get
from liaison.relations.services import relation_link, relation_unlink
from liaison.relations.sync import summaries_refresh
from liaison.sales.models import Customer
from liaison.vatlog.models import VatRegistrationLog

# The order the undo restores tables in (rows a later table references come first).
RESTORE_ORDER = (
    "contacts.contact",
    "sales.customer",
    "purchases.vendor",
    "banking.bankaccount",
    "relations.contactbusinessrelation",
    "documents.salesheader",
    "documents.purchaseheader",
)


def _pair(survivor: Contact, merged: Contact) -> tuple[Contact, Contact]:
    """Both contacts, locked in key order (the engine's order), or E-10 for one gone."""
    if survivor.pk == merged.pk:
        raise MergeSameContact(
            _("Contact %(no)s cannot be merged with itself: choose another contact.")
            % {"no": survivor.number}
        )
    found = {
        c.pk: c for c in rows_where(Contact, "pk", sorted([survivor.pk, merged.pk]), lock=True)
    }
    for asked in (survivor, merged):
        if asked.pk not in found:
            raise NotFound(_("Contact %(no)s does not exist.") % {"no": asked.number})
    survivor, merged = found[survivor.pk], found[merged.pk]
    if survivor.type != merged.type:
        raise MergeAcrossTypes(
            _(
                "Contact %(a)s is a %(ta)s and %(b)s a %(tb)s: only two companies or two "
                "persons can be merged."
            )
            % {
                "a": survivor.number,
                "ta": survivor.get_type_display().lower(),
                "b": merged.number,
                "tb": merged.get_type_display().lower(),
            }
        )
    return survivor, merged


@transaction.atomic
def contact_merge(
    *,
    survivor: Contact,
    merged: Contact,
    choices: dict[str, str] | None = None,
    dry_run: bool = False,
    survivor_version: int | None = None,
    merged_version: int | None = None,
) -> tuple[dict[str, Any], Merge | None]:
    """Merge contact ``merged`` (B) into ``survivor`` (A): returns the plan (what moves, the
    conflicting fields) and, unless ``dry_run``, the ``Merge`` record."""
    survivor, merged = _pair(survivor, merged)
    check_version(survivor, survivor_version)
    check_version(merged, merged_version)
    plan = merge_plan(survivor, merged, choices or {})
    if dry_run:
        return plan, None
    return plan, _merge(survivor, merged, plan, choices or {})


def _family(contact: Contact) -> list[int]:
    return [contact.pk, *Contact.objects.filter(company=contact).values_list("pk", flat=True)]


def _documents(contact_pks: list[int], records: list[dict[str, Any]]) -> dict[str, list[int]]:
    """The keys of the documents naming these contacts or records, by model label."""
    found = {}
    for model, names in DOCUMENT_CONTACT_FIELDS:
        where = Q()
        for name in names:
            where |= Q(**{f"{name}__in": contact_pks})
        kind = "customer" if model is DOCUMENT_RECORD_FIELDS["customer"][0] else "vendor"
        pks = [r[kind].pk for r in records if r[kind] is not None]
        for name in DOCUMENT_RECORD_FIELDS[kind][1]:
            where |= Q(**{f"{name}__in": pks})
        found[label_of(model)] = list(
            model._default_manager.filter(where).values_list("pk", flat=True)
        )
    return found


def _before(
    survivor: Contact, merged: Contact, ours: dict[str, Any], theirs: dict[str, Any]
) -> dict[str, Any]:
    """Full snapshots of every row the merge may write or delete."""
    contact_pks = _family(survivor) + _family(merged)
    before = {"contacts.contact": snapshots(Contact, contact_pks)}
    for kind in KINDS:
        model = RECORD_KINDS[kind].model
        pks = [r[kind].pk for r in (ours, theirs) if r[kind] is not None]
        before[label_of(model)] = snapshots(model, pks)
    links = ContactBusinessRelation.objects.filter(contact_id__in=[survivor.pk, merged.pk])
    before[label_of(ContactBusinessRelation)] = snapshots(
        ContactBusinessRelation, links.values_list("pk", flat=True)
    )
    for table, pks in _documents(contact_pks, [ours, theirs]).items():
        before[table] = snapshots(model_of(table), pks)
    return before


def _merge(
    survivor: Contact, merged: Contact, plan: dict[str, Any], choices: dict[str, str]
) -> Merge:
    ours, theirs = linked_records(survivor), linked_records(merged)
    before = _before(survivor, merged, ours, theirs)
    moves = Moves()
    data = written_values(plan["fields"])
    if data:
        survivor, _report = contact_update(contact=survivor, data=data)
    for kind in KINDS:
        _record_move(kind, survivor, merged, ours[kind], theirs[kind], plan, moves)
    _references_move(survivor, merged, moves)
    contact_delete(contact=merged)
    summaries_refresh([survivor.pk])
    survivor.refresh_from_db()
    trail = Trail()
    trail.merged(survivor, merged)
    trail.save()
    return _record(survivor, merged, before, moves, plan, choices)


def _record_move(
    kind: str,
    survivor: Contact,
    merged: Contact,
    ours: Any,
    theirs: Any,
    plan: dict[str, Any],
    moves: Moves,
) -> None:
    """B's record of ``kind`` goes to A: re-linked when A has none, else merged into A's."""
    if theirs is None:
        return
    if ours is None:
        relation_unlink(contact=merged, kind=kind)
        relation_link(contact=survivor, kind=kind, number=theirs.number, master="contact")
        return
    record_kind = RECORD_KINDS[kind]
    data = written_values(plan["record_fields"][kind], f"{kind}.")
    if data:
        record_update(record_kind, record=ours, data=data)
    for rel in type(theirs)._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ManyToOneRel) or rel.related_model is ContactBusinessRelation:
            continue
        moves.repoint(rel.related_model, rel.field.name, theirs.pk, ours.pk)  # type: ignore[arg-type]
    record_delete(record_kind, record=theirs)


def _references_move(survivor: Contact, merged: Contact, moves: Moves) -> None:
    """Persons, plain relations, documents, interactions, e-mails, primary contacts, VAT log
    entries and audit history of B re-pointed to A (a couple of queries each)."""
    persons = moves.repoint(Contact, "company", merged.pk, survivor.pk)
    if persons:
        Contact.objects.filter(pk__in=persons).update(company_name=survivor.name)
    held = ContactBusinessRelation.objects.filter(contact=survivor).values_list(
        "business_relation_id", flat=True
    )
    _plain_links_move(survivor, merged, list(held), moves)
    for model, names in DOCUMENT_CONTACT_FIELDS:
        for name in names:
            moves.repoint(model, name, merged.pk, survivor.pk)
    moves.repoint(InteractionLogEntry, "contact", merged.pk, survivor.pk)
    moves.repoint(InteractionLogEntry, "contact_company", merged.pk, survivor.pk)
    moves.repoint(OutgoingEmail, "contact", merged.pk, survivor.pk)
    for record_model in (Customer, Vendor):
        moves.repoint(record_model, "primary_contact", merged.pk, survivor.pk)
    moves.repoint(VatRegistrationLog, "contact", merged.pk, survivor.pk)
    moves.repoint(AuditEntry, "entity_pk", merged.pk, survivor.pk, entity="contact")


def _plain_links_move(survivor: Contact, merged: Contact, held: list[int], moves: Moves) -> None:
    """B's plain business relations A does not hold yet go to A (the others go with B)."""
    rows = ContactBusinessRelation.objects.filter(
        contact=merged, link_to_table=LinkToTable.NONE
    ).exclude(business_relation_id__in=held)
    pks = list(rows.values_list("pk", flat=True))
    if pks:
        moves.repoint(ContactBusinessRelation, "contact", merged.pk, survivor.pk, pk__in=pks)


def _record(
    survivor: Contact,
    merged: Contact,
    before: dict[str, Any],
    moves: Moves,
    plan: dict[str, Any],
    choices: dict[str, str],
) -> Merge:
    """The merge record: the versions its written rows hold now, for the undo's check."""
    after_versions: dict[str, dict[str, int]] = {}
    for table, rows in before.items():
        found = versions(model_of(table), [int(p) for p in rows])
        if found:
            after_versions[table] = found
    for row in moves.rows:
        model = model_of(row["table"])
        found = versions(model, [row["pk"]])
        if found:
            after_versions.setdefault(row["table"], {}).update(found)
    for record in linked_records(survivor).values():
        if record is not None:
            after_versions.setdefault(label_of(type(record)), {}).update(
                versions(type(record), [record.pk])
            )
    links = list(
        ContactBusinessRelation.objects.filter(contact=survivor).values_list("pk", flat=True)
    )
    user_pk, username = current_actor().who()
    return Merge.objects.create(
        user_id=user_pk,
        username=username,
        survivor_number=survivor.number,
        merged_number=merged.number,
        survivor_pk=survivor.pk,
        merged_pk=merged.pk,
        choices=choices,
        before=before,
        moved=moves.rows,
        after={"versions": after_versions, "links": links, "survivor_pk": survivor.pk},
        summary=plan["moves"],
    )


def _reindex(merge: Merge) -> None:
    """Both companies as they were again: their duplicate search strings and pairs follow
    (R-O1), as a save of theirs would (R-O2: when Maintain Dupl. Search Strings is on). The
    restore writes rows directly, so no save hook ran."""
    if not marketing_setup_get().maintain_dupl_search_strings:
        return
    companies = Contact.objects.filter(
        pk__in=[merge.survivor_pk, merge.merged_pk], type=ContactType.COMPANY
    ).values_list("pk", flat=True)
    duplicates_index(list(companies))


@transaction.atomic
def merge_undo(*, merge: Merge) -> Merge:
    """Undo a merge: B and its records come back with their numbers, every moved row points
    back, A and its records get their values back. Refused once undone, and when anything the
    merge wrote or moved changed since (the list in ``fields["changed"]``)."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise MergeUndoRefused(
            _("Merge %(id)s was already undone on %(at)s.")
            % {"id": merge.pk, "at": f"{merge.undone_at:%Y-%m-%d %H:%M}"}
        )
    survivor = Contact.objects.filter(pk=merge.survivor_pk).first()
    gone = (
        {}
        if survivor is not None
        else {"changed": [_("Contact %(no)s was deleted.") % {"no": merge.survivor_number}]}
    )
    changed = gone.get("changed") or changes_since(merge.before, merge.after, merge.moved)
    if changed:
        raise MergeChangedSince(
            _(
                "Merge %(id)s cannot be undone: %(count)s thing(s) changed since. Undo or "
                "accept those changes; the merge stays."
            )
            % {"id": merge.pk, "count": len(changed)},
            fields={"changed": changed},
        )
    kept = [int(pk) for pk in merge.before.get(label_of(ContactBusinessRelation), {})]
    ContactBusinessRelation.objects.filter(
        contact_id__in=[merge.survivor_pk, merge.merged_pk]
    ).exclude(pk__in=kept).delete()
    repoint_back(merge.moved)
    created = restore(merge.before, RESTORE_ORDER)
    _reindex(merge)
    _undo_trail(merge, created)
    merge.undone_at = timezone.now()
    merge.undone_by = current_actor().who()[1]
    merge.save(update_fields=["undone_at", "undone_by"])
    return merge


def _undo_trail(merge: Merge, created: list[models.Model]) -> None:
    survivor = Contact.objects.get(pk=merge.survivor_pk)
    merged = Contact.objects.get(pk=merge.merged_pk)
    trail = Trail()
    trail.created([obj for obj in created if label_of(type(obj)) in _AUDITED])
    trail.merged(survivor, merged, undo=True)
    trail.save()


_AUDITED = frozenset(
    {"contacts.contact", "sales.customer", "purchases.vendor", "banking.bankaccount"}
)
