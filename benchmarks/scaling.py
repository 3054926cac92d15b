"""Figure *scaling*: time and memory of one resolve from 1k to 100k nodes, from data and from
YAML text, and the growth exponents fitted on log-log (least squares, ``harness.fit_exponent``).

The document: groups of 100 units, each unit a ``_factory_`` mapping of 10 nodes (one call of
``bench_unit``, registered in a private registry; its sibling keys replace and merge into the
factory's result). *data*: ``recipekit.resolve(doc, registry=reg)`` on the Python data;
*YAML text*: ``recipekit.resolve(text, registry=reg)`` on the same document dumped by
``yaml.safe_dump`` (untimed). Caches cleared before every call (untimed). Time is CPU time per
resolve (median of the samples); memory is the ``tracemalloc`` peak of one more resolve (a
separate call: tracing slows the work it measures). The result is checked equal, as canonical
JSON, to the expected data built by plain Python.

The worker functions run in recipekit's worker (``measure``); ``run`` drives them.
"""

from __future__ import annotations

from benchmarks.harness import canonical, fit_exponent, sample, summarize

FIGURE = "scaling"
TITLE = "scaling: resolve time and tracemalloc peak, 1k to 100k nodes (10 nodes per call)"
CACHE = "clear_caches() before every call (untimed)"
GOAL = {"key": "exponent", "at_most": 1.05}
FORMS = ("data", "yaml")


def bench_unit() -> dict:
    return {"kind": "unit", "a": 0, "b": "", "c": [], "d": {"e": 0.0, "f": False, "g": None}}


def unit(i: int) -> dict:
    """10 nodes, one factory call: the mapping, its 4 keys' values and 4 nested values."""
    return {"_factory_": "bench_unit", "a": i, "b": "x", "c": [i, 2], "d": {"e": 1.5, "f": True}}


def expected_unit(i: int) -> dict:
    return {"kind": "unit", "a": i, "b": "x", "c": [i, 2], "d": {"e": 1.5, "f": True, "g": None}}


def document(nodes: int, make=unit) -> dict:
    units = nodes // 10
    return {"groups": {f"g{g // 100}": {f"u{i}": make(i) for i in range(g, min(units, g + 100))}
                       for g in range(0, units, 100)}}  # fmt: skip


def count_nodes(x) -> int:
    if isinstance(x, dict):
        return 1 + sum(count_nodes(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return 1 + sum(count_nodes(v) for v in x)
    return 1


def measure(nodes: int, form: str, reps: int) -> dict:
    """In recipekit's worker: samples, tracemalloc peak and the equality check of one size."""
    import gc
    import tracemalloc

    import yaml

    import recipekit

    reg = recipekit.Registry()
    reg.register(bench_unit, name="bench_unit", namespace="bench")
    doc = document(nodes)
    source = doc if form == "data" else yaml.safe_dump(doc, sort_keys=False)
    recipekit.clear_caches()
    equal = canonical(recipekit.resolve(source, registry=reg)) == canonical(
        document(nodes, expected_unit)
    )
    samples = sample(lambda: recipekit.resolve(source, registry=reg), reps=reps, warmup=0,
                     before=recipekit.clear_caches)  # fmt: skip
    recipekit.clear_caches()
    gc.collect()
    tracemalloc.start()
    out = recipekit.resolve(source, registry=reg)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del out
    return {"nodes": count_nodes(doc), "samples": samples, "peak_bytes": peak, "equal": equal}


def run(ctx) -> dict:
    p = ctx.params
    w = ctx.worker("recipekit")
    rows, exponents = [], {}
    for form in FORMS:
        got = []
        for size, reps in zip(p["scaling_sizes"], p["scaling_reps"], strict=True):
            r = w.call("scaling", "measure", nodes=size, form=form, reps=reps)
            got.append(r)
            rows.append({"item": f"{form} {r['nodes']:,} nodes", "form": form,
                         "nodes": r["nodes"], "times": {"recipekit": summarize(r["samples"])},
                         "peak_bytes": r["peak_bytes"], "equal": r["equal"]})  # fmt: skip
        ok = [r for r in got if r["equal"]]
        exponents[form] = {
            "time": fit_exponent([r["nodes"] for r in ok],
                                 [summarize(r["samples"])["median"] for r in ok]),
            "memory": fit_exponent([r["nodes"] for r in ok], [r["peak_bytes"] for r in ok]),
        }  # fmt: skip
    return {"figure": FIGURE, "title": TITLE, "cache": CACHE, "goal": GOAL, "rows": rows,
            "exponents": exponents}  # fmt: skip
