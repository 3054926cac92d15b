"""What a mapping *means*, and how a dotted target becomes a callable (shared by check and build).

A mapping with ``_factory_`` is a factory node: call the registered factory, then apply the
sibling keys to its result. A mapping with ``_target_`` is a target node: call (or with
``_partial_: true`` partially apply) the callable with the other keys as keyword arguments
(``_args_`` gives positional ones; ``_call_: false`` yields the callable itself, as NeMo-Run
writes functions used as values). Everything else is data.

Dotted names (``_target_: pkg.mod.fn``, ``_factory_: pkg.mod.fn``) are first looked up in the
registry; only if absent are they imported, and only when the caller allowed it
(``allow_imports=True`` or a list of module prefixes). Import failures are ordinary errors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import Any

from . import keys
from .errors import BadArgumentError, BlockedImportError, UnknownFactoryError
from .registry import Registry

AllowImports = bool | Iterable[str]


def kind(mapping: dict) -> str | None:
    """``"factory"``, ``"target"`` or None (data)."""
    if keys.FACTORY in mapping:
        return "factory"
    if keys.TARGET in mapping:
        return "target"
    return None


def is_node(value: Any) -> bool:
    return isinstance(value, dict) and (keys.FACTORY in value or keys.TARGET in value)


def siblings(mapping: dict) -> dict:
    """The non-reserved keys of a node."""
    return {k: v for k, v in mapping.items() if k not in keys.RESERVED}


def import_allowed(name: str, allow: AllowImports) -> bool:
    if allow is True:
        return True
    if not allow:
        return False
    return any(name == p or name.startswith(p.rstrip(".") + ".") for p in allow)  # type: ignore[union-attr]


def import_callable(name: str, allow: AllowImports) -> Callable[..., Any]:
    """Import ``pkg.mod.attr`` if allowed; errors say how to allow it or what is missing."""
    if "." not in name or not all(part.isidentifier() for part in name.split(".")):
        raise UnknownFactoryError(
            f"{name!r} is neither registered nor a dotted import path",
            expected="a registered factory name or module.attribute (Python identifiers joined by dots)",
        )
    if not import_allowed(name, allow):
        module = name.rsplit(".", 1)[0]
        raise BlockedImportError(
            f"importing {name!r} is not allowed",
            expected="a registered factory, or an import the caller allowed",
            hint=(
                f"pass allow_imports=[{module.split('.')[0]!r}] to resolve(), or "
                f"--allow-import {module.split('.')[0]} on the command line"
            ),
        )
    module_name = name.rpartition(".")[0]
    parts = name.split(".")
    obj: Any = None
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError as exc:
            if exc.name and ".".join(parts[:cut]).startswith(exc.name):
                continue
            raise BadArgumentError(f"importing {'.'.join(parts[:cut])!r} failed: {exc}") from exc
        except Exception as exc:
            raise BadArgumentError(
                f"importing {'.'.join(parts[:cut])!r} failed: {type(exc).__name__}: {exc}"
            ) from exc
        try:
            for part in parts[cut:]:
                obj = getattr(obj, part)
        except AttributeError:
            raise UnknownFactoryError(
                f"module {'.'.join(parts[:cut])!r} has no attribute {'.'.join(parts[cut:])!r}",
                expected="module.attribute that exists",
            ) from None
        return obj
    raise UnknownFactoryError(
        f"no module found for {module_name!r}", expected="an importable module path"
    )


def lookup(name: str, registry: Registry, allow: AllowImports) -> tuple[Callable[..., Any], Any]:
    """The callable for ``name`` and its registry entry (None when imported)."""
    try:
        entry = registry.get(name)
        return entry.func, entry
    except UnknownFactoryError as miss:
        dotted = "." in name and all(part.isidentifier() for part in name.split("."))
        if not dotted:
            raise
        if not import_allowed(name, allow):
            # a typo of a registered dotted name is likelier than a wanted import: say both
            raise BlockedImportError(
                f"{name!r} is not registered, and importing it is not allowed",
                expected="a registered factory, or an import the caller allowed",
                suggestions=miss.suggestions,
                hint=f"pass allow_imports=[{name.split('.')[0]!r}] to resolve(), or --allow-import {name.split('.')[0]} on the command line",
            ) from None
        return import_callable(name, allow), None
