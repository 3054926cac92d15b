"""Architecture (``huggingface/**``) and checkpoint (``models/**``) recipes: aliases, shared
structure between model families, and the per-layer pattern data."""

from __future__ import annotations

import pytest

from recipekit.defaults import default_registry
from recipekit.factories import models, units
from recipekit.factories.numerics import nvfp4
from tests._canon import canonical


def _entries(prefix: str) -> list[str]:
    return sorted(
        e.name for e in default_registry().entries("recipes") if e.name.startswith(prefix)
    )


@pytest.mark.parametrize("name", _entries("huggingface/"))
def test_huggingface_alias_drops_the_tier(name: str) -> None:
    reg = default_registry()
    assert reg.get(name.removeprefix("huggingface/")) is reg.get(name)


@pytest.mark.parametrize("name", _entries("models/"))
def test_checkpoint_alias_drops_tier_and_org(name: str) -> None:
    reg = default_registry()
    short = name.removeprefix("models/").split("/", 1)[1]
    assert reg.get(short) is reg.get(name)


@pytest.mark.parametrize("name", _entries("models/"))
def test_checkpoint_legacy_huggingface_models_name(name: str) -> None:
    """ModelOpt 0.47.0's load_recipe rewrites ``huggingface/models/`` to ``models/``."""
    reg = default_registry()
    legacy = "huggingface/" + name
    assert reg.get(legacy) is reg.get(name)


def test_counts() -> None:
    assert len(_entries("huggingface/")) == 20
    assert len(_entries("models/")) == 11
    local_units = [
        e.name for e in default_registry().entries("units") if e.name.startswith("huggingface/")
    ]
    assert len(local_units) == 4


def test_w4a8_awq_family_shares_its_quantize_section() -> None:
    sections = [
        canonical(f()["quantize"])
        for f in (
            models.gemma_w4a8_awq_kv_fp8_cast,
            models.gemma4_w4a8_awq_kv_fp8_cast,
            models.mpt_w4a8_awq_kv_fp8_cast,
        )
    ]
    assert sections[0] == sections[1] == sections[2]


def test_qwen3_5_dense_and_moe_share_the_unit() -> None:
    for dense, moe, unit in (
        (
            models.qwen3_5_w4a16_nvfp4_fp8_attn_kv_fp8_cast,
            models.qwen3_5_moe_w4a16_nvfp4_fp8_attn_kv_fp8_cast,
            units.qwen3_5_w4a16_nvfp4_fp8_attn_quant_cfg,
        ),
        (
            models.qwen3_5_w4a16_nvfp4_mse_fp8_attn_kv_fp8_cast,
            models.qwen3_5_moe_w4a16_nvfp4_mse_fp8_attn_kv_fp8_cast,
            units.qwen3_5_w4a16_nvfp4_mse_fp8_attn_quant_cfg,
        ),
    ):
        assert dense()["quantize"] == moe()["quantize"]
        assert dense()["quantize"]["quant_cfg"] == unit()


def test_layer_lists_become_patterns() -> None:
    mistral = models.mistral_medium_3_5_nvfp4_max_calib()["quantize"]["quant_cfg"]
    names = [e["quantizer_name"] for e in mistral]
    for layer in models.MISTRAL_MEDIUM_FP8_MLP_LAYERS:
        assert f"*layers.{layer}.mlp*weight_quantizer" in names
    nano = models.nemotron_3_nano_nvfp4_w4a16()["quantize"]["quant_cfg"]
    fp8_down = [e for e in nano if "mixer.down_proj" in e["quantizer_name"]]
    assert len(fp8_down) == 2 * len(models.NEMOTRON_NANO_FP8_DOWN_PROJ_LAYERS)
    kimi = models.kimi_k3_nvfp4_experts_fp8_pb_attention()["quantize"]["quant_cfg"]
    block_fp8 = [e for e in kimi if e.get("cfg", {}).get("block_sizes") == {-1: 128, -2: 128}]
    assert len(block_fp8) == len(models.KIMI_K3_BLOCK_FP8_ATTENTION)


def test_input_scale_pinned_to_one() -> None:
    for recipe in (
        models.kimi_k3_nvfp4_experts_fp8_pb_attention(),
        models.minimax_m3_vl_mxfp8_nvfp4_experts(),
    ):
        inputs = [
            e
            for e in recipe["quantize"]["quant_cfg"]
            if "experts" in e["quantizer_name"] and e["quantizer_name"].endswith("input_quantizer")
        ]
        assert inputs and all(e["cfg"] == nvfp4(constant_amax=2688.0) for e in inputs)
