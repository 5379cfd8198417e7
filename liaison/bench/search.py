"""W5 of ``liaison bench``: contact search over N contacts through the API's own selector.

N company contacts are seeded with the driver's fastest path (``executemany`` on SQLite,
``COPY`` on PostgreSQL), holding what our services would store (upper-case search name and
e-mail, E.164 phones; checked against ``core.fields`` on a sample). The search indexes are
dropped for the load and built again afterwards with the migration's own code
(``contacts.search.install``), as a restore would. Then each query runs the contact list
exactly as ``GET /api/v1/contacts?q=...`` does: ``ContactFilters`` + ``contact_list`` + ``page``
(first page of 50, keyset order). Three kinds of query, typed as a person would:

- name: a 6-10 character piece of a contact's name, in lower case;
- phone: a contact's phone number in another format than stored (spaces, dashes, 0047);
- email: the start of a contact's e-mail address up to part of its domain, in lower case.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from typing import Any


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SYLLABLES = _words(
    "nor ve ka lin berg fjo sta mar vik hal ro sen dal tor bak ne lund holm ski ei stad rud "
    "gard by ås øy li ha ter mo vå sol"
)
WORDS = _words(
    "Fisk Bygg Transport Elektro Regnskap Data Maskin Handel Eiendom Consulting Trading Bakeri "
    "Rør Maling Tre Stål Sjømat Reise Frakt Marine Energi Kraft Tekstil Møbler Optikk Design "
    "Media Helse Tannlege Advokat Revisjon Auto Dekk Glass Blomster Sport Jakt Foto Musikk Vin"
)
LEGAL = ("AS", "ASA", "ANS", "DA", "SA", "Holding AS")
CITIES = _words(
    "Oslo Bergen Trondheim Stavanger Tromsø Drammen Fredrikstad Kristiansand Sandnes Ålesund "
    "Bodø Sarpsborg Skien Haugesund Tønsberg Moss Porsgrunn Arendal Hamar Larvik Halden "
    "Lillehammer Molde Harstad Gjøvik Kongsberg Horten Narvik Alta Mo"
)
MAILBOXES = ("post", "info", "kontakt", "firmapost", "ordre", "mail")
CHUNK = 10_000
WARMUP = 5


def _mix(i: int) -> int:
    return (i * 2654435761) % 2**32


def contact_values(i: int) -> dict[str, Any]:
    """The varying columns of the i-th seeded company contact (deterministic)."""
    j = _mix(i)
    stem = "".join(SYLLABLES[(j >> s) % len(SYLLABLES)] for s in (0, 5, 10))
    word = WORDS[(j >> 15) % len(WORDS)]
    name = f"{stem.capitalize()} {word} {LEGAL[(j >> 21) % len(LEGAL)]}"
    # Norwegian numbers: 8 digits, landline 2xxxxxxx-9xxxxxxx distinct per i (7919 is prime).
    land = 20_000_000 + (i * 7919) % 80_000_000
    phone = f"+47 {land // 1_000_000} {land // 10_000 % 100:02d} {land % 10_000:04d}"
    mobile = 40_000_000 + (i * 104_729) % 10_000_000 if i % 3 == 0 else None
    slug = f"{stem}-{word}".lower()
    email = f"{MAILBOXES[(j >> 24) % len(MAILBOXES)]}@{slug}.example.no"
    return {
        "number": f"SC{i:07d}",
        "name": name,
        "search_name": name.upper(),
        "company_name": name,
        "address": f"{word}veien {i % 200 + 1}",
        "city": CITIES[(j >> 27) % len(CITIES)],
        "post_code": f"{j % 9000 + 1000}",
        "country_code": "NO",
        "phone_no": phone,
        "phone_e164": f"+47{land}",
        "mobile_phone_no": f"{mobile // 100_000} {mobile // 1000 % 100:02d} {mobile % 1000:03d}"
        if mobile
        else "",
        "mobile_e164": f"+47{mobile}" if mobile else "",
        "email": email,
        "search_email": email.upper(),
    }


def _check_sample() -> None:
    """The seeded derived columns equal what the services compute (``normalise_party``)."""
    from liaison.contacts.models import Contact
    from liaison.core.normalise import normalise_party

    for i in range(0, 2000, 7):
        values = contact_values(i)
        contact = Contact(**{**values, "search_name": ""})
        normalise_party(contact)
        for column in ("search_name", "search_email", "phone_e164", "mobile_e164"):
            assert getattr(contact, column) == values[column], (i, column)


def _rows(n: int, columns: list[str], template: dict[str, Any]) -> Iterator[list[Any]]:
    for start in range(0, n, CHUNK):
        chunk = []
        for i in range(start, min(n, start + CHUNK)):
            row = {**template, **contact_values(i)}
            chunk.append([row[c] for c in columns])
        yield chunk


def seed_contacts(n: int) -> None:
    """N company contacts written with the driver's fastest path; search indexes rebuilt."""
    from django.db import connection, transaction

    from liaison.contacts import search
    from liaison.contacts.models import Contact

    _check_sample()
    defaults = Contact(type="company", business_relation_summary="none")
    fields = [f for f in Contact._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    template = {
        f.column: f.get_db_prep_save(getattr(defaults, f.attname), connection) for f in fields
    }
    listed = ", ".join(f'"{c}"' for c in columns)
    search.uninstall(connection)
    connection.ensure_connection()
    raw: Any = connection.connection
    for chunk in _rows(n, columns, template):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with (
                    raw.cursor() as cur,
                    cur.copy(f'COPY "contacts_contact" ({listed}) FROM STDIN') as copy,
                ):
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in columns)
                raw.executemany(
                    f'INSERT INTO "contacts_contact" ({listed}) VALUES ({marks})', chunk
                )
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET maintenance_work_mem = '512MB'")
    with transaction.atomic():
        search.install(connection)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")


def queries(n: int, count: int, seed: int = 6) -> list[tuple[str, str]]:
    """``count`` (kind, text) pairs, the kinds in turn, about contacts 0..n-1."""
    rnd = random.Random(seed)
    out: list[tuple[str, str]] = []
    kinds = ("name", "phone", "email")
    for k in range(count):
        kind = kinds[k % 3]
        values = contact_values(rnd.randrange(n))
        if kind == "name":
            name = values["name"]
            length = rnd.randint(6, 10)
            start = rnd.randrange(max(1, len(name) - length + 1))
            text = name[start : start + length].lower().strip()
        elif kind == "phone":
            digits = values["phone_e164"][3:]
            text = rnd.choice(
                (
                    f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
                    f"{digits[:3]}-{digits[3:5]}-{digits[5:]}",
                    f"(0047) {digits[:4]} {digits[4:]}",
                    digits,
                )
            )
        else:
            local, domain = values["email"].split("@")
            text = f"{local}@{domain[: rnd.randint(4, len(domain.split('.')[0]))]}".lower()
        out.append((kind, text))
    return out


def run_search(n: int, count: int) -> dict[str, Any]:
    """W5: seed N contacts, then time ``count`` searches through the API's list selector."""
    from django.db import connection

    from liaison.contacts.schemas import ContactFilters
    from liaison.contacts.selectors import contact_list
    from liaison.core.pagination import page

    started = time.perf_counter()
    seed_contacts(n)
    seed_seconds = time.perf_counter() - started

    def search(text: str) -> int:
        filters = ContactFilters.model_validate({"q": text})
        items, _ = page(filters.filter(contact_list()), cursor=None, limit=50)
        return len(items)

    for _, text in queries(n, WARMUP, seed=5):
        search(text)
    millis: dict[str, list[float]] = {"name": [], "phone": [], "email": []}
    found: dict[str, list[int]] = {"name": [], "phone": [], "email": []}
    for kind, text in queries(n, count):
        started = time.perf_counter()
        hits = search(text)
        millis[kind].append((time.perf_counter() - started) * 1000)
        found[kind].append(hits)
        assert hits >= 1, (kind, text)
    result: dict[str, Any] = {
        "workload": "W5",
        "backend": connection.vendor,
        "n": n,
        "queries": count,
        "seed_seconds": round(seed_seconds, 1),
    }
    for kind, values in millis.items():
        result.update(percentiles(kind, values))
        result[f"{kind}_hits_median"] = sorted(found[kind])[len(found[kind]) // 2]
    result.update(percentiles("all", [m for values in millis.values() for m in values]))
    return result


def percentiles(label: str, millis: list[float]) -> dict[str, float]:
    """p50/p95/p99 (nearest rank) of ``millis``, keyed ``<label>_p50_ms`` and so on."""
    ordered = sorted(millis)

    def at(p: int) -> float:
        return round(ordered[max(0, -(-len(ordered) * p // 100) - 1)], 2)

    return {f"{label}_p50_ms": at(50), f"{label}_p95_ms": at(95), f"{label}_p99_ms": at(99)}
