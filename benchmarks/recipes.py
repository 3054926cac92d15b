"""What the ModelOpt-recipe figures (job, own YAML, same file, overrides) share: one recipe at a
time, recipekit's side(s) and ModelOpt's side(s) interleaved, and the check that decides whether
an item's ratio counts.

Each figure module gives ``compare()`` its sides: a label -> ``Side`` (which worker, which
function of which side module, the keyword arguments for an item). ``compare`` interleaves them
over the items (``harness.interleave``), keeps the first result recipekit returned for each
item, and checks it against ModelOpt's result for the same recipe and overrides
(``side_modelopt.reference``, computed once per (recipe, overrides) and shared by the figures):

* ``pre``: recipekit's data equals ModelOpt's ``$import``-resolved data before validation
  (canonical JSON text) — the strict check;
* ``validated``: recipekit's data, validated by ModelOpt's pydantic schema, equals
  ``load_recipe``'s result — the object a user of ModelOpt gets.

An item's ratio counts only if both hold, and if recipekit returned the same result in every
round (``stable``). A ModelOpt side on another parser (the C loader) is
checked the same way: its own ``reference`` must equal the plain one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from benchmarks.harness import Context, canonical, interleave, over_items, ratio, summarize

ALL_STEMS = (
    "fp8_default-kv_fp8",
    "fp8_default-kv_fp8_cast",
    "int4_blockwise_weight_only",
    "mxfp4_mlp_weight_only",
    "nvfp4_act_headroom-kv_fp8_cast",
    "nvfp4_default-kv_fp8",
    "nvfp4_default-kv_fp8_cast",
    "nvfp4_default-kv_none-gptq",
    "nvfp4_default-kv_nvfp4_cast",
    "nvfp4_experts_only-kv_fp8",
    "nvfp4_experts_only-kv_fp8_cast",
    "nvfp4_experts_only-kv_fp8_layerwise",
    "nvfp4_experts_only-kv_fp8_layerwise_offload",
    "nvfp4_experts_only_input_scale1-kv_fp8_cast",
    "nvfp4_experts_only_mse-kv_fp8_cast",
    "nvfp4_mlp_only-kv_fp8",
    "nvfp4_mlp_only-kv_fp8_cast",
    "nvfp4_mlp_only-novit-kv_fp8",
    "nvfp4_mlp_only_mse-kv_fp8_cast",
    "nvfp4_mlp_weight_only",
    "nvfp4_omlp_only-kv_fp8",
    "nvfp4_omlp_only-kv_fp8_cast",
    "nvfp4_weight_only-kv_fp16",
    "nvfp4_weight_only-kv_fp8_cast",
)
QUICK_STEMS = ("fp8_default-kv_fp8", "nvfp4_mlp_only-kv_fp8", "nvfp4_default-kv_none-gptq")

MODELOPT = "modelopt"
MODELOPT_C = "modelopt_c"  # ModelOpt on PyYAML's C loader, its own process


class Side(NamedTuple):
    worker: str  # Context worker key: "recipekit", "modelopt", "modelopt_c"
    module: str  # side module: "side_recipekit" / "side_modelopt"
    kwargs: Callable[[Any], dict]  # item -> keyword arguments of module.measure
    ours: bool = False  # recipekit: its result is checked


def recipe_name(stem: str) -> str:
    return f"general/ptq/{stem}"


def stems(ctx: Context) -> Sequence[str]:
    return ctx.params["stems"]


def worker(ctx: Context, key: str):
    if key == MODELOPT_C:
        return ctx.worker(key, python_of=MODELOPT, setup="side_modelopt.use_c_loader")
    return ctx.worker(key)


def reference(ctx: Context, stem: str, overrides: tuple[str, ...] = ()) -> dict:
    key = ("reference", stem, overrides)
    if key not in ctx.memo:
        ctx.memo[key] = worker(ctx, MODELOPT).call(
            "side_modelopt", "reference", recipe=recipe_name(stem), overrides=overrides
        )
    return ctx.memo[key]


def check(ctx: Context, stem: str, overrides: tuple[str, ...], data: Any) -> dict:
    """recipekit's result against ModelOpt's (see the module docstring)."""
    ref = reference(ctx, stem, overrides)
    pre = canonical(data) == ref["pre"] if not ref["pre"].startswith("unavailable") else None
    validated = (
        worker(ctx, MODELOPT).call("side_modelopt", "validate", recipe=recipe_name(stem), data=data)
        == ref["validated"]
    )
    return {"pre": pre, "validated": validated, "equal": validated and pre is not False}


def check_c_loader(ctx: Context, stem: str) -> dict:
    got = worker(ctx, MODELOPT_C).call("side_modelopt", "reference", recipe=recipe_name(stem))
    ref = reference(ctx, stem)
    equal = got == ref
    return {"pre": got["pre"] == ref["pre"], "validated": got["validated"] == ref["validated"],
            "equal": equal}  # fmt: skip


def compare(
    ctx: Context,
    *,
    items: Sequence[Any],
    sides: dict[str, Side],
    stem_of: Callable[[Any], str] = lambda item: item,
    overrides_of: Callable[[Any], tuple[str, ...]] = lambda item: (),
    group_of: Callable[[Any], str] = lambda item: "",
) -> dict:
    """Interleaved per-item samples of every side, the checks, and ratios peer / ours."""
    results: dict[Any, Any] = {}  # the first result of each of our sides per item
    seen: dict[Any, set[str]] = {}  # all of them, canonical: one per round, which must agree

    def measure(label: str, item: Any) -> list[float]:
        side = sides[label]
        reps = ctx.params["rk_reps" if side.ours else "mo_reps"]
        out = worker(ctx, side.worker).call(side.module, "measure", reps=reps, **side.kwargs(item))
        if side.ours:
            results.setdefault((label, item), out["result"])
            seen.setdefault((label, item), set()).add(canonical(out["result"]))
        return out["samples"]

    samples = interleave(items, list(sides), measure, rounds=ctx.params["rounds"])
    ours = [label for label, side in sides.items() if side.ours]
    peers = [label for label, side in sides.items() if not side.ours]
    rows = []
    for item in items:
        stem, ov = stem_of(item), overrides_of(item)
        checks = {o: check(ctx, stem, ov, results[(o, item)]) for o in ours}
        for o in ours:  # a result that changed between rounds never counts
            checks[o]["stable"] = len(seen[(o, item)]) == 1
            checks[o]["equal"] = checks[o]["equal"] and checks[o]["stable"]
        for p in peers:
            if sides[p].worker == MODELOPT_C:
                checks[p] = check_c_loader(ctx, stem)
        times = {label: summarize(samples[item][label]) for label in sides}
        row = {"item": stem, "group": group_of(item), "overrides": len(ov), "times": times,
               "checks": checks, "ratios": {}}  # fmt: skip
        for o in ours:
            for p in peers:
                equal = checks[o]["equal"] and checks.get(p, {"equal": True})["equal"]
                row["ratios"][f"{p}/{o}"] = ratio(times[p], times[o], equal)
        rows.append(row)
    groups = sorted({r["group"] for r in rows}, key=lambda g: (len(g), g))
    summary = {}
    for g in groups:
        grow = [r for r in rows if r["group"] == g]
        summary[g] = {
            "times": {
                label: over_items([r["times"][label].get("median") for r in grow])
                for label in sides
            },
            "ratios": {
                key: {
                    **over_items([r["ratios"][key] for r in grow]),
                    "counted": sum(r["ratios"][key] is not None for r in grow),
                    "items": len(grow),
                }
                for key in grow[0]["ratios"]
            },
        }
    return {"rows": rows, "groups": summary}
