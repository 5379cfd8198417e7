"""Every door gives a clear refusal, never a 500 (issue 14, defects 2, 3 and 5): a refused
delete from a card, URLs naming an unknown kind, a link or unlink racing a delete, and API
writes without a valid token."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.db.models import Model
from django.test import Client

from liaison.accounts.services import user_create
from liaison.banking.models import BankAccount
from liaison.banking.services import bank_account_create_from_contact
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_delete
from liaison.core.errors import NotFound
from liaison.documents.services import document_create
from liaison.documents.sides import PURCHASE, SALES, Side
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create_from_contact
from liaison.relations.models import ContactBusinessRelation
from liaison.relations.services import relation_link, relation_unlink
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_create_from_contact
from tests.api_client import ApiClient


@pytest.fixture
def web(client: Client) -> Client:
    client.force_login(user_create(username="clerk", password="pw", role="editor"))  # type: ignore[arg-type]
    return client


# Defect 2: a refused delete from the card says why ---------------------------------------


@pytest.mark.parametrize(
    ("path", "side", "create", "model"),
    [
        ("customers", SALES, customer_create_from_contact, Customer),
        ("vendors", PURCHASE, vendor_create_from_contact, Vendor),
    ],
)
def test_deleting_a_record_named_by_documents_from_its_card_shows_why_and_keeps_it(
    web: Client,
    company: Contact,
    path: str,
    side: Side,
    create: Callable[..., tuple[Any, Any]],
    model: type[Model],
) -> None:
    record, _ = create(contact=company)
    document_create(side=side, document_type="order", contact=company)
    # when the user confirms the delete on the card
    response = web.post(f"/{path}/{record.number}/delete/")
    # then the page says why, offers no delete, and nothing changed
    body = response.content.decode()
    assert response.status_code == 409
    assert "cannot be deleted: 1 document(s) still name it" in body
    assert "was not deleted" in body
    assert 'class="danger"' not in body
    assert model._default_manager.filter(pk=record.pk).exists()
    assert ContactBusinessRelation.objects.filter(
        contact=company, link_to_table=model.__name__.lower()
    ).exists()


def test_deleting_a_linked_bank_account_from_its_card_keeps_its_contact(
    web: Client, company: Contact
) -> None:
    bank, _ = bank_account_create_from_contact(contact=company)
    response = web.post(f"/bank-accounts/{bank.number}/delete/", follow=True)
    assert response.status_code == 200
    assert f"Contact {company.number} stays." in response.content.decode()
    assert not BankAccount.objects.filter(pk=bank.pk).exists()
    assert Contact.objects.filter(pk=company.pk).exists()


# Defect 3: unknown kinds are 404, races are clear refusals -------------------------------


def test_contact_urls_with_an_unknown_kind_answer_404(web: Client, company: Contact) -> None:
    number = company.number
    for method, url in (
        ("get", f"/contacts/{number}/link/employee/"),
        ("post", f"/contacts/{number}/link/employee/"),
        ("post", f"/contacts/{number}/create/employee/"),
        ("post", f"/contacts/{number}/unlink/employee/"),
        ("get", f"/contacts/{number}/link/customers/"),
        ("get", f"/employees/{number}/"),
        ("post", f"/employees/{number}/delete/"),
        ("get", f"/history/employees/{number}/"),
    ):
        assert getattr(web, method)(url).status_code == 404, (method, url)
    assert web.get(f"/contacts/{number}/link/bank_account/").status_code == 200


def test_linking_a_contact_deleted_meanwhile_is_refused_as_not_found(company: Contact) -> None:
    customer = customer_create(data={"name": "Alpine Ski House"})
    # when the contact the link was asked for is deleted before the link locks it
    contact_delete(contact=company)
    with pytest.raises(NotFound) as caught:
        relation_link(contact=company, kind="customer", number=customer.number)
    assert caught.value.code == "not_found"
    assert company.number in caught.value.message
    assert not ContactBusinessRelation.objects.filter(contact_id=company.pk).exists()


def test_unlinking_a_contact_deleted_meanwhile_is_refused_as_not_found(company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    contact_delete(contact=company)
    with pytest.raises(NotFound) as caught:
        relation_unlink(contact=company, kind="customer")
    assert caught.value.code == "not_found"
    assert Customer.objects.filter(pk=customer.pk).exists()


def _waiting_for_locks() -> int:
    with connections["default"].cursor() as cursor:
        # Within a transaction PostgreSQL keeps showing the activity it first read: clear it.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return int(cursor.fetchone()[0])


def _until(condition: Callable[[], bool], why: Callable[[], object], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"the other writer never started waiting: {why()}"
        time.sleep(0.02)


@pytest.mark.django_db(transaction=True)
def test_an_unlink_racing_a_delete_of_the_same_contact_does_not_deadlock() -> None:
    """The delete locks the contact, then removes its links; an unlink that removed the link
    first and then wrote the contact's summary deadlocked with it. Both now lock the contact
    first. The main thread holds the contact's lock so that the delete waits first and the
    unlink second, whatever the timing; then lets both go."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database (threads cannot share SQLite's in-memory test db)")
    customer = customer_create(data={"name": "Shared"})
    contact = Contact.objects.get(relations__customer=customer)
    outcomes: dict[str, object] = {}

    def run(name: str, job: Callable[[], object]) -> threading.Thread:
        def target() -> None:
            try:
                job()
                outcomes[name] = "done"
            except Exception as exc:  # the outcome is what the test checks
                outcomes[name] = exc
            finally:
                connections.close_all()

        thread = threading.Thread(target=target)
        thread.start()
        return thread

    with transaction.atomic():
        Contact.objects.select_for_update().get(pk=contact.pk)
        deleting = run("delete", lambda: contact_delete(contact=contact))
        _until(lambda: _waiting_for_locks() >= 1, lambda: outcomes)
        unlinking = run("unlink", lambda: relation_unlink(contact=contact, kind="customer"))
        _until(lambda: _waiting_for_locks() >= 2, lambda: outcomes)
    deleting.join(30)
    unlinking.join(30)
    # then the delete went through and the unlink was refused: the contact was gone
    assert outcomes["delete"] == "done", outcomes
    assert isinstance(outcomes["unlink"], NotFound), outcomes
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert not ContactBusinessRelation.objects.filter(customer=customer).exists()


# Defect 5: API writes without a valid token are 401, not a CSRF 403 ----------------------


@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic Zm9vOmJhcg=="])
def test_api_writes_without_a_valid_token_answer_401_not_a_csrf_403(
    company: Contact, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    browser = Client(enforce_csrf_checks=True, headers=headers)
    for method, path, body in (
        ("post", "/api/v1/contacts", {"name": "Sneaky"}),
        ("patch", f"/api/v1/contacts/{company.number}", {"city": "Bergen"}),
        ("delete", f"/api/v1/contacts/{company.number}", None),
        ("patch", "/api/v1/marketing-setup", {}),
    ):
        kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
        response = getattr(browser, method)(path, **kwargs)
        assert response.status_code == 401, (method, path, response.content)
        assert response["WWW-Authenticate"] == "Bearer"
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "not_authenticated"
    assert Contact.objects.count() == 1
    company.refresh_from_db()
    assert company.city == "Oslo"


def test_a_signed_in_session_still_needs_its_csrf_token_to_write(company: Contact) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user_create(username="clerk", password="pw", role="editor"))  # type: ignore[arg-type]
    # without the token: 403 with its own code
    response = browser.post("/api/v1/contacts", {"name": "Forged"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert "CSRF" in response.json()["detail"]
    assert Contact.objects.count() == 1
    # with the token the page gives it: the write goes through
    browser.get("/contacts/")
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        "/api/v1/contacts",
        {"name": "Genuine"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content


# A row deleted between a door's read and the service's locked re-read --------------------


class _DeleteBeforeSecondRead:
    """Deletes the contact, through the same connection, just before the second statement
    that reads the contacts table: after the door read the contact, before the service's
    locked re-read of it (a concurrent delete, made deterministic)."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.reads = 0
        self.deleted = False
        self.seen: list[str] = []

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        reads_contacts = sql.lstrip().upper().startswith("SELECT") and "contacts_contact" in sql
        if not self.deleted and reads_contacts:
            self.reads += 1
            self.seen.append(sql[:200])
            if self.reads == 2:
                self.deleted = True
                context["cursor"].execute("DELETE FROM contacts_contact WHERE id = %s", [self.pk])
        return execute(sql, params, many, context)


@pytest.mark.parametrize("door", ["api", "ui"])
def test_an_edit_of_a_contact_deleted_meanwhile_answers_404(
    company: Contact, web: Client, door: str
) -> None:
    api = ApiClient(role="editor")
    race = _DeleteBeforeSecondRead(company.pk)
    with connection.execute_wrapper(race):
        if door == "api":
            response = api.patch(f"/contacts/{company.number}", {"city": "Bergen"})
        else:
            form = {"version": company.version, "name": company.name, "city": "Bergen"}
            response = web.post(f"/contacts/{company.number}/edit/", form)
    assert race.deleted
    assert response.status_code == 404, response.content.decode()[:500]
    assert "deleted meanwhile" in response.content.decode()
    # the request's transaction (and so the simulated delete) rolled back: nothing changed
    assert not Contact.objects.filter(city="Bergen").exists()
