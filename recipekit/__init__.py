"""recipekit: model-quantization recipes as registered Python factories, YAML as a thin front end.

Public API (imported lazily, so ``import recipekit`` and the CLI start fast)::

    recipekit.factory      register a function (@recipekit.factory / @recipekit.factory(name=...))
    recipekit.entrypoint   register a callable whose signature types a document (NeMo-Run style)
    recipekit.registry     the default Registry (recipekit's built-ins load on first use)
    recipekit.Registry     make your own registry and pass it as ``registry=``
    recipekit.Validator    a domain check of resolved documents (``Registry.add_validator``)
    recipekit.resolve      source (name, path, YAML text or data) + overrides -> plain data
    recipekit.resolve_full the same, keeping document, provenance and pre-override data
    recipekit.check        every problem of a source, found without calling anything
    recipekit.load         a YAML file with @includes expanded, not yet resolved
    recipekit.dump         data (or a Resolution) -> YAML/JSON text in one of four forms
    recipekit.explain      where the value at a path came from
    recipekit.clear_caches forget parsed files and checks (benchmarks, long-lived processes)
    recipekit.RecipekitError  the base class of every error for bad input
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "factory": ("recipekit.defaults", "factory"),
    "entrypoint": ("recipekit.defaults", "entrypoint"),
    "Registry": ("recipekit.resolver.registry", "Registry"),
    "Codec": ("recipekit.resolver.registry", "Codec"),
    "Reader": ("recipekit.resolver.registry", "Reader"),
    "Validator": ("recipekit.resolver.registry", "Validator"),
    "resolve": ("recipekit.api", "resolve"),
    "resolve_full": ("recipekit.api", "resolve_full"),
    "check": ("recipekit.api", "check"),
    "Resolution": ("recipekit.resolver.pipeline", "Resolution"),
    "load": ("recipekit.api", "load"),
    "dump": ("recipekit.api", "dump"),
    "explain": ("recipekit.api", "explain"),
    "clear_caches": ("recipekit.api", "clear_caches"),
    "RecipekitError": ("recipekit.resolver.errors", "RecipekitError"),
    "ProblemReport": ("recipekit.resolver.errors", "ProblemReport"),
}

__all__ = [  # noqa: RUF022 (grouped as in the docstring)
    "factory",
    "entrypoint",
    "registry",
    "Registry",
    "Codec",
    "Reader",
    "Validator",
    "resolve",
    "resolve_full",
    "check",
    "Resolution",
    "load",
    "dump",
    "explain",
    "clear_caches",
    "RecipekitError",
    "ProblemReport",
]

if TYPE_CHECKING:
    from recipekit.api import check, clear_caches, dump, explain, load, resolve, resolve_full
    from recipekit.defaults import entrypoint, factory
    from recipekit.resolver.errors import ProblemReport, RecipekitError
    from recipekit.resolver.pipeline import Resolution
    from recipekit.resolver.registry import Codec, Reader, Registry, Validator

    registry: Registry


def __getattr__(name: str) -> Any:
    if name == "registry":
        from recipekit.defaults import default_registry

        return default_registry()
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'recipekit' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
