"""Every ModelOpt 0.47.0 recipe file has a registered factory whose no-argument result equals the
golden's ``resolved_pre_validation`` exactly (canonical JSON text + tuple and int-key positions).

The goldens are the oracle (``$RECIPEKIT_GOLDEN_DIR`` or ``../shared/reference/...``); the test
skips cleanly when they are absent.
"""

from __future__ import annotations

import pytest

from recipekit.defaults import default_registry
from tests._canon import golden_annotations, golden_dir, load_json, mismatch

GOLDEN = golden_dir()
INDEX = load_json(GOLDEN / "INDEX.json") if (GOLDEN / "INDEX.json").is_file() else {}

#: Which namespace each ModelOpt file kind lives in.
NAMESPACE = {
    "numeric": "numerics",
    "unit": "units",
    "preset": "presets",
    "recipe": "recipes",
    "other": "recipes",
}


def _cases() -> list:
    if not INDEX:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"goldens not found at {GOLDEN}"))]
    return sorted(INDEX)


@pytest.mark.parametrize("rel", _cases())
def test_factory_equals_golden(rel: str) -> None:
    info = INDEX[rel]
    golden = load_json(GOLDEN / info["golden"])
    assert golden["status"] == "ok"
    name = rel.removesuffix(".yaml")
    entry = default_registry().get(name)
    assert entry.name == name
    assert entry.namespace == NAMESPACE[info["kind"]]
    problem = mismatch(entry(), golden["resolved_pre_validation"], golden_annotations(golden))
    assert problem is None, f"{name}: {problem}"


def test_counts_by_kind() -> None:
    if not INDEX:
        pytest.skip(f"goldens not found at {GOLDEN}")
    kinds: dict[str, int] = {}
    for info in INDEX.values():
        kinds[info["kind"]] = kinds.get(info["kind"], 0) + 1
    assert kinds == {"numeric": 12, "unit": 24, "preset": 46, "recipe": 67, "other": 1}
    registered = {
        e.name
        for ns in ("numerics", "units", "presets", "recipes")
        for e in default_registry().entries(ns)
    }
    assert {rel.removesuffix(".yaml") for rel in INDEX} <= registered
