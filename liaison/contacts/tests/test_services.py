"""Contact rules: numbering, names, type and company membership, inheritance, privacy, renaming."""

from __future__ import annotations

import pytest

from liaison.contacts.errors import (
    CompanyNotCompany,
    ContactTypeChangeRefused,
    PrivacyConsentMissing,
)
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_renumber, contact_update
from liaison.core.errors import NumberSeriesError, StaleVersion, ValidationFailed
from liaison.core.models import NoSeries
from liaison.relations.models import ContactBusinessRelation
from liaison.sales.services import customer_create_from_contact


def test_new_contacts_are_numbered_from_the_contact_series() -> None:
    first = contact_create(data={"name": "A"})
    second = contact_create(data={"name": "B"})
    assert (first.number, second.number) == ("CT000001", "CT000002")
    assert first.search_name == "A"
    assert first.company_name == "A"


def test_manual_number_needs_a_series_that_allows_it() -> None:
    with pytest.raises(NumberSeriesError):
        contact_create(data={"name": "A"}, number="X1")
    NoSeries.objects.filter(code="CONT").update(manual_nos=True)
    assert contact_create(data={"name": "A"}, number="x1").number == "X1"


def test_person_name_is_broken_down_and_parts_compose_the_name() -> None:
    person = contact_create(data={"type": "person", "name": "Anna Maria van Berg"})
    assert (person.first_name, person.middle_name, person.surname) == ("Anna Maria", "van", "Berg")
    person, _ = contact_update(contact=person, data={"first_name": "Eva"})
    assert person.name == "Eva van Berg"


def test_company_gets_no_name_parts() -> None:
    company = contact_create(data={"name": "Big Company Ltd", "first_name": "x"})
    assert company.first_name == ""
    assert company.company_name == "Big Company Ltd"


def test_search_name_follows_name_until_typed() -> None:
    contact = contact_create(data={"name": "Alpha"})
    contact, _ = contact_update(contact=contact, data={"name": "Beta"})
    assert contact.search_name == "BETA"
    contact, _ = contact_update(contact=contact, data={"search_name": "mine"})
    contact, _ = contact_update(contact=contact, data={"name": "Gamma"})
    assert contact.search_name == "MINE"


def test_new_person_of_a_company_inherits_its_data(company: Contact) -> None:
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    assert (person.address, person.city, person.phone_no) == (
        "1 Main Street",
        "Oslo",
        "+47 22 33 44 55",
    )
    assert person.salesperson_code == "JS"
    assert person.company_name == "Alpine Ski House"
    assert person.company_no == company.number


def test_company_with_persons_or_links_cannot_become_a_person(company: Contact) -> None:
    customer_create_from_contact(contact=company)
    with pytest.raises(ContactTypeChangeRefused, match="business relations"):
        contact_update(contact=company, data={"type": "person"})
    company.refresh_from_db()
    assert company.type == "company"


def test_only_a_person_can_belong_to_a_company(company: Contact) -> None:
    other = contact_create(data={"name": "Other"})
    with pytest.raises(CompanyNotCompany):
        contact_update(contact=other, data={}, company_number=company.number)
    with pytest.raises(CompanyNotCompany):
        contact_create(data={"type": "person", "name": "P"}, company_number="NOPE")


def test_person_joining_a_company_inherits_and_gets_its_summary(company: Contact) -> None:
    customer_create_from_contact(contact=company)
    person = contact_create(data={"type": "person", "name": "Jane Doe"})
    person, _ = contact_update(contact=person, data={}, company_number=company.number)
    assert person.company == company
    assert person.city == "Oslo"
    assert person.business_relation_summary == "customer"


def test_minor_is_privacy_blocked_until_consent(company: Contact) -> None:
    person = contact_create(data={"type": "person", "name": "Tim Minor", "minor": True})
    assert person.privacy_blocked
    with pytest.raises(PrivacyConsentMissing):
        contact_update(contact=person, data={"privacy_blocked": False})
    person.refresh_from_db()
    assert person.privacy_blocked


def test_stale_version_is_refused_and_changes_nothing(company: Contact) -> None:
    contact_update(contact=company, data={"city": "Bergen"})
    with pytest.raises(StaleVersion):
        contact_update(contact=company, data={"city": "Tromsø"}, expected_version=1)
    company.refresh_from_db()
    assert company.city == "Bergen"


def test_invalid_email_on_update_leaves_the_contact_unchanged(company: Contact) -> None:
    with pytest.raises(ValidationFailed) as info:
        contact_update(contact=company, data={"email": "a@b@c", "city": "Bergen"})
    assert "email" in info.value.fields
    company.refresh_from_db()
    assert company.city == "Oslo"


def test_renumbering_keeps_links_and_runs_no_sync(company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    NoSeries.objects.filter(code="CONT").update(manual_nos=True)
    renamed = contact_renumber(contact=company, number="alpine")
    assert renamed.number == "ALPINE"
    assert ContactBusinessRelation.objects.get(customer=customer).contact.number == "ALPINE"


def test_renumbering_refuses_a_taken_number(company: Contact) -> None:
    NoSeries.objects.filter(code="CONT").update(manual_nos=True)
    other = contact_create(data={"name": "Other"})
    with pytest.raises(ValidationFailed):
        contact_renumber(contact=other, number=company.number)
    assert Contact.objects.get(pk=other.pk).number == other.number


def test_text_with_nul_characters_is_refused_before_anything_is_stored() -> None:
    with pytest.raises(ValidationFailed) as info:
        contact_create(data={"name": "Bad\x00Name"})
    assert "name" in info.value.fields
    assert Contact.objects.count() == 0


def test_a_change_that_breaks_a_database_rule_is_refused_with_a_clear_error(
    company: Contact,
) -> None:
    # given a person of a company
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    # when it is made a company while still belonging to one (a company has no company)
    with pytest.raises(ValidationFailed):
        contact_update(contact=person, data={"type": "company"})
    # then nothing changed
    person.refresh_from_db()
    assert person.type == "person"
    assert person.company == company
