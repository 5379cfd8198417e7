"""A format region is a locale Babel's CLDR data knows (en-US, fr-CA, nb-NO): a typo is refused
at every door with the field named, instead of being kept as a region nobody has (issue #17)."""

from __future__ import annotations

import io

import pytest

from liaison.batch.imports.pipeline import csv_import
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.core.errors import ValidationFailed
from liaison.relations.models import MarketingSetup
from liaison.relations.services import marketing_setup_update
from liaison.sales.models import Customer
from tests.api_client import ApiClient


def test_a_known_locale_is_a_format_region() -> None:
    contact = contact_create(data={"name": "Érable Ltée", "format_region": "fr-CA"})
    assert contact.format_region == "fr-CA"


def test_an_unknown_format_region_is_refused_and_the_contact_keeps_its_own() -> None:
    contact = contact_create(data={"name": "Fjord AS", "format_region": "nb-NO"})
    with pytest.raises(ValidationFailed) as caught:
        contact_update(contact=contact, data={"format_region": "nb-XX"})
    assert "format_region" in caught.value.fields
    assert "not a known format region" in caught.value.fields["format_region"][0]
    assert Contact.objects.get(pk=contact.pk).format_region == "nb-NO"


def test_the_api_refuses_an_unknown_format_region_on_a_customer() -> None:
    response = ApiClient().post("/customers", {"name": "Typo Inc", "format_region": "en_US"})
    assert response.status_code == 422, response.content
    assert "format_region" in response.json()["errors"]
    assert not Customer.objects.filter(name="Typo Inc").exists()


def test_an_import_row_with_an_unknown_format_region_is_a_row_error() -> None:
    text = "name,format_region\nGood,en-GB\nBad,english\n"
    result = csv_import("vendor", io.StringIO(text))
    assert [(e.row, e.field) for e in result.errors] == [(2, "format_region")]
    assert result.created == 1


def test_a_default_format_region_babel_does_not_know_is_refused_in_the_setup() -> None:
    with pytest.raises(ValidationFailed):
        marketing_setup_update(data={"default_format_region": "xx-YY"})
    assert MarketingSetup.objects.get().default_format_region == ""
