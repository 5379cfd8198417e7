"""R-B5: a new customer (a vendor: its Purchaser Code) made by a user with a salesperson code
gets it where left blank; a given value wins; created from a contact, the contact's value wins
for a customer (R-H2 step 7) and the maker's purchaser is kept for a vendor (R-H5 step 8). The
contact made for the new record agrees with it (product decision 3), through every door."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.test import Client

from liaison.accounts.services import user_create, user_salesperson_set
from liaison.audit.context import acting_as
from liaison.banking.services import bank_account_create
from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.masterdata.services import code_create
from liaison.masterdata.tables import SALESPEOPLE
from liaison.purchases.models import Vendor, VendorTemplate
from liaison.purchases.services import vendor_create, vendor_create_from_contact
from liaison.relations.services import marketing_setup_update
from liaison.sales.models import Customer, CustomerTemplate
from liaison.sales.services import customer_create, customer_create_from_contact
from tests.api_client import ApiClient


@pytest.fixture(autouse=True)
def _codes_named_here(default_setup: None) -> None:
    """The master data codes these tests name (each must exist, issue #17)."""
    for code in ("ANA", "GIVEN", "TPL", "SETUP"):
        code_create(SALESPEOPLE, data={"code": code})


@pytest.fixture
def ana() -> AbstractBaseUser:
    """A user whose own salesperson code is ANA."""
    return user_create(username="ana", password="pw", role="editor", salesperson_code="ana")


def _contact_of(number: str, kind: str = "customer") -> Contact:
    return Contact.objects.get(**{f"relations__{kind}__number": number})


def test_a_new_customer_gets_its_makers_salesperson_and_so_does_its_new_contact(
    ana: AbstractBaseUser,
) -> None:
    with acting_as(ana):
        customer = customer_create(data={"name": "Fabrikam"})
    assert customer.salesperson_code == "ANA"
    assert _contact_of(customer.number).salesperson_code == "ANA"


def test_a_given_salesperson_wins_over_the_makers_on_a_new_customer(
    ana: AbstractBaseUser,
) -> None:
    with acting_as(ana):
        customer = customer_create(data={"name": "Fabrikam", "salesperson_code": "given"})
    assert customer.salesperson_code == "GIVEN"
    assert _contact_of(customer.number).salesperson_code == "GIVEN"


def test_the_setup_default_salesperson_is_for_contacts_not_for_a_new_customer() -> None:
    marketing_setup_update(data={"default_salesperson_code": "setup"})
    customer = customer_create(data={"name": "Fabrikam"})
    assert customer.salesperson_code == ""
    assert _contact_of(customer.number).salesperson_code == ""


def test_a_new_vendor_gets_its_makers_salesperson_as_purchaser_and_its_contact_too(
    ana: AbstractBaseUser,
) -> None:
    with acting_as(ana):
        vendor = vendor_create(data={"name": "Litware"})
        given = vendor_create(data={"name": "Contoso", "purchaser_code": "given"})
    assert (vendor.purchaser_code, given.purchaser_code) == ("ANA", "GIVEN")
    assert _contact_of(vendor.number, "vendor").salesperson_code == "ANA"


def test_a_bank_account_gets_no_makers_salesperson(ana: AbstractBaseUser) -> None:
    with acting_as(ana):
        bank = bank_account_create(data={"name": "Main account"})
    assert bank.our_contact_code == ""


def test_a_customer_from_a_contact_takes_the_contacts_salesperson_even_blank_not_the_makers(
    ana: AbstractBaseUser,
) -> None:
    contact = contact_create(data={"name": "Fabrikam"})
    with acting_as(ana):
        customer, _ = customer_create_from_contact(contact=contact, template_code="CUST-COMPANY")
    assert customer.salesperson_code == ""


def test_a_customer_from_a_contact_takes_the_templates_salesperson_over_the_makers(
    ana: AbstractBaseUser,
) -> None:
    CustomerTemplate.objects.filter(code="CUST-COMPANY").update(salesperson_code="TPL")
    contact = contact_create(data={"name": "Fabrikam"})
    with acting_as(ana):
        customer, _ = customer_create_from_contact(contact=contact, template_code="CUST-COMPANY")
    assert customer.salesperson_code == "TPL"
    contact.refresh_from_db()
    assert contact.salesperson_code == "TPL"  # product decision 3


def test_a_vendor_from_a_contact_keeps_its_makers_purchaser_over_the_templates(
    ana: AbstractBaseUser,
) -> None:
    VendorTemplate.objects.filter(code="VEND-COMPANY").update(purchaser_code="TPL")
    contact = contact_create(data={"name": "Litware", "salesperson_code": "js"})
    with acting_as(ana):
        vendor, _ = vendor_create_from_contact(contact=contact, template_code="VEND-COMPANY")
    assert vendor.purchaser_code == "ANA"
    other = contact_create(data={"name": "Contoso"})
    vendor, _ = vendor_create_from_contact(contact=other, template_code="VEND-COMPANY")
    assert vendor.purchaser_code == "TPL"  # no maker's code: the template fills the blank


def test_the_api_gives_a_new_customer_its_token_users_salesperson() -> None:
    api = ApiClient(role="editor", username="ana")
    user_salesperson_set(username="ana", salesperson_code="ana")
    response = api.post("/customers", {"name": "Fabrikam"})
    assert response.status_code == 201, response.content
    assert response.json()["salesperson_code"] == "ANA"
    response = api.post("/customers", {"name": "Contoso", "salesperson_code": "given"})
    assert response.json()["salesperson_code"] == "GIVEN"


def test_the_web_form_gives_a_new_customer_the_signed_in_users_salesperson(
    client: Client, ana: AbstractBaseUser
) -> None:
    client.force_login(ana)  # type: ignore[arg-type]
    form = {"name": "Fabrikam", "contact_type": "company", "allow_line_disc": "on"}
    response = client.post("/customers/new/", form)
    assert response.status_code == 302
    customer = Customer.objects.get(name="Fabrikam")
    assert customer.salesperson_code == "ANA"
    assert _contact_of(customer.number).salesperson_code == "ANA"


def test_csv_import_gives_new_customers_and_vendors_the_importing_users_salesperson(
    ana: AbstractBaseUser,
) -> None:
    with acting_as(ana):
        csv_import("customer", io.StringIO("name,salesperson_code\nFabrikam,\nContoso,given\n"))
        csv_import("vendor", io.StringIO("name\nLitware\n"))
    assert Customer.objects.get(name="Fabrikam").salesperson_code == "ANA"
    assert Customer.objects.get(name="Contoso").salesperson_code == "GIVEN"
    assert Vendor.objects.get(name="Litware").purchaser_code == "ANA"
    assert _contact_of(Customer.objects.get(name="Fabrikam").number).salesperson_code == "ANA"
