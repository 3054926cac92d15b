"""The benchmark harness's pure parts on tiny inputs, so the benchmark cannot rot unnoticed.

No timing assertion anywhere: only what the harness computes from given samples (summaries,
ratios, exponents, call order), the canonical form results are compared in, the equality gate
before a ratio, the documents the figures feed both sides, and the markdown report.
"""

from __future__ import annotations

import enum
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks import anchors, harness, overrides, recipes, report, scaling, startup


class Kind(enum.Enum):
    PTQ = "ptq"


class Model:  # stands in for a pydantic model: canonical() dumps it with model_dump()
    def model_dump(self):
        return {"b": (1, 2), "a": Kind.PTQ}


@pytest.mark.parametrize(
    ("obj", "text"),
    [
        ((4, 3), "[4, 3]"),  # tuples as lists
        ({-1: 16}, '{"-1": 16}'),  # non-string keys as their JSON text
        ({"k": Kind.PTQ}, '{"k": "ptq"}'),  # enums as their value
        (16384, "16384"),
        (16384.0, "16384.0"),  # ints and floats stay distinct
        (True, "true"),
        (None, "null"),
        ({"b": 1, "a": 2}, '{"a": 2, "b": 1}'),  # keys sorted
        (Model(), '{"a": "ptq", "b": [1, 2]}'),
    ],
)
def test_canonical(obj, text):
    import json

    assert harness.canonical(obj) == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


@pytest.mark.parametrize(("a", "b"), [(1, 1.0), (True, 1), ([1], (1,))])
def test_canonical_distinguishes_what_equality_conflates(a, b):
    if isinstance(a, list):  # a tuple is a list in JSON, as ModelOpt's goldens render it
        assert harness.canonical(a) == harness.canonical(b)
    else:
        assert a == b and harness.canonical(a) != harness.canonical(b)


@pytest.mark.parametrize(
    ("samples", "want"),
    [
        ([3.0, 1.0, 2.0], {"median": 2.0, "min": 1.0, "max": 3.0, "n": 3}),
        ([4.0, 1.0], {"median": 2.5, "min": 1.0, "max": 4.0, "n": 2}),
        ([], {"n": 0}),
    ],
)
def test_summarize(samples, want):
    assert harness.summarize(samples) == want


@pytest.mark.parametrize(
    ("peer", "ours", "equal", "want"),
    [
        ({"median": 10.0}, {"median": 2.0}, True, 5.0),
        ({"median": 10.0}, {"median": 2.0}, False, None),  # no ratio before equality
        ({"n": 0}, {"median": 2.0}, True, None),
    ],
)
def test_ratio_needs_equal_results(peer, ours, equal, want):
    assert harness.ratio(peer, ours, equal) == want


def test_over_items_skips_items_that_do_not_count():
    assert harness.over_items([2.0, None, 6.0, 4.0]) == {
        "median": 4.0,
        "min": 2.0,
        "max": 6.0,
        "n": 3,
    }


@given(st.lists(st.floats(min_value=0, max_value=1e9), min_size=1, max_size=50))
def test_summary_brackets_the_median(samples):
    s = harness.summarize(samples)
    assert s["min"] <= s["median"] <= s["max"] and s["n"] == len(samples)


@given(
    st.floats(min_value=-3, max_value=3),
    st.floats(min_value=1e-3, max_value=1e3),
    st.lists(st.integers(min_value=1, max_value=10**6), min_size=2, max_size=8, unique=True),
)
def test_fit_exponent_recovers_a_power_law(k, c, xs):
    assert math.isclose(harness.fit_exponent(xs, [c * x**k for x in xs]), k, abs_tol=1e-6)


@pytest.mark.parametrize(
    ("xs", "ys", "want"),
    [
        ([1, 10, 100], [3, 30, 300], 1.0),
        ([1, 10, 100], [1, 100, 10_000], 2.0),
        ([2, 8], [5, 5], 0.0),
        ([10], [1], None),  # one point fits nothing
    ],
)
def test_fit_exponent(xs, ys, want):
    got = harness.fit_exponent(xs, ys)
    assert got == want if want is None else math.isclose(got, want, abs_tol=1e-12)


def test_interleave_rotates_sides_and_covers_every_item():
    calls = []

    def measure(side, item):
        calls.append((side, item))
        return [len(calls)]

    out = harness.interleave(["x", "y"], ["A", "B", "C"], measure, rounds=2)
    assert calls == [
        ("A", "x"), ("B", "x"), ("C", "x"), ("A", "y"), ("B", "y"), ("C", "y"),
        ("B", "x"), ("C", "x"), ("A", "x"), ("B", "y"), ("C", "y"), ("A", "y"),
    ]  # fmt: skip
    assert out["x"] == {"A": [1, 9], "B": [2, 7], "C": [3, 8]}


@pytest.mark.parametrize("with_before", [True, False])
def test_sample_counts_calls_and_runs_before_untimed(with_before):
    calls = {"fn": 0, "before": 0}

    def fn():
        calls["fn"] += 1

    def before():
        calls["before"] += 1

    got = harness.sample(fn, reps=4, warmup=2, before=before if with_before else None)
    assert len(got) == 4 and all(x >= 0 for x in got)
    if with_before:  # one before() per call, every call timed alone
        assert calls == {"fn": 6, "before": 6}
    else:  # warm-up, one call to size the batch, then 4 equal batches
        assert calls["before"] == 0 and (calls["fn"] - 3) % 4 == 0 and calls["fn"] > 3


def test_worker_round_trip_keeps_tuples_and_reports_errors():
    w = harness.Worker()
    try:
        assert w.call("scaling", "count_nodes", x={"a": (1, 2)}) == 4
        assert w.call("overrides", "make_overrides", n=1) == (
            "metadata.description=bench override 0",
        )
        with pytest.raises(harness.WorkerError, match="no_such_function"):
            w.call("scaling", "no_such_function")
        w.proc.kill()
        with pytest.raises(harness.WorkerError, match="died"):
            w.call("scaling", "count_nodes", x=1)
    finally:
        w.close()


def test_missing_interpreter_is_reported_as_missing(tmp_path):
    with pytest.raises(harness.Missing):
        harness.Worker(tmp_path / "no-python")


def test_overrides_alternate_two_mapping_keys():
    assert overrides.make_overrides(3) == (
        "metadata.description=bench override 0",
        "metadata.recipe_type=ptq",
        "metadata.description=bench override 2",
    )
    assert len(overrides.make_overrides(100)) == 100


@pytest.mark.parametrize(
    ("nodes", "units", "counted"),
    [(20, 2, 23), (1000, 100, 1003)],  # units x 10 + the units' group + "groups" + the root
)
def test_scaling_document_sizes(nodes, units, counted):
    doc = scaling.document(nodes)
    assert sum(len(g) for g in doc["groups"].values()) == units
    assert scaling.count_nodes(doc) == counted


def test_scaling_document_resolves_to_the_expected_data():
    import recipekit

    reg = recipekit.Registry()
    reg.register(scaling.bench_unit, name="bench_unit", namespace="bench")
    got = recipekit.resolve(scaling.document(30), registry=reg)
    assert got["groups"]["g0"]["u2"] == {
        "kind": "unit", "a": 2, "b": "x", "c": [2, 2], "d": {"e": 1.5, "f": True, "g": None},
    }  # fmt: skip
    assert harness.canonical(got) == harness.canonical(scaling.document(30, scaling.expected_unit))


def test_anchors_documents_resolve_to_the_plain_calls():
    want = harness.canonical(anchors.plain_python())
    cases = anchors.setup_recipekit()
    assert len(cases) == 5
    for fn, before in cases.values():
        if before is not None:
            before()
        assert harness.canonical(fn()) == want


@pytest.mark.parametrize(
    ("data", "want"),
    [
        ({"num_bits": "e4m3", "name": "e4m3"}, {"num_bits": [4, 3], "name": "e4m3"}),
        ([{"scale_bits": "E8M0"}, {"num_bits": 8}], [{"scale_bits": [8, 0]}, {"num_bits": 8}]),
        ({"cfg": {"num_bits": "fp8"}}, {"cfg": {"num_bits": "fp8"}}),
    ],
)
def test_startup_reads_exmy_back_as_modelopt_does(data, want):
    assert startup.exmy_as_modelopt(data) == want


class FakeWorker:
    """Canned replies in place of recipekit's and ModelOpt's workers."""

    def __init__(self, replies):
        self.replies = replies

    def call(self, module, func, **kw):
        return self.replies(func, kw)


class FakeContext(harness.Context):
    def __init__(self, rk_result):
        super().__init__({"rounds": 2, "rk_reps": 1, "mo_reps": 1, "stems": ("a", "b")}, {})

        def rk(func, kw):
            return {"samples": [2.0], "result": rk_result(kw["source"])}

        def mo(func, kw):
            if func == "measure":
                return {"samples": [10.0]}
            if func == "reference":
                return {"pre": harness.canonical({"x": 1}), "validated": "V"}
            return "V"  # validate

        self.workers = {"recipekit": FakeWorker(rk), "modelopt": FakeWorker(mo)}


def test_compare_drops_an_item_whose_result_changes_between_rounds():
    calls = []

    def result(source):
        calls.append(source)
        return {"x": 1} if len(calls) <= 2 else {"x": 2}  # round 2 differs

    ctx = FakeContext(result)
    sides = {
        "recipekit": recipes.Side("recipekit", "side_recipekit",
                                  lambda s: {"source": recipes.recipe_name(s)}, True),
        "modelopt": recipes.Side("modelopt", "side_modelopt", lambda s: {"recipe": s}),
    }  # fmt: skip
    rows = recipes.compare(ctx, items=["a", "b"], sides=sides)["rows"]
    assert [r["checks"]["recipekit"]["stable"] for r in rows] == [False, False]
    assert [r["ratios"]["modelopt/recipekit"] for r in rows] == [None, None]


def test_compare_counts_only_items_equal_to_modelopt():
    ctx = FakeContext(lambda source: {"x": 1} if source.endswith("/a") else {"x": 1.0})
    sides = {
        "recipekit": recipes.Side("recipekit", "side_recipekit",
                                  lambda s: {"source": recipes.recipe_name(s)}, True),
        "modelopt": recipes.Side("modelopt", "side_modelopt", lambda s: {"recipe": s}),
    }  # fmt: skip
    got = recipes.compare(ctx, items=["a", "b"], sides=sides)
    a, b = got["rows"]
    assert a["checks"]["recipekit"] == {
        "pre": True, "validated": True, "stable": True, "equal": True,
    }  # fmt: skip
    assert b["checks"]["recipekit"]["pre"] is False  # 1.0 is not 1
    assert a["ratios"] == {"modelopt/recipekit": 5.0} and b["ratios"] == {
        "modelopt/recipekit": None
    }
    assert got["groups"][""]["ratios"]["modelopt/recipekit"] == {
        "median": 5.0, "min": 5.0, "max": 5.0, "n": 1, "counted": 1, "items": 2,
    }  # fmt: skip
    assert a["times"]["recipekit"]["n"] == 2  # one sample per round


@pytest.mark.parametrize(
    ("us", "text"), [(12.34, "12.3 µs"), (1234.0, "1.23 ms"), (2_500_000.0, "2.50 s"), (None, "–")]
)
def test_fmt_us(us, text):
    assert report.fmt_us(us) == text


@pytest.mark.parametrize(("x", "text"), [(1234.5, "1,234×"), (44.8, "44.8×"), (1.9, "1.90×")])
def test_fmt_x(x, text):
    assert report.fmt_x(x) == text


def test_markdown_from_results():
    ctx = FakeContext(lambda source: {"x": 1})
    sides = {
        "recipekit": recipes.Side("recipekit", "side_recipekit",
                                  lambda s: {"source": recipes.recipe_name(s)}, True),
        "modelopt": recipes.Side("modelopt", "side_modelopt", lambda s: {"recipe": s}),
    }  # fmt: skip
    job = {"figure": "job", "title": "job", "cache": "cleared", "goal": {"key": "modelopt/recipekit", "at_least": 500.0},
           **recipes.compare(ctx, items=["a", "b"], sides=sides)}  # fmt: skip
    res = {
        "meta": {"mode": "quick"},
        "figures": {"job": job, "same_file": {"missing": "MISSING: x"}},
    }
    text = report.markdown(res)
    assert "| job (vs ModelOpt load_recipe) | 2.0 µs [2.0 µs–2.0 µs] | 10.0 µs" in text
    assert "**5.00×** [5.00×–5.00×] | 2/2 | ≥ 500×: not met |" in text
    assert "MISSING: x" in text


def test_marginal_override_cost_is_the_slope_between_the_extreme_counts():
    def group(rk, mo):
        return {"times": {"recipekit": {"median": rk}, "modelopt": {"median": mo}}}

    fig = {
        "groups": {
            "1": group(10.0, 1000.0),
            "10": group(28.0, 1900.0),
            "100": group(208.0, 10900.0),
        }
    }
    assert report.marginal_override_cost(fig) == {"recipekit": 2.0, "modelopt": 100.0}
