"""ModelOpt's ExMy spelling of floating-point formats, as a registry codec.

ModelOpt's YAML writes ``num_bits: e4m3`` and ``scale_bits: e8m0``; its loader turns such a
string (under exactly those keys, any depth, case-insensitive ``e``/``m``) into the tuple
``(4, 3)``, and its Python API uses the tuple. The codec does the same on read, and writes
tuples back as ``e4m3`` so that ModelOpt's loader reads recipekit's output to the same value.
It also decodes the axis keys of ``block_sizes`` and ``bias`` written as text (``"-1": 16``, all JSON can say) to
the ints ModelOpt uses, so that ``--format json`` output reads back to the same recipe.
"""

from __future__ import annotations

import re
from typing import Any

from recipekit.resolver.registry import Codec, Registry

EXMY_KEYS = frozenset({"num_bits", "scale_bits"})
EXMY_PATTERN = re.compile(r"^[Ee](\d+)[Mm](\d+)$")
#: mappings keyed by axis (ints, ``-1`` the last): JSON can only spell the keys ``"-1"``
AXIS_KEYED = frozenset({"block_sizes", "bias"})
_AXIS = re.compile(r"^-?\d+$")


def _axis(key: Any) -> Any:
    return int(key) if isinstance(key, str) and _AXIS.match(key) else key


def decode_exmy(key: object, value: Any) -> Any:
    if key in AXIS_KEYED and isinstance(value, dict):
        return {_axis(k): v for k, v in value.items()}
    if key in EXMY_KEYS and isinstance(value, str):
        match = EXMY_PATTERN.match(value)
        if match:
            return (int(match.group(1)), int(match.group(2)))
    return value


def encode_exmy(key: object, value: Any) -> Any:
    if (
        key in EXMY_KEYS
        and isinstance(value, tuple)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        return f"e{value[0]}m{value[1]}"
    return value


EXMY = Codec("modelopt.exmy", decode_exmy, encode_exmy)


def register(registry: Registry) -> None:
    """Install the ExMy codec into ``registry`` (the default registry gets it on load)."""
    registry.add_codec(EXMY)
