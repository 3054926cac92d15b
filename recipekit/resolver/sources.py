"""What a source is, decided in one place for the API and the command line, and pass 1 — *load*.

``classify(source)`` sorts any input into one kind:

=========  ==============================================================================
document   a ``Document`` (already loaded)
file       an ``os.PathLike``, or a one-line string ending in ``.yaml``/``.yml``/``.json`` or
           naming an existing directory (a directory recipe, for a reader that takes one)
name       a one-line string in call grammar: ``NAME`` or ``NAME(args)``, NAME starting with a
           letter or ``_`` and made of letters, digits and ``_ . / - :``
text       any other string: YAML text (everything ``dump`` writes ends in a newline, so it
           always reads back as text, never as a name)
data       anything else: plain Python data
=========  ==============================================================================

A name is never read as YAML: an unknown one is an ``UnknownFactoryError`` with did-you-mean,
and a malformed call a call-syntax error. ``load`` turns each kind into a ``Document``; a file or
text that one of the registry's ``Reader``s claims (ModelOpt ``$import`` documents) is read by
that reader, everything else by the YAML loader (``document.Loader``).
"""

from __future__ import annotations

import os
import re
from typing import Any, NamedTuple

from . import caches, keys
from .callsyntax import parse_call
from .document import Document, Loader, read_text, stamp
from .errors import SourceError, UnknownFactoryError
from .registry import Registry

_NAME = re.compile(r"[A-Za-z_][\w./:-]*(\(.*)?", re.S)
_READERS = caches.table("sources.reader", limit=512)


class Source(NamedTuple):
    kind: str  # "document" | "file" | "name" | "text" | "data"
    value: Any


def classify(source: Any) -> Source:
    """The kind of ``source`` (see the module docstring)."""
    if isinstance(source, Document):
        return Source("document", source)
    if type(source) is not str and isinstance(source, os.PathLike):  # (an ABC check: slow)
        return Source("file", os.fspath(source))
    if isinstance(source, str):
        if "\n" not in source:
            text = source.strip()
            if text.lower().endswith(keys.INCLUDE_SUFFIXES) or os.path.isdir(text):
                return Source("file", text)
            if _NAME.fullmatch(text):
                return Source("name", text)
        return Source("text", source)
    if isinstance(source, (bytes, bytearray)):
        raise SourceError(
            "a source must be text, not bytes",
            expected="a registered name, a YAML path, YAML text or plain data",
            hint="decode it first: source.decode('utf-8')",
        )
    return Source("data", source)


def load(
    source: Any,
    registry: Registry,
    *,
    base_dir: str | None = None,
    include_roots: tuple[str, ...] = (),
) -> Document:
    """Pass 1: any source as a ``Document`` (includes expanded, codecs decoded)."""
    kind, value = classify(source)
    if kind == "document":
        return value
    if kind == "name":
        _known(value, registry)
        # what ``Loader.from_data`` makes of it, without the walk: a name starts with a letter
        # or ``_``, so it is never an ``@`` include or an escape; it may hold ``${`` in arguments
        doc = Document({keys.FACTORY: value})
        doc.interpolated = keys.INTERPOLATION_OPEN not in value
        return doc
    loader = Loader(tuple(c.decode for c in registry.codecs), include_roots=include_roots)
    if kind == "data":
        return loader.from_data(value, base_dir=base_dir)
    if kind == "file":
        return _file(value, loader, registry)
    reader = _reader(value, registry)
    if reader is not None:
        return Document(reader.read(value, file=None, base_dir=base_dir, registry=registry))
    return loader.from_text(value, base_dir=base_dir)


def _known(text: str, registry: Registry) -> None:
    """A name source must name a registered factory (did-you-mean otherwise)."""
    name = parse_call(text).name
    try:
        registry.get(name)
    except UnknownFactoryError as exc:
        if os.path.isfile(text):
            exc.hint = (
                f"a file {text!r} exists: files are read when their name ends in .yaml, .yml or "
                ".json, or when given as a pathlib.Path"
            )
        raise


def _file(path: str, loader: Loader, registry: Registry) -> Document:
    if os.path.isdir(path):
        return _directory(path, registry)
    if not os.path.isfile(path):
        raise SourceError(
            f"no such file: {path}", expected="a YAML file, a registered name, or YAML text"
        )
    key, text = stamp(path), None  # the file is read at most once (not at all when cached)
    if registry.readers:
        reader = _reader(None, registry, key)  # remembered per stamp: no read needed
        if reader is _UNKNOWN:
            text = read_text(path, key)[0]
            reader = _reader(text, registry, key)
        if reader is not None:
            if text is None:
                text = read_text(path, key)[0]
            data = reader.read(text, file=path, base_dir=None, registry=registry)
            return Document(data, path, [], [os.path.abspath(path)])
    return loader.from_file(path, known=(text, key))


def _directory(path: str, registry: Registry) -> Document:
    """A directory is a document only for a reader that claims it (ModelOpt's recipe dirs)."""
    for reader in registry.readers:
        if reader.claims_directory is not None and reader.claims_directory(path):
            data = reader.read(None, file=path, base_dir=None, registry=registry)
            return Document(data, path, [], [os.path.abspath(path)])
    raise SourceError(
        f"{path} is a directory, and no reader takes it",
        expected="a YAML file, or a directory recipe (metadata.yml + quantize.yml)",
    )


_UNKNOWN: Any = object()


def _reader(text: str | None, registry: Registry, stamp: tuple | None = None) -> Any:
    """The registry's reader that claims ``text`` (remembered per file stamp), or None;
    ``_UNKNOWN`` when ``text`` is None and nothing is remembered."""
    readers = registry.readers
    key = (stamp, tuple(r.name for r in readers)) if stamp is not None else None
    if key is not None and key in _READERS:
        name = _READERS.get(key)
        return next((r for r in readers if r.name == name), None)
    if text is None:
        return _UNKNOWN
    found = next((r for r in readers if r.claims(text)), None)
    if key is not None:
        _READERS.put(key, found.name if found else None)
    return found
