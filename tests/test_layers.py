"""The tree's layers hold: a retrieval package imports only from the layers below it (and
itself), and bot/ reaches retrieval only through its facade. Function-level imports count."""

from __future__ import annotations

import ast

import pytest

from tests.conftest import ROOT

# Lowest first; a module may import its own layer and the ones before it.
LAYERS = [
    {"errors", "types"},
    {"language"},
    {"ingest"},
    {"speakers"},
    {"extraction"},
    {"storage"},
    {"questions"},
    {"answers"},
    {"engine", "jobs"},
]
BOT_MAY_IMPORT = {"retrieval.engine", "retrieval.errors", "retrieval.types"}


def _level(part: str) -> int:
    return next(i for i, names in enumerate(LAYERS) if part in names)


def _imports(path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "retrieval":  # "from retrieval import x": x is the module
                found += [(node.lineno, f"retrieval.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return [(line, name) for line, name in found if name.split(".")[0] == "retrieval"]


def _modules(folder: str) -> list:
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("retrieval"), ids=lambda p: str(p.relative_to(ROOT)))
def test_retrieval_imports_only_lower_layers(path):
    rel = path.relative_to(ROOT / "retrieval").with_suffix("")
    if rel.parts == ("__init__",):
        return
    mine = _level(rel.parts[0])
    for line, name in _imports(path):
        parts = name.split(".")
        if len(parts) < 2:
            continue
        theirs = _level(parts[1])
        assert theirs <= mine, f"{path.name}:{line} imports {name} from a higher layer"


@pytest.mark.parametrize("path", _modules("bot"), ids=lambda p: str(p.relative_to(ROOT)))
def test_bot_reaches_retrieval_only_through_the_facade(path):
    for line, name in _imports(path):
        assert name in BOT_MAY_IMPORT, f"{path.name}:{line} imports {name}"


def test_every_retrieval_package_has_a_layer():
    for child in (ROOT / "retrieval").iterdir():
        if child.name.startswith("__"):
            continue
        _level(child.stem)  # raises StopIteration for a package nobody placed


def test_no_folder_grows_past_a_dozen_modules():
    for folder in [ROOT / "retrieval", *(p for p in (ROOT / "retrieval").rglob("*") if p.is_dir())]:
        modules = [p for p in folder.glob("*.py") if p.name != "__init__.py"]
        assert len(modules) <= 12, f"{folder} has {len(modules)} modules"
