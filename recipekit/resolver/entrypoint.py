"""Entry points: a document typed by a callable's signature (NeMo-Run's ``--yaml`` world).

Without an entry point a document is untyped data. With one (``resolve(..., entrypoint=NAME)``,
``recipekit resolve FILE --entrypoint NAME``, or a root ``_target_: NAME`` + ``_partial_: true``
naming a registered entry point) the document and the command line are the *arguments* of that
callable, and its annotations decide what every key means:

* the top-level keys are its parameters; an unknown key is an error with did-you-mean of the
  parameter names, a missing required parameter is an error;
* a mapping under a dataclass annotation is that dataclass, typed field by field, all the way
  down (``pipeline.task_0.slurm_config.nodes`` is the ``int`` field of ``SlurmConfig``); a
  ``_factory_`` node is typed by its factory's return annotation, a ``_target_`` node by the
  target's signature;
* values are converted where NeMo-Run converts them (``bool`` takes true/false/yes/no/on/off/1/0,
  ``float`` takes ``1e-3``, ``Optional``, ``Union``, ``Literal``, ``list[X]``, ``dict[K, V]``,
  ``Path``; a number under ``str`` becomes its ``str()``); a value that does not fit is an error
  with the key path and the expected type. One deliberate difference: YAML ``null`` stays
  ``None`` (NeMo-Run writes the string ``"None"`` into a ``str`` field).

Command-line overrides are applied to the *document* before anything is built, as NeMo-Run does:
a parameter or field the schema knows is set without ``+``; a value is read by the annotation of
its key (raw text for ``str``/``int``/``float``/``bool``/``Path``/``Literal``, so ``job=007``
stays ``"007"`` and ``time=04:00:00`` a string; otherwise a Python literal when it is one, as
NeMo-Run reads it, else YAML, so ``[a, b]`` needs no quotes); ``key=NAME`` or
``key=NAME(args)`` becomes a factory call when ``NAME`` is a registered factory whose return
annotation fits the key's annotation (it replaces the whole value, siblings included); otherwise
a string stays a string. Nothing is imported or called because of a value.

The stage is four functions the pipeline calls after interpolation: ``select(data, registry,
name)`` (None: untyped data, the usual pipeline), ``strip_root(data, spec)`` (then the check
pass), ``apply_overrides(args, texts, spec, registry, parse_yaml, copied)`` and
``build(args, spec, registry, build_data, where)``. The result is the keyword arguments of the
entry point (``func(**result)`` runs it). ``None`` is accepted for any key (``x: str = None``
is how most code declares optional fields), not as an item of a typed container.
"""

from __future__ import annotations

import contextlib
import re
import types
import typing
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from . import caches, keys, nodes
from . import overrides as ov
from .errors import BadArgumentError, BadOverrideError, RecipekitError, closest, raise_collected

_CALL = re.compile(r"^([A-Za-z_][\w./:-]*)(\(.*\))?$", re.S)
_NONE_WORDS = ("none", "null", "~")
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
_FACTS = caches.table("entrypoint.facts", limit=1024)


class Spec(NamedTuple):
    """A selected entry point: the name it was asked by, and the callable."""

    name: str
    func: Callable[..., Any]


# ----------------------------------------------------------------------------- type facts
class Facts(NamedTuple):
    """What typing needs to know about a callable (or dataclass), inspected once per callable."""

    hints: dict[str, Any]  # parameter / init field -> evaluated annotation (Any if none)
    required: tuple[str, ...]  # without a default
    defaults: dict[str, Any]
    open_keys: bool  # takes **kwargs: any key is an argument, untyped
    returns: Any  # the return annotation (the class itself for a class), or Any


def facts(func: Any) -> Facts:
    found = _FACTS.get(id(func))
    if found is not None and found[0] is func:
        return found[1]
    result = _dataclass_facts(func) if is_dataclass(func) else _signature_facts(func)
    _FACTS.put(id(func), (func, result))
    return result


def _dataclass_facts(cls: type) -> Facts:
    dc = _dc()
    fields = [f for f in dc.fields(cls) if f.init]
    raw = {f.name: f.type for f in fields}
    if any(isinstance(t, str) for t in raw.values()):  # postponed annotations: evaluate them
        with contextlib.suppress(Exception):
            raw.update(typing.get_type_hints(cls))
    missing = (dc.MISSING,)
    return Facts(
        {n: (Any if isinstance(t, str) else t) for n, t in raw.items()},
        tuple(f.name for f in fields if f.default in missing and f.default_factory in missing),
        {f.name: f.default for f in fields if f.default not in missing},
        False,
        cls,
    )


def _signature_facts(func: Any) -> Facts:
    import inspect

    from . import signatures

    sig = signatures.signature(func)
    if sig is None:
        return Facts({}, (), {}, True, func if isinstance(func, type) else Any)
    params = list(sig.parameters.values())
    # unresolvable names: the raw annotations (hints is {} then)
    raw = signatures.hints(func.__init__ if isinstance(func, type) else func)
    named = [p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    table = {p.name: raw.get(p.name, p.annotation) for p in named if p.name != "self"}
    return Facts(
        {
            n: (Any if a is inspect.Parameter.empty or isinstance(a, str) else a)
            for n, a in table.items()
        },
        tuple(p.name for p in named if p.default is p.empty and p.name != "self"),
        {p.name: p.default for p in named if p.default is not p.empty},
        any(p.kind is p.VAR_KEYWORD for p in params),
        func if isinstance(func, type) else raw.get("return", Any),
    )


def hints(func: Any) -> dict[str, Any]:
    return facts(func).hints


def returns(func: Any) -> Any:
    """The return annotation of a factory (its class, for a class), or ``Any``."""
    return facts(func).returns


def _dc() -> Any:
    import dataclasses

    return dataclasses


def is_dataclass(ann: Any) -> bool:
    return isinstance(ann, type) and hasattr(ann, "__dataclass_fields__")


def _union_args(ann: Any) -> tuple | None:
    origin = typing.get_origin(ann)
    if origin is typing.Union or (hasattr(types, "UnionType") and origin is types.UnionType):
        return typing.get_args(ann)
    return None


def describe(ann: Any) -> str:
    if ann is Any:
        return "anything"
    if isinstance(ann, type) and not typing.get_args(ann):
        return ann.__name__
    return str(ann).replace("typing.", "")


def strip_optional(ann: Any) -> Any:
    args = _union_args(ann)
    if args is not None:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return ann


def fits(result_type: Any, ann: Any) -> bool:
    """Whether a factory returning ``result_type`` may stand where ``ann`` is expected."""
    ann = strip_optional(ann)
    if ann is Any or not isinstance(result_type, type):
        return False
    if isinstance(ann, type):
        try:
            return issubclass(result_type, ann)
        except TypeError:
            return False
    return False


def child_type(ann: Any, key: Any, node: Any, registry: Any) -> tuple[Any, list[str] | None]:
    """The annotation of ``key`` under a value of type ``ann`` holding ``node`` (a document
    value), and the known keys when the container is a record (else None: any key is fine)."""
    owner = node_callable(node, registry) if isinstance(node, dict) else None
    if owner is not None:
        func, kind = owner
        if kind == "factory":
            result = returns(func)
            table = hints(result) if is_dataclass(result) else None
        else:
            table = hints(func)
        if table is None or (kind == "target" and facts(func).open_keys):
            return (table or {}).get(key, Any), None
        return table.get(key, Any), list(table)
    ann = strip_optional(ann)
    if isinstance(ann, Spec):
        table = hints(ann.func)
        return table.get(key, Any), None if facts(ann.func).open_keys else list(table)
    if is_dataclass(ann):
        table = hints(ann)
        return table.get(key, Any), list(table)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin in (list, tuple, Sequence, typing.Sequence) and args:
        return args[0], None
    if origin in (dict, typing.Mapping) and len(args) == 2:
        return args[1], None
    return Any, None


def node_callable(node: dict, registry: Any) -> tuple[Any, str] | None:
    """The callable a ``_factory_``/``_target_`` node names, if the registry knows it."""
    kind = nodes.kind(node)
    if kind is None:
        return None
    name = node[keys.FACTORY] if kind == "factory" else node[keys.TARGET]
    if not isinstance(name, str):
        return None
    name = name.partition("(")[0].strip()
    if name not in registry:
        return None
    return registry.get(name).func, kind


# ----------------------------------------------------------------------------- selection
def select(data: Any, registry: Any, name: str | None) -> Spec | None:
    """The entry point to type ``data`` with: ``name`` if given, else a root ``_target_`` with
    ``_partial_: true`` naming a registered entry point; None means untyped data."""
    if name is None:
        if not (isinstance(data, dict) and data.get(keys.PARTIAL) is True):
            return None
        target = data.get(keys.TARGET)
        if not isinstance(target, str) or target not in registry:
            return None
        entry = registry.get(target)
        if entry.namespace != keys.ENTRYPOINTS:
            return None
        return Spec(target, entry.func)
    entry = registry.get(name)  # unknown: UnknownFactoryError with did-you-mean
    return Spec(name, entry.func)


def strip_root(data: Any, spec: Spec) -> dict:
    """The argument mapping of a document: its root ``_target_``/``_partial_`` removed."""
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise BadArgumentError(
            f"a document for entry point {spec.name} must be a mapping of its arguments, "
            f"not a {type(data).__name__}",
            expected="parameter: value lines",
        )
    if keys.TARGET not in data and keys.PARTIAL not in data:
        return data
    return {k: v for k, v in data.items() if k not in (keys.TARGET, keys.PARTIAL)}


# ----------------------------------------------------------------------------- scalars
def convert(value: Any, ann: Any, path: tuple, item: bool = False) -> Any:
    """A YAML/override value converted to ``ann`` by NeMo-Run's rules. ``None`` is accepted for
    a key whatever its annotation (``x: str = None`` is common; NeMo-Run turns it into the
    string ``"None"``), but not as an item of a container (``item``) unless the type allows it."""
    if ann is Any or ann is object or (value is None and _allows_none(ann)):
        return value
    if value is None and item:
        raise _mismatch(value, ann, path)
    union = _union_args(ann)
    if union is not None:
        if value is None:
            return None
        for arm in union:
            if arm is not type(None):
                with contextlib.suppress(BadArgumentError):
                    return convert(value, arm, path, item)
        raise _mismatch(value, ann, path)
    origin, args = typing.get_origin(ann), typing.get_args(ann)
    if origin is typing.Literal:
        if value in args:
            return value
        if isinstance(value, str):
            for arg in args:
                if str(arg) == value:
                    return arg
        raise _mismatch(value, ann, path, choices=[str(a) for a in args])
    if value is None:
        return None  # NeMo-Run: the string "None"; recipekit keeps None (docs/compatibility.md)
    if ann is str:
        if isinstance(value, (str, int, float)):  # bools too: NeMo-Run writes "True"
            return value if isinstance(value, str) else str(value)
        raise _mismatch(value, ann, path)
    if ann is bool:
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if isinstance(value, (str, int)) and word in _TRUE:
            return True
        if isinstance(value, (str, int)) and word in _FALSE:
            return False
        raise _mismatch(value, ann, path)
    if ann is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            try:
                return int(value)
            except ValueError:
                pass
        raise _mismatch(value, ann, path)
    if ann is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):
            try:
                return float(value)
            except ValueError:
                pass
        raise _mismatch(value, ann, path)
    if _is_path(ann):
        if isinstance(value, str):
            return ann(value)
        if isinstance(value, ann):
            return value
        raise _mismatch(value, ann, path)
    if origin in (list, Sequence, typing.Sequence) or ann is list:
        if not isinstance(value, (list, tuple)):
            raise _mismatch(value, ann, path)
        elem = args[0] if args else Any
        return [convert(v, elem, (*path, i), True) for i, v in enumerate(value)]
    if origin is dict or ann is dict:
        if not isinstance(value, dict):
            raise _mismatch(value, ann, path)
        kt, vt = args if len(args) == 2 else (Any, Any)
        return {
            convert(k, kt, path, True): convert(v, vt, (*path, k), True) for k, v in value.items()
        }
    if isinstance(ann, type):
        if isinstance(value, ann):
            return value
        raise _mismatch(value, ann, path)
    return value


def _allows_none(ann: Any) -> bool:
    union = _union_args(ann)
    return union is not None and type(None) in union


def _is_path(ann: Any) -> bool:
    from pathlib import PurePath

    return isinstance(ann, type) and issubclass(ann, PurePath)


def _mismatch(value: Any, ann: Any, path: tuple, choices: Sequence[str] = ()) -> BadArgumentError:
    return BadArgumentError(
        f"{_short(value)} does not fit {describe(ann)}",
        path=path,
        expected=describe(ann),
        choices=choices,
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({type(value).__name__})"


def from_text(text: str, ann: Any, parse_yaml: Callable[[str], Any], registry: Any) -> Any:
    """An override's VALUE text read by the annotation of its key (see the module docstring)."""
    raw = text.strip()
    if raw.startswith(keys.INCLUDE_PREFIX) and raw.lower().partition(":")[0].endswith(
        keys.INCLUDE_SUFFIXES
    ):
        return parse_yaml(raw)  # an include: the caller's reader expands "@file[:section]"
    bare = strip_optional(ann)
    if raw.lower() in _NONE_WORDS and bare is not bool:  # None/null is None (NeMo-Run: "None"
        return None  # for a str key)
    factory = _factory_call(raw, ann, registry)
    if factory is not None:
        return factory
    if bare is str or _is_path(bare) or typing.get_origin(bare) is typing.Literal:
        # raw text, as NeMo-Run: `job=007` stays "007"; an empty value is "" (NeMo-Run: error)
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
            return raw[1:-1]
        return raw
    if bare in (int, float, bool):
        return raw
    literal = _python_literal(raw)  # NeMo-Run reads other values as Python literals;
    return literal if literal is not _NO_LITERAL else parse_yaml(text)  # else YAML


_NO_LITERAL = object()


def _python_literal(raw: str) -> Any:
    import ast

    if not raw or (raw[0] not in "0123456789+-.([{'\"" and raw not in ("True", "False")):
        return _NO_LITERAL
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _NO_LITERAL


def _factory_call(raw: str, ann: Any, registry: Any) -> dict | None:
    match = _CALL.match(raw)
    if match is None or registry is None or ann is Any:
        return None
    name = match.group(1)
    if name not in registry:
        return None
    if not fits(returns(registry.get(name).func), ann):
        return None
    return {keys.FACTORY: raw}


# ----------------------------------------------------------------------------- overrides
def apply_overrides(
    data: dict,
    texts: Sequence[str],
    spec: Spec,
    registry: Any,
    parse_yaml: Callable[[str], Any],
    copied: Callable[[Any, Any], None] = lambda old, new: None,
) -> dict:
    """Apply command-line overrides to the argument mapping ``data``, typed by ``spec``. The
    containers along each override's path are copied first (``copied(old, new)`` lets the caller
    carry source marks over), so ``data`` itself is never changed."""
    problems: list[RecipekitError] = []
    for text in texts:
        try:
            data = _apply_one(data, text, spec, registry, parse_yaml, copied)
        except RecipekitError as exc:
            problems.extend(exc.problems)
    raise_collected(problems, "overrides")
    return data


def _apply_one(
    data: dict, text: str, spec: Spec, registry: Any, parse_yaml: Any, copied: Any
) -> dict:
    override = ov.parse(text, lambda raw, key: raw)
    root = _copy(data, copied)
    ann: Any = spec
    node: Any = root
    path: tuple = ()
    for depth, step in enumerate(override.steps):
        if step.select is not None or not isinstance(node, dict):
            ann = Any  # inside lists and objects: untyped from here on
            break
        key = step.key
        child, known = child_type(ann, key, node, registry)
        if known is not None and key not in known:
            found = node_callable(node, registry) if nodes.kind(node) else None
            owner = describe(returns(found[0])) if found else describe(strip_optional(ann))
            raise BadOverrideError(
                f"override {text!r}: no {'field' if path else 'parameter'} named {key!r} "
                f"exists for {owner if path else spec.name}",
                path=(*path, key),
                expected=f"one of: {', '.join(known)}",
                suggestions=closest(str(key), known),
            )
        last = depth == len(override.steps) - 1
        if key not in node:
            if last and override.op == "=":
                override = override._replace(add=True)
            elif last and override.op != "del" and known is not None:
                default = defaults(ann, node, registry).get(key, _NO_DEFAULT)
                if default is not _NO_DEFAULT:  # NeMo-Run: an operator starts from the default
                    node[key] = default
            elif known is not None and override.op != "del":
                node[key] = {}  # a typed record the document does not set yet
        elif not last:
            node[key] = _copy(node[key], copied)
        ann, node, path = child, node.get(key), (*path, key)
    if override.op != "del":
        value = from_text(override.value, ann, parse_yaml, registry)
        if override.op != "=" and not nodes.is_node(value):  # += etc. combine typed values
            value = convert(value, ann, path)
        override = override._replace(value=value)
    return ov.apply(root, override)


_NO_DEFAULT = object()


def defaults(ann: Any, node: Any, registry: Any) -> dict[str, Any]:
    """Default values of the parameters/fields of the record ``node`` stands for."""
    owner = node_callable(node, registry) if isinstance(node, dict) else None
    func = owner[0] if owner else ann.func if isinstance(ann, Spec) else strip_optional(ann)
    if owner and owner[1] == "factory":
        func = returns(func)
    return facts(func).defaults if callable(func) else {}


def _copy(value: Any, copied: Any) -> Any:
    if isinstance(value, dict):
        new = dict(value)
    elif isinstance(value, list):
        from .build import fresh

        new = fresh(value)  # lists are edited in place by index: copy them whole
    else:
        return value
    copied(value, new)
    return new


# ----------------------------------------------------------------------------- typed build
class Typer:
    """Builds an argument mapping into typed values; ``build(value, path)`` builds untyped data
    (the resolver's ``Builder``). Problems are collected in ``problems``."""

    def __init__(
        self,
        registry: Any,
        build: Callable[[Any, tuple], Any],
        where: Callable[[Any, Any], Any] = lambda container, key: None,
    ) -> None:
        self.registry, self.build_data, self.where = registry, build, where
        self.problems: list[RecipekitError] = []

    def arguments(self, data: dict, spec: Spec) -> dict:
        table = hints(spec.func)
        out = self.fields(data, table, (), spec.name, "parameter", facts(spec.func).open_keys)
        for name in facts(spec.func).required:
            if name not in out and name in table:
                self.problems.append(
                    BadArgumentError(
                        f"missing required parameter {name!r} of {spec.name}",
                        path=(name,),
                        expected=f"{name}: {describe(table[name])}",
                    )
                )
        return out

    def fields(
        self, data: dict, table: dict, path: tuple, owner: str, noun: str, open_: bool = False
    ) -> dict:
        out = {}
        for key, value in data.items():
            if key not in table and open_:  # **kwargs: any key, untyped
                out[key] = self.build_data(value, (*path, key))
                continue
            mark = self.where(data, key)
            if key not in table:
                self.problems.append(
                    BadArgumentError(
                        f"no {noun} named {key!r} exists for {owner}",
                        path=(*path, key),
                        mark=mark,
                        expected=f"one of: {', '.join(table)}",
                        suggestions=closest(str(key), list(table)),
                        hint=None if path else f"the top-level keys are the parameters of {owner}",
                    )
                )
                continue
            try:
                out[key] = self.value(value, table[key], (*path, key))
            except RecipekitError as exc:
                self.problems.extend(p.located(mark=mark) for p in exc.problems)
        return out

    def value(self, value: Any, ann: Any, path: tuple, item: bool = False) -> Any:
        if isinstance(value, dict) and nodes.kind(value):
            return self.node(value, ann, path)
        bare = strip_optional(ann)
        if isinstance(value, dict) and is_dataclass(bare):
            return self.record(value, bare, path)
        if isinstance(value, list) and _is_list(bare):
            elem = typing.get_args(bare)[0] if typing.get_args(bare) else Any
            if elem is not Any:
                return [self.value(v, elem, (*path, i), True) for i, v in enumerate(value)]
        if isinstance(value, dict) and typing.get_origin(bare) is dict:
            kt, vt = typing.get_args(bare) or (Any, Any)
            return {
                convert(k, kt, path, True): self.value(v, vt, (*path, k), True)
                for k, v in value.items()
            }
        built = self.build_data(value, path)
        return convert(built, ann, path, item)

    def record(self, value: dict, cls: type, path: tuple) -> Any:
        before = len(self.problems)
        kwargs = self.fields(value, hints(cls), path, cls.__name__, "field")
        missing = [n for n in facts(cls).required if n not in kwargs]
        if missing:
            self.problems.append(
                BadArgumentError(
                    f"{cls.__name__} needs {', '.join(missing)}", path=path, expected="those fields"
                )
            )
        if len(self.problems) > before:
            return None
        init = {f.name for f in _dc().fields(cls) if f.init}
        return self.call(cls, {k: v for k, v in kwargs.items() if k in init}, path)

    def node(self, value: dict, ann: Any, path: tuple) -> Any:
        found = node_callable(value, self.registry)
        if found is None:
            return self.build_data(value, path)  # unknown names: the builder reports them
        func, kind = found
        sibs = nodes.siblings(value)
        if kind == "factory":
            result = returns(func)
            table = hints(result) if is_dataclass(result) else None
        else:
            table = hints(func)
        if table is not None and sibs:
            noun = "field" if kind == "factory" else "parameter"
            typed = self.fields(sibs, table, path, _name(func), noun, facts(func).open_keys)
            value = {**{k: v for k, v in value.items() if k in keys.RESERVED}, **typed}
        return self.build_data(value, path)  # not checked against ``ann``, as in NeMo-Run

    @staticmethod
    def call(func: Any, kwargs: dict, path: tuple) -> Any:
        from .errors import CallError

        try:
            return func(**kwargs)
        except RecipekitError as exc:
            raise exc.located(path=path) from None
        except Exception as exc:
            raise CallError(
                f"{_name(func)}(...) raised {type(exc).__name__}: {exc}", path=path
            ) from exc


def _is_list(ann: Any) -> bool:
    return ann is list or typing.get_origin(ann) in (list, Sequence, typing.Sequence)


def _name(func: Any) -> str:
    return getattr(func, "__qualname__", None) or getattr(func, "__name__", repr(func))


def build(
    data: dict,
    spec: Spec,
    registry: Any,
    build_data: Callable[[Any, tuple], Any],
    where: Callable[[Any, Any], Any] = lambda container, key: None,
) -> dict:
    """The typed keyword arguments of ``spec`` for the argument mapping ``data``; ``build_data``
    builds untyped values and nodes (the resolver's ``Builder.build``), ``where(container, key)``
    gives the source mark of a value for error messages."""
    typer = Typer(registry, build_data, where)
    out = typer.arguments(data, spec)
    raise_collected(typer.problems, spec.name)
    return out
