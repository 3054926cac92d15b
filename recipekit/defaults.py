"""The default registry, assembled in one place above the resolver core.

``default_registry()`` is the process-wide registry that ``recipekit.resolve`` and the command
line use when no ``registry=`` is given: recipekit's built-in factories (``recipekit.factories``:
every ModelOpt 0.47.0 recipe file), ModelOpt's ExMy codec (``num_bits: e4m3``), the reader of
ModelOpt ``$import`` files and the validator of ModelOpt 0.47.0's recipe schema
(``recipekit.schemas``). ``new_registry()`` makes an independent registry with the same
contents, for code that wants isolation without losing the built-ins.

The set-up runs on the registry's first use, under its lock (``Registry(setup=...)``), so
concurrent first users all see the complete registry, and nothing registered by a user can come
before the built-ins. This module holds the one piece of process state besides the caches: the
default registry itself.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, overload

from recipekit.resolver.registry import DEFAULT_NAMESPACE, Reader, Registry

F = TypeVar("F", bound=Callable[..., Any])

_default: Registry | None = None
_lock = threading.Lock()


def install(registry: Registry) -> None:
    """Everything the default registry holds, installed into ``registry``."""
    from recipekit import factories, schemas

    factories.install(registry)
    registry.add_reader(MODELOPT_READER)
    schemas.register(registry)  # ModelOpt 0.47.0's recipe schema (JSON read on first use)


def _claims_modelopt(text: str) -> bool:
    from recipekit.interop.modelopt_imports import is_modelopt_document

    return is_modelopt_document(text)


def _claims_modelopt_directory(path: str) -> bool:
    from recipekit.interop.modelopt_imports import is_modelopt_directory

    return is_modelopt_directory(path)


def _read_modelopt(text: str, *, file: str | None, base_dir: str | None, registry: Registry) -> Any:
    from recipekit.interop.modelopt_imports import load_modelopt, loads_modelopt

    if file is not None:  # sources read ``text`` from ``file``: it is not read again
        return load_modelopt(file, registry=registry, text=text)
    return loads_modelopt(text, registry=registry, search_paths=[base_dir] if base_dir else [])


#: ModelOpt ``imports:`` / ``$import`` documents and directory recipes (``metadata.yml`` +
#: ``quantize.yml``), read by ``recipekit.interop.modelopt_imports``
MODELOPT_READER = Reader(
    "modelopt.imports", _claims_modelopt, _read_modelopt, _claims_modelopt_directory
)


def new_registry() -> Registry:
    """A fresh registry with the built-ins (isolated from the default one)."""
    return Registry(setup=install)


def default_registry() -> Registry:
    """The process-wide registry (built-ins loaded on first use)."""
    global _default
    if _default is None:
        with _lock:
            if _default is None:
                _default = new_registry()
    return _default


@overload
def factory(func: F, /) -> F: ...
@overload
def factory(
    func: None = None,
    /,
    *,
    name: str | None = None,
    namespace: str = DEFAULT_NAMESPACE,
    aliases: Iterable[str] = (),
    replace: bool = False,
) -> Callable[[F], F]: ...


def factory(func: F | None = None, /, **kwargs: Any) -> F | Callable[[F], F]:
    """``@recipekit.factory`` / ``@recipekit.factory(name=..., namespace=..., aliases=...,
    replace=...)``: register into the default registry. The decorated function is returned
    unchanged, and typed so (``F`` is bound to the function's own type), so type checkers keep
    its signature."""
    registry = default_registry()
    if func is not None:
        return registry.factory(func)
    decorate: Callable[[F], F] = registry.factory(**kwargs)
    return decorate


def entrypoint(func: Any = None, /, **kwargs: Any) -> Any:
    """``@recipekit.entrypoint`` / ``@recipekit.entrypoint(name=..., aliases=...)``: register an
    entry point into the default registry (``Registry.entrypoint``)."""
    return default_registry().entrypoint(func, **kwargs)
