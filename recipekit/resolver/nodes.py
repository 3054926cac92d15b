"""What a mapping *means*, and how a dotted target becomes a callable (shared by check and build).

A mapping with ``_factory_`` is a factory node: call the registered factory, then apply the
sibling keys to its result. A mapping with ``_target_`` is a target node: call (or with
``_partial_: true`` partially apply) the callable with the other keys as keyword arguments
(``_args_`` gives positional ones; ``_call_: false`` yields the callable itself, as NeMo-Run
writes functions used as values). Everything else is data.

Dotted names (``_target_: pkg.mod.fn``, ``_factory_: pkg.mod.fn``) are first looked up in the
registry; only if absent are they imported, and only when the caller allowed it
(``allow_imports=True`` or a list of module prefixes). The rule is on modules and objects, not
on text: a prefix admits the modules whose dotted name is under it (at a dot boundary) and the
objects *defined* in such a module (``__module__``); every step of the path must be admitted
(``recipekit.resolver.document.os.system`` stops at ``os``, a module imported from elsewhere), no
step may be a dunder, and no module outside the allowed prefixes is ever imported. Import
failures are ordinary errors.
"""

from __future__ import annotations

import importlib
import types
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


def prefixes(allow: AllowImports) -> tuple[str, ...] | bool:
    """``allow`` normalised: True (everything), or the allowed module prefixes (a lone string
    is one prefix, not its characters; trailing dots and empty prefixes are dropped)."""
    if allow is True:
        return True
    if not allow:
        return ()
    items = (allow,) if isinstance(allow, str) else tuple(allow)
    if "*" in items:
        return True
    return tuple(p.strip().rstrip(".") for p in items if isinstance(p, str) and p.strip(". "))


def module_allowed(module: str, allow: AllowImports) -> bool:
    """Whether the module called ``module`` is under an allowed prefix, at a dot boundary
    (``recipekit`` admits ``recipekit.resolver`` but not ``recipekit_evil``)."""
    allowed = prefixes(allow)
    if allowed is True:
        return True
    return any(module == p or module.startswith(p + ".") for p in allowed)  # type: ignore[union-attr]


def import_allowed(name: str, allow: AllowImports) -> bool:
    """Whether some module path of the dotted ``name`` may be imported at all (the first test;
    ``import_callable`` then checks every step of the path)."""
    parts = name.split(".")
    return any(_importable(".".join(parts[:cut]), name, allow) for cut in range(1, len(parts)))


def _importable(module: str, name: str, allow: AllowImports) -> bool:
    """A module may be imported when it is allowed, or when ``name`` is itself under an allowed
    prefix that names an object of that module (``--allow-import torch.optim.AdamW``); the walk
    from it still admits only objects defined in it."""
    if module_allowed(module, allow):
        return True
    allowed = prefixes(allow)
    return allowed is not True and any(
        p.startswith(module + ".") and (name == p or name.startswith(p + "."))
        for p in allowed  # type: ignore[union-attr]
    )


#: Values that may end a path as they are (``math.pi``): immutable, nothing to step through.
_PLAIN = (int, float, complex, str, bytes, bool, type(None))


def _flag(name: str) -> str:
    head = name.split(".")[0]
    return (
        f"pass allow_imports=[{head!r}] to resolve(), or --allow-import {head} on the command line"
    )


def _blocked(
    name: str, why: str, allow: AllowImports, widen: str | None = None
) -> BlockedImportError:
    allowed = prefixes(allow)
    shown = "none" if not allowed else "all" if allowed is True else ", ".join(allowed)
    return BlockedImportError(
        f"importing {name!r} is not allowed: {why}",
        expected=(
            "a registered factory, or a module under an allowed prefix and objects defined in"
            f" such a module, without dunder steps (allowed: {shown})"
        ),
        hint=_flag(widen or name),
    )


def import_callable(name: str, allow: AllowImports) -> Callable[..., Any]:
    """Import ``pkg.mod.attr`` if the rule allows it; errors say which step broke the rule,
    how to widen it, or what is missing.

    The rule is on modules and objects, not on text: an allowed prefix admits the modules whose
    dotted name is under it and the objects *defined* in such a module (their ``__module__``).
    Every step of the path must be admitted, so ``recipekit.resolver.document.os.system`` is refused
    at ``os`` (a module imported from elsewhere), and no step may be a dunder."""
    parts = name.split(".")
    if len(parts) < 2 or not all(part.isidentifier() for part in parts):
        raise UnknownFactoryError(
            f"{name!r} is neither registered nor a dotted import path",
            expected="a registered factory name or module.attribute (Python identifiers joined by dots)",
        )
    dunder = next((p for p in parts if p.startswith("__") and p.endswith("__")), None)
    if dunder is not None:
        raise _blocked(name, f"{dunder!r} is a dunder name (never followed)", allow)
    if not import_allowed(name, allow):
        raise _blocked(name, f"no module of {name!r} is under an allowed prefix", allow)
    obj: Any = None
    for cut in range(len(parts) - 1, 0, -1):
        module_name = ".".join(parts[:cut])
        if not _importable(module_name, name, allow):
            continue
        try:
            obj = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name and module_name.startswith(exc.name):
                continue
            raise BadArgumentError(f"importing {module_name!r} failed: {exc}") from exc
        except Exception as exc:
            raise BadArgumentError(
                f"importing {module_name!r} failed: {type(exc).__name__}: {exc}"
            ) from exc
        return _walk_attributes(name, parts, cut, obj, allow)
    raise UnknownFactoryError(
        f"no module found for {name.rpartition('.')[0]!r}", expected="an importable module path"
    )


def _walk_attributes(name: str, parts: list[str], cut: int, obj: Any, allow: AllowImports) -> Any:
    """Follow ``parts[cut:]`` from the imported module ``obj``, admitting each step."""
    admitted = {obj.__name__}  # import_module("os.path") is posixpath: its objects count too
    open_all = prefixes(allow) is True
    here = ".".join(parts[:cut])
    for index in range(cut, len(parts)):
        part = parts[index]
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise UnknownFactoryError(
                f"{here!r} has no attribute {part!r}", expected="module.attribute that exists"
            ) from None
        here = f"{here}.{part}"
        last = index == len(parts) - 1
        if open_all:
            continue
        if isinstance(obj, types.ModuleType):
            home = getattr(obj, "__name__", None)
            if not isinstance(home, str) or not (home == here or module_allowed(home, allow)):
                raise _blocked(
                    name,
                    f"{here!r} is the module {home!r}, imported from elsewhere",
                    allow,
                    str(home),
                )
            admitted.add(home)
            continue
        if last and type(obj) in _PLAIN:
            continue
        home = getattr(obj, "__module__", None)
        if not isinstance(home, str) or not (home in admitted or module_allowed(home, allow)):
            what = f"defined in {home!r}" if isinstance(home, str) else "not defined in any module"
            raise _blocked(
                name,
                f"{here!r} is {type(obj).__name__} {what}, imported from elsewhere",
                allow,
                home if isinstance(home, str) else None,
            )
    return obj


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
                hint=_flag(name),
            ) from None
        return import_callable(name, allow), None
