"""The reserved keys and markers of recipekit documents, in one place.

Every pass of the resolver refers to these constants; no other module spells a reserved key as a
literal. ``FACTORY``/``TARGET``/``PARTIAL`` follow NeMo-Run's (and Hydra's) spelling so that the same
YAML is meaningful to both tools; ``CALL`` is what NeMo-Run writes for a function used as a value.
"""

from __future__ import annotations

FACTORY = "_factory_"
TARGET = "_target_"
PARTIAL = "_partial_"
CALL = "_call_"
ARGS = "_args_"

#: Every key the resolver gives a meaning to; none of them survives into resolved data.
RESERVED = frozenset({FACTORY, TARGET, PARTIAL, CALL, ARGS})

#: A string value starting with this is a reference to another file: ``"@path.yaml[:section]"``.
INCLUDE_PREFIX = "@"
#: File suffixes an ``@`` reference may name (anything else stays a plain string); a one-line
#: source string with one of them is a file path.
INCLUDE_SUFFIXES = (".yaml", ".yml", ".json")

#: Interpolation: ``${a.b}`` refers to another value of the same document.
INTERPOLATION_OPEN = "${"

#: A backslash before ``${`` or before a leading ``@path.yaml`` makes the text literal; ``dump``
#: writes one wherever a string would otherwise read back as an interpolation or an include.
ESCAPE = "\\"

#: The registry namespace of entry points (``Registry.entrypoint``): a root ``_target_`` with
#: ``_partial_: true`` naming one types the document by its signature (``entrypoint.py``).
ENTRYPOINTS = "entrypoints"
