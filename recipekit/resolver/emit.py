"""Block-style YAML for plain data, written without PyYAML (``import yaml`` costs more than the
rest of ``recipekit resolve NAME``'s start-up).

``block(data, sort_keys=False)`` returns exactly the text of ``serialize``'s PyYAML dumper
(block style, no aliases, 4096 columns, unicode allowed) for the data it knows how to spell, and
None for anything else, so the caller asks PyYAML: it never guesses. It spells

* a non-empty mapping or list at the root (indent 2, lists under a key not indented, as PyYAML);
* ``str`` and ``int`` keys, and the values ``None``, ``bool``, ``int``, ``float`` and one-line
  printable strings (``str.isprintable``, up to U+FFFF); empty mappings and lists as ``{}`` and ``[]``;
* a string plain when PyYAML would write it plain: nothing at its start or inside that YAML reads
  as syntax (an indicator first, ``": "``, ``" #"``, a space at either end) and not a word YAML
  reads as a bool or null; in single quotes otherwise. A string whose first character could start
  a number or date (``0-9 + - .``, and ``?``/``:``) is left to PyYAML, since only its resolver can
  tell; so are very long lines and long keys;
* a multi-line string as a ``|`` block (the style ``serialize`` asks for) when no indicator
  beyond ``|``/``|-`` is needed.

``tests/test_emit.py`` checks, for random data and for every built-in recipe, that the text is
PyYAML's byte for byte, and that the recipes never need PyYAML.
"""

from __future__ import annotations

import math
from typing import Any

#: the words YAML 1.1 reads as a bool or null (in each of the three spellings it accepts)
_WORDS = frozenset(
    spelling
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for spelling in (word, word.title(), word.upper())
)
#: whole strings only a resolver can place: ``<<`` (merge), ``=`` (value), ``~`` (null), and single
#: letters that some YAML 1.1 readers take for bools
_UNSURE = frozenset({"<<", "=", "~", "y", "Y", "n", "N"})
_INDICATORS = frozenset("#,[]{}&*!|>'\"%@`")
_UNSURE_FIRST = frozenset("0123456789+-.?:")
_MAX_LINE = 2000  # far below the dumper's width: no line is ever folded
_MAX_KEY = 100  # below the 128 characters above which a key is written as "? key"


class _Unsure(Exception):
    pass


def block(data: Any, *, sort_keys: bool = False) -> str | None:
    """``data`` as PyYAML's block-style text, or None when it is not certain to match."""
    if type(data) not in (dict, list) or not data:
        return None
    lines: list[str] = []
    try:
        (_mapping if type(data) is dict else _sequence)(data, 0, lines, sort_keys)
    except (_Unsure, TypeError):  # TypeError: keys that do not sort (PyYAML raises it, too)
        return None
    if any(len(line) > _MAX_LINE for line in lines):
        return None
    return "\n".join(lines) + "\n"


def _mapping(data: dict, indent: int, lines: list[str], sort_keys: bool) -> None:
    pad = " " * indent
    for key, value in sorted(data.items()) if sort_keys else data.items():
        head = f"{pad}{_key(key)}:"
        kind = type(value)
        if kind is dict and value:
            lines.append(head)
            _mapping(value, indent + 2, lines, sort_keys)
        elif kind is list and value:
            lines.append(head)
            _sequence(value, indent, lines, sort_keys)  # PyYAML: "- " under the key's column
        elif kind is str and "\n" in value:
            _literal(value, head, indent + 2, lines)
        else:
            lines.append(f"{head} {_scalar(value)}")


def _sequence(data: list, indent: int, lines: list[str], sort_keys: bool) -> None:
    pad = " " * indent
    for item in data:
        kind = type(item)
        if (kind is dict or kind is list) and item:
            first = len(lines)
            (_mapping if kind is dict else _sequence)(item, indent + 2, lines, sort_keys)
            lines[first] = f"{pad}- {lines[first][indent + 2 :]}"
        elif kind is str and "\n" in item:
            _literal(item, f"{pad}-", indent + 2, lines)
        else:
            lines.append(f"{pad}- {_scalar(item)}")


def _literal(text: str, head: str, indent: int, lines: list[str]) -> None:
    """A multi-line string as a ``|`` block (``serialize`` asks PyYAML for that style): ``|``
    keeps one final line break, ``|-`` none; leading spaces, spaces before a line break and
    other endings need indicators or another style, so they are left to PyYAML."""
    body = text[:-1] if text.endswith("\n") else text
    parts = body.split("\n")
    if text.endswith("\n\n") or text[0] in " \n" or "\r" in text:
        raise _Unsure
    if any(part[-1:] == " " or part[:1] == " " or not _printable(part) for part in parts):
        raise _Unsure
    lines.append(f"{head} |" if text.endswith("\n") else f"{head} |-")
    pad = " " * indent
    lines.extend(pad + part if part else "" for part in parts)


def _key(key: Any) -> str:
    if type(key) is int:
        return str(key)
    if type(key) is str and len(key) < _MAX_KEY:
        return _string(key)
    raise _Unsure


def _scalar(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value).lower()
        return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text
    if kind is dict and not value:
        return "{}"
    if kind is list and not value:
        return "[]"
    raise _Unsure


def _string(text: str) -> str:
    if not text:
        return "''"
    if text[0] in _UNSURE_FIRST or text in _UNSURE or not _printable(text):
        raise _Unsure
    if text in _WORDS or not _plain(text):
        return "'" + text.replace("'", "''") + "'"
    return text


def _printable(text: str) -> bool:
    """Python-printable and in the Basic Multilingual Plane: written as it is, never escaped
    (PyYAML escapes characters beyond U+FFFF even with unicode allowed)."""
    return text.isprintable() and (not text or max(text) <= "\uffff")


def _plain(text: str) -> bool:
    """Whether a printable one-line string reads back as itself when written plain in block
    context (its first character already known not to start a number or ``?``/``:``)."""
    return (
        text[0] not in _INDICATORS
        and text[0] != " "
        and text[-1] != " "
        and ": " not in text
        and text[-1] != ":"
        and " #" not in text
    )
