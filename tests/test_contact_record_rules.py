"""Issue 17, the contact and record rules: Lookup Contact No. (spec 5053), E-37, Credit Limit
(LCY), R-J2 (find or restore the link), R-J4 (a person from the typed Contact text) and R-L6
(a person's company by name), each reached through the service, the API and the form."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.test import Client

from liaison.accounts.services import user_create
from liaison.batch.bulk import contacts_bulk_update
from liaison.batch.columns import columns
from liaison.batch.exports import csv_export
from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.errors import CompanyNameNotResolved
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_renumber, contact_update
from liaison.core.errors import DomainError, RegistrationNumberTooLong
from liaison.core.models import NoSeries
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create_from_contact
from liaison.relations.errors import ContactAlreadyLinked, PrimaryContactNotRelated
from liaison.relations.selectors import link_for_record
from liaison.relations.services import relation_unlink
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_create_from_contact, customer_update
from tests.api_client import ApiClient


@pytest.fixture
def web(client: Client) -> Client:
    client.force_login(user_create(username="clerk", password="pw", role="editor"))  # type: ignore[arg-type]
    return client


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


@pytest.fixture(autouse=True)
def manual_numbers() -> None:
    NoSeries.objects.update(manual_nos=True)


# Lookup Contact No. (spec 5053) -----------------------------------------------------------


def test_lookup_contact_no_is_blank_for_a_company_and_own_number_for_a_person(
    company: Contact,
) -> None:
    person = contact_create(
        data={"type": "person", "name": "Ann Lee"}, company_number=company.number
    )
    assert company.lookup_contact_no == ""
    assert person.lookup_contact_no == person.number != ""


def test_lookup_contact_no_follows_a_renumber_and_a_type_change() -> None:
    person = contact_create(data={"type": "person", "name": "Ann Lee"})
    person = contact_renumber(contact=person, number="P-ANN")
    assert Contact.objects.get(pk=person.pk).lookup_contact_no == "P-ANN"
    contact_update(contact=person, data={"type": "company"})
    assert Contact.objects.get(pk=person.pk).lookup_contact_no == ""
    contact_update(contact=person, data={"type": "person"})
    assert Contact.objects.get(pk=person.pk).lookup_contact_no == "P-ANN"


def test_lookup_contact_no_is_set_by_the_bulk_create_and_the_import() -> None:
    result = csv_import(
        "contact", io.StringIO("number,type,name\n,person,Bo Berg\nC-IMP,company,Imp Ltd\n")
    )
    assert result.errors == []
    bo = Contact.objects.get(name="Bo Berg")
    assert bo.lookup_contact_no == bo.number != ""
    assert Contact.objects.get(number="C-IMP").lookup_contact_no == ""
    contacts_bulk_update({bo.number: {"type": "company"}})
    assert Contact.objects.get(pk=bo.pk).lookup_contact_no == ""


def test_lookup_contact_no_is_shown_read_only_in_the_api_and_on_the_card(
    api: ApiClient, web: Client
) -> None:
    made = api.post("/contacts", {"type": "person", "name": "Cy Dean"})
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert made.json()["lookup_contact_no"] == number
    refused = api.patch(f"/contacts/{number}", {"lookup_contact_no": "X"})
    assert refused.status_code == 422
    assert Contact.objects.get(number=number).lookup_contact_no == number
    card = web.get(f"/contacts/{number}/").content.decode()
    assert "Lookup contact no." in card


# E-37: Registration Number at most 20 characters ------------------------------------------

TOO_LONG = "R" * 21


def test_a_registration_number_of_21_characters_is_refused_by_the_contact_services(
    company: Contact,
) -> None:
    with pytest.raises(RegistrationNumberTooLong) as refused:
        contact_create(data={"name": "Long Reg", "registration_number": TOO_LONG})
    assert refused.value.code == "registration_no_too_long"
    assert "must not be longer than 20 characters" in refused.value.message
    assert not Contact.objects.filter(name="Long Reg").exists()
    with pytest.raises(RegistrationNumberTooLong):
        contact_update(contact=company, data={"registration_number": TOO_LONG})
    assert Contact.objects.get(pk=company.pk).registration_number == ""
    contact_update(contact=company, data={"registration_number": "R" * 20})
    assert Contact.objects.get(pk=company.pk).registration_number == "R" * 20


def test_a_too_long_registration_number_on_a_customer_is_refused_and_its_contact_keeps_its_own(
    company: Contact,
) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    contact_update(contact=company, data={"registration_number": "REG-1"})
    with pytest.raises(RegistrationNumberTooLong):
        customer_update(customer=customer, data={"registration_number": TOO_LONG})
    assert Customer.objects.get(pk=customer.pk).registration_number == "REG-1"
    assert Contact.objects.get(pk=company.pk).registration_number == "REG-1"


def test_a_registration_number_of_21_characters_is_refused_by_the_api(
    api: ApiClient, company: Contact
) -> None:
    refused = api.patch(f"/contacts/{company.number}", {"registration_number": TOO_LONG})
    assert refused.status_code == 422
    assert refused.json()["code"] == "registration_no_too_long"
    made = api.post("/customers", {"name": "Reg Co", "registration_number": TOO_LONG})
    assert made.status_code == 422
    assert made.json()["code"] == "registration_no_too_long"
    assert not Customer.objects.filter(name="Reg Co").exists()
    assert Contact.objects.get(pk=company.pk).registration_number == ""


def test_a_registration_number_of_21_characters_is_a_field_error_on_the_contact_form(
    web: Client, company: Contact
) -> None:
    response = web.post(
        f"/contacts/{company.number}/edit/",
        {"type": "company", "name": company.name, "registration_number": TOO_LONG},
    )
    assert response.status_code == 200
    assert "must not be longer than 20 characters" in response.content.decode()
    assert Contact.objects.get(pk=company.pk).registration_number == ""


def test_a_registration_number_of_21_characters_refuses_its_import_row_only() -> None:
    text = f"number,name,registration_number\nC-OK,Good Ltd,REG-OK\nC-BAD,Bad Ltd,{TOO_LONG}\n"
    result = csv_import("customer", io.StringIO(text))
    assert [(e.row, e.field) for e in result.errors] == [(2, "registration_number")]
    assert "must not be longer than 20 characters" in str(result.errors[0])
    assert Customer.objects.filter(number="C-OK").exists()
    assert not Customer.objects.filter(number="C-BAD").exists()
    contacts = csv_import(
        "contact", io.StringIO(f"number,name,registration_number\nK1,K,{TOO_LONG}\n")
    )
    assert [e.field for e in contacts.errors] == ["registration_number"]
    assert not Contact.objects.filter(number="K1").exists()


# Credit Limit (LCY) on customers ------------------------------------------------------------


def test_a_customers_credit_limit_change_leaves_its_contact_untouched(company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    contact_before = Contact.objects.get(pk=company.pk)
    _, report = customer_update(customer=customer, data={"credit_limit_lcy": Decimal("1500")})
    assert Customer.objects.get(pk=customer.pk).credit_limit_lcy == Decimal("1500.00")
    assert report.total == 0
    contact_after = Contact.objects.get(pk=company.pk)
    assert (contact_after.version, contact_after.modified_at) == (
        contact_before.version,
        contact_before.modified_at,
    )


def test_a_negative_credit_limit_is_refused_and_the_customer_keeps_its_own(
    api: ApiClient, web: Client, company: Contact
) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    customer_update(customer=customer, data={"credit_limit_lcy": Decimal("100")})
    with pytest.raises(DomainError):
        customer_update(customer=customer, data={"credit_limit_lcy": Decimal("-1")})
    refused = api.patch(f"/customers/{customer.number}", {"credit_limit_lcy": "-5"})
    assert refused.status_code == 422
    assert "credit_limit_lcy" in refused.json()["errors"]
    form = web.post(
        f"/customers/{customer.number}/edit/",
        {
            "name": customer.name,
            "credit_limit_lcy": "-7",
            "contact_type": "company",
            "version": Customer.objects.get(pk=customer.pk).version,
        },
    )
    assert "cannot be negative" in form.content.decode()
    assert Customer.objects.get(pk=customer.pk).credit_limit_lcy == Decimal("100.00")


def test_the_credit_limit_is_in_the_api_the_card_and_the_import_and_export_columns(
    api: ApiClient, web: Client
) -> None:
    made = api.post("/customers", {"name": "Limit Co", "credit_limit_lcy": "2500.50"})
    assert made.status_code == 201, made.content
    number = made.json()["number"]
    assert Decimal(str(made.json()["credit_limit_lcy"])) == Decimal("2500.50")
    card = web.get(f"/customers/{number}/").content.decode()
    assert "Credit limit" in card
    assert "2500.50" in card
    assert "credit_limit_lcy" in columns("customer")
    out = io.StringIO()
    csv_export("customer", out)
    assert "2500.50" in out.getvalue()
    result = csv_import("customer", io.StringIO(f"number,credit_limit_lcy\n{number},3000\n"))
    assert (result.updated, result.errors) == (1, [])
    assert Customer.objects.get(number=number).credit_limit_lcy == Decimal("3000.00")
    bad = csv_import("customer", io.StringIO(f"number,credit_limit_lcy\n{number},lots\n"))
    assert [e.field for e in bad.errors] == ["credit_limit_lcy"]
    assert Customer.objects.get(number=number).credit_limit_lcy == Decimal("3000.00")


# R-J2: setting the primary contact finds or restores the link -----------------------------


def _unlinked_customer(company: Contact) -> Customer:
    customer, _ = customer_create_from_contact(contact=company)
    relation_unlink(contact=company, kind="customer")
    return Customer.objects.get(pk=customer.pk)


def test_a_person_of_an_unlinked_company_as_primary_contact_restores_the_companys_link(
    company: Contact,
) -> None:
    customer = _unlinked_customer(company)
    person = contact_create(
        data={"type": "person", "name": "Ann Lee"}, company_number=company.number
    )
    saved, _ = customer_update(customer=customer, data={}, primary_contact_number=person.number)
    link = link_for_record("customer", customer.pk)
    assert link is not None
    assert link.contact_id == company.pk
    assert (saved.primary_contact_id, saved.contact) == (person.pk, "Ann Lee")


def test_a_standalone_person_as_primary_contact_gets_the_customers_new_company_and_joins_it() -> (
    None
):
    customer = customer_create(data={"name": "Solo Trading"})
    hub = link_for_record("customer", customer.pk)
    assert hub is not None
    relation_unlink(contact=hub.contact, kind="customer")
    person = contact_create(data={"type": "person", "name": "Bo Berg"})
    saved, _ = customer_update(
        customer=Customer.objects.get(pk=customer.pk), data={}, primary_contact_number=person.number
    )
    link = link_for_record("customer", customer.pk)
    assert link is not None
    assert link.contact.name == "Solo Trading"
    assert link.contact_id != hub.contact_id
    assert Contact.objects.get(pk=person.pk).company_id == link.contact_id
    assert saved.primary_contact_id == person.pk


def test_a_company_contact_of_an_unlinked_customer_is_refused_as_primary_contact_e15(
    company: Contact,
) -> None:
    customer = _unlinked_customer(company)
    with pytest.raises(PrimaryContactNotRelated):
        customer_update(customer=customer, data={}, primary_contact_number=company.number)
    assert link_for_record("customer", customer.pk) is None
    assert Customer.objects.get(pk=customer.pk).primary_contact_id is None


def test_a_person_whose_company_is_linked_to_another_customer_is_refused_e1a_and_nothing_changes(
    company: Contact,
) -> None:
    customer_create_from_contact(contact=company)  # the company's customer
    other = customer_create(data={"name": "Other Ltd"})
    other_hub = link_for_record("customer", other.pk)
    assert other_hub is not None
    relation_unlink(contact=other_hub.contact, kind="customer")
    person = contact_create(
        data={"type": "person", "name": "Ann Lee"}, company_number=company.number
    )
    before = Customer.objects.get(pk=other.pk)
    with pytest.raises(ContactAlreadyLinked):
        customer_update(
            customer=Customer.objects.get(pk=other.pk),
            data={},
            primary_contact_number=person.number,
        )
    assert link_for_record("customer", other.pk) is None
    after = Customer.objects.get(pk=other.pk)
    assert (after.primary_contact_id, after.contact, after.version) == (
        before.primary_contact_id,
        before.contact,
        before.version,
    )


def test_a_vendors_primary_contact_restores_its_link_through_the_api(
    api: ApiClient, company: Contact
) -> None:
    vendor, _ = vendor_create_from_contact(contact=company)
    relation_unlink(contact=company, kind="vendor")
    person = contact_create(
        data={"type": "person", "name": "Cy Dean"}, company_number=company.number
    )
    response = api.patch(f"/vendors/{vendor.number}", {"primary_contact_number": person.number})
    assert response.status_code == 200, response.content
    assert response.json()["primary_contact_number"] == person.number
    assert response.json()["contact_number"] == company.number
    refused = api.patch(f"/vendors/{vendor.number}", {"primary_contact_number": "NOPE"})
    assert refused.status_code == 404
    assert Vendor.objects.get(pk=vendor.pk).primary_contact_id == person.pk


def test_the_customer_form_sets_a_primary_contact_restoring_the_link_or_says_why_not(
    web: Client, company: Contact
) -> None:
    customer = _unlinked_customer(company)
    person = contact_create(
        data={"type": "person", "name": "Di Eng"}, company_number=company.number
    )
    form = {
        "name": customer.name,
        "contact_type": "company",
        "version": customer.version,
        "primary_contact_number": company.number,
    }
    refused = web.post(f"/customers/{customer.number}/edit/", form)
    assert "is not related to customer" in refused.content.decode()
    assert link_for_record("customer", customer.pk) is None
    form["primary_contact_number"] = person.number
    done = web.post(f"/customers/{customer.number}/edit/", form)
    assert done.status_code == 302
    assert Customer.objects.get(pk=customer.pk).primary_contact_id == person.pk
    assert link_for_record("customer", customer.pk) is not None


# R-J4: a person from the typed Contact text ------------------------------------------------


def _persons_of(company: Contact) -> list[str]:
    return list(Contact.objects.filter(company=company).values_list("name", flat=True))


def test_typing_a_contact_name_on_a_customer_without_one_creates_its_primary_person(
    company: Contact,
) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    saved, _ = customer_update(customer=customer, data={"contact": "Eve Fox"})
    person = Contact.objects.get(company=company, name="Eve Fox")
    assert person.type == "person"
    assert person.phone_no == company.phone_no  # inherited from the company (R-L5)
    assert (saved.primary_contact_id, saved.contact) == (person.pk, "Eve Fox")
    assert Customer.objects.get(pk=customer.pk).primary_contact_id == person.pk


def test_a_contact_name_typed_over_an_existing_text_or_primary_contact_creates_nobody(
    company: Contact,
) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    customer_update(customer=customer, data={"contact": "Eve Fox"})
    customer_update(customer=Customer.objects.get(pk=customer.pk), data={"contact": "Fay Gun"})
    assert _persons_of(company) == ["Eve Fox"]
    assert Customer.objects.get(pk=customer.pk).contact == "Fay Gun"


def test_a_too_long_contact_text_is_refused_and_creates_no_person(company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    with pytest.raises(DomainError):
        customer_update(customer=customer, data={"contact": "X" * 101})
    assert _persons_of(company) == []
    assert Customer.objects.get(pk=customer.pk).contact == ""


def test_a_contact_name_on_an_unlinked_customer_only_changes_the_text(company: Contact) -> None:
    customer = _unlinked_customer(company)
    saved, _ = customer_update(customer=customer, data={"contact": "Eve Fox"})
    assert _persons_of(company) == []
    assert (saved.contact, saved.primary_contact_id) == ("Eve Fox", None)


def test_a_contact_name_typed_on_a_vendor_through_the_api_creates_its_primary_person(
    api: ApiClient, company: Contact
) -> None:
    vendor, _ = vendor_create_from_contact(contact=company)
    response = api.patch(f"/vendors/{vendor.number}", {"contact": "Gil Ho"})
    assert response.status_code == 200, response.content
    person = Contact.objects.get(company=company, name="Gil Ho")
    assert response.json()["primary_contact_number"] == person.number


def test_a_contact_name_typed_on_the_customer_form_or_in_an_import_creates_the_person(
    web: Client, company: Contact
) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    form = {
        "name": customer.name,
        "contact_type": "company",
        "version": customer.version,
        "contact": "Hal Ito",
    }
    assert web.post(f"/customers/{customer.number}/edit/", form).status_code == 302
    assert _persons_of(company) == ["Hal Ito"]
    other = contact_create(data={"name": "Beta Ltd"})
    second, _ = customer_create_from_contact(contact=other)
    result = csv_import("customer", io.StringIO(f"number,contact\n{second.number},Ida Jo\n"))
    assert result.errors == []
    person = Contact.objects.get(company=other, name="Ida Jo")
    assert Customer.objects.get(pk=second.pk).primary_contact_id == person.pk


# R-L6: a person's company by name -----------------------------------------------------------


@pytest.fixture
def companies(company: Contact) -> dict[str, Contact]:
    return {
        "alpine": company,
        "adatum": contact_create(data={"name": "Adatum Corporation", "city": "Bergen"}),
        "adventure": contact_create(data={"name": "Adventure Works", "city": "Bergen"}),
    }


def test_a_company_name_resolves_by_number_then_exact_name_then_unique_prefix(
    companies: dict[str, Contact],
) -> None:
    adatum = companies["adatum"]
    by_number = contact_create(data={"type": "person", "name": "P1"}, company_name=adatum.number)
    by_name = contact_create(
        data={"type": "person", "name": "P2"}, company_name="adatum corporation"
    )
    by_prefix = contact_create(data={"type": "person", "name": "P3"}, company_name="Adv")
    by_city = contact_create(data={"type": "person", "name": "P4"}, company_name="oslo")
    assert by_number.company_id == by_name.company_id == adatum.pk
    assert by_prefix.company_id == companies["adventure"].pk
    assert by_city.company_id == companies["alpine"].pk
    assert by_name.company_name == "Adatum Corporation"  # inherited (R-L5)


def test_a_company_name_naming_none_or_several_companies_is_refused_e23_and_nothing_changes(
    companies: dict[str, Contact],
) -> None:
    person = contact_create(data={"type": "person", "name": "Pia"})
    count = Contact.objects.count()
    for text in ("Nowhere Ltd", "Ad"):  # none; then Adatum and Adventure both start with it
        with pytest.raises(CompanyNameNotResolved) as refused:
            contact_create(data={"type": "person", "name": "Quin"}, company_name=text)
        assert refused.value.message == "You must select an existing contact."
        assert refused.value.code == "company_name_not_resolved"
        with pytest.raises(CompanyNameNotResolved):
            contact_update(contact=person, data={}, company_name=text)
    assert Contact.objects.count() == count
    assert Contact.objects.get(pk=person.pk).company_id is None


def test_the_api_takes_a_company_name_on_person_create_and_update(
    api: ApiClient, companies: dict[str, Contact]
) -> None:
    made = api.post("/contacts", {"type": "person", "name": "Ray Su", "company_name": "Adatum"})
    assert made.status_code == 201, made.content
    assert made.json()["company_number"] == companies["adatum"].number
    number = made.json()["number"]
    moved = api.patch(f"/contacts/{number}", {"company_name": "Adventure Works"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["company_number"] == companies["adventure"].number
    refused = api.patch(f"/contacts/{number}", {"company_name": "Ad"})
    assert refused.status_code == 422
    assert refused.json()["code"] == "company_name_not_resolved"
    assert "company_name" in refused.json()["errors"]
    assert Contact.objects.get(number=number).company_id == companies["adventure"].pk


def test_the_contact_form_takes_a_company_name_and_offers_companies_while_typing(
    web: Client, companies: dict[str, Contact]
) -> None:
    options = web.get("/contacts/companies/", {"company_name": "adv"}).content.decode()
    assert "Adventure Works" in options
    assert "Adatum" not in options
    created = web.post(
        "/contacts/new/", {"type": "person", "name": "Sam Ty", "company_name": "Adatum"}
    )
    assert created.status_code == 302
    assert Contact.objects.get(name="Sam Ty").company_id == companies["adatum"].pk
    refused = web.post("/contacts/new/", {"type": "person", "name": "Tom Uv", "company_name": "Zz"})
    assert refused.status_code == 200
    assert "No company matches &quot;Zz&quot;." in refused.content.decode()
    assert not Contact.objects.filter(name="Tom Uv").exists()
