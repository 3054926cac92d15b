"""Pass 1 — *load*: turn any source into a ``Document`` (plain data + where it came from).

Sources: a registered name (``nvfp4``, ``general/ptq/x(a=1)``) becomes ``{_factory_: name}``; a
path (``str`` ending in ``.yaml``/``.yml``/``.json``, or ``pathlib.Path``) is read; other strings
are YAML text; anything else is plain Python data. Files are parsed by ``yamlio`` (safe, bounded,
marked) and cached by (path, mtime, size): no pass mutates input data, so sharing is safe.

Then ``@path.yaml`` / ``@path.yaml:section`` string values are replaced by the referenced file's
data (relative to the referring file; includes nest; a loop is a ``CycleError`` printing the
chain in order); a list item that includes a list is spliced in place, as a list factory's
result is (``quant_cfg: ["@base.yaml", "@kv.yaml"]`` concatenates the two rule lists), and the registry's codecs decode domain values (e.g. ModelOpt's ``num_bits:
e4m3`` -> ``(4, 3)``), both copy-on-write.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

from . import caches, keys, paths, yamlio
from .errors import CycleError, Mark, RecipekitError, SourceError
from .yamlio import SourceMap

Decoder = Callable[[object, Any], Any]  # (key, value) -> value (the same object when unchanged)


class Document:
    """Plain data plus the marks of every value that came from a file.

    ``interpolated`` is True once it is known that no ``${...}`` is left to resolve; ``lookups``
    maps id(factory node) to (call, callable, entry, scalar arguments?), filled by the check pass
    for the build pass.
    """

    __slots__ = ("data", "file", "files", "interpolated", "lookups", "marks")

    def __init__(
        self,
        data: Any,
        file: str | None = None,
        marks: list[SourceMap] | None = None,
        files: list[str] | None = None,
    ) -> None:
        self.data, self.file = data, file
        self.marks: list[SourceMap] = marks if marks is not None else []
        self.files: list[str] = files if files is not None else []
        self.interpolated = False
        self.lookups: dict[int, tuple[Any, Any, Any, bool]] = {}

    def __repr__(self) -> str:
        return f"Document(file={self.file!r}, files={len(self.files)})"

    def where(self, container: object, key: object = None) -> Mark | None:
        for table in self.marks:
            mark = table.get(container, key)
            if mark is not None:
                return mark
        return None

    def mark_at(self, path: Sequence[object]) -> Mark | None:
        """The mark of the deepest value along ``path`` that the document itself holds."""
        node, best = self.data, None
        for key in path:
            found = paths.child(node, key) if isinstance(node, (dict, list)) else paths.MISSING
            if found is paths.MISSING:
                break
            best = self.where(node, found) or best
            node = node[found]
        return best


_FILES = caches.table("document.files", limit=512)


def stamp(path: str | os.PathLike) -> tuple[str, int, int]:
    """``(absolute path, mtime, size)``: what a cached read of the file is keyed on."""
    file = os.path.abspath(os.fspath(path))
    try:
        st = os.stat(file)
    except OSError as exc:
        raise SourceError(
            f"cannot read {path}: {exc.strerror}", expected="an existing YAML file"
        ) from None
    return (file, st.st_mtime_ns, st.st_size)


def read_text(
    path: str | os.PathLike, key: tuple[str, int, int] | None = None
) -> tuple[str, tuple[str, int, int]]:
    """The text of a file and its ``stamp`` (``key``: the stamp, when the caller has it)."""
    key = key or stamp(path)
    try:
        with open(key[0], encoding="utf-8") as handle:
            return handle.read(), key
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None


def read_yaml(
    path: str | os.PathLike, *, cache: bool = True, known: tuple[str | None, tuple] | None = None
) -> tuple[Any, SourceMap]:
    """Parse one YAML/JSON file (single document) with marks; cached by path, mtime and size.
    ``known``: ``(text or None, stamp)`` the caller already read, so the file is read once."""
    key = known[1] if known is not None else stamp(path)
    hit = _FILES.get(key) if cache else None
    if hit is not None:
        return hit
    text, key = (
        (known[0], key) if known is not None and known[0] is not None else read_text(path, key)
    )
    marks = SourceMap()
    data = yamlio.load(text, os.fspath(path), marks)
    if cache:
        _FILES.put(key, (data, marks))
    return data, marks


def parse_include(value: str) -> tuple[str, str | None] | None:
    """``"@a/b.yaml:sec.sub"`` -> ``("a/b.yaml", "sec.sub")``; None if not an include."""
    if not value.startswith(keys.INCLUDE_PREFIX) or "\n" in value:
        return None
    body = value[len(keys.INCLUDE_PREFIX) :]
    for suffix in keys.INCLUDE_SUFFIXES:
        index = body.lower().find(suffix)
        if index > 0:
            end = index + len(suffix)
            rest = body[end:]
            if not rest:
                return body, None
            if rest.startswith(":") and len(rest) > 1:
                return body[:end], rest[1:]
    return None


class Loader:
    """Expands ``@`` includes and applies decoders, recording marks into one ``Document``."""

    def __init__(self, decoders: Sequence[Decoder] = (), *, cache: bool = True) -> None:
        self.decoders = tuple(decoders)
        self.cache = cache

    def from_file(
        self, path: str | os.PathLike, *, known: tuple[str | None, tuple] | None = None
    ) -> Document:
        data, marks = read_yaml(path, cache=self.cache, known=known)
        doc = Document(None, os.fspath(path), [marks], [os.path.abspath(path)])
        file = os.path.abspath(path)
        doc.data = self.root(data, doc, os.path.dirname(file), (file,))
        return doc

    def from_text(
        self, text: str, *, file: str | None = None, base_dir: str | None = None
    ) -> Document:
        marks = SourceMap()
        data = yamlio.load(text, file, marks)
        doc = Document(None, file, [marks])
        doc.data = self.root(data, doc, base_dir or os.getcwd(), ())
        return doc

    def from_data(self, data: Any, *, base_dir: str | None = None) -> Document:
        """Plain Python data: ``@`` includes are expanded, but codecs do not apply (as in
        ModelOpt's Python API, ``num_bits="e4m3"`` given in Python stays a string)."""
        doc = Document(None)
        includes, refs = _scan_strings(data)
        doc.interpolated = not refs
        if not includes:
            doc.data = data
            return doc
        doc.data = self.root(data, doc, base_dir or os.getcwd(), (), from_yaml=False)
        return doc

    def root(
        self, data: Any, doc: Document, base: str, chain: tuple[str, ...], *, from_yaml: bool = True
    ) -> Any:
        """The whole document expanded: the root itself may be an include (or an escape)."""
        return self._include_or_expand(data, doc, base, chain, (), None, None, from_yaml)

    # -- the pass: copy-on-write walk -------------------------------------------------------
    def expand(
        self,
        value: Any,
        doc: Document,
        base: str,
        chain: tuple[str, ...],
        path: tuple,
        *,
        from_yaml: bool = True,
    ) -> Any:
        """Copy-on-write walk: includes expanded; decoders applied to values read from YAML
        (the whole document, or only the included files when the document is Python data)."""
        if isinstance(value, dict):
            out, changed = {}, False
            for key, item in value.items():
                new = self._include_or_expand(
                    item, doc, base, chain, (*path, key), value, key, from_yaml
                )
                if from_yaml:
                    new = self._decode(key, new)
                changed |= new is not item
                out[key] = new
            if not changed:
                return value
            copy_marks(doc, value, out)
            return out
        if isinstance(value, list):
            out_list, changed, moved = [], False, []
            for index, item in enumerate(value):
                new = self._include_or_expand(
                    item, doc, base, chain, (*path, len(out_list)), value, index, from_yaml
                )
                changed |= new is not item
                if isinstance(new, list) and isinstance(item, str) and parse_include(item):
                    out_list.extend(new)  # an included list splices, like a list factory
                    continue
                moved.append((index, len(out_list)))
                out_list.append(new)
            if not changed:
                return value
            _move_marks(doc, value, out_list, moved)
            return out_list
        return value

    def _decode(self, key: object, value: Any) -> Any:
        for decode in self.decoders:
            value = decode(key, value)
        return value

    def _include_or_expand(
        self,
        item: Any,
        doc: Document,
        base: str,
        chain: tuple[str, ...],
        path: tuple,
        parent: object,
        key: object,
        from_yaml: bool,
    ) -> Any:
        if isinstance(item, str):
            ref = parse_include(item)
            if ref is None:
                if item[:1] == keys.ESCAPE and parse_include(item.lstrip(keys.ESCAPE)):
                    return item[1:]  # an escaped literal "@file.yaml" (what dump writes)
                return item
            return self._include(ref, doc, base, chain, path, doc.where(parent, key))
        if isinstance(item, (dict, list)):
            return self.expand(item, doc, base, chain, path, from_yaml=from_yaml)
        return item

    def _include(
        self,
        ref: tuple[str, str | None],
        doc: Document,
        base: str,
        chain: tuple[str, ...],
        path: tuple,
        mark: Mark | None,
    ) -> Any:
        rel, section = ref
        file = os.path.normpath(os.path.join(base, os.path.expanduser(rel)))
        if file in chain:
            loop = [*chain[chain.index(file) :], file]
            raise CycleError(
                "files include each other in a loop",
                path=path,
                mark=mark,
                chain=[os.path.relpath(f) for f in loop],
                expected="an include graph without cycles",
            )
        if not os.path.exists(file):
            raise SourceError(
                f"included file {rel!r} does not exist (looked for {file})",
                path=path,
                mark=mark,
                expected="a path relative to the including file",
            )
        try:
            data, marks = read_yaml(file, cache=self.cache)
        except RecipekitError as exc:
            raise exc.located(path=path, mark=mark) from None
        doc.marks.append(marks)
        doc.files.append(file)
        if section:
            data = _select(data, section, rel, path, mark)
        return self.expand(data, doc, os.path.dirname(file), (*chain, file), path)


def _scan_strings(value: Any) -> tuple[bool, bool]:
    """Whether any string of ``value`` starts with ``@`` / contains ``${``. Shared or
    self-referencing containers are visited once; a document too deep to walk answers
    (True, True), which sends it down the full path (and its proper error)."""
    found = [False, False]
    seen: set[int] = set()

    def walk(item: Any) -> None:
        for v in item.values() if type(item) is dict else item:
            kind = type(v)
            if kind is str:
                if v[:1] == keys.INCLUDE_PREFIX or v[:1] == keys.ESCAPE:
                    found[0] = True
                if keys.INTERPOLATION_OPEN in v:
                    found[1] = True
            elif (
                kind is dict or kind is list or kind is tuple or isinstance(v, (dict, list, tuple))
            ) and id(v) not in seen:
                seen.add(id(v))
                walk(v)

    try:
        if isinstance(value, str):
            return value[:1] in (keys.INCLUDE_PREFIX, keys.ESCAPE), keys.INTERPOLATION_OPEN in value
        if isinstance(value, (dict, list, tuple)):
            walk(value)
    except RecursionError:
        return True, True
    return found[0], found[1]


def _select(data: Any, section: str, rel: str, path: tuple, mark: Mark | None) -> Any:
    """The ``section`` (a key path, ``a.b[0]``) of an included file's data."""
    try:
        steps = paths.parse(section, error=SourceError)
        found = paths.find(data, steps, what=f"section {section!r} of {rel}", error=SourceError)
    except RecipekitError as exc:
        raise exc.located(path=path, mark=mark) from None
    return paths.at(data, found[-1])


def _move_marks(doc: Document, old: list, new: list, moved: list[tuple[int, int]]) -> None:
    """Give a list rebuilt with spliced includes the marks of the items that kept their place
    (``moved``: old index -> new index) and of the list itself."""
    if not doc.marks:
        return
    table = doc.marks[0]
    for before, after in moved:
        mark = doc.where(old, before)
        if mark is not None:
            table.add(new, after, mark)
    mark = doc.where(old)
    if mark is not None:
        table.add(new, None, mark)


def copy_marks(doc: Document, old: object, new: dict | list) -> None:
    """Give a copied container the marks of the container it replaces."""
    if not doc.marks:
        return
    table = doc.marks[0]
    keys_ = range(len(new)) if isinstance(new, list) else list(new)
    for key in keys_:
        mark = doc.where(old, key)
        if mark is not None:
            table.add(new, key, mark)
    mark = doc.where(old)
    if mark is not None:
        table.add(new, None, mark)
