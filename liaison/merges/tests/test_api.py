"""The merge resources: merge, dry run, list, read, undo, and who may do what."""

from __future__ import annotations

from liaison.contacts.models import Contact
from liaison.contacts.services import contact_create, contact_update
from liaison.merges.models import Merge
from tests.api_client import ApiClient


def _pair() -> tuple[Contact, Contact]:
    a = contact_create(data={"name": "Fabrikam Inc.", "city": "Oslo"})
    b = contact_create(data={"name": "FABRIKAM, INC", "city": "Bergen"})
    return a, b


def test_api_dry_run_names_conflicts_and_writes_nothing() -> None:
    a, b = _pair()
    api = ApiClient(role="editor")
    body = {"contact": a.number, "duplicate": b.number, "dry_run": True}
    response = api.post("/merges", body)
    assert response.status_code == 200, response.content
    assert "city" in response.json()["conflicts"]
    assert Contact.objects.filter(pk=b.pk).exists()
    assert not Merge.objects.exists()


def test_api_editor_merges_and_admin_undoes() -> None:
    a, b = _pair()
    editor = ApiClient(role="editor", username="ed")
    body = {"contact": a.number, "duplicate": b.number, "choices": {"city": "merged"}}
    response = editor.post("/merges", body)
    assert response.status_code == 201, response.content
    merge_id = response.json()["id"]
    assert Contact.objects.get(pk=a.pk).city == "Bergen"
    assert editor.get(f"/merges/{merge_id}").json()["duplicate"] == b.number
    assert [m["id"] for m in editor.get("/merges").json()["items"]] == [merge_id]
    admin = ApiClient(role="admin", username="boss")
    response = admin.post(f"/merges/{merge_id}/undo")
    assert response.status_code == 200, response.content
    assert Contact.objects.get(pk=b.pk).city == "Bergen"
    assert Contact.objects.get(pk=a.pk).city == "Oslo"


def test_api_editor_cannot_undo() -> None:
    a, b = _pair()
    editor = ApiClient(role="editor")
    merge_id = editor.post("/merges", {"contact": a.number, "duplicate": b.number}).json()["id"]
    response = editor.post(f"/merges/{merge_id}/undo")
    assert response.status_code == 403
    assert Merge.objects.get().undone_at is None
    assert not Contact.objects.filter(pk=b.pk).exists()


def test_api_viewer_cannot_merge() -> None:
    a, b = _pair()
    response = ApiClient(role="viewer").post(
        "/merges", {"contact": a.number, "duplicate": b.number}
    )
    assert response.status_code == 403
    assert Contact.objects.filter(pk=b.pk).exists()


def test_api_merge_with_itself_and_unknown_numbers_refused() -> None:
    a, b = _pair()
    api = ApiClient(role="editor")
    same = api.post("/merges", {"contact": a.number, "duplicate": a.number})
    assert (same.status_code, same.json()["code"]) == (422, "merge_same_contact")
    unknown = api.post("/merges", {"contact": a.number, "duplicate": "NOPE"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    stale = api.post("/merges", {"contact": a.number, "duplicate": b.number, "contact_version": 99})
    assert stale.json()["code"] == "stale_version"
    assert Contact.objects.filter(pk=b.pk).exists()
    assert not Merge.objects.exists()


def test_api_undo_refused_after_a_later_change_lists_what_changed() -> None:
    a, b = _pair()
    api = ApiClient(role="admin")
    merge_id = api.post("/merges", {"contact": a.number, "duplicate": b.number}).json()["id"]
    contact_update(contact=a, data={"phone_no": "+47 22 00 00 09"})
    response = api.post(f"/merges/{merge_id}/undo")
    assert response.status_code == 409
    problem = response.json()
    assert problem["code"] == "merge_changed_since"
    assert any(a.number in line for line in problem["errors"]["changed"])
    assert not Contact.objects.filter(pk=b.pk).exists()
