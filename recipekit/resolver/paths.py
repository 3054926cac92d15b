"""Key paths: one grammar and one walker for overrides, ``explain``, ``@file:section``,
``${...}`` interpolation and the command line.

A path is text such as ``quantize.quant_cfg[2].cfg`` or ``quant_cfg[quantizer_name=*lm_head*]``,
parsed by ``parse`` into ``Step``s. A step is a mapping key, a list index (``-1`` counts from the
end), a dataclass field, or a selector ``[field=value]`` that picks every mapping item of a list
whose ``field`` reads ``value`` exactly (no globbing: rule lists hold patterns). Steps written as
text (``"1"``, ``"-1"``) also find list items and int mapping keys (ModelOpt's
``block_sizes: {-1: 16}``).

``find(root, steps)`` returns the concrete paths a path names (selectors may name several), or
raises one error wording for every user of paths: ``<what>: a.b.x does not exist; the nearest
existing path is a.b``, with the keys that do exist and a did-you-mean.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from .errors import BadArgumentError, RecipekitError, closest, format_path

MISSING: Any = object()


class Step(NamedTuple):
    key: Any = None  # a key or index
    select: tuple[str, str] | None = None  # (field, value) selector


def dataclasses_module() -> Any:
    """``dataclasses`` if something imported it, else None: when nobody did, no value can be a
    dataclass, and the resolver need not pay for importing it (it pulls in ``inspect``)."""
    return sys.modules.get("dataclasses")


def is_record(node: Any) -> bool:
    """Whether ``node`` is a dataclass instance."""
    dc = sys.modules.get("dataclasses")
    return dc is not None and dc.is_dataclass(node) and not isinstance(node, type)


def fields(node: Any) -> list[Any]:
    """The ``dataclasses.Field`` objects of a dataclass (instance or class)."""
    return list(sys.modules["dataclasses"].fields(node))


# ------------------------------------------------------------------------------ one step
def is_index(text: str) -> bool:
    """Whether ``text`` spells a list index: ASCII digits, optionally after one ``-`` (``"²"``
    is a digit to ``str.isdigit`` but not to ``int``)."""
    body = text[1:] if text[:1] == "-" else text
    return body.isascii() and body.isdigit()


def child(node: Any, key: Any) -> Any:
    """The actual key of ``node`` that ``key`` names, or ``MISSING``."""
    if isinstance(node, dict):
        if key in node:
            return key
        if isinstance(key, str) and is_index(key) and int(key) in node:
            return int(key)
        return MISSING
    if isinstance(node, list):
        text = str(key)
        if is_index(text) and -len(node) <= int(text) < len(node):
            return int(text) % len(node)
        return MISSING
    if is_record(node):
        return key if key in {f.name for f in fields(node)} else MISSING
    return MISSING


def get(node: Any, key: Any) -> Any:
    if type(node) is dict or type(node) is list:  # the common case, without the record test
        return node[key]
    return getattr(node, key) if is_record(node) else node[key]


def at(root: Any, path: Sequence[Any]) -> Any:
    """The value at a concrete path."""
    node = root
    for key in path:
        node = get(node, key)
    return node


def put(node: Any, key: Any, value: Any) -> None:
    if isinstance(node, (dict, list)):
        node[key] = value
    else:
        object.__setattr__(node, key, value)


def choices(node: Any) -> list[str]:
    """What a step could have named at ``node`` (for did-you-mean)."""
    if isinstance(node, dict):
        return [str(k) for k in node]
    if isinstance(node, list):
        return [str(i) for i in range(len(node))]
    if is_record(node):
        return [f.name for f in fields(node)]
    return []


def select(node: list, field: str, wanted: str) -> list[int]:
    """Indexes of the mapping items of ``node`` whose ``field`` reads ``wanted`` (exact text)."""
    return [
        i
        for i, item in enumerate(node)
        if isinstance(item, dict) and field in item and str(item[field]) == wanted
    ]


def values_of(node: list, field: str) -> list[str]:
    """Every value ``field`` takes in the mapping items of ``node`` (for did-you-mean)."""
    return sorted({str(item[field]) for item in node if isinstance(item, dict) and field in item})


# ------------------------------------------------------------------------------ text -> steps
def _top_level(text: str) -> Iterator[int]:
    """Indexes of the characters of ``text`` outside ``[...]`` selectors (and quotes in them)."""
    depth, quote = 0, ""
    for i, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"" and depth:
            quote = ch
        elif ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            yield i


def top_level(text: str, chars: str) -> list[int]:
    """Indexes of ``chars`` in ``text`` outside selectors (``a[x=1.2].b`` splits once)."""
    if "[" not in text and "]" not in text:  # no selector: every character is outside one
        return [i for i, ch in enumerate(text) if ch in chars]
    return [i for i in _top_level(text) if text[i] in chars]


def parse(text: str, *, error: type[RecipekitError] = BadArgumentError) -> tuple[Step, ...]:
    """``"a.b[0].c[name=x]"`` -> steps; ``error`` is raised (with the text) when malformed."""
    if "[" not in text and "]" not in text and "" not in (parts := text.split(".")):
        return tuple(Step(part) for part in parts)  # keys only: what ``_parse`` makes of them
    return _parse(text, error)


def _parse(text: str, error: type[RecipekitError]) -> tuple[Step, ...]:
    cuts = top_level(text, ".")
    parts = [
        text[start + 1 : end] for start, end in zip([-1, *cuts], [*cuts, len(text)], strict=True)
    ]
    steps: list[Step] = []
    for part in parts:
        if not part:
            raise error(f"empty path segment in {text!r}", expected="a.b.c")
        name, bracket, rest = part.partition("[")
        if name:
            if "]" in name:
                raise error(
                    f"unbalanced ']' in {text!r}", expected="key[index] or key[field=value]"
                )
            steps.append(Step(name))
        if bracket:
            steps.extend(_selectors("[" + rest, text, error))
    return tuple(steps)


def _selectors(rest: str, text: str, error: type[RecipekitError]) -> list[Step]:
    steps = []
    while rest:
        close = _closing(rest) if rest.startswith("[") else -1
        if close < 0:
            raise error(f"bad selector {rest!r} in {text!r}", expected="[index] or [field=value]")
        sel, rest = rest[1:close], rest[close + 1 :]
        if "=" in sel:
            field, _, value = sel.partition("=")
            steps.append(Step(select=(field.strip(), value.strip().strip("'\""))))
        elif is_index(sel.strip()):
            steps.append(Step(int(sel)))
        else:
            raise error(f"bad selector [{sel}] in {text!r}", expected="[index] or [field=value]")
    return steps


def _closing(text: str) -> int:
    """Index of the ``]`` closing the ``[`` at ``text[0]`` (quotes inside respected), or -1."""
    quote = ""
    for i, ch in enumerate(text[1:], 1):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "]":
            return i
    return -1


def show(steps: Sequence[Step]) -> str:
    """Steps back to text (``a.b[0][name=x]``)."""
    out = ""
    for step in steps:
        if step.select is not None:
            out += f"[{step.select[0]}={step.select[1]}]"
        elif isinstance(step.key, int):
            out += f"[{step.key}]"
        else:
            out += f".{step.key}" if out else str(step.key)
    return out


# ------------------------------------------------------------------------------ the walker
def find(
    root: Any,
    steps: Sequence[Step],
    *,
    what: str,
    error: type[RecipekitError] = BadArgumentError,
    start: tuple = (),
) -> list[tuple]:
    """Every concrete path (from ``start``) that ``steps`` name in ``root``; a step that names
    nothing raises ``error`` worded for ``what`` (``"override 'a.b=1'"``)."""
    found = [(start, at(root, start))]  # (path, the node there): each step walks one level
    for step in steps:
        next_found = []
        for path, node in found:
            if step.select is not None:
                next_found.extend(
                    ((*path, i), node[i]) for i in _select_or_fail(node, path, step, what, error)
                )
                continue
            key = child(node, step.key)
            if key is MISSING:
                raise missing(what, node, path, step.key, error)
            next_found.append(((*path, key), get(node, key)))
        found = next_found
    return [path for path, _ in found]


def _select_or_fail(
    node: Any, path: tuple, step: Step, what: str, error: type[RecipekitError]
) -> list[int]:
    field, wanted = step.select  # type: ignore[misc]
    if not isinstance(node, list):
        raise error(
            f"{what}: [{field}=...] selects items of a list, but {format_path(path)} is a "
            f"{type(node).__name__}",
            expected="a selector on a list of mappings",
        )
    hits = select(node, field, wanted)
    if not hits:
        values = values_of(node, field)
        raise error(
            f"{what}: no item of {format_path(path)} has {field}={wanted}",
            expected=f"one of the {field} values" if values else f"items with a {field!r} key",
            suggestions=closest(wanted, values),
            choices=values[:40],
        )
    return hits


def missing(
    what: str,
    node: Any,
    path: tuple,
    key: Any,
    error: type[RecipekitError] = BadArgumentError,
    hint: str | None = None,
) -> RecipekitError:
    """The one error for a step that names nothing at ``node`` (reached by ``path``)."""
    options = choices(node)
    noun = "a field" if is_record(node) else "an index" if isinstance(node, list) else "a key"
    return error(
        f"{what}: {format_path((*path, key))} does not exist; the nearest existing path is "
        f"{format_path(path)}",
        expected=f"{noun} of {format_path(path)}" if options else "an existing path",
        suggestions=closest(str(key), options),
        choices=options[:40],
        hint=hint,
    )
