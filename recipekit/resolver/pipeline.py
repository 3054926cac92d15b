"""The passes, spelled once: every resolution — ``resolve``, ``check``, the command line, and the
value of an override — runs this sequence over plain data::

    load (sources) -> interpolate -> check -> build -> overrides -> hooks

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

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from . import nodes, paths, sources, yamlio
from . import overrides as ov
from .build import Builder, Origin, fresh
from .check import check
from .document import Document, Loader
from .errors import BadArgumentError, RecipekitError, YamlError, raise_collected
from .interpolate import interpolate
from .registry import Registry

PASSES = ("load", "interpolate", "check", "build", "overrides", "hooks")


class Options(NamedTuple):
    """How to resolve: which imports a document may make, whether to record provenance, the
    directory relative ``@`` includes of text and data sources start from, and whether
    ``Resolution.base`` must survive the overrides (``resolve`` keeps only the data, so it
    skips the snapshot; ``base`` is then None once overrides applied)."""

    allow_imports: nodes.AllowImports = ()
    record: bool = False
    base_dir: str | None = None
    keep_base: bool = True


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
    until: str = "hooks",
) -> Resolution:
    """Run the passes over ``source`` up to and including ``until`` (one of ``PASSES``)."""
    options = options or Options()
    if until not in PASSES:
        raise BadArgumentError(f"unknown pass {until!r}", expected="one of " + ", ".join(PASSES))
    stop = PASSES.index(until)
    texts = tuple(overrides)
    parsed: list[ov.Override] = []
    try:
        doc = sources.load(source, registry, base_dir=options.base_dir)
        res = Resolution(doc.data, doc, doc.data, None, texts, registry=registry)
        if stop >= 1:
            res.data = doc.data = interpolate(doc)
        if stop >= 2:
            problems = check(doc, registry, options.allow_imports)
            parsed = _parse_overrides(texts, registry, problems) if texts else []
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
                    raise exc.located(mark=mark_at(doc, exc.path)) from None
    except RecursionError:
        raise YamlError(
            "the document is nested too deeply or refers to itself",
            expected="a finite tree of modest depth",
        ) from None
    return res


def _parse_overrides(
    texts: Sequence[str], registry: Registry, problems: list[RecipekitError]
) -> list[ov.Override]:
    """Parse every override; their problems join the document's."""
    decoders = tuple(c.decode for c in registry.codecs)

    def parse_value(text: str, key: Any) -> Any:
        value = yamlio.load(text, "<override>") if text.strip() else None
        for decode in decoders:
            value = decode(key, value)
        return value

    try:
        return ov.parse_all(texts, parse_value)
    except RecipekitError as exc:
        problems.extend(exc.problems)
        return []


def _apply_overrides(
    data: Any,
    parsed: Sequence[ov.Override],
    builder: Builder,
    registry: Registry,
    options: Options,
) -> Any:
    loader = Loader(tuple(c.decode for c in registry.codecs))
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


def mark_at(doc: Document, path: Sequence[object]) -> Any:
    """The mark of the deepest value along ``path`` that the document itself holds."""
    node, best = doc.data, None
    for key in path:
        found = paths.child(node, key) if isinstance(node, (dict, list)) else paths.MISSING
        if found is paths.MISSING:
            break
        best = doc.where(node, found) or best
        node = node[found]
    return best


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
