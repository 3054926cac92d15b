"""The examples run and do what their docstrings say."""

from __future__ import annotations

import runpy
from pathlib import Path

import recipekit
from recipekit.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_custom_recipe_composes_units() -> None:
    runpy.run_path(str(EXAMPLES / "custom_recipe.py"))  # registers my/nvfp4_mlp-kv_fp8_cast
    recipe = recipekit.resolve("my/nvfp4_mlp-kv_fp8_cast(algorithm='mse')")
    cfg = recipe["quantize"]["quant_cfg"]
    assert recipe["quantize"]["algorithm"] == "mse"
    assert cfg[0] == {"quantizer_name": "*", "enable": False}
    by_name = {e["quantizer_name"]: e for e in cfg}
    assert by_name["*mlp*weight_quantizer"]["cfg"]["num_bits"] == (2, 1)
    assert by_name["*.experts.*input_quantizer"]["cfg"]["block_sizes"]["type"] == "dynamic"
    assert by_name["*[kv]_bmm_quantizer"]["cfg"]["use_constant_amax"] is True
    assert "*self_attn*" not in by_name and by_name["*lm_head*"]["enable"] is False


def test_yaml_recipe_with_the_documented_overrides() -> None:
    overrides = [
        "quantize.algorithm.method=max",
        "~quantize.algorithm.fp8_scale_sweep",
        "quantize.quant_cfg[quantizer_name=*mlp*weight_quantizer].cfg.block_sizes.-1=32",
    ]
    recipe = recipekit.resolve(EXAMPLES / "recipe_with_overrides.yaml", overrides)
    assert recipe["quantize"]["algorithm"] == {"method": "max"}
    mlp = next(
        e for e in recipe["quantize"]["quant_cfg"] if e["quantizer_name"] == "*mlp*weight_quantizer"
    )
    assert mlp["cfg"]["block_sizes"] == {-1: 32, "type": "static", "scale_bits": (4, 3)}
    assert recipe["quantize"]["quant_cfg"][-1] == {"quantizer_name": "*lm_head*", "enable": False}


def test_plugin_with_load(capsys) -> None:  # type: ignore[no-untyped-def]
    assert (
        main(
            [
                "resolve",
                "team/fp8_attention_only(kv=True)",
                "--load",
                str(EXAMPLES / "plugin.py"),
                "--format",
                "json",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert '"*[kv]_bmm_quantizer"' in out and '"*self_attn.o_proj*weight_quantizer"' in out
