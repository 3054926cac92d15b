"""The sibling rule and its inverse, table-driven: mappings merge, everything else replaces;
``diff`` + ``add_siblings`` reproduce any change that ``apply`` can make."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recipekit.resolver import merge
from recipekit.resolver.errors import BadFieldError


@dataclasses.dataclass(frozen=True)
class Attrs:
    num_bits: int = 8
    axis: int | None = None
    block_sizes: dict | None = None


@pytest.mark.parametrize(
    ("target", "updates", "expected"),
    [
        ({"a": 1}, {"a": 2}, {"a": 2}),
        ({"a": {"x": 1, "y": 2}}, {"a": {"y": 3}}, {"a": {"x": 1, "y": 3}}),
        ({"a": {"x": {"p": 1}}}, {"a": {"x": {"q": 2}}}, {"a": {"x": {"p": 1, "q": 2}}}),
        ({"a": [1, 2]}, {"a": [3]}, {"a": [3]}),  # lists replace
        ({"a": {"x": 1}}, {"a": 5}, {"a": 5}),  # a scalar replaces a mapping
        ({"a": 5}, {"a": {"x": 1}}, {"a": {"x": 1}}),  # a mapping replaces a scalar
        ({"a": {"x": 1}}, {"a": {"_factory_": "f"}}, {"a": {"_factory_": "f"}}),  # a node replaces
        ({}, {"new": 1}, {"new": 1}),
    ],
)
def test_mapping_results(target: dict, updates: dict, expected: dict) -> None:
    assert merge.apply(target, updates) == expected


def test_dataclass_results_take_their_fields_and_are_replaced() -> None:
    original = Attrs(block_sizes={-1: 16, "type": "dynamic"})
    new = merge.apply(original, {"axis": 0, "block_sizes": {"type": "static"}})
    assert new == Attrs(axis=0, block_sizes={-1: 16, "type": "static"})
    assert original == Attrs(block_sizes={-1: 16, "type": "dynamic"})  # never changed in place


def test_unknown_dataclass_field_names_the_fields_and_the_argument() -> None:
    with pytest.raises(BadFieldError) as info:
        merge.apply(Attrs(), {"num_bit": 4}, name="fmt", params=["num_bit"])
    error = info.value
    assert "num_bits" in error.suggestions
    assert "one of the fields: num_bits, axis, block_sizes" in str(error)
    assert 'write _factory_: "fmt(num_bit=...)"' in (error.hint or "")


@pytest.mark.parametrize("result", [[1, 2], 3, "text", None])
def test_results_without_fields_take_no_siblings(result: object) -> None:
    with pytest.raises(BadFieldError, match="can only override fields"):
        merge.apply(result, {"a": 1}, name="f")


@pytest.mark.parametrize(
    ("base", "final"),
    [
        ({"a": 1, "b": {"x": 1}}, {"a": 1, "b": {"x": 2}}),
        ({"a": 1}, {"a": 1, "c": [1]}),
        ({"a": {"x": 1}}, {"a": 3}),
    ],
)
def test_diff_is_the_inverse(base: dict, final: dict) -> None:
    siblings = merge.diff(base, final)
    assert merge.apply(merge._deep_copy(base), siblings) == final


def test_a_deleted_key_cannot_fold() -> None:
    with pytest.raises(merge.CannotFold, match="'b' was deleted"):
        merge.diff({"a": 1, "b": 2}, {"a": 1})


@pytest.mark.parametrize(
    ("base", "final", "keeps"),
    [
        ({"a": {"x": 1}}, {"a": {"y": 2}}, False),  # ModelOpt replaces, apply would merge
        ({"a": {"x": 1}}, {"a": {"x": 2}}, True),
        ({"a": 1}, {"b": 2}, False),
        (1, {"x": 1}, True),  # not a mapping: replaced either way
        (None, 5, True),
    ],
)
def test_keeps(base: object, final: object, keeps: bool) -> None:
    assert merge.keeps(base, final) is keeps


def test_same_is_type_strict() -> None:
    assert merge.same({"a": (1, 2)}, {"a": (1, 2)})
    assert not merge.same(True, 1) and not merge.same(1, 1.0) and not merge.same([1], (1,))
    assert not merge.same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # key order counts
    assert merge.same(float("nan"), float("nan"))


data = st.recursive(
    st.integers(0, 3) | st.text("ab", max_size=2),
    lambda inner: st.dictionaries(st.sampled_from("xyz"), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("abc"), data), st.dictionaries(st.sampled_from("abc"), data))
def test_diff_then_apply_reaches_any_final_without_deletions(base: dict, extra: dict) -> None:
    final = merge.apply(merge._deep_copy(base), extra)  # only additions and changes
    assert merge.same(merge.apply(merge._deep_copy(base), merge.diff(base, final)), final)
