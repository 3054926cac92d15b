"""A key-path diff of two plain documents: one line per changed, added or removed leaf.

``changes(a, b)`` walks both documents together and yields ``Change(op, path, old, new)`` in
document order (``b``'s order, then what only ``a`` has): ``op`` is ``"~"`` for a leaf whose value
changed (or a mapping/list replaced by a scalar and back), ``"+"`` for a path only ``b`` has,
``"-"`` for one only ``a`` has. Mappings are compared key by key; lists item by item (index
``i`` against index ``i``: a rule inserted at the front shows as every later item changed, which
is what ModelOpt's order-sensitive ``quant_cfg`` means). Empty containers are leaves, so
``{}`` -> ``{x: 1}`` is ``+ x``. Paths are written as everywhere else (``errors.format_path``:
``quantize.quant_cfg[3].cfg.num_bits``); ``lines`` renders the changes as ``diff``-style text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from .errors import format_path

_ABSENT: Any = object()


class Change(NamedTuple):
    op: str  # "~" changed, "+" added, "-" removed
    path: tuple
    old: Any = None
    new: Any = None


def _children(node: Any) -> dict | None:
    """The children of a mapping or list as ``{key: child}``; None for a scalar."""
    if isinstance(node, dict):
        return dict(node)
    if isinstance(node, list):
        return dict(enumerate(node))
    return None


def changes(a: Any, b: Any, path: tuple = ()) -> Iterator[Change]:
    """Every leaf-level difference between plain documents ``a`` and ``b`` (see the module)."""
    if a is _ABSENT:
        yield from (Change("+", p, new=v) for p, v in leaves(b, path))
        return
    if b is _ABSENT:
        yield from (Change("-", p, old=v) for p, v in leaves(a, path))
        return
    left, right = _children(a), _children(b)
    if left is None or right is None or type(a) is not type(b) or not (left or right):
        if a != b or type(a) is not type(b):
            yield Change("~", path, a, b)
        return
    for key, value in right.items():
        yield from changes(left.get(key, _ABSENT), value, (*path, key))
    for key, value in left.items():
        if key not in right:
            yield from changes(value, _ABSENT, (*path, key))


def leaves(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """``(path, value)`` of every leaf under ``node`` (empty containers are leaves)."""
    children = _children(node)
    if not children:
        yield path, node
        return
    for key, value in children.items():
        yield from leaves(value, (*path, key))


def lines(found: Iterator[Change], show: Callable[[Any], str] = repr) -> list[str]:
    """``~ a.b: old -> new``, ``+ a.c: new``, ``- a.d: old`` (values written by ``show``)."""
    out = []
    for change in found:
        where = format_path(change.path)
        if change.op == "~":
            out.append(f"~ {where}: {show(change.old)} -> {show(change.new)}")
        elif change.op == "+":
            out.append(f"+ {where}: {show(change.new)}")
        else:
            out.append(f"- {where}: {show(change.old)}")
    return out
