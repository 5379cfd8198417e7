"""Contact search through its indexes (trigram on PostgreSQL, FTS5 on SQLite) stays in step."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q

from liaison.batch.bulk import contacts_bulk_update
from liaison.contacts import search
from liaison.contacts.models import Contact
from liaison.contacts.search import text_search
from liaison.contacts.selectors import contact_list
from liaison.contacts.services import contact_create, contact_delete, contact_update
from liaison.sales.models import Customer
from liaison.sales.services import customer_create_from_contact, customer_update
from tests.api_client import ApiClient


def found(text: str) -> list[str]:
    return list(contact_list().filter(text_search(text)).values_list("number", flat=True))


def assert_index_in_step() -> None:
    """SQLite: the FTS index holds exactly the rows' current values (FTS5's own check)."""
    if connection.vendor != "sqlite":
        return
    assert search.sqlite_triggers(connection) == set(search._TRIGGERS)
    with connection.cursor() as cur:
        table = search.FTS_TABLE
        cur.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")


@pytest.fixture
def nordlys() -> Contact:
    contact_create(data={"name": "Alpine Ski House", "city": "Bergen", "country_code": "NO"})
    return contact_create(
        data={
            "name": "Nordlys Fiskeri AS",
            "city": "Tromsø",
            "country_code": "NO",
            "phone_no": "+47 77 60 12 34",
            "mobile_phone_no": "900 11 222",
            "email": "Post@Nordlys-Fiskeri.example.no",
        }
    )


@pytest.mark.parametrize(
    "text",
    [
        "lys fisk",  # name substring, any case
        "NORDLYS",
        "77601234",  # phone digits without the country code
        "+47 776 01 234",  # phone in another grouping
        "(0047) 77-60-12-34",  # international prefix written out
        "90011222",  # mobile
        "post@nordlys",  # e-mail, any case
        "FISKERI.EXAMPLE",
        "romsø",  # city, non-ASCII
        "60 12",  # the phone as typed
    ],
)
def test_search_finds_a_contact_by_name_phone_email_or_city(nordlys: Contact, text: str) -> None:
    # when / then
    assert found(text) == [nordlys.number]
    assert_index_in_step()


@pytest.mark.parametrize("text", ["qq", "xyz", "TROMSØ Z", '"', "%", "_a_", "12345"])
def test_search_finds_nothing_that_does_not_match(nordlys: Contact, text: str) -> None:
    assert nordlys.number not in found(text)


def test_short_text_falls_back_to_a_scan(nordlys: Contact) -> None:
    # given two-letter text the trigram index cannot match
    # then the search still finds substrings (both names hold "s", one "ly")
    assert found("ly") == [nordlys.number]
    assert len(found("s")) == 2


def test_search_follows_an_edit(nordlys: Contact) -> None:
    # when
    contact_update(contact=nordlys, data={"name": "Havbris Sjømat AS", "email": "hei@havbris.no"})
    # then
    assert found("nordlys") == []
    assert found("bris sjø") == [nordlys.number]
    assert found("hei@havbris") == [nordlys.number]
    assert_index_in_step()


def test_search_follows_a_bulk_update_and_synchronisation(nordlys: Contact) -> None:
    # given a customer linked to the contact
    customer, _ = customer_create_from_contact(contact=nordlys, template_code="")
    # when the bulk edit (one UPDATE per chunk) changes the phone
    report = contacts_bulk_update({nordlys.number: {"phone_no": "+47 21 09 87 65"}})
    assert report.updated == 1
    # then
    assert found("21098765") == [nordlys.number]
    assert found("77601234") == []
    # when a change of the customer reaches the contact through the engine's set-based write
    customer_update(customer=Customer.objects.get(pk=customer.pk), data={"city": "Vardø"})
    # then
    assert found("vardø") == [nordlys.number]
    assert found("tromsø") == []
    assert_index_in_step()


def test_search_forgets_a_deleted_contact(nordlys: Contact) -> None:
    contact_delete(contact=nordlys)
    assert found("nordlys") == []
    assert_index_in_step()


def test_search_pages_with_a_cursor_in_number_order() -> None:
    # given 5 contacts that match and 1 that does not
    for i in range(5):
        contact_create(data={"name": f"Fjord Cargo {i}"})
    contact_create(data={"name": "Other"})
    api = ApiClient()
    # when
    first = api.get("/contacts?q=fjord%20car&limit=3").json()
    second = api.get(f"/contacts?q=fjord%20car&limit=3&cursor={first['next_cursor']}").json()
    # then
    names = [c["name"] for c in first["items"] + second["items"]]
    assert names == [f"Fjord Cargo {i}" for i in range(5)]
    assert second["next_cursor"] is None


def test_a_broad_search_finds_the_same_rows(
    nordlys: Contact, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a search that matches more candidates than the index narrows usefully
    for i in range(3):
        contact_create(data={"name": f"Nordlys Marine {i}"})
    narrow = found("nordlys")
    monkeypatch.setattr(search, "BROAD", 2)
    # when / then
    assert found("nordlys") == narrow
    assert len(narrow) == 4
    assert found("+47 77 60 12 34") == [nordlys.number]


@pytest.mark.django_db(transaction=True)
def test_search_index_survives_a_flush() -> None:
    # given a transactional test, whose database Django empties with DELETEs afterwards
    contact = contact_create(data={"name": "Flush Test AS"})
    # then the search works and the index follows the emptying (checked at the next test)
    assert found("flush tes") == [contact.number]
    assert_index_in_step()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 table is SQLite's")
def test_sqlite_search_uses_the_fts_table_for_three_characters_or_more(
    nordlys: Contact,
) -> None:
    assert "json_each" in str(contact_list().filter(text_search("abc")).query)
    assert "json_each" not in str(contact_list().filter(text_search("ab")).query)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_has_the_trigram_indexes() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'contacts_contact'")
        names = {row[0] for row in cur.fetchall()}
    assert {name for name, _ in search.PG_INDEXES} <= names


def like_scan(text: str) -> list[str]:
    """The contacts the search found before the compact index: its ``LIKE``s alone."""
    upper = text.upper()
    query = Q(search_name__contains=upper) | Q(city__icontains=text)
    query |= Q(search_email__contains=upper) | Q(phone_no__contains=text)
    return list(contact_list().filter(query).values_list("number", flat=True))


@pytest.fixture
def cut_across() -> list[Contact]:
    return [
        contact_create(data={"name": "Nordlys Fisk AS", "email": "post@nordlys-fisk.example.no"}),
        contact_create(data={"name": "Nordlys Fisk ASA"}),
        contact_create(data={"name": "Nordlys-Fisk Assistanse", "email": "ordre@nordlysfisk.no"}),
        contact_create(data={"name": "NordlysFisk Asker"}),
        contact_create(data={"name": "O'Brien & Sønn Bygg A/S", "email": "o.brien@sonn.example"}),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "s fisk a",  # ends inside a word; the compact form is also in "Nordlys-Fisk Assistanse"
        "ys-fisk as",  # punctuation inside the piece
        "sfisk as",  # as typed in one name, compacted in all four "Nordlys" names
        "n & sønn b",  # punctuation and a non-ASCII letter
        "en & s",
        "ygg a/",  # ends on a separator
        "k a",  # too short once compacted: the plain search
        "post@nordlys-f",  # e-mail, cut inside the domain
        "o.brien@s",
        "s fisk example",  # compacted it is in an e-mail, as typed in no column
        "fisk",  # no separators: the plain search
    ],
)
def test_a_piece_cut_across_words_finds_what_the_like_scan_finds(
    cut_across: list[Contact], text: str
) -> None:
    # when / then
    assert found(text) == like_scan(text)


def test_a_piece_cut_across_words_finds_exactly_its_contacts(cut_across: list[Contact]) -> None:
    fisk_as, fisk_asa, assistanse, asker, obrien = (c.number for c in cut_across)
    # then: a name holding the piece only without its separators is not found
    assert found("s fisk a") == [fisk_as, fisk_asa]
    assert found("s-fisk a") == [assistanse]
    assert found("sfisk a") == [asker]
    assert found("n & sønn") == [obrien]
    assert found("lys-fisk.exa") == [fisk_as]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the compact index is PostgreSQL's")
def test_postgresql_compacts_as_python_does() -> None:
    # given every printable ASCII character, some letters beyond it, a tab and a no-break space
    text = "".join(chr(c) for c in range(32, 127)) + "ÆØÅ ÉÜ\u2013·\t\u00a0"
    # when
    with connection.cursor() as cur:
        cur.execute(f"SELECT regexp_replace(%s, '{search.COMPACT_DROP}', '', 'g')", [text])
        (compacted,) = cur.fetchone()
    # then
    assert compacted == search.compact(text)
    assert (
        compacted
        == "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyzÆØÅÉÜ\u2013·\t\u00a0"
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the compact index is PostgreSQL's")
def test_postgresql_finds_a_piece_cut_across_words_through_the_compact_index(
    cut_across: list[Contact],
) -> None:
    # given a planner that reads no table whole (a handful of rows would be scanned)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
    # when
    plan = contact_list().filter(text_search("s fisk a")).explain()
    # then the compact index serves the name and e-mail, not their own per-word indexes
    assert search.COMPACT_INDEX in plan
    assert "contact_search_name_trgm" not in plan
    assert "contact_search_email_trgm" not in plan
    # and a text without separators keeps the name's own index
    assert "contact_search_name_trgm" in contact_list().filter(text_search("fisk")).explain()
