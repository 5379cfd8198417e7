"""Spec 1.1 "Contact defaults on insert" (Marketing Setup fields 28-32, 53) and the user's own
salesperson on a new contact (R-B5's User Setup), through every door: service, API, web form,
CSV import. Contacts made for a customer, vendor or bank account skip the defaults (R-B3)."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from liaison.accounts.services import user_create, user_salesperson_set
from liaison.audit.context import acting_as
from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.core.errors import ValidationFailed
from liaison.masterdata.services import code_create
from liaison.masterdata.tables import LANGUAGES, SALESPEOPLE, TERRITORIES
from liaison.relations.models import MarketingSetup
from liaison.relations.services import marketing_setup_update
from liaison.sales.services import customer_create
from tests.api_client import ApiClient


@pytest.fixture(autouse=True)
def _codes_named_here(default_setup: None) -> None:
    """The master data codes these tests name (each must exist, issue #17)."""
    for code in ("SP-SETUP", "GIVEN", "ANA", "OTHER"):
        code_create(SALESPEOPLE, data={"code": code})
    for code in ("WEST",):
        code_create(TERRITORIES, data={"code": code})
    for code in ("NOB",):
        code_create(LANGUAGES, data={"code": code})


DEFAULTS = {
    "default_salesperson_code": "sp-setup",
    "default_territory_code": "north",
    "default_country_code": "no",
    "default_language_code": "nob",
    "default_format_region": "nb-NO",
    "default_correspondence_type": "email",
}


@pytest.fixture
def defaults() -> MarketingSetup:
    return marketing_setup_update(data=dict(DEFAULTS))


def _filled(contact: Contact) -> tuple[str, ...]:
    return (
        contact.salesperson_code,
        contact.territory_code,
        contact.country_code,
        contact.language_code,
        contact.format_region,
        contact.correspondence_type,
    )


SETUP_VALUES = ("SP-SETUP", "NORTH", "NO", "NOB", "nb-NO", "email")


def _new_contact_form(**values: str) -> dict[str, str]:
    """What the "New contact" form posts: every card field, unticked boxes left out."""
    from liaison.contacts.forms import CARD_FIELDS

    booleans = {"privacy_blocked", "minor", "parental_consent_received"}
    data = {name: "" for name in CARD_FIELDS if name not in booleans}
    data.update({"type": "company", "company_number": "", "version": ""})
    data.update(values)
    return data


# The setup's defaults


def test_the_setup_keeps_default_codes_upper_case_and_the_format_region_as_typed(
    defaults: MarketingSetup,
) -> None:
    setup = MarketingSetup.objects.get()
    assert setup.default_salesperson_code == "SP-SETUP"
    assert setup.default_territory_code == "NORTH"
    assert setup.default_format_region == "nb-NO"


def test_setup_defaults_fill_a_new_contacts_blank_fields(defaults: MarketingSetup) -> None:
    contact = contact_create(data={"name": "Fabrikam", "territory_code": ""})
    assert _filled(contact) == SETUP_VALUES


def test_a_given_value_wins_over_the_setup_default(defaults: MarketingSetup) -> None:
    contact = contact_create(
        data={
            "name": "Fabrikam",
            "salesperson_code": "given",
            "territory_code": "south",
            "country_code": "SE",
            "correspondence_type": "fax",
        }
    )
    assert _filled(contact) == ("GIVEN", "SOUTH", "SE", "NOB", "nb-NO", "fax")


def test_without_defaults_a_new_contact_stays_blank() -> None:
    contact = contact_create(data={"name": "Fabrikam"})
    assert _filled(contact) == ("", "", "", "", "", "")


def test_setup_defaults_apply_only_at_insert_not_to_an_edit(defaults: MarketingSetup) -> None:
    contact = contact_create(data={"name": "Fabrikam"})
    contact, _ = contact_update(contact=contact, data={"territory_code": ""})
    assert contact.territory_code == ""


def test_a_person_takes_its_companys_values_first_and_the_defaults_fill_what_is_left(
    defaults: MarketingSetup,
) -> None:
    # given a company with its own territory and no language (made before the defaults counted)
    MarketingSetup.objects.update(default_language_code="", default_territory_code="")
    company = contact_create(data={"name": "Fabrikam", "territory_code": "west"})
    MarketingSetup.objects.update(default_language_code="NOB", default_territory_code="NORTH")
    # when a person joins it at creation (every inheritance flag on)
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    # then the company's territory wins (R-L5 first), the default fills the blank language
    assert person.territory_code == "WEST"
    assert person.language_code == "NOB"


def test_with_inheritance_off_a_persons_blank_field_takes_the_default(
    defaults: MarketingSetup,
) -> None:
    company = contact_create(data={"name": "Fabrikam", "territory_code": "west"})
    MarketingSetup.objects.update(inherit_territory_code=False)
    person = contact_create(
        data={"type": "person", "name": "Jane Doe"}, company_number=company.number
    )
    assert person.territory_code == "NORTH"


def test_a_contact_made_for_a_new_customer_skips_the_defaults(defaults: MarketingSetup) -> None:
    customer_create(data={"name": "Fabrikam"})
    contact = Contact.objects.get(name="Fabrikam")
    assert _filled(contact) == ("", "", "", "", "", "")


def test_csv_import_gives_new_contacts_the_defaults_and_keeps_given_values(
    defaults: MarketingSetup,
) -> None:
    text = "name,territory_code\nFabrikam,\nContoso,south\n"
    result = csv_import("contact", io.StringIO(text))
    assert (result.created, result.errors) == (2, [])
    assert _filled(Contact.objects.get(name="Fabrikam")) == SETUP_VALUES
    assert Contact.objects.get(name="Contoso").territory_code == "SOUTH"


def test_csv_import_reads_the_setup_once_per_chunk_not_per_row(defaults: MarketingSetup) -> None:
    def setup_reads(rows: int) -> int:
        text = "name\n" + "".join(f"Contact {rows}-{i}\n" for i in range(rows))
        with acting_as(user), CaptureQueriesContext(connection) as ctx:
            csv_import("contact", io.StringIO(text))
        profile = [q for q in ctx.captured_queries if "accounts_userprofile" in q["sql"]]
        setup = [q for q in ctx.captured_queries if "relations_marketingsetup" in q["sql"]]
        assert profile
        assert setup
        return len(profile) + len(setup)

    user = user_create(username="ana", password="pw", salesperson_code="ana")
    assert setup_reads(3) == setup_reads(30)
    assert Contact.objects.filter(salesperson_code="ANA").count() == 33


# The user's own salesperson (spec 1.1: it overrides the setup default; a given value wins)


def test_the_users_salesperson_beats_the_setup_default_on_a_new_contact(
    defaults: MarketingSetup,
) -> None:
    user = user_create(username="ana", password="pw", salesperson_code="ana")
    with acting_as(user):
        mine = contact_create(data={"name": "Fabrikam"})
        given = contact_create(data={"name": "Contoso", "salesperson_code": "other"})
    assert mine.salesperson_code == "ANA"
    assert given.salesperson_code == "OTHER"


def test_a_user_without_a_salesperson_gets_the_setup_default(defaults: MarketingSetup) -> None:
    user = user_create(username="ana", password="pw")
    with acting_as(user):
        contact = contact_create(data={"name": "Fabrikam"})
    assert contact.salesperson_code == "SP-SETUP"


def test_the_api_gives_a_new_contact_the_defaults_and_the_token_users_salesperson(
    defaults: MarketingSetup,
) -> None:
    api = ApiClient(role="editor", username="ana")
    user_salesperson_set(username="ana", salesperson_code="ana")
    response = api.post("/contacts", {"name": "Fabrikam"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["salesperson_code"], body["territory_code"]) == ("ANA", "NORTH")
    response = api.post("/contacts", {"name": "Contoso", "territory_code": "south"})
    assert response.json()["territory_code"] == "SOUTH"


def test_the_web_form_gives_a_new_contact_the_defaults_and_the_signed_in_users_salesperson(
    client: Client, defaults: MarketingSetup
) -> None:
    user = user_create(username="ana", password="pw", role="editor", salesperson_code="ana")
    client.force_login(user)  # type: ignore[arg-type]
    response = client.post("/contacts/new/", _new_contact_form(name="Fabrikam"))
    assert response.status_code == 302
    contact = Contact.objects.get(name="Fabrikam")
    assert (contact.salesperson_code, contact.territory_code) == ("ANA", "NORTH")
    client.post("/contacts/new/", _new_contact_form(name="Contoso", territory_code="south"))
    assert Contact.objects.get(name="Contoso").territory_code == "SOUTH"


# Bad input leaves the setup unchanged


def test_a_too_long_default_code_is_refused_and_the_setup_is_unchanged(
    defaults: MarketingSetup,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        marketing_setup_update(
            data={"default_territory_code": "X" * 11, "default_language_code": "ENU"}
        )
    assert "default_territory_code" in caught.value.fields
    setup = MarketingSetup.objects.get()
    assert (setup.default_territory_code, setup.default_language_code) == ("NORTH", "NOB")


def test_a_default_country_that_is_no_iso_code_is_refused_and_the_setup_is_unchanged(
    defaults: MarketingSetup,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        marketing_setup_update(data={"default_country_code": "xx"})
    assert "default_country_code" in caught.value.fields
    assert MarketingSetup.objects.get().default_country_code == "NO"


def test_an_unknown_correspondence_type_is_refused_and_the_setup_is_unchanged(
    defaults: MarketingSetup,
) -> None:
    with pytest.raises(ValidationFailed):
        marketing_setup_update(data={"default_correspondence_type": "pigeon"})
    assert MarketingSetup.objects.get().default_correspondence_type == "email"


def test_the_setup_api_shows_and_changes_the_defaults_and_refuses_a_too_long_one() -> None:
    api = ApiClient(role="admin")
    response = api.patch("/marketing-setup", {"default_territory_code": "north"})
    assert response.status_code == 200, response.content
    assert response.json()["default_territory_code"] == "NORTH"
    response = api.patch("/marketing-setup", {"default_salesperson_code": "X" * 21})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    setup = MarketingSetup.objects.get()
    assert (setup.default_territory_code, setup.default_salesperson_code) == ("NORTH", "")


def _setup_form(**values: str) -> dict[str, str]:
    data = {
        "bus_rel_code_for_customers": "CUST",
        "bus_rel_code_for_vendors": "VEND",
        "bus_rel_code_for_bank_accounts": "BANK",
        "contact_nos": "CONT",
    }
    data.update(values)
    return data


def test_the_setup_page_saves_a_default_and_refuses_a_too_long_one(client: Client) -> None:
    client.force_login(user_create(username="boss", password="pw", role="admin"))  # type: ignore[arg-type]
    response = client.post("/setup/", _setup_form(default_territory_code="north"))
    assert response.status_code == 302
    assert MarketingSetup.objects.get().default_territory_code == "NORTH"
    response = client.post("/setup/", _setup_form(default_territory_code="X" * 11))
    assert response.status_code == 200
    assert "at most 10 characters" in response.content.decode()
    assert MarketingSetup.objects.get().default_territory_code == "NORTH"
