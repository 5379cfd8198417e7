"""The documents, interactions and e-mail resources of the REST API."""

from __future__ import annotations

import pytest
from pytest_django import Settings

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.documents.models import SalesHeader
from liaison.interactions.models import InteractionLogEntry
from liaison.records.services import record_create_from_contact
from liaison.sales.models import Customer
from tests.api_client import ApiClient


@pytest.fixture
def api(db: None) -> ApiClient:
    return ApiClient(role="editor", username="clerk")


@pytest.mark.django_db(transaction=True)
def test_prospect_quote_to_order_print_and_email_through_the_api(
    api: ApiClient, company: Contact
) -> None:
    # given: a prospect quote with two lines
    created = api.post(
        "/sales-documents",
        {
            "document_type": "quote",
            "contact_number": company.number,
            "lines": [
                {"description": "Ski rental", "quantity": "3", "unit_price": "40"},
                {"description": "Lessons", "unit_price": "100", "line_discount_pct": "10"},
            ],
        },
    )
    assert created.status_code == 201, created.json()
    quote = created.json()
    assert created["Location"] == f"/api/v1/sales-documents/{quote['number']}"
    assert quote["sell_to_customer_number"] == ""
    assert quote["sell_to_template_code"]
    assert quote["total"] == "210.00"
    # when: made into an order
    made = api.post(f"/sales-documents/{quote['number']}/make-order")
    # then: the customer exists and the order names it
    assert made.status_code == 201, made.json()
    order = made.json()
    customer = Customer.objects.get()
    assert order["sell_to_customer_number"] == customer.number
    assert order["quote_number"] == quote["number"]
    # when: printed and e-mailed
    printed = api.post(f"/sales-documents/{order['number']}/print")
    emailed = api.post(f"/sales-documents/{order['number']}/email", {})
    # then
    assert printed.status_code == 200
    assert printed["Content-Type"] == "application/pdf"
    assert printed.content.startswith(b"%PDF")
    assert emailed.status_code == 201
    assert emailed.json()["status"] == "sent"
    timeline = api.get(f"/interactions?contact={company.number}").json()["items"]
    assert [(e["document_type"], e["correspondence_type"]) for e in timeline] == [
        ("sales_order_confirmation", "hard_copy"),
        ("sales_order_confirmation", "email"),
    ]
    assert timeline[1]["email_status"] == "sent"


def test_order_for_unlinked_contact_gives_422_with_the_spec_error(
    api: ApiClient, company: Contact
) -> None:
    response = api.post(
        "/sales-documents", {"document_type": "order", "contact_number": company.number}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "contact_not_related"
    assert not SalesHeader.objects.exists()


def test_preview_pdf_logs_nothing(api: ApiClient, company: Contact) -> None:
    number = api.post(
        "/sales-documents", {"document_type": "quote", "contact_number": company.number}
    ).json()["number"]
    response = api.get(f"/sales-documents/{number}/pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert not InteractionLogEntry.objects.exists()


def test_released_document_refuses_new_lines_with_409(api: ApiClient, company: Contact) -> None:
    api.post(f"/contacts/{company.number}/create-customer", {})
    number = api.post(
        "/sales-documents",
        {
            "document_type": "order",
            "contact_number": company.number,
            "lines": [{"description": "Boots"}],
        },
    ).json()["number"]
    assert api.post(f"/sales-documents/{number}/release").json()["status"] == "released"
    response = api.post(f"/sales-documents/{number}/lines", {"description": "More"})
    assert response.status_code == 409
    assert response.json()["code"] == "document_not_open"


def test_log_a_call_and_correct_it(api: ApiClient, company: Contact) -> None:
    logged = api.post(
        "/interactions",
        {"contact_number": company.number, "template_code": "CALL", "description": "Prices"},
    )
    assert logged.status_code == 201, logged.json()
    entry = logged.json()
    fixed = api.post(f"/interactions/{entry['id']}/correct", {"duration_min": "30"})
    assert fixed.status_code == 201
    assert fixed.json()["corrects"] == entry["id"]
    assert api.get(f"/interactions/{entry['id']}").json()["duration_min"] == "10.00"


def test_interaction_log_has_no_edit_or_delete(api: ApiClient, company: Contact) -> None:
    entry = api.post(
        "/interactions", {"contact_number": company.number, "template_code": "CALL"}
    ).json()
    assert api.patch(f"/interactions/{entry['id']}", {"description": "x"}).status_code == 405
    assert api.delete(f"/interactions/{entry['id']}").status_code == 405


@pytest.mark.django_db(transaction=True)
def test_failed_email_gives_502_and_stays_in_the_outbox(
    api: ApiClient, company: Contact, settings: Settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    response = api.post(f"/contacts/{company.number}/email", {"subject": "Offer"})
    assert response.status_code == 502
    assert response.json()["code"] == "email_delivery_failed"
    (failed,) = api.get("/emails?status=failed").json()["items"]
    assert failed["to"] == company.email
    assert failed["error"]


def test_interaction_setup_is_admin_only(api: ApiClient) -> None:
    response = api.patch("/interaction-template-setup", {"sales_quotes": ""})
    assert response.status_code == 403
    admin = ApiClient(role="admin", username="boss")
    response = admin.patch("/interaction-template-setup", {"sales_quotes": ""})
    assert response.status_code == 200
    assert response.json()["sales_quotes"] == ""
    bad = admin.patch("/interaction-template-setup", {"sales_quotes": "NOPE"})
    assert bad.status_code == 404


def test_a_forged_cursor_on_the_interaction_log_gives_422(api: ApiClient) -> None:
    import base64

    forged = base64.urlsafe_b64encode(b"abc").decode().rstrip("=")
    response = api.get(f"/interactions?cursor={forged}")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
    assert api.get(f"/emails?cursor={forged}").status_code == 422


def test_document_list_costs_the_same_queries_for_more_documents(
    api: ApiClient, company: Contact
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count_for(n: int) -> int:
        for _ in range(n):
            api.post(
                "/sales-documents",
                {
                    "document_type": "quote",
                    "contact_number": company.number,
                    "lines": [{"description": "A"}, {"description": "B"}],
                },
            )
        with CaptureQueriesContext(connection) as ctx:
            assert api.get("/sales-documents?limit=500").status_code == 200
        return len(ctx.captured_queries)

    assert count_for(2) == count_for(6)


def test_patching_a_documents_contact_re_resolves_it_through_the_api(
    api: ApiClient, company: Contact
) -> None:
    # given: an order for the company's customer
    ann = contact_create(
        data={"type": "person", "name": "Ann Lee", "email": "ann@alpine.example.com"},
        company_number=company.number,
    )
    record_create_from_contact("customer", contact=company)
    order = api.post(
        "/sales-documents", {"document_type": "order", "contact_number": company.number}
    ).json()
    # when
    response = api.patch(
        f"/sales-documents/{order['number']}", {"sell_to_contact_number": ann.number}
    )
    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["sell_to_contact_number"] == ann.number
    assert body["sell_to_contact_name"] == "Ann Lee"
    assert body["sell_to_email"] == "ann@alpine.example.com"
    assert body["bill_to_contact_number"] == ann.number


def test_patching_a_contact_of_another_company_gives_422_and_changes_nothing(
    api: ApiClient, company: Contact
) -> None:
    # given
    other = contact_create(data={"name": "Bergen Bikes"})
    record_create_from_contact("customer", contact=company)
    record_create_from_contact("customer", contact=other)
    order = api.post(
        "/sales-documents", {"document_type": "order", "contact_number": company.number}
    ).json()
    # when
    response = api.patch(
        f"/sales-documents/{order['number']}", {"sell_to_contact_number": other.number}
    )
    # then
    assert response.status_code == 422
    assert response.json()["code"] == "contact_of_other_company"
    assert api.get(f"/sales-documents/{order['number']}").json() == order
