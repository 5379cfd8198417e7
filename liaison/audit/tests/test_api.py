"""The history endpoints of the REST API."""

from __future__ import annotations

from liaison.audit.context import Source
from liaison.contacts.models import Contact
from liaison.sales.services import customer_create_from_contact
from tests.api_client import ApiClient


def test_history_lists_who_changed_what_newest_first_in_pages(company: Contact) -> None:
    # given
    api = ApiClient(role="editor", username="integrator")
    api.patch(f"/contacts/{company.number}", {"city": "Bergen"})
    api.patch(f"/contacts/{company.number}", {"city": "Tromsø"})
    # when
    first = api.get(f"/contacts/{company.number}/history?limit=1")
    second = api.get(
        f"/contacts/{company.number}/history?limit=1&cursor={first.json()['next_cursor']}"
    )
    # then
    assert first.status_code == 200
    [newest] = first.json()["items"]
    assert newest["username"] == "integrator"
    assert newest["source"] == Source.USER
    assert (newest["field"], newest["old"], newest["new"]) == ("city", "Bergen", "Tromsø")
    [older] = second.json()["items"]
    assert (older["old"], older["new"]) == ("Oslo", "Bergen")


def test_customer_history_shows_synchronised_changes_with_their_origin(company: Contact) -> None:
    # given
    customer, _ = customer_create_from_contact(contact=company)
    api = ApiClient(role="viewer", username="reader")
    editor = ApiClient(role="editor", username="writer")
    editor.patch(f"/contacts/{company.number}", {"email": "sales@alpine.example.com"})
    # when
    response = api.get(f"/customers/{customer.number}/history")
    # then a viewer may read it, and it names the contact the change came from
    newest = response.json()["items"][0]
    assert newest["source"] == Source.SYNC
    assert newest["username"] == "writer"
    assert (newest["origin_kind"], newest["origin_number"]) == ("contact", company.number)
    assert newest["new"] == "sales@alpine.example.com"


def test_history_of_an_unknown_record_is_404_and_a_forged_cursor_422(company: Contact) -> None:
    api = ApiClient(role="viewer", username="reader")
    assert api.get("/vendors/NOPE/history").status_code == 404
    response = api.get(f"/contacts/{company.number}/history?cursor=YWJj")
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"
