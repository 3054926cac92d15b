"""quant_cfg constructors: every ModelOpt unit is one call of ``pair`` / ``kv_cache`` / ``entry`` /
``disabled``, and a new combination is one call as well."""

from __future__ import annotations

import pytest

from recipekit.defaults import default_registry
from recipekit.factories import units
from recipekit.factories.numerics import fp8, mxfp8, nvfp4
from recipekit.factories.units import (
    EXPERTS,
    KV_BMM,
    MIXER_MLP,
    disabled,
    disabled_modules,
    entry,
    kv_cache,
    pair,
)
from tests._canon import golden_annotations, golden_dir, load_json, mismatch

GOLDEN = golden_dir()

#: (constructor call, ModelOpt unit): the units as single constructor calls.
CALLS = [
    (lambda: kv_cache("fp8"), "kv_fp8"),
    (lambda: kv_cache("fp8", "cast"), "kv_fp8_cast"),
    (lambda: kv_cache("fp8", "affine"), "kv_fp8_affine"),
    (lambda: kv_cache("nvfp4"), "kv_nvfp4"),
    (lambda: kv_cache("nvfp4", "cast"), "kv_nvfp4_cast"),
    (lambda: kv_cache("nvfp4", "affine"), "kv_nvfp4_affine"),
    (lambda: kv_cache("nvfp4", "rotate"), "kv_nvfp4_rotate"),
    (lambda: kv_cache(fp8()), "kv_fp8"),
    (lambda: pair("*", "fp8"), "w8a8_fp8_fp8"),
    (lambda: pair("*", fp8(), fp8()), "w8a8_fp8_fp8"),
    (lambda: pair("*", "nvfp4"), "w4a4_nvfp4_nvfp4"),
    (lambda: pair("*", "nvfp4_four_over_six", "nvfp4"), "w4a4_nvfp4_nvfp4_four_over_six"),
    (lambda: pair("*", "nvfp4", None), "w4_nvfp4"),
    (lambda: pair(EXPERTS, "nvfp4"), "experts_nvfp4"),
    (lambda: pair("*block_sparse_moe*", nvfp4()), "block_sparse_moe_nvfp4"),
    (lambda: pair(MIXER_MLP, "nvfp4"), "mixer_mlp_nvfp4"),
    (
        lambda: [
            entry(p, "fp8")
            for p in ("*[qkv]_bmm_quantizer", "*softmax_quantizer", "*p_bmm_quantizer")
        ],
        "attention_qkv_fp8",
    ),
    (lambda: entry("*", enable=False), "base_disable_all"),
]


def _golden(unit: str) -> dict:
    path = GOLDEN / "configs" / "ptq" / "units" / f"{unit}.json"
    if not path.is_file():
        pytest.skip(f"golden {path} not found")
    return load_json(path)


@pytest.mark.parametrize(("call", "unit"), CALLS, ids=[u for _, u in CALLS])
def test_unit_is_one_constructor_call(call, unit: str) -> None:
    golden = _golden(unit)
    assert mismatch(call(), golden["resolved_pre_validation"], golden_annotations(golden)) is None


@pytest.mark.parametrize(
    "unit",
    [
        "base_disable_all",
        "default_disabled_quantizers",
        "mamba_moe_disabled_quantizers",
        "kv_fp8",
        "kv_fp8_cast",
        "kv_fp8_affine",
        "kv_nvfp4",
        "kv_nvfp4_cast",
        "kv_nvfp4_affine",
        "kv_nvfp4_rotate",
        "w8a8_fp8_fp8",
        "w4a4_nvfp4_nvfp4",
        "w4a4_nvfp4_nvfp4_four_over_six",
        "w4_nvfp4",
        "experts_nvfp4",
        "block_sparse_moe_nvfp4",
        "mixer_mlp_nvfp4",
        "attention_qkv_fp8",
    ],
)
def test_unit_registered_under_path_and_short_name(unit: str) -> None:
    reg = default_registry()
    found = reg.get(f"configs/ptq/units/{unit}")
    assert found.namespace == "units"
    assert reg.get(unit) is found


def test_constructors_are_registered() -> None:
    reg = default_registry()
    for name in ("entry", "pair", "kv_cache", "disabled", "disabled_modules"):
        assert reg.get(f"units:{name}").func is getattr(units, name)


# --------------------------------------------------------------------------- new combinations
def test_pair_new_scope_and_format() -> None:
    assert pair("*mlp*", "mxfp8") == [
        {"quantizer_name": "*mlp*weight_quantizer", "cfg": mxfp8()},
        {"quantizer_name": "*mlp*input_quantizer", "cfg": mxfp8()},
    ]


def test_pair_weight_only_forms() -> None:
    assert pair("*", "int8_per_channel", False)[1] == {
        "quantizer_name": "*input_quantizer",
        "enable": False,
    }
    assert len(pair("*", "int8_per_channel", None)) == 1


def test_pair_sequential_weight_and_options() -> None:
    out = pair(
        ("*a*", "*b*"), ["int4_per_block", "fp8"], "fp8", enable=True, parent_class="nn.Linear"
    )
    assert [e["quantizer_name"] for e in out] == [
        "*a*weight_quantizer",
        "*a*input_quantizer",
        "*b*weight_quantizer",
        "*b*input_quantizer",
    ]
    assert all(e["parent_class"] == "nn.Linear" and e["enable"] is True for e in out)
    assert isinstance(out[0]["cfg"], list) and len(out[0]["cfg"]) == 2
    assert list(out[0]) == ["parent_class", "quantizer_name", "enable", "cfg"]


def test_pair_never_shares_a_given_dict() -> None:
    cfg = nvfp4()
    out = pair(("*x*", "*y*"), cfg)
    cfgs = [e["cfg"] for e in out]
    assert all(c == cfg for c in cfgs)
    assert len({id(c) for c in cfgs}) == 4
    assert len({id(c["block_sizes"]) for c in cfgs}) == 4


def test_kv_cache_new_format_and_mode() -> None:
    assert kv_cache("mxfp8", "cast") == [
        {"quantizer_name": KV_BMM, "cfg": {**mxfp8(), "use_constant_amax": True}}
    ]
    assert kv_cache(None) == [{"quantizer_name": KV_BMM, "enable": False}]
    affine = kv_cache(fp8(), "affine")
    assert affine[0]["cfg"] is not affine[1]["cfg"]


def test_kv_cache_unknown_mode() -> None:
    with pytest.raises(ValueError, match="plain, cast, affine, rotate"):
        kv_cache("fp8", "sideways")


def test_disabled_and_disabled_modules() -> None:
    assert disabled("*a*", "*b*") == [
        {"quantizer_name": "*a*", "enable": False},
        {"quantizer_name": "*b*", "enable": False},
    ]
    assert disabled("*x*", parent_class="nn.Linear") == [
        {"parent_class": "nn.Linear", "quantizer_name": "*x*", "enable": False}
    ]
    assert disabled_modules("nn.LayerNorm") == [
        {"parent_class": "nn.LayerNorm", "quantizer_name": "*", "enable": False}
    ]


def test_entry_needs_cfg_or_enable() -> None:
    with pytest.raises(ValueError, match="needs a cfg or an explicit enable"):
        entry("*weight_quantizer")


def test_model_local_units_extend_the_defaults() -> None:
    defaults = units.default_disabled_quantizers()
    for local in (
        units.diffusion_gemma_disabled_quantizers(),
        units.nemotron_vl_disabled_quantizers(),
    ):
        assert local[: len(defaults)] == defaults
        assert all(e["enable"] is False for e in local[len(defaults) :])


def test_qwen3_5_variants_differ_only_in_mlp_weight_format() -> None:
    dynamic = units.qwen3_5_w4a16_nvfp4_fp8_attn_quant_cfg()
    static = units.qwen3_5_w4a16_nvfp4_mse_fp8_attn_quant_cfg()
    changed = [i for i, (a, b) in enumerate(zip(dynamic, static, strict=True)) if a != b]
    assert [dynamic[i]["cfg"] for i in changed] == [nvfp4()] * len(changed)
    assert all("weight_quantizer" in dynamic[i]["quantizer_name"] for i in changed)
