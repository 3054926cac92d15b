"""Numeric formats: quantizer-attribute dicts (ModelOpt's ``configs/numerics/*``).

Each function returns a fresh ``QuantizerAttributeConfig``-shaped dict in ModelOpt's
pre-validation form: ExMy formats are tuples (``(4, 3)`` = E4M3), block-size axes are int keys
(``-1``), keys appear in the order ModelOpt's file writes them. Every constructor takes
``**extra`` attributes that are shallow-merged last, exactly like ModelOpt's
``{$import: fmt, key: value}``: an extra ``block_sizes`` replaces the whole block dict. An extra
name that is no field of ModelOpt's ``QuantizerAttributeConfig`` is an error (did-you-mean), so
``nvfp4(blocksize=32)`` fails instead of writing a stray key; format names are a ``Literal``
(``FormatName``) so ``check`` rejects an unknown one before anything runs.

The families: ``fp8``, ``int8`` (``axis`` picks per-tensor / per-channel), ``int4_per_block``,
``mx`` (MXFP4/6/8 and MXINT8: E8M0 scales, 32-wide dynamic blocks) and ``nvfp4`` (dynamic or
static, any block size, optional Four-Over-Six). Every ModelOpt file is also registered under
its own name; ``as_attrs`` turns a format name such as ``"nvfp4_static"`` into its dict.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from ._register import builtin

Attrs = dict[str, Any]
NumBits = int | tuple[int, int] | str

E2M1 = (2, 1)
E3M2 = (3, 2)
E4M3 = (4, 3)
E8M0 = (8, 0)

_EXMY = re.compile(r"^[Ee](\d+)[Mm](\d+)$")

#: the format names ``as_attrs`` knows (the keys of ``FORMATS``)
FormatName = Literal[
    "fp8", "int8", "int8_per_channel", "int4_per_block", "mxfp4", "mxfp6", "mxfp8", "mxint8",
    "nvfp4", "nvfp4_static", "nvfp4_bs32", "nvfp4_four_over_six",
]  # fmt: skip


def fields(extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` attributes, checked: each name must be a ``QuantizerAttributeConfig`` field."""
    if extra:
        from recipekit.resolver.errors import BadArgumentError, closest
        from recipekit.schemas import field_names, kind_schema

        known = field_names(kind_schema("numeric"))
        unknown = [k for k in extra if k not in known]
        if unknown:
            raise BadArgumentError(
                f"{unknown[0]!r} is not a quantizer attribute",
                expected="a field of QuantizerAttributeConfig: " + ", ".join(known),
                suggestions=closest(str(unknown[0]), known),
            )
    return extra


def _numerics(path: str, *aliases: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return builtin("numerics", path, *aliases)


def exmy(num_bits: NumBits | list[int]) -> int | tuple[int, int]:
    """``"e4m3"`` -> ``(4, 3)`` (ModelOpt's ExMy parsing); ints and tuples pass through."""
    if isinstance(num_bits, str):
        match = _EXMY.match(num_bits)
        if match is None:
            raise ValueError(f"bad num_bits {num_bits!r}: expected an int, (E, M) or 'eXmY'")
        return int(match[1]), int(match[2])
    if isinstance(num_bits, list):
        return tuple(num_bits)  # type: ignore[return-value]
    return num_bits


# --------------------------------------------------------------------------- per-tensor / channel
@_numerics("configs/numerics/fp8", "fp8")
def fp8(axis: int | None = None, **extra: Any) -> Attrs:
    """FP8 E4M3 quantizer attributes, per-tensor unless ``axis`` is given.

    ``axis: None`` is written explicitly, as ModelOpt's file does, so it appears in every
    sparse (``exclude_unset``) dump of an FP8 cfg.
    """
    return {"num_bits": E4M3, "axis": axis, **fields(extra)}


@_numerics("configs/numerics/int8", "int8")
def int8(axis: int | None = None, **extra: Any) -> Attrs:
    """INT8 quantizer attributes, per-tensor unless ``axis`` is given (explicit ``axis: None``)."""
    return {"num_bits": 8, "axis": axis, **fields(extra)}


@_numerics("configs/numerics/int8_per_channel", "int8_per_channel")
def int8_per_channel(**extra: Any) -> Attrs:
    """INT8 quantizer attributes, per-channel along axis 0."""
    return int8(axis=0, **extra)


@_numerics("configs/numerics/int4_per_block", "int4_per_block")
def int4_per_block(block_size: int = 128, **extra: Any) -> Attrs:
    """Static INT4 block quantizer attributes (``block_size`` values per block on the last dim)."""
    return {"num_bits": 4, "block_sizes": {-1: block_size, "type": "static"}, **fields(extra)}


# --------------------------------------------------------------------------- MX (OCP microscaling)
@_numerics("mx")
def mx(num_bits: NumBits, block_size: int = 32, **extra: Any) -> Attrs:
    """Dynamic MX block quantizer attributes: any element format, E8M0 (power-of-two) scales.

    ``mx("e2m1")`` is MXFP4, ``mx((3, 2))`` MXFP6, ``mx((4, 3))`` MXFP8, ``mx(8)`` MXINT8.
    """
    block = {-1: block_size, "type": "dynamic", "scale_bits": E8M0}
    return {"num_bits": exmy(num_bits), "block_sizes": block, **fields(extra)}


@_numerics("configs/numerics/mxfp4", "mxfp4")
def mxfp4(block_size: int = 32, **extra: Any) -> Attrs:
    """Dynamic MXFP4 (E2M1 elements, E8M0 scales) block quantizer attributes."""
    return mx(E2M1, block_size, **extra)


@_numerics("configs/numerics/mxfp6", "mxfp6")
def mxfp6(block_size: int = 32, **extra: Any) -> Attrs:
    """Dynamic MXFP6 (E3M2 elements, E8M0 scales) block quantizer attributes."""
    return mx(E3M2, block_size, **extra)


@_numerics("configs/numerics/mxfp8", "mxfp8")
def mxfp8(block_size: int = 32, **extra: Any) -> Attrs:
    """Dynamic MXFP8 (E4M3 elements, E8M0 scales) block quantizer attributes."""
    return mx(E4M3, block_size, **extra)


@_numerics("configs/numerics/mxint8", "mxint8")
def mxint8(block_size: int = 32, **extra: Any) -> Attrs:
    """Dynamic MXINT8 (INT8 elements, E8M0 scales) block quantizer attributes."""
    return mx(8, block_size, **extra)


# --------------------------------------------------------------------------- NVFP4
@_numerics("configs/numerics/nvfp4", "nvfp4")
def nvfp4(
    block_size: int = 16,
    *,
    static: bool = False,
    four_over_six: bool = False,
    effective_bits: float | Literal["auto"] | None = "auto",
    **extra: Any,
) -> Attrs:
    """NVFP4 block quantizer attributes: E2M1 elements with FP8 E4M3 per-block scales.

    Defaults give ModelOpt's ``nvfp4`` (dynamic, 16-wide blocks). ``static=True`` gives
    ``nvfp4_static``, ``block_size=32`` ``nvfp4_bs32``, ``static=True, four_over_six=True``
    ``nvfp4_four_over_six`` (per-block choice of M=6 / M=4 scaling, made by an MSE calibration).

    Quirks kept for parity: ``effective_bits: 4.5`` (the AutoQuantize cost) is written only for
    the dynamic 16-wide form, because only ModelOpt's ``nvfp4.yaml`` writes it; pass a number to
    force it or ``None`` to drop it. ``four_over_six`` is the bool ``True`` here; ModelOpt's
    validated dumps (and ``NVFP4_FOUR_OVER_SIX_CFG``) show ``1`` because pydantic coerces it.
    """
    block: dict[int | str, Any] = {
        -1: block_size,
        "type": "static" if static else "dynamic",
        "scale_bits": E4M3,
    }
    if four_over_six:
        block["four_over_six"] = True
    attrs: Attrs = {"num_bits": E2M1, "block_sizes": block}
    if effective_bits == "auto":
        effective_bits = 4.5 if block_size == 16 and not static and not four_over_six else None
    if effective_bits is not None:
        attrs["effective_bits"] = effective_bits
    attrs.update(fields(extra))
    return attrs


@_numerics("configs/numerics/nvfp4_static", "nvfp4_static")
def nvfp4_static(**extra: Any) -> Attrs:
    """Static NVFP4 attributes (scales fixed at calibration, e.g. by an MSE sweep); no effective_bits."""
    return nvfp4(static=True, **extra)


@_numerics("configs/numerics/nvfp4_bs32", "nvfp4_bs32")
def nvfp4_bs32(**extra: Any) -> Attrs:
    """Dynamic NVFP4 attributes with 32-wide blocks; no effective_bits (ModelOpt quirk)."""
    return nvfp4(block_size=32, **extra)


@_numerics("configs/numerics/nvfp4_four_over_six", "nvfp4_four_over_six")
def nvfp4_four_over_six(**extra: Any) -> Attrs:
    """Static NVFP4 weight attributes with Four-Over-Six (4/6) adaptive block scaling.

    The M=6 vs M=4 choice per block is made by the calibration algorithm (an MSE sweep over
    multipliers 1.0 and 1.5), configured by the preset/recipe. ``four_over_six`` is ``True``
    here and ``1`` after ModelOpt's validation.
    """
    return nvfp4(static=True, four_over_six=True, **extra)


# --------------------------------------------------------------------------- lookup by name
#: Format names accepted wherever a cfg may be given as a string (``pair('*', 'nvfp4')``).
FORMATS: dict[str, Callable[..., Attrs]] = {
    "fp8": fp8,
    "int8": int8,
    "int8_per_channel": int8_per_channel,
    "int4_per_block": int4_per_block,
    "mxfp4": mxfp4,
    "mxfp6": mxfp6,
    "mxfp8": mxfp8,
    "mxint8": mxint8,
    "nvfp4": nvfp4,
    "nvfp4_static": nvfp4_static,
    "nvfp4_bs32": nvfp4_bs32,
    "nvfp4_four_over_six": nvfp4_four_over_six,
}


def as_attrs(fmt: FormatName | Attrs | list[Any]) -> Attrs | list[Any]:
    """A cfg from a format name (fresh dict), an attribute dict (as is), or a list of them
    (a sequential quantizer, e.g. ``['int4_per_block', 'fp8']`` for W4A8)."""
    if isinstance(fmt, str):
        make = FORMATS.get(fmt)
        if make is None:
            raise ValueError(f"unknown numeric format {fmt!r}; known: {', '.join(FORMATS)}")
        return make()
    if isinstance(fmt, (list, tuple)):
        return [as_attrs(item) for item in fmt]
    if isinstance(fmt, dict):
        return fmt
    raise TypeError(f"a quantizer cfg must be a format name, a dict or a list, not {fmt!r}")
