"""Launcher files through ``recipekit.interop.launcher`` vs NeMo-Run's own parse, same process.

Both sides use the real ModelOpt launcher (``../shared/reference/launcher/src``, importable as
``modelopt_launcher``) under the corpus's environment, and both produce the real objects:

* NeMo-Run 0.11.1: ``RunContext(name="launch", yaml=FILE).parse_fn(launch, overrides)`` (what
  ``launch.py --yaml FILE`` runs, as the corpus recorded it) then ``fiddle.build`` (which runs
  ``SandboxPipeline.__post_init__``); its ``parse_value`` LRU cache is cleared before each run,
  as in the reference measurement (nemo_run spec §9), so every run parses its file.
* recipekit: ``recipekit.resolve(FILE, overrides, registry=launcher.registry(),
  entrypoint=launcher.LAUNCH)`` (what ``launcher.resolve`` runs), with ``clear_caches()`` before
  each run ("cold": the file is read and parsed again) and without ("warm": the parsed file is
  reused, as in a long-lived process).

Before timing, each case's result is checked against NeMo-Run's in the same process (the same
built tree). Usage, from the repository root::

    PYTHONPATH=$PWD python benchmarks/launcher_typed.py [--runs 30] [--json OUT]

The four measurements take turns in every round (the machine's load changes); the ratio reported
is NeMo-Run parse+build time / recipekit cold time, per round, median over the rounds; the goal
is >= 20x.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(os.environ.get("RECIPEKIT_REFERENCE", ROOT / ".." / "shared" / "reference"))
CORPUS = REFERENCE / "launcher"
CASES = [  # (case id, overrides): one-, two-, three-, five-task files, the typed task, overrides
    ("smoke/hostname", []),
    ("Qwen/Qwen3-8B/hf_ptq", []),
    ("Qwen/Qwen3-8B/megatron_lm_ptq", []),
    ("Qwen/Qwen3-8B/hf_offline_eagle3_ptq", []),
    ("_typed/megatron_lm_ptq_typed_839fa3d65", ["pipeline.task_0.config.tp=1"]),
    (
        "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16/mbridge_prune",
        [
            "job_name=prune_cli",
            "hf_local=/mnt/hf-local",
            "pipeline.task_1.slurm_config.nodes=2",
            "pipeline.task_1.slurm_config.container_mounts=['/lustre/data:/data']",
            "pipeline.global_vars.output_dir=/scratchspace/cli_out",
        ],
    ),
]


def tree(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            "__type__": type(value).__qualname__,
            **{f.name: tree(getattr(value, f.name)) for f in dataclasses.fields(value)},
        }
    if isinstance(value, dict):
        return {k: tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [tree(v) for v in value]
    return value


def nemo_none(ours, theirs):  # recipekit keeps YAML null; NeMo-Run writes "None" (documented)
    if ours is None and theirs == "None":
        return "None"
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return {k: nemo_none(v, theirs.get(k)) for k, v in ours.items()}
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        return [nemo_none(a, b) for a, b in zip(ours, theirs, strict=True)]
    return ours


def interleaved(fns: dict, runs: int) -> dict[str, list[float]]:
    """Microseconds per call of each function, the functions taking turns in every round, so a
    change of machine load (2 shared CPUs here) hits all of them alike."""
    for fn in fns.values():
        fn()  # warm-up
    out: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            t0 = time.perf_counter_ns()
            fn()
            out[name].append((time.perf_counter_ns() - t0) / 1e3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--json", metavar="OUT")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        print(f"launcher corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    index = json.loads((CORPUS / "index.json").read_text())
    work = Path(tempfile.mkdtemp(prefix="rk_launcher_bench_"))
    for var in index["env_unset"]:
        os.environ.pop(var, None)
    for var, value in index["env"].items():
        os.environ[var] = value.replace("<tmp>", str(work))
    sys.path.insert(0, str(CORPUS / "src"))
    warnings.simplefilter("ignore")

    t0 = time.perf_counter()
    from pathlib import Path as FilePath

    import fiddle as fdl
    from nemo_run.cli import cli_parser
    from nemo_run.cli.api import RunContext

    import recipekit
    from recipekit.interop import launcher

    registry = launcher.registry()
    launch = registry.get(launcher.LAUNCH).func
    # the typed task's slurm_config is annotated `object`: NeMo-Run finds slurm_factory only in
    # __main__, where launch.py defines it (corpus README, finding 7)
    from modelopt_launcher.slurm_config import slurm_factory

    sys.modules["__main__"].slurm_factory = slurm_factory
    import_s = time.perf_counter() - t0

    rows = {}
    for case_id, overrides in CASES:
        case = json.loads((CORPUS / "cases" / f"{case_id}.json").read_text())
        path = work / Path(case["yaml_arg"]).name
        path.write_text(case["input_yaml"])

        def nemo(path=path, overrides=overrides):
            cli_parser.parse_value.cache_clear()
            return fdl.build(RunContext(name="launch", yaml=str(path)).parse_fn(launch, overrides))

        def nemo_parse(path=path, overrides=overrides):
            cli_parser.parse_value.cache_clear()
            return RunContext(name="launch", yaml=str(path)).parse_fn(launch, overrides)

        def ours_warm(path=path, overrides=overrides):
            return recipekit.resolve(
                FilePath(str(path)), overrides, registry=registry, entrypoint=launcher.LAUNCH
            )

        def ours_cold(path=path, overrides=overrides):
            recipekit.clear_caches()
            return ours_warm(path, overrides)

        theirs = tree(nemo().keywords)
        mine = tree(ours_cold())
        same = nemo_none(mine, theirs) == theirs
        t = interleaved(
            {"nemo": nemo, "nemo_parse": nemo_parse, "cold": ours_cold, "warm": ours_warm},
            args.runs,
        )
        med = statistics.median
        row = {
            "overrides": overrides,
            "same_tree": same,
            "nemo_parse_build_us": med(t["nemo"]),
            "nemo_parse_us": med(t["nemo_parse"]),
            "recipekit_cold_us": med(t["cold"]),
            "recipekit_warm_us": med(t["warm"]),
            # per round, then the median: both sides measured under the same load
            "ratio_cold": med(a / b for a, b in zip(t["nemo"], t["cold"], strict=True)),
            "ratio_warm": med(a / b for a, b in zip(t["nemo"], t["warm"], strict=True)),
        }
        rows[case_id] = row
        print(
            f"{case_id:58s} same={same!s:5s} nemo {row['nemo_parse_build_us']:8.0f} us"
            f" (parse {row['nemo_parse_us']:7.0f})  recipekit cold {row['recipekit_cold_us']:6.0f}"
            f" warm {row['recipekit_warm_us']:6.0f} us  x{row['ratio_cold']:5.1f} /"
            f" x{row['ratio_warm']:5.1f}"
        )
    ratios = [r["ratio_cold"] for r in rows.values()]
    summary = {
        "import_s (nemo_run + launcher + registry)": round(import_s, 2),
        "runs": args.runs,
        "geomean_ratio_cold": statistics.geometric_mean(ratios),
        "min_ratio_cold": min(ratios),
        "all_same_tree": all(r["same_tree"] for r in rows.values()),
        "python": sys.version.split()[0],
    }
    print(json.dumps(summary, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": summary, "cases": rows}, indent=2))
    return 0 if summary["all_same_tree"] else 1


if __name__ == "__main__":
    sys.exit(main())
