"""Read ModelOpt ``imports:`` / ``$import`` YAML files without ModelOpt, rule for rule, and convert them.

``load_modelopt(path)`` returns exactly the data ModelOpt 0.47.0's loader validates last (its
``resolved_pre_validation``): ExMy strings parsed, imports spliced, nothing defaulted, and it
rejects what that loader rejects, with the same message, as errors that are both
``RecipekitError`` and ``ValueError`` (ModelOpt raises ``ValueError``). It needs neither ModelOpt
nor pydantic: the type annotations ModelOpt's decisions read are data
(``recipekit.interop.modelopt_types``). ``convert(path)`` rewrites such a file as a recipekit
``_factory_`` document that resolves to the same data.

Which loader a file gets, as ModelOpt decides it (``load_recipe`` / ``load_config``):

* a single-document mapping with ``metadata.recipe_type`` is a *recipe* (``load_recipe``): the
  type must be one of ModelOpt's, the type's section must be present in the raw file
  (``quantize`` for ``ptq``...), and the recipe class (``RECIPE_TYPE_TO_CLASS``) is the schema;
* a *directory* holding ``metadata.yml`` and ``quantize.yml`` (``.yml`` before ``.yaml``) is a PTQ
  recipe read file by file, imports scoped per file (``_load_recipe_from_dir``);
* anything else is a config (``load_config``): its ``# modelopt-schema:`` comment, if any, is the
  schema.

``overrides=["a.b=v", ...]`` are applied to the result as ``load_recipe(overrides=...)`` does: with
OmegaConf's dot-list grammar and merge (omegaconf is imported only then); every entry needs
``=``; directories refuse overrides. (ModelOpt applies them to the validated recipe's
``model_dump()``; here they apply to the pre-validation data, which validates to the same recipe.)

Architecture (one pass per concern, all pure functions of the files they read):

* ``_read`` parses one file with recipekit's safe YAML reader (``resolver.yamlio``: the data of
  ``yaml.safe_load_all``, bounded depth and alias expansion, duplicate keys refused), reads the
  ``# modelopt-schema:`` comment of the leading comment block (two are an error), splits header
  and body of two-document files (a list body keeps only the header's ``imports``; a mapping body
  is merged ``{**header, **body}``), parses ExMy strings (``e4m3`` -> ``(4, 3)``) under the keys
  ``num_bits`` / ``scale_bits`` at any depth, and caches the result by ``(path, mtime, size)``.
  Cached data is never mutated: every later pass builds new containers. A file is read and
  parsed once: the parse is memoised by the text, so the reader hook's claim test
  (``is_modelopt_document``) and the read that follows share it, and ``load_modelopt(text=)``
  takes the text the caller (``resolver.sources``) has already read.
* ``_Session`` locates and loads imports. Every imported file must carry a
  ``# modelopt-schema:`` comment naming a ModelOpt schema. An import path is probed, ``.yml``
  then ``.yaml`` unless it has a suffix, under each ``search_paths`` entry, then under each
  ancestor directory of the importing file, nearest first (the importing file's package root is
  the ancestor that holds the path). A path that is not on disk but is a registry alias
  (recipekit's factory library registers every ModelOpt file under its package-relative path
  without ``.yaml``) is satisfied by calling that factory; its schema is the one ModelOpt's own
  copy of the file declares (``builtin_schemas`` of the type table; for a name ModelOpt does not
  ship, a typed list splices a list result and appends anything else). ``prefer_registry=True``
  asks the registry first. Unlike ModelOpt, the CWD and the installed ``modelopt_recipes`` are
  not probed implicitly (pass them in ``search_paths``): the registry provides the built-ins,
  and nothing depends on where the process runs. Probing works on strings, once per
  ``(path, importing folder)`` per call, and the ``os.stat`` that finds a file also names it:
  each file's imports are resolved once per call (memoised on the file's device and inode), with
  cycle detection on the same identity (ModelOpt: resolved paths). As in ModelOpt, a
  snippet's own ``$import`` references are resolved only when it has an ``imports`` key or a
  list body with a header, and a top-level single-document list is returned as written.
* ``_Resolver`` walks one file's body with the schema of each position (the file's schema,
  walked down through model fields, TypedDict keys and ``dict`` values). ``{$import: a, k: v}``
  / ``{$import: [a, b], ...}`` is a shallow merge: each snippet in turn, then the inline keys,
  then the merged mapping is walked again. A list entry whose only key is ``$import`` is decided
  by the schemas: in an untyped list it is rejected; a snippet whose schema equals the list's is
  spliced, one whose schema equals the element's (or a mapping, into a list of ``dict``) is
  appended; anything else is rejected.
* ``validate`` (optional) is called as ``validate(schema, data, file)`` for every imported
  snippet and for the top-level result where a schema applies: the hook for schema validation
  (ModelOpt validates each snippet with its schema while importing).
* Errors carry the file and line (``mark``, computed only when an error is raised), the key path
  in the document, and the import ``chain`` from the top file down.

Conversion (``convert``): the ``imports:`` section disappears and each ``$import`` of a snippet
becomes a ``_factory_`` reference to the registered alias of that snippet (a list entry
``- _factory_: configs/ptq/units/kv_fp8`` is spliced by the resolver when the factory returns a
list and appended otherwise, which is what the schemas decided). Inline keys beside a mapping
import become sibling keys of ``_factory_``. recipekit merges a mapping sibling into a mapping
field recursively while ModelOpt replaces it wholesale, so where the two differ the converted
node is the fully expanded mapping instead. A reference is only emitted after checking that the
registered factory returns exactly the imported data; otherwise (or when nothing is registered)
the snippet is inlined and a comment says so. A directory recipe converts to one file.

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
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from recipekit.factories.codecs import EXMY_KEYS, EXMY_PATTERN, decode_exmy
from recipekit.interop import modelopt_types as mt
from recipekit.resolver import caches, merge, paths, yamlio
from recipekit.resolver.build import fresh
from recipekit.resolver.document import read_text
from recipekit.resolver.errors import (
    BadOverrideError,
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
    RESERVED,
)
from recipekit.resolver.merge import same
from recipekit.resolver.serialize import escape

__all__ = [
    "ConvertError",
    "ImportCycleError",
    "ImportNotFoundError",
    "ListImportError",
    "ModelOptImportError",
    "ModelOptOverrideError",
    "SchemaCommentError",
    "UnknownImportError",
    "convert",
    "exmy",
    "is_modelopt_directory",
    "is_modelopt_document",
    "load_modelopt",
    "loads_modelopt",
    "register_helpers",
    "register_modelopt_files",
]

IMPORTS = "imports"
IMPORT = "$import"
METADATA, RECIPE_TYPE = "metadata", "recipe_type"
SUFFIXES = (".yml", ".yaml")  # ModelOpt's probing order
EXMY_FACTORY = "exmy"
LEGACY_PREFIX, LEGACY_TARGET = "huggingface/models/", "models/"  # ModelOpt's load_recipe alias

_SCHEMA_COMMENT = re.compile(r"^\s*#\s*modelopt-schema:")
_SCHEMA_LINE = re.compile(r"^\s*#\s*modelopt-schema:\s*(\S+)\s*$")  # ModelOpt's pattern
_CANDIDATE = re.compile(r"^imports\s*:|\$import", re.MULTILINE)
_MISSING = object()

#: a ``validate(schema, data, file)`` hook (see the module docstring)
Validator = Callable[[str, Any, str], None]


class ModelOptImportError(RecipekitError, ValueError):
    """A ModelOpt file is malformed where ModelOpt's loader raises ``ValueError``."""

    title = "modelopt import"


class UnknownImportError(ModelOptImportError):
    """``$import`` names something the file's ``imports:`` section does not declare."""

    title = "unknown import"


class SchemaCommentError(ModelOptImportError):
    """A ``# modelopt-schema:`` comment is missing, repeated or names no ModelOpt schema."""

    title = "modelopt-schema"


class ListImportError(ModelOptImportError):
    """A list entry ``- $import: x`` is neither a splice nor an append by the schemas."""

    title = "list import"


class ImportNotFoundError(SourceError, ModelOptImportError):
    """A ModelOpt file or import path exists nowhere (``SourceError`` and ``ValueError``)."""

    title = "not found"


class ImportCycleError(CycleError, ModelOptImportError):
    """Files import each other in a loop (``CycleError`` and ``ValueError``)."""

    title = "cycle"


class ModelOptOverrideError(BadOverrideError, ValueError):
    """An override for ``load_modelopt(overrides=...)`` is malformed or does not merge."""

    title = "bad override"


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
    """True when ``source`` is for ModelOpt's reader: a top-level ``imports`` key (whatever its
    value, so a malformed section gets ModelOpt's error rather than being read as data) or a
    ``$import`` key anywhere.

    ``source`` is YAML text (``str``), a file (``os.PathLike``) or already-parsed data. Text
    without either spelling is rejected without parsing; text that is not YAML is not one.
    """
    if isinstance(source, os.PathLike):
        try:
            source = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
    if isinstance(source, str):
        if not _CANDIDATE.search(source):
            return False
        try:
            docs = _documents(source, None, ())  # the reader that follows reuses this parse
        except RecipekitError:
            return False
        return any(_has_import_marker(doc, top=True) for doc in docs)
    return _has_import_marker(source, top=True)


def is_modelopt_directory(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a directory holding ``metadata.yml`` or ``metadata.yaml`` (a
    directory recipe, which ModelOpt's ``load_recipe`` reads file by file)."""
    return os.path.isdir(path) and any(
        os.path.isfile(os.path.join(path, "metadata" + s)) for s in SUFFIXES
    )


def load_modelopt(
    path: str | os.PathLike[str],
    *,
    overrides: Sequence[str] = (),
    search_paths: Iterable[str | os.PathLike[str]] = (),
    registry: Any = None,
    prefer_registry: bool = False,
    validate: Validator | None = None,
    text: str | None = None,
) -> Any:
    """Load a ModelOpt recipe or config file, or a directory recipe, with its imports resolved
    (ModelOpt's pre-validation data), then apply ``overrides`` as ``load_recipe`` does.

    ``path`` is a file or directory, or a package-relative name probed as is, then with
    ``.yml``/``.yaml``, in the CWD and then in ``search_paths`` (the legacy prefix
    ``huggingface/models/`` is also tried as ``models/``). ``registry`` (default: recipekit's
    default registry, consulted only when needed) satisfies imports that are not on disk;
    ``validate`` is the schema-validation hook. ``text`` is the file's content when the caller
    has read it already (the reader hook: the file is then not read again). See the module
    docstring for the rules.
    """
    session = _Session(search_paths, registry, prefer_registry, validate)
    found = session.find_top(path)
    if found.is_dir():
        if overrides:
            raise ModelOptImportError(
                "overrides are not supported for directory-format recipes; "
                "use the single-YAML-file form instead.",
                mark=Mark(str(found), 1, 1),
            )
        return session.load_directory(found)
    data = session.load_top(found, text)
    return _apply_overrides(data, overrides, str(found)) if overrides else data


def loads_modelopt(
    text: str,
    *,
    name: str = "<string>",
    overrides: Sequence[str] = (),
    search_paths: Iterable[str | os.PathLike[str]] = (),
    registry: Any = None,
    prefer_registry: bool = False,
    validate: Validator | None = None,
) -> Any:
    """Like ``load_modelopt`` for YAML text; imports resolve via ``search_paths`` and the registry."""
    session = _Session(search_paths, registry, prefer_registry, validate)
    data = session.resolve_top(_from_text(text, name, ()), None, ((name, name),))
    return _apply_overrides(data, overrides, name) if overrides else data


def convert(
    path: str | os.PathLike[str],
    *,
    registry: Any = None,
    search_paths: Iterable[str | os.PathLike[str]] = (),
    prefer_registry: bool = False,
) -> str:
    """Rewrite a ModelOpt ``$import`` file (or directory recipe) as recipekit ``_factory_`` YAML
    that resolves to the same data; a file ModelOpt rejects is rejected with the same error."""
    session = _Session(search_paths, registry, prefer_registry, None)
    found = session.find_top(path)
    notes: list[str] = []
    if found.is_dir():
        session.load_directory(found)  # every rule checked, as load_modelopt would
        files = session.directory_files(found)
        schemas = mt.table()["directory"]
        body = {s: session.convert_file(f, schemas[s], notes) for s, f in files}
        first = files[0][1]
    else:
        session.load_top(found)
        raw = _read(found, ())
        body = session.convert_file(found, session.top_schema(raw, ())[1], notes)
        first = found
    text = yaml.dump(
        body,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    head = [
        f"# Converted by `recipekit convert` from ModelOpt's {found.name} (imports -> _factory_)."
    ]
    head += [f"# note: {n}" for n in dict.fromkeys(notes) if n]
    head += _leading_comments(first)
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
    """One parsed file: its body (ExMy parsed, ``imports`` removed), its declared imports, its
    ``# modelopt-schema:`` comment (name and line) and its shape: ``mapping``, ``list`` (a
    single-document list) or ``snippet`` (a header with imports and a list body)."""

    name: str
    body: Any
    imports: Any  # the ``imports:`` value as written (None when absent)
    schema: str | None = None
    schema_line: int = 1
    kind: str = "mapping"
    has_imports: bool = False  # a mapping with an ``imports`` key (whatever its value)
    documents: int = 1

    @property
    def resolvable(self) -> bool:
        """Does ModelOpt resolve ``$import`` in this body when the file is imported?"""
        return self.kind == "snippet" or (self.kind == "mapping" and self.has_imports)


_RAW = caches.table("modelopt_imports.raw", limit=1024)


_DOCUMENTS = caches.table("modelopt_imports.documents", limit=256)


def _read(
    file: Path,
    chain: Sequence[tuple[str, str]],
    st: os.stat_result | None = None,
    text: str | None = None,
) -> _Raw:
    """One file as ``_Raw``, cached by ``(path, mtime, size)``; ``st`` is its ``os.stat`` and
    ``text`` its content when the caller has them already."""
    name = str(file)
    try:
        st = st or os.stat(name)
        key = (name, st.st_mtime_ns, st.st_size)
        hit = _RAW.get(key)
        if hit is not None:
            return hit
        if text is None:  # regular files within the size limit (the bounded reader)
            text = read_text(file)[0]
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportNotFoundError(f"cannot read {file}: {exc}", chain=_names(chain)) from exc
    return _RAW.put(key, _from_text(text, name, chain))


def _from_text(text: str, name: str, chain: Sequence[tuple[str, str]]) -> _Raw:
    return _split(_documents(text, name, chain), name, chain, _schema_comment(text, name, chain))


def _documents(text: str, name: str | None, chain: Sequence[tuple[str, str]]) -> list[Any]:
    """``yamlio.load_all(text)``, memoised by the text itself, so that the claim test
    (``is_modelopt_document``) and the read that follows it parse a file once. The documents are
    never mutated (``_split`` builds new containers); errors are not cached."""
    docs = _DOCUMENTS.get(text)
    if docs is None:
        try:
            docs = _DOCUMENTS.put(text, yamlio.load_all(text, name))
        except YamlError as exc:
            exc.chain = exc.chain or tuple(_names(chain))
            raise
    return docs


def _schema_comment(
    text: str, name: str, chain: Sequence[tuple[str, str]]
) -> tuple[str | None, int]:
    """``(schema, line)`` of the ``# modelopt-schema:`` comment of the leading comment block."""
    found: tuple[str | None, int] = (None, 1)
    if "modelopt-schema:" not in text:  # no line can match: a recipe has no comment
        return found
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _SCHEMA_LINE.match(line)
        if match is None:
            continue
        if found[0] is not None:
            raise SchemaCommentError(
                f"Config file {name}: multiple modelopt-schema comments found.",
                mark=Mark(name, number, 1),
                expected="one '# modelopt-schema: <dotted.path>' comment",
                chain=_names(chain),
            )
        found = (match.group(1), number)
    return found


def _split(
    docs: list[Any], name: str, chain: Sequence[tuple[str, str]], schema: tuple[str | None, int]
) -> _Raw:
    def bad(message: str, expected: str) -> ModelOptImportError:
        return ModelOptImportError(
            message, mark=Mark(name, 1, 1), expected=expected, chain=_names(chain)
        )

    comment = {"schema": schema[0], "schema_line": schema[1], "documents": len(docs)}
    if not docs or docs[0] is None:
        return _Raw(name, {}, None, **comment)
    if len(docs) == 1:
        data = docs[0]
    elif len(docs) == 2:
        header, body = docs
        if not isinstance(header, dict):
            raise bad(
                f"Config file {name}: first YAML document must be a mapping, "
                f"got {type(header).__name__}",
                "a header with imports:",
            )
        if body is None:
            body = {}
        if isinstance(body, list):
            imports = header.get(IMPORTS) or {}
            return _Raw(name, _parse_exmy(body), imports, kind="snippet", **comment)
        if not isinstance(body, dict):
            raise bad(
                f"Config file {name}: second YAML document must be a mapping or list, "
                f"got {type(body).__name__}",
                "mapping or list",
            )
        data = {**header, **body}
    else:
        raise bad(
            f"Config file {name}: expected 1 or 2 YAML documents, got {len(docs)}",
            "one document, or a header and a body",
        )
    if isinstance(data, list):
        return _Raw(name, _parse_exmy(data), None, kind="list", **comment)
    if not isinstance(data, dict):
        raise bad(
            f"Config file {name} must contain a YAML mapping or list, got {type(data).__name__}",
            "a mapping or a list",
        )
    data = _parse_exmy(data)
    body = {k: v for k, v in data.items() if k != IMPORTS}
    return _Raw(name, body, data.get(IMPORTS), has_imports=IMPORTS in data, **comment)


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
        if top and IMPORTS in data:
            return True
        return IMPORT in data or any(_has_import_marker(v) for v in data.values())
    if isinstance(data, list):
        return any(_has_import_marker(v) for v in data)
    return False


def _recipe_type(raw: _Raw) -> Any:
    """``metadata.recipe_type`` as ModelOpt's ``_peek_recipe_type`` reads it, or _MISSING when
    the file is not a recipe (not a single-document mapping with that key)."""
    meta = raw.body.get(METADATA) if raw.kind == "mapping" and raw.documents == 1 else None
    if not isinstance(meta, dict) or RECIPE_TYPE not in meta:
        return _MISSING
    return meta[RECIPE_TYPE]


# --------------------------------------------------------------------------- locating & loading
@dataclass
class _Imported:
    name: Any
    ref: str  # the path as written in ``imports:``
    data: Any
    schema: Any  # the snippet's schema term (None: unknown, for registry factories)
    schema_name: str | None = None
    file: Path | None = None  # where it was read (None: from the registry)
    base: Path | None = None  # the directory ``ref`` was found under
    alias: str | None = None  # registry reference, when the data came from / matches one
    origin: str = "disk"  # or "registry"
    resolved: bool = True  # False: a raw snippet whose ``$import`` markers remain


class _Session:
    """State of one ``load_modelopt``/``convert`` call: where to look, what is loaded."""

    def __init__(
        self,
        search_paths: Iterable[Any],
        registry: Any,
        prefer_registry: bool,
        validate: Validator | None,
    ) -> None:
        self.search = tuple(Path(p) for p in search_paths)
        self._registry = registry
        self.prefer = prefer_registry
        self.validate = validate
        self.done: dict[Any, Any] = {}
        self.found: dict[tuple[str, str | None], Any] = {}  # locate's answers, this call only
        self.bases: dict[str | None, tuple[str, ...]] = {}  # where imports from a folder look
        self.base_paths: dict[str, Path] = {}

    @property
    def registry(self) -> Any:
        if self._registry is None:
            from recipekit.defaults import default_registry

            self._registry = default_registry()
        return self._registry

    # -- finding files
    def find_top(self, path: Any) -> Path:
        if not isinstance(path, (str, os.PathLike)):
            raise ModelOptImportError(
                f"Invalid config file of {path!r}: a ModelOpt recipe is named by a path, "
                f"not a {type(path).__name__}",
                expected="a str or os.PathLike: a YAML file, a recipe directory or a "
                "package-relative name such as general/ptq/fp8_default-kv_fp8",
            )
        given = Path(path)
        if given.is_file() or given.is_dir():
            return given
        text = given.as_posix()
        names = [text]
        if text.startswith(LEGACY_PREFIX):
            names.append(LEGACY_TARGET + text[len(LEGACY_PREFIX) :])
        tried = []
        for base in (Path(), *self.search):
            for name in names:
                for cand in _candidates(base / name):
                    tried.append(str(cand))
                    if cand.is_file() or cand.is_dir():
                        return cand
        raise ImportNotFoundError(
            f"Recipe path {text!r} is not a valid YAML file or directory.",
            expected="an existing YAML file or recipe directory",
            choices=tried,
        )

    def locate(self, ref: str, importer: Path | None) -> tuple[Path, Path, os.stat_result] | None:
        """``(file, base, its stat)`` for an import path, or None when it is not on disk.

        Probing is the hot part of reading a recipe (a few ``stat`` calls per import), so it
        works on strings and asks the disk once per ``(ref, importer's folder)`` per call."""
        folder = os.path.dirname(os.path.abspath(importer)) if importer is not None else None
        memo = (ref, folder)
        if memo not in self.found:
            self.found[memo] = self._probe(ref, folder)
        return self.found[memo]

    def _probe(self, ref: str, folder: str | None) -> tuple[Path, Path, os.stat_result] | None:
        path = Path(ref)
        if path.is_absolute():
            bases: Iterable[str] = (path.anchor,)
            path = path.relative_to(path.anchor)
        else:
            if folder not in self.bases:
                self.bases[folder] = (*map(str, self.search), *_ancestors(folder))
            bases = self.bases[folder]
        rel = str(path)
        names = [rel] if path.suffix in SUFFIXES else [rel + s for s in SUFFIXES]
        for base in bases:
            for name in names:
                cand = os.path.join(base, name)
                try:
                    st = os.stat(cand)
                except (OSError, ValueError):
                    continue
                if stat.S_ISREG(st.st_mode):
                    if base not in self.base_paths:
                        self.base_paths[base] = Path(base)
                    return Path(cand), self.base_paths[base], st
        return None

    def alias_entry(self, ref: str) -> tuple[str, Any] | None:
        name = _strip_suffix(ref.removeprefix("./"))
        try:
            return name, self.registry.get(name)
        except UnknownFactoryError:
            return None

    def directory_files(self, folder: Path) -> list[tuple[str, Path]]:
        """``[(section, file)]`` of a directory recipe (``.yml`` before ``.yaml``)."""
        out = []
        for section in mt.table()["directory"]:
            found = [folder / (section + s) for s in SUFFIXES if (folder / (section + s)).is_file()]
            if not found:
                raise ImportNotFoundError(
                    f"Cannot find {section} in {folder}. Looked for: {section}.yml, {section}.yaml",
                    mark=Mark(str(folder), 1, 1),
                    expected="a directory recipe: metadata.yml and quantize.yml",
                )
            out.append((section, found[0]))
        return out

    # -- loading
    def load_top(self, file: Path, text: str | None = None) -> Any:
        st = _stat(file)
        raw = _read(file, (), st, text)
        return self.resolve_top(raw, file, ((str(file), _key(file, st)),))

    def load_directory(self, folder: Path) -> dict[str, Any]:
        """ModelOpt's ``_load_recipe_from_dir``: metadata first, PTQ only, one file per section."""
        schemas = mt.table()["directory"]
        (_, meta_file), (_, quantize_file) = self.directory_files(folder)
        meta = self.load_config(meta_file, schemas[METADATA])
        kind = meta.get(RECIPE_TYPE, _MISSING) if isinstance(meta, dict) else _MISSING
        if kind != "ptq":
            raise ModelOptImportError(
                f"Unsupported recipe type: {'<missing>' if kind is _MISSING else repr(kind)} "
                "(directory recipes are PTQ only)",
                path=(RECIPE_TYPE,),
                mark=_mark(str(meta_file), (RECIPE_TYPE,)) or Mark(str(meta_file), 1, 1),
                expected="recipe_type: ptq",
            )
        return {METADATA: meta, "quantize": self.load_config(quantize_file, schemas["quantize"])}

    def load_config(self, file: Path, schema: Any) -> Any:
        """``load_config(file, schema_type=schema)``: the file's own comment is still checked."""
        raw = _read(file, ())
        chain = ((str(file), _key(file)),)
        self.schema_of(raw, chain)
        return self._finish(raw, file, chain, schema, mt.label(schema))

    def top_schema(self, raw: _Raw, chain: Sequence[tuple[str, str]]) -> tuple[str | None, Any]:
        """``(schema name, term)`` of a top-level file: its recipe class, or its comment."""
        declared = self.schema_of(raw, chain)  # checked even when a recipe class decides
        kind = _recipe_type(raw)
        if kind is _MISSING:
            return (raw.schema, declared) if raw.schema else (None, None)
        classes = mt.table()["recipe_types"]
        if not isinstance(kind, str) or kind not in classes:
            raise ModelOptImportError(
                f"Recipe file {raw.name} must contain a 'metadata.recipe_type' field.",
                path=(METADATA, RECIPE_TYPE),
                mark=_mark(raw.name, (METADATA, RECIPE_TYPE)),
                expected="one of " + ", ".join(classes),
                suggestions=closest(str(kind), classes),
                chain=_names(chain),
            )
        section = mt.table()["required_sections"].get(kind)
        if section is not None and section not in raw.body:
            upper = kind.removeprefix("speculative_").upper()
            raise ModelOptImportError(
                f"{upper} recipe file {raw.name} must contain {section!r}.",
                mark=Mark(raw.name, 1, 1),
                expected=f"a top-level {section}: section",
                chain=_names(chain),
            )
        return classes[kind], classes[kind]

    def resolve_top(self, raw: _Raw, file: Path | None, chain: tuple[tuple[str, str], ...]) -> Any:
        name, schema = self.top_schema(raw, chain)
        return self._finish(raw, file, chain, schema, name)

    def _finish(
        self,
        raw: _Raw,
        file: Path | None,
        chain: tuple[tuple[str, str], ...],
        schema: Any,
        name: str | None,
    ) -> Any:
        data = raw.body
        if raw.kind != "list":  # ModelOpt leaves a top-level single-document list as written
            data = self.resolve_raw(raw, file, chain, schema)
        if name is not None and self.validate is not None:
            self.validate(name, data, raw.name)
        return data

    def schema_of(self, raw: _Raw, chain: Sequence[tuple[str, str]]) -> Any:
        """The term of the file's ``# modelopt-schema:`` comment (None without one)."""
        if raw.schema is None:
            return None
        where = {"mark": Mark(raw.name, raw.schema_line, 1), "chain": _names(chain)}
        if not raw.schema.startswith("modelopt."):
            raise SchemaCommentError(
                f"Unsupported modelopt-schema {raw.schema!r}; schemas must live under 'modelopt.'.",
                expected="a dotted path under modelopt., e.g. "
                "modelopt.torch.quantization.config.QuantizeConfig",
                **where,
            )
        term = mt.schema(raw.schema)
        if term is None:
            raise SchemaCommentError(
                f"Cannot resolve modelopt-schema {raw.schema!r}.",
                expected=f"a schema of ModelOpt {mt.table()['modelopt_version']}'s recipe modules",
                suggestions=closest(raw.schema, mt.schema_names()),
                **where,
            )
        return term

    def load_snippet(
        self, file: Path, key: Any, chain: tuple[tuple[str, str], ...], st: Any = None
    ) -> tuple[Any, Any, bool]:
        """``(schema term, data, resolved)`` of an imported file, once per call (``resolved``:
        no ``$import`` marker is left in the data)."""
        if key not in self.done:
            chain = (*chain, (str(file), key))
            raw = _read(file, chain, st)
            schema = self.schema_of(raw, chain)
            if raw.resolvable:
                data, resolved = self.resolve_raw(raw, file, chain, schema), True
            else:
                data, resolved = raw.body, not _has_import_marker(raw.body)
            if raw.schema is not None and self.validate is not None:
                self.validate(raw.schema, data, raw.name)
            self.done[key] = (schema, data, resolved)
        return self.done[key]

    def resolve_raw(
        self, raw: _Raw, file: Path | None, chain: tuple[tuple[str, str], ...], schema: Any
    ) -> Any:
        return _Resolver(self.import_map(raw, file, chain), raw, chain).value(raw.body, (), schema)

    def import_map(
        self, raw: _Raw, file: Path | None, chain: tuple[tuple[str, str], ...]
    ) -> dict[Any, _Imported] | None:
        declared = raw.imports
        if not declared:
            return None
        if not isinstance(declared, dict):
            raise ModelOptImportError(
                "'imports' must be a dict mapping names to config paths, "
                f"got: {type(declared).__name__}",
                path=(IMPORTS,),
                mark=_mark(raw.name, (IMPORTS,)),
                expected="imports: {name: path/to/snippet, ...}",
                chain=_names(chain),
            )
        return {
            name: self.load_import(name, ref, raw, file, chain) for name, ref in declared.items()
        }

    def load_import(
        self, name: Any, ref: Any, raw: _Raw, file: Path | None, chain: tuple[tuple[str, str], ...]
    ) -> _Imported:
        def where() -> dict[str, Any]:  # the location, computed only for an error
            return {
                "path": (IMPORTS, name),
                "chain": _names(chain),
                "mark": _mark(raw.name, (IMPORTS, name)),
            }

        if not ref:
            raise ModelOptImportError(
                f"Import {name!r} has an empty config path.",
                expected="a config path such as configs/numerics/fp8",
                **where(),
            )
        if not isinstance(ref, str):
            raise ModelOptImportError(
                f"Invalid config file of {ref!r} (import {name!r})",
                expected="a config path such as configs/numerics/fp8",
                **where(),
            )
        found = None if self.prefer else self.locate(ref, file)
        if found is None:
            hit = self.alias_entry(ref)
            if hit is not None:
                return self._from_registry(name, ref, hit, raw, chain, where)
            if self.prefer:
                found = self.locate(ref, file)
        if found is None:
            looked = [str(b) for b in self.search] + (["ancestors of " + raw.name] if file else [])
            raise ImportNotFoundError(
                f"Cannot find config file of {ref} (import {name!r}; tried .yml/.yaml under "
                f"{', '.join(looked) or 'no search path'}, and no factory is registered as "
                f"{_strip_suffix(ref)!r})",
                expected="a file under a search path or the importing file's package root, "
                "or a registered alias",
                **where(),
            )
        target, base, st = found
        key = _key(target, st)
        self._check_cycle(key, str(target), raw, name, chain)
        snippet = _read(target, (*chain, (str(target), key)), st)
        if snippet.schema is None:  # checked before its own imports, as ModelOpt does
            raise SchemaCommentError(
                f"Import {name!r} ({target}) must reference a snippet with a modelopt-schema "
                "comment.",
                expected="a leading '# modelopt-schema: <dotted.path>' comment in " + str(target),
                hint=_schema_hint(snippet.body),
                **where(),
            )
        schema, data, resolved = self.load_snippet(target, key, chain, st)
        return _Imported(
            name, ref, data, schema, snippet.schema, file=target, base=base, resolved=resolved
        )

    def _from_registry(
        self,
        name: Any,
        ref: str,
        hit: tuple[str, Any],
        raw: _Raw,
        chain: Sequence[tuple[str, str]],
        where: Callable[[], dict[str, Any]],
    ) -> _Imported:
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
                    **where(),
                ) from exc
        schema_name = mt.table()["builtin_schemas"].get(alias)
        schema = mt.schema(schema_name) if schema_name else None
        return _Imported(
            name, ref, self.done[key], schema, schema_name, alias=alias, origin="registry"
        )

    def _check_cycle(
        self, key: str, label: str, raw: _Raw, name: Any, chain: Sequence[tuple[str, str]]
    ) -> None:
        keys = [k for _, k in chain]
        if key in keys:
            raise ImportCycleError(
                f"Circular import detected: {name!r} imports {label}, which is already being "
                "loaded",
                path=(IMPORTS, name),
                mark=_mark(raw.name, (IMPORTS, name)),
                chain=[*_names(chain), label],
            )

    # -- conversion support
    def convert_file(self, file: Path, schema: Any, notes: list[str]) -> Any:
        raw = _read(file, ())
        chain = ((str(file), _key(file)),)
        imports = self.import_map(raw, file, chain)
        notes += [self.attach_reference(imp) or "" for imp in (imports or {}).values()]
        converter = _Converter(_Resolver(imports, raw, chain), _codec_reads_exmy(self.registry))
        if raw.kind == "list":
            return converter.literal(raw.body, ())
        return converter.node(raw.body, (), schema)

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


def _apply_overrides(data: Any, overrides: Sequence[str], name: str) -> Any:
    """ModelOpt's ``_apply_dotlist``: OmegaConf ``merge(create(data), from_dotlist(overrides))``."""
    for entry in overrides:
        if not isinstance(entry, str) or "=" not in entry:
            raise ModelOptOverrideError(
                f"Invalid override (missing '='): {entry!r}", expected="key.path=value"
            )
    if not isinstance(data, dict):
        raise ModelOptOverrideError(
            f"overrides need a mapping document; {name} is a {type(data).__name__}"
        )
    from omegaconf import OmegaConf

    try:
        merged = OmegaConf.merge(OmegaConf.create(data), OmegaConf.from_dotlist(list(overrides)))
        return OmegaConf.to_container(merged, resolve=False)
    except Exception as exc:
        raise ModelOptOverrideError(
            f"cannot apply the overrides to {name}: {type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else exc!r}",
            expected="OmegaConf dot-list entries (a.b=value) that merge into the document",
            hint="OmegaConf cannot address list items (a.0.b=...): replace the whole list",
        ) from exc


# --------------------------------------------------------------------------- resolving
class _Resolver:
    """Resolves ``$import`` in one file's body against that file's imports, with schemas."""

    def __init__(
        self, imports: dict[Any, _Imported] | None, raw: _Raw, chain: Sequence[tuple[str, str]]
    ) -> None:
        self.imports, self.raw, self.chain = imports, raw, chain

    def child(self, node: Any, path: tuple, key: Any, schema: Any) -> Any:
        """``value`` of ``node`` at ``key`` under ``schema``; a scalar is itself (its schema and
        path are never needed, so they are not computed)."""
        if isinstance(node, (dict, list)):
            return self.value(node, (*path, key), mt.child(schema, key))
        return node

    def value(self, node: Any, path: tuple, schema: Any) -> Any:
        if isinstance(node, dict):
            if IMPORT in node:
                imps = self.lookup(node[IMPORT], path, in_list=False)
                merged: dict[Any, Any] = {}
                for imp in imps:
                    merged.update(imp.data)
                inline = {k: v for k, v in node.items() if k != IMPORT}
                if not all(imp.resolved for imp in imps):
                    merged.update(inline)  # ModelOpt walks the merged mapping: raw markers
                    return self.value(merged, path, schema)  # resolve in this file
                merged = fresh(merged)  # walking resolved data changes nothing: copy it
                for key, val in inline.items():
                    merged[key] = self.child(val, path, key, schema)
                return merged
            return {key: self.child(val, path, key, schema) for key, val in node.items()}
        if isinstance(node, list):
            out: list[Any] = []
            element = mt.element(schema)
            for index, entry in enumerate(node):
                if _is_list_import(entry):
                    imp, splice = self.list_import(entry, (*path, index), schema)
                    if splice:
                        out.extend(fresh(imp.data))
                    else:
                        out.append(fresh(imp.data))
                elif isinstance(entry, (dict, list)):
                    out.append(self.value(entry, (*path, index), element))
                else:
                    out.append(entry)
            return out
        return node

    def list_import(self, entry: dict, at: tuple, schema: Any) -> tuple[_Imported, bool]:
        """The import of a list entry ``- $import: x`` and whether it is spliced (else appended):
        ModelOpt's ``_resolve_list_import``."""
        name = entry[IMPORT]
        if isinstance(name, (list, dict)):
            raise self._error(
                ListImportError,
                f"a list entry '- $import:' takes one import name, not a {type(name).__name__}",
                (*at, IMPORT),
                hint="write one '- $import: name' entry per snippet",
            )
        imp = self._one(name, (*at, IMPORT), in_list=True)
        element = mt.element(schema)
        where = f"$import {name!r} in list at {_context(at)}"
        if element is None:
            raise self._error(
                ListImportError,
                f"{where} requires a typed list schema (expected list[ElementType]).",
                (*at, IMPORT),
                expected="a list whose schema is list[T] (e.g. quantize.quant_cfg)",
                hint="this list has no schema here: give the file a '# modelopt-schema:' "
                "comment or metadata.recipe_type, or write the entries out",
            )
        if imp.schema is None:  # a registry factory with no known schema: decide by shape
            return imp, isinstance(imp.data, list)
        if mt.equal(imp.schema, schema):
            if not isinstance(imp.data, list):
                raise self._error(
                    ListImportError,
                    f"{where} declared schema {imp.schema_name!r} but resolved to "
                    f"{type(imp.data).__name__}, expected list.",
                    (*at, IMPORT),
                )
            return imp, True
        if mt.equal(imp.schema, element) or (
            isinstance(imp.data, dict) and mt.is_mapping_schema(element)
        ):
            return imp, False
        raise self._error(
            ListImportError,
            f"{where} has schema {imp.schema_name!r}; expected either the list schema "
            f"{mt.label(schema)!r} for splicing or the element schema {mt.label(element)!r} "
            "for appending.",
            (*at, IMPORT),
            expected=f"a snippet of schema {mt.label(schema)} or {mt.label(element)}",
            hint=(
                f"a numeric format is the cfg of an entry: - {{quantizer_name: '*', "
                f"cfg: {{$import: {name}}}}}"
                if imp.schema == _QUANT_CONFIG + "QuantizerAttributeConfig"
                else None
            ),
        )

    def lookup(self, ref: Any, path: tuple, *, in_list: bool) -> list[_Imported]:
        if not isinstance(ref, list):
            return [self._one(ref, (*path, IMPORT), in_list=in_list)]
        return [self._one(name, (*path, IMPORT, i), in_list=in_list) for i, name in enumerate(ref)]

    def _one(self, name: Any, at: tuple, *, in_list: bool) -> _Imported:
        if isinstance(name, (list, dict)):
            raise self._error(
                ModelOptImportError,
                f"$import value {name!r} is not a name",
                at,
                expected="an import name",
            )
        if self.imports is None:
            raise self._error(
                UnknownImportError,
                f"Unknown $import reference {name!r} in {_context(at)}. No imports are declared.",
                at,
                hint="declare it in a top-level imports: section (name: path/to/snippet)",
            )
        imp = self.imports.get(name)
        if imp is None:
            declared = [str(k) for k in self.imports]
            raise self._error(
                UnknownImportError,
                f"Unknown $import reference {name!r} in {_context(at)}. "
                f"Available imports: {declared}",
                at,
                expected="a name declared under imports:",
                suggestions=closest(str(name), declared),
                choices=declared,
            )
        if not in_list and not isinstance(imp.data, dict):
            raise self._error(
                ModelOptImportError,
                f"$import {name!r} in dict must resolve to a dict, got {type(imp.data).__name__}.",
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


_QUANT_CONFIG = "modelopt.torch.quantization.config."


def _schema_hint(data: Any) -> str:
    """A ``# modelopt-schema:`` line for a snippet, guessed from its keys (for a hint only)."""
    if isinstance(data, list):
        entries = all(isinstance(e, dict) and "quantizer_name" in e for e in data)
        kind = "QuantizerCfgListConfig" if entries else None
    elif isinstance(data, dict):
        kind = (
            "QuantizerCfgEntry"
            if "quantizer_name" in data
            else "QuantizeConfig"
            if "quant_cfg" in data
            else "QuantizerAttributeConfig"
        )
    else:
        kind = None
    if kind is None:
        return "start the file with '# modelopt-schema: modelopt.<module>.<Schema>'"
    return f"start the file with '# modelopt-schema: {_QUANT_CONFIG}{kind}' (guessed from its keys)"


def _is_list_import(entry: Any) -> bool:
    return isinstance(entry, dict) and len(entry) == 1 and IMPORT in entry


def _context(at: Sequence[Any]) -> str:
    """ModelOpt's spelling of a position: ``root.quantize.quant_cfg[0]``."""
    out = "root"
    for key in at:
        if key == IMPORT:
            break
        out += f"[{key}]" if isinstance(key, int) and not isinstance(key, bool) else f".{key}"
    return out


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

    def node(self, node: Any, path: tuple, schema: Any) -> Any:
        if isinstance(node, dict):
            if IMPORT in node:
                return self.mapping_import(node, path, schema)
            return {
                self.key(k, path): self.node(v, (*path, k), mt.child(schema, k))
                for k, v in node.items()
            }
        if isinstance(node, list):
            out: list[Any] = []
            element = mt.element(schema)
            for index, entry in enumerate(node):
                if not _is_list_import(entry):
                    out.append(self.node(entry, (*path, index), element))
                    continue
                imp, splice = self.r.list_import(entry, (*path, index), schema)
                if imp.alias is not None and splice == isinstance(imp.data, list):
                    out.append({FACTORY: imp.alias})  # the resolver splices lists, appends others
                elif splice:
                    out.extend(self.literal(imp.data, (*path, index)))
                else:
                    out.append(self.literal(imp.data, (*path, index)))
            return out
        return self.literal(node, path)

    def mapping_import(self, node: dict, path: tuple, schema: Any) -> Any:
        imps = self.r.lookup(node[IMPORT], path, in_list=False)
        final = self.r.value(node, path, schema)
        inline = {
            self.key(k, path): self.node(v, (*path, k), mt.child(schema, k))
            for k, v in node.items()
            if k != IMPORT
        }
        if not all(imp.resolved for imp in imps):
            return self.literal(final, path)  # raw snippet markers resolve in this file
        if imps and imps[0].alias is not None:
            base, rest = imps[0], imps[1:]
            siblings: dict[Any, Any] = {}
            for imp in rest:
                siblings.update(self.literal(imp.data, path))
            siblings.update(inline)
            if all(merge.keeps(base.data.get(k), final[k]) for k in siblings):
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
        if isinstance(value, str):
            return escape(value)  # a literal "${...}" or "@file.yaml" stays literal
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
def _candidates(path: Path) -> list[Path]:
    """A top-level name as ``load_recipe`` probes it: as given, then ``.yml``, ``.yaml``."""
    return [path] if path.suffix in SUFFIXES else [path, *_with_suffixes(path)]


def _with_suffixes(path: Path) -> list[Path]:
    return [path] if path.suffix in SUFFIXES else [path.with_name(path.name + s) for s in SUFFIXES]


def _strip_suffix(ref: str) -> str:
    for suffix in SUFFIXES:
        if ref.endswith(suffix):
            return ref[: -len(suffix)]
    return ref


def _stat(file: Path) -> os.stat_result | None:
    try:
        return os.stat(file)
    except OSError:
        return None


def _key(file: Path, st: os.stat_result | None = None) -> Any:
    """What identifies a file for cycle detection and the per-call memo: its device and inode
    (one file under any spelling, symlink or hard link: what ``Path.resolve`` approximates
    with a ``lstat`` per path component), or its absolute path when it cannot be stat'ed."""
    st = st or _stat(file)
    return (st.st_dev, st.st_ino) if st is not None else os.path.abspath(file)


def _ancestors(folder: str | None) -> list[str]:
    """``folder`` and its parents, nearest first (``Path.parents`` of a file in it)."""
    out: list[str] = []
    while folder:
        out.append(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return out


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
        try:
            node = paths.at(doc, path[:-1])
        except (KeyError, IndexError, TypeError, AttributeError):
            continue
        found = marks.get(node, path[-1]) if path else marks.get(node)
        if found is not None:
            return found
    return None
