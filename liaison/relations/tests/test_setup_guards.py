"""Setup changes that would break documents or synchronisation are refused with their reason
(issue 14, defects 3 and 8; ux.md "Setup"): through the API and the setup page, data unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from liaison.accounts.services import user_create
from liaison.contacts.models import Contact
from liaison.documents.services import document_create, document_update
from liaison.documents.sides import PURCHASE, SALES, Side
from liaison.records.record_templates import template_create
from liaison.records.services import record_create_from_contact
from liaison.relations.models import ContactBusinessRelation, MarketingSetup
from liaison.relations.schemas import setup_out
from liaison.relations.selectors import marketing_setup_get
from liaison.relations.services import business_relation_create
from liaison.sales.models import CustomerTemplate
from tests.api_client import ApiClient

RELATION_FIELDS = {
    "customer": "bus_rel_code_for_customers",
    "vendor": "bus_rel_code_for_vendors",
    "bank_account": "bus_rel_code_for_bank_accounts",
}


@pytest.fixture
def api() -> ApiClient:
    return ApiClient()


@pytest.fixture
def web(client: Client) -> Client:
    client.force_login(user_create(username="clerk", password="pw", role="admin"))  # type: ignore[arg-type]
    return client


def _setup_state() -> dict[str, Any]:
    return setup_out(marketing_setup_get())


def _links_and_summaries() -> tuple[list[tuple[Any, ...]], list[tuple[str, str]]]:
    links = list(
        ContactBusinessRelation.objects.order_by("pk").values_list(
            "contact_id", "business_relation__code", "link_to_table", "customer_id", "vendor_id"
        )
    )
    summaries = list(
        Contact.objects.order_by("number").values_list("number", "business_relation_summary")
    )
    return links, summaries


# --- templates a document proposes (defect 3) ---------------------------------------------


@pytest.mark.parametrize(
    ("side", "path", "label"),
    [(SALES, "customer", "Sales quote"), (PURCHASE, "vendor", "Purchase quote")],
)
def test_deleting_a_template_that_prospect_quotes_propose_is_refused_409_and_it_stays(
    api: ApiClient, company: Contact, side: Side, path: str, label: str
) -> None:
    # given: a template (not a setup default) that two prospect quotes propose
    template_create(kind=side.kind, code="EXPORT", data={"contact_type": "company"})
    quotes = [document_create(side=side, document_type="quote", contact=company) for _ in "ab"]
    for quote in quotes:
        document_update(header=quote, data={"template_code": "EXPORT"})
    # when
    response = api.delete(f"/{path}-templates/EXPORT")
    # then: a clear refusal naming how many documents of which kind use it
    assert response.status_code == 409, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "template_in_use"
    assert "2 documents propose it" in body["detail"]
    assert f"{label}: {quotes[0].number}, {quotes[1].number}" in body["detail"]
    # and nothing changed
    assert side.template_model._default_manager.filter(code="EXPORT").exists()
    for quote in quotes:
        quote.refresh_from_db()
        assert getattr(quote, side.template_field(side.party)).code == "EXPORT"
        assert getattr(quote, side.template_field(side.bill)).code == "EXPORT"
    assert api.get(f"/{path}-templates/EXPORT").status_code == 200


# --- templates the marketing setup names as defaults (defect 8) -----------------------------


@pytest.mark.parametrize(
    ("path", "code", "field", "named"),
    [
        ("customer", "CUST-PERSON", "default_customer_template_person", "for persons"),
        ("customer", "CUST-COMPANY", "default_customer_template_company", "for companies"),
        ("vendor", "VEND-COMPANY", "default_vendor_template", "default vendor template"),
    ],
)
def test_deleting_the_template_named_as_a_setup_default_is_refused_and_the_default_stays(
    api: ApiClient, path: str, code: str, field: str, named: str
) -> None:
    # given: the default setup names the template
    before = _setup_state()
    assert before[field] == code
    # when
    response = api.delete(f"/{path}-templates/{code}")
    # then
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "template_is_setup_default"
    assert code in body["detail"]
    assert named in body["detail"]
    assert "Choose another default" in body["detail"]
    # and the template and the default are still there
    assert api.get(f"/{path}-templates/{code}").status_code == 200
    assert _setup_state() == before


def test_a_template_no_longer_a_default_and_proposed_by_nothing_can_be_deleted(
    api: ApiClient,
) -> None:
    # given: another default is chosen for persons
    changed = api.patch("/marketing-setup", {"default_customer_template_person": ""})
    assert changed.status_code == 200, changed.content
    # when / then
    assert api.delete("/customer-templates/CUST-PERSON").status_code == 204
    assert not CustomerTemplate.objects.filter(code="CUST-PERSON").exists()


# --- the setup's business relation codes while links use them (defect 8) ---------------------


def _linked(company: Contact) -> None:
    """The company linked with a customer, a vendor and a bank account."""
    for kind in ("customer", "vendor", "bank_account"):
        record_create_from_contact(kind, contact=company)


@pytest.mark.parametrize("kind", ["customer", "vendor", "bank_account"])
@pytest.mark.parametrize("new_code", ["", "PRESS"])
def test_changing_or_blanking_a_relation_code_links_use_is_refused_through_the_api(
    api: ApiClient, company: Contact, kind: str, new_code: str
) -> None:
    # given
    business_relation_create(code="PRESS")
    _linked(company)
    field = RELATION_FIELDS[kind]
    setup_before, data_before = _setup_state(), _links_and_summaries()
    old_code = setup_before[field]
    # when
    response = api.patch("/marketing-setup", {field: new_code})
    # then: the reason, on the field, with how many links use the code
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "business_relation_in_use"
    assert f"cannot change from {old_code} while 1 link uses it" in body["detail"]
    assert list(body["errors"]) == [field]
    # and nothing changed: the setup, the links, the summaries
    assert _setup_state() == setup_before
    assert _links_and_summaries() == data_before


def test_a_relation_code_no_link_uses_can_still_be_blanked(
    api: ApiClient, company: Contact
) -> None:
    # given: the company is a customer only
    record_create_from_contact("customer", contact=company)
    # when
    response = api.patch("/marketing-setup", {"bus_rel_code_for_bank_accounts": ""})
    # then
    assert response.status_code == 200, response.content
    assert response.json()["bus_rel_code_for_bank_accounts"] == ""


def _setup_form(**changes: str) -> dict[str, Any]:
    """The setup page's form as the browser posts it, with ``changes`` typed in."""
    current = _setup_state()
    data: dict[str, Any] = {}
    for name, value in current.items():
        if name == "version" or value is False:
            continue
        data[name] = "on" if value is True else value
    data.update(changes)
    return data


def test_blanking_the_customers_relation_code_on_the_setup_page_is_refused_on_the_field(
    web: Client, company: Contact
) -> None:
    # given
    _linked(company)
    setup_before, data_before = _setup_state(), _links_and_summaries()
    # when
    response = web.post("/setup/", _setup_form(bus_rel_code_for_customers=""))
    # then: the page again, the reason next to the field, what was typed kept, no "saved"
    assert response.status_code == 200
    form = response.context["form"]
    assert form["bus_rel_code_for_customers"].value() == ""
    (message,) = form.errors["bus_rel_code_for_customers"]
    assert "cannot change from CUST while 1 link uses it" in message
    page = response.content.decode()
    assert "cannot change from CUST while 1 link uses it" in page
    assert "Marketing setup saved" not in page
    # and nothing changed
    assert _setup_state() == setup_before
    assert _links_and_summaries() == data_before
    assert MarketingSetup.objects.get().bus_rel_code_for_customers.code == "CUST"  # type: ignore[union-attr]


def test_the_setup_page_still_saves_a_change_that_breaks_nothing(
    web: Client, company: Contact
) -> None:
    # given
    _linked(company)
    # when
    response = web.post("/setup/", _setup_form(inherit_country_code=""), follow=True)
    # then
    assert "Marketing setup saved" in response.content.decode()
    assert MarketingSetup.objects.get().inherit_country_code is False
