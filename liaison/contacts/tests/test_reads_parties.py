"""The API and the engine read contacts through ``core.reads``: the same values as the ORM."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.contacts.models import Contact
from liaison.contacts.selectors import contact_get
from liaison.contacts.services import contact_create, contact_update
from liaison.core.update import snapshot


def test_a_contact_read_for_the_api_equals_the_orm_read(company: Contact) -> None:
    # given a company edited once (a later modified time, version 2) and flagged
    contact_update(contact=company, data={"privacy_blocked": True})
    # when
    got = contact_get(company.number)
    # then dates, flags and numbers are the ORM's values and types
    expected = snapshot(Contact.objects.get(pk=company.pk))
    assert snapshot(got) == expected
    assert [type(v) for v in snapshot(got).values()] == [type(v) for v in expected.values()]
    assert got.privacy_blocked is True
    assert got.version == 2


def test_a_person_is_read_with_its_company_in_one_statement(company: Contact) -> None:
    # given
    person = contact_create(
        data={"type": "person", "name": "Ann Lee"}, company_number=company.number
    )
    # when
    with CaptureQueriesContext(connection) as ctx:
        got = contact_get(person.number)
        company_number = got.company.number if got.company else None
    # then
    assert len(ctx.captured_queries) == 1
    assert company_number == company.number


def test_a_company_is_read_without_a_company(company: Contact) -> None:
    with CaptureQueriesContext(connection) as ctx:
        got = contact_get(company.number)
        assert got.company is None
    assert len(ctx.captured_queries) == 1


def test_date_times_are_read_as_the_orm_reads_them_with_its_time_zone(company: Contact) -> None:
    # given a person of the company (read with the company joined)
    person = contact_create(
        data={"type": "person", "name": "Ann Lee"}, company_number=company.number
    )
    # when
    got = contact_get(person.number)
    # then the person's and its company's times are the ORM's, to the microsecond and zone
    for read, stored in (
        (got, Contact.objects.get(pk=person.pk)),
        (got.company, Contact.objects.get(pk=company.pk)),
    ):
        assert read is not None
        for name in ("created_at", "modified_at"):
            value, expected = getattr(read, name), getattr(stored, name)
            assert value == expected
            assert value.microsecond == expected.microsecond
            assert value.tzinfo is expected.tzinfo
