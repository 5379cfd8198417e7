"""Search indexes of contacts: pg_trgm GIN indexes on PostgreSQL, an FTS5 trigram table on SQLite.

The contact search (``text_search``) matches substrings: ``LIKE '%text%'`` on the upper-case
search name and e-mail, the city, the phone as typed and the E.164 phones. A B-tree cannot serve a
leading wildcard, so without these indexes every search reads the whole table.

- PostgreSQL: one trigram GIN index per searched column (``UPPER(city)`` for the case-insensitive
  city lookup). The planner uses them for the very ``LIKE`` Django writes; finer column
  statistics let it tell a rare text (bitmap of the trigram indexes) from a broad one (the
  list's ordered scan, which meets 50 matches early). pg_trgm makes trigrams per word, so a
  piece cut across words ("m sport as") is lossy there: one more trigram index holds the name
  and e-mail without separators (``COMPACT_SQL``), and for a text with separators
  ``compact_contains`` narrows the name and e-mail search by it and decides with ``STRPOS``.
- SQLite: an external-content FTS5 table with the trigram tokenizer over the same columns, kept
  in step with ``contacts_contact`` by triggers (they also see the set-based ``UPDATE``s of
  ``core/writes.py``). ``fts_match`` narrows the search to the rows whose columns contain the
  text; the ``LIKE`` conditions still decide, so the results are exactly those of the scan.
  A broad query (``fts_rowids`` is None: more than ``BROAD`` candidates) keeps the plain
  ordered scan, which meets its first page of matches early.

Both are created by migration ``contacts.0003_search_indexes`` through ``install`` (the compact
index on existing PostgreSQL databases by ``contacts.0004_search_compact_index``). Django remakes
a SQLite table (and so drops its triggers) for some schema changes: a later migration that alters
``contacts_contact`` on SQLite must call ``install`` again (``test_search`` checks the triggers).
"""

from __future__ import annotations

import json
import re

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import StrIndex
from django.db.models.lookups import Contains, GreaterThan

from liaison.core.fields import phone_digits

FTS_TABLE = "contacts_contact_fts"
# The columns ``text_search`` reads on contacts, in the FTS table's column order.
COLUMNS = ("search_name", "search_email", "city", "phone_no", "phone_e164", "mobile_e164")
TRIGRAM = 3  # the trigram tokenizer cannot match shorter text
# Above this many candidates a query is broad: the list's own ordered scan meets its first page
# of matches after few rows, sooner than fetching and sorting every candidate would take.
BROAD = 5000

# PostgreSQL, pieces cut across words: pg_trgm makes trigrams per word and drops the partial
# words at the ends of a ``LIKE`` pattern, so "m sport as" asks the name index for "sport" and a
# word starting "as" (far more candidates than names). Without separators the piece is one
# word ("msportas") whose trigrams span the word boundaries: a trigram index on the name
# and e-mail without separators narrows such a search to about its matches (``compact_contains``).
# The separators are ASCII spaces and punctuation, as code point ranges: the same pattern in SQL
# (``regexp_replace``) and in Python (``compact``) whatever the database's locale, so a column
# that contains a text also contains it compacted (``[^[:alnum:]]`` would follow the locale's
# classes). ``regexp_replace`` is the cheaper of the two per name (``translate`` would need the
# 33 characters listed).
COMPACT_DROP = r"[\x20-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+"
COMPACT_COLUMNS = ("search_name", "search_email")
# One index over both columns, joined by a space (which no compact text holds, so no match spans
# the two): the planner estimates a piece found in both a name and its e-mail once, not twice.
COMPACT_INDEX = "contact_search_compact_trgm"
COMPACT_SQL = " || ' ' || ".join(
    f"regexp_replace(\"{c}\", '{COMPACT_DROP}', '', 'g')" for c in COMPACT_COLUMNS
)

# PostgreSQL: (index name, indexed expression); expressions match Django's lookups (``contains``
# casts to text, which the planner sees through; ``icontains`` compares ``UPPER(col::text)``).
PG_INDEXES = (
    ("contact_search_name_trgm", '"search_name"'),
    ("contact_search_email_trgm", '"search_email"'),
    ("contact_city_upper_trgm", 'UPPER("city"::text)'),
    ("contact_phone_no_trgm", '"phone_no"'),
    ("contact_phone_e164_trgm", '"phone_e164"'),
    ("contact_mobile_e164_trgm", '"mobile_e164"'),
    (COMPACT_INDEX, COMPACT_SQL),
)
PG_STATISTICS = 3000
_SEPARATORS = re.compile(r"[\W_]+")
_COMPACT = re.compile(COMPACT_DROP)
_TRIGGERS = ("contacts_contact_fts_ai", "contacts_contact_fts_ad", "contacts_contact_fts_au")


def sqlite_statements() -> list[str]:
    """SQLite: the statements that create (or repair) the FTS table and its triggers."""
    cols = ", ".join(COLUMNS)
    new = ", ".join(f"new.{c}" for c in COLUMNS)
    old = ", ".join(f"old.{c}" for c in COLUMNS)
    changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in COLUMNS)
    # External content: the FTS table stores only the index; a 'delete' must name the old values.
    delete = (
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {cols}) VALUES ('delete', old.id, {old});"
    )
    insert = f"INSERT INTO {FTS_TABLE}(rowid, {cols}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5({cols}, "
        "content='contacts_contact', content_rowid='id', tokenize='trigram')",
        f"DROP TRIGGER IF EXISTS {_TRIGGERS[0]}",
        f"CREATE TRIGGER {_TRIGGERS[0]} AFTER INSERT ON contacts_contact BEGIN {insert} END",
        f"DROP TRIGGER IF EXISTS {_TRIGGERS[1]}",
        f"CREATE TRIGGER {_TRIGGERS[1]} AFTER DELETE ON contacts_contact BEGIN {delete} END",
        f"DROP TRIGGER IF EXISTS {_TRIGGERS[2]}",
        f"CREATE TRIGGER {_TRIGGERS[2]} AFTER UPDATE OF {cols} ON contacts_contact "
        f"WHEN {changed} BEGIN {delete} {insert} END",
        # Index the rows already there (and repair an index that missed writes), then merge
        # the index into one segment: queries read each trigram's doclist once, not per segment.
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')",
    ]


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or repair) the search indexes for this database; idempotent."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            for name, expression in PG_INDEXES:
                cur.execute(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "contacts_contact" '
                    f"USING gin (({expression}) gin_trgm_ops)"
                )
            # The planner estimates '%text%' from the column's histogram; with the default
            # entries a rare name looks common, and the list's ordered scan wins the estimate but
            # reads the whole table. ``PG_STATISTICS`` entries tell rare texts apart for little
            # more planning; many more would cost planning time on every query.
            columns = ", ".join(
                f'ALTER COLUMN "{c}" SET STATISTICS {PG_STATISTICS}' for c in COLUMNS
            )
            cur.execute(f'ALTER TABLE "contacts_contact" {columns}')
            # ANALYZE keeps statistics of an index's expression too, and they decide as much. Not
            # more entries than the columns have: the largest target sizes the sample of the whole
            # table, which moves the planner's cost of the ordered scan and can turn a rare phone
            # number into a scan of the whole table.
            statistics = f"ALTER COLUMN 1 SET STATISTICS {PG_STATISTICS}"
            cur.execute(f'ALTER INDEX "{COMPACT_INDEX}" {statistics}')
        elif connection.vendor == "sqlite":
            for statement in sqlite_statements():
                cur.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the search indexes (the migration's reverse); the pg_trgm extension stays."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            for name, _ in PG_INDEXES:
                cur.execute(f'DROP INDEX IF EXISTS "{name}"')
            columns = ", ".join(f'ALTER COLUMN "{c}" SET STATISTICS -1' for c in COLUMNS)
            cur.execute(f'ALTER TABLE "contacts_contact" {columns}')
        elif connection.vendor == "sqlite":
            for trigger in _TRIGGERS:
                cur.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            cur.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")


class _Strip(Func):
    arity = 1
    output_field = TextField()
    template = f"regexp_replace(%(expressions)s, '{COMPACT_DROP}', '', 'g')"


class Compact(Func):
    """PostgreSQL: ``COMPACT_SQL``, the expression of the compact index, as Django writes it."""

    output_field = TextField()
    template = "(%(expressions)s)"
    arg_joiner = " || ' ' || "

    def __init__(self) -> None:
        super().__init__(*(_Strip(column) for column in COMPACT_COLUMNS))


def compact(text: str) -> str:
    """``text`` without separators, as ``Compact`` leaves the columns."""
    return _COMPACT.sub("", text)


def compact_contains(text: str) -> Q:
    """PostgreSQL: the search name or e-mail contains ``text`` (``__contains`` on each).

    When ``text`` holds separators and enough else for a trigram, a row where either column
    contains it holds its compact form in ``Compact()``: the compact index finds those rows and
    ``STRPOS`` decides, the same test as the ``LIKE`` (which escapes its wildcards).

    Not the ``LIKE``s themselves beside the compact test: the planner then also reads the
    columns' own trigram indexes and intersects them with it (the lossy candidates again, where
    most of the query's time goes), and multiplies their selectivities, taking broad texts for
    rare ones (a bitmap of many rows instead of the ordered scan). It guesses a third of the
    rows for each ``STRPOS`` test, so it sizes the result at about half the compact index's
    estimate. With this server's default costs that moves its switch from the bitmap to the
    list's ordered scan to near where both take as long; ``NOT (STRPOS(...) = 0)``, kept at the
    index's estimate, switches too early and is slower on name pieces. The ``STRPOS`` tests come
    first: in an ordered scan's filter they spare most rows the compacting.
    """
    packed = compact(text)
    if len(packed) < TRIGRAM or packed == text:
        return Q(search_name__contains=text) | Q(search_email__contains=text)
    holds = Q()
    for column in COMPACT_COLUMNS:
        holds |= Q(GreaterThan(StrIndex(column, Value(text)), 0))
    return holds & Q(Contains(Compact(), packed))


def sqlite_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    """The FTS triggers present on ``contacts_contact`` (all three, or the index drifts)."""
    with connection.cursor() as cur:
        cur.execute(
            "SELECT name FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name = 'contacts_contact'"
        )
        return {row[0] for row in cur.fetchall()} & set(_TRIGGERS)


def fts_rowids(match: str) -> list[int] | None:
    """The ids of the contacts the FTS query ``match`` finds, or None when there are more than
    ``BROAD`` (a broad query; at most that many are read)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT {BROAD + 1}", [match]
        )
        ids = [row[0] for row in cur.fetchall()]
    return ids if len(ids) <= BROAD else None


def candidates(texts: list[str]) -> list[int] | None:
    """The ids of the contacts whose indexed columns contain one of ``texts``, a superset (the
    caller's ``LIKE``s decide), or None when the index cannot narrow the search usefully: text
    shorter than a trigram, or a broad query.

    FTS5 reads every trigram's whole doclist, so a phrase costs the sum of its trigrams:
    "kontakt@vikberg" takes several times as long as its word "vikberg", without the trigrams
    of the common "kontakt@". Up to 3 words are tried first, longest first, each kept unless
    broad; then the whole text.
    """
    whole = fts_match(texts)
    if whole is None:
        return None
    split = [_words(text) for text in texts]
    for k in range(3):
        match = fts_match(
            [words[k] if k < len(words) else text for words, text in zip(split, texts, strict=True)]
        )
        if match is None or match == whole:
            break
        ids = fts_rowids(match)
        if ids is not None:
            return ids
    return fts_rowids(whole)


def _words(text: str) -> list[str]:
    """The runs of letters and digits of ``text`` a trigram can match, longest (then last) first."""
    words = [w for w in reversed(_SEPARATORS.split(text)) if len(w) >= TRIGRAM]
    return sorted(words, key=len, reverse=True)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts_match(texts: list[str]) -> str | None:
    """An FTS5 query matching rows where any indexed column contains one of ``texts``, or None
    when one is too short for the trigram index (the caller then scans with ``LIKE`` alone).

    Trigram matching folds case (Unicode), ``LIKE`` only ASCII, so the rows found are a superset
    of those the ``LIKE``s on these columns find. One phrase over all columns, not one per
    column: FTS5 reads a trigram's whole doclist for every phrase that holds it.
    """
    phrases: list[str] = []
    for text in texts:
        if len(text) < TRIGRAM:
            return None
        phrase = _phrase(text)
        if phrase not in phrases:
            phrases.append(phrase)
    return " OR ".join(phrases) if phrases else None


def text_search(value: str | None, *, has_search_email: bool = True) -> Q:
    """One search box: name, phone in any format (its digits), e-mail or city.

    Contacts keep an upper-case e-mail column for search; records match e-mail case-insensitively.
    ``has_search_email`` means the contacts table, which has search indexes (``search.py``).
    """
    if not value or not value.strip():
        return Q()
    text = value.strip()
    if has_search_email and connection.vendor == "postgresql":
        # Name or e-mail: pieces cut across words go through the compact index (``search.py``).
        query = compact_contains(text.upper()) | Q(city__icontains=text)
    else:
        query = Q(search_name__contains=text.upper()) | Q(city__icontains=text)
        if has_search_email:
            query |= Q(search_email__contains=text.upper())
        else:
            query |= Q(email__icontains=text)
    query |= Q(phone_no__contains=text)
    digits = phone_digits(text)
    if len(digits) >= 4:
        query |= Q(phone_e164__contains=digits) | Q(mobile_e164__contains=digits)
        query |= Q(phone_e164__endswith=digits.lstrip("0"))
    if has_search_email and connection.vendor == "sqlite":
        # Contacts on SQLite: the FTS5 trigram index narrows the rows, the LIKEs above decide.
        # ASCII case is folded alike by LIKE and by the index, so one phrase serves both the
        # upper-case columns and city/phone; other scripts keep the text as typed too.
        texts = [text.upper()] if text.isascii() else [text.upper(), text]
        if len(digits) >= 4:
            # Holding ``digits`` implies holding it without leading zeros (the endswith).
            texts.append(digits.lstrip("0"))
        ids = candidates(texts)
        if ids is not None:
            # The ids as one JSON parameter: the index is read once, not again in the query.
            query = Q(pk__in=RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])) & query
    return query
