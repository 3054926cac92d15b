"""Errors: did-you-mean never crashes while a problem is being reported (issue 10)."""

from __future__ import annotations

import time

import pytest

from recipekit.resolver.errors import closest


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        (1, ["a", "b"], []),  # an int key (``{_target_: fp8, 1: a}``) used to raise AttributeError
        (None, ["None", "x"], ["None"]),
        ("blok_size", ["block_size", "kind"], ["block_size"]),  # positive control
        ("x", [1, 2, "x"], ["x"]),
    ],
)
def test_closest_accepts_any_key(word: object, choices: list, expected: list) -> None:
    assert closest(word, choices) == expected


def test_closest_is_cheap_for_a_huge_word() -> None:
    start = time.perf_counter()
    closest("a" * 100_000, [f"name_{i}" for i in range(500)])
    assert time.perf_counter() - start < 5  # difflib on the full word took seconds
