"""Shared test fixtures: every test starts from the default setup that ``liaison init`` makes."""

from __future__ import annotations

import pytest

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.relations.services import setup_init


@pytest.fixture(autouse=True)
def default_setup(db: None) -> None:
    """The ready-to-use default setup (series CONT/CUST/VEND/BANK, relations, templates)."""
    setup_init()


@pytest.fixture
def company() -> Contact:
    """A company contact with a full address and communication details."""
    return contact_create(
        data={
            "name": "Alpine Ski House",
            "address": "1 Main Street",
            "city": "Oslo",
            "post_code": "0150",
            "country_code": "NO",
            "phone_no": "+47 22 33 44 55",
            "email": "info@alpine.example.com",
            "territory_code": "north",
            "salesperson_code": "js",
        }
    )
