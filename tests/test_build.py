"""The build pass: factory calls, siblings, lists, targets, freshness."""

from __future__ import annotations

import functools
from fractions import Fraction

import pytest

import recipekit
from recipekit.resolver.errors import BadFieldError, BlockedImportError, CallError
from tests.conftest import Encoder, Model

CASES = [
    # siblings merge into a mapping result recursively
    (
        "q: {_factory_: nvfp4, block_sizes: {-1: 32}}",
        {
            "q": {
                "num_bits": (2, 1),
                "block_sizes": {-1: 32, "type": "dynamic", "scale_bits": (4, 3)},
            }
        },
    ),
    # a non-mapping sibling replaces
    (
        "q: {_factory_: fp8, num_bits: 8, extra: x}",
        {"q": {"num_bits": 8, "axis": None, "extra": "x"}},
    ),
    # a nested factory node replaces the sub-tree
    (
        "q: {_factory_: nvfp4, block_sizes: {_factory_: fp8}}",
        {"q": {"num_bits": (2, 1), "block_sizes": {"num_bits": (4, 3), "axis": None}}},
    ),
    # list factories are spliced, others are one element
    (
        "l:\n  - _factory_: base_disable_all\n  - _factory_: \"pair('*mlp*')\"\n  - 7\n",
        {
            "l": [
                {"quantizer_name": "*", "enable": False},
                {"quantizer_name": "*mlp*weight_quantizer", "cfg": {"num_bits": 8, "axis": None}},
                {"quantizer_name": "*mlp*input_quantizer", "cfg": {"num_bits": 8, "axis": None}},
                7,
            ]
        },
    ),
    # a literal nested list is not spliced
    ("l: [[1, 2], 3]", {"l": [[1, 2], 3]}),
    # quoted commas are one argument
    ("t: {_factory_: \"tags(a='x,y,z')\"}", {"t": ["x", "y", "z"]}),
    # a factory as argument value
    (
        "p: {_factory_: 'pair(fmt=fp8)'}",
        {
            "p": [
                {"quantizer_name": "*weight_quantizer", "cfg": {"num_bits": (4, 3), "axis": None}},
                {"quantizer_name": "*input_quantizer", "cfg": {"num_bits": (4, 3), "axis": None}},
            ]
        },
    ),
    # the root may be a factory node
    ("_factory_: fp8\naxis: 0\n", {"num_bits": (4, 3), "axis": 0}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_build(text: str, expected: object, reg: recipekit.Registry) -> None:
    assert recipekit.resolve(text, registry=reg) == expected


def test_dataclass_siblings_replace_fields(reg: recipekit.Registry) -> None:
    data = recipekit.resolve("m: {_factory_: 'small_model(scale=2)', layers: 7}", registry=reg)
    assert data == {"m": Model(hidden=8, layers=7)}
    nested = recipekit.resolve(
        "m: {_factory_: with_encoder, encoder: {dropout: 0.5}}", registry=reg
    )
    assert nested["m"].encoder == Encoder(dropout=0.5, depth=2)
    replaced = recipekit.resolve(
        "m: {_factory_: with_encoder, encoder: {_factory_: deep_encoder, dropout: 0.3}}",
        registry=reg,
    )
    assert replaced["m"].encoder == Encoder(dropout=0.3, depth=8)


def test_siblings_on_a_list_result_are_an_error(reg: recipekit.Registry) -> None:
    with pytest.raises(BadFieldError, match="returns a list"):
        recipekit.resolve("p: {_factory_: pair, x: 1}", registry=reg)


def test_factory_exception_is_wrapped_with_location(reg: recipekit.Registry) -> None:
    with pytest.raises(CallError) as info:
        recipekit.resolve("a:\n  b: {_factory_: boom}\n", registry=reg)
    assert isinstance(info.value.__cause__, ValueError)
    assert str(info.value).startswith(
        "<string>:2:18: a.b._factory_: boom raised ValueError: boom inside"
    )


def test_results_are_fresh(reg: recipekit.Registry) -> None:
    first = recipekit.resolve("a: {_factory_: cached}\nb: {_factory_: cached}\n", registry=reg)
    first["a"]["k"].append(3)
    assert first["b"] == {"k": [1, 2]}
    again = recipekit.resolve({"_factory_": "cached"}, registry=reg)
    assert again == {"k": [1, 2]}


@pytest.mark.parametrize(
    ("fresh", "text", "copied"),
    [
        (False, "grab", True),  # no promise: always a copy
        (False, "grab(x=1)", True),
        (True, "grab", False),  # promised fresh, literal arguments: the object itself
        (True, "grab(x=1, y='a')", False),
        (True, "grab(x=[1])", True),  # a container argument could be held twice: copy
        (True, "grab(x=other)", True),  # so could another factory's result
        (True, "grab(x=unknown_word)", True),  # any reference copies (even one left a string)
    ],
)
def test_results_are_copied_unless_fresh_with_literal_arguments(
    fresh: bool, text: str, copied: bool
) -> None:
    reg, made = recipekit.Registry(), []

    @reg.factory(fresh=fresh)
    def grab(x: object = None, y: str = "") -> dict:
        made.append({"x": x, "y": [y]})
        return made[-1]

    @reg.factory(fresh=True)
    def other() -> list:
        return [2]

    for source in (text, {"k": {"_factory_": text}}):
        got = recipekit.resolve(source, registry=reg)
        got = got["k"] if isinstance(source, dict) else got
        assert got == made[-1]
        assert (got is not made[-1] and got["y"] is not made[-1]["y"]) is copied


def test_input_data_is_not_mutated(reg: recipekit.Registry) -> None:
    source = {"q": {"_factory_": "nvfp4", "block_sizes": {-1: 32}}, "l": [{"_factory_": "pair"}]}
    snapshot = repr(source)
    recipekit.resolve(source, ["q.num_bits=8"], registry=reg)
    assert repr(source) == snapshot


def test_targets_and_partials(reg: recipekit.Registry) -> None:
    allow = ["fractions"]
    assert recipekit.resolve(
        {"f": {"_target_": "fractions.Fraction", "numerator": 1, "denominator": 3}},
        registry=reg,
        allow_imports=allow,
    ) == {"f": Fraction(1, 3)}
    part = recipekit.resolve(
        {"_target_": "fractions.Fraction", "_partial_": True, "denominator": 4},
        registry=reg,
        allow_imports=allow,
    )
    assert isinstance(part, functools.partial) and part(1) == Fraction(1, 4)
    assert (
        recipekit.resolve(
            {"_target_": "fractions.Fraction", "_call_": False}, registry=reg, allow_imports=True
        )
        is Fraction
    )
    with pytest.raises(BlockedImportError, match="allow_imports"):
        recipekit.resolve({"_target_": "fractions.Fraction"}, registry=reg)


def test_registered_dotted_target_needs_no_import(reg: recipekit.Registry) -> None:
    reg.register(lambda x=1: {"x": x}, name="pkg.mod.Task", namespace="stand_ins")
    assert recipekit.resolve({"t": {"_target_": "pkg.mod.Task", "x": 2}}, registry=reg) == {
        "t": {"x": 2}
    }


def test_siblings_on_an_unannotated_list_result_fail_at_build(reg: recipekit.Registry) -> None:
    reg.register(lambda: [1, 2], name="untyped_list")
    with pytest.raises(BadFieldError, match="returns a list"):
        recipekit.resolve("p: {_factory_: untyped_list, x: 1}", registry=reg)


# -- hardening (issue 10): siblings never change the object a factory returned -----------------
def test_non_init_field_siblings_leave_the_factory_object_unchanged() -> None:
    import dataclasses

    @dataclasses.dataclass(frozen=True)
    class Derived:
        bits: int = 8
        label: str = dataclasses.field(init=False, default="auto")

    shared = Derived()
    reg = recipekit.Registry()

    @reg.factory(name="derived")
    def derived() -> Derived:
        return shared

    result = recipekit.resolve("x: {_factory_: derived, label: manual}", registry=reg)
    assert result["x"].label == "manual"
    assert shared.label == "auto"
