"""Pass 5 — *override*: dot-list edits of the resolved document (what ``resolve`` prints).

Grammar (one override per command-line word; quote it in a shell)::

    [+|~]PATH[OP VALUE]      OP: =  +=  -=  *=  /=
    PATH := STEP(.STEP)*     STEP: key | list index (-1 counts from the end) | key[SELECTOR]
    SELECTOR := index | field=value

* ``a.b.c=VALUE`` replaces an existing value. VALUE is YAML: ``e4m3`` is a string, ``16`` an
  int, ``null`` None, ``[1, 2]`` a list, ``{_factory_: fp8}`` a factory node (resolved before it
  is set), ``@file.yaml[:section]`` a file.
* ``+a.b.new=VALUE`` adds a key that does not exist yet (without ``+`` a missing key is an error
  naming the nearest existing path, so typos never pass silently).
* ``~a.b`` deletes a key or list item.
* ``+=`` adds numbers, concatenates strings, extends a list with a list or appends any other
  value, and merges a mapping; ``-=`` subtracts numbers, removes matching list items or mapping
  keys; ``*=`` and ``/=`` are arithmetic.
* ``quant_cfg[quantizer_name=*lm_head*]`` selects every list item whose ``quantizer_name`` equals
  ``*lm_head*`` exactly (no globbing: rule lists hold patterns); ``quant_cfg[2]`` is ``quant_cfg.2``.

Overrides apply in the order given, after every factory has run, so list indexes count spliced
items. (NeMo-Run applies them before building and non-dotted keys first; see
docs/compatibility.md.)

Overrides never mutate an object a factory returned: every container and dataclass along the
override path is copied (shallowly, once per override) before it is changed, so a factory that
returns a module-level object — even a frozen dataclass — finds it unchanged next time. Operator
results are bounded: a string, list or mapping longer than ``limits.MAX_SIZE`` is an error
before it is built (``s*=1000000000``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from . import limits, paths
from .errors import BadOverrideError, RecipekitError, closest, format_path

_OPS = ("+=", "-=", "*=", "/=", "=")


class Step(NamedTuple):
    key: Any = None  # a key or index
    select: tuple[str, Any] | None = None  # (field, value) selector


class Override(NamedTuple):
    text: str
    steps: tuple[Step, ...]
    op: str  # "=", "+=", ..., or "del"
    value: Any = None
    add: bool = False


def parse(text: str, parse_value: Callable[[str, Any], Any]) -> Override:
    """Parse one override. ``parse_value(text, last_key)`` turns VALUE text into data."""
    if not isinstance(text, str) or not text.strip():
        raise BadOverrideError(f"empty override {text!r}", expected="PATH=VALUE")
    body = text.strip()
    add = body.startswith("+") and not body.startswith("+=")
    delete = body.startswith("~")
    if add or delete:
        body = body[1:]
    split = _split_op(body)
    if split is None:
        if delete:
            return Override(text, _steps(body, text), "del")
        raise BadOverrideError(
            f"override {text!r} has no '='",
            expected="PATH=VALUE, PATH+=VALUE, +NEW.PATH=VALUE or ~PATH",
        )
    key, op, raw = split
    if delete:
        return Override(text, _steps(key, text), "del")
    if add and op != "=":
        raise BadOverrideError(
            f"override {text!r}: '+' adds a new key and takes '=' only",
            expected="+NEW.PATH=VALUE, or PATH" + op + "VALUE for an existing path",
        )
    steps = _steps(key, text)
    last = steps[-1].key if steps[-1].select is None else None
    return Override(text, steps, op, parse_value(raw, last), add)


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


def _split_op(body: str) -> tuple[str, str, str] | None:
    for i in _top_level(body):
        if body[i] == "=":
            if i and body[i - 1] in "+-*/":
                return body[: i - 1].strip(), body[i - 1] + "=", body[i + 1 :]
            return body[:i].strip(), "=", body[i + 1 :]
    return None


def _steps(key: str, text: str) -> tuple[Step, ...]:
    cuts = [i for i in _top_level(key) if key[i] == "."]
    parts = [
        key[start + 1 : end] for start, end in zip([-1, *cuts], [*cuts, len(key)], strict=True)
    ]
    steps: list[Step] = []
    for part in parts:
        if not part:
            raise BadOverrideError(f"empty path segment in {text!r}", expected="a.b.c")
        shape = _PART.fullmatch(part)
        if shape is None:
            raise BadOverrideError(
                f"bad path segment {part!r} in {text!r} (unbalanced brackets?)",
                expected="key, key[index] or key[field=value]",
            )
        name, rest = shape.group(1), shape.group(2)
        if name:
            steps.append(Step(name))
        if rest:
            for sel in re.findall(r"\[([^\]]*)\]", rest):
                if "=" in sel:
                    field, _, value = sel.partition("=")
                    steps.append(Step(select=(field.strip(), value.strip().strip("'\""))))
                elif paths.is_index(sel.strip()):
                    steps.append(Step(int(sel)))
                else:
                    raise BadOverrideError(
                        f"bad selector [{sel}] in {text!r}", expected="[index] or [field=value]"
                    )
    if not steps:
        raise BadOverrideError(f"override {text!r} names no path", expected="PATH=VALUE")
    return tuple(steps)


#: One path segment: a key (no brackets) followed by any number of ``[...]`` selectors.
_PART = re.compile(r"([^\[\]]*)((?:\[[^\]]*\])*)")


def apply(
    data: Any,
    override: Override,
    *,
    build: Callable[[Any, tuple], Any] | None = None,
    record: Callable[[tuple, str], None] | None = None,
) -> Any:
    """Apply one override to ``data`` in place where possible; returns the (new) root."""
    value = override.value
    root = {"": data}
    targets: list[tuple[Any, Any, tuple]] = [(root, "", ())]  # (parent, key, concrete path)
    owned: set[int] = {id(root)}  # containers this override copied (and so may change)
    for depth, step in enumerate(override.steps):
        is_last = depth == len(override.steps) - 1
        new_targets = []
        for parent, key, path in targets:
            node = _own(parent, key, owned)
            if step.select is not None:
                field, wanted = step.select
                if not isinstance(node, list):
                    raise _not_found(
                        override,
                        path,
                        node,
                        f"[{field}=...] selects items of a list, but {format_path(path)} is a {type(node).__name__}",
                    )
                hits = paths.select(node, field, wanted)
                if not hits:
                    values = paths.values_of(node, field)
                    raise BadOverrideError(
                        f"override {override.text!r}: no item of {format_path(path)} has {field}={wanted}",
                        expected=f"one of the {field} values",
                        suggestions=closest(wanted, values),
                        choices=values,
                    )
                new_targets.extend((node, i, (*path, i)) for i in hits)
                continue
            child = paths.child(node, step.key)
            if child is paths.MISSING:
                if is_last and override.add and isinstance(node, dict):
                    new_targets.append((node, step.key, (*path, step.key)))
                    continue
                raise _not_found(
                    override,
                    path,
                    node,
                    f"{format_path((*path, step.key))} does not exist",
                    step.key,
                    add_hint=is_last and override.op == "=" and isinstance(node, dict),
                )
            new_targets.append((node, child, (*path, child)))
        targets = new_targets
    if override.op == "del":  # delete later list items first so earlier indexes stay valid
        targets.sort(key=lambda t: t[1] if isinstance(t[1], int) else 0, reverse=True)
    for parent, key, path in targets:
        if override.op == "del":
            if isinstance(parent, (dict, list)):
                del parent[key]
            else:
                raise BadOverrideError(
                    f"{override.text}: cannot delete field {key!r} of {type(parent).__name__}",
                    path=path,
                )
            continue
        new = build(value, path) if build else value
        if override.op != "=":
            new = _operate(override, paths.get(parent, key), new, path)
        if parent is root:
            root[""] = new
        else:
            paths.put(parent, key, new)
        if record:
            record(path, override.text)
    return root[""]


def _own(parent: Any, key: Any, owned: set[int]) -> Any:
    """``parent[key]``, replaced first by a shallow copy unless this override made it: copy on
    write along the override path, so no object a factory returned is ever changed."""
    node = paths.get(parent, key)
    if id(node) in owned:
        return node
    if isinstance(node, dict):
        copy: Any = dict(node)
    elif isinstance(node, list):
        copy = list(node)
    elif paths.is_record(node):
        import copy as copying

        copy = copying.copy(node)
    else:
        return node  # a scalar: replaced, never changed in place
    paths.put(parent, key, copy)
    owned.add(id(copy))
    return copy


def _bounded(override: Override, current: Any, value: Any, path: tuple) -> None:
    """Refuse, before building it, a string/list/mapping result longer than ``limits.MAX_SIZE``."""
    op, size = override.op, None
    sized = (str, bytes, list, tuple, dict)
    if op == "*=":
        for seq, times in ((current, value), (value, current)):
            if isinstance(seq, sized) and isinstance(times, int) and not isinstance(times, bool):
                size = len(seq) * max(times, 0)
    elif op == "+=" and isinstance(current, sized):
        size = len(current) + (len(value) if isinstance(value, sized) else 1)
    if size is not None and size > limits.MAX_SIZE:
        raise BadOverrideError(
            f"override {override.text!r}: the result at {format_path(path)} would hold"
            f" {size:,} items, more than {limits.MAX_SIZE:,} (limits.MAX_SIZE)",
            path=path,
            expected=f"results of at most {limits.MAX_SIZE:,} items",
        )


def _operate(override: Override, current: Any, value: Any, path: tuple) -> Any:
    op = override.op
    _bounded(override, current, value, path)
    try:
        if op == "+=":
            if isinstance(current, list):
                return current + value if isinstance(value, list) else [*current, value]
            if isinstance(current, dict) and isinstance(value, dict):
                return {**current, **value}
            return current + value
        if op == "-=":
            if isinstance(current, list):
                drop = value if isinstance(value, list) else [value]
                return [item for item in current if item not in drop]
            if isinstance(current, dict):
                drop = value if isinstance(value, list) else [value]
                return {k: v for k, v in current.items() if k not in drop}
            return current - value
        if op == "*=":
            return current * value
        if op == "/=":
            return current / value
    except (TypeError, ZeroDivisionError) as exc:
        raise BadOverrideError(
            f"override {override.text!r}: cannot apply {op} to {type(current).__name__} and {type(value).__name__} at {format_path(path)} ({exc})",
        ) from None
    raise BadOverrideError(f"unknown operator {op}")


def _not_found(
    override: Override,
    path: tuple,
    node: Any,
    message: str,
    key: Any = None,
    add_hint: bool = False,
) -> BadOverrideError:
    choices = paths.choices(node)
    hint = None
    if add_hint:
        hint = f"to add a new key write +{override.text.lstrip('+')}"
    noun = "a field" if paths.is_record(node) else "an index" if isinstance(node, list) else "a key"
    return BadOverrideError(
        f"override {override.text!r}: {message}; the nearest existing path is {format_path(path)}",
        expected=f"{noun} of {format_path(path)}" if choices else "an existing path",
        suggestions=closest(str(key), choices) if key is not None else (),
        choices=choices if len(choices) <= 40 else (),
        hint=hint,
    )


def parse_all(texts: Sequence[str], parse_value: Callable[[str, Any], Any]) -> list[Override]:
    """Parse every override, collecting all problems into one report."""
    out, problems = [], []
    for text in texts:
        try:
            out.append(parse(text, parse_value))
        except RecipekitError as exc:
            problems.append(exc)
    from .errors import raise_collected

    raise_collected(problems, "overrides")
    return out
