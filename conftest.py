"""Shared test fixtures: every test starts from the default setup that ``liaison init`` makes."""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.masterdata.services import code_create
from liaison.masterdata.tables import LANGUAGES, PAYMENT_TERMS, SALESPEOPLE, TERRITORIES
from liaison.setup import setup_all

# `make test` must give the same answer every run: the "ci" profile replays a fixed set of
# examples. LIAISON_FUZZ=1 switches to random exploration (for longer fuzzing runs).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("fuzz", derandomize=False, print_blob=True)
settings.load_profile("fuzz" if os.environ.get("LIAISON_FUZZ") else "ci")


@pytest.fixture(autouse=True)
def default_setup(db: None) -> None:
    """The ready-to-use default setup (series CONT/CUST/VEND/BANK, relations, templates)."""
    setup_all()
    master_data()


# The codes tests put on contacts and records: a code must name a row of its table.
TEST_CODES = {
    SALESPEOPLE: ("JS", "PS", "MK", "BUYER"),
    TERRITORIES: ("NORTH", "SOUTH"),
    LANGUAGES: ("NOR", "ENU"),
    PAYMENT_TERMS: ("60 DAYS",),
}


def master_data() -> None:
    """The salespeople, territories, languages and payment terms the tests use."""
    for table, codes in TEST_CODES.items():
        for code in codes:
            code_create(table, data={"code": code})


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
