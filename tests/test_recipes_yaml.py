"""The shipped ``_factory_`` YAML recipes (``recipekit/recipes/**``): each resolves with
``recipekit.resolve`` to exactly what the Python factory of the same name returns (and so to the
ModelOpt golden), and stays a short composition of registered units."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import recipekit
from recipekit.defaults import default_registry
from tests._canon import annotations, canonical, golden_annotations, golden_dir, load_json, mismatch

RECIPES = Path(recipekit.__file__).parent / "recipes"
FILES = sorted(RECIPES.rglob("*.yaml"))


def _name(path: Path) -> str:
    return path.relative_to(RECIPES).with_suffix("").as_posix()


def test_every_general_ptq_recipe_has_a_yaml_file() -> None:
    ptq = {
        e.name for e in default_registry().entries("recipes") if e.name.startswith("general/ptq/")
    }
    assert {_name(p) for p in FILES if _name(p).startswith("general/ptq/")} == ptq
    assert len(ptq) == 24


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_yaml_is_short_and_composed(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    assert doc["metadata"]["recipe_type"] == "ptq"
    assert "_factory_" in text
    assert "num_bits" not in text  # formats come from numerics, never inline
    assert len(text.splitlines()) <= 30


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_yaml_resolves_to_the_factory(path: Path) -> None:
    data = recipekit.resolve(path)
    expected = default_registry().get(_name(path))()
    assert canonical(data) == canonical(expected)
    assert annotations(data) == annotations(expected)


@pytest.mark.parametrize("path", FILES, ids=_name)
def test_yaml_resolves_to_the_golden(path: Path) -> None:
    golden_file = golden_dir() / (_name(path) + ".json")
    if not golden_file.is_file():
        pytest.skip(f"golden {golden_file} not found")
    golden = load_json(golden_file)
    problem = mismatch(
        recipekit.resolve(path), golden["resolved_pre_validation"], golden_annotations(golden)
    )
    assert problem is None, problem
