"""The master data rules: a code must name a row (every service door), E-41, a code in use
cannot be deleted, the post code lookup."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.banking.services import bank_account_create
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.core.errors import ValidationFailed
from liaison.masterdata.errors import CodeInUse, SalespersonPrivacyBlocked, UnknownCode
from liaison.masterdata.models import PostCode, Salesperson, Territory
from liaison.masterdata.services import code_create, code_delete, code_update, codes_unknown
from liaison.masterdata.tables import PAYMENT_TERMS, POST_CODES, SALESPEOPLE, TERRITORIES
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create
from liaison.records.record_templates import template_create, template_update
from liaison.sales.models import Customer, CustomerTemplate
from liaison.sales.services import customer_create, customer_update


def test_an_unknown_salesperson_on_a_new_contact_is_refused_by_field_and_nothing_stored() -> None:
    with pytest.raises(UnknownCode) as caught:
        contact_create(data={"name": "Nobody Ltd", "salesperson_code": "zz"})
    assert caught.value.code == "unknown_code"
    assert caught.value.fields == {
        "salesperson_code": ["Salesperson/purchaser ZZ does not exist: choose an existing code."]
    }
    assert not Contact.objects.filter(name="Nobody Ltd").exists()


def test_a_contact_edit_to_an_unknown_territory_is_refused_and_the_contact_is_unchanged(
    company: Contact,
) -> None:
    with pytest.raises(UnknownCode) as caught:
        contact_update(contact=company, data={"territory_code": "moon", "city": "Bergen"})
    assert list(caught.value.fields) == ["territory_code"]
    company.refresh_from_db()
    assert (company.territory_code, company.city) == ("NORTH", "Oslo")


def test_an_edit_that_leaves_an_old_unknown_code_alone_is_not_refused(company: Contact) -> None:
    Contact.objects.filter(pk=company.pk).update(language_code="OLD")  # data from before codes
    contact, _ = contact_update(contact=company, data={"city": "Bergen"})
    assert (contact.city, contact.language_code) == ("Bergen", "OLD")


def test_known_codes_are_accepted_in_any_case(company: Contact) -> None:
    contact, _ = contact_update(contact=company, data={"language_code": "nor"})
    assert contact.language_code == "NOR"


def test_records_refuse_unknown_codes_in_each_of_their_code_fields() -> None:
    with pytest.raises(UnknownCode) as customer:
        customer_create(data={"name": "C", "payment_terms_code": "99 DAYS"})
    with pytest.raises(UnknownCode) as vendor:
        vendor_create(data={"name": "V", "purchaser_code": "NOBODY"})
    with pytest.raises(UnknownCode) as bank:
        bank_account_create(data={"name": "B", "our_contact_code": "NOBODY"})
    assert list(customer.value.fields) == ["payment_terms_code"]
    assert list(vendor.value.fields) == ["purchaser_code"]
    assert list(bank.value.fields) == ["our_contact_code"]
    assert not Customer.objects.exists()
    assert not Vendor.objects.exists()


def test_a_customer_edit_to_an_unknown_salesperson_is_refused_and_the_customer_unchanged() -> None:
    customer = customer_create(data={"name": "C", "salesperson_code": "JS"})
    with pytest.raises(UnknownCode):
        customer_update(customer=customer, data={"salesperson_code": "ZZ", "name": "Changed"})
    customer.refresh_from_db()
    assert (customer.name, customer.salesperson_code) == ("C", "JS")


def test_templates_refuse_unknown_codes() -> None:
    with pytest.raises(UnknownCode) as caught:
        template_create("customer", code="T1", data={"payment_terms_code": "NEVER"})
    assert list(caught.value.fields) == ["payment_terms_code"]
    assert not CustomerTemplate.objects.filter(code="T1").exists()
    template = template_create("customer", code="T1", data={"territory_code": "north"})
    with pytest.raises(UnknownCode):
        template_update("customer", template=template, data={"salesperson_code": "ZZ"})
    template.refresh_from_db()
    assert (template.territory_code, template.salesperson_code) == ("NORTH", "")


def test_e41_a_privacy_blocked_salesperson_cannot_be_put_on_a_contact(company: Contact) -> None:
    code_create(SALESPEOPLE, data={"code": "HID", "privacy_blocked": True})
    with pytest.raises(SalespersonPrivacyBlocked) as caught:
        contact_update(contact=company, data={"salesperson_code": "HID"})
    assert caught.value.code == "salesperson_privacy_blocked"
    assert caught.value.message == "The salesperson is blocked due to privacy."
    company.refresh_from_db()
    assert company.salesperson_code == "JS"


def test_deleting_a_code_in_use_is_refused_with_the_number_of_records_using_it(
    company: Contact,
) -> None:
    customer_create(data={"name": "C", "salesperson_code": "JS"})
    template_create("customer", code="T1", data={"salesperson_code": "JS"})
    js = Salesperson.objects.get(code="JS")
    with pytest.raises(CodeInUse) as caught:
        code_delete(SALESPEOPLE, row=js)
    assert caught.value.code == "code_in_use"
    # the company, its new customer's contact... counted per table
    assert "cannot be deleted: 4 records use it" in caught.value.message
    assert "2 contacts, 1 customer" in caught.value.message
    assert Salesperson.objects.filter(code="JS").exists()


def test_a_code_nothing_uses_is_deleted_and_its_code_of_a_used_one_cannot_change(
    company: Contact,
) -> None:
    code_delete(SALESPEOPLE, row=Salesperson.objects.get(code="PS"))
    assert not Salesperson.objects.filter(code="PS").exists()
    with pytest.raises(CodeInUse):
        code_update(TERRITORIES, row=Territory.objects.get(code="NORTH"), data={"code": "N"})
    renamed = code_update(TERRITORIES, row=Territory.objects.get(code="SOUTH"), data={"code": "s"})
    assert renamed.code == "S"


def test_payment_terms_the_default_templates_name_are_made_by_init() -> None:
    assert set(PAYMENT_TERMS.model._default_manager.values_list("code", flat=True)) >= {
        "14 DAYS",
        "30 DAYS",
        "CASH",
    }


def test_a_typed_post_code_fills_a_blank_city_county_and_country() -> None:
    code_create(POST_CODES, data={"code": "5003", "city": "Bergen", "country_code": "NO"})
    contact = contact_create(data={"name": "Fjord AS", "post_code": "5003"})
    assert (contact.city, contact.country_code) == ("Bergen", "NO")


def test_a_typed_city_fills_a_blank_post_code_on_a_record() -> None:
    code_create(POST_CODES, data={"code": "0150", "city": "Oslo", "country_code": "NO"})
    customer = customer_create(data={"name": "C", "city": "Oslo"})
    assert (customer.post_code, customer.country_code) == ("0150", "NO")


def test_a_post_code_with_several_cities_fills_nothing_and_a_typed_city_is_kept() -> None:
    code_create(POST_CODES, data={"code": "1000", "city": "Alpha", "country_code": "NO"})
    code_create(POST_CODES, data={"code": "1000", "city": "Beta", "country_code": "NO"})
    code_create(POST_CODES, data={"code": "2000", "city": "Gamma", "country_code": "NO"})
    ambiguous = contact_create(data={"name": "A", "post_code": "1000"})
    typed = contact_create(data={"name": "B", "post_code": "2000", "city": "Elsewhere"})
    assert ambiguous.city == ""
    assert typed.city == "Elsewhere"
    assert PostCode.objects.count() == 3


def test_codes_unknown_checks_many_rows_with_one_query_per_code_table() -> None:
    rows = [
        {"salesperson_code": "JS", "territory_code": f"T{i}", "language_code": "NOR"}
        for i in range(200)
    ]
    with CaptureQueriesContext(connection) as queries:
        found = codes_unknown(rows, contact=True)
    assert len(queries) == 3
    assert all([p.field for p in problems] == ["territory_code"] for problems in found)


def test_a_salesperson_with_a_bad_e_mail_or_no_code_is_refused_and_not_stored() -> None:
    with pytest.raises(ValidationFailed) as bad_mail:
        code_create(SALESPEOPLE, data={"code": "EM", "email": "not-an-address"})
    with pytest.raises(ValidationFailed) as no_code:
        code_create(SALESPEOPLE, data={"code": " ", "name": "Nameless"})
    assert list(bad_mail.value.fields) == ["email"]
    assert list(no_code.value.fields) == ["code"]
    assert not Salesperson.objects.filter(code__in=["EM", ""]).exists()
