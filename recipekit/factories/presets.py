"""Presets: complete (model, diffusers) and partial (kv) ``QuantizeConfig`` dicts
(ModelOpt's ``configs/ptq/presets/**``), composed from units and numerics.

A model preset is ``base_disable_all`` -> format entries -> ``default_disabled_quantizers``
(exclusions last, so they win) -> optional extra exclusions, plus a calibration ``algorithm``.
Each preset is registered under its ModelOpt path, ``<group>/<name>`` (``model/fp8``) and, where
ModelOpt has one, its public constant name (``FP8_DEFAULT_CFG``). The constants are ModelOpt's
*validated sparse* dumps; the presets return the pre-validation data, which differs only in
``four_over_six: True`` (the constant shows ``1``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._register import builtin
from .numerics import fp8
from .units import (
    ALL,
    BLOCK_SPARSE_MOE,
    MIXER_MLP,
    MLP,
    O_PROJ,
    Entry,
    attention_qkv_fp8,
    base_disable_all,
    block_sparse_moe_nvfp4,
    default_disabled_quantizers,
    disabled,
    disabled_modules,
    entry,
    experts_nvfp4,
    kv_fp8,
    kv_fp8_affine,
    kv_fp8_cast,
    kv_nvfp4,
    kv_nvfp4_affine,
    kv_nvfp4_cast,
    kv_nvfp4_rotate,
    mamba_moe_disabled_quantizers,
    mixer_mlp_nvfp4,
    pair,
    splice,
    w4_nvfp4,
    w4a4_nvfp4_nvfp4,
    w4a4_nvfp4_nvfp4_four_over_six,
    w8a8_fp8_fp8,
)

QuantizeConfig = dict[str, Any]
_UNSET: Any = object()


def _preset(path: str, *aliases: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return builtin("presets", f"configs/ptq/presets/{path}", path, *aliases)


def quantize_config(
    *parts: Entry | Sequence[Entry],
    algorithm: Any = _UNSET,
    effective_bits: float | None = _UNSET,
) -> QuantizeConfig:
    """A ``QuantizeConfig`` dict: ``[effective_bits], [algorithm], quant_cfg`` (parts spliced).

    Omitted keys are left out (ModelOpt's KV presets have no ``algorithm``: it defaults to max).
    """
    out: QuantizeConfig = {}
    if effective_bits is not _UNSET:
        out["effective_bits"] = effective_bits
    if algorithm is not _UNSET:
        out["algorithm"] = algorithm
    out["quant_cfg"] = splice(*parts)
    return out


def model_config(
    *formats: Entry | Sequence[Entry],
    algorithm: Any = "max",
    then: Sequence[Entry | Sequence[Entry]] = (),
) -> QuantizeConfig:
    """The standard shape: disable all, ``formats``, default exclusions, then ``then``."""
    return quantize_config(
        base_disable_all(), *formats, default_disabled_quantizers(), *then, algorithm=algorithm
    )


def mse_four_over_six() -> dict[str, Any]:
    """MSE calibration that picks M=6 (x1.0) or M=4 (x1.5) per block for Four-Over-Six weights."""
    return {
        "method": "mse",
        "fp8_scale_sweep": False,
        "start_multiplier": 1.0,
        "stop_multiplier": 1.5,
        "step_size": 0.5,
    }


# --------------------------------------------------------------------------- model: FP8 / INT
@_preset("model/fp8", "FP8_DEFAULT_CFG")
def fp8_default() -> QuantizeConfig:
    """W8A8 FP8 E4M3, per-tensor weights and inputs; max calibration."""
    return model_config(w8a8_fp8_fp8())


@_preset("model/fp8_2d_blockwise_weight_only", "FP8_2D_BLOCKWISE_WEIGHT_ONLY_CFG")
def fp8_2d_blockwise_weight_only() -> QuantizeConfig:
    """FP8 E4M3 weight-only with 128x128 2-D weight blocks (keeps FP8's explicit ``axis: None``)."""
    return model_config(pair(ALL, fp8(block_sizes={-1: 128, -2: 128}), False))


@_preset("model/fp8_per_channel_per_token", "FP8_PER_CHANNEL_PER_TOKEN_CFG")
def fp8_per_channel_per_token() -> QuantizeConfig:
    """FP8 E4M3 with per-channel weights and dynamic per-token inputs."""
    per_token = fp8(type="dynamic", block_sizes={-1: None})
    return model_config(pair(ALL, fp8(axis=0), per_token))


@_preset("model/int4_awq", "INT4_AWQ_CFG")
def int4_awq() -> QuantizeConfig:
    """INT4 (128-wide blocks) weight-only with AWQ-lite calibration (alpha_step 0.1)."""
    return model_config(
        pair(ALL, "int4_per_block", False), algorithm={"method": "awq_lite", "alpha_step": 0.1}
    )


@_preset("model/int4_blockwise_weight_only", "INT4_BLOCKWISE_WEIGHT_ONLY_CFG")
def int4_blockwise_weight_only() -> QuantizeConfig:
    """INT4 (128-wide blocks) weight-only; max calibration."""
    return model_config(pair(ALL, "int4_per_block", False))


@_preset("model/int8", "INT8_DEFAULT_CFG")
def int8_default() -> QuantizeConfig:
    """INT8 with per-channel weights and per-tensor inputs; max calibration."""
    return model_config(pair(ALL, "int8_per_channel", "int8"))


@_preset("model/int8_smoothquant", "INT8_SMOOTHQUANT_CFG")
def int8_smoothquant() -> QuantizeConfig:
    """INT8 per-channel weights and per-tensor inputs with SmoothQuant calibration."""
    return model_config(pair(ALL, "int8_per_channel", "int8"), algorithm="smoothquant")


@_preset("model/int8_weight_only", "INT8_WEIGHT_ONLY_CFG")
def int8_weight_only() -> QuantizeConfig:
    """INT8 per-channel weight-only; max calibration."""
    return model_config(pair(ALL, "int8_per_channel", False))


# --------------------------------------------------------------------------- model: Mamba-MoE
@_preset("model/mamba_moe_fp8_aggressive", "MAMBA_MOE_FP8_AGGRESSIVE_CFG")
def mamba_moe_fp8_aggressive() -> QuantizeConfig:
    """FP8 W8A8 for Mamba-MoE models with the shared Mamba/MoE exclusions."""
    return model_config(w8a8_fp8_fp8(), then=[mamba_moe_disabled_quantizers()])


@_preset("model/mamba_moe_fp8_conservative", "MAMBA_MOE_FP8_CONSERVATIVE_CFG")
def mamba_moe_fp8_conservative() -> QuantizeConfig:
    """FP8 W8A8 for Mamba-MoE models, also leaving the mixer in/out projections unquantized."""
    return model_config(
        w8a8_fp8_fp8(),
        then=[mamba_moe_disabled_quantizers(), disabled("*mixer.in_proj*", "*mixer.out_proj*")],
    )


@_preset("model/mamba_moe_nvfp4_aggressive", "MAMBA_MOE_NVFP4_AGGRESSIVE_CFG")
def mamba_moe_nvfp4_aggressive() -> QuantizeConfig:
    """NVFP4 W4A4 for Mamba-MoE models with the shared Mamba/MoE exclusions."""
    return model_config(w4a4_nvfp4_nvfp4(), then=[mamba_moe_disabled_quantizers()])


@_preset("model/mamba_moe_nvfp4_conservative", "MAMBA_MOE_NVFP4_CONSERVATIVE_CFG")
def mamba_moe_nvfp4_conservative() -> QuantizeConfig:
    """NVFP4 W4A4 for Mamba-MoE models, also leaving the mixer in/out projections unquantized."""
    return model_config(
        w4a4_nvfp4_nvfp4(),
        then=[mamba_moe_disabled_quantizers(), disabled("*mixer.in_proj*", "*mixer.out_proj*")],
    )


# --------------------------------------------------------------------------- model: MX
@_preset("model/mxfp4", "MXFP4_DEFAULT_CFG")
def mxfp4_default() -> QuantizeConfig:
    """Dynamic MXFP4 on weights and inputs; ``algorithm: None`` (no calibration)."""
    return model_config(pair(ALL, "mxfp4"), algorithm=None)


@_preset("model/mxfp4_mlp_weight_only", "MXFP4_MLP_WEIGHT_ONLY_CFG")
def mxfp4_mlp_weight_only() -> QuantizeConfig:
    """Dynamic MXFP4 on MLP/MoE weights only; ``algorithm: None`` (no calibration)."""
    return model_config(pair((MLP, BLOCK_SPARSE_MOE), "mxfp4", None), algorithm=None)


@_preset("model/mxfp6", "MXFP6_DEFAULT_CFG")
def mxfp6_default() -> QuantizeConfig:
    """Dynamic MXFP6 on weights and inputs; ``algorithm: None`` (no calibration)."""
    return model_config(pair(ALL, "mxfp6"), algorithm=None)


@_preset("model/mxfp8", "MXFP8_DEFAULT_CFG")
def mxfp8_default() -> QuantizeConfig:
    """Dynamic MXFP8 on weights and inputs; ``algorithm: None`` (no calibration)."""
    return model_config(pair(ALL, "mxfp8"), algorithm=None)


@_preset("model/mxint8", "MXINT8_DEFAULT_CFG")
def mxint8_default() -> QuantizeConfig:
    """Dynamic MXINT8 on weights and inputs; ``algorithm: None`` (no calibration)."""
    return model_config(pair(ALL, "mxint8"), algorithm=None)


@_preset("model/w4a8_mxfp4_fp8", "W4A8_MXFP4_FP8_CFG")
def w4a8_mxfp4_fp8() -> QuantizeConfig:
    """W4A8: MXFP4 weights and per-tensor FP8 inputs; ``algorithm: None``."""
    return model_config(pair(ALL, "mxfp4", "fp8"), algorithm=None)


# --------------------------------------------------------------------------- model: NVFP4
@_preset("model/nvfp4", "NVFP4_DEFAULT_CFG")
def nvfp4_default() -> QuantizeConfig:
    """Dynamic NVFP4 W4A4 on all weights and inputs; max calibration."""
    return model_config(w4a4_nvfp4_nvfp4())


@_preset("model/nvfp4_awq_clip", "NVFP4_AWQ_CLIP_CFG")
def nvfp4_awq_clip() -> QuantizeConfig:
    """NVFP4 W4A4 with AWQ-clip calibration."""
    return model_config(w4a4_nvfp4_nvfp4(), algorithm={"method": "awq_clip"})


@_preset("model/nvfp4_awq_full", "NVFP4_AWQ_FULL_CFG")
def nvfp4_awq_full() -> QuantizeConfig:
    """NVFP4 W4A4 with full AWQ calibration (alpha_step 0.1)."""
    return model_config(w4a4_nvfp4_nvfp4(), algorithm={"method": "awq_full", "alpha_step": 0.1})


@_preset("model/nvfp4_awq_lite", "NVFP4_AWQ_LITE_CFG")
def nvfp4_awq_lite() -> QuantizeConfig:
    """NVFP4 W4A4 with AWQ-lite calibration."""
    return model_config(w4a4_nvfp4_nvfp4(), algorithm="awq_lite")


@_preset("model/nvfp4_svdquant", "NVFP4_SVDQUANT_DEFAULT_CFG")
def nvfp4_svdquant() -> QuantizeConfig:
    """NVFP4 W4A4 with SVDQuant low-rank (rank 32) calibration."""
    return model_config(w4a4_nvfp4_nvfp4(), algorithm={"method": "svdquant", "lowrank": 32})


@_preset("model/nvfp4_four_over_six", "NVFP4_FOUR_OVER_SIX_CFG")
def nvfp4_four_over_six() -> QuantizeConfig:
    """NVFP4 W4A4 with Four-Over-Six weight scaling chosen per block by an MSE sweep.

    ``four_over_six`` is ``True`` here; ``NVFP4_FOUR_OVER_SIX_CFG`` (validated) shows ``1``.
    """
    return model_config(w4a4_nvfp4_nvfp4_four_over_six(), algorithm=mse_four_over_six())


@_preset("model/nvfp4_w4a4_weight_local_hessian", "NVFP4_W4A4_WEIGHT_LOCAL_HESSIAN_CFG")
def nvfp4_w4a4_weight_local_hessian() -> QuantizeConfig:
    """NVFP4 W4A4 with static weight scales from local-Hessian calibration (FP8 scale sweep)."""
    return model_config(
        pair(ALL, "nvfp4_static", "nvfp4"),
        algorithm={"method": "local_hessian", "fp8_scale_sweep": True},
    )


@_preset("model/nvfp4_w4a4_weight_mse_fp8_sweep", "NVFP4_W4A4_WEIGHT_MSE_FP8_SWEEP_CFG")
def nvfp4_w4a4_weight_mse_fp8_sweep() -> QuantizeConfig:
    """NVFP4 W4A4 with static weight scales from an MSE FP8-scale sweep."""
    return model_config(
        pair(ALL, "nvfp4_static", "nvfp4"), algorithm={"method": "mse", "fp8_scale_sweep": True}
    )


@_preset("model/nvfp4_experts_only", "NVFP4_EXPERTS_ONLY_CFG")
def nvfp4_experts_only() -> QuantizeConfig:
    """Dynamic NVFP4 W4A4 on MoE expert layers only.

    Order differs from the general/ptq recipes: ``*block_sparse_moe*`` before ``*.experts.*``.
    """
    return model_config(block_sparse_moe_nvfp4(), experts_nvfp4())


@_preset("model/nvfp4_mlp_only", "NVFP4_MLP_ONLY_CFG")
def nvfp4_mlp_only() -> QuantizeConfig:
    """Dynamic NVFP4 W4A4 on MLP/MoE layers only (dense MLP, mixer MLP, MoE, experts)."""
    return model_config(
        pair(MLP, "nvfp4"), mixer_mlp_nvfp4(), block_sparse_moe_nvfp4(), experts_nvfp4()
    )


@_preset("model/nvfp4_omlp_only", "NVFP4_OMLP_ONLY_CFG")
def nvfp4_omlp_only() -> QuantizeConfig:
    """Dynamic NVFP4 W4A4 on output projections and MLP/MoE layers (no ``*.experts.*`` entry).

    Order differs from the general/ptq recipes: ``*o_proj*`` comes first here.
    """
    return model_config(pair((O_PROJ, MLP, *MIXER_MLP, BLOCK_SPARSE_MOE), "nvfp4"))


@_preset("model/nvfp4_mlp_weight_only", "NVFP4_MLP_WEIGHT_ONLY_CFG")
def nvfp4_mlp_weight_only() -> QuantizeConfig:
    """NVFP4 with 32-wide blocks on MLP/MoE weights only; max calibration."""
    return model_config(pair((MLP, BLOCK_SPARSE_MOE), "nvfp4_bs32", None))


@_preset("model/w4a16_nvfp4", "W4A16_NVFP4_CFG")
def w4a16_nvfp4() -> QuantizeConfig:
    """NVFP4 weight-only on all layers (W4A16); max calibration."""
    return model_config(w4_nvfp4())


@_preset("model/w4a8_nvfp4_fp8", "W4A8_NVFP4_FP8_CFG")
def w4a8_nvfp4_fp8() -> QuantizeConfig:
    """W4A8: NVFP4 weights with 32-wide blocks and per-tensor FP8 inputs; max calibration."""
    return model_config(pair(ALL, "nvfp4_bs32", "fp8"))


@_preset("model/w4a8_awq_beta", "W4A8_AWQ_BETA_CFG")
def w4a8_awq_beta() -> QuantizeConfig:
    """W4A8 AWQ-lite: sequential INT4-block then FP8 weights, FP8 inputs."""
    return model_config(pair(ALL, ["int4_per_block", "fp8"], "fp8"), algorithm="awq_lite")


@_preset("model/nvfp4_fp8_mha", "NVFP4_FP8_MHA_CONFIG")
def nvfp4_fp8_mha() -> QuantizeConfig:
    """Diffusers NVFP4 W4A4 with FP8 attention (q/k/v/softmax BMMs and the bmm2 output).

    No ``default_disabled_quantizers``: outputs are disabled, attention re-enabled in FP8.
    """
    return quantize_config(
        base_disable_all(),
        w4a4_nvfp4_nvfp4(),
        disabled("*output_quantizer"),
        attention_qkv_fp8(),
        entry("transformer_blocks*bmm2_output_quantizer", "fp8"),
        algorithm="max",
    )


# --------------------------------------------------------------------------- kv (partial)
@_preset("kv/fp8", "FP8_KV_CFG")
def kv_fp8_preset() -> QuantizeConfig:
    """Partial config: FP8 KV-cache quantizers only (no ``algorithm`` key); merge into a model preset."""
    return quantize_config(kv_fp8())


@_preset("kv/fp8_affine", "FP8_AFFINE_KV_CFG")
def kv_fp8_affine_preset() -> QuantizeConfig:
    """Partial config: affine FP8 KV-cache quantizers (plain entry + bias entry)."""
    return quantize_config(kv_fp8_affine())


@_preset("kv/fp8_cast")
def kv_fp8_cast_preset() -> QuantizeConfig:
    """Partial config: FP8 KV-cache quantizers with constant amax (no KV calibration needed)."""
    return quantize_config(kv_fp8_cast())


@_preset("kv/nvfp4", "NVFP4_KV_CFG")
def kv_nvfp4_preset() -> QuantizeConfig:
    """Partial config: NVFP4 KV-cache quantizers."""
    return quantize_config(kv_nvfp4())


@_preset("kv/nvfp4_affine", "NVFP4_AFFINE_KV_CFG")
def kv_nvfp4_affine_preset() -> QuantizeConfig:
    """Partial config: affine NVFP4 KV-cache quantizers (plain entry + bias entry)."""
    return quantize_config(kv_nvfp4_affine())


@_preset("kv/nvfp4_cast")
def kv_nvfp4_cast_preset() -> QuantizeConfig:
    """Partial config: NVFP4 KV-cache quantizers with constant amax (no KV calibration needed)."""
    return quantize_config(kv_nvfp4_cast())


@_preset("kv/nvfp4_rotate", "NVFP4_KV_ROTATE_CFG")
def kv_nvfp4_rotate_preset() -> QuantizeConfig:
    """Partial config: rotated NVFP4 KV-cache quantizers; the only KV preset with ``algorithm: max``."""
    return quantize_config(kv_nvfp4_rotate(), algorithm="max")


# --------------------------------------------------------------------------- diffusers
def _diffusers(*formats: Entry | Sequence[Entry], algorithm: Any = "max") -> QuantizeConfig:
    return quantize_config(base_disable_all(), *formats, algorithm=algorithm)


@_preset("diffusers/fp8")
def diffusers_fp8() -> QuantizeConfig:
    """Diffusers FP8: per-tensor E4M3 weights, inputs and softmax; outputs off."""
    return _diffusers(
        pair(ALL, "fp8"), disabled("*output_quantizer"), entry("*softmax_quantizer", "fp8")
    )


@_preset("diffusers/int8")
def diffusers_int8() -> QuantizeConfig:
    """Diffusers INT8: per-channel weights, per-tensor inputs; outputs off."""
    return _diffusers(pair(ALL, "int8_per_channel", "int8"), disabled("*output_quantizer"))


@_preset("diffusers/nvfp4")
def diffusers_nvfp4() -> QuantizeConfig:
    """Diffusers NVFP4: dynamic W4A4, FP8 softmax, LayerNorm quantizers off."""
    return _diffusers(
        pair(ALL, "nvfp4"),
        disabled("*output_quantizer"),
        entry("*softmax_quantizer", "fp8"),
        disabled_modules("nn.LayerNorm"),
    )


@_preset("diffusers/nvfp4_fp8_conv")
def diffusers_nvfp4_fp8_conv() -> QuantizeConfig:
    """Diffusers (SDXL): dynamic NVFP4 Linears except attention to_q/k/v, per-tensor FP8 Conv2d."""
    return _diffusers(
        pair(ALL, "nvfp4", parent_class="nn.Linear"),
        disabled(
            "*to_[qkv].input_quantizer", "*to_[qkv].weight_quantizer", parent_class="nn.Linear"
        ),
        pair(ALL, "fp8", parent_class="nn.Conv2d"),
        disabled("*output_quantizer"),
        entry("*softmax_quantizer", "fp8"),
    )


@_preset("diffusers/nvfp4_fp8_mha")
def diffusers_nvfp4_fp8_mha() -> QuantizeConfig:
    """Diffusers (Flux): dynamic NVFP4 W4A4, FP8 attention and bmm2 output; SVDQuant rank 32."""
    return _diffusers(
        pair("**", "nvfp4"),
        disabled("*output_quantizer"),
        attention_qkv_fp8(),
        entry("*bmm2_output_quantizer", "fp8"),
        disabled_modules("nn.LayerNorm"),
        algorithm={"method": "svdquant", "lowrank": 32},
    )
