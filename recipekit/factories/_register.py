"""How the built-in factory modules register: ``@builtin`` only records each function in
``BUILTINS``; ``recipekit.factories.install(registry)`` registers them into a registry. So any
``Registry(builtins=True)`` — the default one included — gets the same entries, whatever was
imported first."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

#: ``(func, {"name", "namespace", "aliases"})`` for every built-in factory, in import order.
BUILTINS: list[tuple[Callable[..., Any], dict[str, Any]]] = []


def builtin(namespace: str, name: str, *aliases: str) -> Callable[[F], F]:
    """Decorator: register ``func`` as a built-in factory ``namespace:name`` with ``aliases``."""

    def decorate(func: F) -> F:
        spec = {"name": name, "namespace": namespace, "aliases": aliases}
        BUILTINS.append((func, spec))
        return func

    return decorate
