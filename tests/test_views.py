"""The web UI through Django's test client: every page, each action, errors and stale edits."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from pytest_django import DjangoAssertNumQueries, DjangoCaptureOnCommitCallbacks, Settings

from liaison.accounts.services import user_create
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.relations.models import ContactBusinessRelation, MarketingSetup
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_create_from_contact


@pytest.fixture
def web(client: Client) -> Client:
    user = user_create(username="clerk", password="pw", role="admin")
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _form(contact: Contact, **changes: object) -> dict[str, object]:
    from liaison.contacts.forms import contact_initial

    data = {k: v for k, v in contact_initial(contact).items() if v not in (None, False)}
    data.update(changes)
    return data


def test_pages_need_sign_in(client: Client) -> None:
    for url in ("/contacts/", "/customers/", "/batch/", "/setup/", "/overview/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/"), url


def test_sign_in_page_and_sign_in(client: Client) -> None:
    get_user_model().objects.create_user("clerk", password="pw")
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "clerk", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == "/contacts/"


def test_every_page_renders(web: Client, company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    for url in (
        "/contacts/",
        "/contacts/?q=22334455&type=company&sort=name&dir=desc",
        f"/contacts/{company.number}/",
        f"/contacts/{company.number}/edit/",
        "/contacts/new/",
        f"/contacts/{company.number}/delete/",
        f"/contacts/{company.number}/link/vendor/",
        "/customers/",
        f"/customers/{customer.number}/",
        f"/customers/{customer.number}/edit/",
        "/vendors/new/",
        "/bank-accounts/",
        "/batch/",
        "/setup/",
        "/overview/",
    ):
        assert web.get(url).status_code == 200, url


def test_search_as_you_type_returns_only_the_rows(web: Client, company: Contact) -> None:
    response = web.get("/contacts/?q=oslo", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="rows")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Alpine Ski House" in body
    assert "<html" not in body


def test_editing_the_phone_reaches_the_customer_and_says_so(web: Client, company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    company.refresh_from_db()
    response = web.post(
        f"/contacts/{company.number}/edit/", _form(company, phone_no="+47 99 88 77 66"), follow=True
    )
    assert f"Also updated: customer {customer.number} (phone_no)" in response.content.decode()
    customer.refresh_from_db()
    assert customer.phone_no == "+47 99 88 77 66"


def test_invalid_email_is_shown_inline_and_nothing_changes(web: Client, company: Contact) -> None:
    response = web.post(
        f"/contacts/{company.number}/edit/", _form(company, email="not-mail", city="X")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="field has-error"' in body
    assert "is not valid" in body
    assert 'value="not-mail"' in body  # the form keeps what the person typed
    company.refresh_from_db()
    assert company.city == "Oslo"


def test_stale_edit_is_refused_with_current_values(web: Client, company: Contact) -> None:
    stale = _form(company, city="Bergen")
    contact_update(contact=company, data={"city": "Tromsø"})
    response = web.post(f"/contacts/{company.number}/edit/", stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone changed this contact" in body
    assert 'value="Tromsø"' in body
    assert "Bergen" in body
    company.refresh_from_db()
    assert company.city == "Tromsø"


def test_create_as_customer_from_the_card(web: Client, company: Contact) -> None:
    response = web.post(
        f"/contacts/{company.number}/create/customer/",
        {"template_code": "CUST-COMPANY"},
        follow=True,
    )
    assert "Customer C00010 created" in response.content.decode()
    assert Customer.objects.get().payment_terms_code == "14 DAYS"


def test_link_existing_shows_the_difference_then_links(web: Client, company: Contact) -> None:
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    customer = customer_create(data={"name": "Northwind", "city": "Seattle"})
    MarketingSetup.objects.update(bus_rel_code_for_customers_id=_code("CUST"))
    preview = web.get(f"/contacts/{company.number}/link/customer/?number={customer.number}")
    assert "Seattle" in preview.content.decode()
    assert "Oslo" in preview.content.decode()
    web.post(
        f"/contacts/{company.number}/link/customer/",
        {"number": customer.number, "master": "record"},
    )
    company.refresh_from_db()
    assert company.city == "Seattle"
    assert company.business_relation_summary == "customer"
    web.post(f"/contacts/{company.number}/unlink/customer/")
    assert not ContactBusinessRelation.objects.filter(contact=company).exists()


def _code(code: str) -> int:
    from liaison.relations.models import BusinessRelation

    return BusinessRelation.objects.get(code=code).pk


def test_deleting_either_side_keeps_the_other(web: Client, company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    confirm = web.get(f"/contacts/{company.number}/delete/").content.decode()
    assert f"The customer {customer.number} stays" in confirm
    web.post(f"/contacts/{company.number}/delete/")
    assert Customer.objects.filter(pk=customer.pk).exists()
    other = contact_create(data={"name": "Beta"})
    second, _ = customer_create_from_contact(contact=other)
    web.post(f"/customers/{second.number}/delete/")
    assert Contact.objects.filter(pk=other.pk).exists()


def test_new_customer_creates_its_contact(web: Client) -> None:
    form = {"name": "Fabrikam", "contact_type": "company", "allow_line_disc": "on"}
    response = web.post("/customers/new/", form, follow=True)
    assert "contact CT000001 created" in response.content.decode()


def test_batch_page_starts_a_job_and_shows_the_summary(
    web: Client,
    settings: Settings,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    settings.LIAISON_JOBS_INLINE = True
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    customer_create(data={"name": "Unlinked"})
    MarketingSetup.objects.update(bus_rel_code_for_customers_id=_code("CUST"))
    with django_capture_on_commit_callbacks(execute=True):
        response = web.post("/batch/start/", {"kind": "customer"})
    job_page = web.get(response["Location"]).content.decode()
    assert "1 contacts created, 0 skipped" in job_page


def test_setup_refuses_a_shared_relation_code(web: Client) -> None:
    response = web.post(
        "/setup/",
        {
            "bus_rel_code_for_customers": "CUST",
            "bus_rel_code_for_vendors": "CUST",
            "bus_rel_code_for_bank_accounts": "BANK",
            "contact_nos": "CONT",
        },
    )
    assert "must be distinct" in response.content.decode()
    vendors = MarketingSetup.objects.get().bus_rel_code_for_vendors
    assert vendors is not None
    assert vendors.code == "VEND"


def test_lists_and_cards_have_a_fixed_query_budget(
    web: Client, company: Contact, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    # given enough rows and persons that an N+1 would show
    from liaison.banking.services import bank_account_create_from_contact
    from liaison.purchases.services import vendor_create_from_contact

    customer, _ = customer_create_from_contact(contact=company)
    vendor_create_from_contact(contact=company)
    bank_account_create_from_contact(contact=company)
    for i in range(12):
        contact_create(data={"type": "person", "name": f"P {i}"}, company_number=company.number)
        customer_create(data={"name": f"Customer {i}"})
    # then
    with django_assert_max_num_queries(8):
        web.get("/contacts/")
    # The card: 7 queries, +1 for its History (the audit trail), +4 for its documents and
    # interactions sections, +1 for the user's role (which actions it shows), +1 for its VAT
    # registration log; none grows with the persons, links or entries.
    with django_assert_max_num_queries(14):
        web.get(f"/contacts/{company.number}/")
    with django_assert_max_num_queries(8):
        web.get("/customers/")
    with django_assert_max_num_queries(8):
        web.get(f"/customers/{customer.number}/")


def test_repeated_failed_sign_ins_lock_the_user_name_out(client: Client) -> None:
    # given
    user_create(username="clerk", password="right-password", role="viewer")
    # when five wrong passwords are tried
    for _ in range(5):
        response = client.post("/login/", {"username": "clerk", "password": "wrong"})
        assert response.status_code in (200, 429)
    # then even the right password is refused for a while
    locked = client.post("/login/", {"username": "clerk", "password": "right-password"})
    assert locked.status_code == 429
    assert "Signing in is paused" in locked.content.decode()
    assert "_auth_user_id" not in client.session
