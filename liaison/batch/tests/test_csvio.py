"""CSV import and export: upsert by number, precise row errors, idempotence, round trips."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.audit.models import AuditEntry
from liaison.banking.models import BankAccount
from liaison.banking.services import bank_account_create_from_contact
from liaison.batch.columns import columns
from liaison.batch.commands.export_command import export_main
from liaison.batch.commands.import_command import import_main
from liaison.batch.exports import csv_export
from liaison.batch.imports.pipeline import csv_import
from liaison.batch.imports.results import ImportResult
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.core.errors import ValidationFailed
from liaison.core.models import NoSeries
from liaison.purchases.models import Vendor
from liaison.purchases.services import vendor_create_from_contact
from liaison.relations.models import ContactBusinessRelation, MarketingSetup
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_create_from_contact

GOOD_IBAN = "NO93 8601 1117 947"


@pytest.fixture
def manual_numbers() -> None:
    """Every series accepts typed numbers, as when a legacy system's numbers are kept."""
    NoSeries.objects.update(manual_nos=True)


def _import(kind: str, text: str, **options: object) -> ImportResult:
    return csv_import(kind, io.StringIO(text), **options)  # type: ignore[arg-type]


def _export(kind: str) -> str:
    out = io.StringIO()
    csv_export(kind, out)
    return out.getvalue()


def test_bad_rows_are_reported_by_row_and_field_and_only_good_rows_are_stored(
    manual_numbers: None,
) -> None:
    # given a file of bank accounts with a bad IBAN, a bad e-mail, an unknown country and a
    # number given twice between good rows
    text = (
        "number,name,country_code,email,iban\n"
        f"B1,Good One,NO,one@example.com,{GOOD_IBAN}\n"
        "B2,Bad Iban,NO,two@example.com,NO93 8601 1117 948\n"
        f"B3,Bad Mail,NO,not-an-address,{GOOD_IBAN}\n"
        "B4,Nowhere,XX,four@example.com,\n"
        "B1,Same Number,NO,five@example.com,\n"
        "B6,Good Two,DE,six@example.com,\n"
    )
    # when
    result = _import("bank_account", text)
    # then each bad row is named with its row number and column
    messages = [str(e) for e in result.errors]
    assert [(e.row, e.field) for e in result.errors] == [
        (2, "iban"),
        (3, "email"),
        (4, "country_code"),
        (5, "number"),
    ]
    assert messages[0].startswith('row 2, iban: IBAN "NO9386011117948" is not valid')
    assert messages[1].startswith('row 3, email: The e-mail address "not-an-address"')
    assert messages[2].startswith('row 4, country_code: "XX" is not an ISO country code')
    assert messages[3] == "row 5, number: B1 is already in row 1 of this file."
    # and the good rows are stored, with their contacts, the bad ones are not
    assert (result.created, result.failed) == (2, 4)
    assert list(BankAccount.objects.values_list("number", "name")) == [
        ("B1", "Good One"),
        ("B6", "Good Two"),
    ]
    assert ContactBusinessRelation.objects.filter(link_to_table="bank_account").count() == 2
    assert BankAccount.objects.get(number="B1").iban == "NO9386011117947"


def test_blank_numbers_are_drawn_from_the_series_and_new_customers_get_contacts() -> None:
    # given
    text = "name,city,country_code,phone_no\nFabrikam,Oslo,no,+47 22 33 44 55\nContoso,Bergen,NO,\n"
    # when
    result = _import("customer", text)
    # then
    assert (result.created, result.errors) == (2, [])
    fabrikam = Customer.objects.get(name="Fabrikam")
    assert (fabrikam.number, fabrikam.no_series, fabrikam.country_code) == ("C00010", "CUST", "NO")
    assert fabrikam.phone_e164 == "+4722334455"
    contact = Contact.objects.get(relations__customer=fabrikam)
    assert (contact.name, contact.city, contact.business_relation_summary) == (
        "Fabrikam",
        "Oslo",
        "customer",
    )
    assert fabrikam.primary_contact_id == contact.pk


def test_new_records_get_no_contact_when_synchronisation_is_off_for_the_kind() -> None:
    # given
    MarketingSetup.objects.update(bus_rel_code_for_vendors=None)
    # when
    result = _import("vendor", "name\nLitware\n")
    # then
    assert result.created == 1
    assert Vendor.objects.filter(name="Litware").exists()
    assert not Contact.objects.exists()


def test_a_typed_number_needs_a_series_that_allows_manual_numbers() -> None:
    # given the default customer series, which draws numbers only
    # when
    result = _import("customer", "number,name\nX1,Typed\n,Drawn\n")
    # then
    assert result.created == 1
    assert [(e.row, e.field) for e in result.errors] == [(1, "number")]
    assert "Manual numbers are not allowed in number series CUST" in result.errors[0].message


def test_reimporting_the_same_file_changes_nothing(manual_numbers: None) -> None:
    # given a file imported once
    text = (
        "number,name,address,city,post_code,country_code,phone_no,email,blocked\n"
        "K1,Fabrikam,1 Main St,oslo,0150,no,+47 22 33 44 55,a@fabrikam.example,false\n"
        "K2,Contoso,2 High St,Berlin,10115,DE,,b@contoso.example,true\n"
    )
    first = _import("customer", text)
    versions = list(Customer.objects.values_list("version", flat=True))
    # when
    second = _import("customer", text)
    # then
    assert (first.created, first.errors) == (2, [])
    assert (second.created, second.updated, second.unchanged, second.errors) == (0, 0, 2, [])
    assert list(Customer.objects.values_list("version", flat=True)) == versions
    assert Contact.objects.count() == 2


def test_an_update_row_changes_the_customer_and_its_linked_contact(company: Contact) -> None:
    # given a customer linked to a company contact that also has a vendor
    customer, _ = customer_create_from_contact(contact=company)
    vendor, _ = vendor_create_from_contact(contact=company)
    # when
    result = _import(
        "customer", f"number,phone_no,city\n{customer.number},+47 99 88 77 66,Bergen\n"
    )
    # then
    assert (result.updated, result.unchanged, result.errors) == (1, 0, [])
    customer.refresh_from_db()
    company.refresh_from_db()
    vendor.refresh_from_db()
    assert (customer.phone_no, customer.city, customer.phone_e164) == (
        "+47 99 88 77 66",
        "Bergen",
        "+4799887766",
    )
    assert (company.phone_no, company.city) == ("+47 99 88 77 66", "Bergen")
    assert (vendor.phone_no, vendor.city) == ("+47 99 88 77 66", "Bergen")


def test_an_update_row_with_a_bad_value_leaves_the_record_as_it_was(company: Contact) -> None:
    # given
    customer, _ = customer_create_from_contact(contact=company)
    # when
    result = _import("customer", f"number,email,city\n{customer.number},broken,Bergen\n")
    # then
    assert [(e.row, e.field) for e in result.errors] == [(1, "email")]
    customer.refresh_from_db()
    assert (customer.email, customer.city) == ("info@alpine.example.com", "Oslo")


@pytest.mark.parametrize("kind", ["contact", "customer", "vendor", "bank_account"])
def test_export_then_import_round_trips_with_no_changes(kind: str, company: Contact) -> None:
    # given linked records, a person of the company and a standalone person
    customer_create_from_contact(contact=company)
    vendor_create_from_contact(contact=company)
    bank_account_create_from_contact(contact=company)
    contact_create(
        data={"type": "person", "first_name": "Mary Ann", "surname": "Smith", "minor": True},
        company_number=company.number,
    )
    contact_create(data={"type": "person", "name": "Kari Nordmann", "job_title": "Owner"})
    exported = _export(kind)
    # when
    result = _import(kind, exported)
    # then
    rows = len(exported.splitlines()) - 1
    assert exported.splitlines()[0] == ",".join(columns(kind))
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, rows, [])
    assert _export(kind) == exported


def test_export_writes_rows_in_number_order_with_company_numbers(company: Contact) -> None:
    # given
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    # when
    lines = _export("contact").splitlines()
    # then
    assert [line.split(",")[:3] for line in lines] == [
        ["number", "type", "company_number"],
        [company.number, "company", ""],
        [person.number, "person", company.number],
    ]


def test_dry_run_stores_nothing_but_reports_what_it_would_do(company: Contact) -> None:
    # given
    customer, _ = customer_create_from_contact(contact=company)
    contacts_before = Contact.objects.count()
    # when
    result = _import("customer", "name,city,country_code\nA,Oslo,NO\nB,Oslo,XX\n", dry_run=True)
    update = _import("customer", f"number,city\n{customer.number},Bergen\n", dry_run=True)
    # then
    assert (result.created, result.failed, result.dry_run) == (1, 1, True)
    assert update.updated == 1
    assert "dry run: nothing was stored" in result.summary()
    assert Customer.objects.count() == 1
    assert Contact.objects.count() == contacts_before
    customer.refresh_from_db()
    company.refresh_from_db()
    assert (customer.city, company.city) == ("Oslo", "Oslo")


def test_an_unknown_column_refuses_the_file_before_anything_is_stored() -> None:
    # when / then
    with pytest.raises(ValidationFailed, match="Unknown columns: colour, primary_contact"):
        _import("customer", "name,colour,primary_contact\nFabrikam,blue,\n")
    assert not Customer.objects.exists()


def test_a_row_with_too_many_cells_or_a_bad_yes_no_value_is_refused() -> None:
    # when
    result = _import("customer", "name,blocked\nA,maybe\nB,false,extra\nC,yes\n")
    # then
    assert [str(e) for e in result.errors] == [
        'row 1, blocked: "maybe" is not a yes/no value: write true or false.',
        "row 2: 3 cells but the header names 2 columns.",
    ]
    assert list(Customer.objects.values_list("name", "blocked")) == [("C", True)]


def test_a_number_given_twice_is_refused_across_chunks(manual_numbers: None) -> None:
    # given a chunk size smaller than the distance between the two rows
    text = "number,name\nK1,First\nK2,Second\nK3,Third\nK1,Again\n"
    # when
    result = _import("customer", text, chunk_size=2)
    # then
    assert [str(e) for e in result.errors] == [
        "row 4, number: K1 is already in row 1 of this file."
    ]
    assert Customer.objects.get(number="K1").name == "First"


def test_contacts_import_creates_companies_then_their_persons_who_inherit(
    manual_numbers: None,
) -> None:
    # given a company row before the rows of its persons
    text = (
        "number,type,company_number,name,address,city,country_code,phone_no\n"
        "K100,Company,,Fabrikam,1 Main St,Oslo,NO,+47 22 33 44 55\n"
        "K101,person,K100,Jane Doe,,,,\n"
        "K102,company,K100,Not A Person,,,,\n"
        "K103,person,K999,John Roe,,,,\n"
    )
    # when
    result = _import("contact", text)
    # then
    assert result.created == 2
    assert [(e.row, e.field) for e in result.errors] == [
        (3, "company_number"),
        (4, "company_number"),
    ]
    jane = Contact.objects.get(number="K101")
    assert jane.company is not None
    assert jane.company.number == "K100"
    assert (jane.first_name, jane.surname, jane.company_name) == ("Jane", "Doe", "Fabrikam")
    assert (jane.address, jane.city, jane.phone_no) == ("1 Main St", "Oslo", "+47 22 33 44 55")


def test_contacts_import_update_reaches_persons_and_linked_records(company: Contact) -> None:
    # given a company with a customer and a person who holds the company's address
    customer, _ = customer_create_from_contact(contact=company)
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    # when
    result = _import("contact", f"number,address,city\n{company.number},9 New Road,Bergen\n")
    # then
    assert (result.updated, result.errors) == (1, [])
    customer.refresh_from_db()
    person.refresh_from_db()
    assert (customer.address, customer.city) == ("9 New Road", "Bergen")
    assert (person.address, person.city) == ("9 New Road", "Bergen")


def test_import_issues_the_same_number_of_queries_for_5_and_15_rows(manual_numbers: None) -> None:
    # given files of new customers, then files updating them. Sizes stay under 19 rows: on
    # SQLite Django splits a multi-row INSERT of a table this wide every 19-22 rows (its
    # 999-parameter limit), which is per-batch, not per-row, cost.
    def file(start: int, count: int, city: str) -> str:
        rows = "".join(f"Q{i},Customer {i},{city}\n" for i in range(start, start + count))
        return "number,name,city\n" + rows

    def queries(text: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            result = _import("customer", text, chunk_size=100)
        assert result.errors == []
        return len(ctx.captured_queries)

    # when / then: creating and updating cost the same for 5 rows as for 15
    assert queries(file(0, 5, "Oslo")) == queries(file(100, 15, "Oslo"))
    assert queries(file(0, 5, "Bergen")) == queries(file(100, 15, "Bergen"))


def test_import_command_exits_2_names_bad_rows_and_keeps_the_good_ones(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    path = f"{tmp_path}/customers.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("name,email\nFabrikam,a@fabrikam.example\nBroken,nope\n")
    # when
    status = import_main(["customers", path])
    # then
    out, err = capsys.readouterr()
    assert status == 2
    assert 'row 2, email: The e-mail address "nope" is not valid' in err
    assert out.splitlines()[0] == "customers: 1 created, 0 updated, 0 unchanged, 1 errors."
    assert list(Customer.objects.values_list("name", flat=True)) == ["Fabrikam"]


def test_import_command_refuses_an_unknown_column_with_status_2(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    path = f"{tmp_path}/vendors.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("name,colour\nLitware,red\n")
    # when
    status = import_main(["vendors", path, "--dry-run"])
    # then
    assert status == 2
    assert "error [validation_failed]: Unknown columns: colour." in capsys.readouterr().err


def test_export_command_writes_csv_to_standard_output(
    company: Contact, capsys: pytest.CaptureFixture[str]
) -> None:
    # when
    status = export_main(["contacts", "-"])
    # then
    out, err = capsys.readouterr()
    assert status == 0
    assert out.splitlines()[1].startswith(f"{company.number},company,,Alpine Ski House,")
    assert "Exported 1 contacts to standard output." in err


def test_imported_customers_get_the_primary_contacts_and_history_of_single_creates() -> None:
    # given the same three customers created one at a time and imported
    rows = [
        {"name": "Fabrikam", "contact": "Jane Doe"},
        {"name": "Contoso"},
        {"name": "Kari Hansen", "contact_type": "person"},
    ]
    singles = [customer_create(data=dict(row)) for row in rows]
    text = "name,contact,contact_type\nFabrikam,Jane Doe,company\nContoso,,company\n"
    text += "Kari Hansen,,person\n"
    # when
    result = _import("customer", text)
    # then each imported customer is written with the primary contact a single create sets
    assert (result.created, result.errors) == (3, [])
    imported = [Customer.objects.get(pk=pk) for pk in _new_pks(singles)]
    for single, twin in zip(singles, imported, strict=True):
        single_primary, twin_primary = single.primary_contact, twin.primary_contact
        assert single_primary is not None
        assert twin_primary is not None
        assert (twin_primary.name, twin_primary.type) == (single_primary.name, single_primary.type)
        assert twin.contact == single.contact
        twin_hub = Contact.objects.get(relations__customer=twin)
        assert twin_primary in (twin_hub, *twin_hub.persons.all())
        # and the same history: created, its contact created and linked
        assert _history(twin) == _history(single)
    jane = imported[0].primary_contact
    assert jane is not None
    assert jane.company is not None
    assert (jane.type, jane.company.name) == ("person", "Fabrikam")


def _new_pks(singles: list[Customer]) -> list[int]:
    known = {c.pk for c in singles}
    return sorted(pk for pk in Customer.objects.values_list("pk", flat=True) if pk not in known)


def _history(customer: Customer) -> list[tuple[str, str]]:
    entries = AuditEntry.objects.filter(entity="customer", entity_pk=customer.pk).order_by("pk")
    return [(e.action, e.field) for e in entries]
