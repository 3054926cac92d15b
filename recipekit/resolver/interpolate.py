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
from .errors import InterpolationError, closest

_REF = re.compile(r"(?<!\\)\$\{([^${}]*)\}")
_WHOLE = re.compile(r"^\$\{([^${}]*)\}$")
_INDEX = re.compile(r"\[(-?\d+)\]")


def interpolate(doc: Document) -> Any:
    """Resolve every reference of ``doc.data``; returns the new data."""
    if doc.interpolated or not _contains_ref(doc.data):
        return doc.data
    return _Interpolator(doc).walk(doc.data, ())


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
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.root = doc.data
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
            whole = _WHOLE.match(text)
            if whole:
                result = self.reference(whole.group(1), path, parent, key)
            else:
                result = self._embed(text, path, parent, key)
        finally:
            self.active.pop()
        self.done[path] = result
        return result

    def _embed(self, text: str, path: tuple, parent: object, key: object) -> str:
        """References inside text, converted with ``str``; the length is checked as the text
        grows, so a doubling chain stops at ``limits.MAX_SIZE`` instead of exhausting memory."""
        pieces: list[str] = []
        size, end = 0, 0
        for match in _REF.finditer(text):
            value = str(self.reference(match.group(1), path, parent, key))
            pieces += [text[end : match.start()], value]
            size += match.start() - end + len(value)
            end = match.end()
            if size > limits.MAX_SIZE:
                raise InterpolationError(
                    f"interpolation builds a string longer than {limits.MAX_SIZE:,} characters",
                    path=path,
                    mark=self.doc.where(parent, key),
                    expected=f"strings of at most {limits.MAX_SIZE:,} characters (limits.MAX_SIZE)",
                )
        pieces.append(text[end:])
        return "".join(pieces).replace("\\${", "${")

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
                options = paths.choices(node)
                raise InterpolationError(
                    f"interpolation ${{{expr}}} refers to a missing key {step!r}",
                    path=path,
                    mark=mark,
                    expected="a path that exists in this document",
                    suggestions=closest(str(step), options),
                    choices=options if len(options) <= 20 else (),
                )
            node = paths.get(node, key)
            here = (*here, key)
        if isinstance(node, str):
            return self.string(node, here, None, None) if keys.INTERPOLATION_OPEN in node else node
        return self.walk(node, here)

    def _steps(self, expr: str, path: tuple) -> list:
        base: list = []
        if expr.startswith("."):
            dots = len(expr) - len(expr.lstrip("."))
            base = list(path[: max(len(path) - dots, 0)])
            expr = expr[dots:]
        expr = _INDEX.sub(lambda m: f".{m.group(1)}", expr)
        return [*base, *filter(None, expr.split("."))]

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
