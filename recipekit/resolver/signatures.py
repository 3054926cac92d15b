"""What a callable takes, read once: its signature, its evaluated type hints, and the shape
that binding arguments needs — one rule for the check pass, the registry's entries and entry
points.

* ``signature(func)``: ``inspect.signature``, annotations unevaluated (cheap); ``shown`` evaluates
  them for a message.
* ``hints(func)``: exactly ``typing.get_type_hints(func)`` (``{}`` when it fails); ``plain_hints``
  answers without ``compile``/``eval`` when every annotation is a plain class, ``None`` or a
  ``|`` union of those (as objects or as text), and ``typing`` decides everything else.
* ``shape(func).bind(args, kwargs)``: what ``Signature.bind`` binds, read from a plain function's
  code object (or from the signature for any other callable); None when it does not fit, or
  might not, and ``inspect`` then decides and words the error.

Every answer is memoised per callable in ``caches`` tables.
"""

from __future__ import annotations

import functools
import operator
import sys
import types
import typing
from typing import Any

from . import caches

_SIGNATURES = caches.table("signatures.signature")
CO_VARARGS, CO_VARKEYWORDS = 0x04, 0x08  # inspect.CO_VARARGS, inspect.CO_VARKEYWORDS
_HINTS = caches.table("signatures.hints")
_SHAPES = caches.table("signatures.shape")


def signature(func: Any) -> Any:
    """The ``inspect.Signature`` of a callable (None when it has none), memoised. Its
    annotations are not evaluated (``shown`` does that for a message; ``hints`` evaluates)."""
    found = _SIGNATURES.get(func)
    if found is None:
        import inspect

        try:
            found = _SIGNATURES.put(func, (inspect.signature(func),))
        except (TypeError, ValueError):
            found = _SIGNATURES.put(func, (None,))
    return found[0]


def hints(func: Any) -> dict[str, Any]:
    """``typing.get_type_hints(func)`` (``{}`` when it fails), memoised; ``plain_hints`` answers
    without ``compile``/``eval`` where every annotation is a plain class or ``None``."""
    found = _HINTS.get(func)
    if found is None:
        found = plain_hints(func)
        if found is None:
            try:
                found = typing.get_type_hints(func)
            except Exception:
                found = {}
        _HINTS.put(func, found)
    return found


class Shape:
    """What binding arguments needs of a signature: the parameter names in order, the positional
    ones (the first ``posonly`` of them positional-only), the keyword-only ones, the required
    ones and the ``*args``/``**kwargs`` names. Read from a plain function's code object, or from
    ``inspect.signature`` for any other callable."""

    __slots__ = ("keywords", "kwonly", "names", "positional", "posonly", "required", "varargs")
    __slots__ += ("varkw",)

    def __init__(
        self,
        positional: tuple[str, ...],
        posonly: int,
        kwonly: tuple[str, ...],
        required: frozenset[str],
        varargs: str | None,
        varkw: str | None,
    ) -> None:
        self.positional, self.posonly, self.kwonly = positional, posonly, kwonly
        self.required, self.varargs, self.varkw = required, varargs, varkw
        self.keywords = frozenset(positional[posonly:] + kwonly)
        self.names = (*positional, *([varargs] if varargs else []), *kwonly)
        self.names += (varkw,) if varkw else ()

    def bind(self, args: list, kwargs: dict) -> dict[str, Any] | None:
        """``name -> value`` of the named parameters as ``Signature.bind`` binds them (parameter
        order; what lands in ``*args``/``**kwargs`` left out), or None when they do not fit - or
        might not (a positional-only name given as a keyword): ``inspect`` then decides."""
        if len(args) > len(self.positional) and self.varargs is None:
            return None
        given = dict(zip(self.positional, args, strict=False))  # extra ones: *args
        for key, value in kwargs.items():
            if key in given or key in self.positional[: self.posonly]:
                return None
            if key in self.keywords:
                given[key] = value
            elif self.varkw is None:
                return None
        if not self.required <= given.keys():
            return None
        return {n: given[n] for n in (*self.positional, *self.kwonly) if n in given}


def shape(func: Any) -> Shape | None:
    """The binding shape of a callable (None: it has no signature), memoised."""
    found = _SHAPES.get(func)
    if found is None:
        found = _SHAPES.put(func, (_from_code(func) or _from_signature(func),))
    return found[0]


def _from_code(func: Any) -> Shape | None:
    """The shape of a plain function from its code object (None for anything ``inspect`` would
    see differently: a ``__wrapped__`` or ``__signature__``, not a plain function)."""
    if type(func) is not types.FunctionType or hasattr(func, "__wrapped__"):
        return None
    if hasattr(func, "__signature__"):
        return None
    code = func.__code__
    count, kwcount = code.co_argcount, code.co_kwonlyargcount
    names = code.co_varnames
    positional, kwonly = names[:count], names[count : count + kwcount]
    at = count + kwcount
    varargs = names[at] if code.co_flags & CO_VARARGS else None
    at += varargs is not None
    varkw = names[at] if code.co_flags & CO_VARKEYWORDS else None
    defaulted = len(func.__defaults__ or ())
    kwdefaults = func.__kwdefaults__ or {}
    required = frozenset(
        (*positional[: count - defaulted], *(n for n in kwonly if n not in kwdefaults))
    )
    return Shape(positional, code.co_posonlyargcount, kwonly, required, varargs, varkw)


def _from_signature(func: Any) -> Shape | None:
    sig = signature(func)
    if sig is None:
        return None
    params = list(sig.parameters.values())
    kinds = [p.kind.name for p in params]
    positional = tuple(p.name for p, k in zip(params, kinds, strict=True) if "POSITIONAL_" in k)
    required = frozenset(
        p.name
        for p, k in zip(params, kinds, strict=True)
        if p.default is p.empty and not k.startswith("VAR_")
    )
    return Shape(
        positional,
        kinds.count("POSITIONAL_ONLY"),
        tuple(p.name for p, k in zip(params, kinds, strict=True) if k == "KEYWORD_ONLY"),
        required,
        next((p.name for p, k in zip(params, kinds, strict=True) if k == "VAR_POSITIONAL"), None),
        next((p.name for p, k in zip(params, kinds, strict=True) if k == "VAR_KEYWORD"), None),
    )


_ABSENT = object()


def plain_hints(func: Any) -> dict[str, Any] | None:
    """``typing.get_type_hints(func)`` of a plain function whose annotations are each a class,
    ``None``, a ``|`` union of those, or the text of one (``"int"``, ``"dict | None"``: ``from
    __future__ import annotations``), names looked up as ``eval`` would (the function's globals,
    then builtins). None when any annotation is something else (generics, ``Annotated``, forward
    references...), and on Python 3.10, whose ``get_type_hints`` also adds ``Optional`` for a
    ``None`` default: ``typing`` decides those."""
    if type(func) is not types.FunctionType or sys.version_info < (3, 11):
        return None
    annotations = func.__annotations__
    if not annotations:
        return {}
    target = func
    while hasattr(target, "__wrapped__"):  # where get_type_hints looks names up
        target = target.__wrapped__
    names = getattr(target, "__globals__", {})
    builtin = names.get("__builtins__", {})
    builtin = builtin if isinstance(builtin, dict) else vars(builtin)
    out: dict[str, Any] = {}
    for key, ann in annotations.items():
        if isinstance(ann, str):
            parts: list[Any] = ann.split("|")
        else:
            parts = list(ann.__args__) if isinstance(ann, types.UnionType) else [ann]
        found = []
        for part in parts:
            if isinstance(part, str):
                part = part.strip()
                if part == "None":
                    part = None
                elif not part.isidentifier():
                    return None
                else:
                    part = names.get(part, builtin.get(part, _ABSENT))
            if part is None:
                part = type(None)
            if type(part) is not type:  # a plain class (not a generic alias or special form)
                return None
            found.append(part)
        out[key] = found[0] if len(found) == 1 else functools.reduce(operator.or_, found)
    return out


def shown(func: Any, sig: Any) -> Any:
    """The signature for a message, annotations evaluated (``(x: int = 1)``, not ``'int'``)."""
    import inspect

    try:
        return inspect.signature(func, eval_str=True)
    except Exception:
        return sig
