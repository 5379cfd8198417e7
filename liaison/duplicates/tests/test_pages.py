"""Duplicate pages: the list side by side with "Separate contacts", the setup rows, the
warning while typing (writes nothing) and the notice after a save (R-O4)."""

from __future__ import annotations

import pytest
from django.test import Client

from liaison.accounts.services import user_create
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create
from liaison.duplicates.models import (
    ContactDuplicate,
    ContactIdentifier,
    ContactSearchString,
    DuplicateSearchStringSetup,
)

FABRIKAM = {
    "name": "Fabrikam Inc.",
    "address": "5 Harbour Road",
    "city": "Seattle",
    "post_code": "98101",
    "country_code": "US",
    "phone_no": "+1 206 555 0100",
}


@pytest.fixture
def web(client: Client) -> Client:
    client.force_login(user_create(username="clerk", password="pw", role="admin"))  # type: ignore[arg-type]
    return client


@pytest.fixture
def pair() -> tuple[Contact, Contact]:
    return contact_create(data=FABRIKAM), contact_create(data={**FABRIKAM, "name": "FABRIKAM LTD"})


def test_the_list_shows_both_contacts_side_by_side_with_score_reason_and_merge_link(
    web: Client, pair: tuple[Contact, Contact]
) -> None:
    a, b = pair
    page = web.get(f"/duplicates/?contact={a.number}").content.decode()
    assert a.number in page
    assert b.number in page
    assert "FABRIKAM LTD" in page
    assert "Fabrikam Inc." in page
    assert "phone" in page
    assert f"/merges/new/?contact={b.number}&amp;duplicate={a.number}" in page
    assert "No duplicate contacts found" in web.get("/duplicates/?contact=NONE").content.decode()


def test_separate_contacts_is_set_from_the_list_and_kept_on_rebuild(
    web: Client, pair: tuple[Contact, Contact]
) -> None:
    a, _b = pair
    found = ContactDuplicate.objects.get()
    done = web.post(
        f"/duplicates/{found.pk}/separate/", {"separate_contacts": "on", "contact": a.number}
    )
    assert done.status_code == 302
    assert done["Location"] == f"/duplicates/?contact={a.number}"
    from liaison.contacts.services import contact_update

    contact_update(contact=a, data={"city": "Seattle"})  # unchanged: no rebuild
    contact_update(contact=a, data={"address": "5 Harbour Rd"})  # rebuild
    assert ContactDuplicate.objects.get().separate_contacts is True


def test_a_viewer_cannot_mark_a_pair(client: Client, pair: tuple[Contact, Contact]) -> None:
    client.force_login(user_create(username="v", password="pw", role="viewer"))  # type: ignore[arg-type]
    found = ContactDuplicate.objects.get()
    assert (
        client.post(f"/duplicates/{found.pk}/separate/", {"separate_contacts": "on"}).status_code
        == 403
    )
    assert ContactDuplicate.objects.get().separate_contacts is False


def test_the_warning_while_typing_lists_likely_duplicates_and_writes_nothing(
    web: Client, pair: tuple[Contact, Contact]
) -> None:
    a, _b = pair
    counts = (ContactSearchString.objects.count(), ContactIdentifier.objects.count())
    page = web.get(
        "/duplicates/candidates/",
        {"name": "Other", "phone_no": "(206) 555-0100", "country_code": "US"},
    )
    text = page.content.decode()
    assert "This contact may already exist" in text
    assert a.number in text
    assert (ContactSearchString.objects.count(), ContactIdentifier.objects.count()) == counts
    # editing A: A itself is not its own duplicate, B is
    mine = web.get(
        "/duplicates/candidates/",
        {"name": "Fabrikam Inc.", "phone_no": "+1 206 555 0100", "exclude": a.number},
    ).content.decode()
    assert f"{_b.number} ·" in mine
    assert f"{a.number} ·" not in mine
    assert web.get("/duplicates/candidates/", {"name": "Zzz"}).content.decode().strip() == ""


def test_a_save_that_finds_duplicates_says_so_on_the_card_with_a_link(web: Client) -> None:
    contact_create(data=FABRIKAM)
    data = {**FABRIKAM, "name": "Fabrikam GmbH", "type": "company"}
    saved = web.post("/contacts/new/", data)
    assert saved.status_code == 302, saved.content.decode()[:2000]
    assert saved["Location"].endswith("?duplicates=found")
    card = web.get(saved["Location"]).content.decode()
    assert "Duplicate contacts were found." in card
    assert "/duplicates/?contact=" in card


def test_the_setup_rows_page_adds_edits_and_deletes_rows(web: Client) -> None:
    page = web.get("/duplicates/setup/").content.decode()
    assert "share 10 search strings" in page
    assert (
        web.post(
            "/duplicates/setup/new/", {"field": "name_2", "part": "last", "length": 4}
        ).status_code
        == 302
    )
    row = DuplicateSearchStringSetup.objects.get(field="name_2")
    assert (
        web.post(
            f"/duplicates/setup/{row.pk}/edit/", {"field": "name_2", "part": "last", "length": 6}
        ).status_code
        == 302
    )
    assert DuplicateSearchStringSetup.objects.get(pk=row.pk).length == 6
    assert web.post(f"/duplicates/setup/{row.pk}/delete/").status_code == 302
    assert DuplicateSearchStringSetup.objects.count() == 16


def test_a_bad_setup_row_is_refused_on_the_form_and_nothing_changes(web: Client) -> None:
    refused = web.post("/duplicates/setup/new/", {"field": "name_2", "part": "last", "length": 11})
    assert refused.status_code == 200
    assert "errorlist" in refused.content.decode()
    twice = web.post("/duplicates/setup/new/", {"field": "name", "part": "first", "length": 5})
    assert twice.status_code == 200
    assert "errorlist" in twice.content.decode() or "problem" in twice.content.decode()
    assert DuplicateSearchStringSetup.objects.count() == 16
