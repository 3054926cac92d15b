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

Overrides never mutate an object a factory returned: every container and dataclass along the
override path is copied (shallowly, once per override) before it is changed, so a factory that
returns a module-level object — even a frozen dataclass — finds it unchanged next time. Operator
results are bounded: a string, list or mapping longer than ``limits.MAX_SIZE`` is an error
before it is built (``s*=1000000000``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from . import limits, paths
from .errors import BadOverrideError, RecipekitError, format_path
from .paths import Step

_OPS = ("+=", "-=", "*=", "/=", "|=", "=")


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


def _split_op(body: str) -> tuple[str, str, str] | None:
    for i in paths.top_level(body, "="):
        if i and body[i - 1] in "+-*/|":
            return body[: i - 1].strip(), body[i - 1] + "=", body[i + 1 :]
        return body[:i].strip(), "=", body[i + 1 :]
    return None


def _steps(key: str, text: str) -> tuple[Step, ...]:
    try:
        steps = paths.parse(key, error=BadOverrideError)
    except BadOverrideError as exc:
        exc.message = f"override {text!r}: {exc.message}"
        raise
    if not steps:
        raise BadOverrideError(f"override {text!r} names no path", expected="PATH=VALUE")
    return steps


def apply(
    data: Any,
    override: Override,
    *,
    build: Callable[[Any, tuple], Any] | None = None,
    record: Callable[[tuple, str], None] | None = None,
) -> Any:
    """Apply one override to ``data`` in place where possible; returns the (new) root."""
    what = f"override {override.text!r}"
    root = {"": data}
    *head, last = [Step(""), *override.steps]
    parents = paths.find(root, head, what=what, error=BadOverrideError)
    targets: list[tuple[Any, Any, tuple]] = []  # (parent, key, concrete path below the root)
    owned: set[int] = {id(root)}  # containers this override copied (and so may change)
    for parent_path in parents:
        parent = _own_path(root, parent_path, owned)
        if last.select is not None:
            hits = paths.find(root, [last], what=what, error=BadOverrideError, start=parent_path)
            targets.extend((parent, hit[-1], hit[1:]) for hit in hits)
            continue
        key = paths.child(parent, last.key)
        if key is paths.MISSING:
            if override.add and isinstance(parent, dict) and override.op != "=":
                raise BadOverrideError(  # `+x+=1`: an operator needs a value to work on
                    f"{what}: {override.op} needs an existing value",
                    path=(*parent_path[1:], last.key),
                    hint=f"set it first: +{format_path((*parent_path[1:], last.key))}=VALUE",
                )
            if override.add and isinstance(parent, dict):
                targets.append((parent, last.key, (*parent_path[1:], last.key)))
                continue
            hint = None
            if override.op == "=" and isinstance(parent, dict):
                hint = f"to add a new key write +{override.text.lstrip('+')}"
            raise paths.missing(what, parent, parent_path[1:], last.key, BadOverrideError, hint)
        targets.append((parent, key, (*parent_path[1:], key)))
    if override.op == "del":  # delete later list items first so earlier indexes stay valid
        targets.sort(key=lambda t: t[1] if isinstance(t[1], int) else 0, reverse=True)
    for parent, key, path in targets:
        if override.op == "del":
            if isinstance(parent, (dict, list)) and parent is not root:
                del parent[key]
            else:
                raise BadOverrideError(
                    f"{what}: cannot delete {'the root' if parent is root else f'field {key!r} of {type(parent).__name__}'}",
                    path=path,
                )
            continue
        new = build(override.value, path) if build else override.value
        old = paths.get(parent, key) if override.op != "=" else None
        if override.op != "=":
            new = _operate(override, old, new, path)
        paths.put(parent, key, new)
        if record and override.op == "+=" and isinstance(old, list) and isinstance(new, list):
            for index in range(len(old), len(new)):  # extended: the old items keep their origin
                record((*path, index), override.text)
        elif record:
            record(path, override.text)
    return root[""]


def _own_path(root: Any, path: tuple, owned: set[int]) -> Any:
    """The node at ``path``, every container on the way (itself included) replaced by a copy
    this override owns: copy on write along the override path."""
    node = root
    for key in path:
        node = _own(node, key, owned)
    return node


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
