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
"""

from __future__ import annotations

import os
import re
from typing import Any

from . import keys, paths
from .document import Document, copy_marks
from .errors import InterpolationError

_OWN: Any = object()  # interpolate a document against itself
_REF = re.compile(r"(?<!\\)\$\{([^${}]*)\}")
_WHOLE = re.compile(r"^\$\{([^${}]*)\}$")
_INDEX = re.compile(r"\[(-?\d+)\]")


def interpolate(doc: Document, *, root: Any = _OWN, at: tuple = ()) -> Any:
    """Resolve every reference of ``doc.data``; returns the new data. With ``root``, ``doc`` is
    a value that will sit at ``at`` inside ``root`` (an override's value inside the resolved
    document): its references are looked up in ``root``, whose values are final."""
    if doc.interpolated or not _contains_ref(doc.data):
        return doc.data
    return _Interpolator(doc, root).walk(doc.data, at)


def _contains_ref(value: Any, depth: int = 0) -> bool:
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

    def walk(self, value: Any, path: tuple, parent: object = None, key: object = None) -> Any:
        if isinstance(value, str):
            if keys.INTERPOLATION_OPEN not in value:
                return value
            return self.string(value, path, parent, key)
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
        return value

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
        self.active.append(path)
        try:
            whole = _WHOLE.match(text)
            if whole:
                result = self.reference(whole.group(1), path, parent, key)
            else:
                result = _REF.sub(
                    lambda m: str(self.reference(m.group(1), path, parent, key)), text
                )
                result = result.replace("\\${", "${")
        finally:
            self.active.pop()
        self.done[path] = result
        return result

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
