"""Merging two contacts and undoing a merge: each rule, shown on stored rows."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.audit.models import AuditEntry
from liaison.banking.services import bank_account_create_from_contact
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.core.errors import StaleVersion, ValidationFailed
from liaison.core.update import snapshot
from liaison.documents.models import SalesHeader
from liaison.interactions.models import InteractionLogEntry
from liaison.merges.errors import (
    MergeAcrossTypes,
    MergeBothBankAccounts,
    MergeChangedSince,
    MergeSameContact,
    MergeUndoRefused,
)
from liaison.merges.models import Merge
from liaison.merges.services import contact_merge, merge_undo
from liaison.relations.errors import ContactPrivacyBlocked
from liaison.relations.models import ContactBusinessRelation
from liaison.sales.models import Customer
from liaison.sales.services import customer_create_from_contact

SKIP = {"version", "modified_at"}


def _company(name: str, **data: Any) -> Contact:
    return contact_create(data={"name": name, **data})


def _state() -> dict[str, Any]:
    """Every row a merge may touch, without the bookkeeping columns."""

    def rows(model: Any) -> dict[int, dict[str, Any]]:
        return {
            o.pk: {k: v for k, v in snapshot(o).items() if k not in SKIP}
            for o in model.objects.all()
        }

    return {
        "contacts": rows(Contact),
        "customers": rows(Customer),
        "links": rows(ContactBusinessRelation),
        "documents": rows(SalesHeader),
        "interactions": rows(InteractionLogEntry),
        "audit": {pk: (e.entity, e.entity_pk) for pk, e in AuditEntry.objects.in_bulk().items()},
    }


def _pair_with_history() -> tuple[Contact, Contact]:
    a = _company("Fabrikam Inc.", city="Oslo", phone_no="+47 22 00 00 01")
    b = _company("FABRIKAM, INC", city="Bergen", email="sales@fabrikam.example.com")
    contact_create(data={"type": "person", "name": "Jo Berg"}, company_number=b.number)
    SalesHeader.objects.create(number="SQ1", document_type="quote", sell_to_contact=b)
    InteractionLogEntry.objects.create(contact=b, contact_number=b.number)
    return a, b


def test_merge_moves_persons_links_documents_interactions_and_history() -> None:
    a, b = _pair_with_history()
    customer_create_from_contact(contact=b)
    _, merge = contact_merge(survivor=a, merged=b)
    assert merge is not None
    assert not Contact.objects.filter(pk=b.pk).exists()
    assert Contact.objects.get(name="Jo Berg").company_id == a.pk
    assert SalesHeader.objects.get(number="SQ1").sell_to_contact_id == a.pk
    assert InteractionLogEntry.objects.get().contact_id == a.pk
    assert ContactBusinessRelation.objects.get(link_to_table="customer").contact_id == a.pk
    assert not AuditEntry.objects.filter(entity="contact", entity_pk=b.pk, action="create").exists()
    assert AuditEntry.objects.filter(entity="contact", entity_pk=a.pk, action="merge").exists()
    assert merge.summary["counts"]["persons"] == 1


def test_both_have_a_customer_merges_the_customers() -> None:
    a, b = _pair_with_history()
    ours, _r = customer_create_from_contact(contact=a)
    theirs, _r = customer_create_from_contact(contact=b)
    SalesHeader.objects.create(number="SO1", document_type="order", sell_to_customer=theirs)
    contact_merge(survivor=a, merged=b)
    assert not Customer.objects.filter(pk=theirs.pk).exists()
    assert SalesHeader.objects.get(number="SO1").sell_to_customer_id == ours.pk


def test_chosen_fields_win_and_reach_the_linked_records() -> None:
    a, b = _pair_with_history()
    customer, _r = customer_create_from_contact(contact=a)
    contact_merge(survivor=a, merged=b, choices={"city": "merged"})
    a.refresh_from_db()
    customer.refresh_from_db()
    assert (a.city, customer.city) == ("Bergen", "Bergen")
    # A blank field of the survivor is filled from the merged contact by default.
    assert a.email == "sales@fabrikam.example.com"
    assert a.phone_no == "+47 22 00 00 01"


def test_dry_run_writes_nothing_and_names_the_conflicts() -> None:
    a, b = _pair_with_history()
    before = _state()
    plan, merge = contact_merge(survivor=a, merged=b, dry_run=True)
    assert merge is None
    assert "city" in plan["conflicts"]
    assert "name" in plan["conflicts"]
    assert plan["moves"]["sales_documents"] == ["SQ1"]
    assert _state() == before


def test_merge_with_itself_is_refused_and_changes_nothing() -> None:
    a, _b = _pair_with_history()
    before = _state()
    with pytest.raises(MergeSameContact):
        contact_merge(survivor=a, merged=a)
    assert _state() == before


def test_merge_of_a_company_with_a_person_is_refused_and_changes_nothing() -> None:
    a, _b = _pair_with_history()
    person = Contact.objects.get(name="Jo Berg")
    before = _state()
    with pytest.raises(MergeAcrossTypes):
        contact_merge(survivor=a, merged=person)
    assert _state() == before
    assert not Merge.objects.exists()


def test_undo_restores_everything_exactly() -> None:
    a, b = _pair_with_history()
    customer_create_from_contact(contact=a)
    theirs, _r = customer_create_from_contact(contact=b)
    SalesHeader.objects.create(number="SO1", document_type="order", sell_to_customer=theirs)
    before = _state()
    _, merge = contact_merge(survivor=a, merged=b, choices={"city": "merged"})
    assert merge is not None
    merge_undo(merge=merge)
    after = _state()
    after["audit"] = {pk: v for pk, v in after["audit"].items() if pk in before["audit"]}
    assert after == before


def test_undo_is_refused_after_a_later_change_with_the_list() -> None:
    a, b = _pair_with_history()
    _, merge = contact_merge(survivor=a, merged=b)
    assert merge is not None
    contact_update(contact=a, data={"city": "Trondheim"})
    with pytest.raises(MergeChangedSince) as refused:
        merge_undo(merge=merge)
    assert any(a.number in line for line in refused.value.fields["changed"])
    assert not Contact.objects.filter(pk=b.pk).exists()


def test_undo_twice_is_refused() -> None:
    a, b = _pair_with_history()
    _, merge = contact_merge(survivor=a, merged=b)
    assert merge is not None
    merge_undo(merge=merge)
    with pytest.raises(MergeUndoRefused):
        merge_undo(merge=merge)


def test_both_have_a_bank_account_is_refused_and_changes_nothing() -> None:
    a, b = _pair_with_history()
    bank_account_create_from_contact(contact=a)
    bank_account_create_from_contact(contact=b)
    before = _state()
    with pytest.raises(MergeBothBankAccounts):
        contact_merge(survivor=a, merged=b)
    assert _state() == before


def test_records_do_not_move_to_a_privacy_blocked_survivor() -> None:
    a, b = _pair_with_history()
    customer_create_from_contact(contact=b)
    a, _r = contact_update(contact=a, data={"privacy_blocked": True})
    before = _state()
    with pytest.raises(ContactPrivacyBlocked):
        contact_merge(survivor=a, merged=b)
    assert _state() == before
    assert not Merge.objects.exists()


def test_unknown_choices_are_refused_and_change_nothing() -> None:
    a, b = _pair_with_history()
    before = _state()
    with pytest.raises(ValidationFailed) as refused:
        contact_merge(survivor=a, merged=b, choices={"colour": "merged", "city": "theirs"})
    assert set(refused.value.fields) == {"colour", "city"}
    assert _state() == before


def test_a_stale_version_is_refused_and_changes_nothing() -> None:
    a, b = _pair_with_history()
    before = _state()
    with pytest.raises(StaleVersion):
        contact_merge(survivor=a, merged=b, merged_version=b.version + 1)
    assert _state() == before


def test_undo_puts_the_pair_back_in_the_duplicates_list() -> None:
    from liaison.duplicates.models import ContactDuplicate

    a = _company("Fabrikam Inc.", city="Oslo", phone_no="+47 22 00 00 01")
    b = _company("FABRIKAM, INC", city="Bergen", phone_no="+47 22 00 00 01")

    def pairs() -> set[frozenset[int]]:
        return {frozenset((p.contact_id, p.duplicate_id)) for p in ContactDuplicate.objects.all()}

    assert pairs() == {frozenset((a.pk, b.pk))}
    _, merge = contact_merge(survivor=a, merged=b)
    assert merge is not None
    assert pairs() == set()
    merge_undo(merge=merge)
    assert pairs() == {frozenset((a.pk, b.pk))}
