"""Serialization: resolved data back to text, in four forms.

* ``expanded`` — the resolved data as YAML or JSON: deterministic, key order preserved, no
  anchors. Dataclasses become mappings of their fields, tuples and sets become lists, and in JSON
  non-string keys become their JSON text (``-1`` -> ``"-1"``). Registry codecs encode domain
  values first (ModelOpt's ``(4, 3)`` -> ``e4m3``), so ModelOpt's loader reads our output back to
  the same value. Functions used as values are written the way NeMo-Run does,
  ``{_target_: mod.fn, _call_: false}``; ``functools.partial`` as ``_target_`` + ``_partial_``.
* ``annotated`` — ``expanded`` YAML with provenance comments (``# factory: nvfp4() (file:line)``)
  wherever the origin of a value differs from its parent's.
* ``factory`` — the source document in ``_factory_`` form with overrides folded in (see ``fold``).
* ``nemo-run`` — the ``_target_`` form NeMo-Run's ``--to-yaml`` writes for objects: dataclasses
  as ``{_target_: module.Class, <fields that differ from their defaults>}``, keys sorted.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml

from . import keys, limits, paths
from .errors import BadArgumentError, format_path

FORMS = ("expanded", "annotated", "factory", "nemo-run")
FORMATS = ("yaml", "json")
Encoder = Callable[[object, Any], Any]


def qualname(obj: Any) -> str:
    module = getattr(obj, "__module__", None) or type(obj).__module__
    return f"{module}.{getattr(obj, '__qualname__', type(obj).__qualname__)}"


def to_plain(
    value: Any,
    *,
    encoders: Sequence[Encoder] = (),
    json_keys: bool = False,
    nemo: bool = False,
    path: tuple = (),
) -> Any:
    """Plain YAML/JSON-ready data; raises ``BadArgumentError`` naming the path of anything else
    (and of data nested deeper than ``limits.MAX_DEPTH``, instead of a ``RecursionError``)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if len(path) > limits.MAX_DEPTH:  # hardening (issue 10)
        raise BadArgumentError(
            f"cannot serialize data nested too deeply (more than {limits.MAX_DEPTH} levels)",
            path=path[:8],
            expected=f"at most {limits.MAX_DEPTH} levels of nesting (limits.MAX_DEPTH)",
        )
    if isinstance(value, float):
        if json_keys and not math.isfinite(value):
            return str(value)
        return value
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            for encode in encoders:
                v = encode(k, v)
            key = k
            if json_keys and not isinstance(k, str):
                import json

                key = json.dumps(k) if isinstance(k, (int, float, bool)) or k is None else str(k)
            elif not isinstance(k, (str, int, float, bool)) and k is not None:
                key = str(k)
            out[key] = to_plain(
                v, encoders=encoders, json_keys=json_keys, nemo=nemo, path=(*path, k)
            )
        return out
    if isinstance(value, (list, tuple)):
        return [
            to_plain(v, encoders=encoders, json_keys=json_keys, nemo=nemo, path=(*path, i))
            for i, v in enumerate(value)
        ]
    if isinstance(value, (set, frozenset)):
        return [
            to_plain(v, encoders=encoders, json_keys=json_keys, nemo=nemo, path=(*path, i))
            for i, v in enumerate(sorted(value, key=repr))
        ]
    if paths.is_record(value):
        fields = {}
        for f in paths.fields(value):
            current = getattr(value, f.name)
            if nemo and _is_default(f, current):
                continue
            fields[f.name] = current
        plain = to_plain(fields, encoders=encoders, json_keys=json_keys, nemo=nemo, path=path)
        return {keys.TARGET: qualname(type(value)), **plain} if nemo else plain
    if isinstance(value, functools.partial):
        body = {keys.TARGET: qualname(value.func), keys.PARTIAL: True}
        if value.args:
            body[keys.ARGS] = list(value.args)
        body.update(value.keywords)
        return to_plain(body, encoders=encoders, json_keys=json_keys, nemo=nemo, path=path)
    if isinstance(value, (type, _FunctionTypes)):
        return {keys.TARGET: qualname(value), keys.CALL: False}
    # Modules that are not imported cannot have made the value: look them up, never import them.
    enum, pathlib, datetime = (sys.modules.get(m) for m in ("enum", "pathlib", "datetime"))
    if enum and isinstance(value, enum.Enum):
        return to_plain(value.value, encoders=encoders, json_keys=json_keys, nemo=nemo, path=path)
    if pathlib and isinstance(value, pathlib.PurePath):
        return str(value)
    if datetime and isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat() if json_keys else value
    raise BadArgumentError(
        f"cannot serialize a value of type {type(value).__name__}",
        path=path,
        expected="plain data, dataclasses, enums, paths, functions or functools.partial",
    )


_FunctionTypes = (type(len), type(lambda: None))


def _is_default(f: Any, value: Any) -> bool:
    missing = paths.dataclasses_module().MISSING
    if f.default is not missing:
        return _same(value, f.default)
    if f.default_factory is not missing:
        try:
            return _same(value, f.default_factory())
        except Exception:
            return False
    return False


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str_presenter)


_OneLine = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_UNFOLDED = 1 << 30  # no line folding inside one token


def emit_yaml(plain: Any, *, sort_keys: bool = False) -> str:
    return yaml.dump(
        plain,
        Dumper=_Dumper,
        sort_keys=sort_keys,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
    )


def emit_json(plain: Any) -> str:
    import json

    return json.dumps(plain, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


#: Line breaks YAML knows: a scalar holding one is written double-quoted, on one line.
_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def scalar_text(value: Any) -> str:
    """One scalar as a YAML flow token (``e4m3``, ``'*'``, ``null``, ``16``), always on one line
    (multi-line strings double-quoted with escapes, never folded), so it can sit after a key in
    the annotated form."""
    if isinstance(value, str) and any(b in value for b in _BREAKS):
        text = yaml.dump(
            value, Dumper=_OneLine, default_style='"', allow_unicode=True, width=_UNFOLDED
        )
        return text[: -len("\n...\n")] if text.endswith("\n...\n") else text.rstrip("\n")
    text = yaml.dump(
        value, Dumper=_Dumper, default_flow_style=True, allow_unicode=True, width=_UNFOLDED
    )
    text = text[: -len("\n...\n")] if text.endswith("\n...\n") else text.rstrip("\n")
    return text


def annotated(
    plain: Any, origins: Mapping[tuple, Any], raw_paths: Mapping[tuple, tuple] | None = None
) -> str:
    """``expanded`` YAML with ``# origin`` comments where the origin changes."""
    lines: list[str] = []

    def note(path: tuple, inherited: Any) -> tuple[str, Any]:
        origin = origins.get(path)
        if origin is None or origin == inherited:
            return "", inherited
        if getattr(origin, "kind", None) == "document" and _same_file(origin, inherited):
            return "", origin  # a plain value of the same file: its line is no news
        return f"  # {origin}", origin

    def walk(value: Any, path: tuple, indent: int, inherited: Any, lead: str | None = None) -> None:
        pad = " " * indent
        if isinstance(value, dict):
            first = True
            for k, v in value.items():
                key_path = (*path, k)
                comment, origin = note(key_path, inherited)
                prefix = lead if (lead is not None and first) else pad
                first = False
                key = scalar_text(k)
                # YAML allows implicit keys of up to 1024 characters; longer ones are explicit
                head = f"{prefix}{key}:" if len(key) < 1000 else f"{prefix}? {key}\n{pad}:"
                if isinstance(v, (dict, list)) and v:
                    lines.append(f"{head}{comment}")
                    walk(v, key_path, indent + 2, origin)
                else:
                    lines.append(
                        f"{head} {scalar_text(v) if not isinstance(v, (dict, list)) else ('{}' if isinstance(v, dict) else '[]')}{comment}"
                    )
            return
        if isinstance(value, list):
            for i, v in enumerate(value):
                item_path = (*path, i)
                comment, origin = note(item_path, inherited)
                if isinstance(v, dict) and v:
                    if comment:
                        lines.append(f"{pad}# item {i}:{comment[3:]}")
                    walk(v, item_path, indent + 2, origin, lead=f"{pad}- ")
                elif isinstance(v, list) and v:
                    lines.append(f"{pad}-{comment}")
                    walk(v, item_path, indent + 2, origin)
                else:
                    text = (
                        scalar_text(v)
                        if not isinstance(v, (dict, list))
                        else ("{}" if isinstance(v, dict) else "[]")
                    )
                    lines.append(f"{pad}- {text}{comment}")
            return
        lines.append(f"{pad}{scalar_text(value)}")

    root_comment, root_origin = note((), None)
    if root_comment:
        lines.append(f"#{root_comment[3:]}")
    if isinstance(plain, (dict, list)) and plain:
        walk(plain, (), 0, root_origin)
    else:
        lines.append(
            scalar_text(plain)
            if not isinstance(plain, (dict, list))
            else ("{}" if isinstance(plain, dict) else "[]")
        )
    return "\n".join(lines) + "\n"


def _same_file(origin: Any, inherited: Any) -> bool:
    mark = getattr(origin, "mark", None)
    if inherited is None:
        return True
    parent = getattr(inherited, "mark", None)
    if getattr(inherited, "kind", None) != "document":
        return False
    return mark is None or parent is None or mark.file == parent.file


# ------------------------------------------------------------------------------- factory form
class CannotFold(Exception):
    """Raised inside ``fold`` when a change cannot be written as sibling keys."""


def same(a: Any, b: Any) -> bool:
    """Type-strict equality (``True`` is not ``1``, ``1`` is not ``1.0``, tuples are not lists)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _fields(obj: Any) -> dict | None:
    if paths.is_record(obj):
        return {f.name: getattr(obj, f.name) for f in paths.fields(obj)}
    return None


def _diff(base: Any, final: Any, path: tuple) -> Any:
    """Sibling keys that turn ``base`` into ``final`` (mappings merge, the rest replaces)."""
    if type(base) is type(final) and _fields(base) is not None:
        base, final = _fields(base), _fields(final)
    if isinstance(base, dict) and isinstance(final, dict):
        gone = [k for k in base if k not in final]
        if gone:
            raise CannotFold(f"key {gone[0]!r} was deleted at {format_path(path)}")
        return {
            k: (_diff(base[k], v, (*path, k)) if k in base else v)
            for k, v in final.items()
            if k not in base or not same(base[k], v)
        }
    return final


def fold(
    document: Any,
    base: Any,
    final: Any,
    spans: Mapping[int, list[tuple[int, bool]]],
    path: tuple = (),
) -> Any:
    """The document with the changes from ``base`` to ``final`` written into it.

    ``document`` is the source (with its ``_factory_`` nodes), ``base`` what it resolves to, and
    ``final`` the result after overrides; ``spans`` says how many result items each document list
    item became and whether it was spliced. Unchanged sub-trees keep their compact form; a changed
    factory node gets sibling keys; a changed spliced item is written out; a list that changed
    length is written out in full."""
    if same(base, final):
        return document
    if isinstance(document, dict) and keys.FACTORY in document:
        diff = _diff(base, final, path)
        if not isinstance(diff, dict):  # the node's value was replaced by a non-mapping
            return final
        return _merge_siblings(dict(document), diff)
    if (
        isinstance(document, dict)
        and keys.TARGET not in document
        and isinstance(base, dict)
        and isinstance(final, dict)
    ):
        out = {}
        for k, v in final.items():
            out[k] = (
                fold(document[k], base[k], v, spans, (*path, k))
                if k in document and k in base
                else v
            )
        return out
    span = spans.get(id(document)) if isinstance(document, list) else None
    if (
        span is not None
        and isinstance(base, list)
        and isinstance(final, list)
        and len(base) == len(final) == sum(n for n, _ in span)
    ):
        items: list = []
        start = 0
        for item, (length, spliced) in zip(document, span, strict=True):
            old, new = base[start : start + length], final[start : start + length]
            if same(old, new):
                items.append(item)
            elif not spliced:
                items.append(fold(item, old[0], new[0], spans, (*path, len(items))))
            else:
                items.extend(new)
            start += length
        return items
    return final


def _merge_siblings(node: dict, diff: Any) -> dict:
    for k, v in diff.items():
        if isinstance(v, dict) and isinstance(node.get(k), dict) and keys.TARGET not in node[k]:
            node[k] = _merge_siblings(dict(node[k]), v)
        else:
            node[k] = v
    return node
