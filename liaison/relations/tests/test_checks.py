"""Drift check and repair, and the ``liaison`` command around them."""

from __future__ import annotations

import pytest

from liaison.cli import main
from liaison.contacts.models import Contact
from liaison.relations.checks import drift_find, drift_repair, summaries_stale
from liaison.sales.models import Customer
from liaison.sales.services import customer_create_from_contact


def test_drift_is_found_and_repaired_with_the_contact_winning(company: Contact) -> None:
    # given a customer changed behind the engine's back
    customer, _ = customer_create_from_contact(contact=company)
    Customer.objects.filter(pk=customer.pk).update(city="Nowhere")
    Contact.objects.filter(pk=company.pk).update(business_relation_summary="none")
    # when
    drift = drift_find()
    # then
    assert [(d.record, d.field, d.contact_value, d.record_value) for d in drift] == [
        (customer.number, "city", "Oslo", "Nowhere")
    ]
    assert summaries_stale() == 1
    assert drift_repair() == (1, 1)
    assert drift_find() == []
    assert summaries_stale() == 0
    customer.refresh_from_db()
    assert customer.city == "Oslo"


def test_check_command_exits_non_zero_on_drift_and_zero_after_repair(
    company: Contact, capsys: pytest.CaptureFixture[str]
) -> None:
    customer, _ = customer_create_from_contact(contact=company)
    Customer.objects.filter(pk=customer.pk).update(phone_no="1")
    assert main(["check"]) == 1
    assert "1 disagreements" in capsys.readouterr().out
    assert main(["check", "--repair"]) == 0
    assert main(["check"]) == 0


def test_demo_loads_into_an_empty_database_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--companies", "10"]) == 0
    assert "Demo company loaded" in capsys.readouterr().out
    count = Contact.objects.count()
    assert count > 10
    assert main(["demo"]) == 0
    assert "not loaded" in capsys.readouterr().out
    assert Contact.objects.count() == count
    assert main(["check"]) == 0


def test_create_from_command_reports_created_and_skipped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    main(["demo", "--companies", "5"])
    capsys.readouterr()
    assert main(["contacts", "create-from", "customers"]) == 0
    out = capsys.readouterr().out
    assert "Created 8 contacts" in out
    assert "skipped" in out


def test_command_reports_domain_errors_with_their_code(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from liaison.relations.models import MarketingSetup

    MarketingSetup.objects.update(bus_rel_code_for_vendors=None)
    assert main(["contacts", "create-from", "vendors"]) == 2
    assert "business_relation_code_missing" in capsys.readouterr().err
