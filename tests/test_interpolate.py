"""${...} interpolation."""

from __future__ import annotations

import pytest

import recipekit
from recipekit.resolver.errors import InterpolationError

CASES = [
    ("n: 16\nm: ${n}\n", {"n": 16, "m": 16}),
    ("n: 16\nm: size-${n}\n", {"n": 16, "m": "size-16"}),
    (
        "a: {b: [x, {c: 2}]}\nr: ${a.b.1.c}\ns: ${a.b[0]}\n",
        {"a": {"b": ["x", {"c": 2}]}, "r": 2, "s": "x"},
    ),
    ("a:\n  b: 1\n  c: ${.b}\n", {"a": {"b": 1, "c": 1}}),
    ("a: ${b}\nb: ${c}\nc: [1]\n", {"a": [1], "b": [1], "c": [1]}),
    ("a: 'literal \\${x}'\n", {"a": "literal ${x}"}),
    ("v: <<global_vars.out>>\n", {"v": "<<global_vars.out>>"}),
    ("v: ${oc.env:RK_TEST_UNSET,fallback}\n", {"v": "fallback"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_interpolation(text: str, expected: object, reg: recipekit.Registry) -> None:
    assert recipekit.resolve(text, registry=reg) == expected


def test_env(monkeypatch: pytest.MonkeyPatch, reg: recipekit.Registry) -> None:
    monkeypatch.setenv("RK_TEST_VAR", "abc")
    assert recipekit.resolve("v: ${oc.env:RK_TEST_VAR}\n", registry=reg) == {"v": "abc"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: ${b}\nb: ${a}\n", "loop"),
        ("a: ${nope.x}\n", "nope does not exist"),
        ("a: ${oc.env:RK_TEST_UNSET}\n", "not set"),
    ],
)
def test_errors(text: str, message: str, reg: recipekit.Registry) -> None:
    with pytest.raises(InterpolationError, match=message):
        recipekit.resolve(text, registry=reg)


def test_interpolation_feeds_factory_arguments_by_value(reg: recipekit.Registry) -> None:
    text = "size: 32\nq: {_factory_: nvfp4, block_sizes: {-1: '${size}'}}\n"
    assert recipekit.resolve(text, registry=reg)["q"]["block_sizes"][-1] == 32
