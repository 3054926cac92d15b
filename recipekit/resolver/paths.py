"""Walking key paths through data: one set of rules for overrides, ``explain``, ``@file:section``
and ``${...}`` interpolation.

A step is a mapping key, a list index (``-1`` counts from the end) or a dataclass field. Steps
written as text (``"1"``, ``"-1"``) also find list items and int mapping keys (ModelOpt's
``block_sizes: {-1: 16}``). ``select`` picks the list items whose field equals a value.
"""

from __future__ import annotations

import sys
from typing import Any

MISSING: Any = object()


def dataclasses_module() -> Any:
    """``dataclasses`` if something imported it, else None: when nobody did, no value can be a
    dataclass, and the resolver need not pay for importing it (it pulls in ``inspect``)."""
    return sys.modules.get("dataclasses")


def is_record(node: Any) -> bool:
    """Whether ``node`` is a dataclass instance."""
    dc = sys.modules.get("dataclasses")
    return dc is not None and dc.is_dataclass(node) and not isinstance(node, type)


def fields(node: Any) -> list[Any]:
    """The ``dataclasses.Field`` objects of a dataclass (instance or class)."""
    return list(sys.modules["dataclasses"].fields(node))


def is_index(text: str) -> bool:
    """Whether ``text`` spells a list index: ASCII digits, optionally after one ``-`` (``"²"``
    is a digit to ``str.isdigit`` but not to ``int``)."""
    body = text[1:] if text[:1] == "-" else text
    return body.isascii() and body.isdigit()


def child(node: Any, key: Any) -> Any:
    """The actual key of ``node`` that ``key`` names, or ``MISSING``."""
    if isinstance(node, dict):
        if key in node:
            return key
        if isinstance(key, str) and is_index(key) and int(key) in node:
            return int(key)
        return MISSING
    if isinstance(node, list):
        text = str(key)
        if is_index(text) and -len(node) <= int(text) < len(node):
            return int(text) % len(node)
        return MISSING
    if is_record(node):
        return key if key in {f.name for f in fields(node)} else MISSING
    return MISSING


def get(node: Any, key: Any) -> Any:
    return getattr(node, key) if is_record(node) else node[key]


def put(node: Any, key: Any, value: Any) -> None:
    if isinstance(node, (dict, list)):
        node[key] = value
    else:
        object.__setattr__(node, key, value)


def choices(node: Any) -> list[str]:
    """What a step could have named at ``node`` (for did-you-mean)."""
    if isinstance(node, dict):
        return [str(k) for k in node]
    if isinstance(node, list):
        return [str(i) for i in range(len(node))]
    if is_record(node):
        return [f.name for f in fields(node)]
    return []


def select(node: list, field: str, wanted: str) -> list[int]:
    """Indexes of the mapping items of ``node`` whose ``field`` reads ``wanted`` (exact text)."""
    return [
        i
        for i, item in enumerate(node)
        if isinstance(item, dict) and field in item and str(item[field]) == wanted
    ]


def values_of(node: list, field: str) -> list[str]:
    """Every value ``field`` takes in the mapping items of ``node`` (for did-you-mean)."""
    return sorted({str(item[field]) for item in node if isinstance(item, dict) and field in item})
