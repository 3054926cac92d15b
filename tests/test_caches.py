"""One cache module: every memo table is named there, ``clear_caches`` empties all of them, and
no result depends on which cache is warm."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import recipekit
from recipekit.resolver import caches

#: the modules whose tables hold package data (recipekit's own shipped files), kept by clear()
RESIDENT_MODULES = {"schemas", "modelopt_types", "serialize"}
BUILTINS = ["general/ptq/nvfp4_default-kv_fp8", "general/ptq/fp8_default-kv_fp8", "kv_fp8"]


def test_a_table_is_bounded_and_named() -> None:
    table = caches.table("test.bounded", limit=2)
    assert caches.table("test.bounded") is table
    table.put("a", 1)
    table.put("b", 2)
    table.put("c", 3)  # full: emptied first
    assert len(table) == 1 and table.get("c") == 3 and "a" not in table


def test_clear_caches_empties_every_table(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("q: {_factory_: 'nvfp4(block_size=32)'}\nn: 1.5\n")
    recipekit.resolve(recipe)
    recipekit.resolve("general/ptq/nvfp4_default-kv_fp8")
    filled = {name for name, table in caches.tables().items() if len(table)}
    assert {"document.files", "callsyntax.parse"} <= filled
    assert any(name.startswith("check.") for name in filled)
    recipekit.clear_caches()
    left = {name for name, t in caches.tables().items() if len(t)}
    assert all(caches.tables()[name].resident for name in left)  # package data only
    assert left <= {n for n in caches.tables() if n.split(".")[0] in RESIDENT_MODULES}
    caches.clear(resident=True)
    assert {name: len(t) for name, t in caches.tables().items() if len(t)} == {}


@pytest.mark.parametrize("name", BUILTINS)
def test_results_do_not_depend_on_which_cache_is_warm(name: str, tmp_path: Path) -> None:
    recipekit.clear_caches()
    cold = recipekit.dump(recipekit.resolve(name), format="json")
    warm = recipekit.dump(recipekit.resolve(name), format="json")
    assert json.loads(cold) == json.loads(warm) and cold == warm
    file = Path(recipekit.__file__).parent / "recipes" / (name + ".yaml")
    if file.is_file():
        recipekit.clear_caches()
        from_file_cold = recipekit.dump(recipekit.resolve(file), format="json")
        assert from_file_cold == recipekit.dump(recipekit.resolve(file), format="json") == cold


def test_an_edited_file_is_read_again(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("a: 1\n")
    assert recipekit.resolve(recipe) == {"a": 1}
    recipe.write_text("a: 22\n")
    assert recipekit.resolve(recipe) == {"a": 22}
