"""The check pass: every problem of a document, before any factory runs."""

from __future__ import annotations

import pytest

import recipekit
from recipekit.resolver.errors import (
    BadArgumentError,
    BadFieldError,
    BlockedImportError,
    ProblemReport,
    RecipekitError,
    UnknownFactoryError,
)


@pytest.mark.parametrize(
    ("text", "error", "fragment"),
    [
        ("a: {_factory_: nvfp5}", UnknownFactoryError, "did you mean: nvfp4"),
        ("a: {_factory_: 'nvfp4(block_sise=32)'}", BadArgumentError, "did you mean: block_size"),
        (
            "a: {_factory_: 'nvfp4(block_size=\"32\")'}",
            BadArgumentError,
            "expected: block_size: int",
        ),
        ("a: {_factory_: 'nvfp4(1, 2, 3)'}", BadArgumentError, "too many positional"),
        (
            "a: {_factory_: small_model, scale: 3}",
            BadFieldError,
            'write _factory_: "small_model(scale=...)"',
        ),
        ("a: {_factory_: small_model, hiden: 3}", BadFieldError, "did you mean: hidden"),
        ("a: {_factory_: fp8, _target_: x.y}", BadArgumentError, "both"),
        ("a: {_partial_: true, b: 1}", BadArgumentError, "needs a _target_"),
        ("a: {_target_: os.system, command: ls}", BlockedImportError, "allow_imports"),
        ("a: {_factory_: 'nvfp4(block_size=32'}", BadArgumentError, "missing ')'"),
        ("a: {_factory_: [1]}", BadArgumentError, "must be a string"),
    ],
)
def test_single_problem(text: str, error: type, fragment: str, reg: recipekit.Registry) -> None:
    with pytest.raises(error) as info:
        recipekit.resolve(text, registry=reg)
    message = str(info.value)
    assert fragment in message
    assert message.startswith("<string>:1:")


def test_all_problems_are_reported_together_and_nothing_is_called(reg: recipekit.Registry) -> None:
    text = "a: {_factory_: nvfp5}\nb: {_factory_: boom}\nc: {_factory_: 'nvfp4(bogus=1)'}\nd:\n  - {_factory_: fp9}\n"
    with pytest.raises(ProblemReport) as info:
        recipekit.resolve(text, registry=reg)
    paths = [p.path for p in info.value.problems]
    assert paths == [("a", "_factory_"), ("c", "_factory_"), ("d", 0, "_factory_")]
    assert "boom inside" not in str(info.value)


def test_allowed_import_is_checked_against_signature(reg: recipekit.Registry) -> None:
    with pytest.raises(BadArgumentError, match="arguments do not fit"):
        recipekit.resolve(
            "a: {_target_: fractions.Fraction, bogus: 1}", registry=reg, allow_imports=["fractions"]
        )


# -- hardening (issue 10): reserved keys take the types they mean ------------------------------
@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("x: {_target_: math.sqrt, _partial_: 'no'}", "_partial_ must be true or false"),
        ("x: {_target_: math.sqrt, _partial_: 1}", "_partial_ must be true or false"),
        ("x: {_target_: math.sqrt, _call_: 'false'}", "_call_ must be true or false"),
        ("x: {_target_: math.sqrt, _args_: 4}", "_args_ must be a list"),
        ("x: {_factory_: fp8, _args_: [1]}", "_args_ needs a _target_; it does not apply"),
        ("x: {_factory_: fp8, _call_: false}", "_call_ needs a _target_; it does not apply"),
        ("x: {a: 1, _call_: false}", "_call_ needs a _target_"),
        ("x: {_target_: fp8, 1: a}", "keyword 1 of _target_ is not a string"),
        ("x: {_target_: math.pi}", "not something to call"),
    ],
)
def test_reserved_keys_take_their_types(reg: recipekit.Registry, text: str, fragment: str) -> None:
    with pytest.raises(RecipekitError) as info:
        recipekit.resolve(text, registry=reg, allow_imports=["math"])
    assert fragment in str(info.value)
    assert all(isinstance(p, BadArgumentError) and p.mark for p in info.value.problems)


@pytest.mark.parametrize(
    ("text", "check"),
    [  # positive controls
        ("x: {_target_: math.sqrt, _partial_: true}", lambda x: x(25) == 5.0),
        ("x: {_target_: math.sqrt, _partial_: false, _args_: [4]}", lambda x: x == 2.0),
        ("x: {_target_: math.sqrt, _call_: false}", lambda x: x(9) == 3.0),
        ("x: {_target_: math.pi, _call_: false}", lambda x: x > 3),
    ],
)
def test_reserved_keys_of_the_right_type_work(reg: recipekit.Registry, text: str, check) -> None:
    assert check(recipekit.resolve(text, registry=reg, allow_imports=["math"])["x"])


def test_python_data_deeper_than_the_limit_is_one_clear_error(reg: recipekit.Registry) -> None:
    deep: dict = {}
    node = deep
    for _ in range(10_000):
        node["a"] = {}
        node = node["a"]
    with pytest.raises(RecipekitError, match="nested too deeply"):
        recipekit.resolve(deep, registry=reg)
