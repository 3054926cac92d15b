"""The passes, spelled once: every resolution — ``resolve``, ``check``, the command line, and the
value of an override — runs this sequence over plain data::

    load (sources) -> interpolate -> check -> build -> overrides -> hooks -> validate

``run(source, overrides, registry=..., until=PASS)`` runs the passes up to and including
``until`` and returns a ``Resolution``. Problems found by ``check`` and by parsing the overrides
are raised together, before any factory runs. ``Resolution`` keeps what the later forms need: the
document (for the ``factory`` form), the data before overrides, and the provenance of every
value (for ``explain`` and the ``annotated`` form).

An override's value is a small document of its own and goes through the same passes; its
``${...}`` references see the document it lands in (``b.c=${a}`` reads ``a`` of the resolved
document).

The functions here take an explicit ``Registry``; ``recipekit.api`` supplies the default one.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from . import keys, nodes, paths, sources, yamlio
from . import overrides as ov
from . import validate as validation
from .build import Builder, Origin, fresh
from .check import check
from .document import Document, Loader, copy_marks
from .errors import BadArgumentError, RecipekitError, YamlError, raise_collected
from .interpolate import interpolate
from .registry import Registry
from .yamlio import SourceMap

PASSES = ("load", "interpolate", "check", "build", "overrides", "hooks", "validate")


class Options(NamedTuple):
    """How to resolve: which imports a document may make, whether to record provenance, the
    directory relative ``@`` includes of text and data sources start from, whether the
    registry's validators check the result (or, when stopping at ``check``, the document), the
    entry point whose signature types the document (``entrypoint.py``), and whether
    ``Resolution.base`` must survive the overrides (``resolve`` keeps only the data, so it
    skips the snapshot; ``base`` is then None once overrides applied)."""

    allow_imports: nodes.AllowImports = ()
    record: bool = False
    base_dir: str | None = None
    validate: bool = True
    entrypoint: str | None = None
    keep_base: bool = True
    #: directories ``@file`` includes may read besides the document's own and the current one
    include_roots: tuple[str, ...] = ()


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
        base: Any = None,
        origins: dict[tuple, Origin] | None = None,
        overrides: tuple[str, ...] = (),
        *,
        registry: Registry | None = None,
        spans: dict[int, list[tuple[int, bool]]] | None = None,
    ) -> None:
        self.data, self.document, self.base, self.origins = data, document, base, origins
        self.overrides, self.registry, self.spans = overrides, registry, spans or {}

    def __repr__(self) -> str:
        return f"Resolution(data={self.data!r}, overrides={self.overrides!r})"


def run(
    source: Any,
    overrides: Iterable[str] = (),
    *,
    registry: Registry,
    options: Options | None = None,
    until: str = "validate",
) -> Resolution:
    """Run the passes over ``source`` up to and including ``until`` (one of ``PASSES``)."""
    options = options or Options()
    if until not in PASSES:
        raise BadArgumentError(f"unknown pass {until!r}", expected="one of " + ", ".join(PASSES))
    stop = PASSES.index(until)
    texts = tuple(overrides)
    parsed: list[ov.Override] = []
    try:
        doc = sources.load(
            source, registry, base_dir=options.base_dir, include_roots=options.include_roots
        )
        res = Resolution(doc.data, doc, doc.data, None, texts, registry=registry)
        override_problems: list[RecipekitError] = []
        if stop >= 1:
            if stop >= 2 and texts:
                parsed = _parse_overrides(texts, registry, override_problems)
                doc.data = _reaching_references(doc, parsed)
            res.data = doc.data = interpolate(doc)
        spec = _entry_point(doc.data, registry, options) if stop >= 2 else None
        if spec is not None:  # typed by an entry point: its own order of passes
            return _run_typed(doc, texts, spec, registry, options)
        if stop >= 2:  # validators check the document itself only when nothing is built
            validate_doc = options.validate and stop == PASSES.index("check")
            problems = check(doc, registry, options.allow_imports, validate=validate_doc)
            problems += override_problems
            raise_collected(problems, doc.file)
        if stop >= 3:
            builder = Builder(doc, registry, options.allow_imports, options.record)
            res.data = res.base = builder.build(doc.data)
            res.origins, res.spans = builder.origins, builder.spans
        if stop >= 4 and parsed:
            res.base = _snapshot(res.data) if options.keep_base else None
            res.data = _apply_overrides(res.data, parsed, builder, registry, options)
        if stop >= 5:
            for hook in registry.hooks:
                try:
                    res.data = hook(res.data)
                except RecipekitError as exc:
                    raise exc.located(mark=doc.mark_at(exc.path)) from None
        if stop >= 6 and options.validate:
            _validate(res, source, registry, options)
    except RecursionError:
        raise YamlError(
            "the document is nested too deeply or refers to itself",
            expected="a finite tree of modest depth",
        ) from None
    return res


def _reaching_references(doc: Document, parsed: Sequence[ov.Override]) -> Any:
    """The document with each ``PATH=VALUE`` override that a ``${...}`` reference reads
    already set, so that references see overridden values as in Hydra and OmegaConf
    (``defaults.algo=max`` reaches ``algorithm: ${defaults.algo}``). Only plain ``=`` with key
    and index steps, on a path that runs through the document's own data (no factory or target
    node on the way); the override still applies to the result afterwards, as every override
    does. Other operators, selectors and paths into factory results edit the result only."""
    from .interpolate import references

    read = references(doc.data) if parsed else set()
    data = doc.data
    for override in parsed:
        steps = tuple(str(s.key) for s in override.steps)
        if (
            override.op != "="
            or override.add
            or any(s.select is not None for s in override.steps)
            or not any(r[: len(steps)] == steps or steps[: len(r)] == r for r in read)
        ):
            continue
        data = _set_plain(doc, data, [s.key for s in override.steps], override.value)
    return data


def _set_plain(doc: Document, node: Any, steps: list, value: Any) -> Any:
    """``node`` with the value at ``steps`` replaced (copy-on-write, marks kept), or ``node``
    itself where the path leaves the document's plain data."""
    if not steps:
        return value
    plain = isinstance(node, list) or (
        isinstance(node, dict) and not any(k in keys.RESERVED for k in node)
    )
    key = paths.child(node, steps[0]) if plain else paths.MISSING
    if key is paths.MISSING:
        return node
    new = _set_plain(doc, node[key], steps[1:], value)
    if new is node[key]:
        return node
    copy: Any = dict(node) if isinstance(node, dict) else list(node)
    copy[key] = new
    copy_marks(doc, node, copy)
    return copy


def _value_parser(registry: Registry) -> Any:
    """How an override's VALUE text becomes data: YAML (flow literals checked), ``None``, or an
    ``@file.yaml[:section]`` include (expanded when the value is loaded), then the codecs."""
    decoders = tuple(c.decode for c in registry.codecs)

    def parse_value(text: str, key: Any) -> Any:
        raw = text.strip()
        if raw == "None" or raw.startswith(keys.INCLUDE_PREFIX):
            return None if raw == "None" else raw
        ov.check_flow_literal(text)
        value = yamlio.load(text, "<override>") if raw else None
        for decode in decoders:
            value = decode(key, value)
        return value

    return parse_value


def _parse_overrides(
    texts: Sequence[str], registry: Registry, problems: list[RecipekitError]
) -> list[ov.Override]:
    """Parse every override; their problems join the document's."""
    try:
        return ov.parse_all(texts, _value_parser(registry))
    except RecipekitError as exc:
        problems.extend(exc.problems)
        return []


def _value_loader(registry: Registry, options: Options, doc: Document) -> Loader:
    """The loader of override values: ``@file`` values may read under the top-level document's
    directory too (besides the current one and ``include_roots``), as its own includes do."""
    roots = options.include_roots
    if doc.file and os.path.exists(doc.file):
        roots = (*roots, os.path.dirname(os.path.abspath(doc.file)))
    return Loader(tuple(c.decode for c in registry.codecs), include_roots=roots)


def _apply_overrides(
    data: Any,
    parsed: Sequence[ov.Override],
    builder: Builder,
    registry: Registry,
    options: Options,
) -> Any:
    loader = _value_loader(registry, options, builder.doc)
    root = [data]

    def build_value(value: Any, path: tuple) -> Any:
        """The value's own passes: load, interpolate (against the document it lands in),
        check, build."""
        if type(value) in _INERT:  # no include, reference or node: every pass keeps it
            return value
        sub = loader.from_data(value, base_dir=options.base_dir)
        sub.data = interpolate(sub, root=root[0], at=path)
        if type(sub.data) in _INERT or type(sub.data) is str:  # no node: check, build keep it
            return sub.data
        raise_collected(check(sub, registry, options.allow_imports), "override")
        return Builder(sub, registry, options.allow_imports).build(sub.data, path)

    def record(path: tuple, text: str) -> None:
        if builder.origins is not None:
            for key in [k for k in builder.origins if k[: len(path)] == path]:
                del builder.origins[key]
            builder.origins[path] = Origin("override", text)

    for override in parsed:
        root[0] = ov.apply(root[0], override, build=build_value, record=record)
    return root[0]


def _entry_point(data: Any, registry: Registry, options: Options) -> Any:
    """The entry point that types ``data``, if any (``entrypoint.py`` is imported only when a
    caller names one or the root is a ``_target_`` with ``_partial_: true``, its two spellings)."""
    if options.entrypoint is None and not (
        isinstance(data, dict) and keys.TARGET in data and data.get(keys.PARTIAL) is True
    ):
        return None
    from . import entrypoint as entrypoints

    return entrypoints.select(data, registry, options.entrypoint)


def _run_typed(
    doc: Document, texts: tuple[str, ...], spec: Any, registry: Registry, options: Options
) -> Resolution:
    """The passes for a document typed by an entry point (NeMo-Run's order): check ->
    overrides on the *document* (typed by the signature) -> typed build -> hooks. ``data`` is
    the entry point's keyword arguments; ``document`` the argument document after overrides
    (what ``--to-yaml`` writes)."""
    from . import entrypoint as entrypoints

    allow = options.allow_imports
    # marks of copied containers go to a table of this resolution only (the document's own
    # tables may belong to the file cache)
    typed = Document(
        entrypoints.strip_root(doc.data, spec), doc.file, [SourceMap(), *doc.marks], doc.files
    )
    if typed.data is not doc.data:  # a root _target_ names the entry point
        copy_marks(typed, doc.data, typed.data)
    raise_collected(check(typed, registry, allow), doc.file)
    if texts:
        loader = _value_loader(registry, options, doc)
        parse = _value_parser(registry)
        typed.data = entrypoints.apply_overrides(
            typed.data,
            texts,
            spec,
            registry,
            lambda text: loader.from_data(parse(text, None), base_dir=options.base_dir).data,
            lambda old, new: copy_marks(typed, old, new),
        )
    builder = Builder(typed, registry, allow)
    data: Any = entrypoints.build(typed.data, spec, registry, builder.build, typed.where)
    for hook in registry.hooks:
        data = hook(data)
    return Resolution(data, typed, typed.data, None, texts, registry=registry)


_INERT = frozenset({bool, int, float, type(None)})


def _snapshot(value: Any) -> Any:
    """A snapshot that later in-place overrides cannot reach (objects included): plain data
    (what every built-in returns) is copied directly, anything holding other objects by
    ``copy.deepcopy``."""
    try:
        return _plain_copy(value)
    except _NotPlain:
        pass
    import copy

    try:
        return copy.deepcopy(value)
    except Exception:
        return fresh(value)


def _validate(res: Resolution, source: Any, registry: Registry, options: Options) -> None:
    """Pass 7: the registry's validators; their problems are located by provenance, recorded
    by resolving once more only when there are problems."""
    found = validation.problems(res.data, registry, validation.root_entry(res.document))
    if not found:
        return
    origins = res.origins
    if origins is None:
        again = options._replace(record=True, validate=False)
        origins = run(source, res.overrides, registry=registry, options=again).origins
    validation.locate(found, origins, res.document.mark_at)
    raise_collected(found, res.document.file)


class _NotPlain(Exception):
    pass


_ATOMS = frozenset({str, int, float, bool, type(None), bytes, complex})


def _plain_copy(value: Any) -> Any:
    """A copy of plain data (exact ``dict``/``list``/``tuple`` over atoms); ``_NotPlain`` when
    anything else is met (an object could be mutated in place by an override)."""
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {k: v if type(v) in _ATOMS else _plain_copy(v) for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _ATOMS else _plain_copy(v) for v in value]
    if kind is tuple:
        return tuple([v if type(v) in _ATOMS else _plain_copy(v) for v in value])
    raise _NotPlain


def explain(resolution: Resolution, path: str) -> tuple[tuple, Origin | None]:
    """The origin of the value at ``path`` of a recorded resolution (nearest recorded prefix);
    a selector names the last matching item, the one that wins in a rule list."""
    if resolution.origins is None:
        raise BadArgumentError("explain needs a Resolution made with record=True")
    concrete: tuple = ()
    for step in paths.parse(path):
        hits = paths.find(resolution.data, [step], what=f"explain {path}", start=concrete)
        concrete = hits[-1]
    for cut in range(len(concrete), -1, -1):
        origin = resolution.origins.get(concrete[:cut])
        if origin is not None:
            return concrete, origin
    return concrete, None
