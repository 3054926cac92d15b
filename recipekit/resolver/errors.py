"""Errors: one base type, a small hierarchy, and a report that collects many problems.

Every error knows *where* it happened: the key path inside the document (``path``, a tuple of
keys and list indexes) and, when the value came from a file, the ``Mark`` (file, line, column) of
that value. It also says what was *expected* and, for lookups, offers the closest ``choices``
(did-you-mean). ``str(error)`` renders all of that; nothing needs a traceback to be understood.

``ProblemReport`` gathers every problem found in one document (the checking pass collects instead
of stopping at the first). It is itself a ``RecipekitError`` whose ``problems`` are the individual
errors, so callers catch a single type.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple


class Mark(NamedTuple):
    """A position in a source file, 1-based like editors and compilers print it. (A named tuple:
    one is made for every value read from YAML, so creating it must be cheap.)"""

    file: str | None
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file or '<string>'}:{self.line}:{self.column}"


def format_path(path: Sequence[object]) -> str:
    """``('quantize', 'quant_cfg', 2, 'cfg')`` -> ``quantize.quant_cfg[2].cfg`` (root: ``<root>``)."""
    out = ""
    for key in path:
        if isinstance(key, int) and not isinstance(key, bool):
            out += f"[{key}]"
        else:
            out += f".{key}" if out else str(key)
    return out or "<root>"


def closest(word: object, choices: Iterable[object], n: int = 3) -> list[str]:
    """The few ``choices`` closest to ``word`` (substring matches first, then difflib)."""
    import difflib  # only when an error is being built

    word = str(word)[:100]  # keys may be ints, None...; a huge word must not make difflib slow
    pool = sorted({str(c) for c in choices})
    lowered = word.lower()
    near = [c for c in pool if lowered and (lowered in c.lower() or c.lower() in lowered)]
    near.sort(key=lambda c: (abs(len(c) - len(word)), c))
    fuzzy = difflib.get_close_matches(word, pool, n=n, cutoff=0.6)
    seen: list[str] = []
    for c in fuzzy + near:
        if c not in seen:
            seen.append(c)
    return seen[:n]


class RecipekitError(Exception):
    """Base class of every error recipekit raises for bad input."""

    def __init__(
        self,
        message: str,
        *,
        path: Sequence[object] = (),
        mark: Mark | None = None,
        expected: str | None = None,
        choices: Sequence[str] = (),
        suggestions: Sequence[str] = (),
        hint: str | None = None,
        chain: Sequence[str] = (),
    ) -> None:
        self.message = message
        self.path = tuple(path)
        self.mark = mark
        self.expected = expected
        self.choices = tuple(choices)
        self.suggestions = tuple(suggestions)
        self.hint = hint
        self.chain = tuple(chain)
        super().__init__(message)

    @property
    def problems(self) -> list[RecipekitError]:
        return [self]

    def located(
        self, *, path: Sequence[object] | None = None, mark: Mark | None = None
    ) -> RecipekitError:
        """Fill in the location if it is not known yet (used when re-raising from inner code)."""
        if path is not None and not self.path:
            self.path = tuple(path)
        if mark is not None and self.mark is None:
            self.mark = mark
        return self

    def __str__(self) -> str:
        where = f"{self.mark}: " if self.mark else ""
        at = f"{format_path(self.path)}: " if self.path else ""
        lines = [f"{where}{at}{self.message}"]
        if self.expected:
            lines.append(f"  expected: {self.expected}")
        if self.suggestions:
            lines.append(f"  did you mean: {', '.join(self.suggestions)}?")
        if self.choices:
            shown = ", ".join(self.choices[:12])
            more = f" (+{len(self.choices) - 12} more)" if len(self.choices) > 12 else ""
            lines.append(f"  choices: {shown}{more}")
        if self.chain:
            lines.append("  chain: " + " -> ".join(self.chain))
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class YamlError(RecipekitError):
    """The text is not valid (safe) YAML, is too deep, or expands too much (alias bomb)."""


class SourceError(RecipekitError):
    """A file or ``@`` reference could not be read."""


class UnknownFactoryError(RecipekitError):
    """A ``_factory_`` (or call target) names nothing in the registry."""


class AmbiguousFactoryError(UnknownFactoryError):
    """A short name matches factories in several namespaces."""


class RegistrationError(RecipekitError):
    """A factory could not be registered (duplicate name, bad name)."""


class BadArgumentError(RecipekitError):
    """Arguments do not fit the factory's signature, or a value has the wrong type."""


class CallSyntaxError(BadArgumentError):
    """A ``_factory_`` string is not exactly ``NAME`` or ``NAME(literal args)``; ``column`` is
    the 1-based position in that string where it stops being one."""

    title = "bad call syntax"


class BadFieldError(BadArgumentError):
    """A sibling key of ``_factory_`` names no field of the factory's result."""


class CallError(RecipekitError):
    """A factory or target raised while being called; the original exception is ``__cause__``."""


class BadOverrideError(RecipekitError):
    """A dot-list override is malformed or addresses a path that does not exist."""


class InterpolationError(RecipekitError):
    """A ``${...}`` reference points nowhere, or references form a loop."""


class CycleError(RecipekitError):
    """Files include each other in a loop; ``chain`` lists them in order."""


class BlockedImportError(RecipekitError):
    """A document asked to import a module that the caller did not allow."""


class ProblemReport(RecipekitError):
    """Several problems of one document, reported together."""

    def __init__(self, problems: Sequence[RecipekitError], source: str | None = None) -> None:
        self._problems = list(problems)
        self.source = source
        head = f"{len(self._problems)} problem(s)" + (f" in {source}" if source else "")
        super().__init__(head)

    @property
    def problems(self) -> list[RecipekitError]:
        return list(self._problems)

    def __str__(self) -> str:
        body = "\n".join(str(p) for p in self._problems)
        return f"{self.message}:\n{body}"


def raise_collected(problems: Sequence[RecipekitError], source: str | None = None) -> None:
    """Raise nothing, the single problem, or a ``ProblemReport`` of all of them."""
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise ProblemReport(problems, source)
