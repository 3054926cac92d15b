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


# --------------------------------------------------------------------------- binding shapes
# ``check._shape(f).bind`` is the first-look replacement for ``inspect.Signature.bind``: it must
# bind exactly what ``inspect`` binds (the peer), or say None and leave the decision to it.
import inspect as _inspect  # noqa: E402

from hypothesis import given  # noqa: E402
from hypothesis import strategies as _st  # noqa: E402


def _b1(a, b=1, *args, c, d=2, **kw):
    return None


def _b2(a, /, b, *, c=3):
    return None


def _b3(*args):
    return None


def _b4(**kw):
    return None


def _b5(a, b, c=1):
    return None


class _B6:
    def __init__(self, x, y=2, *, z=0):
        pass


SHAPED = [_b1, _b2, _b3, _b4, _b5, _B6, _functools.partial(_b5, 1), _plain, _wrapper]


@given(
    func=_st.sampled_from(SHAPED),
    args=_st.lists(_st.integers(0, 9), max_size=4),
    kwargs=_st.dictionaries(_st.sampled_from([*"abcdxyz", "args", "kw"]), _st.integers()),
)
def test_shape_binds_what_inspect_binds(func, args, kwargs):
    got = _check._shape(func).bind(list(args), dict(kwargs))
    sig = _inspect.signature(func)
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError:
        assert got is None
        return
    if got is None:  # only where inspect must decide: a positional-only name given as keyword
        assert any(sig.parameters[k].kind is _inspect.Parameter.POSITIONAL_ONLY for k in kwargs
                   if k in sig.parameters)  # fmt: skip
        return
    variadic = (_inspect.Parameter.VAR_POSITIONAL, _inspect.Parameter.VAR_KEYWORD)
    want = [(n, v) for n, v in bound.arguments.items() if sig.parameters[n].kind not in variadic]
    assert list(got.items()) == want


@pytest.mark.parametrize("func", [_b1, _b2, _b3, _b4, _b5, _plain], ids=lambda f: f.__name__)
def test_code_shape_is_the_signatures(func):
    code, sig = _check._code_shape(func), _check._signature_shape(func)
    assert code is not None
    assert code.names == sig.names == tuple(_inspect.signature(func).parameters)
    for slot in ("positional", "posonly", "kwonly", "required", "varargs", "varkw"):
        assert getattr(code, slot) == getattr(sig, slot), slot


def test_code_flags_are_inspects():
    assert (_check.CO_VARARGS, _check.CO_VARKEYWORDS) == (
        _inspect.CO_VARARGS,
        _inspect.CO_VARKEYWORDS,
    )


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
