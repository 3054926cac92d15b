"""``recipekit list``'s matching and table (``recipekit.listing``)."""

from __future__ import annotations

import pytest

from recipekit import listing
from recipekit.resolver.errors import UnknownFactoryError
from recipekit.resolver.registry import Registry


def fmt(bits: int = 8) -> dict:
    """A format whose docstring's first line is rather long, to be cut at narrow widths."""
    return {"num_bits": bits}


def unit() -> list:
    """A unit."""
    return []


@pytest.fixture
def reg() -> Registry:
    r = Registry()
    r.register(fmt, name="configs/numerics/fp8", namespace="numerics", aliases=["fp8"])
    r.register(fmt, name="configs/numerics/nvfp4", namespace="numerics", aliases=["nvfp4"])
    r.register(unit, name="configs/ptq/units/kv_fp8", namespace="units", aliases=["kv_fp8"])
    r.register(unit, name="configs/ptq/units/base_disable_all", namespace="units")
    return r


@pytest.mark.parametrize(
    ("pattern", "names"),
    [
        (None, ["fp8", "nvfp4", "configs/ptq/units/base_disable_all", "kv_fp8"]),
        ("units", ["configs/ptq/units/base_disable_all", "kv_fp8"]),  # a namespace
        ("fp8", ["fp8", "kv_fp8"]),  # substring of an alias
        ("FP8", ["fp8", "kv_fp8"]),  # case-insensitive
        ("numerics/nv", ["nvfp4"]),  # substring of a name
        ("kv_*", ["kv_fp8"]),  # glob over aliases
        ("units:*", ["configs/ptq/units/base_disable_all", "kv_fp8"]),  # glob over namespace:name
        ("numerics:fp8", ["fp8"]),  # NS:PATTERN
    ],
)
def test_matching(reg: Registry, pattern: str | None, names: list[str]) -> None:
    found = listing.matching(reg, pattern)
    assert [listing.spellings(e)[0] for e in found] == names


def test_no_match_suggests(reg: Registry) -> None:
    with pytest.raises(UnknownFactoryError, match="no factory or namespace matches") as info:
        listing.matching(reg, "unitz")
    assert "units" in info.value.suggestions


@pytest.mark.parametrize("width", [20, 40, 60, 80, 200])
def test_table_fits_the_width(reg: Registry, width: int) -> None:
    lines = listing.table(reg.entries(), width)
    assert len(lines) == 5 and all(len(line) <= width for line in lines)
    assert lines[0].startswith("NAME")


def test_table_shows_aliases_full_names_and_summaries_when_wide(reg: Registry) -> None:
    lines = listing.table(reg.entries(), 200)
    kv = next(line for line in lines if line.startswith("kv_fp8 "))
    assert "configs/ptq/units/kv_fp8" in kv and "A unit." in kv and "units" in kv


def test_narrow_table_keeps_the_names(reg: Registry) -> None:
    lines = listing.table(reg.entries(), 40)
    assert [line.split()[0] for line in lines[1:]] == [
        "fp8",
        "nvfp4",
        "configs/ptq/units/base_disable_all",
        "kv_fp8",
    ]
    assert any(line.endswith(listing.ELLIPSIS) for line in lines)


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("abcdef", 10, "abcdef"),
        ("abcdef", 6, "abcdef"),
        ("abcdefgh", 6, "abc..."),
        ("abc", 2, ".."),
    ],
)
def test_cut(text: str, width: int, expected: str) -> None:
    assert listing.cut(text, width) == expected
