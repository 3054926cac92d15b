"""recipekit benchmarks: select the figures, run them, write the JSON, print the markdown.

    python benchmarks/run.py [--quick] [--figures job,own_yaml,...] [--json FILE]
    python benchmarks/run.py --markdown FILE [--summary]   # the tables of an earlier run's JSON

One module per figure (``job``, ``own_yaml``, ``same_file``, ``overrides``, ``startup``,
``launcher``, ``scaling``, ``anchors``), all on the timing harness of ``harness.py``; benchmarks/README.md
says what each times. Interpreters: ``--recipekit-python`` (default: this one; the work tree is
put first on its path), ``--modelopt-python``, ``--nemo-python`` (nemo-run 0.11.1; default: this one), ``--anchors-python`` (default:
this one; needs fiddle, confection, hydra-core), or ``RECIPEKIT_BENCH_{RECIPEKIT,MODELOPT,
NEMO,ANCHORS}_PYTHON``. A peer that cannot be imported is reported as MISSING; the rest still runs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

# The repository root replaces this script's folder on the path: benchmarks/*.py are imported as
# benchmarks.*, and must not shadow top-level modules of the same name (``profile``, ...).
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks import recipes, report  # noqa: E402
from benchmarks.harness import REPO, Context, Missing, WorkerError  # noqa: E402

FIGURES = ("job", "own_yaml", "same_file", "overrides", "launcher", "startup", "scaling", "anchors")
PARAMS = {
    "full": {
        "stems": recipes.ALL_STEMS,
        "override_stems": recipes.ALL_STEMS[::3],
        "rounds": 3,  # interleaved passes over the items
        "rk_reps": 15,  # recipekit samples per item and pass
        "mo_reps": 4,  # ModelOpt samples per item and pass
        "launcher_all": True,
        "startup_runs": 15,
        "scaling_sizes": [1_000, 3_000, 10_000, 30_000, 100_000],
        "scaling_reps": [15, 9, 5, 3, 3],
        "anchor_reps": 200,
    },
    "quick": {
        "stems": recipes.QUICK_STEMS,
        "override_stems": recipes.QUICK_STEMS[:2],
        "rounds": 1,
        "rk_reps": 5,
        "mo_reps": 2,
        "launcher_all": False,
        "startup_runs": 3,
        "scaling_sizes": [1_000, 10_000],
        "scaling_reps": [3, 1],
        "anchor_reps": 20,
    },
}


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu} ×{os.cpu_count()}, {platform.platform()}, CPython {platform.python_version()}"


def run_figures(ctx: Context, names: list[str]) -> dict:
    out = {}
    for name in names:
        t0 = time.perf_counter()
        ctx.log(f"[{name}] ...")
        try:
            out[name] = importlib.import_module(f"benchmarks.{name}").run(ctx)
        except Missing as exc:
            out[name] = {"figure": name, "missing": f"MISSING: {exc}"}
        except (WorkerError, RuntimeError, OSError) as exc:
            out[name] = {"figure": name, "error": f"{type(exc).__name__}: {exc}"}
            ctx.log(traceback.format_exc(limit=3))
        out[name]["seconds"] = round(time.perf_counter() - t0, 1)
        ctx.log(f"[{name}] {out[name]['seconds']} s")
    return out


def versions(ctx: Context, figures: dict) -> dict:
    v = {}
    for key, module in (("recipekit", "side_recipekit"), ("modelopt", "side_modelopt")):
        if key in ctx.workers:
            try:
                v[key] = ctx.workers[key].call(module, "info")
            except (Missing, WorkerError) as exc:
                v[key] = str(exc)
    return v


def main(argv: list[str] | None = None) -> int:
    env = os.environ.get
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a smoke run, under about a minute")
    ap.add_argument("--figures", default=",".join(FIGURES), help="comma-separated subset")
    ap.add_argument("--json", default=str(REPO / "benchmarks" / "results.json"))
    ap.add_argument("--markdown", metavar="FILE", help="print the tables of FILE and exit")
    ap.add_argument("--summary", action="store_true", help="with --markdown: the summary only")
    ap.add_argument(
        "--recipekit-python", default=env("RECIPEKIT_BENCH_RECIPEKIT_PYTHON", sys.executable)
    )
    ap.add_argument(
        "--modelopt-python", default=env("RECIPEKIT_BENCH_MODELOPT_PYTHON", sys.executable)
    )
    ap.add_argument("--nemo-python", default=env("RECIPEKIT_BENCH_NEMO_PYTHON", sys.executable))
    ap.add_argument(
        "--anchors-python", default=env("RECIPEKIT_BENCH_ANCHORS_PYTHON", sys.executable)
    )
    ap.add_argument(
        "--reference", default=env("RECIPEKIT_REFERENCE", str(REPO.parent / "shared" / "reference"))
    )
    ap.add_argument("--regular-venv", default="/tmp/rk-bench-regular",
                    help="virtualenv for the start-up figure's regular install (made if absent)")  # fmt: skip
    a = ap.parse_args(argv)
    if a.markdown:
        print(report.markdown(json.loads(Path(a.markdown).read_text()), details=not a.summary))
        return 0
    names = [n.strip() for n in a.figures.split(",") if n.strip()]
    unknown = sorted(set(names) - set(FIGURES))
    if unknown:
        ap.error(f"unknown figures {unknown}; choose from {','.join(FIGURES)}")
    mode = "quick" if a.quick else "full"
    params = {**PARAMS[mode], "reference": a.reference, "regular_venv": a.regular_venv}
    pythons = {"recipekit": a.recipekit_python, "modelopt": a.modelopt_python,
               "nemo_run": a.nemo_python, "anchors": a.anchors_python}  # fmt: skip
    ctx = Context(params, pythons, log=lambda s: print(s, file=sys.stderr, flush=True))
    meta = {"machine": machine(), "mode": mode, "pythons": pythons,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_before": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip
    t0 = time.perf_counter()
    try:
        figures = run_figures(ctx, names)
        meta["versions"] = versions(ctx, figures)
    finally:
        ctx.close()
    meta["load_after"] = [round(x, 2) for x in os.getloadavg()]
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    res = {"meta": meta, "params": {k: list(v) if isinstance(v, tuple) else v
                                    for k, v in params.items()}, "figures": figures}  # fmt: skip
    Path(a.json).write_text(json.dumps(res, indent=1, default=str) + "\n")
    print(report.markdown(res))
    ctx.log(f"results: {a.json} ({meta['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
