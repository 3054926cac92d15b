"""Pass 2 — *interpolate*: ``${a.b}`` references inside one document (OmegaConf-style).

* ``${a.b.0.c}`` / ``${a.b[0].c}`` is an absolute path from the document root; ``${.x}`` is
  relative to the mapping that holds the string (one more dot per level up).
* A string that is exactly one reference keeps the referenced value's type (``${n}`` -> ``16``);
  references embedded in text are converted with ``str``. ``\\${`` escapes a literal ``${``.
* ``${oc.env:VAR}`` and ``${oc.env:VAR,default}`` read the environment (NeMo-Run files use it).
  Other ``${resolver:...}`` forms are handed to OmegaConf (imported only then), so resolvers a
  user registered with ``OmegaConf.register_new_resolver`` keep working.
* A referenced value that itself holds references is resolved first; a loop is an error that
  lists the chain. ``<<global_vars.X>>`` (the ModelOpt launcher's own syntax) is not touched.

Copy-on-write: containers without references are returned as they are.

Bounded work (docs/security.md): every node is evaluated once per document (strings and
containers alike are memoised by path, so ``a_i: [${a_{i-1}}, ${a_{i-1}}]`` is linear, not
exponential); a string built by interpolation longer than ``limits.MAX_SIZE`` is an error before
it is built; a chain of references deeper than ``limits.MAX_DEPTH`` is an error, never a
``RecursionError``.
"""

from __future__ import annotations

import os
import re
from typing import Any

from . import keys, limits, paths
from .document import Document, copy_marks, too_deep
from .errors import InterpolationError

_OWN: Any = object()  # interpolate a document against itself
ESCAPED_OPEN = keys.ESCAPE + keys.INTERPOLATION_OPEN
_INDEX = re.compile(r"\[(-?\d+)\]")


def split(text: str) -> list[Any]:
    """``text`` as literal strings and ``${...}`` references, each reference the list of its
    own parts (references nest: ``${oc.decode:${oc.env:X}}``). ``\\${`` is a literal ``${``;
    a ``${`` that is never closed is literal text."""
    stack: list[list[Any]] = [[]]
    i = 0
    while i < len(text):
        if text.startswith(ESCAPED_OPEN, i):
            stack[-1].append(keys.INTERPOLATION_OPEN)
            i += len(ESCAPED_OPEN)
        elif text.startswith(keys.INTERPOLATION_OPEN, i):
            stack.append([])
            i += len(keys.INTERPOLATION_OPEN)
        elif text[i] == "}" and len(stack) > 1:
            done = stack.pop()
            stack[-1].append(done)
            i += 1
        else:
            stack[-1].append(text[i])
            i += 1
    while len(stack) > 1:  # unclosed: literal text again
        done = stack.pop()
        stack[-1].extend([keys.INTERPOLATION_OPEN, *_flat(done)])
    return _joined(stack[0])


def _flat(parts: list[Any]) -> list[str]:
    out: list[str] = []
    for p in parts:
        out.extend([keys.INTERPOLATION_OPEN, *_flat(p), "}"] if isinstance(p, list) else [p])
    return out


def _joined(parts: list[Any]) -> list[Any]:
    """Adjacent characters joined into strings; references joined inside, recursively."""
    out: list[Any] = []
    for p in parts:
        if isinstance(p, list):
            out.append(_joined(p))
        elif out and isinstance(out[-1], str):
            out[-1] += p
        else:
            out.append(p)
    return out


def _literal(value: Any) -> str:
    """``value`` written as an OmegaConf resolver-argument literal."""
    if isinstance(value, str):
        quoted = value.replace("\\", "\\\\").replace("'", "\\'")
        return "'" + quoted.replace(keys.INTERPOLATION_OPEN, ESCAPED_OPEN) + "'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    raise InterpolationError(
        f"a nested interpolation in a resolver's arguments gave a {type(value).__name__}",
        expected="a string, number, boolean or null",
    )


def interpolate(doc: Document, *, root: Any = _OWN, at: tuple = ()) -> Any:
    """Resolve every reference of ``doc.data``; returns the new data. With ``root``, ``doc`` is
    a value that will sit at ``at`` inside ``root`` (an override's value inside the resolved
    document): its references are looked up in ``root``, whose values are final."""
    if doc.interpolated or not _contains_ref(doc.data):
        return doc.data
    return _Interpolator(doc, root).walk(doc.data, at)


def _contains_ref(value: Any, depth: int = 0) -> bool:
    if depth > limits.MAX_DEPTH:
        raise too_deep(())
    if isinstance(value, str):
        return keys.INTERPOLATION_OPEN in value
    if isinstance(value, dict):
        return any(_contains_ref(v, depth + 1) for v in value.values())
    if isinstance(value, list):
        return any(_contains_ref(v, depth + 1) for v in value)
    return False


class _Interpolator:
    def __init__(self, doc: Document, root: Any = _OWN) -> None:
        self.doc = doc
        self.final = root is not _OWN  # the values of root need no interpolation
        self.root = doc.data if root is _OWN else root
        self.active: list[tuple] = []
        self.done: dict[tuple, Any] = {}
        #: id(result container) -> values it holds, shared parts counted each time they appear
        self.sizes: dict[int, int] = {}

    def walk(self, value: Any, path: tuple, parent: object = None, key: object = None) -> Any:
        if isinstance(value, str):
            if keys.INTERPOLATION_OPEN not in value:
                return value
            return self.string(value, path, parent, key)
        if not isinstance(value, (dict, list)):
            return value
        if path in self.done:  # a container reached again through a reference
            return self.done[path]
        if len(path) + len(self.active) > limits.MAX_DEPTH:
            raise too_deep(path, self.doc.where(parent, key))
        out = self.done[path] = self._container(value, path)
        items = out.values() if isinstance(out, dict) else out
        size = 1 + sum(self.sizes.get(id(v), 1) for v in items)
        if size > limits.MAX_NODES:  # references may share one value many times over
            raise InterpolationError(
                f"interpolation expands to more than {limits.MAX_NODES:,} values",
                path=path,
                mark=self.doc.where(parent, key),
                expected=f"at most {limits.MAX_NODES:,} values (limits.MAX_NODES)",
            )
        self.sizes[id(out)] = size
        return out

    def _container(self, value: Any, path: tuple) -> Any:
        if isinstance(value, dict):
            out = {k: self.walk(v, (*path, k), value, k) for k, v in value.items()}
            if all(out[k] is v for k, v in value.items()):
                return value
            self._marks(value, out)
            return out
        if isinstance(value, list):
            out_list = [self.walk(v, (*path, i), value, i) for i, v in enumerate(value)]
            if all(a is b for a, b in zip(out_list, value, strict=True)):
                return value
            self._marks(value, out_list)
            return out_list

    def _marks(self, old: object, new: Any) -> None:
        if self.doc.marks:
            copy_marks(self.doc, old, new)

    def string(self, text: str, path: tuple, parent: object, key: object) -> Any:
        if path in self.done:
            return self.done[path]
        if path in self.active:
            loop = [*self.active[self.active.index(path) :], path]
            raise InterpolationError(
                "interpolations refer to each other in a loop",
                path=path,
                mark=self.doc.where(parent, key),
                chain=[".".join(map(str, p)) or "<root>" for p in loop],
            )
        if len(self.active) >= limits.MAX_DEPTH:
            raise InterpolationError(
                f"interpolations refer to each other in a chain longer than {limits.MAX_DEPTH}",
                path=path,
                mark=self.doc.where(parent, key),
                expected=f"at most {limits.MAX_DEPTH} references in a row (limits.MAX_DEPTH)",
            )
        self.active.append(path)
        try:
            parts = split(text)
            if len(parts) == 1 and isinstance(parts[0], list):  # exactly one: keep its type
                result = self.expression(parts[0], path, parent, key)
            else:
                result = self._joined(parts, path, parent, key)
        finally:
            self.active.pop()
        self.done[path] = result
        return result

    def expression(self, parts: list, path: tuple, parent: object, key: object) -> Any:
        """The value of one ``${...}`` whose text is ``parts``: nested references are evaluated
        first, innermost first; inside a resolver's arguments (``${oc.decode:${oc.env:X}}``) a
        nested value is passed as a literal of its type (a string stays a string), elsewhere
        (``${a.${k}}``) as text."""
        call = bool(parts) and isinstance(parts[0], str) and ":" in parts[0]
        expr = "".join(
            p
            if isinstance(p, str)
            else (_literal if call else str)(self.expression(p, path, parent, key))
            for p in parts
        )
        return self.reference(expr, path, parent, key)

    def _joined(self, parts: list, path: tuple, parent: object, key: object) -> str:
        """References inside text, converted with ``str``; the length is checked as the text
        grows, so a doubling chain stops at ``limits.MAX_SIZE`` instead of exhausting memory."""
        pieces: list[str] = []
        size = 0
        for p in parts:
            piece = p if isinstance(p, str) else str(self.expression(p, path, parent, key))
            pieces.append(piece)
            size += len(piece)
            if size > limits.MAX_SIZE:
                raise InterpolationError(
                    f"interpolation builds a string longer than {limits.MAX_SIZE:,} characters",
                    path=path,
                    mark=self.doc.where(parent, key),
                    expected=f"strings of at most {limits.MAX_SIZE:,} characters (limits.MAX_SIZE)",
                )
        return "".join(pieces)

    def reference(self, expr: str, path: tuple, parent: object, key: object) -> Any:
        expr = expr.strip()
        mark = self.doc.where(parent, key)
        if ":" in expr:
            name, _, arg = expr.partition(":")
            if name == "oc.env":
                var, _, default = arg.partition(",")
                value = os.environ.get(var.strip())
                if value is not None:
                    return value
                if _:
                    default = default.strip()
                    return None if default == "null" else default.strip("'\"")
                raise InterpolationError(
                    f"environment variable {var.strip()!r} is not set",
                    path=path,
                    mark=mark,
                    hint=f"set it, or give a default: ${{oc.env:{var.strip()},DEFAULT}}",
                )
            return self._omegaconf(expr, path, mark)
        node: Any = self.root
        here: tuple = ()
        for step in self._steps(expr, path):
            key = paths.child(node, step)
            if key is paths.MISSING:
                error = paths.missing(
                    f"interpolation ${{{expr}}}",
                    node,
                    here,
                    step,
                    InterpolationError,
                )
                raise error.located(path=path, mark=mark)
            node = paths.get(node, key)
            here = (*here, key)
        if self.final:
            return node
        if isinstance(node, str):
            return self.string(node, here, None, None) if keys.INTERPOLATION_OPEN in node else node
        return self.walk(node, here)

    def _steps(self, expr: str, path: tuple) -> list:
        return steps_of(expr, path)

    def _omegaconf(self, expr: str, path: tuple, mark: Any) -> Any:
        try:
            from omegaconf import OmegaConf

            return OmegaConf.create({"v": "${" + expr + "}"}).v
        except Exception as exc:
            raise InterpolationError(
                f"cannot evaluate ${{{expr}}}: {exc}",
                path=path,
                mark=mark,
                expected="${path.to.key}, ${oc.env:VAR[,default]} or a resolver registered with OmegaConf",
            ) from None


def steps_of(expr: str, path: tuple) -> list:
    """The absolute key steps of reference ``expr`` written in the string at ``path``
    (``${.x}`` is relative: one more dot per level up)."""
    base: list = []
    if expr.startswith("."):
        dots = len(expr) - len(expr.lstrip("."))
        base = list(path[: max(len(path) - dots, 0)])
        expr = expr[dots:]
    expr = _INDEX.sub(lambda m: f".{m.group(1)}", expr)
    return [*base, *filter(None, expr.split("."))]


def references(data: Any, path: tuple = ()) -> set[tuple[str, ...]]:
    """The paths (as text steps) that the ``${...}`` references of ``data`` read; references
    whose path is itself computed (``${a.${k}}``) or that call a resolver are left out."""
    found: set[tuple[str, ...]] = set()
    if isinstance(data, str):
        if keys.INTERPOLATION_OPEN in data:
            stack = list(split(data))
            while stack:
                part = stack.pop()
                if not isinstance(part, list):
                    continue
                if len(part) == 1 and isinstance(part[0], str) and ":" not in part[0]:
                    found.add(tuple(str(s) for s in steps_of(part[0].strip(), path)))
                stack.extend(part)
    elif isinstance(data, dict):
        for k, v in data.items():
            found |= references(v, (*path, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found |= references(v, (*path, i))
    return found
