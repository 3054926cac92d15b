"""ModelOpt's ExMy spelling as a codec: read exactly where ModelOpt's loader reads it."""

from __future__ import annotations

import pytest

from recipekit.factories.codecs import EXMY, decode_exmy, encode_exmy


@pytest.mark.parametrize(
    ("key", "value", "decoded"),
    [
        ("num_bits", "e4m3", (4, 3)),
        ("num_bits", "E2M1", (2, 1)),
        ("scale_bits", "e8m0", (8, 0)),
        ("num_bits", 8, 8),
        ("num_bits", "e4m3x", "e4m3x"),
        ("axis", "e4m3", "e4m3"),  # only under num_bits / scale_bits
        ("num_bits", ["e4m3"], ["e4m3"]),
    ],
)
def test_decode(key: str, value: object, decoded: object) -> None:
    assert decode_exmy(key, value) == decoded


@pytest.mark.parametrize(
    ("key", "value", "encoded"),
    [
        ("num_bits", (4, 3), "e4m3"),
        ("scale_bits", (8, 0), "e8m0"),
        ("num_bits", (True, 3), (True, 3)),  # bools are not bit counts
        ("num_bits", (4, 3, 1), (4, 3, 1)),
        ("axis", (4, 3), (4, 3)),
        ("num_bits", 8, 8),
    ],
)
def test_encode(key: str, value: object, encoded: object) -> None:
    assert encode_exmy(key, value) == encoded


def test_round_trip_and_identity_when_not_applicable() -> None:
    for pair in [(1, 2), (4, 3), (8, 0), (10, 23)]:
        assert decode_exmy("num_bits", encode_exmy("num_bits", pair)) == pair
    untouched = {"x": 1}
    assert EXMY.decode("num_bits", untouched) is untouched
    assert EXMY.encode("num_bits", untouched) is untouched
