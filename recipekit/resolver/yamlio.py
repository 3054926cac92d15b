"""Safe YAML reading that remembers where every value came from.

PyYAML's composer is recursive (deeply nested input overflows the stack; libyaml's even
segfaults around 100k levels) and its constructor expands aliases without a budget. So this module
builds Python data directly from the *event stream* of the safe parser (libyaml when available),
with an explicit stack:

* only the YAML 1.1 core tags of ``yaml.safe_load`` are accepted, each on the kind of node it
  means (``!!map`` on a mapping, ``!!seq`` on a list, ``!!int`` ... on a scalar); any other tag,
  on a scalar, a sequence or a mapping, is a ``YamlError`` with file:line, and so is every value
  the safe constructor refuses (``!!int x``, ``!!timestamp x``, an integer of 5000 digits);
* nesting deeper than ``limits.MAX_DEPTH`` and alias expansion beyond ``limits.MAX_NODES`` stop
  with a ``YamlError`` (a "billion laughs" document is refused in milliseconds, never expanded);
* ``json=True`` (``.json`` files) reads plain scalars with JSON's rules (``1e-05`` is a float,
  where YAML 1.1 reads a string);
* ``<<`` merge keys behave as in PyYAML (explicit keys win, earlier merge sources win);
* duplicate keys are an error (PyYAML silently keeps the last one);
* the ``Mark`` (file, line, column) of every mapping value and list item is recorded in a
  ``SourceMap`` side table, so later passes can report ``file:line`` without special containers.

The data produced is plain ``dict``/``list``/scalars, exactly what ``yaml.safe_load`` returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import caches, limits
from .errors import Mark, YamlError

# PyYAML and what is built on it, set by ``_ensure()`` on the first read: ``import yaml`` costs
# more than the rest of the command line's start-up, and reading no YAML (``list``, ``show``,
# ``check NAME``) should not pay for it.
yaml: Any = None
ev: Any = None
_Parser: Any = None
_constructor: Any = None
_resolver: Any = None


def _ensure() -> None:
    global yaml, ev, _Parser, _constructor, _resolver
    if yaml is not None:
        return
    import yaml as lib
    from yaml import events

    class _Constructor(lib.constructor.SafeConstructor):
        """Only used to turn resolved scalar nodes into values (int, float, bool, None, dates)."""

    ev, _Parser = events, getattr(lib, "CSafeLoader", lib.SafeLoader)
    _constructor, _resolver = _Constructor(), lib.resolver.Resolver()
    yaml = lib  # last: a thread that sees it set sees everything else set


_MERGE_TAG = "tag:yaml.org,2002:merge"
_STR_TAG = "tag:yaml.org,2002:str"
_CORE = "tag:yaml.org,2002:"
#: The tags each kind of node may carry (None and "!" are the untagged and non-specific forms).
_SCALAR_TAGS = frozenset(
    _CORE + t for t in ("str", "int", "float", "bool", "null", "timestamp", "binary", "merge")
)
_CONTAINER_TAGS = {  # by event class name: PyYAML is imported lazily
    "MappingStartEvent": frozenset({None, "!", _CORE + "map"}),
    "SequenceStartEvent": frozenset({None, "!", _CORE + "seq"}),
}
_SAFE_TAGS = "plain YAML (safe tags only: !!str, !!int, !!float, !!bool, !!null, !!timestamp, !!binary on scalars; !!map, !!seq)"


class SourceMap:
    """Side table: ``(container, key)`` -> ``Mark``. ``key`` is a dict key, a list index, or
    ``None`` for the container itself. Containers are kept alive so ``id()`` stays valid."""

    __slots__ = ("_keep", "_marks")

    def __init__(self) -> None:
        self._marks: dict[tuple[int, object], Mark] = {}
        self._keep: dict[int, object] = {}

    def add(self, container: object, key: object, mark: Mark) -> None:
        self._keep[id(container)] = container
        self._marks[(id(container), key)] = mark

    def get(self, container: object, key: object = None) -> Mark | None:
        return self._marks.get((id(container), key))

    def update(self, other: SourceMap) -> None:
        self._marks.update(other._marks)
        self._keep.update(other._keep)


_SCALARS = caches.table("yamlio.scalar")


def _mark(m: Any, file: str | None) -> Mark:
    return Mark(file, m.line + 1, m.column + 1)


def _scalar(event: ev.ScalarEvent, file: str | None, json: bool = False) -> Any:
    tag = event.tag
    if json and tag is None and event.implicit[0]:
        found = _json_scalar(event.value)
        if found is not _NO_KEY:
            return found
    if tag in (None, "!"):
        tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _STR_TAG:
        return event.value
    key = (tag, event.value, event.implicit)
    if key in _SCALARS:
        return _SCALARS.get(key)
    if tag == _MERGE_TAG:
        return _MergeKey
    make = _constructor.yaml_constructors.get(tag) if tag in _SCALAR_TAGS else None
    if make is None:
        raise _bad_tag(tag, "a scalar", event, file)
    try:
        value = make(_constructor, yaml.ScalarNode(tag, event.value))
    except Exception as exc:  # the safe constructor raises ValueError, IndexError, binascii...
        raise YamlError(
            f"bad {tag.rsplit(':', 1)[-1]} value {event.value[:80]!r}: {str(exc)[:200]}",
            mark=_mark(event.start_mark, file),
            expected=f"a valid {tag.rsplit(':', 1)[-1]}",
        ) from None
    if isinstance(value, (int, float, bool, type(None), str)):
        _SCALARS.put(key, value)
    return value


def _bad_tag(tag: str, node: str, event: ev.Event, file: str | None) -> YamlError:
    return YamlError(
        f"tag {tag!r} is not allowed on {node}",
        mark=_mark(event.start_mark, file),
        expected=_SAFE_TAGS,
    )


_JSON_WORDS = {"true": True, "false": False, "null": None}


def _json_scalar(text: str) -> Any:
    """A plain scalar of a JSON file, by JSON's rules (``_NO_KEY`` if it is not a JSON token)."""
    if text in _JSON_WORDS:
        return _JSON_WORDS[text]
    if text[:1] in "-0123456789":
        import json

        try:
            value = json.loads(text)
        except ValueError:
            return _NO_KEY
        if isinstance(value, (int, float)):
            return value
    return _NO_KEY


class _MergeKey:
    """Sentinel for the ``<<`` key."""


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "mark", "merges", "size")

    def __init__(self, container: Any, anchor: str | None, mark: Mark) -> None:
        self.container = container
        self.key: Any = _NO_KEY
        self.key_mark: Mark | None = None
        self.merges: list[dict] = []
        self.size = 1
        self.anchor = anchor
        self.mark = mark


_NO_KEY = object()


def _events(text: str) -> Iterator[ev.Event]:
    loader = _Parser(text)
    try:
        while loader.check_event():
            yield loader.get_event()
    finally:
        loader.dispose()


def load_all(
    text: str, file: str | None = None, marks: SourceMap | None = None, *, json: bool = False
) -> list[Any]:
    """All documents of ``text`` as plain data; marks are recorded into ``marks``. ``json``
    reads plain scalars with JSON's number rules."""
    _ensure()
    marks = marks if marks is not None else SourceMap()
    docs: list[Any] = []
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    total = 0
    root: list[Any] = []
    try:
        for event in _events(text):
            if isinstance(
                event, (ev.ScalarEvent, ev.AliasEvent, ev.MappingStartEvent, ev.SequenceStartEvent)
            ):
                mark = _mark(event.start_mark, file)
                if isinstance(event, ev.AliasEvent):
                    if event.anchor not in anchors:
                        raise YamlError(f"unknown alias *{event.anchor}", mark=mark)
                    value, size = anchors[event.anchor]
                    total += size
                    if total > limits.MAX_NODES:
                        raise YamlError(
                            f"aliases expand to more than {limits.MAX_NODES:,} nodes (alias bomb?)",
                            mark=mark,
                            expected="a document without exponential alias reuse",
                        )
                    _attach(stack, root, value, size, mark, marks, file)
                    continue
                if isinstance(event, ev.ScalarEvent):
                    value = _scalar(event, file, json)
                    total += 1
                    if event.anchor:
                        anchors[event.anchor] = (value, 1)
                    _attach(stack, root, value, 1, mark, marks, file)
                    continue
                if event.tag not in _CONTAINER_TAGS[type(event).__name__]:
                    kind = "a mapping" if isinstance(event, ev.MappingStartEvent) else "a sequence"
                    raise _bad_tag(event.tag, kind, event, file)
                if len(stack) >= limits.MAX_DEPTH:
                    raise YamlError(
                        f"document nested deeper than {limits.MAX_DEPTH} levels",
                        mark=mark,
                        expected=f"at most {limits.MAX_DEPTH} levels of nesting (limits.MAX_DEPTH)",
                    )
                total += 1
                container: Any = {} if isinstance(event, ev.MappingStartEvent) else []
                marks.add(container, None, mark)
                stack.append(_Frame(container, event.anchor, mark))
                continue
            if isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                frame = stack.pop()
                value = frame.container
                if frame.merges:
                    value = _apply_merges(frame, marks)
                if frame.anchor:
                    anchors[frame.anchor] = (value, frame.size)
                _attach(stack, root, value, frame.size, frame.mark, marks, file, popped=True)
                continue
            if isinstance(event, ev.DocumentEndEvent):
                docs.append(root[0] if root else None)
                root = []
                anchors = {}
    except yaml.MarkedYAMLError as exc:
        where = exc.problem_mark or exc.context_mark
        raise YamlError(
            f"invalid YAML: {exc.problem or exc.context}",
            mark=_mark(where, file) if where else Mark(file, 0, 0),
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", mark=Mark(file, 0, 0)) from None
    return docs


def _attach(
    stack: list[_Frame],
    root: list[Any],
    value: Any,
    size: int,
    mark: Mark,
    marks: SourceMap,
    file: str | None,
    popped: bool = False,
) -> None:
    if not stack:
        root.append(value)
        return
    frame = stack[-1]
    frame.size += size
    parent = frame.container
    if isinstance(parent, list):
        marks.add(parent, len(parent), mark)
        parent.append(value)
        return
    if frame.key is _NO_KEY:
        if isinstance(value, (dict, list)):
            raise YamlError("a mapping or list cannot be a key", mark=mark, expected="a scalar key")
        frame.key, frame.key_mark = value, mark
        return
    key, frame.key = frame.key, _NO_KEY
    if key is _MergeKey:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, dict) for s in sources):
            raise YamlError("'<<' merge needs a mapping or a list of mappings", mark=mark)
        frame.merges.extend(sources)
        return
    if key in parent:
        raise YamlError(
            f"duplicate key {key!r} (first at line {marks.get(parent, key).line})",
            mark=frame.key_mark,
            expected="each key once per mapping",
        )
    marks.add(parent, key, mark)
    parent[key] = value


def _apply_merges(frame: _Frame, marks: SourceMap) -> dict:
    """PyYAML semantics: explicit keys win; among merge sources the earlier one wins."""
    explicit = frame.container
    merged: dict = {}
    for source in reversed(frame.merges):
        for key, value in source.items():
            merged[key] = value
            mark = marks.get(source, key)
            if mark:
                marks.add(merged, key, mark)
    for key, value in explicit.items():
        merged[key] = value
        marks.add(merged, key, marks.get(explicit, key))
    marks.add(merged, None, frame.mark)
    return merged


#: one plain YAML word (``true``, ``16``, ``-1.5e3``, ``e4m3``, ``*lm_head*`` is not): its event
#: is a plain scalar whose value is the text itself, so no parser is needed to read it
_WORD = re.compile(r"[+-]?\.?[A-Za-z0-9_][A-Za-z0-9_.+/-]*", re.ASCII)


def load(
    text: str, file: str | None = None, marks: SourceMap | None = None, *, json: bool = False
) -> Any:
    """The single document of ``text`` (None for an empty text)."""
    if _WORD.fullmatch(text):  # an override value, mostly: the parser's answer, without it
        _ensure()
        start = yaml.Mark(file or "<unicode string>", 0, 0, 0, None, None)
        return _scalar(ev.ScalarEvent(None, None, (True, False), text, start, start), file, json)
    docs = load_all(text, file, marks, json=json)
    if len(docs) > 1:
        raise YamlError(
            f"expected one YAML document, found {len(docs)}",
            mark=Mark(file, 0, 0),
            hint="ModelOpt multi-document files are read by the $import loader",
        )
    return docs[0] if docs else None
