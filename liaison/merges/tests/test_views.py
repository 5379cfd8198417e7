"""The merge pages: side by side, confirm, the merge's page, undo, the list, roles."""

from __future__ import annotations

from django.test import Client

from liaison.accounts.services import user_create
from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.merges.models import Merge


def _login(client: Client, role: str) -> Client:
    client.force_login(user_create(username=f"u-{role}", password="pw", role=role))  # type: ignore[arg-type]
    return client


def _pair() -> tuple[Contact, Contact]:
    a = contact_create(data={"name": "Fabrikam Inc.", "city": "Oslo"})
    b = contact_create(
        data={"name": "FABRIKAM, INC", "city": "Bergen", "email": "x@fabrikam.example.com"}
    )
    return a, b


def test_merge_page_shows_both_values_and_a_choice_per_conflict(client: Client) -> None:
    a, b = _pair()
    page = _login(client, "editor").get(f"/merges/new/?contact={a.number}&duplicate={b.number}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Oslo" in text
    assert "Bergen" in text
    assert 'name="city" value="survivor" checked' in text
    assert 'name="email"' not in text  # no conflict: the survivor's blank is filled


def test_confirm_merges_with_the_chosen_value_and_opens_the_merge_page(client: Client) -> None:
    a, b = _pair()
    web = _login(client, "editor")
    url = f"/merges/new/?contact={a.number}&duplicate={b.number}"
    response = web.post(url, {"name": "survivor", "city": "merged"})
    merge = Merge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/merges/{merge.pk}/"
    assert Contact.objects.get(pk=a.pk).city == "Bergen"
    assert "FABRIKAM, INC" in web.get(f"/merges/{merge.pk}/").content.decode()
    assert str(merge.pk) in web.get("/merges/").content.decode()


def test_merge_page_refuses_a_contact_with_itself_and_changes_nothing(client: Client) -> None:
    a, _b = _pair()
    web = _login(client, "editor")
    response = web.post(f"/merges/new/?contact={a.number}&duplicate={a.number}", {})
    assert "cannot be merged with itself" in response.content.decode()
    assert not Merge.objects.exists()


def test_viewer_cannot_open_the_merge_page(client: Client) -> None:
    a, b = _pair()
    page = _login(client, "viewer").get(f"/merges/new/?contact={a.number}&duplicate={b.number}")
    assert page.status_code == 403


def test_editor_cannot_undo_on_the_page(client: Client) -> None:
    a, b = _pair()
    web = _login(client, "editor")
    web.post(f"/merges/new/?contact={a.number}&duplicate={b.number}", {})
    merge = Merge.objects.get()
    assert "Undo" not in web.get(f"/merges/{merge.pk}/").content.decode()
    assert web.post(f"/merges/{merge.pk}/undo/").status_code == 403
    assert Merge.objects.get().undone_at is None


def test_undo_refused_on_the_page_lists_what_changed(client: Client) -> None:
    a, b = _pair()
    web = _login(client, "admin")
    web.post(f"/merges/new/?contact={a.number}&duplicate={b.number}", {})
    merge = Merge.objects.get()
    contact_update(contact=a, data={"city": "Trondheim"})
    response = web.post(f"/merges/{merge.pk}/undo/")
    assert response.status_code == 409
    assert f"Contact {a.number} was changed" in response.content.decode()
    assert not Contact.objects.filter(pk=b.pk).exists()
