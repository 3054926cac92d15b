"""Pass 5 — *override*: dot-list edits of the resolved document (what ``resolve`` prints).

Grammar (one override per command-line word; quote it in a shell)::

    [+|~]PATH[OP VALUE]      OP: =  +=  -=  *=  /=  |=
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
  keys; ``*=`` and ``/=`` are arithmetic; ``|=`` merges a mapping into a mapping (its keys win,
  one level deep, as NeMo-Run's ``|=``).
* ``None`` is None like ``null``; a VALUE starting with ``@`` and naming a ``.yaml``/``.yml``/
  ``.json`` file includes it. A flow literal with a bare punctuation item (``[1, 2, 3,.]``) is
  an error naming the column (``check_flow_literal``), where YAML would read the item as ``'.'``.
* ``quant_cfg[quantizer_name=*lm_head*]`` selects every list item whose ``quantizer_name`` equals
  ``*lm_head*`` exactly (no globbing: rule lists hold patterns); ``quant_cfg[2]`` is ``quant_cfg.2``.

Overrides apply in the order given, after every factory has run, so list indexes count spliced
items. (NeMo-Run applies them before building and non-dotted keys first; see
docs/compatibility.md.)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from . import paths
from .errors import BadOverrideError, RecipekitError, closest, format_path

_OPS = ("+=", "-=", "*=", "/=", "|=", "=")


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
            if i and body[i - 1] in "+-*/|":
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
        name, _, rest = part.partition("[")
        if name:
            steps.append(Step(name))
        if rest:
            for sel in re.findall(r"\[([^\]]*)\]", "[" + rest):
                if "=" in sel:
                    field, _, value = sel.partition("=")
                    steps.append(Step(select=(field.strip(), value.strip().strip("'\""))))
                elif sel.strip().lstrip("-").isdigit():
                    steps.append(Step(int(sel)))
                else:
                    raise BadOverrideError(
                        f"bad selector [{sel}] in {text!r}", expected="[index] or [field=value]"
                    )
    return tuple(steps)


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
    for depth, step in enumerate(override.steps):
        is_last = depth == len(override.steps) - 1
        new_targets = []
        for parent, key, path in targets:
            node = paths.get(parent, key)
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
                if is_last and override.add and isinstance(node, dict) and override.op != "=":
                    raise BadOverrideError(  # issue 12 (found by fuzzing): `+x+=1` crashed
                        f"override {override.text!r}: {override.op} needs an existing value",
                        path=(*path, step.key),
                        hint=f"set it first: +{format_path((*path, step.key))}=VALUE",
                    )
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


def _operate(override: Override, current: Any, value: Any, path: tuple) -> Any:
    op = override.op
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
        if op == "|=":
            if isinstance(current, dict) and isinstance(value, dict):
                return {**current, **value}
            raise TypeError("|= merges a mapping into a mapping")
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


_PUNCTUATION = re.compile(r"^[.,;]+$")  # not "--" or "-": those are command-line words


def check_flow_literal(text: str) -> None:
    """Refuse a command-line flow literal (``[...]``/``{...}``) with a bare punctuation item such
    as the ``.`` of ``[1, 2, 3,.]``: YAML reads it as the string ``'.'``, which is never meant
    (NeMo-Run's ``ast.literal_eval`` rejects it too). Other YAML errors are left to the reader."""
    stripped = text.lstrip()
    if not stripped.startswith(("[", "{")):
        return
    import yaml

    offset = len(text) - len(stripped)
    try:
        for event in yaml.parse(stripped, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
            if (
                isinstance(event, yaml.ScalarEvent)
                and event.implicit[0]  # a plain (unquoted) scalar
                and event.value
                and _PUNCTUATION.match(event.value)
            ):
                column = offset + event.start_mark.column + 1
                raise BadOverrideError(
                    f"malformed literal {text!r}: bare {event.value!r} at column {column}",
                    expected="a YAML flow list or mapping; quote the item if it is a string",
                )
    except yaml.YAMLError:
        return


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
