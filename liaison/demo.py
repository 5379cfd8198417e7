"""A realistic demo company: about 50 companies with persons, customers, vendors and bank
accounts, some linked and some not. Built only through the services, deterministically."""

from __future__ import annotations

import contextlib
import random

from django.db import transaction

from liaison.accounts.services import user_create
from liaison.banking.services import bank_account_create
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.masterdata.errors import CodeExists
from liaison.masterdata.services import code_create
from liaison.masterdata.tables import POST_CODES, SALESPEOPLE, TERRITORIES
from liaison.purchases.services import vendor_create, vendor_create_from_contact
from liaison.relations.models import MarketingSetup
from liaison.sales.models import Customer
from liaison.sales.services import customer_create, customer_create_from_contact

DEMO_USER = "demo"
DEMO_PASSWORD = "demo-liaison"  # a local demo only; real users come from `liaison user create`
_COMPANIES = [
    ("Alpine Ski House", "NO", "Oslo", "0150", "+47 22 33 44 55"),
    ("Fabrikam Industries", "DE", "Berlin", "10115", "+49 30 1234567"),
    ("Contoso Pharmaceuticals", "GB", "London", "EC1A 1BB", "+44 20 7946 0958"),
    ("Northwind Traders", "US", "Seattle", "98101", "+1 206 555 0100"),
    ("Tailspin Toys", "US", "Chicago", "60601", "+1 312 555 0142"),
    ("Wide World Importers", "NL", "Amsterdam", "1012 AB", "+31 20 123 4567"),
    ("Adventure Works Cycles", "FR", "Lyon", "69001", "+33 4 72 00 00 00"),
    ("Coho Winery", "ES", "Madrid", "28001", "+34 91 123 45 67"),
    ("Litware Systems", "SE", "Stockholm", "111 20", "+46 8 123 456 78"),
    ("Proseware Consulting", "DK", "Copenhagen", "1050", "+45 33 12 34 56"),
]
_TERRITORIES = {"NORDIC": "Nordic countries", "EUROPE": "Rest of Europe", "NA": "North America"}
_TERRITORY_OF = {"NO": "NORDIC", "SE": "NORDIC", "DK": "NORDIC", "US": "NA"}
_SALESPEOPLE = [("JD", "Jane Doe"), ("OK", "Ola Karlsen")]
_SUFFIXES = ["", " Nordic", " Logistics", " Retail", " Services"]
_STREETS = ["Main Street", "Harbour Road", "King's Way", "Station Square", "Mill Lane"]
_FIRST = ["Jane", "Ola", "Kari", "Lars", "Maria", "Pierre", "Anna", "Jon", "Eva", "Tom"]
_LAST = ["Doe", "Nordmann", "Hansen", "Schmidt", "Dupont", "Larsen", "Berg", "Smith"]
_IBANS = {
    "NO": "NO9386011117947",
    "DE": "DE89370400440532013000",
    "GB": "GB29NWBK60161331926819",
    "NL": "NL91ABNA0417164300",
    "FR": "FR1420041010050500013M02606",
    "ES": "ES9121000418450200051332",
    "SE": "SE4550000000058398257466",
    "DK": "DK5000400440116243",
}


def _company_data(rng: random.Random, index: int) -> dict[str, str]:
    name, country, city, post_code, phone = _COMPANIES[index % len(_COMPANIES)]
    suffix = _SUFFIXES[index // len(_COMPANIES) % len(_SUFFIXES)]
    slug = (name + suffix).lower().replace(" ", "").replace("'", "")
    return {
        "name": f"{name}{suffix}",
        "address": f"{rng.randint(1, 200)} {rng.choice(_STREETS)}",
        "city": city,
        "post_code": post_code,
        "country_code": country,
        "territory_code": _TERRITORY_OF.get(country, "EUROPE"),
        "phone_no": phone[:-2] + f"{index % 100:02d}",
        "email": f"info@{slug}.example.com",
        "home_page": f"https://www.{slug}.example.com",
    }


def _codes_load() -> None:
    """The codes the demo names (territories), salespeople to pick, and its post codes; a
    code the database already has is kept."""
    rows = [
        *((TERRITORIES, {"code": c, "name": n}) for c, n in _TERRITORIES.items()),
        *((SALESPEOPLE, {"code": c, "name": n}) for c, n in _SALESPEOPLE),
        *(
            (POST_CODES, {"code": post_code, "city": city, "country_code": country})
            for _name, country, city, post_code, _phone in _COMPANIES
        ),
    ]
    for table, data in rows:
        with contextlib.suppress(CodeExists):
            code_create(table, data=data)


def demo_is_loadable() -> bool:
    """The demo is only loaded into an empty database, never over real data."""
    return not (Contact.objects.exists() or Customer.objects.exists())


@transaction.atomic
def demo_load(companies: int = 50) -> dict[str, int]:
    """Load the demo company; returns what it created."""
    rng = random.Random(2017)
    setup = MarketingSetup.objects.select_for_update().get(pk=1)
    _codes_load()
    made = {"companies": 0, "persons": 0, "customers": 0, "vendors": 0, "bank accounts": 0}
    for i in range(companies):
        data = _company_data(rng, i)
        style = i % 5
        if style in (0, 1):
            customer = customer_create(data=data)
            made["customers"] += 1
            company = Contact.objects.get(relations__customer=customer)
            if style == 1:
                vendor_create_from_contact(contact=company)
                made["vendors"] += 1
        elif style == 2:
            vendor = vendor_create(data=data)
            made["vendors"] += 1
            company = Contact.objects.get(relations__vendor=vendor)
        elif style == 3:
            company = contact_create(data=data)
            if i % 2:
                customer_create_from_contact(contact=company)
                made["customers"] += 1
        else:
            company = contact_create(data=data)
        made["companies"] += 1
        for _ in range(rng.randint(0, 3)):
            first, last = rng.choice(_FIRST), rng.choice(_LAST)
            contact_create(
                data={
                    "type": "person",
                    "name": f"{first} {last}",
                    "job_title": rng.choice(["Buyer", "Accountant", "CEO", "Sales"]),
                    "email": f"{first.lower()}.{last.lower()}@example.com",
                },
                company_number=company.number,
            )
            made["persons"] += 1
    # Records created while synchronisation was off stay unlinked: batch material.
    code = setup.bus_rel_code_for_customers
    MarketingSetup.objects.filter(pk=1).update(bus_rel_code_for_customers=None)
    for i in range(8):
        data = _company_data(rng, companies + i)
        data["name"] = f"{data['name']} (unlinked)"
        customer_create(data=data)
        made["customers"] += 1
    MarketingSetup.objects.filter(pk=1).update(bus_rel_code_for_customers=code)
    for country, iban in sorted(_IBANS.items()):
        bank_account_create(
            data={
                "name": f"Demo Bank {country}",
                "country_code": country,
                "iban": iban,
                "city": next((c[2] for c in _COMPANIES if c[1] == country), ""),
            }
        )
        made["bank accounts"] += 1
    user_create(username=DEMO_USER, password=DEMO_PASSWORD, role="admin")
    return made
