"""Pass 7 — *validate*: the registry's domain validators on the finished document (after hooks).

The core knows no schema: ``Registry.add_validator`` installs ``Validator``s (recipekit's built-in
one checks ModelOpt's recipe schema, ``recipekit.schemas``). ``problems`` runs every validator on
the resolved data; when the document's root is a registered factory call, the validator's
``kind(entry)`` says which schema its result has (``resolve nvfp4`` is a quantizer-attribute dict).

Validators report key paths only. ``locate`` gives each problem a place: the provenance recorded
during building (``Origin`` per path) points at the nearest recorded prefix of the problem's
path — the key itself when the document, a sibling or an override wrote it, else the
``_factory_`` line whose result holds it — and the hint names that origin (the call, quoting its
arguments; the override text). Recording costs time, so ``resolve`` validates unrecorded and
only on failure resolves again with ``record=True`` to locate.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import keys, nodes
from .errors import RecipekitError, format_path
from .registry import Registry


def root_entry(doc: Any) -> Any:
    """The registry entry of the document's root ``_factory_`` node (None if it is not one)."""
    data = doc.data
    if isinstance(data, dict) and nodes.kind(data) == "factory":
        found = doc.lookups.get(id(data))
        if found is not None:
            return found[2]
    return None


def problems(data: Any, reg: Registry, entry: Any = None) -> list[RecipekitError]:
    """Every problem the registry's validators find in resolved ``data``."""
    out: list[RecipekitError] = []
    for validator in reg.validators:
        kind = validator.kind(entry) if entry is not None and validator.kind else None
        out += validator.validate(data, kind) if kind else validator.validate(data)
    return out


def check_document(doc: Any, reg: Registry) -> list[RecipekitError]:
    """The validators' problems of a document *before* anything is called (``recipekit check``):
    the unresolved data is validated as it stands and problems at or inside a ``_factory_`` /
    ``_target_`` node are dropped (its result is unknown until the call; its sibling keys and
    arguments are checked by ``check`` against the result's fields). Marks are the document's."""
    found = [p for p in problems(doc.data, reg) if not _inside_call(doc.data, p.path)]
    for problem in found:
        problem.located(mark=doc.mark_at(problem.path))
    return found


def _inside_call(data: Any, path: tuple) -> bool:
    node = data
    for key in (None, *path):
        if key is not None:
            try:
                node = node[key]
            except (KeyError, IndexError, TypeError):
                return False
        if isinstance(node, dict) and nodes.kind(node) in ("factory", "target"):
            return True
    return False


def locate(found: Sequence[RecipekitError], origins: dict | None, mark_of: Any) -> None:
    """Give each problem a mark and say where its value came from (see the module docstring)."""
    for problem in found:
        origin, cut = _nearest(origins or {}, problem.path)
        if origin is None:
            problem.located(mark=mark_of(problem.path))
            continue
        problem.located(mark=origin.mark or mark_of(problem.path[:cut]))
        if origin.kind in ("document", "sibling") and cut == len(problem.path):
            continue  # the mark is the offending key itself
        note = _from(origin, problem.path[:cut])
        problem.hint = f"{problem.hint}; {note}" if problem.hint else note


def _nearest(origins: dict, path: tuple) -> tuple[Any, int]:
    for cut in range(len(path), -1, -1):
        origin = origins.get(path[:cut])
        if origin is not None:
            return origin, cut
    return None, 0


def _from(origin: Any, at: tuple) -> str:
    where = format_path(at)
    if origin.kind == "override":
        return f"{where} was set by the override {origin.detail!r}"
    if origin.kind == "factory":
        return f"{where} is the result of {keys.FACTORY}: {origin.detail!r}"
    return f"{where} came from {origin.kind} {origin.detail}"
