"""The integration views of the API: contacts information (R-P2) and customer contacts
(R-P3), through the test client."""

from __future__ import annotations

import pytest

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.records.services import record_create_from_contact
from liaison.relations.models import ContactBusinessRelation
from liaison.relations.services import relation_link, relation_unlink
from liaison.sales.models import Customer
from tests.api_client import ApiClient


@pytest.fixture
def api(db: None) -> ApiClient:
    return ApiClient(role="editor", username="clerk")


def _person(company: Contact, name: str) -> Contact:
    return contact_create(data={"type": "person", "name": name}, company_number=company.number)


def _links() -> list[tuple[int, int | None]]:
    return sorted(
        ContactBusinessRelation.objects.filter(link_to_table="customer").values_list(
            "contact_id", "customer_id"
        )
    )


# R-P2 -------------------------------------------------------------------------------------


def test_contacts_information_lists_the_linked_company_and_its_persons(
    api: ApiClient, company: Contact
) -> None:
    # given: a customer linked to a company with two persons
    ann, bo = _person(company, "Ann Lee"), _person(company, "Bo Berg")
    customer, _ = record_create_from_contact("customer", contact=company)
    # when
    response = api.get(
        f"/contacts-information?related_type=customer&related_number={customer.number}"
    )
    # then
    assert response.status_code == 200, response.json()
    rows = response.json()["items"]
    assert [(r["contact_number"], r["contact_type"], r["relation"]) for r in rows] == [
        (company.number, "company", "linked_contact"),
        (ann.number, "person", "person_of_company"),
        (bo.number, "person", "person_of_company"),
    ]
    assert {(r["related_type"], r["related_number"]) for r in rows} == {
        ("customer", customer.number)
    }


def test_contacts_information_is_also_under_customers_vendors_and_bank_accounts(
    api: ApiClient, company: Contact
) -> None:
    # given: the company is customer, vendor and bank account
    ann = _person(company, "Ann Lee")
    made = {
        path: record_create_from_contact(kind, contact=company)[0].number
        for kind, path in (
            ("customer", "customers"),
            ("vendor", "vendors"),
            ("bank_account", "bank-accounts"),
        )
    }
    for path, number in made.items():
        # when
        response = api.get(f"/{path}/{number}/contacts-information")
        # then
        assert response.status_code == 200, (path, response.json())
        numbers = [r["contact_number"] for r in response.json()["items"]]
        assert numbers == [company.number, ann.number], path


def test_contacts_information_of_an_unlinked_record_is_empty(api: ApiClient) -> None:
    # given: a customer whose contact link was removed
    customer = Customer.objects.create(number="C99", name="No contact")
    # when
    response = api.get("/customers/C99/contacts-information")
    # then
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert customer.pk


def test_contacts_information_without_related_type_is_refused_e32(api: ApiClient) -> None:
    # when
    response = api.get("/contacts-information?related_number=C00010")
    bare = api.get("/contacts-information")
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "related_type_required"
    assert "related_type" in response.json()["errors"]
    assert bare.json()["code"] == "related_type_required"


def test_contacts_information_of_an_unknown_record_is_404(api: ApiClient) -> None:
    response = api.get("/contacts-information?related_type=vendor&related_number=NOPE")
    assert response.status_code == 404


# R-P3 -------------------------------------------------------------------------------------


def test_customer_contacts_lists_persons_of_customers_with_their_customer(
    api: ApiClient, company: Contact
) -> None:
    # given: a customer company with a person, and a prospect company with a person
    ann = _person(company, "Ann Lee")
    customer, _ = record_create_from_contact("customer", contact=company)
    _person(contact_create(data={"name": "Prospect Ltd"}), "Pat Prospect")
    # when
    response = api.get("/customer-contacts?limit=1")
    # then: only the customer's person, in pages
    assert response.status_code == 200
    body = response.json()
    assert [
        (r["contact_number"], r["customer_number"], r["customer_name"]) for r in body["items"]
    ] == [(ann.number, customer.number, customer.name)]
    assert body["next_cursor"] is None


def test_patching_a_customer_contact_moves_the_companys_link_for_every_person(
    api: ApiClient, company: Contact
) -> None:
    # given: the company is customer A with two persons; customer B has no contact
    ann, bo = _person(company, "Ann Lee"), _person(company, "Bo Berg")
    record_create_from_contact("customer", contact=company)
    other = contact_create(data={"name": "Bergen Bikes"})
    b, _ = record_create_from_contact("customer", contact=other)
    relation_unlink(contact=other, kind="customer")  # B without contact
    # when
    response = api.patch(f"/customer-contacts/{ann.number}", {"customer_number": b.number})
    # then: the company's link names B, and both persons follow
    assert response.status_code == 200, response.json()
    assert response.json()["customer_number"] == b.number
    link = ContactBusinessRelation.objects.get(contact=company, link_to_table="customer")
    assert link.customer == b
    bo_row = api.get(f"/customer-contacts/{bo.number}").json()
    assert bo_row["customer_number"] == b.number


def test_patching_a_customer_contact_with_an_unknown_customer_is_refused_e33(
    api: ApiClient, company: Contact
) -> None:
    # given
    ann = _person(company, "Ann Lee")
    record_create_from_contact("customer", contact=company)
    before = _links()
    # when
    response = api.patch(f"/customer-contacts/{ann.number}", {"customer_number": "NOPE"})
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "customer_unknown"
    assert _links() == before


def test_moving_to_a_customer_linked_elsewhere_is_refused_and_changes_nothing(
    api: ApiClient, company: Contact
) -> None:
    # given: customer B belongs to another contact (the link rules of R-G apply: E-1b)
    ann = _person(company, "Ann Lee")
    record_create_from_contact("customer", contact=company)
    b, _ = record_create_from_contact("customer", contact=contact_create(data={"name": "Other"}))
    before = _links()
    # when
    response = api.patch(f"/customer-contacts/{ann.number}", {"customer_number": b.number})
    # then
    assert response.status_code == 409
    assert response.json()["code"] == "record_already_linked"
    assert _links() == before


def test_moving_a_privacy_blocked_company_is_refused_e9(api: ApiClient, company: Contact) -> None:
    # given
    ann = _person(company, "Ann Lee")
    record_create_from_contact("customer", contact=company)
    b = Customer.objects.create(number="C99", name="Free customer")
    contact_update(contact=company, data={"privacy_blocked": True})
    before = _links()
    # when
    response = api.patch(f"/customer-contacts/{ann.number}", {"customer_number": b.number})
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "contact_privacy_blocked"
    assert _links() == before


def test_a_contact_that_is_not_a_customers_person_is_404(api: ApiClient, company: Contact) -> None:
    response = api.patch(f"/customer-contacts/{company.number}", {"customer_number": "C1"})
    assert response.status_code == 404


def test_a_standalone_person_customer_moves_its_own_link(api: ApiClient) -> None:
    # given: a person without company linked to customer A; customer B free
    pat = contact_create(data={"type": "person", "name": "Pat Solo"})
    a = Customer.objects.create(number="CA", name="A")
    b = Customer.objects.create(number="CB", name="B")
    relation_link(contact=pat, kind="customer", number=a.number)
    # when
    response = api.patch(f"/customer-contacts/{pat.number}", {"customer_number": b.number})
    # then
    assert response.status_code == 200, response.json()
    assert ContactBusinessRelation.objects.get(contact=pat, link_to_table="customer").customer == b
