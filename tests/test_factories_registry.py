"""The built-in factory library as a whole: globally unique names and aliases, fresh results,
one-line docstrings, cheap imports, and the registration specs any registry can replay."""

from __future__ import annotations

import ast
import inspect
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import recipekit.factories
from recipekit.defaults import default_registry, new_registry
from recipekit.resolver.registry import tagged
from tests._canon import annotations, canonical

NAMESPACES = ("numerics", "units", "presets", "recipes")
FACTORY_DIR = Path(recipekit.factories.__file__).parent


def _ours() -> list:
    reg = default_registry()
    return [e for ns in NAMESPACES for e in reg.entries(ns)]


def _no_arg(entry) -> bool:
    sig = entry.signature
    return sig is not None and all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in sig.parameters.values()
    )


def test_names_and_aliases_are_globally_unique() -> None:
    reg = default_registry()
    counts = Counter()
    for entry in reg.entries():
        counts[entry.name] += 1
        counts.update(entry.aliases)
    assert [label for label, n in counts.items() if n > 1] == []
    for entry in _ours():
        for label in (entry.name, *entry.aliases):
            assert reg.get(label) is entry, label


def test_every_tagged_function_is_registered_and_replays_into_a_new_registry() -> None:
    reg, fresh = default_registry(), new_registry()
    specs = [f.__recipekit_factory__ for m in recipekit.factories.MODULES for f in tagged(m)]
    assert len(specs) == len({(s["namespace"], s["name"]) for s in specs}) >= 150
    for spec in specs:
        ref = f"{spec['namespace']}:{spec['name']}"
        assert reg.get(ref).func is fresh.get(ref).func
        assert reg.get(ref).aliases == fresh.get(ref).aliases == tuple(spec["aliases"])
    assert fresh is not reg and fresh.codecs == reg.codecs


@pytest.mark.parametrize("entry", _ours(), ids=lambda e: e.qualified)
def test_one_line_summary(entry) -> None:
    assert entry.summary, f"{entry.qualified} has no docstring"
    assert len(entry.summary) <= 100, entry.summary
    assert entry.summary.endswith("."), entry.summary


def _mutate(value: Any) -> None:
    if isinstance(value, dict):
        for child in list(value.values()):
            _mutate(child)
        value["__mutated__"] = True
    elif isinstance(value, list):
        for child in list(value):
            _mutate(child)
        value.append("__mutated__")
    elif isinstance(value, tuple):
        for child in value:
            _mutate(child)


def _containers(value: Any, seen: list[int]) -> None:
    if isinstance(value, (dict, list)):
        seen.append(id(value))
    if isinstance(value, (dict, list, tuple)):
        for child in value.values() if isinstance(value, dict) else value:
            _containers(child, seen)


#: the built-ins that need arguments, with literal ones (what a document's call syntax passes)
WITH_ARGS = {
    "numerics:mx": (("e2m1",), {"block_size": 16}),
    "units:entry": (("*weight_quantizer", "nvfp4"), {}),
    "units:pair": (("*mlp*", "fp8"), {}),
}


def _calls() -> list:
    return [(e, ()) if _no_arg(e) else (e, WITH_ARGS[e.qualified]) for e in _ours()]


@pytest.mark.parametrize(("entry", "args"), _calls(), ids=lambda c: getattr(c, "qualified", ""))
def test_results_are_fresh(entry, args) -> None:
    """What the ``fresh`` tag promises (the build pass skips its copy on it): no container
    appears twice in a result, and nothing a result holds is shared with the next call."""
    call = (lambda: entry(*args[0], **args[1])) if args else entry
    first = call()
    text, notes = canonical(first), annotations(first)
    ids: list[int] = []
    _containers(first, ids)
    assert len(ids) == len(set(ids)), "a container appears twice inside one result"
    _mutate(first)
    second = call()
    assert canonical(second) == text
    assert annotations(second) == notes


def test_every_builtin_is_tagged_fresh_and_checked() -> None:
    assert all(entry.fresh for entry in _ours())
    assert {e.qualified for e in _ours() if not _no_arg(e)} == set(WITH_ARGS)


def test_modules_import_nothing_heavy() -> None:
    allowed = {"__future__", "re", "collections.abc", "typing", "recipekit.resolver.registry"}
    allowed |= {"recipekit.schemas", "recipekit.resolver.errors"}  # light; used only on demand
    for path in sorted(FACTORY_DIR.glob("*.py")):
        if path.name == "codecs.py":  # not part of the factory library
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module in allowed, f"{path.name} imports {node.module}"
            elif isinstance(node, ast.Import):
                assert {a.name for a in node.names} <= allowed, f"{path.name} imports {node.names}"


def test_registered_functions_are_plain_functions() -> None:
    for entry in _ours():
        assert inspect.isfunction(entry.func)
        assert entry.func.__module__.startswith("recipekit.factories.")
