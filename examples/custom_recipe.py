"""Compose a custom PTQ recipe from recipekit's units, register it, resolve it, print it.

    python examples/custom_recipe.py
    recipekit resolve 'my/nvfp4_mlp-kv_fp8_cast(algorithm="mse")' --load examples/custom_recipe.py

The recipe quantizes MLP and MoE expert layers with NVFP4 (weights and inputs), keeps attention
in high precision, casts the KV cache to FP8 and leaves the standard exclusions in place. Every
building block is one call: a new combination needs no new YAML file.
"""

from __future__ import annotations

from typing import Any

import recipekit
from recipekit.factories import units


@recipekit.factory(namespace="my", name="my/nvfp4_mlp-kv_fp8_cast", replace=True)
def nvfp4_mlp_kv_fp8_cast(algorithm: str = "max") -> dict[str, Any]:
    """NVFP4 W4A4 on MLP/MoE layers, FP8 KV cache (cast mode), standard exclusions."""
    return {
        "metadata": {"recipe_type": "ptq", "description": nvfp4_mlp_kv_fp8_cast.__doc__},
        "quantize": {
            "algorithm": algorithm,
            "quant_cfg": units.splice(
                units.base_disable_all(),
                units.pair([units.MLP, units.EXPERTS], "nvfp4"),
                units.kv_cache("fp8", mode="cast"),
                units.default_disabled_quantizers(),
            ),
        },
    }


if __name__ == "__main__":
    recipe = recipekit.resolve(
        "my/nvfp4_mlp-kv_fp8_cast(algorithm='mse')",
        ["quantize.quant_cfg[quantizer_name=*lm_head*].enable=false"],
    )
    print(recipekit.dump(recipe))
