"""Duplicate detection reads: the pairs (Contact Duplicates), the setup rows, the warning."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from liaison.contacts.models import Contact
from liaison.core.errors import NotFound
from liaison.duplicates.matching import matches, probe_for, rules_get
from liaison.duplicates.models import ContactDuplicate, DuplicateSearchStringSetup
from liaison.relations.selectors import marketing_setup_get


def duplicate_list(contact_number: str = "") -> QuerySet[ContactDuplicate]:
    """Contact Duplicates: every pair, or those of one contact (either side), best first."""
    pairs = ContactDuplicate.objects.select_related("contact", "duplicate")
    number = contact_number.strip().upper()
    if number:
        pairs = pairs.filter(Q(contact__number=number) | Q(duplicate__number=number))
    return pairs.order_by("-score", "id")


def duplicate_get(pk: int) -> ContactDuplicate:
    found = ContactDuplicate.objects.select_related("contact", "duplicate").filter(pk=pk).first()
    if found is None:
        raise NotFound(f"Duplicate pair {pk} does not exist.")
    return found


def dupl_setup_list() -> QuerySet[DuplicateSearchStringSetup]:
    return DuplicateSearchStringSetup.objects.order_by("id")


def dupl_setup_get(pk: int) -> DuplicateSearchStringSetup:
    found = DuplicateSearchStringSetup.objects.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"Duplicate search string setup row {pk} does not exist.")
    return found


@dataclass
class Candidate:
    """A stored contact that looks like the one being typed, and why."""

    contact: Contact
    score: int
    reasons: list[str]


def duplicate_candidates(
    values: Mapping[str, Any], *, exclude_number: str = "", limit: int = 10
) -> list[Candidate]:
    """Likely duplicates of a contact being typed (the warning before the save): the same
    scoring as the index, read-only, over the stored index."""
    rules = rules_get(marketing_setup_get().search_hit_pct)
    exclude = (
        Contact.objects.filter(number=exclude_number.strip().upper())
        .values_list("pk", flat=True)
        .first()
        if exclude_number
        else None
    )
    probe = probe_for("typed", values, rules, exclude_pk=exclude)
    found = sorted(matches([probe], rules)["typed"], key=lambda m: (-m.score, m.pk))[:limit]
    contacts = Contact.objects.in_bulk([m.pk for m in found])
    return [
        Candidate(contacts[m.pk], m.score, [*m.identifiers, *m.strings])
        for m in found
        if m.pk in contacts
    ]
