"""The public API: the resolver's pipeline with the default registry filled in.

Every function takes ``registry=`` (default: ``recipekit.defaults.default_registry()``, the
built-ins plus whatever ``@recipekit.factory`` registered) and passes everything else to
``recipekit.resolver.pipeline``, where the passes are spelled once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from recipekit.defaults import default_registry
from recipekit.resolver import caches, pipeline, serialize
from recipekit.resolver.build import Origin
from recipekit.resolver.document import Document
from recipekit.resolver.errors import RecipekitError
from recipekit.resolver.nodes import AllowImports
from recipekit.resolver.pipeline import Options, Resolution
from recipekit.resolver.registry import Registry
from recipekit.resolver.serialize import FormatName, FormName

Source = str | os.PathLike | dict | list | Document


def _registry(registry: Registry | None) -> Registry:
    return registry if registry is not None else default_registry()


def resolve_full(
    source: Source,
    overrides: Iterable[str] = (),
    *,
    registry: Registry | None = None,
    allow_imports: AllowImports = (),
    record: bool = False,
    base_dir: str | None = None,
    validate: bool = True,
    entrypoint: str | None = None,
    keep_base: bool = True,
    include_roots: Iterable[str] = (),
) -> Resolution:
    """Resolve ``source`` and keep the document, the pre-override data (unless ``keep_base``
    is false: only the ``factory`` form needs it) and provenance. ``validate=False`` skips the
    registry's validators (ModelOpt 0.47.0's recipe schema). With ``entrypoint`` (a registered
    entry point), or a document whose root ``_target_`` with ``_partial_: true`` names one, the
    document is typed by that callable's signature and the result is its keyword arguments (see
    ``resolver/entrypoint.py``)."""
    options = Options(
        allow_imports,
        record,
        base_dir,
        validate=validate,
        entrypoint=entrypoint,
        keep_base=keep_base,
        include_roots=tuple(map(str, include_roots)),
    )
    return pipeline.run(source, overrides, registry=_registry(registry), options=options)


def resolve(
    source: Source,
    overrides: Iterable[str] = (),
    *,
    registry: Registry | None = None,
    allow_imports: AllowImports = (),
    base_dir: str | None = None,
    validate: bool = True,
    entrypoint: str | None = None,
    include_roots: Iterable[str] = (),
) -> Any:
    """Resolve a registered name (optionally in call syntax), a YAML path, YAML text or plain
    data into plain data, applying dot-list ``overrides`` to the result; the result is
    validated by the registry's validators unless ``validate=False``. With ``entrypoint`` the
    document is that callable's arguments and the result its typed keyword arguments.

    Raises ``RecipekitError`` (often a ``ProblemReport`` of several problems) for bad input."""
    return resolve_full(
        source,
        overrides,
        registry=registry,
        allow_imports=allow_imports,
        base_dir=base_dir,
        validate=validate,
        entrypoint=entrypoint,
        keep_base=False,
        include_roots=include_roots,
    ).data


def check(
    source: Source,
    overrides: Iterable[str] = (),
    *,
    registry: Registry | None = None,
    allow_imports: AllowImports = (),
    base_dir: str | None = None,
    validate: bool = True,
    include_roots: Iterable[str] = (),
) -> list[RecipekitError]:
    """Every problem of ``source`` (and ``overrides``) found without calling any factory,
    including what the registry's validators find in the document's plain data."""
    options = Options(
        allow_imports, False, base_dir, validate, include_roots=tuple(map(str, include_roots))
    )
    try:
        pipeline.run(
            source, overrides, registry=_registry(registry), options=options, until="check"
        )
    except RecipekitError as exc:
        return exc.problems
    return []


def load(
    path: str | os.PathLike,
    *,
    registry: Registry | None = None,
    include_roots: Iterable[str] = (),
) -> Any:
    """The document at ``path`` with ``@`` includes expanded, before interpolation and building."""
    from pathlib import Path

    options = Options(include_roots=tuple(map(str, include_roots)))
    return pipeline.run(
        Path(os.fspath(path)), registry=_registry(registry), options=options, until="load"
    ).data


def dump(
    data: Any,
    form: FormName = "expanded",
    format: FormatName = "yaml",
    *,
    registry: Registry | None = None,
    encode: bool = True,
) -> str:
    """Serialize resolved data (or a ``Resolution``) as ``form`` in ``format`` (yaml|json)."""
    if registry is None and isinstance(data, Resolution):
        registry = data.registry
    codecs = _registry(registry).codecs
    return serialize.dump(data, form, format, codecs=codecs, encode=encode)


def explain(resolution: Resolution, path: str) -> tuple[tuple, Origin | None]:
    """The origin of the value at dot ``path`` of a recorded resolution (nearest recorded prefix)."""
    return pipeline.explain(resolution, path)


def clear_caches() -> None:
    """Forget every parsed file, call-syntax parse and inspected signature: the next resolve
    reads, parses and inspects its input again. (File caches are keyed by path, mtime and size,
    so edits are seen without this; it exists for benchmarks and long-lived processes. Package
    data — ModelOpt's schemas and type tables, read from recipekit's own files — stays loaded,
    like an imported module: ``recipekit.resolver.caches.clear(resident=True)`` drops it too.)"""
    caches.clear()
