"""A user plugin: register your own factory, then use it from YAML or the command line.

    recipekit list team --load examples/plugin.py
    recipekit resolve 'team/fp8_attention_only(kv=True)' --load examples/plugin.py
    recipekit show team/fp8_attention_only --load examples/plugin.py

A plugin is any module or ``.py`` file that registers factories with ``@recipekit.factory``.
``--load`` imports it before resolving. To ship it as a package, expose the module in the
``recipekit.factories`` entry-point group instead; it then loads on demand and never replaces a
factory registered locally.
"""

from __future__ import annotations

from typing import Any

import recipekit
from recipekit.factories import units


@recipekit.factory(namespace="team", name="team/fp8_attention_only", replace=True)
def fp8_attention_only(kv: bool = False, algorithm: str = "max") -> dict[str, Any]:
    """FP8 on the attention projections only (optionally the KV cache too)."""
    scopes = [
        "*self_attn.q_proj*",
        "*self_attn.k_proj*",
        "*self_attn.v_proj*",
        "*self_attn.o_proj*",
    ]
    return {
        "quant_cfg": units.splice(
            units.base_disable_all(),
            units.pair(scopes, "fp8"),
            units.kv_cache("fp8") if kv else [],
            units.default_disabled_quantizers(),
        ),
        "algorithm": algorithm,
    }
