"""Pass 3 — *check*: validate the whole document before any factory is called.

For every factory and target node it looks the name up, parses the call syntax, binds the
arguments to the signature (unknown, missing or duplicated arguments), compares literal arguments
with simple annotations (``int``, ``float``, ``str``, ``bool``, ``None``, ``Literal``, ``Union``/
``Optional``, ``list``/``tuple``/``dict`` and their element types) and, when the factory's return
annotation is a dataclass — or a registry ``Validator`` knows the result's fields (ModelOpt's
schema: ``Validator.fields(entry)``) — checks sibling keys and ``**kwargs`` arguments against those
fields. Every problem is collected; the caller raises them together as one report.
"""

from __future__ import annotations

import functools
import operator
import sys
import types
import typing
from typing import Any

from . import caches, keys, merge, nodes, paths
from .callsyntax import Call, Ref, parse_call_scalar
from .document import Document
from .errors import BadArgumentError, RecipekitError, closest
from .registry import Registry


def check(
    doc: Document,
    registry: Registry,
    allow_imports: nodes.AllowImports,
    *,
    validate: bool = False,
) -> list[RecipekitError]:
    """Every problem of ``doc.data`` (an empty list when it is fine). ``validate=True`` also runs
    the registry's validators on the document's plain data (``recipekit check``; ``resolve``
    validates its result instead, after overrides)."""
    problems: list[RecipekitError] = []
    _walk(doc.data, (), doc, registry, allow_imports, problems, None, None)
    if validate:  # issue 11 (lead: re-home with the pipeline)
        from .validate import check_document

        problems += check_document(doc, registry)
    return problems


def _walk(
    value: Any,
    path: tuple,
    doc: Document,
    reg: Registry,
    allow: Any,
    out: list,
    parent: object,
    key: object,
) -> None:
    if isinstance(value, dict):
        node_kind = nodes.kind(value)
        if node_kind == "factory":
            _check_factory(value, path, doc, reg, allow, out)
        elif node_kind == "target":
            _check_target(value, path, doc, reg, allow, out)
        elif keys.PARTIAL in value:
            out.append(
                BadArgumentError(
                    f"{keys.PARTIAL} needs a {keys.TARGET}",
                    path=(*path, keys.PARTIAL),
                    mark=doc.where(value, keys.PARTIAL),
                )
            )
        for k, v in value.items():
            if k not in keys.RESERVED:
                _walk(v, (*path, k), doc, reg, allow, out, value, k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk(v, (*path, i), doc, reg, allow, out, value, i)


def _check_factory(
    node: dict, path: tuple, doc: Document, reg: Registry, allow: Any, out: list
) -> None:
    if keys.TARGET in node or keys.PARTIAL in node:
        _reserved_mix(node, path, doc, out)
        if keys.TARGET in node:
            return
    text = node[keys.FACTORY]
    try:
        call, scalar = parse_call_scalar(text)
        func, entry = nodes.lookup(call.name, reg, allow)
    except RecipekitError as exc:
        out.append(exc.located(path=(*path, keys.FACTORY), mark=doc.where(node, keys.FACTORY)))
        return
    doc.lookups[id(node)] = (call, func, entry, scalar)
    if (func, text) not in _GOOD:
        where, mark = (*path, keys.FACTORY), doc.where(node, keys.FACTORY)
        _check_call(func, call, text, where, mark, reg, out, entry)
    if len(node) > 1 and entry is not None:
        _check_siblings(node, path, doc, call, func, entry, out, reg)


def _reserved_mix(node: dict, path: tuple, doc: Document, out: list) -> None:
    mark = doc.where(node, keys.FACTORY)
    if keys.TARGET in node:
        out.append(
            BadArgumentError(
                f"a node has both {keys.FACTORY} and {keys.TARGET}",
                path=path,
                mark=mark,
                expected="one of them",
            )
        )
    else:
        out.append(
            BadArgumentError(
                f"{keys.PARTIAL} does not apply to {keys.FACTORY}",
                path=path,
                mark=mark,
                hint="use call syntax, or _target_ with _partial_: true",
            )
        )


def _check_siblings(
    node: dict,
    path: tuple,
    doc: Document,
    call: Call,
    func: Any,
    entry: Any,
    out: list,
    reg: Registry | None = None,
) -> None:
    """Sibling keys need a result with fields (the sibling rule, ``merge``): a dataclass's, or
    a mapping's (unknown until the call, so not checked); a list result has none."""
    sibs = nodes.siblings(node)
    if _returns_sequence(entry) and sibs:
        first = next(iter(sibs))
        out.append(
            merge.no_fields(call.name, "list", first, (*path, first), doc.where(node, first))
        )
        return
    fields = _result_fields(entry, reg)
    if fields is None:
        return
    params = _params(func)
    owner = f"the result of {call.name}"
    for sib in sibs:
        if sib not in fields:
            where, mark = (*path, sib), doc.where(node, sib)
            out.append(merge.unknown_field(sib, owner, fields, where, mark, call.name, params))


def _check_target(
    node: dict, path: tuple, doc: Document, reg: Registry, allow: Any, out: list
) -> None:
    where = (*path, keys.TARGET)
    mark = doc.where(node, keys.TARGET)
    name = node[keys.TARGET]
    if not isinstance(name, str):
        out.append(BadArgumentError(f"{keys.TARGET} must be a dotted name", path=where, mark=mark))
        return
    try:
        func, _ = nodes.lookup(name, reg, allow)
    except RecipekitError as exc:
        out.append(exc.located(path=where, mark=mark))
        return
    if node.get(keys.CALL) is False:
        return
    args = node.get(keys.ARGS, ())
    kwargs = {k: v for k, v in nodes.siblings(node).items()}
    if node.get(keys.PARTIAL):
        return
    _bind(
        func,
        name,
        list(args) if isinstance(args, list) else [],
        kwargs,
        where,
        mark,
        reg,
        out,
        check_types=False,
    )


#: Signatures and evaluated hints per callable, and the (callable, argument shape) pairs already
#: found to bind cleanly: checking a document again costs dict lookups, not ``inspect`` calls.
_SIGNATURES = caches.table("check.signature")
_GOOD = caches.table("check.bound")


def _signature(func: Any) -> tuple[Any, dict[str, Any]]:
    """``(inspect.Signature or None, evaluated hints)`` of a callable, memoised.

    The first look at a callable must be cheap too (``clear_caches()`` and every new process
    start there), so the signature is taken without evaluating annotations (binding needs only
    names, kinds and defaults; ``_shown`` evaluates them for a message) and the hints are those
    of ``typing.get_type_hints``, computed by ``_plain_hints`` without ``compile``/``eval`` where
    every annotation is a plain class or ``None`` (the common case), by ``typing`` otherwise."""
    found = _SIGNATURES.get(func)
    if found is None:
        import inspect

        try:
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            return _SIGNATURES.put(func, (None, {}))
        hints = _plain_hints(func)
        if hints is None:
            try:
                hints = typing.get_type_hints(func)
            except Exception:
                hints = {}
        found = _SIGNATURES.put(func, (sig, hints))
    return found


_ABSENT = object()


def _plain_hints(func: Any) -> dict[str, Any] | None:
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


def _shown(func: Any, sig: Any) -> Any:
    """The signature for a message, annotations evaluated (``(x: int = 1)``, not ``'int'``)."""
    import inspect

    try:
        return inspect.signature(func, eval_str=True)
    except Exception:
        return sig


def _callable_without_arguments(func: Any) -> bool:
    """A plain function whose every parameter has a default (no ``inspect`` needed to know)."""
    if type(func) is not types.FunctionType:
        return False
    code = func.__code__
    return code.co_argcount == len(func.__defaults__ or ()) and code.co_kwonlyargcount == len(
        func.__kwdefaults__ or {}
    )


def _check_call(
    func: Any,
    call: Call,
    text: str,
    where: tuple,
    mark: Any,
    reg: Registry,
    out: list,
    entry: Any = None,
) -> None:
    key = (func, text)
    if key in _GOOD:
        return
    if not call.args and not call.kwargs and _callable_without_arguments(func):
        return
    before = len(out)
    for ref in [*call.args, *call.kwargs.values()]:
        if isinstance(ref, Ref) and ref.call is not None and ref.name not in reg:
            out.append(
                BadArgumentError(
                    f"argument {ref.name}(...) names no registered factory",
                    path=where,
                    mark=mark,
                    suggestions=closest(ref.name, reg.names()),
                )
            )
    _bind(
        func, call.name, list(call.args), dict(call.kwargs), where, mark, reg, out, check_types=True
    )
    if len(out) == before and call.kwargs:
        _check_extra_kwargs(func, call, entry, where, mark, reg, out)
    if len(out) == before:
        _GOOD.put(key, True)


def _check_extra_kwargs(
    func: Any, call: Call, entry: Any, where: tuple, mark: Any, reg: Registry, out: list
) -> None:
    """Keyword arguments that land in a ``**kwargs`` become fields of the result (ModelOpt's
    ``{$import: fmt, key: value}``): each must be one of the result's known fields."""
    sig = _signature(func)[0]
    if sig is None or not any(p.kind is p.VAR_KEYWORD for p in sig.parameters.values()):
        return
    named = [n for n, p in sig.parameters.items() if p.kind is not p.VAR_KEYWORD]
    extra = [k for k in call.kwargs if k not in named]
    fields = _result_fields(entry, reg) if extra else None
    if fields is None:
        return
    for name in extra:
        if name not in fields:
            out.append(
                BadArgumentError(
                    f"{name!r} is neither a parameter of {call.name} nor a field of its result",
                    path=where,
                    mark=mark,
                    expected=f"a parameter ({', '.join(named)}) or a field ({', '.join(fields)})",
                    suggestions=closest(name, [*named, *fields]),
                )
            )


def _bind(
    func: Any,
    name: str,
    args: list,
    kwargs: dict,
    where: tuple,
    mark: Any,
    reg: Registry,
    out: list,
    *,
    check_types: bool,
) -> None:
    sig, hints = _signature(func)
    if sig is None:
        return
    try:
        bound = sig.bind(*args, **kwargs)
    except TypeError as exc:
        params = list(sig.parameters)
        bad = [k for k in kwargs if k not in sig.parameters]
        out.append(
            BadArgumentError(
                f"arguments do not fit {name}: {exc}",
                path=where,
                mark=mark,
                expected=f"{name}{_shown(func, sig)}".replace("typing.", ""),
                suggestions=closest(bad[0], params) if bad else (),
            )
        )
        return
    if not check_types:
        return
    for pname, value in bound.arguments.items():
        ann = hints.get(pname)
        kind_ = sig.parameters[pname].kind
        if isinstance(value, Ref) and value.call is None and value.name not in reg:
            value = value.name  # a bare unknown word is a string (as the builder passes it)
        if ann is None or isinstance(value, Ref) or kind_.name in ("VAR_POSITIONAL", "VAR_KEYWORD"):
            continue
        if not accepts(value, ann):
            allowed = [str(v) for v in literal_values(ann)]
            out.append(
                BadArgumentError(
                    f"argument {pname}={value!r} of {name} has the wrong type",
                    path=where,
                    mark=mark,
                    expected=f"{pname}: {_type_name(ann)}",
                    suggestions=closest(str(value), allowed) if isinstance(value, str) else (),
                )
            )


def _type_name(ann: Any) -> str:
    return ann.__name__ if isinstance(ann, type) else str(ann).replace("typing.", "")


def literal_values(ann: Any) -> list[Any]:
    """Every value a ``Literal`` inside ``ann`` (unions, ``Optional``, ``Annotated``) allows."""
    origin = typing.get_origin(ann)
    if origin is typing.Literal:
        return list(typing.get_args(ann))
    if (
        origin is typing.Union
        or origin is typing.Annotated
        or (hasattr(types, "UnionType") and origin is types.UnionType)
    ):
        return [v for a in typing.get_args(ann) for v in literal_values(a)]
    return []


def accepts(value: Any, ann: Any) -> bool:
    """A conservative structural check: True unless the value clearly does not fit."""
    if ann is Any or isinstance(ann, (str, typing.TypeVar)):
        return True
    if ann is None or ann is type(None):
        return value is None
    origin = typing.get_origin(ann)
    if origin is typing.Union or (hasattr(types, "UnionType") and origin is types.UnionType):
        return any(accepts(value, a) for a in typing.get_args(ann))
    if origin is typing.Literal:
        return value in typing.get_args(ann)
    if origin is typing.Annotated:
        return accepts(value, typing.get_args(ann)[0])
    if origin in (list, tuple, set, frozenset, dict):
        if not isinstance(value, origin):
            return False
        args = typing.get_args(ann)
        if origin is dict and len(args) == 2:
            return all(accepts(k, args[0]) and accepts(v, args[1]) for k, v in value.items())
        if origin is tuple and args and args[-1] is not Ellipsis:
            return len(args) == len(value) and all(
                accepts(v, a) for v, a in zip(value, args, strict=True)
            )
        if args:
            return all(accepts(v, args[0]) for v in value)
        return True
    if ann is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if ann is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(ann, type):
        if ann in (str, bool, list, dict, tuple, bytes):
            return isinstance(value, ann)
        return True  # other classes: leave it to the factory
    return True


def _returns_sequence(entry: Any) -> bool:
    """Whether a factory's return annotation is a list or tuple, memoised."""
    if "sequence" not in entry._cache:
        ann = entry.hints.get("return")
        entry._cache["sequence"] = ann in (list, tuple) or typing.get_origin(ann) in (list, tuple)
    return entry._cache["sequence"]


def _result_fields(entry: Any, reg: Registry | None = None) -> list[str] | None:
    """The fields of a factory's result: its dataclass return annotation's, else what a
    registry validator knows (``Validator.fields``); None when unknown. Memoised."""
    if entry is None:
        return None
    if "fields" not in entry._cache:
        found = _dataclass_fields(entry.hints.get("return"))
        for validator in reg.validators if reg is not None and found is None else ():
            known = validator.fields(entry)
            if known is not None:
                found = list(known)
                break
        entry._cache["fields"] = found
    return entry._cache["fields"]


def _dataclass_fields(ann: Any) -> list[str] | None:
    dc = paths.dataclasses_module()
    if dc is not None and isinstance(ann, type) and dc.is_dataclass(ann):
        return [f.name for f in dc.fields(ann)]
    return None


def _params(func: Any) -> list[str]:
    sig = _signature(func)[0]
    return list(sig.parameters) if sig is not None else []
