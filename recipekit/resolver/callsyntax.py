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

The text must be exactly one call: ``f(1) + f(2)``, ``f(1)(5)``, ``f(*a)``, ``f(**z)``, a
nested ``g(**z)``, unhashable dict keys or set items (``{[1]: 2}``) and anything else Python
would accept but a literal call is not are a ``CallSyntaxError`` that gives the column (1-based,
in the text as written) where the text stops being one.
"""

from __future__ import annotations

import re
from keyword import iskeyword
from typing import TYPE_CHECKING, Any, NamedTuple

from . import caches
from .errors import BadArgumentError, CallSyntaxError

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
        raise _syntax(text, "missing ')'", len(text.rstrip()) + 1)
    return _simple(name, rest[:-1]) or _python_call(name, rest, text)


def _python_call(name: str, rest: str, text: str) -> Call:
    """``name(rest`` read by Python's parser (imported only here: it costs start-up time)."""
    import ast

    # columns of the parsed text "f(...)" -> columns of ``text`` as written
    stripped = text.strip()
    shift = len(text) - len(text.lstrip()) + stripped.index("(") - 1
    parsed = f"f({rest}"
    try:
        tree = ast.parse(parsed, mode="eval")
    except SyntaxError as exc:
        raise _syntax(text, exc.msg, (exc.offset or 1) + shift) from None
    except (ValueError, RecursionError, MemoryError) as exc:  # null bytes, 5000 digits, depth
        raise _syntax(text, str(exc)[:200] or type(exc).__name__, 1 + shift) from None
    node = tree.body
    if not isinstance(node, ast.Call):  # f(1) + f(2), f(1) if x else f(2), ...
        first = next(n for n in ast.walk(node) if isinstance(n, ast.Call))
        raise _syntax(text, "text after the call", _end(first, shift) + 1)
    if not (isinstance(node.func, ast.Name) and node.func.col_offset == 0 and node.func.id == "f"):
        raise _syntax(text, "a call of a call", _end(node.func, shift) + 1)  # f(1)(5)
    return _call(name, node, text, shift)


def _end(node: ast.AST, shift: int) -> int:
    return (getattr(node, "end_col_offset", None) or 0) + shift


def _syntax(text: str, problem: str, column: int) -> CallSyntaxError:
    return CallSyntaxError(
        f"bad call syntax {text[:200]!r} at column {column}: {problem}",
        expected="NAME(arg=literal, ...), e.g. nvfp4(block_size=32, kind='static')",
    )


def _call(name: str, node: ast.Call, text: str, shift: int) -> Call:
    """A ``Call`` from an ``ast.Call`` whose every argument is a literal (or a reference)."""
    import ast

    args = []
    for a in node.args:
        if isinstance(a, ast.Starred):
            raise _syntax(text, "'*' arguments are not supported", a.col_offset + shift + 1)
        args.append(_value(a, text, shift))
    kwargs: dict[str, Any] = {}
    for kw in node.keywords:
        if kw.arg is None:
            column = getattr(kw, "col_offset", kw.value.col_offset - 2) + shift + 1
            raise _syntax(text, "'**' arguments are not supported", column)
        kwargs[kw.arg] = _value(kw.value, text, shift)
    return Call(name, tuple(args), kwargs, True)


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


def _value(node: ast.AST, text: str, shift: int = 0) -> Any:
    import ast

    column = getattr(node, "col_offset", 0) + shift + 1
    name = _dotted(node)
    if name is not None:
        return Ref(name)
    if isinstance(node, ast.Call):
        func = _dotted(node.func)
        if not func:
            raise _syntax(text, "only a factory name may be called", column)
        return Ref(func, _call(func, node, text, shift))
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        items = []
        for e in node.elts:
            if isinstance(e, ast.Starred):
                raise _syntax(text, "'*' unpacking is not supported", e.col_offset + shift + 1)
            items.append(_value(e, text, shift))
        if isinstance(node, ast.Tuple):
            return tuple(items)
        if isinstance(node, ast.List):
            return items
        return _hashed(set, items, node.elts, text, shift)
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise _syntax(text, "'**' unpacking is not supported", column)
        pairs = [
            (_value(k, text, shift), _value(v, text, shift))
            for k, v in zip(node.keys, node.values, strict=True)
        ]
        return _hashed(dict, pairs, node.keys, text, shift)
    try:
        return ast.literal_eval(node)
    except Exception:  # ValueError for a non-literal; TypeError, MemoryError for odd ones
        raise CallSyntaxError(
            f"argument {ast.unparse(node)[:80]!r} in {text[:200]!r} (column {column}) is not a literal",
            expected="a Python literal (number, string, list, dict, None, True, False) or a factory name",
        ) from None


def _hashed(make: type, items: list, where: list, text: str, shift: int) -> Any:
    """A set or dict of ``items``; an unhashable key or item is an error at its column."""
    for item, node in zip(items, where, strict=True):
        try:
            hash(item[0] if make is dict else item)
        except TypeError:
            column = getattr(node, "col_offset", 0) + shift + 1
            what = "dict key" if make is dict else "set item"
            raise _syntax(text, f"unhashable {what}", column) from None
    return make(items)
