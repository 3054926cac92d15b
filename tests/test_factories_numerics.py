"""Numeric-format constructors: each ModelOpt variant is one call of a family constructor, new
variants are one call too, and ExMy / format-name inputs are understood."""

from __future__ import annotations

import pytest

from recipekit.defaults import default_registry
from recipekit.factories import numerics
from recipekit.factories.numerics import as_attrs, exmy, fp8, int8, mx, nvfp4
from tests._canon import golden_annotations, golden_dir, load_json, mismatch

GOLDEN = golden_dir()

#: (family, kwargs, ModelOpt file): the ModelOpt variants as calls of the family constructors.
VARIANTS = [
    ("fp8", {}, "fp8"),
    ("int8", {}, "int8"),
    ("int8", {"axis": 0}, "int8_per_channel"),
    ("int4_per_block", {}, "int4_per_block"),
    ("int4_per_block", {"block_size": 128}, "int4_per_block"),
    ("mx", {"num_bits": "e2m1"}, "mxfp4"),
    ("mx", {"num_bits": (3, 2)}, "mxfp6"),
    ("mx", {"num_bits": "E4M3"}, "mxfp8"),
    ("mx", {"num_bits": 8}, "mxint8"),
    ("nvfp4", {}, "nvfp4"),
    ("nvfp4", {"static": True}, "nvfp4_static"),
    ("nvfp4", {"block_size": 32}, "nvfp4_bs32"),
    ("nvfp4", {"static": True, "four_over_six": True}, "nvfp4_four_over_six"),
]


def _golden(name: str) -> dict:
    path = GOLDEN / "configs" / "numerics" / f"{name}.json"
    if not path.is_file():
        pytest.skip(f"golden {path} not found")
    return load_json(path)


@pytest.mark.parametrize(("family", "kwargs", "variant"), VARIANTS)
def test_variant_is_one_family_call(family: str, kwargs: dict, variant: str) -> None:
    golden = _golden(variant)
    result = getattr(numerics, family)(**kwargs)
    assert mismatch(result, golden["resolved_pre_validation"], golden_annotations(golden)) is None


@pytest.mark.parametrize("variant", sorted({v for _, _, v in VARIANTS}))
def test_variant_registered_under_modelopt_path_and_short_name(variant: str) -> None:
    reg = default_registry()
    entry = reg.get(f"configs/numerics/{variant}")
    assert entry.namespace == "numerics"
    assert reg.get(variant) is entry
    assert reg.get(f"numerics:{variant}") is entry


def test_mx_constructor_is_registered() -> None:
    entry = default_registry().get("mx")
    assert entry.func is mx
    assert entry.namespace == "numerics"


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        # New combinations, expected values written from the format definitions.
        (
            lambda: nvfp4(block_size=32, static=True),
            {"num_bits": (2, 1), "block_sizes": {-1: 32, "type": "static", "scale_bits": (4, 3)}},
        ),
        (
            lambda: nvfp4(effective_bits=None),
            {"num_bits": (2, 1), "block_sizes": {-1: 16, "type": "dynamic", "scale_bits": (4, 3)}},
        ),
        (
            lambda: nvfp4(block_size=32, effective_bits=4.25),
            {
                "num_bits": (2, 1),
                "block_sizes": {-1: 32, "type": "dynamic", "scale_bits": (4, 3)},
                "effective_bits": 4.25,
            },
        ),
        (
            lambda: mx("e5m2", block_size=64),
            {"num_bits": (5, 2), "block_sizes": {-1: 64, "type": "dynamic", "scale_bits": (8, 0)}},
        ),
        (lambda: fp8(axis=0), {"num_bits": (4, 3), "axis": 0}),
        (lambda: int8(axis=1), {"num_bits": 8, "axis": 1}),
        # extra attributes merge shallowly, like ModelOpt's `$import` + inline keys
        (
            lambda: fp8(block_sizes={-1: 128, -2: 128}),
            {"num_bits": (4, 3), "axis": None, "block_sizes": {-1: 128, -2: 128}},
        ),
        (
            lambda: nvfp4(block_sizes={-1: 16, "type": "static"}),
            {"num_bits": (2, 1), "block_sizes": {-1: 16, "type": "static"}, "effective_bits": 4.5},
        ),
        (
            lambda: fp8(use_constant_amax=True),
            {"num_bits": (4, 3), "axis": None, "use_constant_amax": True},
        ),
    ],
)
def test_new_combination_is_one_call(call, expected: dict) -> None:
    result = call()
    assert result == expected
    assert list(result) == list(expected)  # key order as written


def test_effective_bits_only_on_dynamic_bs16() -> None:
    assert nvfp4()["effective_bits"] == 4.5
    for kwargs in ({"static": True}, {"block_size": 32}, {"static": True, "four_over_six": True}):
        assert "effective_bits" not in nvfp4(**kwargs)


def test_four_over_six_is_bool_true() -> None:
    flag = nvfp4(static=True, four_over_six=True)["block_sizes"]["four_over_six"]
    assert flag is True


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("e4m3", (4, 3)),
        ("E2M1", (2, 1)),
        ("e8m0", (8, 0)),
        ((3, 2), (3, 2)),
        ([2, 1], (2, 1)),
        (4, 4),
    ],
)
def test_exmy(spec, expected) -> None:
    assert exmy(spec) == expected
    assert type(exmy(spec)) is type(expected)


def test_exmy_rejects_other_strings() -> None:
    with pytest.raises(ValueError, match="eXmY"):
        exmy("fp8")


def test_as_attrs() -> None:
    first, second = as_attrs("nvfp4_static"), as_attrs("nvfp4_static")
    assert first == second and first is not second
    assert as_attrs(["int4_per_block", "fp8"]) == [numerics.int4_per_block(), fp8()]
    attrs = {"num_bits": 8}
    assert as_attrs(attrs) is attrs
    with pytest.raises(ValueError, match="known: fp8"):
        as_attrs("fp9")
    with pytest.raises(TypeError):
        as_attrs(8)


def test_every_format_name_is_a_registered_numeric() -> None:
    reg = default_registry()
    for name, func in numerics.FORMATS.items():
        assert reg.get(f"numerics:{name}").func is func
