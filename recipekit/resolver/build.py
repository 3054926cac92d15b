"""Pass 4 — *build*: call the factories and targets, producing fresh plain data.

One recursive method per node kind, threading two paths: ``path`` (where the value sits in the
*document*, for errors) and ``at`` (where it lands in the *result*, for provenance; the two differ
once a list factory has been spliced).

* factory node: call ``name(args)``; copy the result's containers (so no use ever shares state
  with another use or the next call) — unless the entry is ``fresh`` (registered with the
  promise that every call builds its containers anew, as every built-in does) and every argument
  is an immutable literal, so nothing the result holds can be shared; apply sibling keys: a plain
  mapping merges into a mapping (or dataclass) field recursively, anything else — including
  another node — replaces it;
* target node: call ``_target_(**built keys)``, or ``functools.partial`` with ``_partial_: true``;
* list: factory nodes whose result is a list are spliced in place; everything else is one item;
* mapping / scalar: copied as data.

With ``record`` set, every result path gets an ``Origin`` (which factory call, sibling key,
document line or override produced it) for ``explain`` and the annotated output.
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

from . import keys, merge, nodes, signatures
from .callsyntax import Call, Ref, parse_call_scalar
from .document import Document
from .errors import BadArgumentError, CallError, Mark, RecipekitError, closest
from .registry import Registry


class Origin(NamedTuple):
    """Where a value of the result came from."""

    kind: str  # "factory" | "sibling" | "document" | "override" | "target"
    detail: str
    mark: Mark | None = None
    source: str | None = None  # file:line of the factory's definition

    def __str__(self) -> str:
        text = f"{self.kind}: {self.detail}"
        if self.mark:
            text += f" ({self.mark})"
        if self.source:
            text += f" [defined at {self.source}]"
        return text


def fresh(value: Any) -> Any:
    """A copy of every dict/list/tuple/set container of ``value`` (other objects are kept)."""
    kind = type(value)
    if kind is dict:
        return {k: fresh(v) if type(v) in _CONTAINERS else v for k, v in value.items()}
    if kind is list:
        return [fresh(v) if type(v) in _CONTAINERS else v for v in value]
    if kind is tuple:
        return tuple(fresh(v) if type(v) in _CONTAINERS else v for v in value)
    if kind is set:
        return set(value)
    if isinstance(value, (dict, list, set)):  # subclasses keep their type: a shallow copy
        import copy

        return copy.copy(value)
    return value


_CONTAINERS = frozenset({dict, list, tuple, set})


class Builder:
    """Builds one document; ``origins`` is filled when ``record`` is true."""

    def __init__(
        self,
        doc: Document,
        registry: Registry,
        allow_imports: nodes.AllowImports,
        record: bool = False,
    ) -> None:
        self.doc = doc
        self.registry = registry
        self.allow = allow_imports
        self.origins: dict[tuple, Origin] | None = {} if record else None
        #: id(document list) -> per item: (how many result items it became, whether spliced)
        self.spans: dict[int, list[tuple[int, bool]]] = {}

    # ---------------------------------------------------------------- dispatch
    def build(self, value: Any, path: tuple = (), at: tuple = ()) -> Any:
        if isinstance(value, dict):
            node_kind = nodes.kind(value)
            if node_kind == "factory":
                return self.factory(value, path, at)
            if node_kind == "target":
                return self.target(value, path, at)
            return self.mapping(value, path, at)
        if isinstance(value, list):
            return self.sequence(value, path, at)
        if isinstance(value, tuple):
            return tuple(self.build(v, (*path, i), (*at, i)) for i, v in enumerate(value))
        return value

    def mapping(self, value: dict, path: tuple, at: tuple) -> dict:
        out = {}
        for k, v in value.items():
            out[k] = self.build(v, (*path, k), (*at, k))
            if self.origins is not None and (*at, k) not in self.origins:
                self.origins[(*at, k)] = Origin("document", "value", self.doc.where(value, k))
        return out

    def sequence(self, value: list, path: tuple, at: tuple) -> list:
        out: list = []
        spans = self.spans[id(value)] = []
        for i, item in enumerate(value):
            before, spliced = len(out), False
            here = (*at, len(out))
            built = self.build(item, (*path, i), here)
            if isinstance(built, list) and nodes.is_node(item) and keys.FACTORY in item:
                if self.origins is not None:
                    origin = self.origins.pop(here, None)
                    for j in range(len(built)):
                        if origin is not None:
                            self.origins[(*at, len(out) + j)] = origin
                        self._shift(here, (*at, len(out) + j), j)
                out.extend(built)
                spliced = True
            else:
                if self.origins is not None and here not in self.origins:
                    self.origins[here] = Origin("document", "list item", self.doc.where(value, i))
                out.append(built)
            spans.append((len(out) - before, spliced))
        return out

    def _shift(self, spliced: tuple, target: tuple, j: int) -> None:
        """Provenance recorded under ``spliced + (j, ...)`` belongs to ``target``."""
        assert self.origins is not None
        prefix = (*spliced, j)
        for key in [k for k in self.origins if k[: len(prefix)] == prefix]:
            self.origins[(*target, *key[len(prefix) :])] = self.origins.pop(key)

    # ---------------------------------------------------------------- factory nodes
    def factory(self, node: dict, path: tuple, at: tuple) -> Any:
        mark = self.doc.where(node, keys.FACTORY)
        where = (*path, keys.FACTORY)
        known = self.doc.lookups.get(id(node))
        if known is not None:
            call, func, entry, scalar = known
        else:
            try:
                call, scalar = parse_call_scalar(node[keys.FACTORY])
                func, entry = nodes.lookup(call.name, self.registry, self.allow)
            except RecipekitError as exc:
                raise exc.located(path=where, mark=mark) from None
        result = self.invoke(func, call, where, mark, scalar)
        if not (scalar and entry is not None and entry.fresh):
            result = fresh(result)  # copy unless the factory built it all just now (see below)
        if self.origins is not None:
            self.origins[at] = Origin("factory", str(call), mark, entry.source if entry else None)
        sibs = nodes.siblings(node)
        if sibs:
            result = self.override(result, sibs, node, call, path, at)
        return result

    def invoke(
        self, func: Any, call: Call, where: tuple, mark: Mark | None, scalar: bool | None = None
    ) -> Any:
        if call.scalar_args if scalar is None else scalar:  # immutable literals: pass as they are
            args, kwargs = call.args, call.kwargs
        else:
            args = [self.argument(a, where, mark) for a in call.args]
            kwargs = {k: self.argument(v, where, mark) for k, v in call.kwargs.items()}
        try:
            return func(*args, **kwargs)
        except RecipekitError as exc:
            raise exc.located(path=where, mark=mark) from None
        except RecursionError:
            raise
        except Exception as exc:
            raise CallError(
                f"{call} raised {type(exc).__name__}: {exc}", path=where, mark=mark
            ) from exc

    def argument(self, value: Any, where: tuple, mark: Mark | None) -> Any:
        if isinstance(value, Ref):
            if value.name in self.registry:
                call = value.call or Call(value.name)
                return fresh(self.invoke(self.registry.get(value.name).func, call, where, mark))
            if value.call is None:
                return value.name  # NeMo-Run: an unknown bare word is a string
            raise BadArgumentError(
                f"argument {value.call} names no registered factory",
                path=where,
                mark=mark,
                suggestions=closest(value.name, self.registry.names()),
            )
        if isinstance(value, (list, dict, tuple, set)):
            return fresh(_refs(value, self, where, mark))
        return value

    def override(
        self, result: Any, sibs: dict, node: dict, call: Call, path: tuple, at: tuple
    ) -> Any:
        """Apply sibling keys to a factory result by the sibling rule (``merge``)."""
        return merge.apply(
            result,
            sibs,
            _Sink(self, node, path, at),
            name=call.name,
            params=_param_names(call, self.registry),
        )

    # ---------------------------------------------------------------- target nodes
    def target(self, node: dict, path: tuple, at: tuple) -> Any:
        mark = self.doc.where(node, keys.TARGET)
        where = (*path, keys.TARGET)
        name = node[keys.TARGET]
        try:
            if not isinstance(name, str):
                raise BadArgumentError(
                    f"{keys.TARGET} must be a dotted name, not {type(name).__name__}"
                )
            func, entry = nodes.lookup(name, self.registry, self.allow)
        except RecipekitError as exc:
            raise exc.located(path=where, mark=mark) from None
        if node.get(keys.CALL) is False:
            return func
        kwargs = {k: self.build(v, (*path, k), (*at, k)) for k, v in nodes.siblings(node).items()}
        raw_args = node.get(keys.ARGS, [])
        args = [
            self.build(v, (*path, keys.ARGS, i), (*at, keys.ARGS, i))
            for i, v in enumerate(raw_args if isinstance(raw_args, list) else [raw_args])
        ]
        if self.origins is not None:
            self.origins[at] = Origin("target", name, mark, entry.source if entry else None)
        if node.get(keys.PARTIAL):
            return functools.partial(func, *args, **kwargs)
        try:
            return func(*args, **kwargs)
        except RecipekitError as exc:
            raise exc.located(path=where, mark=mark) from None
        except Exception as exc:
            raise CallError(
                f"{name}(...) raised {type(exc).__name__}: {exc}", path=where, mark=mark
            ) from exc


class _Sink(merge.Sink):
    """The build pass's side of the sibling rule: replacing values are built, and provenance
    recorded, at the right document and result paths."""

    def __init__(self, builder: Builder, node: dict, path: tuple, at: tuple) -> None:
        self.b, self.node, self.path, self.at = builder, node, path, at

    def build(self, value: Any, rel: tuple) -> Any:
        return self.b.build(value, (*self.path, *rel), (*self.at, *rel))

    def note(self, rel: tuple, source: dict, key: Any, what: str) -> None:
        origins = self.b.origins
        if origins is None:
            return
        prefix = (*self.at, *rel)
        for old in [k for k in origins if k[: len(prefix)] == prefix]:
            del origins[old]
        origins[prefix] = Origin("sibling", what, self.b.doc.where(source, key))

    def where(self, rel: tuple, source: dict, key: Any) -> tuple[tuple, Mark | None]:
        return (*self.path, *rel), self.b.doc.where(source, key) if key is not None else None


def _param_names(call: Call, registry: Registry) -> list[str]:
    try:
        shape = signatures.shape(registry.get(call.name).func)
    except RecipekitError:
        return []
    return list(shape.names) if shape else []


def _refs(value: Any, builder: Builder, where: tuple, mark: Mark | None) -> Any:
    if isinstance(value, Ref):
        return builder.argument(value, where, mark)
    if isinstance(value, dict):
        return {k: _refs(v, builder, where, mark) for k, v in value.items()}
    if isinstance(value, list):
        return [_refs(v, builder, where, mark) for v in value]
    if isinstance(value, tuple):
        return tuple(_refs(v, builder, where, mark) for v in value)
    return value
