"""``recipekit list``: which registered factories match a pattern, as a table that fits a width.

``matching(registry, pattern)`` picks the entries a user means by one word:

* nothing: every entry;
* a namespace (``numerics``): that namespace, as before;
* ``NS:PATTERN``: PATTERN within namespace NS;
* a glob (``*``, ``?``, ``[``): entries whose name, an alias or ``namespace:name`` matches it,
  case-insensitively (``fnmatch``);
* any other word: entries whose name or an alias contains it (``nvfp4``), case-insensitively.

A word that matches nothing is an ``UnknownFactoryError`` with did-you-mean over every name,
alias and namespace. ``table(entries, width)`` writes a header and one line per entry — NAME
(the shortest spelling people type in YAML, usually an alias such as ``kv_fp8``), NAMESPACE,
ALSO (the full registered name and the other aliases), then the signature and the docstring's
first line — and never a line wider than ``width``. The columns get the room in order of use:
the name (what is copied) first — as wide as 90% of the names need; a wider one overflows its column, and
is cut only where it alone is wider than the line — then the other spellings (at most 40 wide),
then the free text; whatever does not fit is cut with ``...``. ``--json`` has every field uncut.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from typing import Any

from recipekit.resolver.errors import UnknownFactoryError, closest
from recipekit.resolver.registry import Entry, Registry

_GLOB = "*?["
_ALSO_MAX = 40  # widest column of other spellings; longer lists are cut (``show`` has them all)
_GAP = "  "
ELLIPSIS = "..."


def matching(registry: Registry, pattern: str | None) -> list[Entry]:
    """The entries ``pattern`` names (see the module docstring); raises when none."""
    spaces = registry.namespaces()
    if not pattern:
        return registry.entries()
    if pattern in spaces:
        return registry.entries(pattern)
    space, colon, word = pattern.partition(":")
    if colon and space in spaces:
        pool, pattern = registry.entries(space), word
    else:
        pool = registry.entries()
    found = [e for e in pool if _matches(e, pattern.lower())]
    if not found:
        words = spaces + [w for e in pool for w in (e.name, *e.aliases)]
        raise UnknownFactoryError(
            f"no factory or namespace matches {pattern!r}",
            expected="a namespace, a substring of a name or alias, or a glob such as '*fp8*'",
            suggestions=closest(pattern, words),
            choices=spaces,
        )
    return found


def _matches(entry: Entry, pattern: str) -> bool:
    words = [w.lower() for w in (entry.name, *entry.aliases)]
    if any(ch in pattern for ch in _GLOB):
        return any(fnmatch.fnmatchcase(w, pattern) for w in [*words, entry.qualified.lower()])
    return any(pattern in w for w in words)


def cut(text: str, width: int) -> str:
    """``text`` no wider than ``width`` (cut with ``...``)."""
    if len(text) <= width:
        return text
    return text[: max(width - len(ELLIPSIS), 0)] + ELLIPSIS[: max(width, 0)]


def spellings(entry: Entry) -> tuple[str, list[str]]:
    """The shortest name a user can type for ``entry`` (an alias such as ``kv_fp8``, else the
    name) and the other spellings (the full name first)."""
    words = [entry.name, *entry.aliases]
    short = min(words, key=len)
    return short, [w for w in words if w != short]


def table(entries: Sequence[Entry], width: int, signature: Any = None) -> list[str]:
    """A header and one line per entry, none wider than ``width`` (see the module docstring).
    ``signature(entry)`` gives the signature text (default: ``str(entry.signature)``)."""
    if not entries:
        return []
    sig = signature or (lambda e: str(e.signature) if e.signature is not None else "(...)")
    rows = [(short, ", ".join(also) or "-") for short, also in map(spellings, entries)]
    spaces = max(len("NAMESPACE"), *(len(e.namespace) for e in entries))
    # the room goes first to the name (what is copied), then the other spellings, then the rest
    # a column as wide as 90% of the names need, at most half the line; a wider name
    # overflows its column rather than being cut
    wide = sorted(len(short) for short, _ in rows)[(len(rows) - 1) * 9 // 10]
    names = min(wide, max(width // 2, 4))
    also_w = min(max(len(a) for _, a in rows), _ALSO_MAX)
    also_w = max(min(also_w, width - names - spaces - 3 * len(_GAP)), 4)
    head = ("NAME", "NAMESPACE", "ALSO (full name, aliases)", "SIGNATURE  SUMMARY")
    lines = [(*head[:3], head[3])]
    lines += [
        (short, e.namespace, also, f"{sig(e)}  {e.summary}")
        for (short, also), e in zip(rows, entries, strict=True)
    ]
    out = []
    for short, space, also, rest in lines:
        line = _GAP.join(
            [
                f"{short:<{names}}",
                f"{space:<{spaces}}",
                f"{cut(also, also_w):<{also_w}}",
                rest,
            ]
        )
        out.append(cut(line.rstrip(), width))
    return out
