"""ModelOpt 0.47.0's schema annotations as data, and the four questions its loader asks of them.

ModelOpt's ``load_config`` decides what a list entry ``- $import: x`` means from Python type
annotations: the schema named by the snippet's ``# modelopt-schema:`` comment, compared with the
schema of the list that holds the entry (found by walking pydantic fields, TypedDict annotations
and ``dict`` value types down from the file's schema). recipekit answers the same questions
without importing ModelOpt (a 10-second import): ``modelopt_types.json`` (next to this module)
holds those annotations, exported from ModelOpt itself by ``tests/oracle/modelopt_types.py``; an
oracle test regenerates it and fails on any difference.

A *term* is an annotation as JSON: a named type is its ``module.qualname`` (``"None"`` for
``NoneType``), a parameterised one ``[origin, *args]`` (``["builtins.list", T]``,
``["types.UnionType", A, B]``), a non-type argument ``{"value": v}``. The functions below are
ModelOpt's ``_unwrap_schema_type``, ``_schema_equal``, ``_list_element_schema`` and
``_child_schema`` over terms, rule for rule (for example ``int | str`` and ``Union[int, str]``
are different origins, as they are to ``typing.get_origin`` on Python 3.11).

The table is read on first use (``table()``), never at import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from recipekit.resolver import caches

__all__ = [
    "NO_SCHEMA",
    "child",
    "element",
    "equal",
    "label",
    "schema",
    "schema_names",
    "table",
    "unwrap",
]

#: the term of "no schema known" (ModelOpt's ``None``)
NO_SCHEMA = None
_FILE = Path(__file__).with_name("modelopt_types.json")
_TABLE = caches.table("modelopt_types.table", limit=1, resident=True)
_UNIONS = ("typing.Union", "types.UnionType")
_WRAPPERS = ("typing.Required", "typing.NotRequired")
_LIST, _DICT, _ANY = "builtins.list", "builtins.dict", "typing.Any"


def table() -> dict[str, Any]:
    """The exported table (``modelopt_version``, ``schemas``, ``types``, ``recipe_types``...)."""
    found = _TABLE.get("table")  # a str key: this runs for every schema step of a walk
    if found is None:
        found = _TABLE.put("table", json.loads(_FILE.read_text(encoding="utf-8")))
    return found


def schema_names() -> list[str]:
    """Every name a ``# modelopt-schema:`` comment may use (module attributes and classes)."""
    t = table()
    return sorted({*t["schemas"], *(n for n, d in t["types"].items() if d)})


def schema(name: str) -> Any:
    """The term of a ``# modelopt-schema:`` name, or None when the table does not know it."""
    t = table()
    if name in t["schemas"]:
        return t["schemas"][name]
    return name if t["types"].get(name) else None


def _origin(term: Any) -> str | None:
    return term[0] if isinstance(term, list) else None


def unwrap(term: Any) -> Any:
    """``Required[T]``/``NotRequired[T]`` -> ``T``; a union of one type and ``None`` -> that type."""
    if term is None:
        return None
    origin = _origin(term)
    if origin in _WRAPPERS:
        return unwrap(term[1])
    if origin in _UNIONS:
        args = [a for a in term[1:] if a != "None"]
        if len(args) == 1:
            return unwrap(args[0])
    return term


def equal(left: Any, right: Any) -> bool:
    """ModelOpt's structural schema equality (for splice / append decisions)."""
    left, right = unwrap(left), unwrap(right)
    if left == right:
        return True
    lo, ro = _origin(left), _origin(right)
    if lo is None or ro is None or lo != ro:
        return False
    return len(left) == len(right) and all(
        equal(a, b) for a, b in zip(left[1:], right[1:], strict=True)
    )


def element(term: Any) -> Any:
    """The element schema of a typed list (``list[T]`` -> ``T``), or None when untyped."""
    term = unwrap(term)
    origin = _origin(term)
    if origin in _UNIONS:
        found: list[Any] = []
        for arg in term[1:]:
            if arg == "None":
                continue
            inner = element(arg)
            if inner is not None and not any(equal(inner, seen) for seen in found):
                found.append(inner)
        return found[0] if len(found) == 1 else None
    if origin != _LIST or len(term) != 2 or term[1] == _ANY:
        return None
    return unwrap(term[1])


def child(term: Any, key: Any) -> Any:
    """The schema of ``key`` under a model, TypedDict or ``dict[K, V]`` schema (None: unknown)."""
    term = unwrap(term)
    if term is None:
        return None
    if isinstance(term, str):
        fields = table()["types"].get(term, {}).get("fields", {})
        return unwrap(fields.get(key)) if isinstance(key, str) else None
    if _origin(term) == _DICT and len(term) == 3:
        return unwrap(term[2])
    return None


def is_mapping_schema(term: Any) -> bool:
    """``dict`` or ``dict[K, V]`` (ModelOpt appends a mapping snippet to a list of these)."""
    term = unwrap(term)
    return term == _DICT or _origin(term) == _DICT


def label(term: Any) -> str:
    """A compact rendering of a term for messages: ``list[...QuantizerCfgEntry]``."""
    if term is None:
        return "<untyped>"
    if isinstance(term, dict):
        return repr(term.get("value"))
    if isinstance(term, str):
        return term
    origin, args = term[0], term[1:]
    if origin in _UNIONS:
        return " | ".join(label(a) for a in args)
    short = origin.removeprefix("builtins.").removeprefix("typing.")
    return f"{short}[{', '.join(label(a) for a in args)}]"
