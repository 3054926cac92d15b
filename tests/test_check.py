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


# --------------------------------------------------------------------------- signature hints
# The check pass reads annotations with a fast path (``check._plain_hints``); whatever path it
# takes, the hints must be exactly ``typing.get_type_hints``'s (the peer here is ``typing``).
# This module has ``from __future__ import annotations``: every annotation below is a string.
import builtins as _builtins  # noqa: E402
import enum as _enum  # noqa: E402
import functools as _functools  # noqa: E402
import sys as _sys  # noqa: E402
import types as _types  # noqa: E402
import typing as _typing  # noqa: E402

from recipekit.resolver import check as _check  # noqa: E402


class _Colour(_enum.Enum):
    RED = 1


def _plain(a: int, b: str = "x", c: dict | None = None, d: bool = True, *e: float) -> dict:
    return {}


def _none_first(a: None | int = None, *, k: list | tuple = ()) -> None:  # noqa: RUF036
    return None


def _generic(a: list[int], b: _typing.Optional[int] = None) -> dict[str, int]:  # noqa: UP045
    return {}


def _special(a: _typing.Any, b: _typing.Literal["x", "y"] = "x", c: _Colour = _Colour.RED):
    return None


def _annotated(a: _typing.Annotated[int, "meta"]) -> None:
    return None


def _unknown(a: NoSuchName) -> None:  # noqa: F821
    return None


def _unannotated(a, b=1):
    return None


def _objects(a, b=1):  # annotations set below as objects, as without the __future__ import
    return None


_objects.__annotations__ = {"a": int, "b": None, "return": int | None}


@_functools.wraps(_plain)
def _wrapper(*args, **kwargs):
    return _plain(*args, **kwargs)


# the same annotation text, another namespace: ``int`` here names ``str`` (looked up as eval does)
_shadowed = _types.FunctionType(
    _plain.__code__, {"int": str, "__builtins__": _builtins}, "_shadowed"
)
_shadowed.__annotations__ = dict(_plain.__annotations__)

FAST = _sys.version_info >= (3, 11)  # 3.10's get_type_hints adds Optional: always typing's path


@pytest.mark.parametrize(
    ("func", "fast"),
    [
        (_plain, FAST),
        (_none_first, FAST),
        (_objects, FAST),
        (_wrapper, FAST),
        (_shadowed, FAST),
        (_unannotated, FAST),
        (_generic, False),
        (_special, False),  # Any, Literal, an enum class (a metaclass): typing decides
        (_annotated, False),
        (_unknown, False),
        (_Colour, False),  # not a plain function
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_signature_hints_are_typings(func, fast):
    recipekit.clear_caches()
    try:
        want = _typing.get_type_hints(func)
    except NameError:
        want = {}  # an unresolvable annotation: no hints at all, as before
    assert (_check._plain_hints(func) is not None) is fast
    assert _check._signature(func)[1] == want


def test_signature_message_shows_evaluated_annotations():
    reg = recipekit.Registry()
    reg.register(_plain, name="plain")
    with pytest.raises(BadArgumentError) as info:
        recipekit.resolve({"x": {"_factory_": "plain(1, zz=2)"}}, registry=reg)
    assert "plain(a: int, b: str = 'x', c: dict | None = None" in str(info.value)
