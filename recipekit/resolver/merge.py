"""The sibling rule, in one place: how the sibling keys of a ``_factory_`` node change the
factory's result (NeMo-Run: siblings are field overrides), and its inverse.

* A sibling whose value is a plain mapping (not a node) *merges* into a mapping field, or into
  the fields of a dataclass field, recursively.
* Any other value — a scalar, a list, a ``_factory_``/``_target_`` node — *replaces* the field.
* A mapping result takes any key; a dataclass result only its fields (``dataclasses.replace``;
  fields with ``init=False`` are set afterwards); a list or scalar result takes no siblings.

``apply`` is the rule; the build pass gives it a ``Sink`` that builds replacing values and
records provenance, the ModelOpt converter uses it on plain data. ``diff`` is the inverse: the
siblings that turn one result into another (what the ``factory`` output form writes).
``unknown_field`` and ``no_fields`` are the errors, shared by the check and build passes.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

from . import keys, nodes, paths
from .errors import BadFieldError, CallError, Mark, closest, format_path

ARGUMENT_HINT = '{key!r} is an argument of {name}, not a field of its result: write _factory_: "{name}({key}=...)"'


class Sink:
    """What ``apply`` needs from its caller; the default treats values as plain data. ``rel``
    is the key path below the node whose siblings are applied; ``source`` the mapping that
    holds ``key`` in the document (for marks)."""

    def build(self, value: Any, rel: tuple) -> Any:
        return value

    def note(self, rel: tuple, source: dict, key: Any, what: str) -> None:
        return None

    def where(self, rel: tuple, source: dict, key: Any) -> tuple[tuple, Mark | None]:
        return rel, None


PLAIN = Sink()


def merges(current: Any, value: Any) -> bool:
    """Whether ``value`` merges into ``current`` (else it replaces it)."""
    return (
        isinstance(value, dict)
        and not nodes.is_node(value)
        and (isinstance(current, dict) or paths.is_record(current))
    )


def apply(
    target: Any,
    updates: dict,
    sink: Sink = PLAIN,
    *,
    name: str | None = None,
    params: Sequence[str] = (),
    rel: tuple = (),
) -> Any:
    """``target`` (a mapping, changed in place, or a dataclass, replaced) with ``updates``
    applied by the sibling rule. ``name``/``params`` (the factory and its parameters) improve
    the error for a key that is an argument rather than a field."""
    if isinstance(target, dict):
        for k, v in updates.items():
            current = target.get(k)
            if merges(current, v):
                target[k] = _into(current, v, sink, (*rel, k))
            else:
                target[k] = sink.build(v, (*rel, k))
                if not nodes.is_node(v):
                    sink.note((*rel, k), updates, k, f"key {k!r}")
        return target
    if paths.is_record(target):
        return _record(target, updates, sink, name, params, rel)
    first = next(iter(updates))
    path, mark = sink.where((*rel, first), updates, first)
    raise no_fields(name or "the factory", type(target).__name__, first, path, mark)


def _into(current: Any, value: dict, sink: Sink, rel: tuple) -> Any:
    if isinstance(current, dict):
        return apply(_copy(current), value, sink, rel=rel)
    return _record(current, value, sink, None, (), rel)


def _record(
    obj: Any, updates: dict, sink: Sink, name: str | None, params: Sequence[str], rel: tuple
) -> Any:
    fields = {f.name: f for f in paths.fields(obj)}
    changes: dict[str, Any] = {}
    for k, v in updates.items():
        if k not in fields:
            path, mark = sink.where((*rel, k), updates, k)
            raise unknown_field(k, type(obj).__name__, list(fields), path, mark, name, params)
        current = getattr(obj, k)
        if merges(current, v):
            changes[k] = _into(current, v, sink, (*rel, k))
        else:
            changes[k] = sink.build(v, (*rel, k))
            sink.note((*rel, k), updates, k, f"field {k!r}")
    init = {k: v for k, v in changes.items() if fields[k].init}
    try:
        # hardening (issue 10): never set fields on the object the factory returned
        new = paths.dataclasses_module().replace(obj, **init) if init else copy.copy(obj)
    except Exception as exc:
        path, _ = sink.where(rel, updates, None)
        raise CallError(
            f"setting {', '.join(init)} on {type(obj).__name__} failed: {type(exc).__name__}: {exc}",
            path=path,
        ) from exc
    for k, v in changes.items():
        if not fields[k].init:
            object.__setattr__(new, k, v)
    return new


def _copy(value: dict) -> dict:
    return dict(value)


# ------------------------------------------------------------------------------ errors
def unknown_field(
    key: Any,
    owner: str,
    fields: Sequence[str],
    path: tuple,
    mark: Mark | None,
    name: str | None = None,
    params: Sequence[str] = (),
) -> BadFieldError:
    """A sibling key that names no field of the result (``owner`` says whose fields)."""
    hint = ARGUMENT_HINT.format(key=key, name=name) if name and key in params else None
    return BadFieldError(
        f"{key!r} is not a field of {owner}",
        path=path,
        mark=mark,
        expected=f"one of the fields: {', '.join(fields)}",
        suggestions=closest(str(key), fields),
        hint=hint,
    )


def no_fields(name: str, kind: str, key: Any, path: tuple, mark: Mark | None) -> BadFieldError:
    """A sibling key on a factory whose result has no fields (a list, a scalar)."""
    return BadFieldError(
        f"{name} returns a {kind}; sibling key {key!r} can only override fields of a mapping or "
        "dataclass result",
        path=path,
        mark=mark,
        hint='pass arguments with call syntax instead: _factory_: "name(arg=...)"',
    )


# ------------------------------------------------------------------------------ the inverse
class CannotFold(Exception):
    """A change that cannot be written as sibling keys (a deleted key)."""


def same(a: Any, b: Any) -> bool:
    """Type-strict equality (``True`` is not ``1``, ``1`` is not ``1.0``, tuples are not lists)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _fields_of(obj: Any) -> dict | None:
    if paths.is_record(obj):
        return {f.name: getattr(obj, f.name) for f in paths.fields(obj)}
    return None


def diff(base: Any, final: Any, path: tuple = ()) -> Any:
    """Sibling keys that turn ``base`` into ``final`` under ``apply``'s rule."""
    if type(base) is type(final) and _fields_of(base) is not None:
        base, final = _fields_of(base), _fields_of(final)
    if isinstance(base, dict) and isinstance(final, dict):
        gone = [k for k in base if k not in final]
        if gone:
            raise CannotFold(f"key {gone[0]!r} was deleted at {format_path(path)}")
        return {
            k: (diff(base[k], v, (*path, k)) if k in base else v)
            for k, v in final.items()
            if k not in base or not same(base[k], v)
        }
    return final


def add_siblings(node: dict, siblings: dict) -> dict:
    """``node`` (a document mapping) with ``siblings`` written in: a nested mapping — data or
    a ``_factory_`` node, whose result takes siblings too — merges, the rest replaces."""
    out = dict(node)
    for k, v in siblings.items():
        current = out.get(k)
        if isinstance(v, dict) and isinstance(current, dict) and keys.TARGET not in current:
            out[k] = add_siblings(current, v)
        else:
            out[k] = v
    return out


def keeps(base: Any, final: Any) -> bool:
    """Whether siblings ``final`` applied to ``base`` give ``final`` exactly (ModelOpt replaces
    a mapping that ``apply`` would merge into)."""
    if not (isinstance(base, dict) and isinstance(final, dict)):
        return True
    return same(apply(_deep_copy(base), final), final)


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_deep_copy(v) for v in value]
    return value
