"""The package's layering, read from the source with ``ast``: the resolver core imports nothing
above it, and reserved keys are spelled only in ``keys.py``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import recipekit

PACKAGE = Path(recipekit.__file__).parent
CORE = PACKAGE / "resolver"
ABOVE_CORE = (
    "recipekit.factories",
    "recipekit.interop",
    "recipekit.cli",
    "recipekit.defaults",
    "recipekit.api",
    "recipekit.match",
    "recipekit.schemas",
)
RESERVED = {"_factory_", "_target_", "_partial_", "_call_", "_args_"}


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the module's package
                package = path.parent.relative_to(PACKAGE.parent).parts
                base = ".".join(package[: len(package) - node.level + 1])
                name = f"{base}.{node.module}" if node.module else base
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


@pytest.mark.parametrize("path", _modules(CORE), ids=lambda p: p.name)
def test_the_core_imports_nothing_above_it(path: Path) -> None:
    bad = [
        f"{path.name}:{line} imports {name}"
        for line, name in _imports(path)
        if any(name == top or name.startswith(top + ".") for top in ABOVE_CORE)
    ]
    assert bad == []


def test_the_layering_check_sees_a_violation(tmp_path: Path) -> None:
    """Positive control: the same reading flags an upward import."""
    fake = CORE / "_probe_not_a_module.py"
    assert not fake.exists()
    sample = tmp_path / "sample.py"
    sample.write_text("from recipekit.factories import install\nimport recipekit.interop.x\n")
    names = [name for _, name in _imports(sample)]
    assert names == ["recipekit.factories", "recipekit.interop.x"]


@pytest.mark.parametrize("path", _modules(PACKAGE), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_reserved_keys_are_spelled_only_in_keys_py(path: Path) -> None:
    if path == CORE / "keys.py":
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    literals = [
        f"{path.name}:{node.lineno} {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in RESERVED and id(node) not in docstrings
    ]
    assert literals == []
