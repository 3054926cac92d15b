"""Call syntax: ``name``, ``name(1, b='x,y', c=[1, 2])``, ``ns:general/ptq/x-y(a=None)``.

The name is everything before the first ``(`` (so registry names may contain ``/``, ``-``, ``.``
and ``:``); the argument list is parsed by Python's own parser and every value must be a Python
literal (``ast.literal_eval``: strings, numbers, tuples, lists, dicts, sets, ``None``,
``True``/``False``). A bare identifier or dotted name as a value is a *reference*: it names
another factory, called without arguments, or (if nothing of that name exists) stays the string
itself — NeMo-Run's ``act=tanh`` keeps working. Unlike NeMo-Run, commas inside quotes and
brackets do not split arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from . import caches
from .errors import BadArgumentError

if TYPE_CHECKING:
    import ast

_SCALARS = frozenset({int, float, str, bool, type(None), complex, bytes})
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-:")


class Ref(NamedTuple):
    """A bare name used as an argument value; resolved against the registry at build time."""

    name: str
    call: Call | None = None


class Call(NamedTuple):
    """A parsed call: ``name`` plus literal (or ``Ref``) positional and keyword arguments."""

    name: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = {}  # noqa: RUF012 (never mutated; every parse makes its own)
    has_parens: bool = False

    @property
    def scalar_args(self) -> bool:
        """Whether every argument is an immutable scalar (no reference, no container), so the
        builder may pass them without copying."""
        return all(type(v) in _SCALARS for v in self.args) and all(
            type(v) in _SCALARS for v in self.kwargs.values()
        )

    def __str__(self) -> str:
        if not self.has_parens:
            return self.name
        parts = [_show(a) for a in self.args] + [f"{k}={_show(v)}" for k, v in self.kwargs.items()]
        return f"{self.name}({', '.join(parts)})"


def _show(value: Any) -> str:
    if isinstance(value, Ref):
        return str(value.call) if value.call else value.name
    return repr(value)


_PARSED = caches.table("callsyntax.parse", limit=8192)


def parse_call(text: str) -> Call:
    """Parse ``text``; raises ``BadArgumentError`` (without location; callers add it)."""
    return parse_call_scalar(text)[0]


def parse_call_scalar(text: str) -> tuple[Call, bool]:
    """``parse_call`` plus its ``scalar_args``, both memoised per text (the builder's hot path)."""
    cached = _PARSED.get(text) if isinstance(text, str) else None
    if cached is not None:
        return cached
    call = _parse(text)
    return _PARSED.put(text, (call, call.scalar_args))


def _parse(text: str) -> Call:
    if not isinstance(text, str):
        raise BadArgumentError(
            f"a factory reference must be a string, not {type(text).__name__}",
            expected="NAME or NAME(args)",
        )
    stripped = text.strip()
    name, paren, rest = stripped.partition("(")
    name = name.strip()
    if not name or not set(name) <= _NAME_CHARS:
        raise BadArgumentError(
            f"bad factory reference {text!r}",
            expected="NAME or NAME(arg=value, ...) where NAME uses letters, digits and _ . / - :",
        )
    if not paren:
        return Call(name, (), {})
    if not rest.endswith(")"):
        raise BadArgumentError(
            f"bad call syntax {text!r}: missing ')'", expected="NAME(arg=value, ...)"
        )
    import ast  # only calls with arguments need Python's parser (it costs start-up time)

    try:
        tree = ast.parse(f"f({rest}", mode="eval")
    except SyntaxError as exc:
        raise BadArgumentError(
            f"bad call syntax {text!r}: {exc.msg}",
            expected="Python call syntax with literal values, e.g. nvfp4(block_size=32, kind='static')",
        ) from None
    node = tree.body
    assert isinstance(node, ast.Call)
    args = tuple(_value(a, text) for a in node.args)
    kwargs: dict[str, Any] = {}
    for kw in node.keywords:
        if kw.arg is None:
            raise BadArgumentError(
                f"'**' is not supported in {text!r}", expected="NAME(arg=value, ...)"
            )
        kwargs[kw.arg] = _value(kw.value, text)
    return Call(name, args, kwargs, True)


def _dotted(node: ast.AST) -> str | None:
    import ast

    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


def _value(node: ast.AST, text: str) -> Any:
    import ast

    name = _dotted(node)
    if name is not None:
        return Ref(name)
    if isinstance(node, ast.Call) and _dotted(node.func):
        sub = Call(
            _dotted(node.func) or "",
            tuple(_value(a, text) for a in node.args),
            {k.arg: _value(k.value, text) for k in node.keywords if k.arg},
            True,
        )
        return Ref(sub.name, sub)
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = [_value(e, text) for e in node.elts]
        return (
            tuple(items)
            if isinstance(node, ast.Tuple)
            else set(items)
            if isinstance(node, ast.Set)
            else items
        )
    if isinstance(node, ast.Dict):
        return {
            _value(k, text) if k is not None else None: _value(v, text)
            for k, v in zip(node.keys, node.values, strict=True)
        }
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise BadArgumentError(
            f"argument {ast.unparse(node)!r} in {text!r} is not a literal",
            expected="a Python literal (number, string, list, dict, None, True, False) or a factory name",
        ) from None
