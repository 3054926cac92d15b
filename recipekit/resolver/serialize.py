"""Serialization: resolved data back to text, in four forms.

* ``expanded`` — the resolved data as YAML or JSON: deterministic, key order preserved, no
  anchors. Dataclasses become mappings of their fields, tuples and sets become lists, and in JSON
  non-string keys become their JSON text (``-1`` -> ``"-1"``). Registry codecs encode domain
  values first (ModelOpt's ``(4, 3)`` -> ``e4m3``), in YAML and JSON alike, and JSON exponent
  floats are written with a dot (``1.0e-05``: YAML 1.1 reads ``1e-05`` as a string), so reading
  either output back — recipekit, or ModelOpt's loader — gives the same recipe (a codec decodes
  what JSON cannot spell, such as ModelOpt's ``block_sizes`` keys ``"-1"`` -> ``-1``). Functions used as values are written the way NeMo-Run does,
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
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, NamedTuple

from . import caches, emit, keys, limits, merge, paths
from .document import parse_include
from .errors import BadArgumentError
from .merge import CannotFold, same

FormName = Literal["expanded", "annotated", "factory", "nemo-run"]
FormatName = Literal["yaml", "json"]
FORMATS: tuple[FormatName, ...] = ("yaml", "json")
Encoder = Callable[[object, Any], Any]


def escape(text: str) -> str:
    """``text`` spelled so that reading it back gives ``text`` again: a backslash before every
    ``${`` (else an interpolation) and before a leading ``@file.yaml`` (else an include)."""
    if keys.INTERPOLATION_OPEN in text:
        text = text.replace(keys.INTERPOLATION_OPEN, keys.ESCAPE + keys.INTERPOLATION_OPEN)
    if text[:1] in (keys.INCLUDE_PREFIX, keys.ESCAPE) and parse_include(text.lstrip(keys.ESCAPE)):
        text = keys.ESCAPE + text
    return text


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
    if isinstance(value, str):
        return escape(value) if value[:1] in _SPECIAL or keys.INTERPOLATION_OPEN in value else value
    if value is None or isinstance(value, (bool, int)):
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
_SPECIAL = (keys.INCLUDE_PREFIX, keys.ESCAPE)


def _is_default(f: Any, value: Any) -> bool:
    missing = paths.dataclasses_module().MISSING
    if f.default is not missing:
        return same(value, f.default)
    if f.default_factory is not missing:
        try:
            return same(value, f.default_factory())
        except Exception:
            return False
    return False


_DUMPER = caches.table("serialize.dumper", limit=1, resident=True)


def _dumper() -> Any:
    """The YAML dumper class, made on first use: ``import yaml`` is half of the command line's
    start-up, and ``list``, ``show`` and ``check`` never write YAML."""
    made = _DUMPER.get("dumper")
    if made is not None:
        return made
    import yaml

    class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    def _str_presenter(dumper: Any, data: str) -> Any:
        style = "|" if "\n" in data else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

    _Dumper.add_representer(str, _str_presenter)
    return _DUMPER.put("dumper", _Dumper)


_UNFOLDED = 1 << 30  # no line folding inside one token


def emit_yaml(plain: Any, *, sort_keys: bool = False) -> str:
    text = emit.block(plain, sort_keys=sort_keys)  # the same text, without importing PyYAML
    if text is not None:
        return text
    import yaml

    return yaml.dump(
        plain,
        Dumper=_dumper(),
        sort_keys=sort_keys,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
    )


#: a JSON string (kept as is) or a number in exponent form without a dot (``1e-05``), which a
#: YAML 1.1 reader such as PyYAML reads as a *string*; ``emit_json`` writes it ``1.0e-05``
_JSON_EXPONENT = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\d.])(-?\d+)[eE]([-+]?)(\d+)')


def _yaml_float(found: re.Match[str]) -> str:
    if found.group(1) is None:
        return found.group(0)
    return f"{found.group(1)}.0e{found.group(2) or '+'}{found.group(3)}"


#: characters JSON may write raw that a YAML reader refuses or reads as a line break
_NOT_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def emit_json(plain: Any) -> str:
    """JSON that YAML readers read back to the same values: exponent floats get a dot, and
    the few characters YAML does not take raw are written as ``\\uXXXX`` escapes."""
    import json

    text = json.dumps(plain, indent=2, ensure_ascii=False, allow_nan=False)
    text = _NOT_YAML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
    return _JSON_EXPONENT.sub(_yaml_float, text) + "\n"


#: Line breaks YAML knows: a scalar holding one is written double-quoted, on one line.
_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def scalar_text(value: Any) -> str:
    """One scalar as a YAML flow token (``e4m3``, ``'*'``, ``null``, ``16``), always on one line
    (multi-line strings double-quoted with escapes, never folded), so it can sit after a key in
    the annotated form."""
    import yaml

    if isinstance(value, str) and any(b in value for b in _BREAKS):
        one_line = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(
            value, Dumper=one_line, default_style='"', allow_unicode=True, width=_UNFOLDED
        )
        return text[: -len("\n...\n")] if text.endswith("\n...\n") else text.rstrip("\n")
    dumper = _dumper()
    text = yaml.dump(
        value, Dumper=dumper, default_flow_style=True, allow_unicode=True, width=_UNFOLDED
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
        diff = merge.diff(base, final, path)
        if not isinstance(diff, dict):  # the node's value was replaced by a non-mapping
            return final
        return merge.add_siblings(document, diff)
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


# ------------------------------------------------------------------------------- the forms
class Form(NamedTuple):
    """One output form: its ``formats``, what it needs (``"data"``, a ``"resolution"``, or a
    resolution made with provenance, ``"record"``) and how it writes."""

    name: FormName
    formats: tuple[FormatName, ...]
    needs: str
    help: str
    write: Callable[[Any, FormatName, Sequence[Encoder]], str]


def _expanded(value: Any, format: FormatName, encoders: Sequence[Encoder]) -> str:
    data = value.data if hasattr(value, "document") else value
    plain = to_plain(data, encoders=encoders, json_keys=format == "json")
    return emit_yaml(plain) if format == "yaml" else emit_json(plain)


def _factory(res: Any, format: FormatName, encoders: Sequence[Encoder]) -> str:
    try:
        folded = fold(res.document.data, res.base, res.data, res.spans)
    except CannotFold as exc:
        raise BadArgumentError(
            f"cannot write the overrides as _factory_ siblings: {exc}",
            hint="use the expanded form",
        ) from None
    return _expanded(folded, format, encoders)


def _annotated(res: Any, format: FormatName, encoders: Sequence[Encoder]) -> str:
    return annotated(to_plain(res.data, encoders=encoders), res.origins)


def _nemo(value: Any, format: FormatName, encoders: Sequence[Encoder]) -> str:
    data = value.data if hasattr(value, "document") else value
    plain = to_plain(data, encoders=encoders, json_keys=format == "json", nemo=True)
    return emit_yaml(plain, sort_keys=True) if format == "yaml" else emit_json(plain)


FORMS: dict[str, Form] = {
    form.name: form
    for form in (
        Form("expanded", FORMATS, "data", "the resolved data", _expanded),
        Form(
            "annotated",
            ("yaml",),
            "record",
            "the resolved data with provenance comments",
            _annotated,
        ),
        Form(
            "factory",
            FORMATS,
            "resolution",
            "the source in _factory_ form, overrides folded in as siblings",
            _factory,
        ),
        Form("nemo-run", FORMATS, "data", "the _target_ form NeMo-Run's --to-yaml writes", _nemo),
    )
}


def dump(
    value: Any,
    form: FormName = "expanded",
    format: FormatName = "yaml",
    *,
    codecs: Sequence[Any] = (),
    encode: bool = True,
) -> str:
    """``value`` (data, or a ``Resolution``) as text in ``form`` and ``format``. ``codecs``
    encode domain values in both formats, so that reading the text back (recipekit, or
    ModelOpt's YAML loader, which reads JSON too) gives the same recipe."""
    spec = FORMS.get(form)
    if spec is None:
        raise BadArgumentError(f"unknown form {form!r}", expected="one of " + ", ".join(FORMS))
    if format not in spec.formats:
        raise BadArgumentError(
            f"the {form} form is not written as {format!r}",
            expected="one of " + ", ".join(spec.formats),
        )
    resolution = value if hasattr(value, "document") else None
    if spec.needs != "data" and resolution is None:
        raise BadArgumentError(f"the {form} form needs a Resolution (use resolve_full)")
    if spec.needs == "record" and resolution.origins is None:
        raise BadArgumentError(f"the {form} form needs a Resolution made with record=True")
    encoders = tuple(c.encode for c in codecs) if encode else ()
    return spec.write(value, format, encoders)
