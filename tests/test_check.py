"""The check pass: every problem of a document, before any factory runs."""

from __future__ import annotations

from typing import Literal

import pytest

import recipekit
from recipekit.resolver.errors import (
    BadArgumentError,
    BadFieldError,
    BlockedImportError,
    ProblemReport,
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
