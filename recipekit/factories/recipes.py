"""Model-agnostic recipes (ModelOpt's ``general/**``): PTQ, QAD, AutoQuantize, speculative
decoding and distillation.

A PTQ recipe is ``{metadata: {recipe_type, description}, quantize: QuantizeConfig}``. The general
PTQ recipes follow ModelOpt's naming ``<formats-scope>-<kv-mode>[-<algorithm>]`` and all share one
shape: disable all -> formats -> KV unit -> default exclusions. Note that they put the KV unit
*before* the exclusions (so exclusions also win over KV entries), and that some list their
format entries in a different order than the model preset of the same name.

Registered names are ModelOpt paths (``general/ptq/fp8_default-kv_fp8``); aliases are
``<dir>/<name>`` (``ptq/fp8_default-kv_fp8``) and the bare name when no other ModelOpt file has
that base name (so not ``nvfp4_default-kv_fp8``: general/qad has one too).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._register import builtin
from .numerics import nvfp4
from .presets import (
    QuantizeConfig,
    fp8_default,
    mxfp4_mlp_weight_only,
    nvfp4_default,
    nvfp4_mlp_weight_only,
    nvfp4_w4a4_weight_mse_fp8_sweep,
    quantize_config,
    w4a8_awq_beta,
    w4a16_nvfp4,
)
from .units import (
    ALL,
    BLOCK_SPARSE_MOE,
    EXPERTS,
    MIXER_MLP,
    MLP,
    O_PROJ,
    Entry,
    base_cost_excluded_layers,
    base_disable_all,
    base_disabled_layers,
    default_disabled_quantizers,
    disabled,
    kv_cache,
    kv_fp8,
    kv_fp8_cast,
    kv_nvfp4_cast,
    pair,
    w4_nvfp4,
    w4a4_nvfp4_nvfp4,
    w8a8_fp8_fp8,
)

Recipe = dict[str, Any]

#: Scopes of the "MLP only" recipes, in the order they list them.
MLP_ONLY = (MLP, *MIXER_MLP, BLOCK_SPARSE_MOE, EXPERTS)


def _recipe(path: str, *aliases: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return builtin("recipes", path, *aliases)


def metadata(recipe_type: str, description: str | None = None) -> dict[str, Any]:
    """A recipe's ``metadata`` section (``description`` left out when ``None``, as ModelOpt's vit)."""
    out = {"recipe_type": recipe_type}
    if description is not None:
        out["description"] = description
    return out


def ptq_recipe(quantize: QuantizeConfig, description: str | None = None) -> Recipe:
    """A PTQ recipe dict: ``metadata`` (recipe_type ``ptq``) and ``quantize``."""
    return {"metadata": metadata("ptq", description), "quantize": quantize}


def general_ptq(
    description: str,
    *formats: Entry | Sequence[Entry],
    kv: Sequence[Entry] = (),
    algorithm: Any = "max",
    then: Sequence[Entry | Sequence[Entry]] = (),
) -> Recipe:
    """The general PTQ shape: disable all, ``formats``, ``kv``, default exclusions, ``then``."""
    quantize = quantize_config(
        base_disable_all(),
        *formats,
        kv,
        default_disabled_quantizers(),
        *then,
        algorithm=algorithm,
    )
    return ptq_recipe(quantize, description)


def _max(**extra: Any) -> dict[str, Any]:
    return {"method": "max", **extra}


def _no_layerwise() -> dict[str, Any]:
    return {"enable": False}


# --------------------------------------------------------------------------- general/ptq: default
@_recipe("general/ptq/fp8_default-kv_fp8", "ptq/fp8_default-kv_fp8", "fp8_default-kv_fp8")
def fp8_default_kv_fp8() -> Recipe:
    """W8A8 FP8 E4M3 with FP8 KV cache; max calibration."""
    return general_ptq(
        "Composes W8A8 FP8 E4M3 model quantization with FP8 KV-cache quantization; uses max calibration.",
        w8a8_fp8_fp8(),
        kv=kv_fp8(),
    )


@_recipe(
    "general/ptq/fp8_default-kv_fp8_cast", "ptq/fp8_default-kv_fp8_cast", "fp8_default-kv_fp8_cast"
)
def fp8_default_kv_fp8_cast() -> Recipe:
    """W8A8 FP8 E4M3 with FP8 KV cache in cast mode (constant amax); max calibration."""
    return general_ptq(
        "Composes W8A8 FP8 E4M3 model quantization with FP8 KV-cache cast mode using constant amax; uses"
        " max calibration.",
        w8a8_fp8_fp8(),
        kv=kv_fp8_cast(),
    )


@_recipe("general/ptq/nvfp4_default-kv_fp8", "ptq/nvfp4_default-kv_fp8")
def nvfp4_default_kv_fp8() -> Recipe:
    """Dynamic NVFP4 W4A4 with FP8 KV cache; max calibration (for PTQ, QAT and QAD)."""
    return general_ptq(
        "Composes dynamic NVFP4 W4A4 model quantization with FP8 KV-cache quantization for PTQ,"
        " QAT, and QAD; uses max calibration.",
        w4a4_nvfp4_nvfp4(),
        kv=kv_fp8(),
    )


@_recipe(
    "general/ptq/nvfp4_default-kv_fp8_cast",
    "ptq/nvfp4_default-kv_fp8_cast",
    "nvfp4_default-kv_fp8_cast",
)
def nvfp4_default_kv_fp8_cast() -> Recipe:
    """Dynamic NVFP4 W4A4 with FP8 KV cache in cast mode; max calibration."""
    return general_ptq(
        "Composes dynamic NVFP4 W4A4 model quantization with FP8 KV-cache cast mode using constant amax;"
        " uses max calibration.",
        w4a4_nvfp4_nvfp4(),
        kv=kv_fp8_cast(),
    )


@_recipe(
    "general/ptq/nvfp4_default-kv_nvfp4_cast",
    "ptq/nvfp4_default-kv_nvfp4_cast",
    "nvfp4_default-kv_nvfp4_cast",
)
def nvfp4_default_kv_nvfp4_cast() -> Recipe:
    """Dynamic NVFP4 W4A4 with NVFP4 KV cache in cast mode; max calibration."""
    return general_ptq(
        "Composes dynamic NVFP4 W4A4 model quantization with NVFP4 KV-cache cast mode using constant"
        " amax; uses max calibration.",
        w4a4_nvfp4_nvfp4(),
        kv=kv_nvfp4_cast(),
    )


@_recipe(
    "general/ptq/nvfp4_act_headroom-kv_fp8_cast",
    "ptq/nvfp4_act_headroom-kv_fp8_cast",
    "nvfp4_act_headroom-kv_fp8_cast",
)
def nvfp4_act_headroom_kv_fp8_cast() -> Recipe:
    """NVFP4 W4A4 + FP8 KV cast, activation global scales anchored low for headroom.

    The algorithm keeps ModelOpt's YAML literal types (``anchor_percentile: 1``, ``rho: 16384``
    are ints); calibration validation turns them into floats.
    """
    algorithm = {
        "method": "nvfp4_act_headroom",
        "anchor_percentile": 1,
        "upper_percentile": 99.99,
        "rho": 16384,
        "weight_scale_algorithm": {"method": "max"},
    }
    return general_ptq(
        "Composes dynamic NVFP4 W4A4 model quantization with FP8 KV-cache cast mode using constant"
        " amax; uses nvfp4_act_headroom calibration. Weight quantizers use plain max, while the NVFP4"
        " activation global scales are anchored to a low percentile of the per-block amax distribution"
        " to leave headroom for activations larger than any seen during calibration. Module coverage"
        " matches nvfp4_default-kv_fp8_cast.",
        w4a4_nvfp4_nvfp4(),
        kv=kv_fp8_cast(),
        algorithm=algorithm,
    )


@_recipe(
    "general/ptq/nvfp4_default-kv_none-gptq",
    "ptq/nvfp4_default-kv_none-gptq",
    "nvfp4_default-kv_none-gptq",
)
def nvfp4_default_kv_none_gptq() -> Recipe:
    """NVFP4 W4A4 with static weight scales from layerwise GPTQ; KV quantizers disabled."""
    algorithm = {
        "method": "gptq",
        "layerwise": {"enable": True, "checkpoint_dir": "output/layerwise_ckpts/"},
    }
    return general_ptq(
        "Applies NVFP4 W4A4 with static weight scales, dynamic inputs, KV quantizers disabled, and GPTQ"
        " layerwise calibration.",
        pair(ALL, "nvfp4_static", "nvfp4"),
        kv=kv_cache(None),
        algorithm=algorithm,
    )


# --------------------------------------------------------------------------- general/ptq: weight-only
@_recipe(
    "general/ptq/int4_blockwise_weight_only",
    "ptq/int4_blockwise_weight_only",
)
def int4_blockwise_weight_only() -> Recipe:
    """INT4 blockwise weight-only (W4A16, 128-wide blocks); max calibration."""
    return general_ptq(
        "INT4 blockwise weight-only (W4A16, block size 128), max calibration.",
        pair(ALL, "int4_per_block", False),
    )


@_recipe("general/ptq/mxfp4_mlp_weight_only", "ptq/mxfp4_mlp_weight_only")
def mxfp4_mlp_weight_only_recipe() -> Recipe:
    """Dynamic MXFP4 on MLP/MoE weights only; no calibration pass (the model preset as a recipe)."""
    return ptq_recipe(
        mxfp4_mlp_weight_only(),
        "Applies dynamic MXFP4 to MLP/MoE weight quantizers only (weight-only, activations untouched);"
        " no calibration forward pass is required.",
    )


@_recipe("general/ptq/nvfp4_mlp_weight_only", "ptq/nvfp4_mlp_weight_only")
def nvfp4_mlp_weight_only_recipe() -> Recipe:
    """NVFP4 (32-wide blocks) on MLP/MoE weights only; max calibration (the model preset as a recipe)."""
    return ptq_recipe(
        nvfp4_mlp_weight_only(),
        "Applies NVFP4 (block size 32) to MLP/MoE weight quantizers only (weight-only, activations"
        " untouched); uses max calibration.",
    )


@_recipe(
    "general/ptq/nvfp4_weight_only-kv_fp16",
    "ptq/nvfp4_weight_only-kv_fp16",
    "nvfp4_weight_only-kv_fp16",
)
def nvfp4_weight_only_kv_fp16() -> Recipe:
    """NVFP4 W4A16 weight-only with an unquantized KV cache; no calibration pass needed."""
    return general_ptq(
        "NVFP4 W4A16 weight-only, BF16 activations, max calibration. No calibration forward pass required.",
        w4_nvfp4(),
    )


@_recipe(
    "general/ptq/nvfp4_weight_only-kv_fp8_cast",
    "ptq/nvfp4_weight_only-kv_fp8_cast",
    "nvfp4_weight_only-kv_fp8_cast",
)
def nvfp4_weight_only_kv_fp8_cast() -> Recipe:
    """NVFP4 W4A16 weight-only with FP8 KV cache in cast mode; no calibration pass needed."""
    return general_ptq(
        "NVFP4 W4A16 weight-only, BF16 activations, plus FP8 KV-cache cast mode using constant amax; uses"
        " max calibration. No calibration forward pass required.",
        w4_nvfp4(),
        kv=kv_fp8_cast(),
    )


# --------------------------------------------------------------------------- general/ptq: experts only
def _experts_only(
    description: str, weight: Any, input: Any, kv: Sequence[Entry], algorithm: Any
) -> Recipe:
    return general_ptq(
        description, pair((EXPERTS, BLOCK_SPARSE_MOE), weight, input), kv=kv, algorithm=algorithm
    )


@_recipe(
    "general/ptq/nvfp4_experts_only-kv_fp8",
    "ptq/nvfp4_experts_only-kv_fp8",
    "nvfp4_experts_only-kv_fp8",
)
def nvfp4_experts_only_kv_fp8() -> Recipe:
    """Dynamic NVFP4 W4A4 on MoE experts only, FP8 KV cache; max calibration, not layerwise.

    Lists ``*.experts.*`` before ``*block_sparse_moe*`` (the model preset does the opposite).
    """
    return _experts_only(
        "Applies dynamic NVFP4 only to expert-layer weight and input quantizers, plus FP8 KV-cache"
        " quantization; uses max calibration.",
        "nvfp4",
        "nvfp4",
        kv_fp8(),
        _max(layerwise=_no_layerwise()),
    )


@_recipe(
    "general/ptq/nvfp4_experts_only-kv_fp8_cast",
    "ptq/nvfp4_experts_only-kv_fp8_cast",
)
def nvfp4_experts_only_kv_fp8_cast() -> Recipe:
    """Dynamic NVFP4 W4A4 on MoE experts only, FP8 KV cast; max calibration, not layerwise."""
    return _experts_only(
        "Applies dynamic NVFP4 only to expert-layer weight and input quantizers, plus FP8 KV-cache cast"
        " mode using constant amax; uses max calibration.",
        "nvfp4",
        "nvfp4",
        kv_fp8_cast(),
        _max(layerwise=_no_layerwise()),
    )


@_recipe(
    "general/ptq/nvfp4_experts_only-kv_fp8_layerwise",
    "ptq/nvfp4_experts_only-kv_fp8_layerwise",
    "nvfp4_experts_only-kv_fp8_layerwise",
)
def nvfp4_experts_only_kv_fp8_layerwise() -> Recipe:
    """Dynamic NVFP4 W4A4 on MoE experts only, FP8 KV cache; layerwise max calibration.

    ModelOpt's description says "static weight", but the weights use the dynamic ``nvfp4``.
    """
    return _experts_only(
        "NVFP4 static weight and dynamic activation for expert layers only (W4A4), FP8 KV cache, max"
        " layerwise calibration.",
        "nvfp4",
        "nvfp4",
        kv_fp8(),
        _max(layerwise={"enable": True}),
    )


@_recipe(
    "general/ptq/nvfp4_experts_only-kv_fp8_layerwise_offload",
    "ptq/nvfp4_experts_only-kv_fp8_layerwise_offload",
    "nvfp4_experts_only-kv_fp8_layerwise_offload",
)
def nvfp4_experts_only_kv_fp8_layerwise_offload() -> Recipe:
    """Experts-only NVFP4 + FP8 KV, layerwise max calibration that keeps weights offloaded.

    ``calib_mutates_weights: false`` lets weights stay on disk between layers. The description
    ends with a newline (ModelOpt's file uses a folded ``>`` block).
    """
    return _experts_only(
        "NVFP4 static weight and dynamic activation for expert layers only (W4A4), FP8 KV cache, max"
        " layerwise calibration with calib_mutates_weights=False for disk-offloaded single-GPU PTQ."
        " Weights stay as meta tensors between layers; export_hf_checkpoint materializes them.\n",
        "nvfp4",
        "nvfp4",
        kv_fp8(),
        _max(layerwise={"enable": True, "calib_mutates_weights": False}),
    )


@_recipe(
    "general/ptq/nvfp4_experts_only_input_scale1-kv_fp8_cast",
    "ptq/nvfp4_experts_only_input_scale1-kv_fp8_cast",
    "nvfp4_experts_only_input_scale1-kv_fp8_cast",
)
def nvfp4_experts_only_input_scale1_kv_fp8_cast() -> Recipe:
    """Experts-only NVFP4 with the activation input_scale pinned to 1.0 (constant amax 2688), FP8 KV cast.

    2688 = 6 x 448 (FP4 max x FP8 max); activation calibration is skipped entirely.
    """
    return _experts_only(
        "Applies NVFP4 only to expert-layer weight and input quantizers, pinning the expert activation"
        " input_scale to 1.0 (constant amax = 2688, no activation calibration), plus FP8 KV-cache cast"
        " mode using constant amax; uses max calibration for the remaining (weight) quantizers.",
        "nvfp4",
        nvfp4(constant_amax=2688.0),
        kv_fp8_cast(),
        _max(layerwise=_no_layerwise(), skip_forward_without_activation_calib=True),
    )


@_recipe(
    "general/ptq/nvfp4_experts_only_mse-kv_fp8_cast",
    "ptq/nvfp4_experts_only_mse-kv_fp8_cast",
    "nvfp4_experts_only_mse-kv_fp8_cast",
)
def nvfp4_experts_only_mse_kv_fp8_cast() -> Recipe:
    """Experts-only NVFP4 with static weight scales from an MSE FP8-scale sweep, FP8 KV cast."""
    return _experts_only(
        "Applies static NVFP4 weight scales from MSE FP8-scale sweep and dynamic NVFP4 inputs to expert"
        " layers only, plus FP8 KV-cache cast mode.",
        "nvfp4_static",
        "nvfp4",
        kv_fp8_cast(),
        {"method": "mse", "fp8_scale_sweep": True, "layerwise": _no_layerwise()},
    )


# --------------------------------------------------------------------------- general/ptq: MLP only
@_recipe("general/ptq/nvfp4_mlp_only-kv_fp8", "ptq/nvfp4_mlp_only-kv_fp8")
def nvfp4_mlp_only_kv_fp8() -> Recipe:
    """Dynamic NVFP4 W4A4 on MLP/MoE layers only, FP8 KV cache; max calibration."""
    return general_ptq(
        "Applies dynamic NVFP4 only to MLP/MoE weight and input quantizers, plus FP8 KV-cache"
        " quantization; uses max calibration.",
        pair(MLP_ONLY, "nvfp4"),
        kv=kv_fp8(),
    )


@_recipe(
    "general/ptq/nvfp4_mlp_only-kv_fp8_cast",
    "ptq/nvfp4_mlp_only-kv_fp8_cast",
    "nvfp4_mlp_only-kv_fp8_cast",
)
def nvfp4_mlp_only_kv_fp8_cast() -> Recipe:
    """Dynamic NVFP4 W4A4 on MLP/MoE layers only, FP8 KV cast; max calibration."""
    return general_ptq(
        "Applies dynamic NVFP4 only to MLP/MoE weight and input quantizers, plus FP8 KV-cache cast mode"
        " using constant amax; uses max calibration.",
        pair(MLP_ONLY, "nvfp4"),
        kv=kv_fp8_cast(),
    )


@_recipe(
    "general/ptq/nvfp4_mlp_only-novit-kv_fp8",
    "ptq/nvfp4_mlp_only-novit-kv_fp8",
    "nvfp4_mlp_only-novit-kv_fp8",
)
def nvfp4_mlp_only_novit_kv_fp8() -> Recipe:
    """Dynamic NVFP4 on MLP/MoE layers, FP8 KV cache, vision tower of VL models excluded."""
    return general_ptq(
        "Applies dynamic NVFP4 only to MLP/MoE weight and input quantizers, plus FP8 KV-cache"
        " quantization; uses max calibration. Vision tower (model.visual.* / vision_tower.*)"
        " excluded for VL models.",
        pair(MLP_ONLY, "nvfp4"),
        kv=kv_fp8(),
        then=[disabled("*visual*", "*vision_tower*")],
    )


@_recipe(
    "general/ptq/nvfp4_mlp_only_mse-kv_fp8_cast",
    "ptq/nvfp4_mlp_only_mse-kv_fp8_cast",
    "nvfp4_mlp_only_mse-kv_fp8_cast",
)
def nvfp4_mlp_only_mse_kv_fp8_cast() -> Recipe:
    """NVFP4 on MLP/MoE layers with static weight scales from an MSE FP8-scale sweep, FP8 KV cast."""
    return general_ptq(
        "Applies static NVFP4 weight scales from MSE FP8-scale sweep and dynamic NVFP4 inputs to MLP/MoE"
        " layers, plus FP8 KV-cache cast mode.",
        pair(MLP_ONLY, "nvfp4_static", "nvfp4"),
        kv=kv_fp8_cast(),
        algorithm={"method": "mse", "fp8_scale_sweep": True, "layerwise": _no_layerwise()},
    )


@_recipe(
    "general/ptq/nvfp4_omlp_only-kv_fp8", "ptq/nvfp4_omlp_only-kv_fp8", "nvfp4_omlp_only-kv_fp8"
)
def nvfp4_omlp_only_kv_fp8() -> Recipe:
    """Dynamic NVFP4 W4A4 on output projections and MLP/MoE layers, FP8 KV cache; max calibration.

    Lists ``*o_proj*`` last among the formats (the model preset lists it first).
    """
    return general_ptq(
        "Applies dynamic NVFP4 to output-projection and MLP/MoE weight and input quantizers, plus"
        " FP8 KV-cache quantization; uses max calibration.",
        pair((MLP, *MIXER_MLP, BLOCK_SPARSE_MOE, O_PROJ), "nvfp4"),
        kv=kv_fp8(),
    )


@_recipe(
    "general/ptq/nvfp4_omlp_only-kv_fp8_cast",
    "ptq/nvfp4_omlp_only-kv_fp8_cast",
    "nvfp4_omlp_only-kv_fp8_cast",
)
def nvfp4_omlp_only_kv_fp8_cast() -> Recipe:
    """Dynamic NVFP4 W4A4 on output projections and MLP/MoE layers, FP8 KV cast; max calibration."""
    return general_ptq(
        "Applies dynamic NVFP4 to output-projection and MLP/MoE weight and input quantizers, plus"
        " FP8 KV-cache cast mode using constant amax; uses max calibration.",
        pair((MLP, *MIXER_MLP, BLOCK_SPARSE_MOE, O_PROJ), "nvfp4"),
        kv=kv_fp8_cast(),
    )


# --------------------------------------------------------------------------- general/qad
@_recipe("general/qad/nvfp4_default-kv_fp8", "qad/nvfp4_default-kv_fp8")
def qad_nvfp4_default_kv_fp8() -> Recipe:
    """Dynamic NVFP4 W4A4 with FP8 KV cache for QAD; identical to ``ptq/nvfp4_default-kv_fp8``."""
    return nvfp4_default_kv_fp8()


def _lsq(description: str, *, tied: bool) -> Recipe:
    algorithm = {
        "method": "lsq",
        "learnable_amax": ["pre", "post"],
        "tied_amax": tied,
        "quantize_pre_scale": tied,
        "scale_algorithm": {"method": "mse", "fp8_scale_sweep": True},
    }
    return general_ptq(
        description, pair(ALL, "nvfp4_static", "nvfp4"), kv=kv_fp8(), algorithm=algorithm
    )


@_recipe(
    "general/qad/nvfp4_dual_lsq-mse_init-fp8_kv",
    "qad/nvfp4_dual_lsq-mse_init-fp8_kv",
    "nvfp4_dual_lsq-mse_init-fp8_kv",
)
def nvfp4_dual_lsq_mse_init_fp8_kv() -> Recipe:
    """QAT/QAD: separately learned pre- and post-quantization NVFP4 weight scales (LSQ, MSE init)."""
    return _lsq(
        "Learns separate pre-quantization and post-quantization NVFP4 weight scales with MSE"
        " initialization and FP8 scale sweep; uses dynamic NVFP4 activations and FP8 KV cache."
        " QAT/QAD-only: the LSQ scales are learned during training, so this recipe is not"
        " suitable for calibration-only PTQ.",
        tied=False,
    )


@_recipe(
    "general/qad/nvfp4_lsq-mse_init-fp8_kv",
    "qad/nvfp4_lsq-mse_init-fp8_kv",
    "nvfp4_lsq-mse_init-fp8_kv",
)
def nvfp4_lsq_mse_init_fp8_kv() -> Recipe:
    """QAT/QAD: one shared, learned pre/post-quantization NVFP4 weight scale (LSQ, MSE init)."""
    return _lsq(
        "Learns one shared pre-quantization and post-quantization NVFP4 weight scale with MSE"
        " initialization and FP8 scale sweep; uses dynamic NVFP4 activations and FP8 KV cache."
        " QAT/QAD-only: the LSQ scales are learned during training, so this recipe is not"
        " suitable for calibration-only PTQ.",
        tied=True,
    )


# --------------------------------------------------------------------------- general/auto_quantize
def auto_quantize_recipe(
    description: str,
    *,
    effective_bits: float,
    candidate_formats: Sequence[QuantizeConfig] | None = None,
    module_search_spaces: Sequence[dict[str, Any]] | None = None,
    method: str = "gradient",
    cost_model: str | None = None,
    active_moe_expert_ratio: float | None = None,
    extra_disabled_layers: Sequence[str] = (),
    quantize: QuantizeConfig | None = None,
) -> Recipe:
    """An AutoQuantize recipe: per-layer format search under an effective-bits budget.

    ``disabled_layers`` / ``cost_excluded_layers`` start from the base units;
    ``quantize`` is the fixed baseline for modules outside ``module_search_spaces``.
    """
    constraints: dict[str, Any] = {"effective_bits": effective_bits}
    if cost_model is not None:
        constraints["cost_model"] = cost_model
    if active_moe_expert_ratio is not None:
        constraints["cost"] = {"active_moe_expert_ratio": active_moe_expert_ratio}
    search: dict[str, Any] = {"constraints": constraints}
    if candidate_formats is not None:
        search["candidate_formats"] = list(candidate_formats)
    if module_search_spaces is not None:
        search["module_search_spaces"] = list(module_search_spaces)
    search["auto_quantize_method"] = method
    search["score_size"] = 128
    search["disabled_layers"] = [*base_disabled_layers(), *extra_disabled_layers]
    search["cost_excluded_layers"] = base_cost_excluded_layers()
    out: Recipe = {"metadata": metadata("auto_quantize", description)}
    if quantize is not None:
        out["quantize"] = quantize
    out["auto_quantize"] = search
    return out


@_recipe(
    "general/auto_quantize/nvfp4_fp8_at_5p4bits",
    "auto_quantize/nvfp4_fp8_at_5p4bits",
    "nvfp4_fp8_at_5p4bits",
)
def nvfp4_fp8_at_5p4bits() -> Recipe:
    """AutoQuantize: per-layer NVFP4 / FP8 search at 5.4 effective bits (gradient scores)."""
    return auto_quantize_recipe(
        "Mixed NVFP4 + FP8 per-layer search at 5.4 effective bits.",
        effective_bits=5.4,
        candidate_formats=[nvfp4_default(), fp8_default()],
    )


@_recipe(
    "general/auto_quantize/nvfp4_fp8_kl_div_at_5p4bits",
    "auto_quantize/nvfp4_fp8_kl_div_at_5p4bits",
    "nvfp4_fp8_kl_div_at_5p4bits",
)
def nvfp4_fp8_kl_div_at_5p4bits() -> Recipe:
    """AutoQuantize: per-layer NVFP4 / FP8 search at 5.4 effective bits, KL-divergence scores."""
    return auto_quantize_recipe(
        "Mixed NVFP4 + FP8 per-layer search at 5.4 effective bits, kl_div scoring (no backprop).",
        effective_bits=5.4,
        candidate_formats=[nvfp4_default(), fp8_default()],
        method="kl_div",
    )


@_recipe(
    "general/auto_quantize/nvfp4_mse_fp8_at_6p0bits",
    "auto_quantize/nvfp4_mse_fp8_at_6p0bits",
    "nvfp4_mse_fp8_at_6p0bits",
)
def nvfp4_mse_fp8_at_6p0bits() -> Recipe:
    """AutoQuantize: per-layer NVFP4 (MSE-swept weights) / FP8 search at 6.0 effective bits."""
    return auto_quantize_recipe(
        "Mixed NVFP4 (weight-MSE + FP8 sweep) + FP8 per-layer search at 6.0 effective bits.",
        effective_bits=6.0,
        candidate_formats=[nvfp4_w4a4_weight_mse_fp8_sweep(), fp8_default()],
    )


@_recipe(
    "general/auto_quantize/w4a16_nvfp4_fp8_at_6p0bits-active_moe",
    "auto_quantize/w4a16_nvfp4_fp8_at_6p0bits-active_moe",
)
def w4a16_nvfp4_fp8_at_6p0bits_active_moe() -> Recipe:
    """AutoQuantize: per-layer FP8 / NVFP4 weight-only search at 6.0 bits, active-MoE cost model."""
    return auto_quantize_recipe(
        "Mixed FP8 + NVFP4-weight-only per-layer search at 6.0 effective bits with the"
        " active-MoE cost model (expert ratio 0.03125).",
        effective_bits=6.0,
        cost_model="active_moe",
        active_moe_expert_ratio=0.03125,
        candidate_formats=[fp8_default(), w4a16_nvfp4()],
    )


@_recipe(
    "general/auto_quantize/w4a8_awq_beta_fp8_at_6p0bits",
    "auto_quantize/w4a8_awq_beta_fp8_at_6p0bits",
    "w4a8_awq_beta_fp8_at_6p0bits",
)
def w4a8_awq_beta_fp8_at_6p0bits() -> Recipe:
    """AutoQuantize: per-layer W4A8 AWQ-beta / FP8 search at 6.0 effective bits."""
    return auto_quantize_recipe(
        "Mixed W4A8 AWQ-beta + FP8 per-layer search at 6.0 effective bits.",
        effective_bits=6.0,
        candidate_formats=[w4a8_awq_beta(), fp8_default()],
    )


# --------------------------------------------------------------------------- speculative decoding
def speculative_model(
    model_name_or_path: str | None = None,
    *,
    trust_remote_code: bool = False,
    use_fake_base_for_offline: bool = False,
) -> dict[str, Any]:
    """The ``model`` section of a speculative-decoding training recipe."""
    return {
        "model_name_or_path": model_name_or_path,
        "trust_remote_code": trust_remote_code,
        "use_fake_base_for_offline": use_fake_base_for_offline,
    }


def dflash_training(
    *, output_dir: str | None = None, max_grad_norm: float | None = None, **head: Any
) -> dict[str, Any]:
    """The ``training`` section shared by the DFlash-family recipes: ``head`` fields then the
    common tail (single-GPU parallelism, answer-only loss, bf16/tf32, tensorboard)."""
    out: dict[str, Any] = {"output_dir": output_dir, **head}
    out.update(
        cp_size=1,
        dp_shard_size=1,
        disable_tqdm=True,
        estimate_ar=False,
        ar_validate_steps=0,
        answer_only_loss=True,
        do_eval=False,
        lr_scheduler_type="linear",
        save_strategy="steps",
        weight_decay=0.0,
    )
    if max_grad_norm is not None:
        out["max_grad_norm"] = max_grad_norm
    out.update(
        dataloader_drop_last=True,
        bf16=True,
        tf32=True,
        remove_unused_columns=False,
        ddp_find_unused_parameters=True,
        ddp_timeout=1800,
        report_to="tensorboard",
    )
    return out


def _dflash_recipe(
    description: str,
    *,
    data: dict[str, Any],
    training: dict[str, Any],
    dflash: dict[str, Any],
    model: dict[str, Any] | None = None,
) -> Recipe:
    return {
        "metadata": metadata("speculative_dflash", description),
        "model": model if model is not None else speculative_model(),
        "data": data,
        "training": training,
        "dflash": dflash,
    }


def _domino_dspark_training() -> dict[str, Any]:
    return dflash_training(
        num_train_epochs=6,
        per_device_train_batch_size=1,
        learning_rate=6.0e-4,
        warmup_ratio=0.04,
        training_seq_len=3072,
        logging_steps=50,
        save_steps=2000,
        max_grad_norm=1.0,
    )


def _online_data() -> dict[str, Any]:
    return {"mode": "online", "data_path": None, "offline_data_path": None, "chat_template": None}


def _draft_decoder(**extra: Any) -> dict[str, Any]:
    arch = {
        "num_hidden_layers": 5,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "intermediate_size": 12288,
    }
    arch.update(extra)
    return arch


@_recipe("general/speculative_decoding/dflash", "speculative_decoding/dflash", "dflash")
def dflash() -> Recipe:
    """DFlash speculative-decoding draft training (model, data, training and dflash sections)."""
    return _dflash_recipe(
        "DFlash training recipe (model/data/training/dflash bundled).",
        data={"data_path": None, "offline_data_path": None, "chat_template": None},
        training=dflash_training(
            num_train_epochs=10,
            per_device_train_batch_size=1,
            learning_rate=6.0e-4,
            warmup_steps=100,
            training_seq_len=4096,
            logging_steps=100,
            save_steps=5000,
        ),
        dflash={
            "dflash_block_size": 8,
            "dflash_num_anchors": 512,
            "dflash_use_torch_compile": False,
            "dflash_self_logit_distillation": True,
            "dflash_loss_decay_factor": 4.0,
            "dflash_architecture_config": {"num_hidden_layers": 5},
        },
    )


@_recipe("general/speculative_decoding/domino", "speculative_decoding/domino", "domino")
def domino() -> Recipe:
    """Domino draft training: a DFlash backbone plus a causal correction head."""
    return _dflash_recipe(
        "Domino training recipe (DFlash backbone + causal correction head).",
        data=_online_data(),
        training=_domino_dspark_training(),
        dflash={
            "dflash_block_size": 16,
            "dflash_num_anchors": 256,
            "dflash_use_torch_compile": False,
            "dflash_self_logit_distillation": False,
            "dflash_loss_decay_factor": 7.0,
            "dflash_mask_token_id": 151669,
            "dflash_lambda_base_start": 1.0,
            "dflash_lambda_base_decay_ratio": 1.0,
            "dflash_architecture_config": _draft_decoder(
                projector_type="domino",
                emb_dim=256,
                gru_hidden_dim=1024,
                pure_draft_prefix_len=1,
                shift_label=True,
            ),
        },
    )


@_recipe("general/speculative_decoding/dspark", "speculative_decoding/dspark", "dspark")
def dspark() -> Recipe:
    """DSpark draft training: a DFlash backbone plus a Markov head and a confidence head."""
    return _dflash_recipe(
        "DSpark training recipe (DFlash backbone + Markov head + confidence head).",
        data=_online_data(),
        training=_domino_dspark_training(),
        dflash={
            "dflash_block_size": 16,
            "dflash_num_anchors": 256,
            "dflash_use_torch_compile": False,
            "dflash_self_logit_distillation": False,
            "dflash_loss_decay_factor": 7.0,
            "dflash_mask_token_id": 151669,
            "dflash_ce_loss_alpha": 0.1,
            "dflash_l1_loss_alpha": 0.9,
            "dflash_confidence_head_alpha": 1.0,
            "dflash_architecture_config": _draft_decoder(
                projector_type="dspark",
                markov_rank=256,
                markov_head_type="vanilla",
                use_confidence_head=True,
            ),
        },
    )


@_recipe("general/speculative_decoding/eagle3", "speculative_decoding/eagle3", "eagle3")
def eagle3() -> Recipe:
    """EAGLE3 speculative-decoding draft training (model, data, training and eagle sections)."""
    return {
        "metadata": metadata(
            "speculative_eagle", "EAGLE3 training recipe (model/data/training/eagle bundled)."
        ),
        "model": speculative_model(),
        "data": {
            "mode": None,
            "data_path": "input_conversations/train.jsonl",
            "offline_data_path": None,
            "draft_vocab_cache": None,
            "vlm_img_dir": None,
            "vlm_processor": None,
        },
        "training": {
            "output_dir": None,
            "num_train_epochs": 1,
            "per_device_train_batch_size": 1,
            "learning_rate": 1.0e-4,
            "warmup_steps": 1000,
            "training_seq_len": 2048,
            "logging_steps": 100,
            "save_steps": 8192,
            "cp_size": 1,
            "disable_tqdm": False,
            "estimate_ar": False,
            "ar_validate_steps": -1,
            "answer_only_loss": False,
            "do_eval": False,
            "lr_scheduler_type": "linear",
            "save_strategy": "steps",
            "weight_decay": 0.0,
            "dataloader_drop_last": True,
            "bf16": True,
            "tf32": True,
            "remove_unused_columns": False,
        },
        "eagle": {
            "eagle_decoder_type": "llama",
            "eagle_ttt_steps": 3,
            "eagle_mix_hidden_states": False,
            "eagle_use_torch_compile": True,
            "eagle_self_logit_distillation": True,
            "eagle_freeze_base_model": True,
            "eagle_loss_decay_factor": 0.9,
            "eagle_hidden_state_distillation": False,
            "eagle_reuse_base_decoder": False,
            "eagle_report_acc": True,
            "eagle_enable_nvtx": False,
            "eagle_export_rope_scaling": {
                "rope_type": "yarn",
                "factor": 32.0,
                "original_max_position_embeddings": 2048,
            },
            "eagle_architecture_config": {},
        },
    }


# --------------------------------------------------------------------------- distillation
@_recipe("general/distillation/dmd2_qwen_image", "distillation/dmd2_qwen_image", "dmd2_qwen_image")
def dmd2_qwen_image() -> dict[str, Any]:
    """DMD2 distillation config for Qwen-Image (text-to-image); ModelOpt's ``DMDConfig`` fields.

    Not a recipe (no ``metadata``): ModelOpt loads it with ``load_dmd_config``.
    """
    return {
        "pred_type": "flow",
        "num_train_timesteps": None,
        "guidance_scale": None,
        "student_sample_steps": 4,
        "student_sample_type": "ode",
        "backward_simulation": False,
        "student_update_freq": 5,
        "fake_score_pred_type": "x0",
        "gan_loss_weight_gen": 0.0,
        "gan_use_same_t_noise": False,
        "gan_r1_reg_weight": 0.0,
        "gan_r1_reg_alpha": 0.1,
        "sample_t_cfg": {
            "time_dist_type": "logitnormal",
            "min_t": 0.001,
            "max_t": 0.999,
            "p_mean": 0.0,
            "p_std": 1.0,
            "t_list": [0.999, 0.74925, 0.4995, 0.24975, 0.0],
        },
        "ema": {
            "decay": 0.9999,
            "type": "constant",
            "start_iter": 0,
            "fsdp2": True,
            "mode": "full_tensor",
        },
    }
