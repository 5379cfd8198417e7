"""The crawl: every page of the UI's URLconf and every operation of the served OpenAPI schema,
with each role and with none, with real and with bad values: no response is a 500.

Each path parameter gets a real value of its kind, then one at a time an unknown number, an
unknown kind word, a number with ``/`` and with ``%2F``, and an over-long value (a huge number
for integer parameters). Pages are fetched (also with junk query parameters and as htmx) and
posted to (empty, with junk fields, and every form the pages show, as shown and with one field
at a time made bad); operations are called with an empty, a junk and a non-object JSON body,
and with one body field or query parameter at a time made bad. Changes that take records away
(unlink, delete, make order) come last, so they hide no other URL.

The figures (routes, URLs, operations, requests per role) are printed: ``pytest -s``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

from liaison.accounts.services import token_create, user_create
from liaison.banking.services import bank_account_create_from_contact
from liaison.batch.jobs import job_create
from liaison.contacts.services import contact_create
from liaison.documents.services import document_create
from liaison.documents.sides import PURCHASE, SALES
from liaison.duplicates.selectors import dupl_setup_list, duplicate_list
from liaison.interactions.services import email_send, interaction_log_manual
from liaison.masterdata.services import code_create
from liaison.masterdata.tables import POST_CODES, TABLES
from liaison.merges.services import contact_merge
from liaison.purchases.services import vendor_create_from_contact
from liaison.sales.services import customer_create_from_contact

ROLES = (None, "viewer", "editor", "admin")
LONG = "X" * 300
HUGE = "9" * 300  # matches <int:...>, and overflows every integer column
NUL = "a\x00b"  # no database stores it (PostgreSQL fails on it)
# One at a time in place of a real path value: unknown number, unknown kind, "/" and "%2F" in
# a number, over-long, a NUL; for integer parameters also zero and a huge number.
BAD_STR = ("ZZ999999", "employee", "CT000001/1", "CT000001%2F1", LONG, "CT000001%00")
BAD_INT = ("999999", "0", HUGE, "employee", "1/2", "1%2F2")
# One at a time for a query parameter.
BAD_VALUES = ("employee", HUGE, "-1", "9999-99-99", LONG, NUL)
# Query parameters the pages read, all at once, with words and with huge numbers.
QUERY_NAMES = ("q", "type", "status", "sort", "dir", "after", "before", "number", "template")
QUERY_WORDS = dict.fromkeys(QUERY_NAMES, "employee") | {"q": LONG, "number": "CT000001/1"}
QUERY_NUMBERS = dict.fromkeys(QUERY_NAMES, HUGE)
# Fields the forms and the API read, with values no rule accepts.
JUNK_FIELDS = {
    "junk": "1",
    "name": LONG,
    "number": "CT000001/1",
    "code": LONG,
    "type": "employee",
    "kind": "employee",
    "template": "employee",
    "template_code": "employee",
    "relation": "employee",
    "master": "employee",
    "contact": "ZZ999999",
    "company": "ZZ999999",
    "company_number": "ZZ999999",
    "contact_number": "ZZ999999",
    "version": HUGE,
    "expected_version": HUGE,
    "quantity": "employee",
    "unit_price": HUGE,
    "line_discount_pct": "-5",
    "to": "not-an-address",
    "subject": LONG,
    "email": "not-an-address",
    "country_code": "employee",
    "phone_no": LONG,
}
# Changes that take something away, in the order they run, after everything else.
LAST = [
    re.compile(p)
    for p in (
        r"/unlink",
        r"/create-contact",
        r"-templates/|/business-relations/",  # while documents still propose or name them
        r"/lines/[^/]+/delete/|/lines/[^/]+$",
        r"/make-order",
        r"documents/.*/delete/|-documents/[^/]+$",
        r"/(customers|vendors|bank-accounts)/[^/]+(/delete/)?$",
        r"/contacts/[^/]+(/delete/)?$",
        r".",
    )
]
DELETE_LIKE = re.compile(r"/delete/|/unlink|/make-order|/create-contact")


def _tier(method: str, url: str) -> int:
    """0 for reads and changes that keep every record; then the order of LAST."""
    path = url.split("?")[0]
    if method != "delete" and not DELETE_LIKE.search(path):
        return 0
    return 1 + next(i for i, p in enumerate(LAST) if p.search(path))


def _ordered(calls: list[Any]) -> list[Any]:
    """By (tier, phase): bad values before the real change; within one, later numbers first
    (a person before its company); one URL's calls keep their order."""
    return sorted(sorted(calls, key=lambda c: c[3], reverse=True), key=lambda c: (c[0], c[1]))


@dataclass
class Tally:
    """What the crawl visited and what answered 500 or more."""

    urls: set[str] = field(default_factory=set)
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    offenders: list[str] = field(default_factory=list)
    destructive: bool = False  # the calls that take records away have begun

    def call(self, client: Client, method: str, url: str, role: str | None, **kw: Any) -> Any:
        self.requests += 1
        response = getattr(client, method)(url, **kw)
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            why = f" {exc[0].__name__}: {str(exc[1])[:100]}" if exc else ""
            shown = url if len(url) < 100 else url[:60] + f"...({len(url)} chars)"
            sent = kw.get("data")
            if isinstance(sent, dict | str) and sent:
                shown += f" {str(sent)[:80]}"
            self.offenders.append(f"{method.upper()} {shown} {role} {response.status_code}{why}")
        return response

    def report(self, door: str, role: str | None, visited: str) -> None:
        """Print the figures; fail with every offender."""
        print(
            f"\ncrawl {door} role={role}: {visited}, {len(self.urls)} distinct URLs, "
            f"{self.requests} requests, statuses {dict(sorted(self.statuses.items()))}"
        )
        if self.offenders:
            pytest.fail(f"{len(self.offenders)} responses >= 500:\n" + "\n".join(self.offenders))


def _data() -> dict[str, Any]:
    """A small data set made through the services, so every URL has a real number to use."""
    company = contact_create(
        data={"name": "Alpine Ski House", "country_code": "NO", "email": "info@alpine.example"}
    )
    person = contact_create(
        data={"type": "person", "name": "Jane Doe", "email": "jane@alpine.example"},
        company_number=company.number,
    )
    lone = contact_create(data={"name": "Fabrikam", "country_code": "DE"})
    # A duplicate of the company (the same e-mail): a pair for the duplicates pages.
    contact_create(data={"name": "ALPINE SKI HOUSE AS", "email": "info@alpine.example"})
    customer, _ = customer_create_from_contact(contact=company)
    vendor, _ = vendor_create_from_contact(contact=company)
    bank, _ = bank_account_create_from_contact(contact=company)
    line = {"description": "Touring skis", "quantity": Decimal(4), "unit_price": Decimal(420)}
    quote = document_create(side=SALES, document_type="quote", contact=company, lines=[line])
    order = document_create(side=SALES, document_type="order", contact=company, lines=[line])
    purchase = document_create(side=PURCHASE, document_type="quote", contact=company, lines=[line])
    prospect = document_create(side=SALES, document_type="quote", contact=lone, lines=[line])
    entry = interaction_log_manual(
        contact=company, template_code="CALL", data={"description": "Asked for a quote"}
    )
    email = email_send(contact=person, subject="Hello", body="A word.")
    job = job_create(kind="customer")
    post_code = code_create(POST_CODES, data={"code": "0150", "city": "Oslo", "country_code": "NO"})
    twin = contact_create(data={"name": "Contoso"})
    _, merge = contact_merge(survivor=twin, merged=contact_create(data={"name": "CONTOSO"}))
    assert merge is not None
    return {
        "salespeople": ["JS"],
        "territories": ["NORTH"],
        "languages": ["NOR"],
        "payment-terms": ["60 DAYS"],
        "post-codes": [str(post_code.pk)],
        "contacts": [company.number, person.number, lone.number],
        "customers": [customer.number],
        "vendors": [vendor.number],
        "bank-accounts": [bank.number],
        "sales": [quote.number, order.number, prospect.number],
        "purchase": [purchase.number],
        "line_no": ["10000"],
        "entry_id": [str(entry.pk)],
        "email_id": [str(email.pk)],
        "job_id": [str(job.pk)],
        "merge_id": [str(merge.pk)],
        "pair_id": [str(duplicate_list().values_list("pk", flat=True)[0])],
        "row_id": [str(dupl_setup_list().values_list("pk", flat=True)[0])],
    }


def _in_use() -> None:
    """Before the destructive part: a prospect quote on each side, which propose the default
    templates, and a call logged with a template (the crawl's releases may have cleared them)."""
    prospect = contact_create(data={"name": "Tailspin Toys", "country_code": "US"})
    line = {"description": "Gloves", "quantity": Decimal(1), "unit_price": Decimal(10)}
    for side in (SALES, PURCHASE):
        document_create(side=side, document_type="quote", contact=prospect, lines=[line])
    interaction_log_manual(contact=prospect, template_code="CALL")


def _combinations(
    names: list[str], real: Any, integer: set[str]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(every consistent combination of real values, the first one with one bad value each).

    ``real(name, chosen)`` gives the real values of a parameter given the ones before it."""
    combos: list[dict[str, str]] = [{}]
    for name in names:
        combos = [{**c, name: v} for c in combos for v in real(name, c)]
    bad = [
        {**combos[0], name: value}
        for name in names
        for value in (BAD_INT if name in integer else BAD_STR)
    ]
    return combos, bad


# The UI --------------------------------------------------------------------------------------

_CONVERTER = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


def _routes(patterns: list[Any], prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    """(route with <conv:name> placeholders, namespace) of every page, recursively."""
    for p in patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            if route.startswith(("api/", "admin/")):
                continue  # the API is crawled through its schema, the admin through its models
            yield from _routes(p.url_patterns, prefix + route, p.namespace or ns)
        elif isinstance(p, URLPattern):
            yield prefix + route, ns


def _ui_real(data: dict[str, Any], ns: str) -> Any:
    def real(name: str, chosen: dict[str, str]) -> list[str]:
        if name == "number":
            return list(data[chosen.get("kind_path") or chosen.get("side") or "contacts"])
        fixed = {
            "kind": ["customer", "vendor", "bank_account"],
            "kind_path": ["customers", "vendors", "bank-accounts"],
            "side": ["sales", "purchase"],
            "action": ["release", "reopen"],
            "table": list(TABLES),
            "field": ["salesperson_code", "territory_code", "post_code"],  # code pickers
        }
        if name == "key":
            return list(data[chosen["table"]])
        if name == "kind_path" and ns == "audit":
            return ["contacts", *fixed["kind_path"]]
        return fixed[name] if name in fixed else list(data[name])

    return real


def _pages(data: dict[str, Any]) -> tuple[list[str], list[str], int]:
    """(real URLs, URLs with one bad value, number of routes) of the UI."""
    real_urls: list[str] = []
    bad_urls: list[str] = []
    routes = list(_routes(get_resolver().url_patterns))
    for route, ns in routes:
        found = list(_CONVERTER.finditer(route))
        integer = {m.group("name") for m in found if m.group("conv") == "int"}
        real, bad = _combinations([m.group("name") for m in found], _ui_real(data, ns), integer)
        for values, into in ((real, real_urls), (bad, bad_urls)):
            into += [
                "/" + _CONVERTER.sub(lambda m, v=v: v[m.group("name")], route)  # type: ignore[misc]
                for v in values
            ]
    return real_urls, bad_urls, len(routes)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    numeric: set[str] = field(default_factory=set)
    choices: set[str] = field(default_factory=set)
    limits: dict[str, int] = field(default_factory=dict)


class _Forms(HTMLParser):
    """The forms of a page: where they go, their fields and the values the page gives them."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.forms: list[Form] = []
        self.targets: set[str] = set()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("hx-target", "").startswith("#"):
            self.targets.add(a["hx-target"][1:])
        if tag == "form":
            action = urljoin(self.url, a.get("action") or self.url)
            self.forms.append(Form(a.get("method", "get").lower(), action))
            return
        if not self.forms or not a.get("name"):
            return
        form, name = self.forms[-1], a["name"]
        if tag == "input":
            _read_input(form, name, a)
        else:
            self._read_field(tag, form, name, a)

    def _read_field(self, tag: str, form: Form, name: str, a: dict[str, str]) -> None:
        """A named button, select, option or textarea; the selected (or first) option gives its
        select's value."""
        if tag == "button" and a.get("value"):
            form.fields.setdefault(name, a["value"])
        elif tag == "select":
            self._select = name
            form.choices.add(name)
            form.fields.setdefault(name, "")
        elif (
            tag == "option" and self._select and ("selected" in a or not form.fields[self._select])
        ):
            form.fields[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            form.fields[name] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1].fields[self._textarea] += data


def _read_input(form: Form, name: str, a: dict[str, str]) -> None:
    """An input's value as the browser would send it, and what kind of value it takes."""
    kind = a.get("type", "text")
    if kind in ("checkbox", "radio"):
        form.choices.add(name)
    if kind in ("checkbox", "radio") and "checked" not in a:
        form.fields.setdefault(name, "")
        return
    form.fields[name] = a.get("value", "on" if kind == "checkbox" else "")
    if kind in ("number", "hidden"):
        form.numeric.add(name)
    if a.get("maxlength", "").isdigit():
        form.limits[name] = int(a["maxlength"])


def _admin_urls() -> list[str]:
    """The read-only admin site: each model's list (searched, sorted, paged and filtered with
    bad values), its first record's pages, and bad record ids."""
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        app, name = model._meta.app_label, model._meta.model_name
        changelist = reverse(f"admin:{app}_{name}_changelist")
        if reverse("admin:app_list", args=(app,)) not in urls:
            urls.append(reverse("admin:app_list", args=(app,)))
        urls += [changelist] + [
            f"{changelist}?{urlencode({key: value})}"
            for key, value in (("q", LONG), ("o", "employee"), ("p", HUGE), ("junk", "1"))
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls += [f"{changelist}{first.pk}/{view}/" for view in ("change", "history")]
        urls += [f"{changelist}{pk}/change/" for pk in (HUGE, "employee", "1%2F2")]
    return urls


def _route(path: str) -> str:
    try:
        return str(resolve(path).route)
    except Resolver404:
        return path


def _ui_client(role: str | None) -> Client:
    """Signed in with the role; the admin is also staff (``liaison user create --staff``)."""
    client = Client(raise_request_exception=False)
    if role is not None:
        user = user_create(
            username=f"crawl-{role}", password="pw", role=role, admin=role == "admin"
        )
        client.force_login(user)  # type: ignore[arg-type]
    return client


def _signed_in_again(client: Client, role: str | None) -> None:
    """After a post to /logout/: the rest of the crawl runs signed in."""
    if role is not None and "_auth_user_id" not in client.session:
        client.force_login(get_user_model().objects.get(username=f"crawl-{role}"))


def _bad_field(form: Form, name: str) -> str:
    """A huge number, an unlisted choice, or text as long as the page allows (or over-long)."""
    if name in form.numeric:
        return HUGE
    if name in form.choices:
        return "employee"
    return "9" * form.limits[name] if name in form.limits else LONG


def _form_submissions(form: Form, deep: bool) -> Iterator[dict[str, str]]:
    """Deep: bad values one field at a time, then all at once; then the form as shown."""
    if deep:
        for name in form.fields:
            yield {**form.fields, name: _bad_field(form, name)}
        yield dict.fromkeys(form.fields, "employee")
        yield dict.fromkeys(form.fields, NUL)
    yield form.fields


_FormKey = tuple[str, str, tuple[str, ...]]  # method, action without its query, field names
_Send = tuple[int, int, str, str, dict[str, str]]  # tier, order, method, URL, data


def _fetch_pages(
    client: Client, role: str | None, tally: Tally, urls: list[str]
) -> tuple[dict[_FormKey, Form], dict[str, set[str]]]:
    """Fetch each URL; the forms the pages show (one per key) and each page's htmx targets."""
    forms: dict[_FormKey, Form] = {}
    targets: dict[str, set[str]] = {}
    for url in urls:
        tally.urls.add(url)
        response = tally.call(client, "get", url, role)
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            parser = _Forms(url)
            parser.feed(response.content.decode())
            targets[url] = parser.targets
            for form in parser.forms:
                form.method = "post" if form.method == "post" else "get"
                key = (form.method, form.action.split("?")[0], tuple(sorted(form.fields)))
                forms.setdefault(key, form)
    return forms, targets


def _sends(
    forms: dict[_FormKey, Form],
    tally: Tally,
    role: str | None,
    real_urls: list[str],
    bad_urls: list[str],
) -> list[_Send]:
    """Every form submission and blind post of the crawl, to be ordered by ``_ordered``."""
    full = role == "admin"
    sends: list[_Send] = []
    shapes: set[_FormKey] = set()
    for (method, action, names), form in forms.items():
        tally.urls.add(action)
        # Bad values: once per form of a kind (the edit form of one contact), by the admin.
        shape = (method, _route(action), names)
        deep = full and shape not in shapes
        shapes.add(shape)
        for data_ in _form_submissions(form, deep):
            sends.append((_tier(method, action), 0, method, form.action, data_))
    # Bad URLs refuse a post before any role check beyond the editor's (no setup page has one).
    for url in bad_urls if role != "admin" else ():
        sends.append((_tier("post", url), 1, "post", url, {}))
    for url in real_urls:
        sends.append((_tier("post", url), 1, "post", url, JUNK_FIELDS))
        sends.append((_tier("post", url), 2, "post", url, {}))
    return sends


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_500(role: str | None) -> None:
    """Every page, with each role: fetched, posted to and its forms sent, never a 500.

    Bad query parameters, htmx fetches, one-field-at-a-time form values and the admin site run
    with the admin role, who sees every page and form (reads are the same for every role); the
    other roles get the URL variants and the forms they see."""
    data = _data()
    client = _ui_client(role)
    real_urls, bad_urls, routes = _pages(data)
    admin_urls = _admin_urls()
    full = role == "admin"
    tally = Tally()
    forms, targets = _fetch_pages(client, role, tally, real_urls + bad_urls)
    # The admin site shows its models to a superuser (``liaison createsuperuser``); the
    # others are sent to its sign-in page, or see no model.
    superuser = Client(raise_request_exception=False)
    superuser.force_login(get_user_model().objects.create_superuser("crawl-root", password="pw"))
    for url in admin_urls[:3]:
        tally.call(client, "get", url, role)
    for url in admin_urls if full else ():
        tally.urls.add(url)
        tally.call(superuser, "get", url, "superuser")
    for url in real_urls if full else ():
        tally.call(client, "get", url, role, data=QUERY_WORDS)
        tally.call(client, "get", url, role, data=QUERY_NUMBERS)
        # As htmx fetches it for each part of the page it swaps.
        for target in sorted(targets.get(url, ())):
            tally.call(
                client, "get", url, role, headers={"HX-Request": "true", "HX-Target": target}
            )
    sends = _sends(forms, tally, role, real_urls, bad_urls)
    for tier, _, method, url, data_ in _ordered(sends):
        if tier and not tally.destructive:
            tally.destructive = True
            _in_use()
        tally.call(client, method, url, role, data=data_)
        _signed_in_again(client, role)
    admin_site = f"{len(admin_urls)} admin-site URLs" if full else "the admin site's door"
    tally.report("UI", role, f"{routes} routes, {len(forms)} forms, {admin_site}")


# The API -------------------------------------------------------------------------------------

_PARAM = re.compile(r"\{(\w+)\}")
_RESOURCE = {
    "sales-documents": "sales",
    "purchase-documents": "purchase",
    "customer-contacts": "contacts",
    "business-relations": ["CUST", "VEND", "BANK"],
    "customer-templates": ["CUST-COMPANY", "CUST-PERSON"],
    "vendor-templates": ["VEND-COMPANY"],
    "interaction-templates": ["CALL", "SQUOTE"],
}


def _api_real(path: str, data: dict[str, Any]) -> Any:
    resource = path.split("/")[3]

    def real(name: str, chosen: dict[str, str]) -> list[str]:
        if name in ("number", "code", "key"):
            found = _RESOURCE.get(resource, resource)
            return list(data[found] if isinstance(found, str) else found)
        return list(data[name])

    return real


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].split("/")[-1]]
    return node


def _types(schema: dict[str, Any], prop: dict[str, Any]) -> list[dict[str, Any]]:
    prop = _resolve(schema, prop)
    alternatives = [_resolve(schema, p) for p in prop.get("anyOf", []) + prop.get("allOf", [])]
    return [p for p in [prop, *alternatives] if p.get("type") not in (None, "null")]


def _plausible(schema: dict[str, Any], prop: dict[str, Any]) -> Any:
    """A value the schema accepts for the property (a required field of a probe's body)."""
    for t in _types(schema, prop):
        if "enum" in t:
            return t["enum"][0]
        kind = t["type"]
        if kind == "string":
            return {"date": "2024-01-31", "date-time": "2024-01-31T10:00:00Z"}.get(
                t.get("format", ""), "employee"[: t.get("maxLength", 8)]
            )
        return {"integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}[kind]
    return "employee"


def _bad(schema: dict[str, Any], prop: dict[str, Any]) -> list[Any]:
    """Values of the property's type that the schema may accept but no rule does."""
    values: list[Any] = []
    for t in _types(schema, prop):
        kind = t["type"]
        if kind == "string" and t.get("format") in ("date", "date-time"):
            values += ["9999-12-31", "0001-01-01"]
        elif kind == "string":
            size = t.get("maxLength", 300)
            values += ["employee"[:size], "9" * size, NUL[:size]]
        elif kind == "integer":
            values += [10**30, -1]
        elif kind == "number":
            values += [1e300, "1e400"]
        elif kind == "array":
            values += [["employee"], [HUGE]]
    return values or ["employee"]


def _bodies(schema: dict[str, Any], op: dict[str, Any], each_field: bool) -> list[str]:
    """JSON bodies: empty, junk fields, not an object, not JSON; one bad field at a time."""
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return ["{}"]
    bodies = ["{}", json.dumps(JUNK_FIELDS), "[]", "{"]
    if each_field:
        body = _resolve(schema, content["schema"])
        props = body.get("properties", {})
        base = {n: _plausible(schema, props[n]) for n in body.get("required", [])}
        bodies.append(json.dumps(base))
        for name, prop in props.items():
            bodies += [json.dumps({**base, name: v}) for v in _bad(schema, prop)]
    return bodies


def _api_calls(
    schema: dict[str, Any], data: dict[str, Any], role: str | None
) -> Iterable[tuple[int, int, str, str, list[str]]]:
    """(tier, phase, method, url with query, bodies) of every operation and variant.

    Bad query parameters run for the viewer (reads are the same for every role), one bad body
    field at a time for the admin (who may change everything)."""
    calls = []
    for path, methods in schema["paths"].items():
        names = _PARAM.findall(path)
        for method, op in methods.items():
            params = op.get("parameters", [])
            integer = {p["name"] for p in params if p.get("schema", {}).get("type") == "integer"}
            real, bad = _combinations(names, _api_real(path, data), integer)
            # One bad field at a time for the first real record only.
            bodies = _bodies(schema, op, role == "admin")
            sent = [bodies, *[bodies[:4]] * (len(real) - 1), *[bodies[:1]] * len(bad)]
            variants = [(v, 2) for v in real] + [(v, 1) for v in bad]
            for (variant, phase), these in zip(variants, sent, strict=True):
                url = _PARAM.sub(lambda m, v=variant: v[m.group(1)], path)  # type: ignore[misc]
                tier = _tier(method, url)
                calls.append((tier, phase, method, url, these))
                if phase == 1 or role != "viewer":
                    continue
                for p in params:
                    if p["in"] == "query":
                        for value in BAD_VALUES:
                            query = f"{url}?{urlencode({p['name']: value})}"
                            calls.append((tier, 1, method, query, bodies[:1]))
    return _ordered(calls)


def _api_client(role: str | None) -> Client:
    if role is None:
        return Client(raise_request_exception=False)
    user_create(username=f"crawl-api-{role}", password="pw", role=role)
    _, secret, _ = token_create(username=f"crawl-api-{role}")
    return Client(raise_request_exception=False, headers={"Authorization": f"Bearer {secret}"})


@pytest.mark.parametrize("role", ROLES)
def test_no_api_operation_answers_500(role: str | None) -> None:
    """Every operation of the served schema, with each role's token and with none: no 500."""
    data = _data()
    client = _api_client(role)
    schema = Client().get("/api/v1/openapi.json").json()
    operations = sum(len(methods) for methods in schema["paths"].values())
    tally = Tally()
    for tier, _, method, url, bodies in _api_calls(schema, data, role):
        if tier and not tally.destructive:
            tally.destructive = True
            _in_use()
        tally.urls.add(f"{method} {url}")
        if method in ("get", "delete"):
            tally.call(client, method, url, role)
            continue
        for body in bodies:
            tally.call(client, method, url, role, data=body, content_type="application/json")
    tally.report("API", role, f"{operations} operations")


def test_a_nul_character_posted_to_a_page_is_a_bad_request_and_changes_nothing() -> None:
    # found by the crawl on PostgreSQL: pages that read a posted code without a form
    # (a document's contact, its template) sent it to the database, which cannot hold NUL
    from liaison.documents.models import SalesHeader

    client = _ui_client("editor")
    company = contact_create(data={"name": "Alpine Ski House"})
    # when
    response = client.post("/documents/sales/new/", {"contact": company.number + NUL})
    # then
    assert response.status_code == 400
    assert not SalesHeader.objects.exists()
