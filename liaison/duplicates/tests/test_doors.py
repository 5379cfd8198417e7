"""Duplicate detection at its doors: the batch job (R-I4/R-I7), the CLI, the API (R-O4)."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.batch.jobs import job_create, job_run
from liaison.cli import main
from liaison.contacts.models import Contact
from liaison.duplicates.models import ContactDuplicate, ContactSearchString
from liaison.duplicates.models import DuplicateSearchStringSetup as Row
from liaison.relations.models import MarketingSetup
from liaison.sales.services import customer_create
from tests.api_client import ApiClient

FABRIKAM = {
    "name": "Fabrikam Inc.",
    "address": "5 Harbour Road",
    "city": "Seattle",
    "post_code": "98101",
    "country_code": "US",
    "phone_no": "+1 206 555 0100",
}


def _unlinked_customers(*datas: dict[str, Any]) -> None:
    code = MarketingSetup.objects.get().bus_rel_code_for_customers
    MarketingSetup.objects.update(bus_rel_code_for_customers=None)
    for data in datas:
        customer_create(data=data)
    MarketingSetup.objects.update(bus_rel_code_for_customers=code)


def test_the_batch_job_indexes_every_new_contact_and_counts_those_with_duplicates() -> None:
    # Maintain off: R-I4 indexes the batch's new contacts whatever the setup says.
    MarketingSetup.objects.update(maintain_dupl_search_strings=False)
    _unlinked_customers(FABRIKAM, {**FABRIKAM, "name": "FABRIKAM, INC"}, {"name": "Lonely Ltd"})
    job = job_run(job_create(kind="customer", chunk_size=2).pk)
    assert (job.status, job.created, job.with_duplicates) == ("done", 3, 2)
    assert ContactDuplicate.objects.count() == 1
    assert ContactSearchString.objects.filter(contact__name="Lonely Ltd").exists()


def test_the_cli_index_builds_pairs_and_says_how_many(capsys: pytest.CaptureFixture[str]) -> None:
    MarketingSetup.objects.update(maintain_dupl_search_strings=False)
    from liaison.contacts.services import contact_create

    contact_create(data=FABRIKAM)
    contact_create(data={**FABRIKAM, "name": "Fabrikam"})
    assert not ContactDuplicate.objects.exists()
    assert main(["duplicates", "index", "--chunk-size", "1"]) == 0
    # each pair is found once, by the later of its two contacts
    assert "Indexed 2 company contacts; 1 of them found duplicates." in capsys.readouterr().out
    assert ContactDuplicate.objects.count() == 1


def test_the_cli_refuses_a_bad_date_or_chunk_size_with_exit_2() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["duplicates", "index", "--modified-since", "yesterday"])
    assert exited.value.code == 2
    with pytest.raises(SystemExit) as exited:
        main(["duplicates", "index", "--chunk-size", "0"])
    assert exited.value.code == 2


def test_the_api_says_duplicates_found_after_a_save_that_finds_some() -> None:
    api = ApiClient()
    first = api.post("/contacts", FABRIKAM)
    assert first.status_code == 201, first.content
    assert first.json()["notices"] == []
    second = api.post("/contacts", {**FABRIKAM, "name": "Fabrikam GmbH"})
    assert second.json()["notices"] == ["duplicates_found"]
    number = second.json()["number"]
    edit = api.patch(f"/contacts/{number}", {"home_page": "fabrikam.example.com"})
    assert edit.json()["notices"] == []  # no watched field changed: no check (R-D6)
    edit = api.patch(f"/contacts/{number}", {"city": "Seattle WA"})
    assert edit.json()["notices"] == ["duplicates_found"]


def test_the_api_lists_pairs_by_contact_and_keeps_the_separate_verdict() -> None:
    api = ApiClient()
    a = api.post("/contacts", FABRIKAM).json()["number"]
    api.post("/contacts", {**FABRIKAM, "name": "Fabrikam Ltd"})
    api.post("/contacts", {"name": "Elsewhere"})
    pairs = api.get(f"/duplicates?contact={a}").json()
    assert len(pairs) == 1
    pair = pairs[0]
    assert pair["duplicate"]["number"] == a or pair["contact"]["number"] == a
    assert "phone" in pair["identifiers"]
    done = api.patch(f"/duplicates/{pair['id']}", {"separate_contacts": True})
    assert done.status_code == 200
    assert done.json()["separate_contacts"] is True
    assert api.get("/duplicates?contact=ELSEWHERE").json() == []


def test_the_api_refuses_bad_input_and_changes_nothing() -> None:
    api = ApiClient()
    api.post("/contacts", FABRIKAM)
    api.post("/contacts", {**FABRIKAM, "name": "Fabrikam Ltd"})
    pair = ContactDuplicate.objects.get()
    bad = api.patch(f"/duplicates/{pair.pk}", {"separate_contacts": "yes"})
    assert bad.status_code == 422
    assert api.patch("/duplicates/999999", {"separate_contacts": True}).status_code == 404
    assert ContactDuplicate.objects.get().separate_contacts is False
    rows = Row.objects.count()
    refused = api.post("/duplicate-search-string-setup", {"field": "name_2", "length": 11})
    assert refused.status_code == 400 or refused.status_code == 422
    assert refused["Content-Type"].startswith("application/problem+json")
    assert api.post("/duplicate-search-string-setup", {"field": "secret"}).status_code in (400, 422)
    assert Row.objects.count() == rows


def test_the_setup_rows_through_the_api() -> None:
    api = ApiClient()
    assert len(api.get("/duplicate-search-string-setup").json()) == 16
    made = api.post("/duplicate-search-string-setup", {"field": "name_2", "part": "last"})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert api.patch(f"/duplicate-search-string-setup/{pk}", {"length": 7}).json()["length"] == 7
    assert api.delete(f"/duplicate-search-string-setup/{pk}").status_code == 204
    assert Row.objects.count() == 16


def test_an_editor_cannot_change_the_setup_rows() -> None:
    api = ApiClient(role="editor", username="ed")
    assert api.post("/duplicate-search-string-setup", {"field": "name_2"}).status_code == 403


def test_marketing_setup_carries_the_duplicate_switches() -> None:
    api = ApiClient()
    setup = api.get("/marketing-setup").json()
    assert (setup["maintain_dupl_search_strings"], setup["search_hit_pct"]) == (True, 60)
    assert api.patch("/marketing-setup", {"search_hit_pct": 101}).status_code == 422
    assert api.patch("/marketing-setup", {"search_hit_pct": 50}).json()["search_hit_pct"] == 50
    assert Contact.objects.count() == 0


def test_the_job_page_says_there_are_duplicate_contacts_with_a_show_link(client: Any) -> None:
    from liaison.accounts.services import user_create

    _unlinked_customers(FABRIKAM, {**FABRIKAM, "name": "FABRIKAM, INC"})
    job = job_run(job_create(kind="customer").pk)
    client.force_login(user_create(username="clerk", password="pw", role="admin"))
    page = client.get(f"/batch/jobs/{job.pk}/").content.decode()
    assert "There are duplicate contacts." in page
    assert "2 new contacts have duplicates." in page
    assert 'href="/duplicates/"' in page
