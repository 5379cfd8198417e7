"""docs/architecture.md's layout section lists every package and module as it is."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "liaison"
DOC = ROOT / "docs" / "architecture.md"
# Every app has these; the layout names them once, in its "every app:" line.
BOILERPLATE = {"__init__.py", "apps.py"}
NOT_LISTED = {"migrations", "tests", "__pycache__"}
TOKEN = re.compile(r"[\w./]+")


def _layout_blocks() -> dict[str, set[str]]:
    """The names written under each top-level package of the layout's code block.

    The block is the first fenced code block after "## Layout"; a top-level package is a line
    that starts, two spaces in, with ``name/``; the lines up to the next such line are its
    block. A top-level module of ``liaison/`` is listed anywhere in the code block."""
    text = DOC.read_text()
    section = text.split("## Layout", 1)[1]
    code = section.split("```", 2)[1]
    blocks: dict[str, set[str]] = {"": set()}
    current = ""
    for line in code.splitlines():
        header = re.match(r"^  (\w+)/", line)
        if header:
            current = header.group(1)
            blocks.setdefault(current, set())
        names = set(TOKEN.findall(line))
        blocks[current] |= names
        blocks[""] |= names
    return blocks


def _packages() -> list[Path]:
    return sorted(
        p
        for p in PACKAGE.iterdir()
        if p.is_dir() and (p / "__init__.py").exists() and p.name not in NOT_LISTED
    )


def _listed(name: str, names: set[str]) -> bool:
    """``sync.py`` is listed as ``sync.py`` or within a path (``relations/sync.py``); a
    package as ``bulk/`` or within a path (``batch/bulk/``, ``templatetags/tags.py``)."""
    if name.endswith("/"):
        return any(("/" + name) in ("/" + n) for n in names)
    return any(n.rstrip(",.").split("/")[-1] == name for n in names)


def test_every_package_of_liaison_is_in_the_documented_layout() -> None:
    blocks = _layout_blocks()
    missing = [p.name for p in _packages() if p.name not in blocks]
    assert missing == []


def test_every_module_is_listed_under_its_package_in_the_documented_layout() -> None:
    blocks = _layout_blocks()
    missing = []
    for py in sorted(PACKAGE.glob("*.py")):
        if py.name not in BOILERPLATE and not _listed(py.name, blocks[""]):
            missing.append(py.relative_to(PACKAGE).as_posix())
    for package in _packages():
        names = blocks.get(package.name, set())
        for path in sorted(package.rglob("*")):
            parts = path.relative_to(package).parts
            if NOT_LISTED & set(parts) or path.name in BOILERPLATE:
                continue
            if path.is_dir() and (path / "__init__.py").exists():
                if not _listed(path.name + "/", names):
                    missing.append(path.relative_to(PACKAGE).as_posix() + "/")
            elif path.suffix == ".py" and not _listed(path.name, names):
                missing.append(path.relative_to(PACKAGE).as_posix())
    assert missing == []
