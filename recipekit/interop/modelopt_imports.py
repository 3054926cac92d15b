"""Read ModelOpt ``imports:`` / ``$import`` YAML files without ModelOpt, and convert them.

``load_modelopt(path)`` returns exactly the data ModelOpt 0.47.0's loader validates last (its
``resolved_pre_validation``): ExMy strings parsed, imports spliced, nothing defaulted. It needs
neither ModelOpt nor pydantic, only safe YAML. ``convert(path)`` rewrites such a file as a
recipekit ``_factory_`` document that resolves to the same data.

Architecture (one pass per concern, all pure functions of the files they read):

* ``_read`` parses one file with recipekit's safe YAML reader (``resolver.yamlio``: the data of
  ``yaml.safe_load_all``, libyaml's parser when available, bounded depth and alias expansion,
  duplicate keys refused), splits header and body of two-document files (a list body keeps only the
  header's ``imports``; a mapping body is merged ``{**header, **body}``), parses ExMy strings
  (``e4m3`` -> ``(4, 3)``) under the keys ``num_bits`` / ``scale_bits`` at any depth, and caches
  the result by ``(path, mtime, size)``. Cached data is never mutated: every later pass builds
  new containers.
* ``_Session`` locates and loads imports. An import path is probed, ``.yml`` then ``.yaml``
  unless it has a suffix, under each ``search_paths`` entry, then under each ancestor directory
  of the importing file, nearest first (the importing file's package root is the ancestor that
  holds the path). A path that is not on disk but is a registry alias (recipekit's factory
  library registers every ModelOpt file under its package-relative path without ``.yaml``) is
  satisfied by calling that factory; ``prefer_registry=True`` asks the registry first. Unlike
  ModelOpt, the CWD and the installed ``modelopt_recipes`` are not probed implicitly (pass them
  in ``search_paths``): the registry provides the built-ins, and nothing depends on where the
  process happens to run. Each file's imports are resolved eagerly, once per call (memoised on
  the resolved path), with cycle detection on resolved paths.
* ``_Resolver`` walks one file's body. ``{$import: a, k: v}`` / ``{$import: [a, b], ...}`` is a
  shallow merge: each snippet in turn, then the inline keys (resolved). A list entry whose only
  key is ``$import`` is spliced when the snippet is a list and appended otherwise. ModelOpt
  decides this from pydantic schemas (splice when the snippet's schema is the list type, append
  when it is the element type); with well-formed files the two rules agree, because a snippet
  of a list schema is a list and a snippet of an element schema is not (checked on all 150
  ModelOpt 0.47.0 files). Bare imports into untyped lists, which ModelOpt rejects, work here.
* Errors are ``RecipekitError`` subclasses carrying the file and line (``mark``, computed only
  when an error is raised), the key path in the document, and the import ``chain`` from the
  top file down.

Conversion (``convert``): the ``imports:`` section disappears and each ``$import`` of a snippet
becomes a ``_factory_`` reference to the registered alias of that snippet (a list entry
``- _factory_: configs/ptq/units/kv_fp8`` is spliced or appended by the resolver by the same
shape rule). Inline keys beside a mapping import become sibling keys of ``_factory_``. recipekit
merges a mapping sibling into a mapping field recursively while ModelOpt replaces it wholesale,
so where the two differ the converted node is the fully expanded mapping instead. A reference is
only emitted after checking that the registered factory returns exactly the imported data;
otherwise (or when nothing is registered) the snippet is inlined and a comment says so.

ExMy values: safe YAML cannot build tuples, so an ExMy tuple written in the converted file
itself is spelled the way ModelOpt spells it (``num_bits: e4m3``) when a codec of the target
registry reads that back as ``(4, 3)`` (the ModelOpt ExMy codec of ``recipekit.factories``,
installed in the default registry), and otherwise - or for a tuple under any other key - as a
call of the tiny helper ``exmy``: ``num_bits: {_factory_: "exmy('e4m3')"}``. The codec form is
the cleanest (identical to the source, diffable, and ModelOpt reads it too); the helper keeps
the output resolvable with any registry (``register_helpers(registry)`` registers it).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from recipekit.factories.codecs import EXMY_KEYS, EXMY_PATTERN, decode_exmy
from recipekit.resolver import caches, yamlio
from recipekit.resolver.build import fresh
from recipekit.resolver.document import read_text
from recipekit.resolver.errors import (
    CallError,
    CycleError,
    Mark,
    RecipekitError,
    SourceError,
    UnknownFactoryError,
    YamlError,
    closest,
)
from recipekit.resolver.keys import (
    FACTORY,
    INCLUDE_PREFIX,
    INCLUDE_SUFFIXES,
    INTERPOLATION_OPEN,
    RESERVED,
)
from recipekit.resolver.serialize import same

__all__ = [
    "ConvertError",
    "ModelOptImportError",
    "UnknownImportError",
    "convert",
    "exmy",
    "is_modelopt_document",
    "load_modelopt",
    "loads_modelopt",
    "register_helpers",
    "register_modelopt_files",
]

IMPORTS = "imports"
IMPORT = "$import"
SUFFIXES = (".yml", ".yaml")  # ModelOpt's probing order
EXMY_FACTORY = "exmy"

_SCHEMA_COMMENT = re.compile(r"^\s*#\s*modelopt-schema:")
_CANDIDATE = re.compile(r"^imports\s*:|\$import", re.MULTILINE)
_MISSING = object()


class ModelOptImportError(RecipekitError):
    """A ModelOpt ``imports:`` section or ``$import`` reference is malformed."""

    title = "modelopt import"


class UnknownImportError(ModelOptImportError):
    """``$import`` names something the file's ``imports:`` section does not declare."""

    title = "unknown import"


class ConvertError(RecipekitError):
    """A value cannot be written as recipekit YAML that resolves back to it."""

    title = "convert"


# --------------------------------------------------------------------------- public API
def exmy(spec: str) -> tuple[int, int]:
    """ExMy float format -> ``(exponent bits, mantissa bits)``: ``exmy('e4m3') == (4, 3)``."""
    match = EXMY_PATTERN.match(spec) if isinstance(spec, str) else None
    if match is None:
        raise ValueError(f"not an ExMy format: {spec!r} (expected e.g. 'e4m3', 'e2m1', 'e8m0')")
    return int(match.group(1)), int(match.group(2))


def is_modelopt_document(source: Any) -> bool:
    """True when ``source`` has a top-level ``imports:`` mapping or any ``$import`` key.

    ``source`` is YAML text (``str``), a file (``os.PathLike``) or already-parsed data.
    Text without either spelling is rejected without parsing.
    """
    if isinstance(source, os.PathLike):
        try:
            source = Path(source).read_text(encoding="utf-8")
        except OSError:
            return False
    if isinstance(source, str):
        if not _CANDIDATE.search(source):
            return False
        try:
            docs = yamlio.load_all(source)
        except RecipekitError:
            return False
        return any(_has_import_marker(doc, top=True) for doc in docs)
    return _has_import_marker(source, top=True)


def load_modelopt(
    path: str | os.PathLike[str],
    *,
    search_paths: Iterable[str | os.PathLike[str]] = (),
    registry: Any = None,
    prefer_registry: bool = False,
) -> Any:
    """Load a ModelOpt YAML file with its imports resolved (ModelOpt's pre-validation data).

    ``path`` is a file, or a package-relative name probed with ``.yml``/``.yaml`` in the CWD
    and then in ``search_paths``. ``registry`` (default: recipekit's default registry, consulted
    only when needed) satisfies imports that are not on disk; see the module docstring.
    """
    session = _Session(search_paths, registry, prefer_registry)
    file = session.find_top(path)
    return session.load_file(file, ())


def loads_modelopt(
    text: str,
    *,
    name: str = "<string>",
    search_paths: Iterable[str | os.PathLike[str]] = (),
    registry: Any = None,
    prefer_registry: bool = False,
) -> Any:
    """Like ``load_modelopt`` for YAML text; imports resolve via ``search_paths`` and the registry."""
    session = _Session(search_paths, registry, prefer_registry)
    raw = _split(_parse(text, name, ()), name, ())
    return session.resolve_raw(raw, None, ((name, name),))


def convert(
    path: str | os.PathLike[str],
    *,
    registry: Any = None,
    search_paths: Iterable[str | os.PathLike[str]] = (),
    prefer_registry: bool = False,
) -> str:
    """Rewrite a ModelOpt ``$import`` file as recipekit ``_factory_`` YAML (same resolved data)."""
    session = _Session(search_paths, registry, prefer_registry)
    file = session.find_top(path)
    chain = ((str(file), _key(file)),)
    raw = _read(file, ())
    imports = session.import_map(raw, file, chain)
    notes = [session.attach_reference(imp) for imp in (imports or {}).values()]
    exmy_text = _codec_reads_exmy(session.registry)
    body = _Converter(_Resolver(imports, raw, chain), exmy_text).node(raw.body, ())
    text = yaml.dump(
        body,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    head = [
        f"# Converted by `recipekit convert` from ModelOpt's {file.name} (imports -> _factory_)."
    ]
    head += [f"# note: {n}" for n in notes if n]
    head += _leading_comments(file)
    return "\n".join(head) + "\n\n" + text


def register_helpers(registry: Any) -> None:
    """Register the helpers converted files use (``exmy``) into ``registry`` (idempotent)."""
    if EXMY_FACTORY not in registry:
        registry.register(exmy, name=EXMY_FACTORY, namespace="modelopt")


def register_modelopt_files(
    root: str | os.PathLike[str],
    registry: Any,
    *,
    namespace: str = "modelopt",
    search_paths: Iterable[str | os.PathLike[str]] = (),
) -> list[Any]:
    """Register every YAML file under ``root`` as a factory named by its root-relative path
    without suffix (``configs/numerics/fp8``) that returns ``load_modelopt(file)``; also
    registers the helpers. Useful where recipekit's own factory library is not wanted."""
    root = Path(root)
    paths = (root, *map(Path, search_paths))
    register_helpers(registry)
    entries = []
    for file in sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
        name = file.relative_to(root).with_suffix("").as_posix()
        entries.append(
            registry.register(_file_factory(file, paths, registry), name=name, namespace=namespace)
        )
    return entries


# --------------------------------------------------------------------------- reading
@dataclass(frozen=True)
class _Raw:
    """One parsed file: its body (ExMy parsed, ``imports`` removed) and declared imports."""

    name: str
    body: Any
    imports: Any  # the ``imports:`` value as written (None when absent)


_RAW = caches.table("modelopt_imports.raw", limit=1024)


def _read(file: Path, chain: Sequence[tuple[str, str]]) -> _Raw:
    try:
        st = file.stat()
        key = (str(file), st.st_mtime_ns, st.st_size)
        hit = _RAW.get(key)
        if hit is not None:
            return hit
        text = read_text(file)[0]  # hardening (issue 10): regular files within the size limit
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {file}: {exc}", chain=_names(chain)) from exc
    raw = _split(_parse(text, str(file), chain), str(file), chain)
    _RAW.put(key, raw)
    return raw


def _parse(text: str, name: str, chain: Sequence[tuple[str, str]]) -> list[Any]:
    try:
        return yamlio.load_all(text, name)
    except YamlError as exc:
        exc.chain = exc.chain or tuple(_names(chain))
        raise


def _split(docs: list[Any], name: str, chain: Sequence[tuple[str, str]]) -> _Raw:
    def bad(message: str, expected: str) -> ModelOptImportError:
        return ModelOptImportError(
            message, mark=Mark(name, 1, 1), expected=expected, chain=_names(chain)
        )

    if not docs or docs[0] is None:
        return _Raw(name, {}, None)
    if len(docs) == 1:
        data = docs[0]
    elif len(docs) == 2:
        header, body = docs
        if not isinstance(header, dict):
            raise bad("the first of two YAML documents must be a mapping", "a header with imports:")
        if body is None:
            body = {}
        if isinstance(body, list):
            return _Raw(name, _parse_exmy(body), header.get(IMPORTS) or {})
        if not isinstance(body, dict):
            raise bad("the second YAML document must be a mapping or a list", "mapping or list")
        data = {**header, **body}
    else:
        raise bad(f"{len(docs)} YAML documents", "one document, or a header and a body")
    if isinstance(data, list):
        return _Raw(name, _parse_exmy(data), None)
    if not isinstance(data, dict):
        raise bad(f"the document is a {type(data).__name__}", "a mapping or a list")
    data = _parse_exmy(data)
    return _Raw(name, {k: v for k, v in data.items() if k != IMPORTS}, data.get(IMPORTS))


def _parse_exmy(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {
            k: (decode_exmy(k, v) if isinstance(v, str) else _parse_exmy(v)) for k, v in obj.items()
        }
    if isinstance(obj, list):
        return [_parse_exmy(v) for v in obj]
    return obj


def _has_import_marker(data: Any, *, top: bool = False) -> bool:
    if isinstance(data, dict):
        imports = data.get(IMPORTS) if top else None
        if isinstance(imports, dict) and all(isinstance(v, str) for v in imports.values()):
            return True
        return IMPORT in data or any(_has_import_marker(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_import_marker(v) for v in data)
    return False


# --------------------------------------------------------------------------- locating & loading
@dataclass
class _Imported:
    name: str
    ref: str  # the path as written in ``imports:``
    data: Any
    file: Path | None = None  # where it was read (None: from the registry)
    base: Path | None = None  # the directory ``ref`` was found under
    alias: str | None = None  # registry reference, when the data came from / matches one
    origin: str = "disk"  # or "registry"


class _Session:
    """State of one ``load_modelopt``/``convert`` call: where to look, what is loaded."""

    def __init__(self, search_paths: Iterable[Any], registry: Any, prefer_registry: bool) -> None:
        self.search = tuple(Path(p) for p in search_paths)
        self._registry = registry
        self.prefer = prefer_registry
        self.done: dict[str, Any] = {}

    @property
    def registry(self) -> Any:
        if self._registry is None:
            from recipekit.resolver.registry import default_registry

            self._registry = default_registry()
        return self._registry

    # -- finding files
    def find_top(self, path: Any) -> Path:
        given = Path(path)
        if given.is_file():
            return given
        text = given.as_posix()
        names = [text]
        if text.startswith("huggingface/models/"):  # ModelOpt's legacy recipe prefix
            names.append("models/" + text[len("huggingface/models/") :])
        tried = []
        for base in (Path(), *self.search):
            for name in names:
                for cand in _with_suffixes(base / name):
                    tried.append(str(cand))
                    if cand.is_file():
                        return cand
        raise SourceError(
            f"no ModelOpt file {text!r}", expected="an existing YAML file", choices=tried
        )

    def locate(self, ref: str, importer: Path | None) -> tuple[Path, Path] | None:
        """``(file, base)`` for an import path, or None when it is not on disk."""
        path = Path(ref)
        if path.is_absolute():
            bases: Iterable[Path] = (Path(path.anchor),)
            path = path.relative_to(path.anchor)
        else:
            bases = self.search
            if importer is not None:
                bases = (*bases, *Path(os.path.abspath(importer)).parents)
        for base in bases:
            for cand in _with_suffixes(base / path):
                if cand.is_file():
                    return cand, base
        return None

    def alias_entry(self, ref: str) -> tuple[str, Any] | None:
        name = _strip_suffix(ref.removeprefix("./"))
        try:
            return name, self.registry.get(name)
        except UnknownFactoryError:
            return None

    # -- loading
    def load_file(self, file: Path, chain: tuple[tuple[str, str], ...]) -> Any:
        key = _key(file)
        if key in self.done:
            return self.done[key]
        chain = (*chain, (str(file), key))
        data = self.resolve_raw(_read(file, chain), file, chain)
        self.done[key] = data
        return data

    def resolve_raw(self, raw: _Raw, file: Path | None, chain: tuple[tuple[str, str], ...]) -> Any:
        return _Resolver(self.import_map(raw, file, chain), raw, chain).value(raw.body, ())

    def import_map(
        self, raw: _Raw, file: Path | None, chain: tuple[tuple[str, str], ...]
    ) -> dict[str, _Imported] | None:
        declared = raw.imports
        if not declared:
            return None
        if not isinstance(declared, dict):
            raise ModelOptImportError(
                f"'imports' must map names to config paths, not a {type(declared).__name__}",
                path=(IMPORTS,),
                mark=_mark(raw.name, (IMPORTS,)),
                expected="imports: {name: path/to/snippet, ...}",
                chain=_names(chain),
            )
        out = {}
        for name, ref in declared.items():
            out[name] = self.load_import(str(name), ref, raw, file, chain)
        return out

    def load_import(
        self, name: str, ref: Any, raw: _Raw, file: Path | None, chain: tuple[tuple[str, str], ...]
    ) -> _Imported:
        where = {"path": (IMPORTS, name), "chain": _names(chain)}
        if not isinstance(ref, str) or not ref:
            raise ModelOptImportError(
                f"import {name!r} has an empty or non-string path: {ref!r}",
                mark=_mark(raw.name, (IMPORTS, name)),
                expected="a config path such as configs/numerics/fp8",
                **where,
            )
        found = None if self.prefer else self.locate(ref, file)
        if found is None:
            hit = self.alias_entry(ref)
            if hit is not None:
                alias, entry = hit
                key = f"registry:{entry.qualified}"
                self._check_cycle(key, f"{alias} (factory {entry.qualified})", raw, name, chain)
                if key not in self.done:
                    try:
                        self.done[key] = entry()
                    except RecipekitError:
                        raise
                    except Exception as exc:
                        raise CallError(
                            f"factory {entry.qualified} (registered for import {name!r}: {ref}) "
                            f"failed: {type(exc).__name__}: {exc}",
                            mark=_mark(raw.name, (IMPORTS, name)),
                            **where,
                        ) from exc
                return _Imported(name, ref, self.done[key], alias=alias, origin="registry")
            if self.prefer:
                found = self.locate(ref, file)
        if found is None:
            looked = [str(b) for b in self.search] + (["ancestors of " + raw.name] if file else [])
            raise SourceError(
                f"import {name!r}: cannot find {ref!r} (tried .yml/.yaml) under "
                f"{', '.join(looked) or 'no search path'}, and no factory is registered as {_strip_suffix(ref)!r}",
                mark=_mark(raw.name, (IMPORTS, name)),
                expected="a file under a search path or the importing file's package root, "
                "or a registered alias",
                **where,
            )
        target, base = found
        self._check_cycle(_key(target), str(target), raw, name, chain)
        return _Imported(name, ref, self.load_file(target, chain), file=target, base=base)

    def _check_cycle(
        self, key: str, label: str, raw: _Raw, name: str, chain: Sequence[tuple[str, str]]
    ) -> None:
        keys = [k for _, k in chain]
        if key in keys:
            raise CycleError(
                f"circular import: {name!r} imports {label}, which is already being loaded",
                path=(IMPORTS, name),
                mark=_mark(raw.name, (IMPORTS, name)),
                chain=[*_names(chain), label],
            )

    # -- conversion support
    def attach_reference(self, imp: _Imported) -> str | None:
        """Set ``imp.alias`` to a registered reference returning exactly ``imp.data``."""
        if imp.origin == "registry":
            return None
        candidates = [_strip_suffix(imp.ref.removeprefix("./"))]
        if imp.file is not None and imp.base is not None:
            rel = _strip_suffix(imp.file.relative_to(imp.base).as_posix())
            if rel not in candidates:
                candidates.append(rel)
        differing = []
        for cand in candidates:
            hit = self.alias_entry(cand)
            if hit is None:
                continue
            try:
                value = hit[1]()
            except Exception:
                differing.append(cand)
                continue
            if same(value, imp.data):
                imp.alias = cand
                return None
            differing.append(cand)
        if differing:
            return (
                f"import {imp.name!r} ({imp.ref}): factory {differing[0]!r} does not return the "
                "data of the file; inlined"
            )
        return f"import {imp.name!r} ({imp.ref}) has no registered factory; inlined"


def _file_factory(file: Path, search_paths: Sequence[Path], registry: Any) -> Callable[[], Any]:
    def modelopt_file() -> Any:
        return load_modelopt(file, search_paths=search_paths, registry=registry)

    modelopt_file.__doc__ = f"ModelOpt YAML file {file}, imports resolved."
    return modelopt_file


# --------------------------------------------------------------------------- resolving
class _Resolver:
    """Resolves ``$import`` in one file's body against that file's imports."""

    def __init__(
        self, imports: dict[str, _Imported] | None, raw: _Raw, chain: Sequence[tuple[str, str]]
    ) -> None:
        self.imports, self.raw, self.chain = imports, raw, chain

    def value(self, node: Any, path: tuple) -> Any:
        if isinstance(node, dict):
            if IMPORT in node:
                merged: dict[Any, Any] = {}
                for imp in self.lookup(node[IMPORT], path, in_list=False):
                    merged.update(fresh(imp.data))
                for key, val in node.items():
                    if key != IMPORT:
                        merged[key] = self.value(val, (*path, key))
                return merged
            return {key: self.value(val, (*path, key)) for key, val in node.items()}
        if isinstance(node, list):
            out: list[Any] = []
            for index, entry in enumerate(node):
                if _is_list_import(entry):
                    for imp in self.lookup(entry[IMPORT], (*path, index), in_list=True):
                        if isinstance(imp.data, list):
                            out.extend(fresh(imp.data))
                        else:
                            out.append(fresh(imp.data))
                else:
                    out.append(self.value(entry, (*path, index)))
            return out
        return node

    def lookup(self, ref: Any, path: tuple, *, in_list: bool) -> list[_Imported]:
        if not isinstance(ref, list):
            return [self._one(ref, (*path, IMPORT), in_list=in_list)]
        if not ref:
            raise self._error(ModelOptImportError, "$import lists no names", (*path, IMPORT))
        return [self._one(name, (*path, IMPORT, i), in_list=in_list) for i, name in enumerate(ref)]

    def _one(self, name: Any, at: tuple, *, in_list: bool) -> _Imported:
        if not isinstance(name, str):
            raise self._error(
                ModelOptImportError,
                f"$import value {name!r} is not a name",
                at,
                expected="an import name",
            )
        if self.imports is None:
            raise self._error(
                UnknownImportError,
                f"unknown $import {name!r}: the file declares no imports",
                at,
                hint="declare it in a top-level imports: section (name: path/to/snippet)",
            )
        imp = self.imports.get(name)
        if imp is None:
            declared = list(self.imports)
            raise self._error(
                UnknownImportError,
                f"unknown $import {name!r}",
                at,
                expected="a name declared under imports:",
                suggestions=closest(name, declared),
                choices=declared,
            )
        if not in_list and not isinstance(imp.data, dict):
            raise self._error(
                ModelOptImportError,
                f"$import {name!r} in a mapping must be a mapping snippet, got a {type(imp.data).__name__}",
                at,
                hint="import list snippets as a list entry: - $import: name",
            )
        return imp

    def _error(
        self, cls: type[RecipekitError], message: str, at: tuple, **kw: Any
    ) -> RecipekitError:
        path = at[: at.index(IMPORT)] if IMPORT in at else at
        return cls(
            message, path=path, mark=_mark(self.raw.name, at), chain=_names(self.chain), **kw
        )


def _is_list_import(entry: Any) -> bool:
    return isinstance(entry, dict) and len(entry) == 1 and IMPORT in entry


# --------------------------------------------------------------------------- converting
class _Flow(dict):
    """A mapping written in flow style (``{_factory_: name}``)."""


class _Quoted(str):
    """A string written double-quoted (call syntax containing single quotes)."""


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


_Dumper.add_representer(
    _Flow, lambda d, v: d.represent_mapping("tag:yaml.org,2002:map", v.items(), flow_style=True)
)
_Dumper.add_representer(
    _Quoted, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"')
)


class _Converter:
    """Builds the recipekit document for one file's body (see the module docstring)."""

    def __init__(self, resolver: _Resolver, exmy_text: bool) -> None:
        self.r, self.exmy_text = resolver, exmy_text

    def node(self, node: Any, path: tuple) -> Any:
        if isinstance(node, dict):
            if IMPORT in node:
                return self.mapping_import(node, path)
            return {self.key(k, path): self.node(v, (*path, k)) for k, v in node.items()}
        if isinstance(node, list):
            out: list[Any] = []
            for index, entry in enumerate(node):
                if not _is_list_import(entry):
                    out.append(self.node(entry, (*path, index)))
                    continue
                for imp in self.r.lookup(entry[IMPORT], (*path, index), in_list=True):
                    if imp.alias is not None:
                        out.append({FACTORY: imp.alias})
                    elif isinstance(imp.data, list):
                        out.extend(self.literal(imp.data, (*path, index)))
                    else:
                        out.append(self.literal(imp.data, (*path, index)))
            return out
        return self.literal(node, path)

    def mapping_import(self, node: dict, path: tuple) -> Any:
        imps = self.r.lookup(node[IMPORT], path, in_list=False)
        inline = {
            self.key(k, path): self.node(v, (*path, k)) for k, v in node.items() if k != IMPORT
        }
        base, rest = imps[0], imps[1:]
        if base.alias is not None:
            final = self.r.value(node, path)
            siblings: dict[Any, Any] = {}
            for imp in rest:
                siblings.update(self.literal(imp.data, path))
            siblings.update(inline)
            if all(_override_keeps(base.data.get(k, _MISSING), final[k]) for k in siblings):
                return (
                    {FACTORY: base.alias, **siblings} if siblings else _Flow({FACTORY: base.alias})
                )
        out: dict[Any, Any] = {}
        for imp in imps:
            out.update(self.literal(imp.data, path))
        out.update(inline)
        return out

    def key(self, key: Any, path: tuple) -> Any:
        if isinstance(key, str) and key in RESERVED:
            raise ConvertError(
                f"key {key!r} is reserved in recipekit documents",
                path=(*path, key),
                mark=_mark(self.r.raw.name, (*path, key)),
            )
        return key

    def literal(self, value: Any, path: tuple) -> Any:
        if isinstance(value, dict):
            return {self.key(k, path): self.literal(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.literal(v, (*path, i)) for i, v in enumerate(value)]
        under_exmy_key = bool(path) and path[-1] in EXMY_KEYS
        if isinstance(value, tuple):
            if len(value) == 2 and all(type(v) is int and v >= 0 for v in value):
                spelled = f"e{value[0]}m{value[1]}"
                if self.exmy_text and under_exmy_key:
                    return spelled
                return _Flow({FACTORY: _Quoted(f"{EXMY_FACTORY}('{spelled}')")})
            raise ConvertError(
                f"cannot write the tuple {value!r} as recipekit YAML",
                path=path,
                expected="an ExMy pair",
            )
        if (
            isinstance(value, str)
            and self.exmy_text
            and under_exmy_key
            and EXMY_PATTERN.match(value)
        ):
            raise ConvertError(
                f"the string {value!r} would be read as an ExMy tuple by the registry's codec",
                path=path,
            )
        if isinstance(value, str) and _special_string(value):
            raise ConvertError(
                f"the string {value!r} would be read as an include or interpolation by recipekit",
                path=path,
                mark=_mark(self.r.raw.name, path),
            )
        return value


def _codec_reads_exmy(registry: Any) -> bool:
    """Does one of the registry's codecs read ``num_bits: e4m3`` as ``(4, 3)``?"""
    for codec in getattr(registry, "codecs", ()):
        try:
            if codec.decode("num_bits", "e4m3") == (4, 3):
                return True
        except Exception:
            continue
    return False


def _special_string(text: str) -> bool:
    if INTERPOLATION_OPEN in text:
        return True
    if text.startswith(INCLUDE_PREFIX):
        target = text[len(INCLUDE_PREFIX) :].split(":", 1)[0]
        return target.endswith(INCLUDE_SUFFIXES)
    return False


def _override_keeps(base: Any, final: Any) -> bool:
    """Does a recipekit sibling override (recursive mapping merge) give ``final`` exactly?"""
    if base is _MISSING or not (isinstance(base, dict) and isinstance(final, dict)):
        return True
    return same(_deep_merge(base, final), final)


def _deep_merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        out[k] = (
            _deep_merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
        )
    return out


def _leading_comments(file: Path) -> list[str]:
    out = []
    for line in file.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            break
        if not _SCHEMA_COMMENT.match(line):
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out


# --------------------------------------------------------------------------- small helpers
def _with_suffixes(path: Path) -> list[Path]:
    return [path] if path.suffix in SUFFIXES else [path.with_name(path.name + s) for s in SUFFIXES]


def _strip_suffix(ref: str) -> str:
    for suffix in SUFFIXES:
        if ref.endswith(suffix):
            return ref[: -len(suffix)]
    return ref


def _key(file: Path) -> str:
    try:
        return str(file.resolve())
    except OSError:
        return str(os.path.abspath(file))


def _names(chain: Sequence[tuple[str, str]]) -> list[str]:
    return [label for label, _ in chain]


def _mark(name: str, path: Sequence[Any]) -> Mark | None:
    """Line and column of the value at ``path`` in file ``name`` (re-read only for errors)."""
    marks = yamlio.SourceMap()
    try:
        docs = yamlio.load_all(Path(name).read_text(encoding="utf-8"), name, marks)
    except (OSError, UnicodeDecodeError, RecipekitError):
        return None
    for doc in reversed(docs):  # a merged header + body: the body's keys win
        node = doc
        try:
            for step in path[:-1]:
                node = node[step]
        except (KeyError, IndexError, TypeError):
            continue
        found = marks.get(node, path[-1]) if path else marks.get(node)
        if found is not None:
            return found
    return None
