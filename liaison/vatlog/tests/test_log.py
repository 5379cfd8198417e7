"""The VAT registration log: every door that enters a VAT number logs it, once, where it was
entered; a refused write logs nothing; the card and the API show it."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from pytest_django import DjangoCaptureOnCommitCallbacks

from liaison.accounts.services import user_create
from liaison.audit.context import Source, acting_as
from liaison.batch.bulk import contacts_bulk_update
from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_delete, contact_update
from liaison.core.errors import ValidationFailed
from liaison.core.models import NoSeries
from liaison.records.forms import record_initial
from liaison.sales.kind import CUSTOMER
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_create_from_contact, customer_update
from liaison.vatlog.checker import NullChecker, checker_get
from liaison.vatlog.models import VatRegistrationLog, VatStatus
from liaison.vatlog.selectors import vat_log_for_card
from tests.api_client import ApiClient

DE_VAT = "DE136695976"


def _entries() -> list[VatRegistrationLog]:
    return list(VatRegistrationLog.objects.order_by("pk"))


def test_a_number_typed_on_a_new_contact_is_logged_with_who_when_and_how() -> None:
    user = user_create(username="ana", password="pw-123456", role="editor")
    with acting_as(user, source=Source.USER):
        contact = contact_create(
            data={"name": "Acme GmbH", "country_code": "DE", "vat_registration_no": DE_VAT}
        )
    [entry] = _entries()
    assert (entry.kind, entry.contact_id, entry.number) == ("contact", contact.pk, contact.number)
    assert (entry.vat_registration_no, entry.country_code) == (DE_VAT, "DE")
    assert (entry.entered_by_id, entry.entered_by_name, entry.source) == (user.pk, "ana", "user")
    assert entry.status == VatStatus.PENDING
    assert entry.method == "vies"
    assert entry.entered_at is not None
    assert (entry.attempts, entry.checked_at, entry.details) == (0, None, {})


def test_a_changed_number_is_logged_and_an_unchanged_or_blank_one_is_not(company: Contact) -> None:
    contact_update(contact=company, data={"country_code": "DE", "vat_registration_no": DE_VAT})
    contact_update(contact=company, data={"city": "Berlin"})
    contact_update(contact=company, data={"vat_registration_no": DE_VAT.lower()})  # same, stored
    contact_update(contact=company, data={"vat_registration_no": ""})
    assert [e.vat_registration_no for e in _entries()] == [DE_VAT]
    contact_update(contact=company, data={"vat_registration_no": "DE 136 695 976"})
    assert len(_entries()) == 2


def test_a_number_outside_the_eu_is_logged_as_not_applicable(company: Contact) -> None:
    contact_update(contact=company, data={"vat_registration_no": "995525828MVA"})  # Norway
    [entry] = _entries()
    assert entry.status == VatStatus.NOT_APPLICABLE
    assert entry.method == "format"
    assert "not an EU member state" in entry.reason


def test_a_refused_number_logs_nothing_and_changes_nothing(company: Contact) -> None:
    contact_update(contact=company, data={"country_code": "DE"})
    with pytest.raises(ValidationFailed):
        contact_update(contact=company, data={"vat_registration_no": "DE123"})
    company.refresh_from_db()
    assert company.vat_registration_no == ""
    assert _entries() == []


def test_a_number_reaching_the_customer_by_synchronisation_is_logged_once_on_the_contact(
    company: Contact,
) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    contact_update(contact=company, data={"country_code": "DE", "vat_registration_no": DE_VAT})
    customer.refresh_from_db()
    assert customer.vat_registration_no == DE_VAT
    [entry] = _entries()
    assert (entry.kind, entry.contact_id) == ("contact", company.pk)
    # The customer's card shows it all the same.
    assert list(vat_log_for_card(customer)) == [entry]
    assert list(vat_log_for_card(company)) == [entry]


def test_a_new_customer_logs_its_number_once_not_on_the_contact_made_from_it() -> None:
    customer = customer_create(
        data={"name": "Acme GmbH", "country_code": "DE", "vat_registration_no": DE_VAT}
    )
    contact = Contact.objects.get(name="Acme GmbH")
    assert contact.vat_registration_no == DE_VAT
    [entry] = _entries()
    assert (entry.kind, entry.customer_id) == ("customer", customer.pk)
    assert list(vat_log_for_card(contact)) == [entry]


def test_the_api_door_logs_as_its_user_and_lists_the_log() -> None:
    api = ApiClient(role="editor")
    customer = customer_create(data={"name": "Acme GmbH", "country_code": "DE"})
    response = api.patch(f"/customers/{customer.number}", {"vat_registration_no": DE_VAT})
    assert response.status_code == 200, response.content
    listed = api.get(f"/vat-registration-log?kind=customer&number={customer.number}").json()
    [item] = listed["items"]
    assert item["vat_registration_no"] == DE_VAT
    assert (item["kind"], item["number"]) == ("customer", customer.number)
    assert (item["entered_by"], item["source"], item["status"]) == ("integrator", "user", "pending")
    assert item["door"] == "api"
    one = api.get(f"/vat-registration-log/{item['id']}")
    assert one.json()["vat_registration_no"] == DE_VAT
    assert api.get("/vat-registration-log?status=valid").json()["items"] == []


def test_the_api_refuses_an_unknown_record_or_kind_clearly() -> None:
    api = ApiClient(role="viewer")
    missing = api.get("/vat-registration-log?kind=customer&number=NOPE")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")
    assert api.get("/vat-registration-log?kind=bank_account").status_code == 422
    assert api.get("/vat-registration-log/999999").status_code == 404


def test_the_api_log_is_read_only() -> None:
    api = ApiClient(role="admin")
    assert api.post("/vat-registration-log", {"vat_registration_no": DE_VAT}).status_code == 405
    assert _entries() == []


def test_the_form_door_logs_and_the_card_shows_the_entry(client: Client) -> None:
    user = user_create(username="clerk", password="pw", role="admin")
    client.force_login(user)  # type: ignore[arg-type]
    customer = customer_create(data={"name": "Acme GmbH", "country_code": "DE"})
    form = {k: v for k, v in record_initial(CUSTOMER, customer).items() if v not in (None, False)}
    form["vat_registration_no"] = DE_VAT
    response = client.post(f"/customers/{customer.number}/edit/", form, follow=True)
    assert response.status_code == 200
    [entry] = _entries()
    assert (entry.kind, entry.entered_by_name, entry.source) == ("customer", "clerk", "user")
    assert entry.door == "web"
    body = client.get(f"/customers/{customer.number}/").content.decode()
    assert "VAT registration log" in body
    assert DE_VAT in body
    assert "Pending" in body
    contact = Contact.objects.get(name="Acme GmbH")
    assert DE_VAT in client.get(f"/contacts/{contact.number}/").content.decode()


def test_a_bank_account_card_has_no_vat_log(client: Client, company: Contact) -> None:
    from liaison.banking.services import bank_account_create_from_contact

    user = user_create(username="clerk", password="pw", role="admin")
    client.force_login(user)  # type: ignore[arg-type]
    bank, _ = bank_account_create_from_contact(contact=company)
    assert (
        "VAT registration log" not in client.get(f"/bank-accounts/{bank.number}/").content.decode()
    )


def test_an_import_logs_each_new_or_changed_number_in_one_insert_per_chunk() -> None:
    NoSeries.objects.update(manual_nos=True)
    text = (
        "number,name,country_code,vat_registration_no\n"
        f"C1,Acme GmbH,DE,{DE_VAT}\n"
        "C2,Fjord AS,NO,995525828MVA\n"
        "C3,No Vat Ltd,GB,\n"
    )
    with acting_as(source=Source.IMPORT), CaptureQueriesContext(connection) as queries:
        result = csv_import("customer", io.StringIO(text))
    assert result.failed == 0, result
    inserts = [  # an INSERT on SQLite, a COPY on PostgreSQL
        q for q in queries if 'INSERT INTO "vatlog_' in q["sql"] or 'COPY "vatlog_' in q["sql"]
    ]
    assert len(inserts) == 1
    entries = _entries()
    assert [(e.number, e.status, e.source) for e in entries] == [
        ("C1", "pending", "import"),
        ("C2", "not_applicable", "import"),
    ]
    again = (
        "number,name,country_code,vat_registration_no\n"
        "C1,Acme GmbH,DE,\n"
        "C2,Fjord AS,NO,995525828MVA\n"
    )
    csv_import("customer", io.StringIO(again))
    assert len(_entries()) == 2  # cleared and unchanged numbers are not logged


def test_a_bulk_edit_logs_the_changed_numbers(company: Contact) -> None:
    other = contact_create(data={"name": "Beta BV", "country_code": "NL"})
    contact_update(contact=company, data={"country_code": "DE"})
    report = contacts_bulk_update(
        {company.number: {"vat_registration_no": DE_VAT}, other.number: {"city": "Delft"}}
    )
    assert report.updated == 2
    [entry] = _entries()
    assert (entry.kind, entry.contact_id, entry.vat_registration_no) == (
        "contact",
        company.pk,
        DE_VAT,
    )


def test_deleting_a_contact_or_customer_deletes_its_log(company: Contact) -> None:
    contact_update(contact=company, data={"country_code": "DE", "vat_registration_no": DE_VAT})
    customer = customer_create(
        data={"name": "Other", "country_code": "DE", "vat_registration_no": DE_VAT}
    )
    customer_update(customer=customer, data={"vat_registration_no": "DE 136695976"})
    assert len(_entries()) == 3
    contact_delete(contact=company)
    assert [e.kind for e in _entries()] == ["customer", "customer"]
    from liaison.sales.services import customer_delete

    customer_delete(customer=Customer.objects.get(pk=customer.pk))
    assert _entries() == []


def test_the_online_check_is_off_by_default_so_no_test_reaches_vies(
    company: Contact, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    assert isinstance(checker_get(), NullChecker)
    with django_capture_on_commit_callbacks() as callbacks:
        contact_update(contact=company, data={"country_code": "DE", "vat_registration_no": DE_VAT})
    assert callbacks == []  # nothing is started after the commit
    assert _entries()[0].status == VatStatus.PENDING


def test_an_import_of_contacts_logs_the_new_contacts_numbers() -> None:
    text = "name,country_code,vat_registration_no\nAcme GmbH,DE,DE136695976\nBlank Ltd,GB,\n"
    with acting_as(source=Source.IMPORT):
        result = csv_import("contact", io.StringIO(text))
    assert result.failed == 0, result
    [entry] = _entries()
    contact = Contact.objects.get(name="Acme GmbH")
    assert (entry.kind, entry.contact_id, entry.source) == ("contact", contact.pk, "import")
    assert (entry.entered_by_id, entry.status, entry.door) == (None, "pending", "")


def test_a_vendor_entered_through_the_api_is_logged_as_a_vendor() -> None:
    api = ApiClient(role="editor")
    response = api.post(
        "/vendors",
        {"name": "Fournisseur SA", "country_code": "FR", "vat_registration_no": "FR40303265045"},
    )
    assert response.status_code == 201, response.content
    [entry] = _entries()
    assert (entry.kind, entry.number, entry.country_code) == (
        "vendor",
        response.json()["number"],
        "FR",
    )
    listed = api.get(f"/vat-registration-log?kind=vendor&number={entry.number}").json()["items"]
    assert [i["id"] for i in listed] == [entry.pk]


def test_the_country_comes_from_the_record_else_from_the_numbers_prefix() -> None:
    from liaison.vatlog.services import vat_classify

    assert vat_classify("DE136695976", "").country == "DE"
    assert vat_classify("DE136695976", "").status == VatStatus.PENDING
    assert vat_classify("EL094259216", "").country == "GR"
    assert vat_classify("12345", "").status == VatStatus.NOT_APPLICABLE
    assert vat_classify("GB980780684", "GB").status == VatStatus.NOT_APPLICABLE  # not in the EU
