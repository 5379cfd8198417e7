"""Issue 14's contact defects: each rule behaves the same whichever door a change comes
through (web form, API, service, bulk edit, CSV import)."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from liaison.accounts.services import user_create
from liaison.batch.bulk import contacts_bulk_update
from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.core.errors import DomainError
from liaison.interactions.models import InteractionLogEntry
from liaison.interactions.services import interaction_log_manual
from liaison.purchases.models import Vendor, VendorTemplate
from liaison.records.services import record_create_from_contact
from liaison.sales.models import Customer
from tests.api_client import ApiClient


@pytest.fixture
def web(client: Client) -> Client:
    client.force_login(user_create(username="clerk", password="pw", role="editor"))  # type: ignore[arg-type]
    return client


@pytest.fixture
def api() -> ApiClient:
    return ApiClient(role="editor")


def _new_contact_form(**values: str) -> dict[str, str]:
    """What the "New contact" form posts: every card field, unticked boxes left out."""
    from liaison.contacts.forms import CARD_FIELDS

    booleans = {"privacy_blocked", "minor", "parental_consent_received"}
    data = {name: "" for name in CARD_FIELDS if name not in booleans}
    data.update({"type": "company", "company_number": "", "version": ""})
    data.update(values)
    return data


# Defect 1: a new contact is privacy blocked only when it is a minor without consent.


def test_a_contact_made_in_the_web_form_can_become_a_customer(web: Client) -> None:
    response = web.post("/contacts/new/", _new_contact_form(name="Fabrikam", country_code="CA"))
    assert response.status_code == 302
    contact = Contact.objects.get(name="Fabrikam")
    assert not contact.privacy_blocked
    response = web.post(
        f"/contacts/{contact.number}/create/customer/", {"template_code": "CUST-COMPANY"}
    )
    assert response.status_code == 302
    assert Customer.objects.filter(name="Fabrikam").count() == 1


def test_a_contact_created_through_the_api_with_consent_false_is_not_blocked(
    api: ApiClient,
) -> None:
    response = api.post("/contacts", {"name": "Fabrikam", "parental_consent_received": False})
    assert response.status_code == 201, response.content
    assert response.json()["privacy_blocked"] is False


def test_a_new_minor_without_consent_is_blocked_and_with_consent_is_not() -> None:
    minor = contact_create(data={"type": "person", "name": "Kim Young", "minor": True})
    consented = contact_create(
        data={
            "type": "person",
            "name": "Lee Young",
            "minor": True,
            "parental_consent_received": True,
        }
    )
    assert minor.privacy_blocked
    assert not consented.privacy_blocked


def test_changing_consent_on_a_stored_contact_still_blocks_it() -> None:
    person = contact_create(data={"type": "person", "name": "Kim Young"})
    person, _ = contact_update(contact=person, data={"parental_consent_received": True})
    assert person.privacy_blocked


def test_an_imported_contact_with_consent_no_is_not_blocked() -> None:
    text = "type,name,parental_consent_received\ncompany,Fabrikam,no\n"
    result = csv_import("contact", io.StringIO(text))
    assert result.created == 1
    assert not result.errors
    assert not Contact.objects.get(name="Fabrikam").privacy_blocked


# Defect 6: a person moved by a bulk edit or an import leaves its history with the old company.


def _person_with_history(company: Contact) -> tuple[Contact, Contact, InteractionLogEntry]:
    other = contact_create(data={"name": "Northwind", "country_code": "NO"})
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    entry = interaction_log_manual(contact=person, template_code="CALL")
    return other, person, entry


@pytest.mark.parametrize("door", ["single", "bulk", "import"])
def test_a_person_moved_to_another_company_leaves_its_history_with_the_old_one(
    company: Contact, door: str
) -> None:
    other, person, entry = _person_with_history(company)
    if door == "single":
        contact_update(contact=person, data={}, company_number=other.number)
    elif door == "bulk":
        report = contacts_bulk_update({person.number: {"company_number": other.number}})
        assert report.updated == 1
        assert not report.errors
    else:
        text = f"number,company_number\n{person.number},{other.number}\n"
        result = csv_import("contact", io.StringIO(text))
        assert result.updated == 1, result.errors
        assert not result.errors, result.errors
    person.refresh_from_db()
    entry.refresh_from_db()
    assert person.company_id == other.pk
    assert entry.contact_id == company.pk
    assert entry.contact_company_id == company.pk


def test_a_refused_bulk_move_moves_no_history(company: Contact) -> None:
    other, person, entry = _person_with_history(company)
    report = contacts_bulk_update(
        {person.number: {"company_number": other.number, "email": "not an address"}}
    )
    assert report.failed == 1
    entry.refresh_from_db()
    person.refresh_from_db()
    assert entry.contact_id == person.pk
    assert person.company_id == company.pk


# Defect 7: a change never refuses a field the user did not touch.


@pytest.mark.parametrize("door", ["single", "bulk"])
def test_a_person_whose_phone_has_no_country_can_join_a_company(
    company: Contact, door: str
) -> None:
    person = contact_create(data={"type": "person", "name": "Jane Doe", "phone_no": "555-2222"})
    if door == "single":
        contact_update(contact=person, data={}, company_number=company.number)
    else:
        report = contacts_bulk_update({person.number: {"company_number": company.number}})
        assert not report.errors, report.errors
    person.refresh_from_db()
    assert person.company_id == company.pk
    assert person.country_code == "NO"
    assert person.phone_no == "555-2222"
    assert person.phone_e164 == ""


def test_a_phone_the_user_changes_is_still_checked(company: Contact) -> None:
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    with pytest.raises(DomainError) as caught:
        contact_update(contact=person, data={"phone_no": "555-2222"})
    assert "phone_no" in caught.value.fields
    person.refresh_from_db()
    assert person.phone_no == company.phone_no


# Defect 9: a contact needs a name; a person's is composed from its parts.


def test_a_contact_without_a_name_is_refused_by_the_api(api: ApiClient) -> None:
    response = api.post("/contacts", {"type": "company"})
    assert response.status_code == 422
    assert response.json()["code"] == "contact_name_required"
    assert "name" in response.json()["errors"]
    assert not Contact.objects.exists()


def test_a_name_cannot_be_blanked(api: ApiClient, company: Contact) -> None:
    response = api.patch(f"/contacts/{company.number}", {"name": ""})
    assert response.status_code == 422
    assert response.json()["code"] == "contact_name_required"
    company.refresh_from_db()
    assert company.name == "Alpine Ski House"


def test_add_person_with_first_name_and_surname_composes_the_name(
    web: Client, company: Contact
) -> None:
    form = _new_contact_form(
        type="person", company_number=company.number, first_name="Jane", surname="Doe"
    )
    response = web.post(f"/contacts/new/?company={company.number}", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Contact.objects.get(type="person")
    assert (person.name, person.first_name, person.surname) == ("Jane Doe", "Jane", "Doe")
    assert person.company_id == company.pk


def test_the_web_form_without_any_name_says_a_name_is_needed(web: Client) -> None:
    response = web.post("/contacts/new/", _new_contact_form())
    assert response.status_code == 200
    assert "Type a name." in response.content.decode()
    assert not Contact.objects.exists()


def test_the_bulk_paths_refuse_a_blank_name(company: Contact) -> None:
    report = contacts_bulk_update({company.number: {"name": ""}})
    assert [(e.field, e.message) for e in report.errors] == [("name", "Type a name.")]
    result = csv_import("contact", io.StringIO("type,name\ncompany,\n"))
    assert result.created == 0
    assert [e.field for e in result.errors] == ["name"]
    company.refresh_from_db()
    assert company.name == "Alpine Ski House"


def test_parts_typed_with_the_name_they_compose_are_kept_on_every_door() -> None:
    data = {
        "type": "person",
        "name": "Mary Ann Smith",
        "first_name": "Mary Ann",
        "surname": "Smith",
    }
    single = contact_create(data=data)
    assert (single.first_name, single.middle_name) == ("Mary Ann", "")
    text = "type,name,first_name,surname\nperson,Mary Ann Smith,Mary Ann,Smith\n"
    csv_import("contact", io.StringIO(text))
    imported = Contact.objects.exclude(pk=single.pk).get()
    assert (imported.first_name, imported.middle_name) == ("Mary Ann", "")


# Defect 10: E-20 and E-21 have codes of their own.


def test_a_company_with_persons_cannot_become_a_person_with_its_own_code(
    api: ApiClient, company: Contact
) -> None:
    contact_create(data={"type": "person", "name": "Jane Doe"}, company_number=company.number)
    response = api.patch(f"/contacts/{company.number}", {"type": "person"})
    assert response.status_code == 422
    assert response.json()["code"] == "contact_has_persons"
    company.refresh_from_db()
    assert company.type == "company"


def test_a_company_with_a_business_relation_cannot_become_a_person_with_its_own_code(
    api: ApiClient, company: Contact
) -> None:
    record_create_from_contact("customer", contact=company, template_code="CUST-COMPANY")
    response = api.patch(f"/contacts/{company.number}", {"type": "person"})
    assert response.status_code == 422
    assert response.json()["code"] == "contact_has_company_data"
    company.refresh_from_db()
    assert company.type == "company"


# Defect 11: an entry logged for a company names the company as its Contact Company No.


def test_an_interaction_logged_for_a_company_names_that_company(
    api: ApiClient, company: Contact
) -> None:
    response = api.post(
        "/interactions", {"contact_number": company.number, "template_code": "CALL"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["company_number"] == company.number
    entry = InteractionLogEntry.objects.get()
    assert entry.contact_company_id == company.pk


# Defect 12: the template rule (E-13) comes before "a vendor needs a company" (E-11).


def test_a_vendor_for_a_standalone_person_without_a_person_template_names_the_template_rule(
    api: ApiClient,
) -> None:
    assert not VendorTemplate.objects.filter(contact_type="person").exists()
    person = contact_create(data={"type": "person", "name": "Jane Doe"})
    response = api.post(f"/contacts/{person.number}/create-vendor", {})
    assert response.status_code == 422
    assert response.json()["code"] == "template_choice_needed"
    assert not Vendor.objects.exists()


def test_a_vendor_for_a_standalone_person_with_a_person_template_needs_a_company(
    api: ApiClient,
) -> None:
    VendorTemplate.objects.create(code="VEND-PERSON", contact_type="person")
    person = contact_create(data={"type": "person", "name": "Jane Doe"})
    response = api.post(f"/contacts/{person.number}/create-vendor", {})
    assert response.status_code == 422
    assert response.json()["code"] == "company_required"
    assert not Vendor.objects.exists()


def test_repeating_the_stored_name_keeps_the_parts_on_every_door(api: ApiClient) -> None:
    person = contact_create(
        data={
            "type": "person",
            "name": "Mary Ann Smith",
            "first_name": "Mary Ann",
            "surname": "Smith",
        }
    )
    assert (person.first_name, person.middle_name, person.surname) == ("Mary Ann", "", "Smith")
    response = api.patch(f"/contacts/{person.number}", {"name": "Mary Ann Smith", "city": "Oslo"})
    assert response.status_code == 200, response.content
    report = contacts_bulk_update({person.number: {"name": "Mary Ann Smith", "city": "Bergen"}})
    assert report.updated == 1
    text = f"number,name,city\n{person.number},Mary Ann Smith,Trondheim\n"
    assert csv_import("contact", io.StringIO(text)).updated == 1
    person.refresh_from_db()
    assert (person.first_name, person.middle_name, person.surname) == ("Mary Ann", "", "Smith")
    assert person.city == "Trondheim"


@pytest.mark.parametrize("door", ["single", "bulk"])
def test_a_value_given_with_a_move_wins_over_the_inherited_one(company: Contact, door: str) -> None:
    person = contact_create(data={"type": "person", "name": "Jane Doe"})
    if door == "single":
        contact_update(contact=person, data={"city": ""}, company_number=company.number)
    else:
        contacts_bulk_update({person.number: {"city": "", "company_number": company.number}})
    person.refresh_from_db()
    assert person.company_id == company.pk
    assert person.city == ""
    assert person.address == company.address  # the fields not given are inherited
