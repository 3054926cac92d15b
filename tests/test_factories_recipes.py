"""General recipes: the shared PTQ shape, the recipe helpers, and the aliasing scheme of
``general/**`` (``<dir>/<name>`` always, the bare name when it is unique)."""

from __future__ import annotations

import pytest

from recipekit.defaults import default_registry
from recipekit.factories import recipes
from recipekit.factories.presets import fp8_default, nvfp4_default
from recipekit.factories.units import base_disable_all, default_disabled_quantizers, kv_cache, pair
from tests._canon import canonical


def _general() -> list[str]:
    return sorted(
        e.name for e in default_registry().entries("recipes") if e.name.startswith("general/")
    )


@pytest.mark.parametrize("name", _general())
def test_general_aliases(name: str) -> None:
    reg = default_registry()
    entry = reg.get(name)
    group_alias = name.removeprefix("general/")
    assert group_alias in entry.aliases
    assert reg.get(group_alias) is entry
    basename = name.rsplit("/", 1)[1]
    clashes = [e for e in reg.entries() if e is not entry and e.name.rsplit("/", 1)[-1] == basename]
    assert (basename in entry.aliases) == (not clashes)


def test_ambiguous_basenames_have_no_bare_alias() -> None:
    reg = default_registry()
    assert "nvfp4_default-kv_fp8" not in reg.names()
    assert reg.get("ptq/nvfp4_default-kv_fp8").name == "general/ptq/nvfp4_default-kv_fp8"
    assert reg.get("qad/nvfp4_default-kv_fp8").name == "general/qad/nvfp4_default-kv_fp8"


def test_count() -> None:
    prefixes = (
        "general/ptq/",
        "general/qad/",
        "general/auto_quantize/",
        "general/speculative_decoding/",
        "general/distillation/",
    )
    counts = [sum(n.startswith(p) for n in _general()) for p in prefixes]
    assert counts == [24, 3, 5, 4, 1]


def test_general_ptq_shape() -> None:
    recipe = recipes.general_ptq(
        "d",
        pair("*mlp*", "mxfp8"),
        kv=kv_cache("nvfp4", "cast"),
        then=[[{"quantizer_name": "*x*", "enable": False}]],
    )
    assert recipe["metadata"] == {"recipe_type": "ptq", "description": "d"}
    assert recipe["quantize"]["algorithm"] == "max"
    quant_cfg = recipe["quantize"]["quant_cfg"]
    defaults = default_disabled_quantizers()
    assert quant_cfg[0] == base_disable_all()
    assert quant_cfg[3]["quantizer_name"] == "*[kv]_bmm_quantizer"  # KV before the exclusions
    assert quant_cfg[4 : 4 + len(defaults)] == defaults
    assert quant_cfg[-1] == {"quantizer_name": "*x*", "enable": False}


def test_qad_default_is_the_ptq_default() -> None:
    assert canonical(recipes.qad_nvfp4_default_kv_fp8()) == canonical(
        recipes.nvfp4_default_kv_fp8()
    )


def test_preset_recipes_wrap_the_preset() -> None:
    from recipekit.factories import presets

    assert recipes.mxfp4_mlp_weight_only_recipe()["quantize"] == presets.mxfp4_mlp_weight_only()
    assert recipes.nvfp4_mlp_weight_only_recipe()["quantize"] == presets.nvfp4_mlp_weight_only()


def test_ptq_recipe_without_description() -> None:
    assert recipes.ptq_recipe({"quant_cfg": []}) == {
        "metadata": {"recipe_type": "ptq"},
        "quantize": {"quant_cfg": []},
    }


def test_auto_quantize_recipe_helper() -> None:
    recipe = recipes.auto_quantize_recipe(
        "d",
        effective_bits=5.0,
        candidate_formats=[nvfp4_default(), fp8_default()],
        cost_model="active_moe",
        active_moe_expert_ratio=0.25,
        extra_disabled_layers=["*extra*"],
    )
    search = recipe["auto_quantize"]
    assert list(recipe) == ["metadata", "auto_quantize"]
    assert search["constraints"] == {
        "effective_bits": 5.0,
        "cost_model": "active_moe",
        "cost": {"active_moe_expert_ratio": 0.25},
    }
    assert search["disabled_layers"][-1] == "*extra*"
    assert search["disabled_layers"][:-1] == recipes.base_disabled_layers()
    assert search["auto_quantize_method"] == "gradient" and search["score_size"] == 128


def test_dflash_training_tail() -> None:
    without = recipes.dflash_training(num_train_epochs=2)
    with_norm = recipes.dflash_training(num_train_epochs=2, max_grad_norm=0.5)
    assert "max_grad_norm" not in without
    assert with_norm["max_grad_norm"] == 0.5
    assert list(without)[:2] == ["output_dir", "num_train_epochs"]
    assert without["report_to"] == "tensorboard"
