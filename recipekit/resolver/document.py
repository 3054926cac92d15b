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

Files are untrusted input (docs/security.md):

* only regular files are read: the path is resolved (symlinks followed), opened without
  blocking, and refused unless it is a regular file (a FIFO, ``/dev/zero``, a directory) or
  larger than ``limits.MAX_FILE_BYTES`` — both checked before a byte is read;
* an include must resolve (after ``~``, ``..`` and symlinks) inside an allowed root: the
  directory of the top-level document (or ``base_dir``), the current directory, and the
  ``include_roots`` the caller adds (``--include-root DIR``);
* within one load, a file reached twice (an include diamond) is read and expanded once, and the
  result is shared (no pass mutates document data); nesting past ``limits.MAX_DEPTH`` and more
  than ``limits.MAX_INCLUDES`` files are errors, never a ``RecursionError``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from . import caches, keys, limits, paths, yamlio
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


def _regular(path: str | os.PathLike, st: os.stat_result) -> None:
    """Refuse anything but a regular file of at most ``limits.MAX_FILE_BYTES``."""
    if not stat.S_ISREG(st.st_mode):
        raise SourceError(
            f"cannot read {path}: not a regular file",
            expected="a regular YAML/JSON file (not a directory, FIFO or device)",
        )
    _bounded(path, st.st_size)


def _bounded(path: str | os.PathLike, size: int) -> None:
    if size > limits.MAX_FILE_BYTES:
        raise SourceError(
            f"cannot read {path}: {size:,} bytes is more than the limit of"
            f" {limits.MAX_FILE_BYTES:,} (limits.MAX_FILE_BYTES)",
            expected="a recipe file of modest size",
        )


def stamp(path: str | os.PathLike) -> tuple[str, int, int]:
    """``(absolute path, mtime, size)``: what a cached read of the file is keyed on. Anything
    but a regular file of at most ``limits.MAX_FILE_BYTES`` (symlinks followed) is refused
    here, before a byte is read."""
    try:
        file = os.path.abspath(os.fspath(path))
        st = os.stat(file)
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise SourceError(f"cannot read {path}: {why}", expected="an existing YAML file") from None
    _regular(path, st)
    return (file, st.st_mtime_ns, st.st_size)


def read_text(
    path: str | os.PathLike, key: tuple[str, int, int] | None = None
) -> tuple[str, tuple[str, int, int]]:
    """The text of a regular file of bounded size and its ``stamp`` (``key``: the stamp, when
    the caller has it): opened without blocking (a FIFO never hangs), checked again on the open
    descriptor, read up to the limit only."""
    key = key or stamp(path)
    try:
        fd = os.open(
            key[0], os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        )
        with os.fdopen(fd, "rb") as handle:
            _regular(path, os.fstat(handle.fileno()))
            raw = handle.read(limits.MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    _bounded(path, len(raw))  # it grew after the check
    try:
        return raw.decode("utf-8"), key
    except UnicodeDecodeError as exc:
        raise SourceError(f"cannot read {path}: not UTF-8 text ({exc.reason})") from None


def read_yaml(
    path: str | os.PathLike, *, cache: bool = True, known: tuple[str | None, tuple] | None = None
) -> tuple[Any, SourceMap]:
    """Parse one YAML/JSON file (single document) with marks; cached by path, mtime and size.
    ``known``: ``(text or None, stamp)`` the caller already read, so the file is read once.
    A ``.json`` file is read with JSON's number rules."""
    key = known[1] if known is not None else stamp(path)
    hit = _FILES.get(key) if cache else None
    if hit is not None:
        return hit
    text, key = (
        (known[0], key) if known is not None and known[0] is not None else read_text(path, key)
    )
    marks = SourceMap()
    json = os.fspath(path).lower().endswith(".json")
    data = yamlio.load(text, os.fspath(path), marks, json=json)
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
    """Expands ``@`` includes and applies decoders, recording marks into one ``Document``.

    ``include_roots`` are directories an include may read from, besides the directory of the
    top-level document (or ``base_dir``) and the current directory."""

    def __init__(
        self,
        decoders: Sequence[Decoder] = (),
        *,
        cache: bool = True,
        include_roots: Iterable[str | os.PathLike] = (),
    ) -> None:
        self.decoders = tuple(decoders)
        self.cache = cache
        self.include_roots = tuple(os.path.realpath(os.fspath(r)) for r in include_roots)
        self._home: str | None = None
        self._roots: tuple[str, ...] | None = None
        #: (resolved file, section) -> expanded data, for the load in progress only
        self._expanded: dict[tuple[str, str | None], Any] = {}
        #: id(expanded container) -> (values it holds once shared parts are counted, container)
        self._sizes: dict[int, tuple[int, Any]] = {}

    def _start(self, home: str | None) -> None:
        """A new load: the allowed roots are ``home``, the current directory and the extras
        (resolved on the first include: most documents have none)."""
        self._home, self._roots = home, None
        self._expanded, self._sizes = {}, {}

    def roots(self) -> tuple[str, ...]:
        """The directories includes of the load in progress may read from (symlinks resolved)."""
        if self._roots is None:
            home = [os.path.realpath(self._home)] if self._home else []
            # getcwd() is already free of symlinks
            self._roots = tuple(dict.fromkeys([*home, os.getcwd(), *self.include_roots]))
        return self._roots

    def from_file(
        self, path: str | os.PathLike, *, known: tuple[str | None, tuple] | None = None
    ) -> Document:
        data, marks = read_yaml(path, cache=self.cache, known=known)
        top = os.path.abspath(os.fspath(path))
        self._start(os.path.dirname(top))
        doc = Document(None, os.fspath(path), [marks], [top])
        # (the chain holds resolved paths; a top file reached through a symlink is caught one
        # include later)
        doc.data = self.root(data, doc, os.path.dirname(top), (top,))
        return doc

    def from_text(
        self, text: str, *, file: str | None = None, base_dir: str | None = None
    ) -> Document:
        marks = SourceMap()
        data = yamlio.load(text, file, marks)
        doc = Document(None, file, [marks])
        self._start(base_dir)
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
        self._start(base_dir)
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
        (the whole document, or only the included files when the document is Python data).
        One frame per level of nesting (two per include), bounded by ``limits.MAX_DEPTH``."""
        if not isinstance(value, (dict, list)):
            return value
        if len(path) >= limits.MAX_DEPTH:
            raise too_deep(path, doc.where(value))
        is_dict = isinstance(value, dict)
        items = value.items() if is_dict else enumerate(value)
        out: Any = {} if is_dict else []
        changed, size = False, 1
        sizes = self._sizes
        moved: list[tuple[int, int]] = []  # list items: (index in value, index in out)
        for key, item in items:
            where = key if is_dict else len(out)  # a list's path counts result items
            if isinstance(item, str):  # (inlined _include_or_expand: one frame less per level)
                ref = parse_include(item)
                new = (
                    _literal(item)
                    if ref is None
                    else self._include(ref, doc, base, chain, (*path, where), doc.where(value, key))
                )
            elif isinstance(item, (dict, list)):
                new = self.expand(item, doc, base, chain, (*path, where), from_yaml=from_yaml)
            else:
                new = item
            if is_dict and from_yaml:
                new = self._decode(key, new)
            changed |= new is not item
            found = sizes.get(id(new))  # only containers are there, kept alive: ids are unique
            size += found[0] if found else 1
            if is_dict:
                out[key] = new
            elif isinstance(new, list) and isinstance(item, str) and new is not item:
                out.extend(new)  # an included list splices, like a list factory
            else:
                moved.append((key, len(out)))
                out.append(new)
        if size > limits.MAX_NODES:  # a file included twice per level doubles at each level
            raise SourceError(
                f"includes expand to more than {limits.MAX_NODES:,} values (limits.MAX_NODES)",
                path=path,
                mark=doc.where(value),
                expected="includes that do not multiply the document",
            )
        if changed:
            if is_dict:
                copy_marks(doc, value, out)
            else:
                copy_marks(doc, value, out, moved)
            value = out
        sizes[id(value)] = (size, value)
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
                return _literal(item)
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
        file = self._confined(rel, base, path, mark)
        if file in chain:
            loop = [*chain[chain.index(file) :], file]
            raise CycleError(
                "files include each other in a loop",
                path=path,
                mark=mark,
                chain=[os.path.relpath(f) for f in loop],
                expected="an include graph without cycles",
            )
        # Expanded once per load: a file whose expansion finished has no cycle below it, so the
        # chain that reaches it again cannot close one through it either.
        done = self._expanded.get((file, section), _NOT_YET)
        if done is not _NOT_YET:
            return done
        if not os.path.exists(file):
            raise SourceError(
                f"included file {rel!r} does not exist (looked for {file})",
                path=path,
                mark=mark,
                expected="a path relative to the including file",
            )
        if len(doc.files) >= limits.MAX_INCLUDES:
            raise SourceError(
                f"more than {limits.MAX_INCLUDES:,} included files (limits.MAX_INCLUDES)",
                path=path,
                mark=mark,
            )
        try:
            data, marks = read_yaml(file, cache=self.cache)
        except RecipekitError as exc:
            raise exc.located(path=path, mark=mark) from None
        if file not in doc.files:
            doc.marks.append(marks)
            doc.files.append(file)
        if section:
            data = _select(data, section, rel, path, mark)
        result = self.expand(data, doc, os.path.dirname(file), (*chain, file), path)
        self._expanded[(file, section)] = result
        return result

    def _confined(self, rel: str, base: str, path: tuple, mark: Mark | None) -> str:
        """The resolved path of include ``rel``; an error unless it lies inside an allowed root
        (``~``, ``..``, absolute paths and symlinks are all judged by where they end up)."""
        try:
            file = os.path.realpath(os.path.join(base, os.path.expanduser(rel)))
        except (OSError, ValueError) as exc:  # an embedded NUL, a name too long, a symlink loop
            raise SourceError(
                f"bad include path {rel[:200]!r}: {exc}", path=path, mark=mark
            ) from None
        roots = self.roots()
        if any(file == root or file.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
            return file
        raise SourceError(
            f"included file {rel!r} resolves to {file}, outside the allowed include roots",
            path=path,
            mark=mark,
            expected="a file under " + ", ".join(roots),
            hint="allow its directory with --include-root DIR (include_roots=[DIR] in Python)",
        )


_NOT_YET = object()


def _literal(item: str) -> str:
    """A string that is not an include, with an escaped literal ``"@file.yaml"`` (what dump
    writes) unescaped."""
    if item[:1] == keys.ESCAPE and parse_include(item.lstrip(keys.ESCAPE)):
        return item[1:]
    return item


def too_deep(path: tuple, mark: Mark | None = None) -> SourceError:
    """The error for data nested past ``limits.MAX_DEPTH`` (instead of a ``RecursionError``)."""
    return SourceError(
        f"the document is nested too deeply (more than {limits.MAX_DEPTH} levels)",
        path=path[:8],
        mark=mark,
        expected=f"at most {limits.MAX_DEPTH} levels of nesting (limits.MAX_DEPTH)",
    )


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


def copy_marks(
    doc: Document, old: object, new: dict | list, moved: Iterable[tuple[Any, Any]] | None = None
) -> None:
    """Give a copied container the marks of the container it replaces: each key's own, or for
    ``moved`` (old key -> new key: a list rebuilt with spliced includes) those pairs only."""
    if not doc.marks:
        return
    table = doc.marks[0]
    if moved is None:
        moved = ((k, k) for k in (range(len(new)) if isinstance(new, list) else list(new)))
    for before, after in moved:
        mark = doc.where(old, before)
        if mark is not None:
            table.add(new, after, mark)
    mark = doc.where(old)
    if mark is not None:
        table.add(new, None, mark)
