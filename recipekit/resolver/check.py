"""Pass 3 — *check*: validate the whole document before any factory is called.

For every factory and target node it looks the name up, parses the call syntax, binds the
arguments to the signature (unknown, missing or duplicated arguments), compares literal arguments
with simple annotations (``int``, ``float``, ``str``, ``bool``, ``None``, ``Literal``, ``Union``/
``Optional``, ``list``/``tuple``/``dict`` and their element types) and, when the factory's return
annotation is a dataclass, checks sibling keys against its fields. Every problem is collected;
the caller raises them together as one report.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from . import caches, keys, limits, nodes, paths
from .callsyntax import Call, Ref, parse_call_scalar
from .document import Document, too_deep
from .errors import BadArgumentError, BadFieldError, RecipekitError, closest
from .registry import Registry


def check(
    doc: Document, registry: Registry, allow_imports: nodes.AllowImports
) -> list[RecipekitError]:
    """Every problem of ``doc.data`` (an empty list when it is fine)."""
    problems: list[RecipekitError] = []
    _walk(doc.data, (), doc, registry, allow_imports, problems, None, None)
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
        _check_call(func, call, text, where, mark, reg, out)
    if len(node) > 1 and entry is not None:
        _check_siblings(node, path, doc, call, func, entry, out)


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
    node: dict, path: tuple, doc: Document, call: Call, func: Any, entry: Any, out: list
) -> None:
    """Sibling keys need a result with fields: a dataclass's, or a mapping's (unknown until the
    call, so not checked); a list result has none."""
    if _returns_sequence(entry):
        first = next(iter(nodes.siblings(node)), None)
        if first is not None:
            out.append(
                BadFieldError(
                    f"{call.name} returns a list; sibling key {first!r} has no field to override",
                    path=(*path, first),
                    mark=doc.where(node, first),
                    hint="pass arguments with call syntax, or override the spliced items after resolving",
                )
            )
        return
    fields = _result_fields(entry)
    if fields is None:
        return
    params = _params(func)
    for sib in nodes.siblings(node):
        if sib not in fields:
            hint = None
            if sib in params:
                hint = f'{sib!r} is an argument of {call.name}, not a field of its result: write _factory_: "{call.name}({sib}=...)"'
            out.append(
                BadFieldError(
                    f"{sib!r} is not a field of the result of {call.name}",
                    path=(*path, sib),
                    mark=doc.where(node, sib),
                    expected=f"one of the fields: {', '.join(fields)}",
                    suggestions=closest(str(sib), fields),
                    hint=hint,
                )
            )


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


#: Signatures and evaluated hints per callable, and the (callable, argument shape) pairs already
#: found to bind cleanly: checking a document again costs dict lookups, not ``inspect`` calls.
_SIGNATURES = caches.table("check.signature")
_GOOD = caches.table("check.bound")


def _signature(func: Any) -> tuple[Any, dict[str, Any]]:
    """``(inspect.Signature or None, evaluated hints)`` of a callable, memoised."""
    found = _SIGNATURES.get(func)
    if found is None:
        import inspect

        try:
            sig = inspect.signature(func, eval_str=True)
        except (NameError, SyntaxError):
            sig = inspect.signature(func)
        except (TypeError, ValueError):
            sig = None
        try:
            hints = typing.get_type_hints(func) if sig is not None else {}
        except Exception:
            hints = {}
        found = (sig, hints)
        _SIGNATURES.put(func, found)
    return found


def _callable_without_arguments(func: Any) -> bool:
    """A plain function whose every parameter has a default (no ``inspect`` needed to know)."""
    if type(func) is not types.FunctionType:
        return False
    code = func.__code__
    return code.co_argcount == len(func.__defaults__ or ()) and code.co_kwonlyargcount == len(
        func.__kwdefaults__ or {}
    )


def _check_call(
    func: Any, call: Call, text: str, where: tuple, mark: Any, reg: Registry, out: list
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
    if len(out) == before:
        _GOOD.put(key, True)


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
                expected=f"{name}{sig}".replace("typing.", ""),
                suggestions=closest(bad[0], params) if bad else (),
            )
        )
        return
    if not check_types:
        return
    for pname, value in bound.arguments.items():
        ann = hints.get(pname)
        kind_ = sig.parameters[pname].kind
        if ann is None or isinstance(value, Ref) or kind_.name in ("VAR_POSITIONAL", "VAR_KEYWORD"):
            continue
        if not accepts(value, ann):
            out.append(
                BadArgumentError(
                    f"argument {pname}={value!r} of {name} has the wrong type",
                    path=where,
                    mark=mark,
                    expected=f"{pname}: {_type_name(ann)}",
                )
            )


def _type_name(ann: Any) -> str:
    return ann.__name__ if isinstance(ann, type) else str(ann).replace("typing.", "")


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


def _result_fields(entry: Any) -> list[str] | None:
    """The fields of a factory's dataclass return annotation (None otherwise), memoised."""
    if entry is None:
        return None
    if "fields" not in entry._cache:
        entry._cache["fields"] = _dataclass_fields(entry.hints.get("return"))
    return entry._cache["fields"]


def _dataclass_fields(ann: Any) -> list[str] | None:
    dc = paths.dataclasses_module()
    if dc is not None and isinstance(ann, type) and dc.is_dataclass(ann):
        return [f.name for f in dc.fields(ann)]
    return None


def _params(func: Any) -> list[str]:
    sig = _signature(func)[0]
    return list(sig.parameters) if sig is not None else []
