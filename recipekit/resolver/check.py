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

import types
import typing
from typing import Any

from . import caches, keys, limits, merge, nodes, paths, signatures
from .callsyntax import Call, Ref, parse_call_scalar
from .document import Document, too_deep
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
        if len(path) > limits.MAX_DEPTH:  # Python data may be deeper than any YAML file
            out.append(too_deep(path, doc.where(parent, key)))
            return
        node_kind = nodes.kind(value)
        _reserved_types(value, node_kind, path, doc, out)  # hardening (issue 10)
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
        if len(path) > limits.MAX_DEPTH:
            out.append(too_deep(path, doc.where(parent, key)))
            return
        for i, v in enumerate(value):
            _walk(v, (*path, i), doc, reg, allow, out, value, i)


def _reserved_types(
    node: dict, node_kind: str | None, path: tuple, doc: Document, out: list
) -> None:
    """Reserved keys take the types they mean: ``_partial_``/``_call_`` are booleans,
    ``_args_`` a list, and ``_args_``/``_call_`` belong to ``_target_`` nodes only (a
    ``_factory_`` passes arguments with call syntax). ``_partial_`` outside a target is
    reported by the walk itself."""
    for key in (keys.ARGS, keys.CALL):
        if key in node and node_kind != "target":
            out.append(
                BadArgumentError(
                    f"{key} needs a {keys.TARGET}"
                    + (f"; it does not apply to {keys.FACTORY}" if node_kind else ""),
                    path=(*path, key),
                    mark=doc.where(node, key),
                    hint=f'pass arguments with call syntax: {keys.FACTORY}: "name(...)"'
                    if node_kind
                    else None,
                )
            )
    if node_kind != "target":
        return
    for key in (keys.PARTIAL, keys.CALL):
        if key in node and not isinstance(node[key], bool):
            out.append(
                BadArgumentError(
                    f"{key} must be true or false, not {type(node[key]).__name__} {node[key]!r}",
                    path=(*path, key),
                    mark=doc.where(node, key),
                    expected="a boolean (true/false)",
                )
            )
    if keys.ARGS in node and not isinstance(node[keys.ARGS], list):
        out.append(
            BadArgumentError(
                f"{keys.ARGS} must be a list of positional arguments",
                path=(*path, keys.ARGS),
                mark=doc.where(node, keys.ARGS),
                expected="a list, e.g. [1, 2]",
            )
        )
    bad = next((k for k in node if not isinstance(k, str)), None)
    if bad is not None:
        out.append(
            BadArgumentError(
                f"keyword {bad!r} of {keys.TARGET} is not a string",
                path=(*path, bad),
                mark=doc.where(node, bad),
                expected="argument names (strings) as sibling keys",
            )
        )


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
    if not callable(func):
        out.append(
            _not_callable(call.name, func, (*path, keys.FACTORY), doc.where(node, keys.FACTORY))
        )
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
    if not callable(func):
        out.append(_not_callable(name, func, where, mark))
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


def _not_callable(name: str, func: Any, where: tuple, mark: Any) -> RecipekitError:
    return BadArgumentError(
        f"{name!r} is a {type(func).__name__}, not something to call",
        path=where,
        mark=mark,
        expected="a function or class",
        hint=f"{keys.CALL}: false (with {keys.TARGET}) uses a value as it is",
    )


#: the (callable, argument text) pairs already found to bind cleanly: checking a document again
#: costs dict lookups (signatures, hints and binding shapes are ``signatures.py``'s)
_GOOD = caches.table("check.bound")


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
    shape = signatures.shape(func)
    if shape is None or shape.varkw is None:
        return
    named = [n for n in shape.names if n != shape.varkw]
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
    shape = signatures.shape(func)
    arguments = shape.bind(args, kwargs) if shape is not None else None
    if arguments is not None:  # the common case: it fits (no ``inspect`` for plain functions)
        if check_types:
            _check_types(arguments, signatures.hints(func), name, where, mark, reg, out)
        return
    sig = signatures.signature(func)
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
                expected=f"{name}{signatures.shown(func, sig)}".replace("typing.", ""),
                suggestions=closest(bad[0], params) if bad else (),
            )
        )
        return
    if check_types:  # a shape binds what the signature binds; kept for a shape-less callable
        variadic = (sig.parameters[n].kind for n in bound.arguments)
        named = {
            n: v
            for (n, v), k in zip(bound.arguments.items(), variadic, strict=True)
            if k.name not in ("VAR_POSITIONAL", "VAR_KEYWORD")
        }
        _check_types(named, signatures.hints(func), name, where, mark, reg, out)


def _check_types(
    arguments: dict[str, Any], hints: dict, name: str, where: tuple, mark: Any, reg: Any, out: list
) -> None:
    """Literal arguments (``name -> value``, no ``*args``/``**kwargs``) against annotations."""
    for pname, value in arguments.items():
        ann = hints.get(pname)
        if isinstance(value, Ref) and value.call is None and value.name not in reg:
            value = value.name  # a bare unknown word is a string (as the builder passes it)
        if ann is None or isinstance(value, Ref):
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
    if type(ann) is type:  # a plain class, the common case: it has no origin
        return _accepts_class(value, ann)
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
    if isinstance(ann, type):
        return _accepts_class(value, ann)
    return True


def _accepts_class(value: Any, ann: type) -> bool:
    if ann is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if ann is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if ann in (str, bool, list, dict, tuple, bytes):
        return isinstance(value, ann)
    return True  # other classes: leave it to the factory


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
    shape = signatures.shape(func)
    return list(shape.names) if shape is not None else []
