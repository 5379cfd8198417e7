"""REST API: each resource and action, authentication, preconditions and problem details."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from liaison.batch.models import BatchJob
from liaison.contacts.models import Contact
from liaison.sales.models import Customer
from tests.api_client import ApiClient


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


def _contact(api: ApiClient, **data: object) -> dict[str, Any]:
    response = api.post("/contacts", {"name": "Alpine Ski House", "country_code": "NO", **data})
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def test_every_endpoint_requires_authentication() -> None:
    anonymous = Client()
    for path in (
        "/api/v1/contacts",
        "/api/v1/customers",
        "/api/v1/marketing-setup",
        "/api/v1/jobs",
        "/api/v1/contacts-information",
        "/api/v1/customer-contacts",
    ):
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_authenticated"
    assert anonymous.post("/api/v1/contacts", {}).status_code == 401


def test_unknown_or_revoked_token_is_refused(api: ApiClient) -> None:
    from liaison.accounts.models import ApiToken
    from liaison.accounts.services import token_revoke

    assert (
        Client(headers={"Authorization": "Bearer nope"}).get("/api/v1/contacts").status_code == 401
    )
    token_revoke(prefix=ApiToken.objects.get().prefix)
    assert api.get("/contacts").status_code == 401


def test_read_only_token_can_read_but_not_write() -> None:
    reader = ApiClient(read_only=True)
    assert reader.get("/contacts").status_code == 200
    response = reader.post("/contacts", {"name": "X"})
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    assert Contact.objects.count() == 0


def test_create_contact_returns_201_location_and_etag(api: ApiClient) -> None:
    response = api.post("/contacts", {"name": "Alpine Ski House", "phone_no": "+47 22 33 44 55"})
    assert response.status_code == 201
    assert response["Location"] == "/api/v1/contacts/CT000001"
    assert response["ETag"] == '"v1"'
    body = response.json()
    assert body["number"] == "CT000001"
    assert body["phone_e164"] == "+4722334455"
    assert api.get("/contacts/CT000001")["ETag"] == '"v1"'


def test_bad_input_gives_422_problem_and_stores_nothing(api: ApiClient) -> None:
    for body, field in (
        ({"name": "X", "email": "nope"}, "email"),
        ({"name": "X", "colour": "red"}, "colour"),
        ({"name": "X" * 101}, "name"),
        ({"name": "X", "country_code": "ZZ"}, "country_code"),
    ):
        response = api.post("/contacts", body)
        assert response.status_code == 422, body
        assert response["Content-Type"] == "application/problem+json"
        problem = response.json()
        assert problem["status"] == 422
        assert problem["code"]
        assert field in problem["errors"]
    assert Contact.objects.count() == 0


def test_patch_contact_reports_what_synchronisation_changed(api: ApiClient) -> None:
    _contact(api)
    assert api.post("/contacts/CT000001/create-customer", {}).status_code == 201
    response = api.patch("/contacts/CT000001", {"phone_no": "+47 99 88 77 66"})
    assert response.status_code == 200
    assert response.json()["synchronised"] == [
        {"label": "customer", "number": "C00010", "fields": ["phone_no"]}
    ]
    assert api.get("/customers/C00010").json()["phone_no"] == "+47 99 88 77 66"


def test_stale_if_match_gets_412_and_changes_nothing(api: ApiClient) -> None:
    _contact(api)
    etag = api.patch("/contacts/CT000001", {"city": "Oslo"})["ETag"]
    assert etag == '"v2"'
    response = api.patch("/contacts/CT000001", {"city": "Bergen"}, **{"If-Match": '"v1"'})
    assert response.status_code == 412
    assert response.json()["code"] == "stale_version"
    assert api.delete("/contacts/CT000001", **{"If-Match": '"v1"'}).status_code == 412
    assert Contact.objects.get().city == "Oslo"
    assert (
        api.patch("/contacts/CT000001", {"city": "Bergen"}, **{"If-Match": etag}).status_code == 200
    )


def test_delete_contact_keeps_its_customer(api: ApiClient) -> None:
    _contact(api)
    api.post("/contacts/CT000001/create-customer", {})
    assert api.delete("/contacts/CT000001").status_code == 204
    assert api.get("/contacts/CT000001").status_code == 404
    customer = api.get("/customers/C00010")
    assert customer.status_code == 200
    assert customer.json()["contact_number"] == ""


def test_contact_filters_and_cursor_pagination(api: ApiClient) -> None:
    company = _contact(api, phone_no="+47 22 33 44 55", email="info@alpine.example.com")
    for i in range(3):
        assert (
            api.post(
                "/contacts",
                {"type": "person", "name": f"Person {i}", "company_number": company["number"]},
            ).status_code
            == 201
        )
    assert [c["name"] for c in api.get("/contacts?type=person").json()["items"]] == [
        "Person 0",
        "Person 1",
        "Person 2",
    ]
    assert len(api.get(f"/contacts?company={company['number']}").json()["items"]) == 3
    for query in ("22334455", "+47 22 33 44 55", "INFO@alpine", "alpine ski"):
        names = {c["name"] for c in api.get(f"/contacts?q={query}&type=company").json()["items"]}
        assert names == {"Alpine Ski House"}, query
    first = api.get("/contacts?limit=2").json()
    assert len(first["items"]) == 2
    assert first["next_cursor"]
    second = api.get(f"/contacts?limit=2&cursor={first['next_cursor']}").json()
    assert len(second["items"]) == 2
    assert second["next_cursor"] is None
    assert api.get("/contacts?cursor=@@@").status_code == 422
    persons = api.get(f"/contacts/{company['number']}/persons").json()["items"]
    assert len(persons) == 3


def test_link_with_existing_customer_and_unlink(api: ApiClient) -> None:
    _contact(api, city="Oslo")
    api.patch("/marketing-setup", {"bus_rel_code_for_customers": ""})
    customer = api.post("/customers", {"name": "Northwind", "city": "Seattle"}).json()
    api.patch("/marketing-setup", {"bus_rel_code_for_customers": "CUST"})
    response = api.post(
        "/contacts/CT000001/link",
        {"kind": "customer", "number": customer["number"], "master": "record"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["link"]["record_number"] == customer["number"]
    assert api.get("/contacts/CT000001").json()["city"] == "Seattle"
    links = api.get("/contacts/CT000001/links").json()
    assert [(link["kind"], link["business_relation"]) for link in links] == [("customer", "CUST")]
    again = api.post("/contacts/CT000001/link", {"kind": "customer", "number": customer["number"]})
    assert again.status_code == 409
    assert again.json()["code"] == "contact_already_linked"
    assert api.post("/contacts/CT000001/unlink", {"kind": "customer"}).status_code == 204
    assert api.get(f"/customers/{customer['number']}").status_code == 200
    assert api.post("/contacts/CT000001/unlink", {"kind": "customer"}).status_code == 404


def test_create_records_from_a_contact(api: ApiClient) -> None:
    _contact(api)
    customer = api.post("/contacts/CT000001/create-customer", {"template_code": "CUST-COMPANY"})
    assert customer.status_code == 201
    assert customer["Location"] == "/api/v1/customers/C00010"
    assert customer.json()["payment_terms_code"] == "14 DAYS"
    assert customer.json()["contact_number"] == "CT000001"
    assert api.post("/contacts/CT000001/create-vendor", {}).status_code == 201
    assert api.post("/contacts/CT000001/create-bank-account", {}).status_code == 201
    assert api.get("/contacts/CT000001").json()["business_relation_summary"] == "multiple"
    missing = api.post("/contacts/CT000001/create-customer", {"template_code": "NOPE"})
    assert missing.status_code == 409 or missing.status_code == 404 or missing.status_code == 422
    assert api.post("/contacts/NOPE/create-customer", {}).status_code == 404


def test_create_customer_creates_its_contact_and_customer_patch_propagates(api: ApiClient) -> None:
    response = api.post("/customers", {"name": "Fabrikam", "phone_no": "+49 30 1234567"})
    assert response.status_code == 201
    body = response.json()
    assert body["contact_number"] == "CT000001"
    assert body["primary_contact_number"] == "CT000001"
    patched = api.patch(f"/customers/{body['number']}", {"city": "Berlin"})
    assert patched.json()["synchronised"] == [
        {"label": "contact", "number": "CT000001", "fields": ["city"]}
    ]
    assert api.get("/contacts/CT000001").json()["city"] == "Berlin"
    bad = api.patch(f"/customers/{body['number']}", {"email": "bad"})
    assert bad.status_code == 422
    assert api.delete(f"/customers/{body['number']}").status_code == 204
    assert api.get("/contacts/CT000001").status_code == 200


def test_create_contact_from_record(api: ApiClient) -> None:
    api.patch("/marketing-setup", {"bus_rel_code_for_vendors": ""})
    vendor = api.post("/vendors", {"name": "Coho Winery"}).json()
    api.patch("/marketing-setup", {"bus_rel_code_for_vendors": "VEND"})
    response = api.post(f"/vendors/{vendor['number']}/create-contact")
    assert response.status_code == 201
    assert response.json()["contact_number"] == "CT000001"


def test_batch_job_runs_in_the_background_and_reports(
    api: ApiClient,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.LIAISON_JOBS_INLINE = True
    api.patch("/marketing-setup", {"bus_rel_code_for_customers": ""})
    for i in range(3):
        api.post("/customers", {"name": f"Customer {i}"})
    api.patch("/marketing-setup", {"bus_rel_code_for_customers": "CUST"})
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/jobs", {"kind": "customer"})
    assert response.status_code == 202
    job = api.get(f"/jobs/{response.json()['id']}").json()
    assert (job["status"], job["created"], job["skipped"], job["done"]) == ("done", 3, 0, 3)
    assert Contact.objects.count() == 3
    assert BatchJob.objects.count() == 1
    assert api.post("/jobs", {"kind": "nothing"}).status_code == 422


def test_batch_job_without_relation_code_is_refused(api: ApiClient) -> None:
    api.patch("/marketing-setup", {"bus_rel_code_for_bank_accounts": ""})
    response = api.post("/jobs", {"kind": "bank_account"})
    assert response.status_code == 422
    assert response.json()["code"] == "business_relation_code_missing"
    assert BatchJob.objects.count() == 0


def test_drift_check_and_repair(api: ApiClient) -> None:
    api.post("/customers", {"name": "Fabrikam"})
    Customer.objects.update(city="Elsewhere")
    report = api.get("/drift").json()
    assert report["disagreements"] == 1
    assert report["items"][0]["field"] == "city"
    assert api.post("/drift/repair").json() == {"records_written": 1, "summaries_fixed": 0}
    assert api.get("/drift").json()["disagreements"] == 0


def test_setup_resources(api: ApiClient) -> None:
    assert api.get("/marketing-setup").json()["contact_nos"] == "CONT"
    same = api.patch("/marketing-setup", {"bus_rel_code_for_vendors": "CUST"})
    assert same.status_code == 422
    assert same.json()["code"] == "business_relation_codes_not_distinct"
    assert (
        api.post("/business-relations", {"code": "press", "description": "Press"}).status_code
        == 201
    )
    assert [r["code"] for r in api.get("/business-relations").json()] == [
        "BANK",
        "CUST",
        "PRESS",
        "VEND",
    ]
    in_use = api.delete("/business-relations/CUST")
    assert in_use.status_code == 409
    assert in_use.json()["code"] == "business_relation_in_use"
    assert "the marketing setup names it" in in_use.json()["detail"]
    assert api.delete("/business-relations/PRESS").status_code == 204
    series = api.post("/number-series", {"code": "T", "starting_no": "T001"})
    assert series.status_code == 201
    assert series.json()["lines"][0]["starting_no"] == "T001"
    assert {s["code"] for s in api.get("/number-series").json()} >= {"CONT", "T"}
    template = api.post("/customer-templates", {"code": "EXPORT", "currency_code": "usd"})
    assert template.status_code == 201
    assert template.json()["currency_code"] == "USD"
    changed = api.patch("/customer-templates/EXPORT", {"payment_terms_code": "30 DAYS"})
    assert changed.status_code == 200
    assert changed["ETag"] == '"v2"'
    assert api.get("/vendor-templates").json()[0]["code"] == "VEND-COMPANY"
    assert api.delete("/customer-templates/EXPORT").status_code == 204
    assert api.get("/customer-templates/EXPORT").status_code == 404


def test_openapi_documents_every_resource_and_action(api: ApiClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for path in (
        "/api/v1/contacts",
        "/api/v1/contacts/{number}",
        "/api/v1/contacts/{number}/persons",
        "/api/v1/contacts/{number}/links",
        "/api/v1/contacts/{number}/link",
        "/api/v1/contacts/{number}/unlink",
        "/api/v1/contacts/{number}/create-customer",
        "/api/v1/contacts/{number}/create-vendor",
        "/api/v1/contacts/{number}/create-bank-account",
        "/api/v1/customers",
        "/api/v1/customers/{number}/create-contact",
        "/api/v1/vendors/{number}",
        "/api/v1/bank-accounts/{number}",
        "/api/v1/links",
        "/api/v1/business-relations",
        "/api/v1/marketing-setup",
        "/api/v1/number-series",
        "/api/v1/customer-templates/{code}",
        "/api/v1/vendor-templates",
        "/api/v1/jobs",
        "/api/v1/jobs/{job_id}",
        "/api/v1/drift",
        "/api/v1/drift/repair",
        "/api/v1/contacts-information",
        "/api/v1/customers/{number}/contacts-information",
        "/api/v1/vendors/{number}/contacts-information",
        "/api/v1/bank-accounts/{number}/contacts-information",
        "/api/v1/customer-contacts",
        "/api/v1/customer-contacts/{number}",
    ):
        assert path in paths, path
    assert Client().get("/api/v1/docs").status_code == 200


def test_text_with_nul_characters_is_refused_on_every_backend(api: ApiClient) -> None:
    # found by schemathesis on PostgreSQL, which cannot store NUL in text
    for path, body in (
        ("/contacts", {"name": "A\x00B"}),
        ("/business-relations", {"code": "X", "description": "a\x00"}),
        ("/customers", {"name": "ok", "city": "\x00"}),
    ):
        response = api.post(path, body)
        assert response.status_code == 422, path
    assert Contact.objects.count() == 0


def test_reading_a_contact_with_a_token_costs_three_queries(
    company: Contact, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    # given: the token with its user in one query, the user's roles in one, the contact in one
    # (statements built once per process: three cheap reads cost less than one compiled query)
    api = ApiClient(role="viewer", username="reader")
    # when / then
    with django_assert_num_queries(3):
        response = api.get(f"/contacts/{company.number}")
    assert response.status_code == 200


def test_a_query_parameter_given_twice_is_refused(api: ApiClient) -> None:
    response = api.get("/contacts?q=a&q=b")
    assert response.status_code == 422
    assert response.json()["errors"] == {"q": ["Given more than once."]}


def test_a_nul_character_in_a_query_or_path_is_refused(api: ApiClient) -> None:
    response = api.get("/contacts?business_relation=a%00b")
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "business_relation": ["Text cannot contain NUL characters."]
    }
    assert api.get("/contacts/CT%00X").status_code == 422


def test_a_nul_character_in_a_page_query_is_a_bad_request(client: Client) -> None:
    from liaison.accounts.services import user_create

    client.force_login(user_create(username="web", password="pw", role="viewer"))  # type: ignore[arg-type]
    assert client.get("/contacts/?q=a%00b").status_code == 400
