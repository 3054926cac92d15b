"""The passes spelled once: stopping after a pass, override values inside the document,
problems of the document and of the overrides in one report."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import recipekit
from recipekit.resolver import pipeline
from recipekit.resolver.errors import BadArgumentError, ProblemReport
from tests.conftest import Encoder, Model

DOC = "a: 4\nb: {c: 1, d: '${a}'}\nq: {_factory_: nvfp4}\n"


def test_passes_in_order() -> None:
    assert pipeline.PASSES == (
        "load",
        "interpolate",
        "check",
        "build",
        "overrides",
        "hooks",
        "validate",
    )


@pytest.mark.parametrize(
    ("until", "d", "q"),
    [
        ("load", "${a}", {"_factory_": "nvfp4"}),
        ("interpolate", 4, {"_factory_": "nvfp4"}),
        ("check", 4, {"_factory_": "nvfp4"}),
        ("build", 4, "built"),
        ("hooks", 4, "built"),
    ],
)
def test_stop_after_a_pass(reg: recipekit.Registry, until: str, d: object, q: object) -> None:
    res = pipeline.run(DOC, ["b.c=2"], registry=reg, until=until)
    assert res.data["b"]["d"] == d
    if q == "built":
        assert res.data["q"]["num_bits"] == (2, 1)
        assert res.data["b"]["c"] == (1 if until == "build" else 2)
    else:
        assert res.data["q"] == q


def test_unknown_pass_is_an_error(reg: recipekit.Registry) -> None:
    with pytest.raises(BadArgumentError, match="unknown pass"):
        pipeline.run(DOC, registry=reg, until="parse")


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("b.c=${a}", 4),  # sees the document it lands in
        ("b.c=${b.d}", 4),
        ("b.c=x${a}y", "x4y"),
        ("b.c=${.d}", 4),  # relative to the mapping that holds the key
        ("b.c={_factory_: fp8}", {"num_bits": (4, 3), "axis": None}),
        ("b.c=\\${a}", "${a}"),
    ],
)
def test_override_values_are_documents_inside_the_document(
    reg: recipekit.Registry, override: str, expected: object
) -> None:
    assert recipekit.resolve(DOC, [override], registry=reg)["b"]["c"] == expected


def test_override_value_missing_reference_names_the_path(reg: recipekit.Registry) -> None:
    with pytest.raises(recipekit.RecipekitError, match="nope does not exist"):
        recipekit.resolve(DOC, ["b.c=${nope}"], registry=reg)


def test_document_and_override_problems_come_together(reg: recipekit.Registry) -> None:
    with pytest.raises(ProblemReport) as info:
        recipekit.resolve("q: {_factory_: nvfp5}\n", ["q..x=1"], registry=reg)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 2
    assert any("nvfp4" in m for m in messages) and any("empty path segment" in m for m in messages)


def test_check_calls_nothing_and_returns_every_problem(reg: recipekit.Registry) -> None:
    calls = []

    @reg.factory(namespace="t")
    def spy(x: int = 1) -> dict:
        calls.append(x)
        return {"x": x}

    assert recipekit.check("a: {_factory_: spy}\n", registry=reg) == []
    problems = recipekit.check(
        "a: {_factory_: 'spy(x=\"s\")'}\nb: {_factory_: nvfp5}\n", ["a.y=1"], registry=reg
    )
    assert len(problems) == 2 and calls == []


@pytest.mark.parametrize(
    ("source", "overrides", "base"),
    [
        # plain data: copied directly
        ({"a": {"b": [1, (2, [3])]}}, ["a.b.0=9", "a.b.1=x", "~a"], {"a": {"b": [1, (2, [3])]}}),
        # a record inside: copied by deepcopy (an override sets its field in place)
        ({"m": {"_factory_": "small_model"}}, ["m.hidden=8"], {"m": Model(hidden=4)}),
        ({"_factory_": "with_encoder"}, ["encoder.depth=5"], Model(encoder=Encoder())),
    ],
)
def test_base_survives_the_overrides(
    reg: recipekit.Registry, source: object, overrides: list, base: object
) -> None:
    res = recipekit.resolve_full(source, overrides, registry=reg)
    assert res.base == base != res.data
    kept = recipekit.resolve_full(source, overrides, registry=reg, keep_base=False)
    assert kept.data == res.data and kept.base is None  # resolve() keeps only the data


def test_without_overrides_base_is_the_data(reg: recipekit.Registry) -> None:
    res = recipekit.resolve_full({"_factory_": "fp8"}, registry=reg, keep_base=False)
    assert res.base is res.data


_plain = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=3),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=2), inner, max_size=3)
    ),
    max_leaves=20,
)


def _containers(value: object) -> list[int]:
    if isinstance(value, (dict, list)):
        items = value.values() if isinstance(value, dict) else value
        return [id(value), *[i for v in items for i in _containers(v)]]
    if isinstance(value, tuple):
        return [i for v in value for i in _containers(v)]
    return []


@given(_plain)
def test_the_snapshot_of_plain_data_is_equal_and_shares_no_container(data: object) -> None:
    snap = pipeline._snapshot(data)
    assert snap == data
    assert not set(_containers(snap)) & set(_containers(data))
