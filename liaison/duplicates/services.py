"""Duplicate detection writes (spec group O): the index, its hooks, removal, setup, verdicts.

Set-based: ``duplicates_index`` takes a set of contacts and costs the same few statements for
one contact or a chunk of a thousand. The scoring lives in ``matching`` (docs/decisions.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from liaison.contacts.models import Contact, ContactType
from liaison.core.errors import NotFound, ValidationFailed
from liaison.core.update import full_clean_or_raise
from liaison.core.writes import insert_values
from liaison.duplicates.matching import (
    SEARCHED_VALUES,
    Match,
    Rules,
    StringKey,
    matches,
    probe_for,
    rules_get,
)
from liaison.duplicates.models import (
    ContactDuplicate,
    ContactIdentifier,
    ContactSearchString,
    DuplicateSearchStringSetup,
    Part,
)
from liaison.relations.models import ContactBusinessRelation
from liaison.relations.selectors import marketing_setup_get

# R-O2 / R-D6: a company's change to one of these runs the check.
WATCHED = (
    "name",
    "name_2",
    "address",
    "address_2",
    "city",
    "post_code",
    "vat_registration_no",
    "phone_no",
)
DEFAULT_ROWS = (
    "name", "address", "city", "phone_no", "vat_registration_no", "post_code", "email",
    "mobile_phone_no",
)  # fmt: skip
NOTICE = "duplicates_found"


def duplicates_setup_init() -> list[str]:
    """The 16 default rows (first and last 5 of 8 fields), made by ``liaison init``. Idempotent."""
    if DuplicateSearchStringSetup.objects.exists():
        return []
    DuplicateSearchStringSetup.objects.bulk_create(
        DuplicateSearchStringSetup(field=f, part=p, length=5)
        for f in DEFAULT_ROWS
        for p in (Part.FIRST, Part.LAST)
    )
    return [f"{2 * len(DEFAULT_ROWS)} duplicate search string setup rows"]


def _ibans(pks: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    rows = ContactBusinessRelation.objects.filter(
        contact_id__in=pks, bank_account__isnull=False
    ).values_list("contact_id", "bank_account__iban")
    for pk, iban in rows:
        out.setdefault(pk, []).append(iban or "")
    return out


def _strings_delete(pks: list[int]) -> None:
    ContactSearchString.objects.filter(contact_id__in=pks).delete()
    ContactIdentifier.objects.filter(contact_id__in=pks).delete()


def duplicates_index(
    pks: Iterable[int],
    *,
    rules: Rules | None = None,
    contact: Contact | None = None,
    common: set[StringKey] | None = None,
) -> set[int]:
    """R-O1 for a set of contacts; returns those that now have a pair not marked Separate.

    Deletes their strings and their pairs not marked Separate Contacts, writes their strings and
    identifiers, matches them, and inserts each qualifying pair unless one exists either way.
    ``contact``, when the set is that one contact in memory, spares reading it again;
    ``common``, kept by a run across its chunks, the strings it found common (``matching``).
    """
    pks = sorted(set(pks))
    if not pks:
        return set()
    rules = rules or rules_get(marketing_setup_get().search_hit_pct)
    _strings_delete(pks)
    ContactDuplicate.objects.filter(
        Q(contact_id__in=pks) | Q(duplicate_id__in=pks), separate_contacts=False
    ).delete()
    ibans = _ibans(pks)
    if contact is not None and pks == [contact.pk]:
        rows: Iterable[dict[str, Any]] = [
            {"pk": contact.pk, **{f: getattr(contact, f) for f in SEARCHED_VALUES}}
        ]
    else:
        rows = Contact.objects.filter(pk__in=pks).values("pk", *SEARCHED_VALUES)
    probes = [
        probe_for(row["pk"], row, rules, exclude_pk=row["pk"], ibans=ibans.get(row["pk"], ()))
        for row in rows
    ]
    # Plain rows in one statement each (no model instance per row: a chunk writes 12,000).
    insert_values(
        ContactSearchString,
        ("contact_id", "field", "part", "string"),
        [(pr.key, f, p, s) for pr in probes for (f, p), s in pr.strings.items()],
    )
    insert_values(
        ContactIdentifier,
        ("contact_id", "kind", "value"),
        [(pr.key, k, v) for pr in probes for k, v in sorted(pr.identifiers)],
    )
    return _pairs_insert(pks, matches(probes, rules, common))


def _pairs_insert(pks: list[int], found: Mapping[Any, list[Match]]) -> set[int]:
    existing = list(
        ContactDuplicate.objects.filter(Q(contact_id__in=pks) | Q(duplicate_id__in=pks))
        .values_list("contact_id", "duplicate_id", "separate_contacts")
        .order_by()
    )
    taken = {frozenset((a, b)) for a, b, _separate in existing}
    open_pairs = {frozenset((a, b)) for a, b, separate in existing if not separate}
    new: list[ContactDuplicate] = []
    for pk, found_matches in found.items():
        for m in found_matches:
            pair = frozenset((pk, m.pk))
            if pair in taken:
                continue
            taken.add(pair)
            open_pairs.add(pair)
            new.append(
                ContactDuplicate(
                    contact_id=pk,
                    duplicate_id=m.pk,
                    matching_strings=len(m.strings),
                    score=m.score,
                    strings=m.strings,
                    identifiers=m.identifiers,
                )
            )
    ContactDuplicate.objects.bulk_create(new)
    with_pairs = {pk for pair in open_pairs for pk in pair}
    return {pk for pk in pks if pk in with_pairs}


def duplicates_exist(pks: Iterable[int]) -> set[int]:
    """R-O3: the contacts with a pair not marked Separate; none when Autosearch is off."""
    pks = list(pks)
    if not pks or not marketing_setup_get().autosearch_for_duplicates:
        return set()
    rows = (
        ContactDuplicate.objects.filter(
            Q(contact_id__in=pks) | Q(duplicate_id__in=pks), separate_contacts=False
        )
        .values_list("contact_id", "duplicate_id")
        .order_by()
    )
    wanted = set(pks)
    return {pk for pair in rows for pk in pair if pk in wanted}


def duplicates_remove(pks: Iterable[int]) -> None:
    """R-O5: a contact changed to Person loses its strings and all its pairs, accepted ones too.
    (A deleted contact loses them by cascade.)"""
    pks = list(pks)
    _strings_delete(pks)
    ContactDuplicate.objects.filter(Q(contact_id__in=pks) | Q(duplicate_id__in=pks)).delete()


def duplicates_check_on_save(contact: Contact, before: Mapping[str, Any]) -> list[str]:
    """R-O2, R-L1, R-O5, R-O6 after a contact's save; returns the notices (R-O4).

    ``before`` is the stored row before the write ({} for a new contact). A company whose
    watched fields changed, or that became a company, is indexed when Maintain is on; a
    contact that became a person loses its index and pairs; persons are not indexed.
    A new company contact is checked too (a documented departure: Liaison saves the whole
    card at once, so the record exists when the check runs).
    """
    was = before.get("type")
    if not contact.is_company:
        if was == ContactType.COMPANY:
            duplicates_remove([contact.pk])
        return []
    became = was != ContactType.COMPANY
    changed = any(before.get(f) != getattr(contact, f) for f in WATCHED)
    if not (became or changed):
        return []
    setup = marketing_setup_get()
    if not setup.maintain_dupl_search_strings:
        return []
    found = duplicates_index([contact.pk], rules=rules_get(setup.search_hit_pct), contact=contact)
    return [NOTICE] if found and setup.autosearch_for_duplicates else []  # R-O3


@dataclass
class IndexResult:
    indexed: int = 0
    with_duplicates: int = 0


def duplicates_index_run(
    *,
    number: str = "",
    company: str = "",
    modified_since: date | None = None,
    chunk_size: int = 1000,
    progress: Callable[[int, int], None] | None = None,
) -> IndexResult:
    """Report 5187 "Generate Dupl. Search String": index the company contacts in the filter,
    in number order, one transaction per chunk (flat memory; a stopped run is run again)."""
    if chunk_size < 1:
        raise ValidationFailed(
            "The chunk size must be at least 1.", fields={"chunk_size": ["At least 1."]}
        )
    scope = Contact.objects.filter(type=ContactType.COMPANY)
    if number:
        scope = scope.filter(number=number.strip().upper())
    if company:
        scope = scope.filter(number=company.strip().upper())
    if modified_since is not None:
        scope = scope.filter(modified_at__date__gte=modified_since)
    total = scope.count()
    setup = marketing_setup_get()
    rules = rules_get(setup.search_hit_pct)
    common: set[StringKey] = set()  # bounded: at most (strings / FREQUENCY_CAP) of them
    result = IndexResult()
    last = ""
    while True:
        with transaction.atomic():
            chunk = list(
                scope.filter(number__gt=last)
                .order_by("number")
                .values_list("pk", "number")[:chunk_size]
            )
            if not chunk:
                break
            found = duplicates_index([pk for pk, _ in chunk], rules=rules, common=common)
            found = found if setup.autosearch_for_duplicates else set()
        last = chunk[-1][1]
        result.indexed += len(chunk)
        result.with_duplicates += len(found)
        if progress is not None:
            progress(result.indexed, total)
    return result


def _duplicate_get(pk: int) -> ContactDuplicate:
    found = ContactDuplicate.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(f"Duplicate pair {pk} does not exist.")
    return found


@transaction.atomic
def duplicate_update(*, pk: int, separate_contacts: bool) -> ContactDuplicate:
    """The user's verdict on a pair: Separate Contacts (kept when the index is rebuilt)."""
    pair = _duplicate_get(pk)
    pair.separate_contacts = bool(separate_contacts)
    pair.save(update_fields=["separate_contacts"])
    return pair


def _setup_row_save(row: DuplicateSearchStringSetup, data: Mapping[str, Any]) -> None:
    unknown = set(data) - {"field", "part", "length"}
    if unknown:
        raise ValidationFailed(
            f"Unknown fields: {', '.join(sorted(unknown))}.",
            fields={k: ["Unknown field."] for k in sorted(unknown)},
        )
    for key, value in data.items():
        setattr(row, key, value)
    full_clean_or_raise(row)
    row.save()


@transaction.atomic
def dupl_setup_create(*, data: Mapping[str, Any]) -> DuplicateSearchStringSetup:
    row = DuplicateSearchStringSetup()
    _setup_row_save(row, data)
    return row


@transaction.atomic
def dupl_setup_update(*, pk: int, data: Mapping[str, Any]) -> DuplicateSearchStringSetup:
    """A changed row's old strings go (they no longer mean what the row says)."""
    row = _setup_row_get(pk)
    old = (row.field, row.part)
    _setup_row_save(row, data)
    if (row.field, row.part) != old or "length" in data:
        ContactSearchString.objects.filter(field=old[0], part=old[1]).delete()
    return row


@transaction.atomic
def dupl_setup_delete(*, pk: int) -> None:
    """Spec 1.12 / R-O5: deleting a setup row deletes the stored strings for its (field, part)."""
    row = _setup_row_get(pk)
    ContactSearchString.objects.filter(field=row.field, part=row.part).delete()
    row.delete()


def _setup_row_get(pk: int) -> DuplicateSearchStringSetup:
    row = DuplicateSearchStringSetup.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise NotFound(f"Duplicate search string setup row {pk} does not exist.")
    return row
