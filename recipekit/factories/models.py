"""Architecture- and checkpoint-specific recipes (ModelOpt's ``huggingface/**`` and ``models/**``).

``huggingface/<model_type>/<task>/<name>`` recipes are deltas on the general ones (algorithm
tweaks, extra exclusions, mixed schemes); ``models/<org>/<checkpoint>/<task>/<name>`` mirror the
exact mixed-precision layout of a published checkpoint, so their long per-layer pattern lists
are data. Aliases drop the tier (``gemma/ptq/w4a8_awq-kv_fp8_cast``) or the tier and the
organisation (``Kimi-K3/ptq/nvfp4_experts-fp8_pb_attention``); checkpoint recipes also answer to
their legacy ``huggingface/models/<org>/...`` names, as ModelOpt 0.47.0's ``load_recipe`` does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ._register import builtin
from .numerics import E4M3, fp8, nvfp4
from .presets import fp8_default, mse_four_over_six, quantize_config, w4a16_nvfp4
from .recipes import (
    Recipe,
    auto_quantize_recipe,
    dflash_training,
    general_ptq,
    metadata,
    ptq_recipe,
    speculative_model,
)
from .units import (
    ALL,
    EXPERTS,
    KV_BMM,
    Entry,
    attention_qkv_fp8,
    base_disable_all,
    default_disabled_quantizers,
    diffusion_gemma_disabled_quantizers,
    disabled,
    disabled_modules,
    entry,
    kv_fp8,
    kv_fp8_cast,
    nemotron_vl_disabled_quantizers,
    pair,
    qwen3_5_w4a16_nvfp4_fp8_attn_quant_cfg,
    qwen3_5_w4a16_nvfp4_mse_fp8_attn_quant_cfg,
    w4a4_nvfp4_nvfp4,
    w8a8_fp8_fp8,
)


def _hf(path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return builtin("recipes", f"huggingface/{path}", path)


def _checkpoint(path: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    short = path.split("/", 1)[1]  # drop the organisation
    # ``huggingface/models/...``: the layout before 0.47.0, which ModelOpt's load_recipe still
    # accepts (it rewrites the prefix to ``models/``)
    return builtin("recipes", f"models/{path}", short, f"huggingface/models/{path}")


def _max_not_layerwise(**extra: Any) -> dict[str, Any]:
    return {"method": "max", "layerwise": {"enable": False}, **extra}


def _mse_sweep_not_layerwise() -> dict[str, Any]:
    return {"method": "mse", "fp8_scale_sweep": True, "layerwise": {"enable": False}}


# =========================================================================== huggingface/
@_hf("diffusion_gemma/ptq/nvfp4_experts_only")
def diffusion_gemma_nvfp4_experts_only() -> Recipe:
    """DiffusionGemma: dynamic NVFP4 on MoE experts only, FP8 KV cast, self-conditioning net off."""
    return ptq_recipe(
        quantize_config(
            base_disable_all(),
            pair(EXPERTS, "nvfp4"),
            kv_fp8_cast(),
            diffusion_gemma_disabled_quantizers(),
            algorithm="max",
        ),
        "DiffusionGemma PTQ recipe (nvfp4_experts_only): dynamic W4A4 NVFP4 on MoE experts only with"
        " FP8 KV-cache cast (constant-amax); attention Q/K/V/O projections and dense MLP stay bf16."
        " Matches the general ``nvfp4_experts_only-kv_fp8_cast`` preset with the self-conditioning"
        " network additionally disabled so text-only calibration doesn't trip on its uncalibrated"
        " quantizers.",
    )


@_hf("gemma/ptq/int8_sq-kv_fp8_cast")
def gemma_int8_sq_kv_fp8_cast() -> Recipe:
    """Gemma INT8 SmoothQuant with alpha 0.5 (avoids a Gemma-7B accuracy drop), FP8 KV cast."""
    return general_ptq(
        "Gemma INT8 SmoothQuant recipe with FP8 KV-cache cast: alpha=0.5 (instead of the default 1.0)"
        " to avoid accuracy regression on Gemma 7B, plus FP8 KV-cache using constant amax (no KV"
        " calibration).",
        pair(ALL, "int8_per_channel", "int8"),
        kv=kv_fp8_cast(),
        algorithm={"method": "smoothquant", "alpha": 0.5},
    )


def _w4a8_awq_kv_fp8_cast(description: str) -> Recipe:
    return general_ptq(
        description,
        pair(ALL, ["int4_per_block", "fp8"], "fp8"),
        kv=kv_fp8_cast(),
        algorithm={"method": "awq_lite", "alpha_step": 1},
    )


@_hf("gemma/ptq/w4a8_awq-kv_fp8_cast")
def gemma_w4a8_awq_kv_fp8_cast() -> Recipe:
    """Gemma W4A8 AWQ-lite (INT4 blocks, FP8; coarse alpha_step 1 against TRT-LLM overflow), FP8 KV cast.

    ``alpha_step: 1`` stays an int, as ModelOpt's YAML writes it.
    """
    return _w4a8_awq_kv_fp8_cast(
        "Gemma W4A8 AWQ recipe with FP8 KV-cache cast: INT4 block weights + FP8 inputs, awq_lite with"
        " alpha_step=1 (coarser search) to avoid TRT-LLM overflow, plus FP8 KV-cache using constant"
        " amax (no KV calibration)."
    )


@_hf("gemma4/ptq/w4a8_awq-kv_fp8_cast")
def gemma4_w4a8_awq_kv_fp8_cast() -> Recipe:
    """Gemma 4 (multimodal) W4A8 AWQ-lite with FP8 KV cast; vision tower stays BF16 via the defaults."""
    return _w4a8_awq_kv_fp8_cast(
        "Gemma 4 (multimodal) W4A8 AWQ recipe with FP8 KV-cache cast: INT4 block weights + FP8 inputs,"
        " awq_lite with alpha_step=1 (coarser search) to avoid TRT-LLM overflow, plus FP8 KV-cache"
        " using constant amax (no KV calibration). The SigLIP vision tower and vision embedding"
        " projection are kept in BF16."
    )


@_hf("mpt/ptq/w4a8_awq-kv_fp8_cast")
def mpt_w4a8_awq_kv_fp8_cast() -> Recipe:
    """MPT W4A8 AWQ-lite (coarse alpha_step 1) with FP8 KV cast; same data as the Gemma recipe."""
    return _w4a8_awq_kv_fp8_cast(
        "MPT W4A8 AWQ recipe with FP8 KV-cache cast: INT4 block weights + FP8 inputs, awq_lite with"
        " alpha_step=1 (coarser search) to avoid TRT-LLM overflow, plus FP8 KV-cache using constant"
        " amax (no KV calibration)."
    )


@_hf("minimax_m3_vl/ptq/mxfp8_nvfp4_experts")
def minimax_m3_vl_mxfp8_nvfp4_experts() -> Recipe:
    """MiniMax-M3: MXFP8 linears, routed experts NVFP4 (MSE static weights, input_scale 1.0); layerwise."""
    return general_ptq(
        "MiniMax-M3 mixed MXFP8 and NVFP4 PTQ. Routed experts use MSE-calibrated NVFP4 weights and"
        " dynamic NVFP4 activations with input_scale fixed to 1.0; other language-model linear layers"
        " use MXFP8. The vision branch, routers, lm_head, and KV cache stay unquantized.",
        pair(ALL, "mxfp8"),
        pair("*mlp.experts*", "nvfp4_static", nvfp4(constant_amax=2688.0)),
        algorithm={"method": "mse", "fp8_scale_sweep": False, "layerwise": {"enable": True}},
    )


@_hf("minimax_m3_vl/ptq/nvfp4_experts_only")
def minimax_m3_vl_nvfp4_experts_only() -> Recipe:
    """MiniMax-M3: routed experts only in NVFP4 (MSE static weights, dynamic inputs); shared experts off."""
    return general_ptq(
        "MiniMax-M3 routed-experts-only NVFP4 PTQ with MSE-calibrated static weights and dynamic"
        " activations; shared experts and the KV cache stay BF16.",
        pair(("*mlp.experts*", "*block_sparse_moe.experts.*"), "nvfp4_static", "nvfp4"),
        disabled("*shared_experts*"),
        algorithm={"method": "mse", "fp8_scale_sweep": False},
    )


def _output_quant_proj(description: str, formats: list[Entry], fmt: str) -> Recipe:
    return ptq_recipe(
        quantize_config(
            base_disable_all(),
            formats,
            default_disabled_quantizers(),
            entry("*_proj.output_quantizer", fmt),
            disabled("*score*"),
            algorithm="max",
        ),
        description,
    )


@_hf("nemotron_llama/ptq/fp8_output_quant_proj")
def nemotron_llama_fp8_output_quant_proj() -> Recipe:
    """Llama-Nemotron embedding/reranking: FP8 preset plus FP8 output quantizers on projections."""
    return _output_quant_proj(
        "Llama-Nemotron embedding/reranking PTQ recipe (fp8 + projection output quantizers): same"
        " numerics as the general fp8 preset, plus per-tensor FP8 output quantizers on the projection"
        " Linears so TensorRT engines carry FP8 activations between layers.",
        w8a8_fp8_fp8(),
        "fp8",
    )


@_hf("nemotron_llama/ptq/nvfp4_output_quant_proj")
def nemotron_llama_nvfp4_output_quant_proj() -> Recipe:
    """Llama-Nemotron embedding: NVFP4 preset plus dynamic NVFP4 output quantizers on projections."""
    return _output_quant_proj(
        "Llama-Nemotron embedding PTQ recipe (nvfp4 + projection output quantizers): same numerics as"
        " the general nvfp4 preset, plus dynamic NVFP4 output quantizers on the projection Linears so"
        " TensorRT engines carry FP4 activations between layers.",
        w4a4_nvfp4_nvfp4(),
        "nvfp4",
    )


@_hf("nemotron_vl/ptq/nvfp4-kv_fp8_cast")
def nemotron_vl_nvfp4_kv_fp8_cast() -> Recipe:
    """Nemotron VL: NVFP4 W4A4 + FP8 KV cast on the text decoder only (vision/encoder branches off)."""
    return ptq_recipe(
        quantize_config(
            base_disable_all(),
            w4a4_nvfp4_nvfp4(),
            kv_fp8_cast(),
            nemotron_vl_disabled_quantizers(),
            algorithm="max",
        ),
        "Nemotron VL PTQ recipe (nvfp4): same numerics as the general nvfp4 preset, applied to the"
        " decoder (text generation) component only (vision/encoder branches are skipped).",
    )


def _qwen3_5(description: str, quant_cfg: list[Entry], algorithm: dict[str, Any]) -> Recipe:
    return ptq_recipe(quantize_config(quant_cfg, algorithm=algorithm), description)


@_hf("qwen3_5/ptq/w4a16_nvfp4-fp8_attn-kv_fp8_cast")
def qwen3_5_w4a16_nvfp4_fp8_attn_kv_fp8_cast() -> Recipe:
    """Qwen3.5 dense: NVFP4 MLP/lm_head weights, FP8 attention, FP8 KV cast; max, not layerwise."""
    return _qwen3_5(
        "W4A16 (NVFP4 weights) MLP / FP8 attention / FP8 KV-cast PTQ recipe for HuggingFace `qwen3_5`"
        " (dense) models: NVFP4 for MLP projection weights and lm_head; FP8 for self-attention and the"
        " large linear-attention projections; FP8 KV cache with constant amax.",
        qwen3_5_w4a16_nvfp4_fp8_attn_quant_cfg(),
        _max_not_layerwise(),
    )


@_hf("qwen3_5/ptq/w4a16_nvfp4_mse-fp8_attn-kv_fp8_cast")
def qwen3_5_w4a16_nvfp4_mse_fp8_attn_kv_fp8_cast() -> Recipe:
    """Qwen3.5 dense: static NVFP4 MLP/lm_head weights from an MSE sweep, FP8 attention, FP8 KV cast."""
    return _qwen3_5(
        "W4A16 (NVFP4 weights, MSE calibration) MLP / FP8 attention / FP8 KV-cast PTQ recipe for"
        " HuggingFace `qwen3_5` (dense) models: NVFP4 with static scales from an MSE FP8-scale sweep"
        " for MLP projection weights and lm_head; FP8 for self-attention and the large"
        " linear-attention projections; FP8 KV cache with constant amax.",
        qwen3_5_w4a16_nvfp4_mse_fp8_attn_quant_cfg(),
        _mse_sweep_not_layerwise(),
    )


@_hf("qwen3_5_moe/ptq/w4a16_nvfp4-fp8_attn-kv_fp8_cast")
def qwen3_5_moe_w4a16_nvfp4_fp8_attn_kv_fp8_cast() -> Recipe:
    """Qwen3.5/3.6-MoE: NVFP4 MoE/shared-expert/lm_head weights, FP8 attention, FP8 KV cast."""
    return _qwen3_5(
        "W4A16 (NVFP4 weights) MLP / FP8 attention / FP8 KV-cast PTQ recipe for HuggingFace"
        " `qwen3_5_moe` models (Qwen3.5-MoE and Qwen3.6-MoE releases): NVFP4 for MoE / shared-expert"
        " MLP projection weights and lm_head; FP8 for self-attention and the large linear-attention"
        " projections; FP8 KV cache with constant amax.",
        qwen3_5_w4a16_nvfp4_fp8_attn_quant_cfg(),
        _max_not_layerwise(),
    )


@_hf("qwen3_5_moe/ptq/w4a16_nvfp4_mse-fp8_attn-kv_fp8_cast")
def qwen3_5_moe_w4a16_nvfp4_mse_fp8_attn_kv_fp8_cast() -> Recipe:
    """Qwen3.5/3.6-MoE: MSE-swept static NVFP4 MLP/lm_head weights, FP8 attention, FP8 KV cast."""
    return _qwen3_5(
        "W4A16 (NVFP4 weights, MSE calibration) MLP / FP8 attention / FP8 KV-cast PTQ recipe for"
        " HuggingFace `qwen3_5_moe` models (Qwen3.5-MoE and Qwen3.6-MoE releases): NVFP4 with static"
        " scales from an MSE FP8-scale sweep for MoE / shared-expert MLP projection weights and"
        " lm_head; FP8 for self-attention and the large linear-attention projections; FP8 KV cache"
        " with constant amax.",
        qwen3_5_w4a16_nvfp4_mse_fp8_attn_quant_cfg(),
        _mse_sweep_not_layerwise(),
    )


@_hf("qwen3_5_moe/ptq/nvfp4_experts_mse-fp8_rest-kv_fp8")
def qwen3_5_moe_nvfp4_experts_mse_fp8_rest_kv_fp8() -> Recipe:
    """Qwen3.5-MoE: NVFP4 routed experts (MSE static weights), FP8 elsewhere, FP8 KV; MTP stays BF16."""
    return general_ptq(
        "NVFP4 (MSE static weights, dynamic inputs) on LM routed experts; ModelOpt-default FP8"
        " (max-calibrated) on all other Linear layers; FP8 KV cache; MTP block BF16.",
        w8a8_fp8_fp8(),
        pair("*language_model*mlp.experts.*", "nvfp4_static", "nvfp4"),
        kv=kv_fp8(),
        algorithm=_mse_sweep_not_layerwise(),
        then=[disabled("*linear_attn.in_proj_a*", "*linear_attn.in_proj_b*", "*visual*", "*mtp*")],
    )


def _qwen3_6_moe_constraints() -> dict[str, Any]:
    return {"effective_bits": 6.0, "cost_model": "active_moe", "active_moe_expert_ratio": 0.03125}


@_hf("qwen3_6_moe/auto_quantize/w4a16_nvfp4_fp8_at_6p0bits-active_moe")
def qwen3_6_moe_w4a16_nvfp4_fp8_at_6p0bits_active_moe() -> Recipe:
    """Qwen3.6-MoE AutoQuantize: FP8 / NVFP4 weight-only search at 6.0 active-MoE bits."""
    return auto_quantize_recipe(
        "Qwen3.6 MoE: FP8 + NVFP4-weight-only per-layer search at 6.0 effective bits, active-MoE"
        " cost model (expert ratio 0.03125), with architecture-specific disabled layers.",
        candidate_formats=[fp8_default(), w4a16_nvfp4()],
        extra_disabled_layers=["*shared_expert_gate*"],
        **_qwen3_6_moe_constraints(),
    )


@_hf("qwen3_6_moe/auto_quantize/w4a16_nvfp4_fp8_module_spaces_at_6p0bits-active_moe")
def qwen3_6_moe_w4a16_nvfp4_fp8_module_spaces() -> Recipe:
    """Qwen3.6-MoE AutoQuantize over shared experts, attention and lm_head only; the rest fixed.

    The fixed baseline (``quantize``) is the Qwen3.5 W4A16/FP8 PTQ quant_cfg.
    """
    space = {
        "module_name_patterns": [
            "*mlp.shared_expert*",
            "*linear_attn*",
            "*self_attn*",
            "*lm_head*",
        ],
        "candidate_formats": [w4a16_nvfp4(), fp8_default()],
        "allow_no_quant": False,
    }
    return auto_quantize_recipe(
        "Qwen3.6 MoE module-specific search based on the Qwen3.5-MoE W4A16/FP8 PTQ recipe: shared"
        " experts, attention, and lm_head searched over W4A16 NVFP4 and FP8 at 6.0 active-MoE"
        " effective bits.",
        module_search_spaces=[space],
        quantize=quantize_config(
            qwen3_5_w4a16_nvfp4_fp8_attn_quant_cfg(), algorithm=_max_not_layerwise()
        ),
        **_qwen3_6_moe_constraints(),
    )


def _step3p7(description: str, scopes: Sequence[str], kv: list[Entry]) -> Recipe:
    return general_ptq(
        description,
        pair(scopes, "nvfp4"),
        kv=kv,
        algorithm=_max_not_layerwise(),
        then=[disabled("*moe.gate.*", "*share_expert*")],
    )


@_hf("step3p7/ptq/nvfp4_experts_only-kv_fp8_cast")
def step3p7_nvfp4_experts_only_kv_fp8_cast() -> Recipe:
    """Step-3.7: dynamic NVFP4 on routed experts (``*moe*``), FP8 KV cast; router and shared expert off."""
    return _step3p7(
        "Applies dynamic NVFP4 to Step-3.7 routed-expert weight and input quantizers, plus FP8"
        " KV-cache cast mode using constant amax; the router, the shared expert and the dense MLPs"
        " stay unquantized. Uses max calibration.",
        ("*moe*",),
        kv_fp8_cast(),
    )


@_hf("step3p7/ptq/nvfp4_mlp_only-kv_fp8")
def step3p7_nvfp4_mlp_only_kv_fp8() -> Recipe:
    """Step-3.7: dynamic NVFP4 on routed experts and dense MLPs, calibrated FP8 KV cache."""
    return _step3p7(
        "Applies dynamic NVFP4 to Step-3.7 routed-expert and dense-MLP weight and input quantizers,"
        " plus calibrated FP8 KV-cache quantization; the router and the shared expert stay"
        " unquantized. Uses max calibration.",
        ("*moe*", "*mlp*"),
        kv_fp8(),
    )


@_hf("vit/ptq/fp8")
def vit_fp8() -> Recipe:
    """ViT FP8: W8A8 plus FP8 attention BMMs, outputs off; no base disable-all, no exclusions.

    ModelOpt's file has no description, so ``metadata`` holds only ``recipe_type``.
    """
    quantize = quantize_config(
        w8a8_fp8_fp8(), disabled("*output_quantizer"), attention_qkv_fp8(), algorithm="max"
    )
    return ptq_recipe(quantize)


# =========================================================================== models/
@_checkpoint("deepseek-ai/DeepSeek-V4-Pro-0813/ptq/nvfp4_experts_only")
def deepseek_v4_pro_nvfp4_experts_only() -> Recipe:
    """DeepSeek-V4-Pro-0813: routed-expert linears in NVFP4 W4A4; everything else as shipped."""
    return ptq_recipe(
        quantize_config(
            base_disable_all(),
            pair("*ffn.experts.*.w*_", "nvfp4", enable=True),
            disabled("*shared_experts*", "*mtp.*"),
            algorithm={"method": "max"},
        ),
        "DeepSeek-V4-Pro-0813 recipe quantizing only the routed-expert linears to NVFP4 (weights and"
        " activations). Shared experts, attention, router gates, dense projections, embeddings,"
        " lm_head and the MTP/DSpark speculative decoding block stay in their source format.",
    )


@_checkpoint("meta-models/Muse-Glimmer-30B/auto_quantize/w4a16_nvfp4_4o6_mixed")
def muse_glimmer_w4a16_nvfp4_4o6_mixed() -> Recipe:
    """Muse Glimmer: AutoQuantize over NVFP4 Four-Over-Six weights, FP8 and BF16 at 5.5 bits.

    Carries ``effective_bits: 4.5`` at the QuantizeConfig level (weight-only NVFP4 cost);
    ``four_over_six`` is ``True`` (``1`` after validation).
    """
    scopes = (
        "*language_model.layers.*.mlp*",
        "*language_model.layers.*.self_attn.*_proj",
        "*lm_head*",
    )
    baseline = quantize_config(
        base_disable_all(),
        [entry(f"{s}.weight_quantizer", "nvfp4_four_over_six") for s in scopes],
        default_disabled_quantizers(),
        algorithm=mse_four_over_six(),
        effective_bits=4.5,
    )
    nvfp4_4o6_weights = quantize_config(
        base_disable_all(),
        entry("*weight_quantizer", "nvfp4_four_over_six"),
        algorithm=mse_four_over_six(),
        effective_bits=4.5,
    )
    space = {
        "module_name_patterns": list(scopes),
        "candidate_formats": [
            nvfp4_4o6_weights,
            quantize_config(base_disable_all(), w8a8_fp8_fp8(), algorithm="max"),
        ],
        "allow_no_quant": True,
    }
    return auto_quantize_recipe(
        "Muse Glimmer language-model W4A16 NVFP4 Four-Over-Six, FP8, and BF16 fallback search at 5.5"
        " weight-effective bits. Use --kv_cache_qformat none.",
        effective_bits=5.5,
        cost_model="weight",
        module_search_spaces=[space],
        quantize=baseline,
    )


MISTRAL_MEDIUM_FP8_MLP_LAYERS = (0, 1, 2, 3, 87)


@_checkpoint("mistralai/Mistral-Medium-3.5-128B/ptq/nvfp4-max-calib")
def mistral_medium_3_5_nvfp4_max_calib() -> Recipe:
    """Mistral-Medium-3.5: NVFP4 interior MLPs, FP8 attention and edge MLP layers, FP8 KV cache."""
    return general_ptq(
        "NVFP4 W4A4 on interior MLP layers, FP8 W8A8 on edge MLP and attention layers, and an FP8 KV"
        " cache; uses max calibration.",
        pair(("*mlp.experts*", "*block_sparse_moe*", "*mlp*"), "nvfp4"),
        pair([f"*self_attn.{p}_proj*" for p in "qkvo"], "fp8"),
        pair([f"*layers.{i}.mlp*" for i in MISTRAL_MEDIUM_FP8_MLP_LAYERS], "fp8"),
        kv=kv_fp8(),
        algorithm=_max_not_layerwise(),
    )


KIMI_K3_BLOCK_FP8_ATTENTION = (
    "q_proj",
    "k_proj",
    "v_proj",
    "b_proj",
    "f_a_proj",
    "f_b_proj",
    "q_a_proj",
    "q_b_proj",
    "kv_a_proj_with_mqa",
    "kv_b_proj",
    "o_proj",
    "g_proj",
)


@_checkpoint("moonshotai/Kimi-K3/ptq/nvfp4_experts-fp8_pb_attention")
def kimi_k3_nvfp4_experts_fp8_pb_attention() -> Recipe:
    """Kimi-K3: calibration-free NVFP4 routed experts (input_scale 1.0), 128x128 block-FP8 attention."""
    attention = [
        entry(f"*self_attn.{p}*weight_quantizer", fp8(block_sizes={-1: 128, -2: 128}))
        for p in KIMI_K3_BLOCK_FP8_ATTENTION
    ]
    return general_ptq(
        "Kimi-K3 checkpoint-mirror recipe with calibration-free MXFP4-to-NVFP4 routed experts, expert"
        " input_scale fixed to 1.0, and 128x128 block-FP8 weight-only KDA and MLA attention"
        " projections. Shared and latent experts, routers, convolutions, norms, the vision tower,"
        " lm_head, and KV cache stay unquantized.",
        pair("*block_sparse_moe.experts.*", "nvfp4", nvfp4(constant_amax=2688.0)),
        attention,
        algorithm=_max_not_layerwise(skip_forward_without_activation_calib=True),
    )


NEMOTRON_NANO_FP8_DOWN_PROJ_LAYERS = (1, 3, 5, 8, 10, 18, 25, 33, 41)


@_checkpoint("nvidia/NVIDIA-Nemotron-3-Nano-4B-BF16/ptq/nvfp4_w4a16")
def nemotron_3_nano_nvfp4_w4a16() -> Recipe:
    """Nemotron-3-Nano-4B as GGUF Q4_K_M: NVFP4 W4A4, FP8 Q6_K down_proj, NVFP4 embedding, FP8 lm_head."""
    return ptq_recipe(
        quantize_config(
            base_disable_all(),
            w4a4_nvfp4_nvfp4(),
            pair(
                [f"*layers.{i}.mixer.down_proj*" for i in NEMOTRON_NANO_FP8_DOWN_PROJ_LAYERS], "fp8"
            ),
            default_disabled_quantizers(),
            entry("*lm_head*weight_quantizer", "fp8", enable=True),
            entry("*embeddings*weight_quantizer", "nvfp4", enable=True),
            algorithm="max",
        ),
        "GGUF Q4_K_M-mirrored Nemotron-H recipe: NVFP4 W4A4 for Q4_K/Q5_0 linears (attn q/k/v/o kept"
        " uniform for export fusion), FP8 W8A8 for Q6_K MLP down_proj, NVFP4 W4A16 for embedding, FP8"
        " W8A16 for lm_head, bf16 for F32.",
    )


NEMOTRON3_EXPERTS = ("*mixer.experts.*", "*mlp.experts*")
NEMOTRON3_FP8 = (
    "*mixer.shared_experts.*",
    "*mlp.shared_experts*",
    "*mixer.in_proj*",
    "*mixer.out_proj*",
)


def _fp8_kv_no_axis() -> dict[str, Any]:
    # These checkpoint files write the KV cfg inline as just ``num_bits: e4m3`` (no ``axis``).
    return {"num_bits": E4M3}


def _nvfp4_inline(static: bool = False) -> dict[str, Any]:
    # The Super files write NVFP4 inline: ``block_sizes`` first and no ``effective_bits``.
    attrs = nvfp4(static=static, effective_bits=None)
    return {"block_sizes": attrs["block_sizes"], "num_bits": attrs["num_bits"]}


def _nemotron3_moe(weight: Any, input: Any, kv: Any) -> list[Entry]:
    """Nemotron-3 MoE layout: NVFP4 routed experts, FP8 shared experts / Mamba in-out proj and KV."""
    return [
        base_disable_all(),
        *pair(NEMOTRON3_EXPERTS, weight, input, enable=True),
        *pair(NEMOTRON3_FP8, "fp8", enable=True),
        entry(KV_BMM, kv, enable=True),
    ]


_SUPER = (
    "Super NVFP4 mixed precision — sparse MoE experts NVFP4 (W4A4, group_size 16); shared experts,"
    " mamba in/out_proj FP8 per-tensor; FP8 KV cache; everything else({rest}) stay BF16. {variant}"
)


@_checkpoint("nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16/ptq/nvfp4-max-calib")
def nemotron_3_super_nvfp4_max_calib() -> Recipe:
    """Nemotron-3-Super: NVFP4 routed experts, FP8 shared experts/Mamba projections/KV; max calibration.

    The file writes its NVFP4 cfgs inline (``block_sizes`` before ``num_bits``), so they carry no
    ``effective_bits``, and its KV cfg has no ``axis``.
    """
    return ptq_recipe(
        quantize_config(
            _nemotron3_moe(_nvfp4_inline(), _nvfp4_inline(), _fp8_kv_no_axis()),
            algorithm={"method": "max"},
        ),
        _SUPER.format(
            rest="lm_head/MTP/Latent MOE", variant="Amax calibration comparison variant."
        ),
    )


@_checkpoint("nvidia/NVIDIA-Nemotron-3-Super-120B-A12B-BF16/ptq/nvfp4-mse")
def nemotron_3_super_nvfp4_mse() -> Recipe:
    """Nemotron-3-Super: as nvfp4-max-calib but static expert weights from an MSE FP8-scale sweep."""
    return ptq_recipe(
        quantize_config(
            _nemotron3_moe(_nvfp4_inline(static=True), _nvfp4_inline(), _fp8_kv_no_axis()),
            algorithm={"method": "mse", "fp8_scale_sweep": True},
        ),
        _SUPER.format(
            rest="lm_head/MTP/latent MOE", variant="Weight-MSE calibration with FP8 scale sweep."
        ),
    )


@_checkpoint("nvidia/NVIDIA-Nemotron-3-Ultra-550B-A55B-BF16/ptq/nvfp4-4o6")
def nemotron_3_ultra_nvfp4_4o6() -> Recipe:
    """Nemotron-3-Ultra: Four-Over-Six NVFP4 expert weights (MSE), dynamic NVFP4 inputs, FP8 rest and KV.

    ``four_over_six`` is ``True`` here and ``1`` after ModelOpt's validation.
    """
    return ptq_recipe(
        quantize_config(
            _nemotron3_moe("nvfp4_four_over_six", "nvfp4", "fp8"), algorithm=mse_four_over_six()
        ),
        "Ultra NVFP4 with Four-Over-Six (4/6) MSE-selected weights on routed experts (W4A4, block 16);"
        " dynamic NVFP4 activations (not MSE); shared experts + mamba in/out_proj + KV cache FP8;"
        " everything else BF16.",
    )


@_checkpoint("nvidia/NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16/ptq/w4a16_nvfp4_4o6")
def nemotron_3_5_lightning_w4a16_nvfp4_4o6() -> Recipe:
    """Nemotron-3.5-Lightning: W4A16 4/6 NVFP4 experts, shared experts, heads; FP8 Mamba proj and KV.

    Description ends with a newline (folded ``>`` block in ModelOpt's file); ``four_over_six``
    is ``True`` here and ``1`` after ModelOpt's validation.
    """
    weights_4o6 = (
        "*mixer.experts*",
        "*mixer.shared_experts*",
        "*mlp.experts*",
        "*mlp.shared_experts*",
    )
    quant_cfg = [
        base_disable_all(),
        *pair(weights_4o6, "nvfp4_four_over_six", None, enable=True),
        *pair(("*mixer.in_proj*", "*mixer.out_proj*"), "fp8", enable=True),
        entry(KV_BMM, _fp8_kv_no_axis(), enable=True),
        entry("output_layer.weight_quantizer", "nvfp4_four_over_six", enable=True),
        entry("lm_head.weight_quantizer", "nvfp4_four_over_six", enable=True),
        entry("mtp.*", enable=False),
    ]
    return ptq_recipe(
        quantize_config(quant_cfg, algorithm=mse_four_over_six()),
        "Lightning 3.5 W4A16 PTQ, NVFP4 four_over_six (4/6) weight scales. Routed MoE experts, shared"
        " experts, and lm_head; FP8 Mamba in_proj/out_proj. W4A16 use weight-only NVFP4 4/6 (static,"
        " MSE-selected). KV cache FP8. Attention BF16.\n",
    )


@_checkpoint(
    "nvidia/NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16/speculative_decoding/dspark_warmstart"
)
def nemotron_3_5_lightning_dspark_warmstart() -> Recipe:
    """Warm-start fine-tuning of the released Nemotron-3.5 DSpark drafter (placeholders for paths).

    ``data.mode`` is ``streaming`` here; ModelOpt's validated recipe recomputes it as ``online``.
    """
    return {
        "metadata": metadata(
            "speculative_dflash",
            "Warm-start fine-tune of the released Nemotron-3.5 DSpark drafter (streaming).",
        ),
        "model": speculative_model(
            "<path to NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16>",
            trust_remote_code=True,
            use_fake_base_for_offline=True,
        ),
        "data": {
            "mode": "streaming",
            "data_path": "<path to a jsonl corpus with real assistant turns>",
            "offline_data_path": None,
            "chat_template": "<path to nemotron chat template with {% generation %} tags>",
            "final_aux_is_base_hidden": True,
        },
        "training": dflash_training(
            output_dir="<output dir>",
            num_train_epochs=1,
            per_device_train_batch_size=1,
            gradient_accumulation_steps=1,
            learning_rate=1.0e-5,
            warmup_steps=10,
            training_seq_len=2048,
            logging_steps=10,
            save_steps=1000,
            max_grad_norm=1.0,
        ),
        "dflash": {
            "dflash_init_checkpoint": "<path to NVIDIA-Nemotron-3.5-Lightning-30B-A3B-BF16-DSpark>",
            "dflash_block_size": 8,
            "dflash_mask_token_id": 990,
            "dflash_swa_window_size": 1024,
            "dflash_draft_attention": "causal",
            "dflash_attention_sink": True,
            "dflash_num_anchors": 64,
            "dflash_use_torch_compile": False,
            "dflash_self_logit_distillation": False,
            "dflash_loss_objective": "dpace",
            "dflash_ce_loss_alpha": 0.1,
            "dflash_l1_loss_alpha": 0.9,
            "dflash_confidence_head_alpha": 0.0,
            "dflash_report_acc": True,
            "dflash_architecture_config": {
                "num_hidden_layers": 6,
                "num_attention_heads": 32,
                "num_key_value_heads": 2,
                "head_dim": 128,
                "intermediate_size": 6144,
                "rms_norm_eps": 1.0e-6,
                "projector_type": "dspark",
                "markov_rank": 512,
                "markov_head_type": "vanilla",
                "use_confidence_head": False,
                "target_layer_ids": [1, 5, 19, 29, 41, 51],
            },
        },
    }


STEP_3_5_FLASH_DISABLED = (
    "*share_expert*",
    "*moe.gate.*",
    "*linear_attn.conv1d*",
    "*lm_head*",
    "*mixer.conv1d*",
    "*output_layer*",
    "*proj_out.*",
    "*router*",
    "output.*",
)


@_checkpoint("stepfun-ai/Step-3.5-Flash/ptq/nvfp4-mlp-only")
def step_3_5_flash_nvfp4_mlp_only() -> Recipe:
    """Step-3.5-Flash: dynamic NVFP4 on MoE/MLP layers, FP8 KV cache, a local exclusion list."""
    return ptq_recipe(
        quantize_config(
            base_disable_all(),
            pair(("*moe*", "*mlp*"), "nvfp4"),
            kv_fp8(),
            disabled(*STEP_3_5_FLASH_DISABLED),
            disabled_modules("nn.BatchNorm1d", "nn.BatchNorm2d", "nn.BatchNorm3d", "nn.LeakyReLU"),
            algorithm="max",
        ),
        "Step3.5-Flash PTQ recipe that enables dynamic NVFP4 on MoE/MLP weight and input quantizers,"
        " enables FP8 KV-cache quantizers, and leaves other quantizers disabled.",
    )
