"""What two contacts share: search strings (R-O1 step 2), identifiers, the score; read only.

Used by the index (services) and by the warning while typing (selectors), so the one scoring
rule lives here. Every read is set-based: a whole chunk of probes costs the same few queries.
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from stdnum import get_cc_module

from liaison.core import fields
from liaison.duplicates.models import (
    SEARCHABLE_FIELDS,
    ContactIdentifier,
    ContactSearchString,
    DuplicateSearchStringSetup,
    IdentifierKind,
    Part,
)

# R-O1 step 2: the characters removed before a string is cut.
_REMOVED = re.compile(r"[ +\"&/,.;:\-_(){}#!£$\\]")
# Legal forms that do not tell two companies apart (compared as whole words, after accents).
LEGAL_FORMS = frozenset(
    {
        "INC", "INCORPORATED", "LTD", "LIMITED", "LLC", "LLP", "PLC", "CORP", "CORPORATION",
        "CO", "COMPANY", "GMBH", "AG", "KG", "OHG", "UG", "SARL", "SAS", "SASU", "SA", "SNC",
        "EURL", "LTEE", "LIMITEE", "ENR", "AS", "ASA", "AB", "OY", "OYJ", "APS", "BV", "NV",
        "SPA", "SRL", "SL", "SLU", "KFT", "ZRT", "SRO", "SP", "ZOO", "PTY", "PVT", "THE",
    }
)  # fmt: skip
STRONG_KINDS = (IdentifierKind.PHONE, IdentifierKind.EMAIL, IdentifierKind.VAT, IdentifierKind.IBAN)
# The contact values a probe reads: the searchable fields (country_code among them), and the
# E.164 forms a stored contact already holds (normalise_party keeps them), so indexing does
# not parse every phone number again (it was a sixth of an index run's time).
STORED_E164 = {"phone_no": "phone_e164", "mobile_phone_no": "mobile_e164"}
SEARCHED_VALUES: tuple[str, ...] = (*SEARCHABLE_FIELDS, *STORED_E164.values())
# A string held by more contacts than this ranks as "common"; counting stops there.
FREQUENCY_CAP = 1000

Key = tuple[str, str]  # (field, part)
StringKey = tuple[str, str, str]  # (field, part, string)
IdKey = tuple[str, str]  # (kind, value)


@dataclass(frozen=True)
class SetupRow:
    field: str
    part: str
    length: int


@dataclass
class Rules:
    """The setup rows and the threshold ceiling(rows x Search Hit % / 100) (R-O1 step 3)."""

    rows: list[SetupRow]
    hit_pct: int

    @property
    def threshold(self) -> int:
        return threshold(len(self.rows), self.hit_pct)

    @property
    def name_keys(self) -> list[Key]:
        return [(r.field, r.part) for r in self.rows if r.field == "name"]


def threshold(rows: int, hit_pct: int) -> int:
    """ceiling(rows x hit% / 100): 16 rows at 60 % give 10."""
    return math.ceil(rows * hit_pct / 100)


def rules_get(hit_pct: int) -> Rules:
    rows = DuplicateSearchStringSetup.objects.order_by("id").values_list("field", "part", "length")
    return Rules([SetupRow(f, p, n) for f, p, n in rows], hit_pct)


def search_string(value: Any, part: str, length: int) -> str:
    """R-O1 step 2: strip the listed characters, take the first or last N, upper-case, <= 10."""
    text = _REMOVED.sub("", str(value or ""))
    cut = text[:length] if part == Part.FIRST else text[-length:] if length else ""
    return cut.upper()[:10]


def normalised_name(name: str) -> str:
    """A name as people mean it: no accents, case, punctuation or legal form ("Ltée", "GmbH")."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).upper()
    words = re.sub(r"[^0-9A-Z]+", " ", text).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)[:100]


def compact_vat(value: str, country_code: str) -> str:
    """The VAT number with its country prefix, compacted by python-stdnum where it knows it."""
    raw = re.sub(r"[^0-9A-Za-z]", "", value or "").upper()
    if not raw:
        return ""
    country = (country_code or "").upper()
    if raw[:2].isalpha():
        country, raw = raw[:2], raw[2:]
    try:
        module = get_cc_module(country.lower(), "vat") if len(country) == 2 else None
    except (ImportError, ValueError):
        module = None
    if module is not None:
        with contextlib.suppress(Exception):  # a number stdnum cannot compact stays as typed
            raw = module.compact(raw)
        if raw[:2].upper() == country:
            raw = raw[2:]
    return (country + raw)[:100]


@dataclass
class Probe:
    """One contact (saved or being typed) to match: its strings and identifiers."""

    key: Any
    exclude_pk: int | None
    strings: dict[Key, str]
    identifiers: set[IdKey]


@dataclass
class Match:
    pk: int
    strings: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    score: int = 0


def probe_for(
    key: Any,
    values: Mapping[str, Any],
    rules: Rules,
    *,
    exclude_pk: int | None = None,
    ibans: Iterable[str] = (),
) -> Probe:
    """A contact's strings (one per setup row, non-empty) and its identifiers."""
    strings: dict[Key, str] = {}
    for row in rules.rows:
        text = search_string(values.get(row.field, ""), row.part, row.length)
        if text:
            strings[(row.field, row.part)] = text
    return Probe(key, exclude_pk, strings, identifiers_of(values, ibans))


def identifiers_of(values: Mapping[str, Any], ibans: Iterable[str] = ()) -> set[IdKey]:
    country = str(values.get("country_code") or "")
    found: set[IdKey] = set()
    for name, stored in STORED_E164.items():
        if stored in values:  # a stored contact: its own E.164 form
            e164 = str(values[stored] or "")
        else:  # values typed in a form, not saved yet
            e164 = _e164(str(values.get(name) or ""), country)
        if e164:
            found.add((IdentifierKind.PHONE, e164))
    email = str(values.get("email") or "").split(";")[0].strip().lower()
    if email:
        found.add((IdentifierKind.EMAIL, email[:100]))
    vat = compact_vat(str(values.get("vat_registration_no") or ""), country)
    if vat:
        found.add((IdentifierKind.VAT, vat))
    for iban in ibans:
        if iban:
            found.add((IdentifierKind.IBAN, fields.compact_iban(iban)))
    name = normalised_name(str(values.get("name") or ""))
    if name:
        found.add((IdentifierKind.NAME, name))
    return found


def _e164(value: str, country: str) -> str:
    try:
        return fields.phone_e164(value, country) if value else ""
    except Exception:  # a phone that cannot be read is no identifier
        return ""


def frequencies(
    keys: Sequence[StringKey], common: set[StringKey] | None = None
) -> dict[StringKey, int]:
    """How many contacts hold each string, counted up to FREQUENCY_CAP per string.

    Few strings (one contact's): one statement, each string a capped count, so a city shared
    by 100,000 contacts costs FREQUENCY_CAP index entries, not 100,000. A chunk of a run that
    keeps ``common`` (the strings it found at the cap, a few hundred at most): one GROUP BY
    over the strings not known to be common; a common string is counted in full once a run.
    """
    if common is not None and len(keys) > _KEYS_PER_STATEMENT:
        return _frequencies_grouped(keys, common)
    out: dict[StringKey, int] = {}
    for start in range(0, len(keys), _KEYS_PER_STATEMENT):
        batch = keys[start : start + _KEYS_PER_STATEMENT]
        sql = "SELECT " + ", ".join(_CAPPED.format(i=i) for i in range(len(batch)))
        with connection.cursor() as cursor:
            cursor.execute(sql, [v for k in batch for v in k])
            out.update(zip(batch, cursor.fetchone(), strict=True))
    return out


_KEYS_PER_STATEMENT = 400  # under SQLite's 2,000 result columns and every bind limit
_CAPPED = (
    f"(SELECT COUNT(*) FROM (SELECT 1 FROM {ContactSearchString._meta.db_table} "
    f"WHERE field = %s AND part = %s AND string = %s LIMIT {FREQUENCY_CAP}) AS t{{i}})"
)


def _by_field_part(keys: Iterable[StringKey]) -> Q:
    grouped: dict[Key, set[str]] = defaultdict(set)
    for f, p, s in keys:
        grouped[(f, p)].add(s)
    return reduce(or_, (Q(field=f, part=p, string__in=sorted(s)) for (f, p), s in grouped.items()))


def _frequencies_grouped(keys: Sequence[StringKey], common: set[StringKey]) -> dict[StringKey, int]:
    out = {k: FREQUENCY_CAP for k in keys if k in common}
    unknown = [k for k in keys if k not in common]
    if unknown:
        rows = (
            ContactSearchString.objects.filter(_by_field_part(unknown))
            .values_list("field", "part", "string")
            .annotate(n=Count("id"))
            .order_by()
        )
        for f, p, s, n in rows:
            out[(f, p, s)] = min(n, FREQUENCY_CAP)
            if n >= FREQUENCY_CAP:
                common.add((f, p, s))
    return out


def rarest(probe: Probe, freq: Mapping[StringKey, int], need: int) -> list[StringKey]:
    """Pigeonhole: a contact sharing >= ``need`` of the probe's n strings shares one of any
    n - need + 1 of them, so the rarest n - need + 1 find every candidate."""
    n = len(probe.strings)
    if need <= 0 or n < need:
        return []
    keys = [(f, p, s) for (f, p), s in probe.strings.items()]
    keys.sort(key=lambda k: freq.get(k, 0))
    return keys[: n - need + 1]


def matches(
    probes: Sequence[Probe], rules: Rules, common: set[StringKey] | None = None
) -> dict[Any, list[Match]]:
    """Every stored contact that qualifies as a duplicate of each probe, with its reasons.
    ``common``: the strings a run found common so far (see ``frequencies``)."""
    need = rules.threshold
    able = [pr for pr in probes if 0 < need <= len(pr.strings)]  # the others cannot reach T
    all_keys = sorted({(f, p, s) for pr in able for (f, p), s in pr.strings.items()})
    freq = frequencies(all_keys, common)
    rare = {pr.key: rarest(pr, freq, need) for pr in probes}
    holders = _holders({k for ks in rare.values() for k in ks})  # one query for the chunk
    id_holders = _id_holders({i for pr in probes for i in pr.identifiers})
    candidates: dict[Any, set[int]] = {}
    for pr in probes:
        found = {pk for k in rare[pr.key] for pk in holders.get(k, ())}
        found |= {pk for i in pr.identifiers for pk in id_holders.get(i, ())}
        if pr.exclude_pk is not None:
            found.discard(pr.exclude_pk)
        candidates[pr.key] = found
    strings_of = _strings_of({pk for c in candidates.values() for pk in c})
    result: dict[Any, list[Match]] = {}
    for pr in probes:
        scored = [
            _score(pr, pk, strings_of.get(pk, {}), id_holders, rules) for pk in candidates[pr.key]
        ]
        result[pr.key] = [m for m in scored if m.score > 0 and m.score >= need]
    return result


def _score(
    probe: Probe,
    pk: int,
    theirs: Mapping[Key, str],
    id_holders: Mapping[IdKey, set[int]],
    rules: Rules,
) -> Match:
    """Matching strings (BC's count) + the name rows credited when normalised names are equal
    + one threshold per shared identifier, so an identifier qualifies a pair on its own."""
    match = Match(pk)
    matched = [k for k, s in probe.strings.items() if theirs.get(k) == s]
    match.strings = [f"{f}:{p}" for f, p in matched]
    shared = sorted({kind for kind, v in probe.identifiers if pk in id_holders.get((kind, v), ())})
    match.identifiers = shared
    credit = 0
    if IdentifierKind.NAME in shared:
        credit = len([k for k in rules.name_keys if k not in matched])
    strong = len([k for k in shared if k != IdentifierKind.NAME])
    match.score = len(matched) + credit + strong * max(rules.threshold, 1)
    return match


def _holders(keys: set[StringKey]) -> dict[StringKey, set[int]]:
    out: dict[StringKey, set[int]] = defaultdict(set)
    if not keys:
        return out
    rows = ContactSearchString.objects.filter(_by_field_part(keys)).values_list(
        "field", "part", "string", "contact_id"
    )
    for f, p, s, pk in rows:
        out[(f, p, s)].add(pk)
    return out


def _id_holders(ids: set[IdKey]) -> dict[IdKey, set[int]]:
    out: dict[IdKey, set[int]] = defaultdict(set)
    if not ids:
        return out
    grouped: dict[str, set[str]] = defaultdict(set)
    for kind, value in ids:
        grouped[kind].add(value)
    q = reduce(or_, (Q(kind=k, value__in=sorted(v)) for k, v in grouped.items()))
    for kind, value, pk in ContactIdentifier.objects.filter(q).values_list(
        "kind", "value", "contact_id"
    ):
        out[(kind, value)].add(pk)
    return out


def _strings_of(pks: set[int]) -> dict[int, dict[Key, str]]:
    out: dict[int, dict[Key, str]] = defaultdict(dict)
    if not pks:
        return out
    rows = ContactSearchString.objects.filter(contact_id__in=sorted(pks)).values_list(
        "contact_id", "field", "part", "string"
    )
    for pk, f, p, s in rows:
        out[pk][(f, p)] = s
    return out
