"""Key-path diffs (``recipekit.resolver.pathdiff``): expected lines written by hand."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recipekit.resolver import pathdiff


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"x": 1}, {"x": 1}, []),
        ({"x": 1}, {"x": 2}, ["~ x: 1 -> 2"]),
        ({"x": 1}, {"x": True}, ["~ x: 1 -> True"]),  # equal in Python, not the same value
        ({}, {"x": {"y": 1}}, ["+ x.y: 1"]),
        ({"x": {"y": 1, "z": 2}}, {"x": {"y": 1}}, ["- x.z: 2"]),
        ({"q": [{"n": "*"}, {"n": "a"}]}, {"q": [{"n": "*"}]}, ["- q[1].n: 'a'"]),
        ({"q": [1]}, {"q": [1, 2]}, ["+ q[1]: 2"]),
        ({"q": 1}, {"q": [1]}, ["~ q: 1 -> [1]"]),
        ({"q": []}, {"q": {}}, ["~ q: [] -> {}"]),
        ({"a": 1, "b": 2}, {"b": 3, "c": 4}, ["~ b: 2 -> 3", "+ c: 4", "- a: 1"]),
        ({"bs": {-1: 16}}, {"bs": {-1: 32}}, ["~ bs[-1]: 16 -> 32"]),
    ],
)
def test_lines(a: Any, b: Any, expected: list[str]) -> None:
    assert pathdiff.lines(pathdiff.changes(a, b)) == expected


plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text("abc", min_size=1, max_size=2), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(plain, plain)
def test_no_changes_exactly_when_equal(a: Any, b: Any) -> None:
    found = list(pathdiff.changes(a, b))
    assert (found == []) == (repr(a) == repr(b) or _same(a, b))
    assert list(pathdiff.changes(a, a)) == []


def _same(a: Any, b: Any) -> bool:
    """Equal with the same types everywhere (what "no change" means)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)
