"""The check pass: every problem of a document, before any factory runs."""

from __future__ import annotations

import typing as _typing
from typing import Literal

import pytest

import recipekit
from recipekit.resolver import check as _check
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


@pytest.mark.parametrize(
    ("call", "fragment"),
    [("kv('fp9')", "did you mean: fp8?"), ("kv(mode='cst')", "did you mean: cast?"), ("kv(3)", "")],
)
def test_literal_parameters_suggest_the_closest_value(call: str, fragment: str) -> None:
    reg = recipekit.Registry()

    @reg.factory
    def kv(
        fmt: Literal["fp8", "nvfp4"] | dict | None = "fp8", mode: Literal["plain", "cast"] = "plain"
    ):
        return {"fmt": fmt, "mode": mode}

    with pytest.raises(BadArgumentError, match="has the wrong type") as info:
        recipekit.resolve(f'a: {{_factory_: "{call}"}}', registry=reg)
    assert fragment in str(info.value)
    assert ("did you mean" in str(info.value)) == bool(fragment)


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


# --------------------------------------------------------------------------- accepts


class _Other:
    pass


@pytest.mark.parametrize(
    ("value", "ann", "fits"),
    [
        (1, int, True),
        (True, int, False),  # a bool is not an int argument
        (1, float, True),
        (True, float, False),
        (1.5, int, False),
        ("x", str, True),
        (1, str, False),
        (False, bool, True),
        (None, None, True),
        (None, type(None), True),
        (None, int, False),
        ([1], list, True),
        ([1], list[int], True),
        (["a"], list[int], False),
        ({"a": 1}, dict[str, int], True),
        ({"a": "b"}, dict[str, int], False),
        ((1, "a"), tuple[int, str], True),
        ((1,), tuple[int, str], False),
        ((1, 2, 3), tuple[int, ...], True),
        ("a", Literal["a", "b"], True),
        ("c", Literal["a", "b"], False),
        (1, int | None, True),
        ("x", _typing.Optional[int], False),  # noqa: UP045
        (3, _typing.Annotated[int, "meta"], True),
        ("3", _typing.Annotated[int, "meta"], False),
        ("anything", _Other, True),  # other classes: left to the factory
        ("anything", _typing.Any, True),
        ("anything", "ForwardRef", True),
    ],
)
def test_accepts(value, ann, fits):
    assert _check.accepts(value, ann) is fits
