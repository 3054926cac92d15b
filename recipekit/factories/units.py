"""quant_cfg building blocks (ModelOpt's ``configs/ptq/units``, ``configs/auto_quantize/units``
and the model-local units under ``huggingface/``).

A ``quant_cfg`` is an ordered list of entries ``{quantizer_name, [parent_class], [enable], [cfg]}``
applied in order, the last match winning. Four constructors build every entry of every ModelOpt
unit; the named units are one call each:

* ``entry(pattern, cfg)`` - one entry;
* ``pair(scope, weight, input)`` - the weight and input quantizers under one or more scopes
  (``pair('*mlp*', 'nvfp4')``; ``input=False`` disables inputs, ``None`` leaves them alone);
* ``kv_cache(fmt, mode)`` - the K/V BMM quantizers, ``mode`` plain / cast / affine / rotate;
* ``disabled(*patterns)`` and ``disabled_modules(*parent_classes)`` - exclusions.

A cfg may be a numeric format name (``'nvfp4'``, see ``numerics.FORMATS``), an attribute dict
or a list of them (sequential quantizer). Every call returns fresh containers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal, get_args

from ._register import builtin
from .numerics import Attrs, FormatName, as_attrs

Entry = dict[str, Any]
Cfg = FormatName | Attrs | list[Any]

#: Scopes (quantizer-name prefixes) shared by presets and recipes; ``scope + "weight_quantizer"``.
ALL = "*"
MLP = "*mlp*"
MIXER_MLP = ("*.mixer.up_proj.", "*.mixer.down_proj.")
BLOCK_SPARSE_MOE = "*block_sparse_moe*"
EXPERTS = "*.experts.*"
O_PROJ = "*o_proj*"
KV_BMM = "*[kv]_bmm_quantizer"


class _Same:
    def __repr__(self) -> str:
        return "<same as weight>"


SAME: Any = _Same()


def _units(path: str, *aliases: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return builtin("units", path, *aliases)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def splice(*parts: Entry | Sequence[Entry]) -> list[Entry]:
    """One quant_cfg list from entries and entry lists, in order (ModelOpt's ``$import`` splice)."""
    out: list[Entry] = []
    for part in parts:
        if isinstance(part, dict):
            out.append(part)
        else:
            out.extend(part)
    return out


# --------------------------------------------------------------------------- constructors
@_units("entry")
def entry(
    pattern: str,
    cfg: Cfg | None = None,
    *,
    enable: bool | None = None,
    parent_class: str | None = None,
) -> Entry:
    """One quant_cfg entry: set ``cfg`` and/or ``enable`` on quantizers matching ``pattern``.

    Keys come out as ``parent_class, quantizer_name, enable, cfg`` (only those given).
    """
    if cfg is None and enable is None:
        raise ValueError(f"entry {pattern!r} needs a cfg or an explicit enable")
    out: Entry = {} if parent_class is None else {"parent_class": parent_class}
    out["quantizer_name"] = pattern
    if enable is not None:
        out["enable"] = enable
    if cfg is not None:
        out["cfg"] = as_attrs(cfg)
    return out


@_units("pair")
def pair(
    scope: str | Sequence[str],
    weight: Cfg | bool | None,
    input: Cfg | bool | None = SAME,
    *,
    enable: bool | None = None,
    parent_class: str | None = None,
) -> list[Entry]:
    """Weight + input quantizer entries for each scope (``'*mlp*'`` -> ``*mlp*weight_quantizer``).

    ``input`` defaults to the weight format; ``False`` writes ``enable: false`` for that side
    (weight-only), ``None`` writes nothing for it. ``enable=True`` is written into every
    entry that sets a cfg (some checkpoint recipes spell it out).
    """
    scopes = (scope,) if isinstance(scope, str) else tuple(scope)
    seen: set[int] = set()

    def take(cfg: Any) -> Any:  # a dict/list given once is used once; later uses get copies
        if isinstance(cfg, (dict, list)):
            if id(cfg) in seen:
                return _copy(cfg)
            seen.add(id(cfg))
        return cfg

    out: list[Entry] = []
    for one in scopes:
        for suffix, cfg in (("weight_quantizer", weight), ("input_quantizer", input)):
            if cfg is SAME:
                cfg = weight
            if cfg is None:
                continue
            if cfg is False:
                out.append(entry(one + suffix, enable=False, parent_class=parent_class))
            else:
                out.append(entry(one + suffix, take(cfg), enable=enable, parent_class=parent_class))
    return out


KvMode = Literal["plain", "cast", "affine", "rotate"]
KV_MODES: tuple[str, ...] = get_args(KvMode)


@_units("kv_cache")
def kv_cache(fmt: Cfg | None = "fp8", mode: KvMode = "plain") -> list[Entry]:
    """KV-cache (K/V BMM) quantizer entries for a format and a mode.

    ``plain``: calibrated amax. ``cast``: ``use_constant_amax`` (amax pinned to the FP8 range,
    no KV calibration). ``affine``: the plain entry, then the same pattern again with a static
    bias over axes -2 and -4 (both entries are kept; the later one wins when applied).
    ``rotate``: Q gets ``rotate`` but stays disabled, K is rotated and quantized, V quantized.
    ``fmt=None`` disables the K/V quantizers.
    """

    def cfg(**extra: Any) -> Attrs:
        base = as_attrs(fmt) if isinstance(fmt, str) else _copy(fmt)
        return {**base, **extra}

    if fmt is None:
        return [entry(KV_BMM, enable=False)]
    if mode == "plain":
        return [entry(KV_BMM, cfg())]
    if mode == "cast":
        return [entry(KV_BMM, cfg(use_constant_amax=True))]
    if mode == "affine":
        bias = {-2: None, -4: None, "type": "static"}
        return [entry(KV_BMM, cfg()), entry(KV_BMM, cfg(bias=bias))]
    if mode == "rotate":
        # ModelOpt writes this first entry as ``quantizer_name, cfg, enable``.
        query = {"quantizer_name": "*q_bmm_quantizer", "cfg": {"rotate": True}, "enable": False}
        return [
            query,
            entry("*k_bmm_quantizer", cfg(rotate=True)),
            entry("*v_bmm_quantizer", cfg()),
        ]
    raise ValueError(f"unknown KV mode {mode!r}; known: {', '.join(KV_MODES)}")


@_units("disabled")
def disabled(*patterns: str, parent_class: str | None = None) -> list[Entry]:
    """``enable: false`` entries for each quantizer-name pattern (exclusions)."""
    return [entry(p, enable=False, parent_class=parent_class) for p in patterns]


@_units("disabled_modules")
def disabled_modules(*parent_classes: str, pattern: str = "*") -> list[Entry]:
    """``enable: false`` for every quantizer whose parent module is one of ``parent_classes``."""
    return [entry(pattern, enable=False, parent_class=cls) for cls in parent_classes]


# --------------------------------------------------------------------------- exclusions
DEFAULT_DISABLED_PATTERNS = (
    "*block_sparse_moe.gate*",
    "*linear_attn.conv1d*",
    "*self_attention.conv1d*",
    "*linear_attn.in_proj_a*",
    "*linear_attn.in_proj_b*",
    "*lm_head*",
    "*mixer.conv1d*",
    "*mlp.gate.*",
    "*mlp.shared_expert_gate.*",
    "*output_layer*",
    "*proj_out.*",
    "*router*",
    "mtp.*",
    "output.*",
    "*embed_vision*",
    "*vision_tower*",
    "*visual*",
    "*vision_model*",
    "*multi_modal_projector*",
)
DEFAULT_DISABLED_MODULES = (
    "nn.BatchNorm1d",
    "nn.BatchNorm2d",
    "nn.BatchNorm3d",
    "nn.LeakyReLU",
    "nn.Embedding",
)
MAMBA_MOE_DISABLED_PATTERNS = (
    "*fc1_latent_proj*",
    "*fc2_latent_proj*",
    "*q_proj*",
    "*k_proj*",
    "*v_proj*",
    "*o_proj*",
    "*self_attention.linear_qkv*",
    "*self_attention.linear_proj*",
)


@_units("configs/ptq/units/base_disable_all", "base_disable_all")
def base_disable_all() -> Entry:
    """Disable every quantizer; the first entry of a quant_cfg, before selective enabling.

    A single entry (ModelOpt's ``QuantizerCfgEntry``), not a list: it is appended, not spliced.
    """
    return {"quantizer_name": "*", "enable": False}


@_units("configs/ptq/units/default_disabled_quantizers", "default_disabled_quantizers")
def default_disabled_quantizers() -> list[Entry]:
    """Standard exclusions (gates, routers, conv1d, lm_head, vision towers, norms...) kept unquantized."""
    return disabled(*DEFAULT_DISABLED_PATTERNS) + disabled_modules(*DEFAULT_DISABLED_MODULES)


@_units("configs/ptq/units/mamba_moe_disabled_quantizers", "mamba_moe_disabled_quantizers")
def mamba_moe_disabled_quantizers() -> list[Entry]:
    """Extra Mamba/MoE exclusions: latent projections and the attention projections."""
    return disabled(*MAMBA_MOE_DISABLED_PATTERNS)


# --------------------------------------------------------------------------- format units
@_units("configs/ptq/units/w8a8_fp8_fp8", "w8a8_fp8_fp8")
def w8a8_fp8_fp8() -> list[Entry]:
    """Per-tensor FP8 E4M3 on all weight and input quantizers (W8A8)."""
    return pair(ALL, "fp8")


@_units("configs/ptq/units/w4a4_nvfp4_nvfp4", "w4a4_nvfp4_nvfp4")
def w4a4_nvfp4_nvfp4() -> list[Entry]:
    """Dynamic NVFP4 on all weight and input quantizers (W4A4)."""
    return pair(ALL, "nvfp4")


@_units("configs/ptq/units/w4a4_nvfp4_nvfp4_four_over_six", "w4a4_nvfp4_nvfp4_four_over_six")
def w4a4_nvfp4_nvfp4_four_over_six() -> list[Entry]:
    """NVFP4 W4A4 with Four-Over-Six static weight scaling and dynamic NVFP4 inputs.

    The weight cfg carries ``four_over_six: True`` (``1`` after ModelOpt validation).
    """
    return pair(ALL, "nvfp4_four_over_six", "nvfp4")


@_units("configs/ptq/units/w4_nvfp4", "w4_nvfp4")
def w4_nvfp4() -> list[Entry]:
    """Dynamic NVFP4 weights only (W4A16); activations are left as they are."""
    return pair(ALL, "nvfp4", None)


@_units("configs/ptq/units/experts_nvfp4", "experts_nvfp4")
def experts_nvfp4() -> list[Entry]:
    """Dynamic NVFP4 on weight and input quantizers under ``*.experts.*`` (MoE experts)."""
    return pair(EXPERTS, "nvfp4")


@_units("configs/ptq/units/block_sparse_moe_nvfp4", "block_sparse_moe_nvfp4")
def block_sparse_moe_nvfp4() -> list[Entry]:
    """Dynamic NVFP4 on weight and input quantizers under ``*block_sparse_moe*``."""
    return pair(BLOCK_SPARSE_MOE, "nvfp4")


@_units("configs/ptq/units/mixer_mlp_nvfp4", "mixer_mlp_nvfp4")
def mixer_mlp_nvfp4() -> list[Entry]:
    """Dynamic NVFP4 on the dense MLP up/down projections that sit directly under a ``mixer``."""
    return pair(MIXER_MLP, "nvfp4")


@_units("configs/ptq/units/attention_qkv_fp8", "attention_qkv_fp8")
def attention_qkv_fp8() -> list[Entry]:
    """Per-tensor FP8 on the attention q/k/v BMM and softmax-P quantizers.

    The softmax-P quantizer is ``softmax_quantizer`` (diffusers) or ``p_bmm_quantizer`` (HF);
    both are listed, each a no-op where it does not exist.
    """
    patterns = ("*[qkv]_bmm_quantizer", "*softmax_quantizer", "*p_bmm_quantizer")
    return [entry(p, "fp8") for p in patterns]


# --------------------------------------------------------------------------- KV units
@_units("configs/ptq/units/kv_fp8", "kv_fp8")
def kv_fp8() -> list[Entry]:
    """FP8 E4M3 KV-cache quantizers with calibrated amax."""
    return kv_cache("fp8")


@_units("configs/ptq/units/kv_fp8_cast", "kv_fp8_cast")
def kv_fp8_cast() -> list[Entry]:
    """FP8 E4M3 KV-cache quantizers with constant amax (cast mode; no KV calibration)."""
    return kv_cache("fp8", "cast")


@_units("configs/ptq/units/kv_fp8_affine", "kv_fp8_affine")
def kv_fp8_affine() -> list[Entry]:
    """Affine FP8 KV-cache quantizers: the plain entry followed by a static-bias entry."""
    return kv_cache("fp8", "affine")


@_units("configs/ptq/units/kv_nvfp4", "kv_nvfp4")
def kv_nvfp4() -> list[Entry]:
    """Dynamic NVFP4 KV-cache quantizers."""
    return kv_cache("nvfp4")


@_units("configs/ptq/units/kv_nvfp4_cast", "kv_nvfp4_cast")
def kv_nvfp4_cast() -> list[Entry]:
    """NVFP4 KV-cache quantizers with constant amax (values are upcast to FP8 at deployment)."""
    return kv_cache("nvfp4", "cast")


@_units("configs/ptq/units/kv_nvfp4_affine", "kv_nvfp4_affine")
def kv_nvfp4_affine() -> list[Entry]:
    """Affine NVFP4 KV-cache quantizers: the plain entry followed by a static-bias entry."""
    return kv_cache("nvfp4", "affine")


@_units("configs/ptq/units/kv_nvfp4_rotate", "kv_nvfp4_rotate")
def kv_nvfp4_rotate() -> list[Entry]:
    """Rotated NVFP4 KV-cache quantizers (Q rotated but disabled, K rotated, V plain)."""
    return kv_cache("nvfp4", "rotate")


# --------------------------------------------------------------------------- AutoQuantize units
@_units("configs/auto_quantize/units/base_disabled_layers", "base_disabled_layers")
def base_disabled_layers() -> list[str]:
    """Layer patterns AutoQuantize never quantizes (gates, routers, conv/mixer, heads, vision)."""
    return [
        "*block_sparse_moe.gate*",
        "*linear_attn.conv1d*",
        "*self_attention.conv1d*",
        "*linear_attn.in_proj_a*",
        "*linear_attn.in_proj_b*",
        "*mixer.conv1d*",
        "*mlp.gate.*",
        "*mlp.shared_expert_gate.*",
        "*output_layer*",
        "*proj_out.*",
        "*router*",
        "output.*",
        "*embed_vision*",
        "*vision_tower*",
        "*visual*",
        "*shared_expert_gate*",
    ]


@_units("configs/auto_quantize/units/base_cost_excluded_layers", "base_cost_excluded_layers")
def base_cost_excluded_layers() -> list[str]:
    """Layer patterns kept out of AutoQuantize's bit budget (vision tower, MTP); no-ops elsewhere."""
    return ["*visual*", "*mtp*", "*vision_tower*"]


# --------------------------------------------------------------------------- model-local units
@_units(
    "huggingface/diffusion_gemma/ptq/disabled_quantizers",
    "diffusion_gemma/ptq/disabled_quantizers",
)
def diffusion_gemma_disabled_quantizers() -> list[Entry]:
    """DiffusionGemma exclusions: the defaults plus the self-conditioning network.

    Text-only calibration never reaches that network, so its quantizers would have no amax at
    export. Use instead of (not in addition to) ``default_disabled_quantizers``.
    """
    return default_disabled_quantizers() + disabled("*self_conditioning*")


@_units(
    "huggingface/nemotron_vl/ptq/disabled_quantizers",
    "nemotron_vl/ptq/disabled_quantizers",
)
def nemotron_vl_disabled_quantizers() -> list[Entry]:
    """Nemotron VL exclusions: the defaults plus every vision/image/encoder branch (decoder only).

    Use instead of (not in addition to) ``default_disabled_quantizers``.
    """
    return default_disabled_quantizers() + disabled(
        "*vision*", "*image*", "*radio*", "*visual*", "*encoder*", "*model_encoder*"
    )


def _qwen3_5_quant_cfg(mlp_weight: str) -> list[Entry]:
    mlp = [
        entry(f"*mlp*{proj}*weight_quantizer*", mlp_weight)
        for proj in ("gate_proj", "up_proj", "down_proj")
    ]
    linear_attn = ("*linear_attn.in_proj_qkv*", "*linear_attn.in_proj_z*", "*linear_attn.out_proj*")
    return splice(
        base_disable_all(),
        mlp,
        pair("*self_attn*", "fp8"),
        pair(linear_attn, "fp8"),
        kv_fp8_cast(),
        default_disabled_quantizers(),
        disabled(
            "*linear_attn.in_proj_a*",
            "*linear_attn.in_proj_b*",
            "*visual*",
            "*vision_tower*",
            "*mtp*",
        ),
        entry("*lm_head*weight_quantizer", mlp_weight),
    )


@_units(
    "huggingface/qwen3_5/ptq/w4a16_nvfp4-fp8_attn-kv_fp8_cast.quant_cfg",
    "qwen3_5/ptq/w4a16_nvfp4-fp8_attn-kv_fp8_cast.quant_cfg",
)
def qwen3_5_w4a16_nvfp4_fp8_attn_quant_cfg() -> list[Entry]:
    """Qwen3.5 (dense and MoE) quant_cfg: NVFP4 MLP/lm_head weights, FP8 attention, FP8 KV cast.

    Shared by the qwen3_5 and qwen3_5_moe recipes; MoE-only exclusions are no-ops on dense.
    """
    return _qwen3_5_quant_cfg("nvfp4")


@_units(
    "huggingface/qwen3_5/ptq/w4a16_nvfp4_mse-fp8_attn-kv_fp8_cast.quant_cfg",
    "qwen3_5/ptq/w4a16_nvfp4_mse-fp8_attn-kv_fp8_cast.quant_cfg",
)
def qwen3_5_w4a16_nvfp4_mse_fp8_attn_quant_cfg() -> list[Entry]:
    """Qwen3.5 quant_cfg, MSE variant: static NVFP4 MLP/lm_head weights for an FP8-scale sweep."""
    return _qwen3_5_quant_cfg("nvfp4_static")
