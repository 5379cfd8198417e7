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


def test_the_engine_never_imports_a_service() -> None:
    imported = _imports(ROOT / "relations" / "sync.py")
    assert imported
    assert not [m for m in imported if m.endswith(("services", "records", "links"))]


def _imports(path: Path) -> list[str]:
    return [
        node.module or ""
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
    ]


def test_models_never_import_services() -> None:
    for path in ROOT.rglob("models.py"):
        assert not [m for m in _imports(path) if m.endswith(("services", "records", "links"))]


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
