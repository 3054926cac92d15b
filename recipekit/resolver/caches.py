"""Every memo table of recipekit, in one place, with one ``clear()``.

Caches make repeated work cheap (a file parsed once per content, a call-syntax string parsed
once, a signature inspected once). No result may depend on which cache is warm: every table
stores what a pure function of its key returns, and the key holds everything the value depends
on (a file's path, mtime and size; a callable; a text).

A module that memoises asks for a table by name at import time::

    from . import caches
    _PARSED = caches.table("callsyntax.parse", limit=8192)

and uses it as a dict (``get``/``put``). ``clear()`` (``recipekit.clear_caches()``) empties every
table of things derived from *inputs* (files, texts, call strings, functions), in this module and
in the layers above the core alike. A table of *package data* — values computed only from
recipekit's own shipped files, such as ModelOpt's schemas — is made ``resident=True``: like an
imported module it is loaded once per process, and ``clear()`` keeps it unless asked with
``clear(resident=True)``. A table that reaches its ``limit`` is emptied before the next insert:
bounded memory, no eviction bookkeeping on the hot path.
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()


class Table:
    """A bounded dict. Reads take no lock (a dict lookup is atomic); writes do."""

    __slots__ = ("data", "limit", "name", "resident")

    def __init__(self, name: str, limit: int, resident: bool = False) -> None:
        self.name, self.limit, self.resident = name, limit, resident
        self.data: dict[Any, Any] = {}

    def get(self, key: Any, default: Any = None) -> Any:
        return self.data.get(key, default)

    def __contains__(self, key: Any) -> bool:
        return key in self.data

    def put(self, key: Any, value: Any) -> Any:
        with _LOCK:
            if len(self.data) >= self.limit:
                self.data.clear()
            self.data[key] = value
        return value

    def clear(self) -> None:
        with _LOCK:
            self.data.clear()

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"Table({self.name!r}, {len(self.data)}/{self.limit})"


_TABLES: dict[str, Table] = {}


def table(name: str, *, limit: int = 4096, resident: bool = False) -> Table:
    """The table called ``name`` (created on first request); ``resident`` for package data."""
    with _LOCK:
        found = _TABLES.get(name)
        if found is None:
            found = _TABLES[name] = Table(name, limit, resident)
        return found


def tables() -> dict[str, Table]:
    """Every table, by name (for tests and ``clear``)."""
    return dict(_TABLES)


def clear(*, resident: bool = False) -> None:
    """Empty every table of input-derived values: the next resolve reads, parses and inspects
    its input again. ``resident=True`` also forgets the package data (schemas, type tables)."""
    for found in list(_TABLES.values()):
        if resident or not found.resident:
            found.clear()
