"""The "History" section of the cards and the history page."""

from __future__ import annotations

import pytest
from django.test import Client

from liaison.accounts.services import user_create
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_update
from liaison.sales.services import customer_create_from_contact


@pytest.fixture
def web(client: Client) -> Client:
    client.force_login(user_create(username="clerk", password="pw", role="editor"))  # type: ignore[arg-type]
    return client


def test_a_save_on_the_card_appears_in_the_history_of_contact_and_customer(
    web: Client, company: Contact
) -> None:
    # given
    customer, _ = customer_create_from_contact(contact=company)
    from liaison.contacts.forms import contact_initial

    form = {k: v for k, v in contact_initial(company).items() if v not in (None, False)}
    form["phone_no"] = "+47 99 88 77 66"
    # when
    web.post(f"/contacts/{company.number}/edit/", form)
    # then
    card = web.get(f"/contacts/{company.number}/").content.decode()
    assert 'id="history"' in card
    assert "Changed phone no" in card
    assert "clerk" in card
    record_card = web.get(f"/customers/{customer.number}/").content.decode()
    assert "Synchronisation" in record_card
    assert f"Contact {company.number}" in record_card


def test_the_card_shows_the_latest_50_and_more_loads_the_rest(
    web: Client, company: Contact
) -> None:
    # given 60 changes
    for i in range(60):
        contact_update(contact=company, data={"city": f"City {i}"})
    # when
    card = web.get(f"/contacts/{company.number}/").content.decode()
    # then the newest first, 50 of them, and a "More" link
    assert card.index("City 59") < card.index("City 58")
    assert "<td>City 8</td>" not in card
    assert 'id="history-more"' in card
    more = card.split('id="history-more"')[1].split('href="')[1].split('"')[0]
    rows = web.get(more.replace("&amp;", "&"), headers={"HX-Request": "true"}).content.decode()
    assert "<td>City 8</td>" in rows
    assert "<html" not in rows
    assert "history-more" not in rows
    page = web.get(more.replace("&amp;", "&")).content.decode()
    assert "History · Contact" in page
