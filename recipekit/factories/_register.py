"""How the built-in factory modules register: ``@builtin`` only tags each function with its
registration spec (``registry.tag``); ``recipekit.factories.install(registry)`` registers every
tagged function of the factory modules into a registry. So any registry set up with the
built-ins — the default one included — gets the same entries, whatever was imported first, and
no list of registrations is kept in module state.

Every built-in builds its result's containers anew on each call (``tests/test_factories_registry.py``
checks it for all of them), so each is tagged ``fresh``: the build pass skips its defensive copy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from recipekit.resolver.registry import tag

F = TypeVar("F", bound=Callable[..., Any])


def builtin(namespace: str, name: str, *aliases: str) -> Callable[[F], F]:
    """Decorator: mark ``func`` as the built-in factory ``namespace:name`` with ``aliases``."""

    def decorate(func: F) -> F:
        tag(func, name, namespace, aliases, fresh=True)
        return func

    return decorate
