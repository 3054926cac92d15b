"""Presets: the 39 public ``*_CFG`` names are aliases of the presets they equal, the presets equal
those constants (up to ModelOpt's ``four_over_six: True -> 1`` validation), recipe sections that
ModelOpt's oracle found equal to a constant are equal here too, and the helpers compose."""

from __future__ import annotations

import re
from typing import Any

import pytest

from recipekit.defaults import default_registry
from recipekit.factories import presets
from recipekit.factories.units import ALL, default_disabled_quantizers, kv_cache, pair
from tests._canon import annotations, canonical, golden_dir, load_json

CFG_DIR = golden_dir() / "_cfg_dicts"
CFG_INDEX = load_json(CFG_DIR / "INDEX.json") if (CFG_DIR / "INDEX.json").is_file() else None


def _public() -> list:
    if CFG_INDEX is None:
        return [pytest.param(None, marks=pytest.mark.skip(reason=f"{CFG_DIR} not found"))]
    return sorted(n for n, info in CFG_INDEX["cfg_dicts"].items() if info["in_choices"])


def _validated(value: Any) -> Any:
    """What ModelOpt's pydantic validation does to pre-validation preset data (report §8.2)."""
    if isinstance(value, dict):
        return {
            k: (1 if k == "four_over_six" and v is True else _validated(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_validated(v) for v in value]
    return value


def _preset_path(name: str) -> str:
    (path,) = [
        p for p in CFG_INDEX["cfg_dicts"][name]["equals"] if p.startswith("configs/ptq/presets/")
    ]
    return path.removesuffix(".yaml")


@pytest.mark.parametrize("name", _public())
def test_cfg_name_is_alias_of_its_preset(name: str) -> None:
    reg = default_registry()
    entry = reg.get(name)
    assert entry.namespace == "presets"
    assert entry.name == _preset_path(name)
    assert name in entry.aliases


@pytest.mark.parametrize("name", _public())
def test_preset_equals_cfg_constant(name: str) -> None:
    constant = load_json(CFG_DIR / f"{name}.json")
    ours = _validated(default_registry().get(name)())
    assert canonical(ours) == canonical(constant["value"])
    notes = annotations(ours)
    assert notes["tuple_paths"] == sorted(constant["annotations"]["tuple_paths"])
    assert notes["int_key_paths"] == sorted(constant["annotations"]["int_key_paths"])


def _selected(data: Any, selector: str) -> Any:
    for key, index in re.findall(r"([^.\[\]]+)(?:\[(\d+)\])?", selector):
        data = data[key]
        if index:
            data = data[int(index)]
    return data


def _sections() -> list:
    if CFG_INDEX is None:
        return [pytest.param(None, None, marks=pytest.mark.skip(reason=f"{CFG_DIR} not found"))]
    return [
        (name, ref)
        for name, info in sorted(CFG_INDEX["cfg_dicts"].items())
        if info["in_choices"]
        for ref in info["equals"]
        if "#" in ref
    ]


@pytest.mark.parametrize(("name", "ref"), _sections())
def test_recipe_sections_equal_to_a_constant_are_that_preset(name: str, ref: str) -> None:
    path, selector = ref.split("#")
    reg = default_registry()
    section = _selected(reg.get(path.removesuffix(".yaml"))(), selector)
    preset = reg.get(name)()
    assert canonical(section) == canonical(preset)
    assert annotations(section) == annotations(preset)


def test_exactly_the_public_constants_are_upper_case_aliases() -> None:
    if CFG_INDEX is None:
        pytest.skip(f"{CFG_DIR} not found")
    upper = {a for e in default_registry().entries("presets") for a in e.aliases if a.isupper()}
    assert upper == set(_public())
    assert len(upper) == CFG_INDEX["n_public_cfg_dicts"] == 39
    without = {
        e.name + ".yaml"
        for e in default_registry().entries("presets")
        if not any(a.isupper() for a in e.aliases)
    }
    assert without == set(CFG_INDEX["presets_without_cfg_constant"])


def test_every_preset_has_a_group_alias() -> None:
    for entry in default_registry().entries("presets"):
        group_name = entry.name.removeprefix("configs/ptq/presets/")
        assert group_name.split("/")[0] in {"model", "kv", "diffusers"}
        assert group_name in entry.aliases


# --------------------------------------------------------------------------- helpers compose
def test_quantize_config_leaves_out_unset_keys() -> None:
    assert list(presets.quantize_config([])) == ["quant_cfg"]
    assert list(presets.quantize_config([], algorithm=None, effective_bits=4.5)) == [
        "effective_bits",
        "algorithm",
        "quant_cfg",
    ]


def test_model_config_new_combination_is_one_call() -> None:
    cfg = presets.model_config(
        pair(ALL, "mxfp8", "fp8"), then=[kv_cache("fp8", "cast")], algorithm=None
    )
    quant_cfg = cfg["quant_cfg"]
    defaults = default_disabled_quantizers()
    assert cfg["algorithm"] is None
    assert quant_cfg[0] == {"quantizer_name": "*", "enable": False}
    assert [e["quantizer_name"] for e in quant_cfg[1:3]] == [
        "*weight_quantizer",
        "*input_quantizer",
    ]
    assert quant_cfg[3 : 3 + len(defaults)] == defaults
    assert quant_cfg[-1]["cfg"]["use_constant_amax"] is True
