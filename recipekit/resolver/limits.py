"""Every bound recipekit puts on the work one input may cause, in one place.

A recipe may come from an untrusted source (see docs/security.md), so no input may make the
resolver hang, exhaust memory or overflow the stack. Each limit below is checked *before* the
work it bounds (a file's size before it is read, a string's length before it is built), and
going past one is a ``RecipekitError`` that names the limit. They are module attributes so a
caller that trusts its input can raise them (``recipekit.resolver.limits.MAX_FILE_BYTES = ...``);
every check reads the attribute at the time it runs.
"""

from __future__ import annotations

#: Nesting of mappings and lists in one document (YAML files, includes and Python data alike),
#: and the length of a ``${...}`` reference chain. Every recursive pass stays far below
#: Python's recursion limit with it.
MAX_DEPTH = 256
#: Values one YAML text may expand to through aliases ("billion laughs").
MAX_NODES = 1_000_000
#: Bytes of one file read as a document or an ``@file`` include (checked before reading).
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Length of a string, list or mapping built by interpolation or override arithmetic.
MAX_SIZE = 1_000_000
#: Files one document may include in total (each distinct file is parsed once).
MAX_INCLUDES = 10_000
