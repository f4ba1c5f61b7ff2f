"""The packages' layers: each imports only its own or a lower layer, checked on every import (function-level too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sts_snapshots"

# Lowest first. A part may import its own modules and any part of a lower layer; two parts of one layer do
# not import each other unless listed in SIDEWAYS. What api and ui share lives below both (services/files.py).
LAYERS: list[set[str]] = [
    {"__init__", "domain"},
    {"datadir", "settings", "resources", "logging_setup"},
    {"store"},
    {"services", "report", "signing"},
    {"snapshots", "metrics"},
    {"context"},
    {"packs"},
    {"api", "ui", "ops", "demo"},
    {"app"},
    {"server"},
    {"cli"},
    {"__main__"},
]
SIDEWAYS = {("snapshots", "metrics"), ("snapshots", "report")}
# report renders the PDF from the typed model alone: it must not reach the stores or services.
ONLY = {"report": {"domain"}}
LAYER_OF = {part: index for index, layer in enumerate(LAYERS) for part in layer}


def part_of(module: str) -> str:
    """The top-level part of an ``sts_snapshots`` module: ``sts_snapshots.ui.room.page`` -> ``ui``."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every ``sts_snapshots`` module ``path`` imports, wherever the import statement stands."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("sts_snapshots")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.startswith("sts_snapshots"):
                found.append((node.lineno, target))
    return found


def violations() -> list[str]:
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = part_of(module_name(path))
        if source not in LAYER_OF:
            problems.append(f"{path.relative_to(PACKAGE.parent)}: {source!r} is in no layer")
            continue
        for line, target in imports_of(path):
            goal = part_of(target)
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}"
            if goal == source:
                continue
            if goal not in LAYER_OF:
                problems.append(f"{where}: {goal!r} is in no layer")
            elif source in ONLY and goal not in ONLY[source]:
                problems.append(f"{where}: {source} may import only {', '.join(sorted(ONLY[source]))}")
            elif LAYER_OF[goal] > LAYER_OF[source]:
                problems.append(f"{where}: {goal} is a higher layer than {source}")
            elif LAYER_OF[goal] == LAYER_OF[source] and (source, goal) not in SIDEWAYS:
                problems.append(f"{where}: {source} and {goal} are one layer; share through a lower one")
    return problems


def test_every_import_follows_the_layers() -> None:
    assert violations() == []


def test_every_part_of_the_package_is_in_a_layer() -> None:
    parts = {part_of(module_name(path)) for path in PACKAGE.rglob("*.py")}
    assert parts <= set(LAYER_OF), parts - set(LAYER_OF)


@pytest.mark.parametrize(("source", "target", "allowed"), [
    ("ui", "api", False), ("api", "ui", False), ("services", "snapshots", False), ("store", "services", False),
    ("report", "services", False), ("ui", "services", True), ("snapshots", "metrics", True),
])
def test_the_rule_itself(source: str, target: str, allowed: bool) -> None:
    """The checker refuses what the layers forbid (so a passing test means something)."""
    sideways = LAYER_OF[target] == LAYER_OF[source] and (source, target) not in SIDEWAYS
    only = source in ONLY and target not in ONLY[source]
    assert (not (LAYER_OF[target] > LAYER_OF[source] or sideways or only)) is allowed
