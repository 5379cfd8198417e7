"""Every door reaches the master data rules: the API (problem+json), the card forms, the CSV
import (a row error) and the bulk edit; the master data's own API and pages."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from liaison.accounts.services import user_create
from liaison.batch.bulk import contacts_bulk_update
from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.models import Contact
from liaison.masterdata.models import PaymentTerms, Salesperson
from liaison.sales.models import Customer
from tests.api_client import ApiClient


@pytest.fixture
def web(client: Client) -> Client:
    client.force_login(user_create(username="clerk", password="pw", role="admin"))  # type: ignore[arg-type]
    return client


def test_the_api_refuses_an_unknown_code_with_a_problem_naming_the_field() -> None:
    api = ApiClient()
    response = api.post("/contacts", {"name": "Nobody Ltd", "territory_code": "MOON"})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == "unknown_code"
    assert problem["errors"] == {
        "territory_code": ["Territory MOON does not exist: choose an existing code."]
    }
    assert not Contact.objects.filter(name="Nobody Ltd").exists()


def test_the_api_refuses_a_privacy_blocked_salesperson_on_a_contact(company: Contact) -> None:
    Salesperson.objects.create(code="HID", privacy_blocked=True)
    response = ApiClient().patch(f"/contacts/{company.number}", {"salesperson_code": "HID"})
    assert response.status_code == 422
    assert response.json()["code"] == "salesperson_privacy_blocked"
    company.refresh_from_db()
    assert company.salesperson_code == "JS"


def test_the_contact_form_shows_an_unknown_code_next_to_its_field(web: Client) -> None:
    response = web.post(
        "/contacts/new/", {"type": "company", "name": "Form Ltd", "language_code": "XX"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["language_code"] == ["Language XX does not exist: choose an existing code."]
    assert not Contact.objects.filter(name="Form Ltd").exists()


def test_the_cards_offer_the_codes_in_a_datalist(web: Client) -> None:
    body = web.get("/contacts/new/").content.decode()
    assert 'list="salesperson_code-options"' in body
    assert '<option value="JS">' in body
    assert '<option value="60 DAYS">' in web.get("/customers/new/").content.decode()


def test_an_import_row_with_an_unknown_code_is_a_row_error_and_nothing_is_written_for_it() -> None:
    text = "name,payment_terms_code,salesperson_code\nGood,60 DAYS,JS\nBad,NEVER,JS\nWorse,,ZZ\n"
    result = csv_import("customer", io.StringIO(text))
    assert [(e.row, e.field) for e in result.errors] == [
        (2, "payment_terms_code"),
        (3, "salesperson_code"),
    ]
    assert str(result.errors[0]) == (
        "row 2, payment_terms_code: Payment terms NEVER does not exist: choose an existing code."
    )
    assert list(Customer.objects.values_list("name", flat=True)) == ["Good"]


def test_an_import_fills_the_city_of_a_known_post_code() -> None:
    from liaison.masterdata.services import code_create
    from liaison.masterdata.tables import POST_CODES

    code_create(POST_CODES, data={"code": "5003", "city": "Bergen", "country_code": "NO"})
    csv_import("contact", io.StringIO("name,post_code\nFjord AS,5003\n"))
    assert Contact.objects.get(name="Fjord AS").city == "Bergen"


def test_the_bulk_edit_refuses_a_contact_with_an_unknown_code_and_writes_the_others(
    company: Contact,
) -> None:
    other = Contact.objects.create(number="CX1", name="Other")
    report = contacts_bulk_update(
        {company.number: {"territory_code": "moon"}, other.number: {"territory_code": "south"}}
    )
    assert [(e.key, e.field) for e in report.errors] == [(company.number, "territory_code")]
    assert report.updated == 1
    company.refresh_from_db()
    other.refresh_from_db()
    assert (company.territory_code, other.territory_code) == ("NORTH", "SOUTH")


def test_master_data_crud_through_the_api_with_search() -> None:
    api = ApiClient()
    created = api.post("/payment-terms", {"code": "net 7", "description": "Net 7 days"})
    assert created.status_code == 201
    assert created["Location"] == "/api/v1/payment-terms/NET%207"
    assert created.json()["code"] == "NET 7"
    listed = api.get("/payment-terms?q=net 7").json()
    assert [row["code"] for row in listed] == ["NET 7"]
    changed = api.patch("/payment-terms/NET 7", {"due_date_calculation": "7D"})
    assert changed.json()["due_date_calculation"] == "7D"
    twice = api.post("/payment-terms", {"code": "NET 7"})
    assert (twice.status_code, twice.json()["code"]) == (409, "code_exists")
    assert api.delete("/payment-terms/NET 7").status_code == 204
    assert not PaymentTerms.objects.filter(code="NET 7").exists()
    post = api.post("/post-codes", {"code": "0150", "city": "Oslo", "country_code": "NO"})
    assert api.get(f"/post-codes/{post.json()['id']}").json()["city"] == "Oslo"


def test_deleting_a_salesperson_in_use_through_the_api_is_a_conflict_with_the_count(
    company: Contact,
) -> None:
    response = ApiClient().delete("/salespeople/JS")
    assert response.status_code == 409
    assert response.json()["code"] == "code_in_use"
    assert "1 record uses it (1 contact)" in response.json()["detail"]
    assert Salesperson.objects.filter(code="JS").exists()


def test_viewers_read_master_data_and_only_admins_change_it() -> None:
    viewer = ApiClient(role="viewer", username="viewer")
    editor = ApiClient(role="editor", username="editor")
    assert viewer.get("/salespeople").status_code == 200
    assert editor.post("/salespeople", {"code": "NEW"}).status_code == 403
    assert not Salesperson.objects.filter(code="NEW").exists()


def test_the_setup_pages_list_search_create_and_refuse_a_delete_in_use(
    web: Client, company: Contact
) -> None:
    assert "/setup/codes/salespeople/" in web.get("/setup/").content.decode()
    response = web.post("/setup/codes/salespeople/new/", {"code": "ab", "name": "Anna Berg"})
    assert response.status_code == 302
    assert "Anna Berg" in web.get("/setup/codes/salespeople/?q=anna").content.decode()
    refused = web.post("/setup/codes/salespeople/JS/delete/", follow=True)
    assert "cannot be deleted: 1 record uses it" in refused.content.decode()
    assert Salesperson.objects.filter(code="JS").exists()
    for key in ("territories", "languages", "payment-terms", "post-codes"):
        assert web.get(f"/setup/codes/{key}/").status_code == 200
        assert web.get(f"/setup/codes/{key}/new/").status_code == 200


def test_an_import_row_putting_a_privacy_blocked_salesperson_on_a_contact_is_refused() -> None:
    Salesperson.objects.create(code="HID", privacy_blocked=True)
    text = "name,salesperson_code\nOpen AS,JS\nHidden AS,hid\n"
    result = csv_import("contact", io.StringIO(text))
    assert [(e.row, e.field, e.message) for e in result.errors] == [
        (2, "salesperson_code", "The salesperson is blocked due to privacy.")
    ]
    assert list(Contact.objects.values_list("name", flat=True)) == ["Open AS"]


def test_a_picker_offers_the_codes_whose_code_or_name_match_what_is_typed(web: Client) -> None:
    from liaison.masterdata.services import code_create
    from liaison.masterdata.tables import SALESPEOPLE

    code_create(SALESPEOPLE, data={"code": "ZED", "name": "Zoe Edwards"})
    by_code = web.get("/setup/codes/options/salesperson_code/?salesperson_code=z")
    by_name = web.get("/setup/codes/options/salesperson_code/?salesperson_code=edwa")
    for response in (by_code, by_name):
        assert response.status_code == 200
        body = response.content.decode()
        assert '<option value="ZED">Zoe Edwards</option>' in body
        assert 'value="JS"' not in body


def test_a_picker_for_a_field_that_has_none_is_not_found(web: Client) -> None:
    assert web.get("/setup/codes/options/name/?name=x").status_code == 404


def test_leaving_a_post_code_on_a_card_sends_the_city_to_fill(web: Client) -> None:
    from liaison.masterdata.services import code_create
    from liaison.masterdata.tables import POST_CODES

    code_create(POST_CODES, data={"code": "0150", "city": "Oslo", "country_code": "NO"})
    filled = web.get("/setup/codes/post-code-fill/?post_code=0150&city=&country_code=")
    assert filled.status_code == 204
    assert json.loads(filled["HX-Trigger"]) == {
        "liaison:fill": {"city": "Oslo", "country_code": "NO"}
    }
    by_city = web.get("/setup/codes/post-code-fill/?post_code=&city=oslo")
    assert json.loads(by_city["HX-Trigger"])["liaison:fill"]["post_code"] == "0150"
    nothing = web.get("/setup/codes/post-code-fill/?post_code=9999&city=")
    assert nothing.status_code == 204
    assert "HX-Trigger" not in nothing
