"""Duplicate detection rules (spec group O, R-D6, R-I4/R-I7, R-L1) and Liaison's identifiers."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_delete, contact_update
from liaison.core.errors import DomainError, NotFound
from liaison.duplicates.matching import normalised_name, search_string, threshold
from liaison.duplicates.models import (
    ContactDuplicate,
    ContactSearchString,
    DuplicateSearchStringSetup,
)
from liaison.duplicates.services import (
    dupl_setup_create,
    dupl_setup_delete,
    dupl_setup_update,
    duplicate_update,
    duplicates_exist,
    duplicates_index,
    duplicates_index_run,
)
from liaison.relations.models import MarketingSetup

FABRIKAM = {
    "name": "Fabrikam Inc.",
    "address": "5 Harbour Road",
    "city": "Seattle",
    "post_code": "98101",
    "country_code": "US",
    "phone_no": "+1 206 555 0100",
    "email": "sales@fabrikam.example.com",
    "vat_registration_no": "",
}


def company(**data: Any) -> Contact:
    return contact_create(data={**FABRIKAM, **data})


def pairs_of(contact: Contact) -> list[ContactDuplicate]:
    return [
        p for p in ContactDuplicate.objects.all() if contact.pk in (p.contact_id, p.duplicate_id)
    ]


def setup(**values: Any) -> None:
    MarketingSetup.objects.filter(pk=1).update(**values)


def test_the_16_default_rows_and_60_percent_give_a_threshold_of_10() -> None:
    rows = DuplicateSearchStringSetup.objects.all()
    assert rows.count() == 16
    assert {r.length for r in rows} == {5}
    assert MarketingSetup.objects.get(pk=1).search_hit_pct == 60
    assert threshold(rows.count(), 60) == 10


def test_a_search_string_drops_the_listed_characters_and_takes_first_or_last_upper_cased() -> None:
    assert search_string("Fabrikam, Inc.", "first", 5) == "FABRI"
    assert search_string("Fabrikam, Inc.", "last", 5) == "AMINC"
    assert search_string("a-b", "first", 5) == "AB"
    assert search_string("", "last", 5) == ""


def test_a_company_sharing_ten_strings_is_a_duplicate_and_one_sharing_nine_is_not() -> None:
    setup(maintain_dupl_search_strings=False)  # only the explicit index below builds strings
    a = company(email="sales@fabrikam.com")
    # "sa.les@" gives the same strings as "sales@" (the dot is dropped) but another address,
    # so no identifier helps: 10 shared strings (name, address, city, post code, e-mail).
    b = company(phone_no="", email="sa.les@fabrikam.com")
    c = company(phone_no="", email="sa.les@fabrikam.org")  # the e-mail's last 5 differ: 9
    duplicates_index([a.pk])
    duplicates_index([b.pk])
    duplicates_index([c.pk])
    pair = ContactDuplicate.objects.get(contact=b)
    assert (pair.duplicate_id, pair.matching_strings, pair.score) == (a.pk, 10, 10)
    assert pair.identifiers == ["name"]
    assert not [p for p in pairs_of(c) if a.pk in (p.contact_id, p.duplicate_id)]


def test_a_pair_below_the_threshold_is_not_inserted() -> None:
    setup(maintain_dupl_search_strings=False)
    a = company(phone_no="", email="")
    b = company(name="Northwind Traders", phone_no="", email="")  # shares address/city/post: 6
    duplicates_index([a.pk, b.pk])
    assert not ContactDuplicate.objects.exists()


def test_identifiers_qualify_a_pair_with_different_names() -> None:
    a = company(name="Fabrikam Inc.", address="", city="", post_code="", email="")
    b = company(
        name="Totally Different", address="", city="", post_code="", email="",
        phone_no="(206) 555-0100",
    )  # fmt: skip
    pair = ContactDuplicate.objects.get()
    assert {pair.contact_id, pair.duplicate_id} == {a.pk, b.pk}
    assert pair.identifiers == ["phone"]
    assert b.notices == ["duplicates_found"]


def test_the_same_vat_number_written_differently_qualifies_a_pair() -> None:
    company(name="Alpha", vat_registration_no="DE 136.695.976", country_code="DE", phone_no="")
    company(name="Beta", vat_registration_no="136695976", country_code="DE", phone_no="", email="")
    assert ContactDuplicate.objects.get().identifiers == ["vat"]


def test_legal_forms_and_accents_do_not_separate_names() -> None:
    assert normalised_name("Fabrikam Inc.") == normalised_name("FABRIKAM, INC")
    assert normalised_name("Café Müller GmbH") == normalised_name("CAFE MULLER")
    assert normalised_name("Boulangerie Ltée") == normalised_name("boulangerie")
    assert normalised_name("Fabrikam") != normalised_name("Fabrikam Two")
    # The strings of the two names share nothing ("CAFÉM"/"CAFEM", "MGMBH"/"ULLER"), yet equal
    # normalised names count as both name rows matched: 8 shared strings + 2 = 10.
    setup(maintain_dupl_search_strings=False)
    a = company(name="Café Müller GmbH", phone_no="", email="info@cafe.com")
    b = company(name="CAFE MULLER", phone_no="", email="in.fo@cafe.com")
    c = company(name="Café Schmidt GmbH", phone_no="", email="inf.o@cafe.com")
    duplicates_index([a.pk])
    duplicates_index([b.pk, c.pk])
    pair = ContactDuplicate.objects.get()
    assert {pair.contact_id, pair.duplicate_id} == {a.pk, b.pk}
    assert (pair.matching_strings, pair.score) == (8, 10)
    assert pair.identifiers == ["name"]


def test_separate_pairs_survive_a_rebuild() -> None:
    a = company()
    b = company(name="Fabrikam, Inc")
    pair = ContactDuplicate.objects.get()
    duplicate_update(pk=pair.pk, separate_contacts=True)
    duplicates_index([a.pk, b.pk])
    kept = ContactDuplicate.objects.get()
    assert kept.pk == pair.pk
    assert kept.separate_contacts
    assert duplicates_exist([a.pk, b.pk]) == set()


def test_a_rebuild_drops_pairs_that_no_longer_match() -> None:
    a = company()
    company(name="Fabrikam, Inc")
    assert ContactDuplicate.objects.count() == 1
    contact_update(contact=a, data={"name": "Zed", "phone_no": "", "email": "", "city": "Oslo",
                                    "address": "x", "post_code": "1"})  # fmt: skip
    assert not ContactDuplicate.objects.exists()


def test_deleting_a_setup_row_deletes_its_strings() -> None:
    a = company()
    row = DuplicateSearchStringSetup.objects.get(field="city", part="first")
    assert ContactSearchString.objects.filter(contact=a, field="city", part="first").exists()
    dupl_setup_delete(pk=row.pk)
    assert not ContactSearchString.objects.filter(field="city", part="first").exists()
    assert ContactSearchString.objects.filter(contact=a, field="city", part="last").exists()
    assert DuplicateSearchStringSetup.objects.count() == 15


def test_deleting_a_company_removes_all_its_pairs_separate_ones_too() -> None:
    a = company()
    company(name="Fabrikam, Inc")
    ContactDuplicate.objects.update(separate_contacts=True)
    contact_delete(contact=a)
    assert not ContactDuplicate.objects.exists()
    assert not ContactSearchString.objects.filter(contact_id=a.pk).exists()


def test_changing_a_company_to_a_person_removes_its_strings_and_all_pairs() -> None:
    company()
    b = company(name="Fabrikam, Inc")
    ContactDuplicate.objects.update(separate_contacts=True)
    contact_update(contact=b, data={"type": "person"})
    assert not ContactDuplicate.objects.exists()
    assert not ContactSearchString.objects.filter(contact_id=b.pk).exists()


def test_persons_are_not_indexed_on_modify() -> None:
    person = contact_create(
        data={"type": "person", "name": "Ann Lee", "phone_no": "+1 206 555 0100"}
    )
    contact_update(contact=person, data={"city": "Seattle", "name": "Fabrikam Inc."})
    assert not ContactSearchString.objects.filter(contact_id=person.pk).exists()
    assert person.notices == []


def test_a_company_change_to_an_unwatched_field_does_not_check() -> None:
    a = company()
    ContactSearchString.objects.filter(contact=a).delete()
    contact_update(contact=a, data={"home_page": "fabrikam.example.com"})
    assert not ContactSearchString.objects.filter(contact=a).exists()


def test_maintain_off_builds_no_index_on_save() -> None:
    setup(maintain_dupl_search_strings=False)
    a = company()
    contact_update(contact=a, data={"city": "Tacoma"})
    assert not ContactSearchString.objects.filter(contact=a).exists()


def test_autosearch_off_reports_no_duplicates_but_pairs_are_stored() -> None:
    setup(autosearch_for_duplicates=False)
    company()
    b = company(name="Fabrikam, Inc")
    assert b.notices == []
    assert ContactDuplicate.objects.count() == 1


def test_a_new_company_is_checked_at_create_and_says_so() -> None:
    a = company()
    assert a.notices == []
    b = company(name="FABRIKAM INC")
    assert b.notices == ["duplicates_found"]


def test_a_pair_is_not_inserted_twice_either_way() -> None:
    a = company()
    b = company(name="Fabrikam, Inc")
    duplicates_index([a.pk])
    duplicates_index([b.pk, a.pk])
    assert ContactDuplicate.objects.count() == 1


def test_one_contacts_check_counts_a_common_string_only_up_to_the_cap() -> None:
    company()
    b = company(name="Fabrikam, Inc")
    with CaptureQueriesContext(connection) as ctx:
        duplicates_index([b.pk])
    sqls = [q["sql"] for q in ctx.captured_queries]
    assert any("LIMIT 1000" in s for s in sqls)
    assert len(sqls) <= 16


def test_the_index_run_indexes_companies_in_chunks_with_its_filters() -> None:
    setup(maintain_dupl_search_strings=False)
    a = company()
    b = company(name="Fabrikam, Inc")
    seen: list[tuple[int, int]] = []
    result = duplicates_index_run(chunk_size=1, progress=lambda d, t: seen.append((d, t)))
    assert (result.indexed, seen[-1]) == (2, (2, 2))
    assert ContactDuplicate.objects.count() == 1
    only = duplicates_index_run(number=a.number)
    assert only.indexed == 1
    assert b.pk != a.pk


def test_a_bad_chunk_size_is_refused() -> None:
    with pytest.raises(DomainError):
        duplicates_index_run(chunk_size=0)


def test_a_setup_row_with_a_bad_length_or_field_is_refused_and_nothing_changes() -> None:
    before = list(DuplicateSearchStringSetup.objects.values_list("field", "part", "length"))
    with pytest.raises(DomainError) as err:
        dupl_setup_create(data={"field": "name_2", "part": "first", "length": 11})
    assert "length" in (err.value.fields or {})
    with pytest.raises(DomainError):
        dupl_setup_create(data={"field": "password", "part": "first", "length": 5})
    row = DuplicateSearchStringSetup.objects.first()
    assert row is not None
    with pytest.raises(DomainError):
        dupl_setup_update(pk=row.pk, data={"length": 1})
    with pytest.raises(NotFound):
        dupl_setup_delete(pk=999999)
    after = list(DuplicateSearchStringSetup.objects.values_list("field", "part", "length"))
    assert after == before


def test_a_run_counts_a_common_string_in_full_once_then_knows_it_is_common(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from liaison.duplicates import matching

    monkeypatch.setattr(matching, "FREQUENCY_CAP", 2)
    for name in ("One", "Two", "Three"):
        company(name=name, phone_no="", email="")
    city = ("city", "first", "SEATT")
    rare = ("name", "first", "THREE")
    common: set[tuple[str, str, str]] = set()
    assert matching._frequencies_grouped([city, rare], common) == {city: 2, rare: 1}
    assert common == {city}
    with CaptureQueriesContext(connection) as ctx:
        assert matching._frequencies_grouped([city], common) == {city: 2}
    assert ctx.captured_queries == []


def test_a_person_that_becomes_a_company_is_indexed_and_checked() -> None:
    company()
    person = contact_create(data={"type": "person", "name": "Fabrikam Inc.", **{
        k: v for k, v in FABRIKAM.items() if k != "name"}})  # fmt: skip
    assert not ContactSearchString.objects.filter(contact_id=person.pk).exists()
    changed, _report = contact_update(contact=person, data={"type": "company"})
    assert ContactSearchString.objects.filter(contact_id=person.pk).exists()
    assert changed.notices == ["duplicates_found"]
