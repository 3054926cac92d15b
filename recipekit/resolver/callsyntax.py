"""Call syntax: ``name``, ``name(1, b='x,y', c=[1, 2])``, ``ns:general/ptq/x-y(a=None)``.

The name is everything before the first ``(`` (so registry names may contain ``/``, ``-``, ``.``
and ``:``); the argument list is parsed by Python's own parser and every value must be a Python
literal (``ast.literal_eval``: strings, numbers, tuples, lists, dicts, sets, ``None``,
``True``/``False``). A bare identifier or dotted name as a value is a *reference*: it names
another factory, called without arguments, or (if nothing of that name exists) stays the string
itself — NeMo-Run's ``act=tanh`` keeps working. Unlike NeMo-Run, commas inside quotes and
brackets do not split arguments.

The common lists (decimal numbers, quoted strings without quotes, backslashes or commas inside,
names, ``True``/``False``/``None``) are read without the parser (``_simple``), to the very
``Call`` the parser gives; anything else goes to the parser, which also words every error.
"""

from __future__ import annotations

import re
from keyword import iskeyword
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
    return _simple(name, rest[:-1]) or _python_call(name, rest, text)


def _python_call(name: str, rest: str, text: str) -> Call:
    """``name(rest`` read by Python's parser (imported only here: it costs start-up time)."""
    import ast

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


#: one argument of the simple form: ``[key=]value`` with value a decimal number, a quoted string
#: without quote, backslash or comma inside, or a (dotted) name
_SIMPLE = re.compile(
    r"[ \t]*(?:([A-Za-z_]\w*)[ \t]*=[ \t]*)?"
    r"(-?(?:0|[1-9]\d*)(?:\.\d+)?|'[^'\\,\x00-\x1f\x7f]*'|\"[^\"\\,\x00-\x1f\x7f]*\"|[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)[ \t]*",
    re.ASCII,
)
_CONSTANTS = {"True": True, "False": False, "None": None}


def _simple(name: str, inner: str) -> Call | None:
    """The common argument lists (``a=1, b='x', c=fp8``) without Python's parser: what the
    ``ast`` path makes of them, or None for anything else (that path then decides)."""
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for piece in inner.split(",") if inner.strip(" \t") else ():
        found = _SIMPLE.fullmatch(piece)
        if found is None:
            return None
        key, value = found.groups()
        if key is not None and (key in kwargs or iskeyword(key) or key == "__debug__"):
            return None  # repeated or reserved: a syntax error, worded by Python's parser
        if value[0] in "'\"":
            value = value[1:-1]
        elif value in _CONSTANTS:
            value = _CONSTANTS[value]
        elif value[0] == "-" or value[0].isdigit():
            value = float(value) if "." in value else int(value)
        elif any(iskeyword(part) for part in value.split(".")):
            return None
        else:
            value = Ref(value)
        if key is None:
            if kwargs:
                return None  # a positional argument after a keyword one
            args.append(value)
        else:
            kwargs[key] = value
    return Call(name, tuple(args), kwargs, True)


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
