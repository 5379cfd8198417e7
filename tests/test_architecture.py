"""Architecture rules that code review alone would let slip."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "liaison"
WRITES = {
    "save",
    "delete",
    "create",
    "update",
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
}
EDGES = ("api.py", "views.py", "forms.py", "admin.py", "cli.py")


def _edge_files() -> list[Path]:
    return [p for p in ROOT.rglob("*.py") if p.name in EDGES]


def test_edges_do_not_write_to_the_database() -> None:
    offenders = []
    for path in _edge_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in WRITES and "objects" in ast.unparse(node.func.value):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
                if node.func.attr in {"save", "delete"} and not node.args:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# The modules that write: every ``services`` module, and those whose name says what they write
# (link rows, customer and vendor templates, the quotes a new record goes onto).
WRITE_MODULES = ("services", "links", "record_templates", "quotes")


def _writes(module: str) -> bool:
    return module.endswith(WRITE_MODULES)


def test_the_engine_never_imports_a_service() -> None:
    imported = _imports(ROOT / "relations" / "sync.py")
    assert imported
    assert not [m for m in imported if _writes(m)]


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports from, and each name imported from a package with its
    package (``from liaison.records import services`` gives ``liaison.records.services``)."""
    found: list[str] = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            found.append(node.module or "")
            found.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def test_models_never_import_services() -> None:
    for path in ROOT.rglob("models.py"):
        assert not [m for m in _imports(path) if _writes(m)], path


RECORD_APPS = ("sales", "purchases", "banking")


def test_a_record_app_never_imports_another_record_apps_internals() -> None:
    """Customers, vendors and bank accounts share their rules through ``records/``; one kind's
    app may import another's models (vendors reuse the customer's invoicing fields), nothing
    else of it."""
    offenders = []
    for app in RECORD_APPS:
        for path in (ROOT / app).rglob("*.py"):
            for module in _imports(path):
                parts = module.split(".")
                other = parts[:2] in (["liaison", a] for a in RECORD_APPS if a != app)
                if other and len(parts) > 2 and parts[2] != "models":
                    offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert offenders == []


def test_core_imports_no_other_app() -> None:
    for path in (ROOT / "core").rglob("*.py"):
        others = [
            m
            for m in _imports(path)
            if m.startswith("liaison.") and not m.startswith("liaison.core")
        ]
        assert others == [], path


def test_no_signals_anywhere() -> None:
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        assert "django.db.models.signals" not in text, path
        assert "receiver(" not in text, path


def test_the_interaction_log_is_written_only_by_its_services() -> None:
    """Append-only: entries are created in interactions/services.py; the only updates there
    re-point which contact an entry hangs under (R-E2, R-L4); nothing deletes an entry."""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            chain = ast.unparse(node.func.value)
            if "InteractionLogEntry" not in chain and "entries" not in chain:
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if node.func.attr == "delete":
                offenders.append(where)
            if node.func.attr in {"update", "bulk_update"}:
                keys = {k.arg for k in node.keywords}
                if path.relative_to(ROOT).as_posix() != "interactions/services.py" or not keys <= {
                    "contact",
                    "contact_id",
                    "contact_company",
                }:
                    offenders.append(where)
    assert offenders == []


def test_no_module_imports_another_modules_private_names() -> None:
    """A rule another module needs is a public function of the module that owns it (issue
    14): a private name imported elsewhere is a rule being reached around its owner. (A
    module's own tests may reach into it.)"""
    offenders = []
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("liaison"):
                offenders += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert offenders == []


# Query methods that only a queryset or a manager has: no str, list, dict or set method shares
# these names, so finding one at an edge is finding a query, never a false alarm.
QUERY_METHODS = {
    "aggregate",
    "alias",
    "all",
    "annotate",
    "defer",
    "distinct",
    "earliest",
    "exclude",
    "exists",
    "extra",
    "filter",
    "first",
    "in_bulk",
    "iterator",
    "last",
    "latest",
    "only",
    "order_by",
    "prefetch_related",
    "raw",
    "select_for_update",
    "select_related",
    "using",
    "values_list",
}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


# Pages and handlers other helpers are moving while this rule lands (issue 16); each still
# queries on its own and is exempt until its move. The lead removes this list when merging.
def _edge_modules() -> list[Path]:
    """Every module a request enters by: views.py and api.py files (liaison/views.py and
    liaison/api.py among them) and any module of a ``views`` or ``api`` package."""
    return sorted(
        p
        for p in ROOT.rglob("*.py")
        if "tests" not in p.parts
        and (p.name in ("views.py", "api.py") or {"views", "api"} & set(p.parent.parts))
    )


def _orm_queries(node: ast.AST) -> list[tuple[int, str]]:
    """The ORM queries written out in ``node``: (line, what)."""
    found = []
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and sub.attr in MANAGERS:
            found.append((sub.lineno, f".{sub.attr}"))
        elif isinstance(sub, ast.Attribute) and sub.attr == "cursor":
            found.append((sub.lineno, ".cursor"))
        elif isinstance(sub, ast.Name | ast.Attribute) and "RawSQL" in {
            getattr(sub, "id", None),
            getattr(sub, "attr", None),
        }:
            found.append((sub.lineno, "RawSQL"))
        elif isinstance(sub, ast.Subscript) and ast.unparse(sub.value).endswith("connections"):
            found.append((sub.lineno, "connections[...]"))
        elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute):
            name = sub.func.attr
            chained = isinstance(sub.func.value, ast.Call)
            if name in QUERY_METHODS or (name in {"update", "delete"} and chained):
                found.append((sub.lineno, f".{name}()"))
    return found


def test_views_and_api_handlers_make_no_orm_query_of_their_own() -> None:
    """A page or a handler reads through a selector (``<entity>_get``, ``<entity>_list``,
    ``<entity>_for_<other>``), so each read has one name, one place and one query count.

    The strict reading: no manager (``.objects``, ``_default_manager``, ``_base_manager``), no
    raw SQL (``.raw()``, ``.extra()``, ``RawSQL``, a cursor, ``connections[...]``) and no
    queryset method at all: filtering, ordering, annotating, ``.first()``, ``.exists()`` (a
    ninja ``FilterSchema``'s ``.filter(qs)`` too: the selector takes the filters). Only the
    names no builtin type shares are checked, so a ``dict.get`` or a ``list.count`` never
    trips it; ``update``/``delete`` count when called on a chain (``qs.filter().update()``),
    which a dict's ``update`` never is. Slicing a selector's queryset (a LIMIT) stays allowed:
    it cannot be told from slicing a list."""
    offenders = []
    for path in _edge_modules():
        where = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text())
        for top in tree.body:
            offenders += [f"{where}:{line} {what}" for line, what in _orm_queries(top)]
    assert offenders == []
