"""Customers, vendors and bank accounts and their contacts: spec groups B, C, E, H."""

from __future__ import annotations

import pytest

from liaison.banking.models import BankAccount
from liaison.banking.services import (
    bank_account_create,
    bank_account_create_from_contact,
    bank_account_delete,
)
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_delete
from liaison.core.errors import SetupMissing, ValidationFailed
from liaison.purchases.models import Vendor, VendorTemplate
from liaison.purchases.services import vendor_create, vendor_create_from_contact
from liaison.relations.errors import (
    CompanyRequired,
    ContactAlreadyLinked,
    ContactPrivacyBlocked,
    RelationCodeMissing,
    TemplateNotFound,
)
from liaison.relations.models import ContactBusinessRelation, MarketingSetup
from liaison.relations.services import marketing_setup_update
from liaison.sales.models import Customer, CustomerTemplate
from liaison.sales.services import (
    customer_create,
    customer_create_from_contact,
    customer_delete,
    customer_update,
)


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Contact.objects.count(),
        Customer.objects.count(),
        Vendor.objects.count(),
        BankAccount.objects.count(),
        ContactBusinessRelation.objects.count(),
    )


def test_creating_a_customer_creates_its_company_contact_and_link() -> None:
    # when
    customer = customer_create(
        data={"name": "Fabrikam", "phone_no": "+49 30 1234567", "salesperson_code": "ps"}
    )
    # then
    contact = Contact.objects.get(relations__customer=customer)
    assert contact.number == "CT000001"
    assert contact.no_series == "CONT"
    assert contact.type == "company"
    assert (contact.name, contact.phone_no, contact.salesperson_code) == (
        "Fabrikam",
        "+49 30 1234567",
        "PS",
    )
    assert contact.business_relation_summary == "customer"
    assert customer.number == "C00010"
    assert customer.primary_contact == contact  # R-I6 shared by the auto-create path


def test_customer_with_contact_text_gets_a_person_as_primary_contact() -> None:
    customer = customer_create(data={"name": "Fabrikam", "contact": "Jane Doe"})
    person = customer.primary_contact
    assert person is not None
    assert person.type == "person"
    assert person.company == Contact.objects.get(relations__customer=customer)
    assert (person.first_name, person.surname) == ("Jane", "Doe")
    assert customer.contact == "Jane Doe"


def test_person_type_customer_gets_a_person_contact() -> None:
    customer = customer_create(data={"name": "Kari Hansen", "contact_type": "person"})
    contact = Contact.objects.get(relations__customer=customer)
    assert contact.type == "person"
    assert contact.company is None
    assert (contact.first_name, contact.surname) == ("Kari", "Hansen")
    assert customer.primary_contact == contact
    assert customer.contact == "Kari Hansen"


def test_vendor_contact_takes_purchaser_code_as_salesperson_once() -> None:
    vendor = vendor_create(data={"name": "Coho Winery", "purchaser_code": "buyer"})
    contact = Contact.objects.get(relations__vendor=vendor)
    assert contact.salesperson_code == "BUYER"


def test_bank_account_creates_its_contact_without_registration_number_defect() -> None:
    bank = bank_account_create(
        data={"name": "Demo Bank", "iban": "NO93 8601 1117 947", "format_region": "nb-NO"}
    )
    contact = Contact.objects.get(relations__bank_account=bank)
    assert contact.registration_number == ""  # product decision 2: no field-25 copy
    assert bank.iban == "NO9386011117947"


def test_blank_relation_code_creates_no_contact_and_no_error() -> None:
    marketing_setup_update(data={"bus_rel_code_for_customers": ""})
    customer = customer_create(data={"name": "Solo"})
    assert not ContactBusinessRelation.objects.filter(customer=customer).exists()
    assert Contact.objects.count() == 0


def test_blank_contact_series_aborts_the_customer_insert() -> None:
    MarketingSetup.objects.filter(pk=1).update(contact_nos=None)
    before = _counts()
    with pytest.raises(SetupMissing, match=r"Contact Nos\."):
        customer_create(data={"name": "Nobody"})
    assert _counts() == before


def test_bad_input_is_refused_with_the_field_named_and_nothing_stored() -> None:
    before = _counts()
    cases = [
        ({"name": "X", "email": "not-an-address"}, "email"),
        ({"name": "X", "phone_no": "call 555"}, "phone_no"),
        ({"name": "X", "country_code": "XX"}, "country_code"),
        ({"name": "X", "country_code": "NO", "phone_no": "+47 1"}, "phone_no"),
        (
            {"name": "X", "country_code": "DE", "vat_registration_no": "DE123"},
            "vat_registration_no",
        ),
        ({"name": "X", "currency_code": "ZZZ"}, "currency_code"),
        ({"name": "X", "colour": "red"}, "colour"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationFailed) as info:
            customer_create(data=data)
        assert field in info.value.fields, data
    with pytest.raises(ValidationFailed) as info:
        bank_account_create(data={"name": "B", "iban": "NO9386011117948"})
    assert "iban" in info.value.fields
    with pytest.raises(ValidationFailed) as info:
        bank_account_create(data={"name": "B", "swift_code": "NOTABIC"})
    assert "swift_code" in info.value.fields
    assert _counts() == before


def test_deleting_a_customer_keeps_its_contact(company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    customer_delete(customer=customer)
    company.refresh_from_db()
    assert company.business_relation_summary == "none"
    assert not ContactBusinessRelation.objects.filter(contact=company).exists()


def test_deleting_a_bank_account_keeps_its_contact() -> None:
    bank = bank_account_create(data={"name": "Demo Bank"})
    contact = Contact.objects.get(relations__bank_account=bank)
    bank_account_delete(bank_account=bank)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_deleting_a_contact_keeps_its_customer_and_clears_primary_contact(
    company: Contact,
) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    customer_update(customer=customer, data={}, primary_contact_number=person.number)
    deleted = contact_delete(contact=company)
    assert set(deleted) == {company.number, person.number}
    customer.refresh_from_db()
    assert customer.primary_contact is None
    assert customer.contact == ""
    assert customer.name == "Alpine Ski House"


def test_create_customer_from_contact_applies_template_and_copies_shared_fields_back(
    company: Contact,
) -> None:
    # given a template that fills a shared field the contact left blank
    CustomerTemplate.objects.filter(code="CUST-COMPANY").update(currency_code="NOK")
    # when
    customer, _report = customer_create_from_contact(contact=company)
    # then
    company.refresh_from_db()
    assert customer.payment_terms_code == "14 DAYS"
    assert customer.payment_method_code == "BANK"
    assert customer.currency_code == company.currency_code == "NOK"  # product decision 3
    assert customer.name == company.name
    assert customer.phone_no == company.phone_no
    assert customer.territory_code == "NORTH"
    assert customer.contact_type == "company"
    assert company.business_relation_summary == "customer"


def test_template_does_not_override_the_contacts_values(company: Contact) -> None:
    CustomerTemplate.objects.filter(code="CUST-COMPANY").update(territory_code="SOUTH")
    customer, _ = customer_create_from_contact(contact=company)
    assert customer.territory_code == "NORTH"


def test_create_customer_from_person_of_a_company_links_the_company(company: Contact) -> None:
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    customer, _ = customer_create_from_contact(contact=person)
    assert ContactBusinessRelation.objects.get(customer=customer).contact == company
    assert customer.name == company.name


def test_standalone_person_becomes_a_person_customer_linked_to_itself() -> None:
    person = contact_create(data={"type": "person", "name": "Kari Hansen"})
    customer, _ = customer_create_from_contact(contact=person)
    assert customer.contact_type == "person"
    assert customer.payment_method_code == "CARD"  # the person template
    assert ContactBusinessRelation.objects.get(customer=customer).contact == person


def test_standalone_person_cannot_become_a_vendor_or_bank_account() -> None:
    # a vendor template for persons exists, so the template rule (E-13, first) passes
    VendorTemplate.objects.create(code="VEND-PERSON", contact_type="person")
    person = contact_create(data={"type": "person", "name": "Kari Hansen"})
    before = _counts()
    with pytest.raises(CompanyRequired):
        vendor_create_from_contact(contact=person)
    with pytest.raises(CompanyRequired):
        bank_account_create_from_contact(contact=person)
    assert _counts() == before


def test_second_customer_for_a_contact_is_refused(company: Contact) -> None:
    customer_create_from_contact(contact=company)
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    before = _counts()
    with pytest.raises(ContactAlreadyLinked):
        customer_create_from_contact(contact=company)
    with pytest.raises(ContactAlreadyLinked):  # BC: the person's company is linked already
        customer_create_from_contact(contact=person)
    assert _counts() == before


def test_privacy_blocked_contact_cannot_become_a_customer(company: Contact) -> None:
    Contact.objects.filter(pk=company.pk).update(privacy_blocked=True)
    before = _counts()
    with pytest.raises(ContactPrivacyBlocked):
        customer_create_from_contact(contact=company)
    assert _counts() == before


def test_missing_relation_code_refuses_create_from_contact(company: Contact) -> None:
    marketing_setup_update(data={"bus_rel_code_for_vendors": ""})
    with pytest.raises(RelationCodeMissing):
        vendor_create_from_contact(contact=company)


def test_unknown_template_is_refused_and_nothing_stored(company: Contact) -> None:
    before = _counts()
    with pytest.raises(TemplateNotFound):
        customer_create_from_contact(contact=company, template_code="NOPE")
    assert _counts() == before


def test_vendor_from_contact_keeps_the_purchaser_and_takes_template(company: Contact) -> None:
    vendor, _ = vendor_create_from_contact(contact=company)
    assert vendor.purchaser_code == ""
    assert vendor.vendor_posting_group == "DOMESTIC"
    assert vendor.name == company.name


def test_bank_account_from_contact(company: Contact) -> None:
    bank, _ = bank_account_create_from_contact(contact=company)
    assert bank.name == company.name
    assert bank.city == "Oslo"
    company.refresh_from_db()
    assert company.business_relation_summary == "bank_account"


def test_customer_phone_change_reaches_the_contact(company: Contact) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    customer_update(customer=customer, data={"phone_no": "+47 55 55 55 55"})
    company.refresh_from_db()
    assert company.phone_no == "+47 55 55 55 55"
    assert company.phone_e164 == "+4755555555"


def test_contact_type_of_a_customer_is_never_flipped_by_sync() -> None:
    customer = customer_create(data={"name": "Kari Hansen", "contact_type": "person"})
    contact = Contact.objects.get(relations__customer=customer)
    from liaison.contacts.services import contact_update

    contact_update(contact=contact, data={"city": "Bergen"})
    customer.refresh_from_db()
    assert customer.contact_type == "person"
    assert customer.city == "Bergen"


def test_primary_contact_must_belong_to_the_linked_company(company: Contact) -> None:
    from liaison.relations.errors import PrimaryContactNotRelated

    customer, _ = customer_create_from_contact(contact=company)
    stranger = contact_create(data={"name": "Other Co"})
    with pytest.raises(PrimaryContactNotRelated):
        customer_update(customer=customer, data={}, primary_contact_number=stranger.number)
    customer.refresh_from_db()
    assert customer.primary_contact is None


def test_renamed_primary_person_renames_the_customers_contact_text(company: Contact) -> None:
    from liaison.contacts.services import contact_update

    customer, _ = customer_create_from_contact(contact=company)
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    customer, _ = customer_update(customer=customer, data={}, primary_contact_number=person.number)
    assert customer.contact == "Jane Doe"
    contact_update(contact=person, data={"surname": "Smith"})
    customer.refresh_from_db()
    assert customer.contact == "Jane Smith"
