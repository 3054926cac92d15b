"""What a callable takes: signatures, evaluated hints (exactly ``typing.get_type_hints``'s) and
binding shapes (exactly what ``inspect.Signature.bind`` binds), the peers being ``typing`` and
``inspect`` themselves."""

from __future__ import annotations

# --------------------------------------------------------------------------- signature hints
# The check pass reads annotations with a fast path (``signatures.plain_hints``); whatever path it
# takes, the hints must be exactly ``typing.get_type_hints``'s (the peer here is ``typing``).
# This module has ``from __future__ import annotations``: every annotation below is a string.
import builtins as _builtins
import enum as _enum
import functools as _functools
import inspect as _inspect
import sys as _sys
import types as _types
import typing as _typing

import pytest
from hypothesis import given
from hypothesis import strategies as _st

import recipekit
from recipekit.resolver import signatures as _signatures
from recipekit.resolver.errors import BadArgumentError


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
    assert (_signatures.plain_hints(func) is not None) is fast
    assert _signatures.hints(func) == want


def test_signature_message_shows_evaluated_annotations():
    reg = recipekit.Registry()
    reg.register(_plain, name="plain")
    with pytest.raises(BadArgumentError) as info:
        recipekit.resolve({"x": {"_factory_": "plain(1, zz=2)"}}, registry=reg)
    assert "plain(a: int, b: str = 'x', c: dict | None = None" in str(info.value)


# --------------------------------------------------------------------------- binding shapes
# ``signatures.shape(f).bind`` is the first-look replacement for ``inspect.Signature.bind``: it must
# bind exactly what ``inspect`` binds (the peer), or say None and leave the decision to it.


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
    got = _signatures.shape(func).bind(list(args), dict(kwargs))
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
    code, sig = _signatures._from_code(func), _signatures._from_signature(func)
    assert code is not None
    assert code.names == sig.names == tuple(_inspect.signature(func).parameters)
    for slot in ("positional", "posonly", "kwonly", "required", "varargs", "varkw"):
        assert getattr(code, slot) == getattr(sig, slot), slot


def test_code_flags_are_inspects():
    assert (_signatures.CO_VARARGS, _signatures.CO_VARKEYWORDS) == (
        _inspect.CO_VARARGS,
        _inspect.CO_VARKEYWORDS,
    )
