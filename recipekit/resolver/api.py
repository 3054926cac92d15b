"""The public entry points: ``resolve``, ``load``, ``dump``, ``explain``.

``resolve`` runs the passes in order, each a small module over plain data:

    load (document) -> interpolate -> check (+ parse overrides) -> build -> override -> hooks

Problems found by ``check`` and by parsing the overrides are raised together, before any factory
runs. ``Resolution`` keeps what the later forms need: the document (for the ``factory`` form),
the data before overrides, and the provenance of every value (for ``explain``/``annotated``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from typing import Any

from . import caches, keys, nodes, paths, serialize, yamlio
from . import overrides as ov
from .build import Builder, Origin
from .check import check
from .document import Document, Loader, looks_like_path
from .errors import (
    BadArgumentError,
    RecipekitError,
    SourceError,
    YamlError,
    closest,
    format_path,
    raise_collected,
)
from .interpolate import interpolate
from .registry import Registry, default_registry

Source = str | os.PathLike | dict | list | Document
_NAME = re.compile(r"^[\w./:-]+(\(.*\))?$", re.S)
_CALL_START = re.compile(r"^[\w./:-]+\(")


class Resolution:
    """Everything one resolution produced: the ``data``; the ``document`` it came from (for the
    ``factory`` form); ``base``, the data before overrides; ``origins``, the provenance of every
    value when recorded; the ``overrides`` applied; the ``registry`` used; and ``spans``, how many
    result items each document list item became."""

    __slots__ = ("base", "data", "document", "origins", "overrides", "registry", "spans")

    def __init__(
        self,
        data: Any,
        document: Document,
        base: Any,
        origins: dict[tuple, Origin] | None,
        overrides: tuple[str, ...] = (),
        *,
        registry: Registry | None = None,
        spans: dict[int, list[tuple[int, bool]]] | None = None,
    ) -> None:
        self.data, self.document, self.base, self.origins = data, document, base, origins
        self.overrides, self.registry, self.spans = overrides, registry, spans or {}

    def __repr__(self) -> str:
        return f"Resolution(data={self.data!r}, overrides={self.overrides!r})"


def _registry(registry: Registry | None) -> Registry:
    return registry if registry is not None else default_registry()


def _decoders(registry: Registry) -> tuple:
    return tuple(c.decode for c in registry.codecs)


#: cheap pre-filter before asking the ModelOpt loader whether a file is one of its documents
_MODELOPT_HINT = re.compile(r"\$import|^imports\s*:", re.M)


def load_document(
    source: Source,
    *,
    registry: Registry | None = None,
    base_dir: str | None = None,
    include_roots: Iterable[str] = (),  # hardening (issue 10): extra roots for @file includes
) -> Document:
    """Pass 1: any source as a ``Document`` (includes expanded, codecs decoded)."""
    reg = _registry(registry)
    loader = Loader(_decoders(reg), include_roots=include_roots)
    if isinstance(source, Document):
        return source
    if isinstance(source, os.PathLike):
        return _from_file(loader, os.fspath(source), reg)
    if isinstance(source, str):
        text = source.strip()
        if looks_like_path(text):
            return _from_file(loader, text, reg)
        if "\n" not in text and (_NAME.match(text) or _CALL_START.match(text)) and ": " not in text:
            name = text.partition("(")[0]
            if name in reg:
                return loader.from_data({keys.FACTORY: text}, base_dir=base_dir)
            if os.path.isfile(text):
                return _from_file(loader, text, reg)
            if "(" in text or "/" in text or "_" in text or "-" in text:
                reg.get(name)  # raises UnknownFactoryError with did-you-mean
        if _CALL_START.match(text) and "\n" not in text:
            from .callsyntax import parse_call

            parse_call(text)  # a call with a syntax error: say so rather than read it as YAML
        if _MODELOPT_HINT.search(source):
            from recipekit.interop.modelopt_imports import is_modelopt_document, loads_modelopt

            if is_modelopt_document(source):
                paths = [base_dir] if base_dir else []
                return Document(loads_modelopt(source, registry=reg, search_paths=paths))
        return loader.from_text(source, base_dir=base_dir)
    return loader.from_data(source, base_dir=base_dir)


def _from_file(loader: Loader, path: str, reg: Registry) -> Document:
    if not os.path.isfile(path):
        raise SourceError(
            f"no such file: {path}", expected="a YAML file, a registered name, or YAML text"
        )
    if path.lower().endswith((".yaml", ".yml")) and _is_modelopt_file(path):
        from recipekit.interop.modelopt_imports import load_modelopt

        data = load_modelopt(path, registry=reg)
        return Document(data, os.fspath(path), [], [os.path.abspath(path)])
    return loader.from_file(path)


_KINDS = caches.table("api.modelopt_kind", limit=512)


def _is_modelopt_file(path: str) -> bool:
    """Whether a file is a ModelOpt ``$import`` document (remembered per path, mtime and size)."""
    st = os.stat(path)
    key = (os.path.abspath(path), st.st_mtime_ns, st.st_size)
    found = _KINDS.get(key)
    if found is None:
        from .document import read_text  # hardening (issue 10): a bounded read of a regular file

        head = read_text(path)[0]
        found = False
        if _MODELOPT_HINT.search(head):
            from recipekit.interop.modelopt_imports import is_modelopt_document

            found = is_modelopt_document(head)
        _KINDS.put(key, found)
    return found


class FilePath(os.PathLike):
    """A str path that is always treated as a file (not a name or YAML text)."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __fspath__(self) -> str:
        return self.path


def _value_parser(reg: Registry) -> Any:
    decoders = _decoders(reg)

    def parse_value(text: str, key: Any) -> Any:
        value = yamlio.load(text, "<override>") if text.strip() else None
        for decode in decoders:
            value = decode(key, value)
        return value

    return parse_value


def resolve_full(
    source: Source,
    overrides: Iterable[str] = (),
    *,
    registry: Registry | None = None,
    allow_imports: nodes.AllowImports = (),
    record: bool = False,
    base_dir: str | None = None,
    include_roots: Iterable[str] = (),
) -> Resolution:
    """Resolve ``source`` and keep the document, the pre-override data and provenance.
    ``include_roots`` are directories ``@file`` includes may read besides the document's own
    directory and the current one (see docs/security.md)."""
    reg = _registry(registry)
    texts = tuple(overrides)
    try:
        doc = load_document(source, registry=reg, base_dir=base_dir, include_roots=include_roots)
        doc.data = interpolate(doc)
        problems = check(doc, reg, allow_imports)
        parsed: list[ov.Override] = []
        try:
            parsed = ov.parse_all(texts, _value_parser(reg))
        except RecipekitError as exc:
            problems.extend(exc.problems)
        raise_collected(problems, doc.file)
        builder = Builder(doc, reg, allow_imports, record)
        data = builder.build(doc.data)
        base = data
        if parsed:
            base = _snapshot(data)
            data = _apply_overrides(data, parsed, builder, reg, allow_imports, include_roots)
        for hook in reg.hooks:
            try:
                data = hook(data)
            except RecipekitError as exc:
                raise exc.located(mark=mark_at(doc, exc.path)) from None
    except RecursionError:
        raise YamlError(
            "the document is nested too deeply or refers to itself",
            expected="a finite tree of modest depth",
        ) from None
    return Resolution(data, doc, base, builder.origins, texts, spans=builder.spans, registry=reg)


def mark_at(doc: Document, path: Sequence[object]) -> Any:
    """The mark of the deepest value along ``path`` that the document itself holds."""
    node, best = doc.data, None
    for key in path:
        if (isinstance(node, dict) and key in node) or (
            isinstance(node, list) and isinstance(key, int) and -len(node) <= key < len(node)
        ):
            best = doc.where(node, key) or best
            node = node[key]
        else:
            break
    return best


def clear_caches() -> None:
    """Forget every parsed file and call-syntax parse: the next resolve reads and parses its
    input again. (File caches are keyed by path, mtime and size, so edits are seen without this;
    it exists for benchmarks and long-lived processes. Signatures stay cached: they belong to
    functions, not to inputs.)"""
    caches.clear()


def _snapshot(value: Any) -> Any:
    """A snapshot that later in-place overrides cannot reach (objects included)."""
    import copy

    try:
        return copy.deepcopy(value)
    except Exception:
        from .build import fresh

        return fresh(value)


def _apply_overrides(
    data: Any,
    parsed: Sequence[ov.Override],
    builder: Builder,
    reg: Registry,
    allow: Any,
    include_roots: Iterable[str] = (),
) -> Any:
    # hardening (issue 10): @file values may read under the document's directory too
    roots = tuple(include_roots)
    if builder.doc.file and os.path.exists(builder.doc.file):
        roots = (*roots, os.path.dirname(os.path.abspath(builder.doc.file)))
    loader = Loader(_decoders(reg), include_roots=roots)

    def build_value(value: Any, path: tuple) -> Any:
        sub = loader.from_data(value) if isinstance(value, (str, dict, list)) else Document(value)
        sub.data = interpolate(sub)
        raise_collected(check(sub, reg, allow), "override")
        return Builder(sub, reg, allow).build(sub.data, path)

    def record(path: tuple, text: str) -> None:
        if builder.origins is not None:
            for key in [k for k in builder.origins if k[: len(path)] == path]:
                del builder.origins[key]
            builder.origins[path] = Origin("override", text)

    for override in parsed:
        data = ov.apply(data, override, build=build_value, record=record)
    return data


def resolve(
    source: Source,
    overrides: Iterable[str] = (),
    *,
    registry: Registry | None = None,
    allow_imports: nodes.AllowImports = (),
    base_dir: str | None = None,
    include_roots: Iterable[str] = (),
) -> Any:
    """Resolve a registered name (optionally in call syntax), a YAML path, YAML text or plain
    data into plain data, applying dot-list ``overrides`` to the result.

    Raises ``RecipekitError`` (often a ``ProblemReport`` of several problems) for bad input."""
    return resolve_full(
        source,
        overrides,
        registry=registry,
        allow_imports=allow_imports,
        base_dir=base_dir,
        include_roots=include_roots,
    ).data


def load(
    path: str | os.PathLike,
    *,
    registry: Registry | None = None,
    include_roots: Iterable[str] = (),
) -> Any:
    """The document at ``path`` with ``@`` includes expanded, before interpolation and building."""
    return load_document(
        FilePath(os.fspath(path)), registry=registry, include_roots=include_roots
    ).data


def dump(
    data: Any,
    form: str = "expanded",
    format: str = "yaml",
    *,
    registry: Registry | None = None,
    encode: bool = True,
) -> str:
    """Serialize resolved data (or a ``Resolution``) as ``form`` in ``format`` (yaml|json)."""
    if form not in serialize.FORMS:
        raise BadArgumentError(
            f"unknown form {form!r}", expected="one of " + ", ".join(serialize.FORMS)
        )
    if format not in serialize.FORMATS:
        raise BadArgumentError(
            f"unknown format {format!r}", expected="one of " + ", ".join(serialize.FORMATS)
        )
    resolution = data if isinstance(data, Resolution) else None
    reg = _registry(
        registry if registry is not None else resolution.registry if resolution else None
    )
    # codecs write YAML spellings; JSON is for machines: tuples as lists, like ModelOpt's goldens
    encoders = tuple(c.encode for c in reg.codecs) if encode and format == "yaml" else ()
    value = resolution.data if resolution else data
    json_keys = format == "json"
    if form == "factory":
        if resolution is None:
            raise BadArgumentError("the factory form needs a Resolution (use resolve_full)")
        try:
            value = serialize.fold(
                resolution.document.data, resolution.base, resolution.data, resolution.spans
            )
        except serialize.CannotFold as exc:
            raise BadArgumentError(
                f"cannot write the overrides as _factory_ siblings: {exc}",
                hint="use the expanded form",
            ) from None
        plain = serialize.to_plain(value, encoders=encoders, json_keys=json_keys)
    elif form == "nemo-run":
        plain = serialize.to_plain(value, encoders=encoders, json_keys=json_keys, nemo=True)
        if format == "yaml":
            return serialize.emit_yaml(plain, sort_keys=True)
        return serialize.emit_json(plain)
    elif form == "annotated":
        if resolution is None or resolution.origins is None:
            raise BadArgumentError("the annotated form needs a Resolution made with record=True")
        if format != "yaml":
            raise BadArgumentError("the annotated form is YAML only (comments)")
        return serialize.annotated(serialize.to_plain(value, encoders=encoders), resolution.origins)
    else:
        plain = serialize.to_plain(value, encoders=encoders, json_keys=json_keys)
    return serialize.emit_yaml(plain) if format == "yaml" else serialize.emit_json(plain)


def explain(resolution: Resolution, path: str) -> tuple[tuple, Origin | None]:
    """The origin of the value at dot ``path`` of a recorded resolution (nearest recorded prefix)."""
    if resolution.origins is None:
        raise BadArgumentError("explain needs a Resolution made with record=True")
    probe = ov.parse(f"{path}=0", lambda text, key: None)
    concrete: tuple = ()
    node = resolution.data
    for step in probe.steps:
        if step.select is not None:
            hits = paths.select(node, *step.select) if isinstance(node, list) else []
            if not hits:
                raise BadArgumentError(
                    f"no item of {format_path(concrete)} has {step.select[0]}={step.select[1]}",
                    path=concrete,
                    suggestions=closest(step.select[1], paths.values_of(node, step.select[0]))
                    if isinstance(node, list)
                    else (),
                )
            key = hits[-1]  # the last match is the one that wins in a rule list
        else:
            key = paths.child(node, step.key)
            if key is paths.MISSING:
                raise BadArgumentError(
                    f"{format_path((*concrete, step.key))} does not exist",
                    path=concrete,
                    suggestions=closest(str(step.key), paths.choices(node)),
                    choices=paths.choices(node)[:40],
                )
        node = paths.get(node, key)
        concrete = (*concrete, key)
    for cut in range(len(concrete), -1, -1):
        origin = resolution.origins.get(concrete[:cut])
        if origin is not None:
            return concrete, origin
    return concrete, None
