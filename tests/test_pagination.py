"""Keyset pagination (``core/pagination.py``) on contacts: every shape walks each row once, ties
included (here, not in core/tests: core imports no other app, its tests neither)."""

from __future__ import annotations

import base64
import json

import pytest

from liaison.contacts.models import Contact
from liaison.contacts.selectors import contact_list
from liaison.contacts.services import contact_create
from liaison.core.errors import ValidationFailed
from liaison.core.pagination import PAGE_SIZE, encode_cursor, keyset_page, page, page_before

pytestmark = pytest.mark.django_db

CITIES = ("Bergen", "Oslo", "Tromsø")


@pytest.fixture
def contacts() -> list[Contact]:
    """More than two web pages, in three cities: long runs of ties on the sort column."""
    return [
        contact_create(data={"name": f"Firm {i:03}", "city": CITIES[i % 3]})
        for i in range(2 * PAGE_SIZE + 7)
    ]


def test_a_web_list_sorted_on_a_column_with_ties_shows_each_row_once(
    contacts: list[Contact],
) -> None:
    # given the contacts by city, descending (ties ordered by number, descending too)
    expected = sorted(((c.city, c.number) for c in contacts), reverse=True)
    # when the pages are followed through their "after" links
    seen, cursor = [], None
    while True:
        rows, cursor = keyset_page(contact_list(), sort="city", descending=True, cursor=cursor)
        seen += [(row.city, row.number) for row in rows]
        if cursor is None:
            break
        # then each link names the last row shown: its city and its number
        assert json.loads(base64.urlsafe_b64decode(cursor)) == list(seen[-1])
    assert seen == expected


def test_a_web_list_in_number_order_names_the_number_twice_and_ignores_a_bad_link(
    contacts: list[Contact],
) -> None:
    # given the first page in number order
    rows, cursor = keyset_page(contact_list(), sort="number", descending=False, cursor=None)
    # then its link holds the last number as both the sort value and the key
    assert cursor is not None
    assert json.loads(base64.urlsafe_b64decode(cursor)) == [rows[-1].number] * 2
    # and a link this page did not make starts from the top
    again, _ = keyset_page(contact_list(), sort="number", descending=False, cursor="@@@")
    assert again == rows


def test_the_api_cursor_is_the_last_key_in_base64_and_a_forged_one_is_refused(
    contacts: list[Contact],
) -> None:
    # given API pages of 40 in number order
    seen, cursor = [], None
    while True:
        items, nxt = page(contact_list(), cursor=cursor, limit=40)
        seen += [c.number for c in items]
        if nxt is None:
            break
        assert nxt == encode_cursor(seen[-1])
        cursor = nxt
    # then every contact came once, in order
    assert seen == sorted(c.number for c in contacts)
    # and a cursor on a numeric key must hold digits
    with pytest.raises(ValidationFailed):
        page(contact_list(), cursor=encode_cursor("12a"), limit=40, key="id")


def test_pages_before_a_key_go_newest_first(contacts: list[Contact]) -> None:
    # given the contacts newest first
    expected = sorted((c.pk for c in contacts), reverse=True)
    # when the "more" key of each page asks for the next
    seen, before = [], None
    while True:
        rows, before = page_before(contact_list(), before=before)
        seen += [row.pk for row in rows]
        if before is None:
            break
        assert before == seen[-1]
    # then each came once
    assert seen == expected
