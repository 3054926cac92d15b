"""Figure *launcher*: ModelOpt's ``tools/launcher`` example YAML files, file to built configs.

The files are the ``input_yaml`` of every corpus case nemo_run resolves and builds
(``shared/reference/launcher/cases``, stage ``ok``: 62 files; 4 with ``--quick``), written to a
temporary directory that both sides read, under the environment the corpus was recorded with
(``SLURM_HOST``, ``SLURM_ACCOUNT``, ``SLURM_HF_LOCAL``, ...; ``index.json``).

* nemo_run 0.11.1 with the launcher's real code (``shared/reference/launcher/src`` on the
  worker's path, ``from modelopt_launcher.launch import launch``):
  ``RunContext(name="launch", yaml=FILE).parse_fn(launch, [])`` then ``fiddle.build``, the CLI's
  own path; ``cli_parser.parse_value``'s lru cache cleared before every call (untimed), as in
  ``shared/reference/nemo_run-0.11.1/spec.md`` §9.
* recipekit: ``recipekit.resolve(Path(FILE), registry=reg)`` with the plugin
  ``examples/launcher/slurm_factory.py`` registered in a fresh registry (``Registry()``,
  as the launcher tests do); caches cleared before every call (untimed).

Both end with final values (``<<global_vars.X>>`` substituted). The ratio of a file counts only
if each task's ``slurm_config`` (all fields, ``dataclasses.asdict``) is equal on both sides as
canonical JSON; nemo_run's is also checked against the corpus' ``resolved_slurm_configs``.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from benchmarks.harness import REPO, canonical, interleave, over_items, ratio, sample, summarize

FIGURE = "launcher"
TITLE = "launcher YAML: recipekit resolve vs nemo_run parse_fn + fiddle.build (real launcher)"
CACHE = (
    "recipekit: clear_caches() before every call; nemo_run: parse_value cache cleared; both untimed"
)
GOAL = None  # issue 13 sets none; the project's earlier goal was >= 20x
QUICK = ("smoke/hostname", "Qwen/Qwen3-8B/hf_ptq", "Qwen/Qwen3-8B/megatron_lm_ptq",
         "Qwen/Qwen3-8B/hf_offline_eagle3_ptq")  # fmt: skip
SLOTS = tuple(f"task_{i}" for i in range(5))


def _configs(get) -> list[dict]:
    """Each present task's slurm_config as a dict, in slot order; ``get(slot)`` -> task."""
    out = []
    for slot in SLOTS:
        task = get(slot)
        config = None if task is None else getattr(task, "slurm_config", None)
        if config is None and isinstance(task, dict):
            config = task.get("slurm_config")
        if config is not None:
            out.append(dataclasses.asdict(config))
    return out


# ------------------------------------------------------------------ inside the workers
_STATE: dict = {}


def nemo_setup() -> bool:
    import fiddle as fdl
    from nemo_run.cli import cli_parser
    from nemo_run.cli.api import RunContext

    from benchmarks.harness import Missing

    try:
        from modelopt_launcher.launch import launch
    except ImportError as exc:
        raise Missing(f"the launcher's code is not importable: {exc}") from exc

    def once(path: str):
        built = fdl.build(RunContext(name="launch", yaml=path).parse_fn(launch, []))
        return built.keywords["pipeline"]

    _STATE.update(once=once, clear=cli_parser.parse_value.cache_clear)
    return True


def nemo_measure(path: str, reps: int) -> dict:
    once, clear = _STATE["once"], _STATE["clear"]
    clear()
    pipe = once(path)
    result = canonical(_configs(lambda slot: getattr(pipe, slot, None)))
    return {"samples": sample(lambda: once(path), reps=reps, before=clear), "result": result}


def rk_setup(plugin: str) -> bool:
    import importlib.util
    import sys

    import recipekit

    name = "recipekit_bench_launcher_plugin"
    spec = importlib.util.spec_from_file_location(name, plugin)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    reg = recipekit.Registry()
    module.register(reg)
    _STATE["reg"] = reg
    return True


def rk_measure(path: str, reps: int) -> dict:
    import recipekit

    reg, src = _STATE["reg"], Path(path)
    recipekit.clear_caches()
    pipe = recipekit.resolve(src, registry=reg)["pipeline"]
    result = canonical(_configs(pipe.get))
    samples = sample(lambda: recipekit.resolve(src, registry=reg), reps=reps,
                     before=recipekit.clear_caches)  # fmt: skip
    return {"samples": samples, "result": result}


# ------------------------------------------------------------------ the driver
def cases(reference: Path, wanted=None) -> list[dict]:
    out = []
    for f in sorted((reference / "launcher" / "cases").rglob("*.json")):
        d = json.loads(f.read_text())
        if (
            d.get("stage") == "ok"
            and not d["id"].startswith("_")
            and (wanted is None or d["id"] in wanted)
        ):
            out.append(d)
    return out


def environment(reference: Path, tmp: Path) -> dict:
    import os

    idx = json.loads((reference / "launcher" / "index.json").read_text())
    env = {k: v for k, v in os.environ.items() if k not in idx.get("env_unset", [])}
    env.update({k: v.replace("<tmp>", str(tmp)) for k, v in idx["env"].items()})
    return env


def run(ctx) -> dict:
    from benchmarks.harness import Missing

    p = ctx.params
    reference = Path(p["reference"])
    if not (reference / "launcher" / "cases").is_dir():
        raise Missing(f"no launcher corpus under {reference}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        env = environment(reference, tmp_path)
        nemo_env = {**env, "PYTHONPATH": str(reference / "launcher" / "src")}
        nemo = ctx.worker("launcher_nemo", python_of="nemo_run", env=nemo_env)
        nemo.call("launcher", "nemo_setup")
        rk = ctx.worker("launcher_recipekit", python_of="recipekit", env=env)
        rk.call(
            "launcher", "rk_setup", plugin=str(REPO / "examples" / "launcher" / "slurm_factory.py")
        )
        chosen = cases(reference, None if p["launcher_all"] else QUICK)
        files, corpus = {}, {}
        for d in chosen:
            f = tmp_path / (d["id"].replace("/", "__") + ".yaml")
            f.write_text(d["input_yaml"])
            files[d["id"]] = str(f)
            corpus[d["id"]] = canonical([w["slurm_config"] for w in d["resolved_slurm_configs"]])
        results: dict = {}
        sides = {"recipekit": (rk, "rk_measure", p["rk_reps"]),
                 "nemo_run": (nemo, "nemo_measure", p["mo_reps"])}  # fmt: skip

        def measure(side, item):
            w, func, reps = sides[side]
            out = w.call("launcher", func, path=files[item], reps=reps)
            results.setdefault((side, item), out["result"])
            return out["samples"]

        samples = interleave(list(files), list(sides), measure, rounds=p["rounds"])
    rows = []
    for item in files:
        equal = results[("recipekit", item)] == results[("nemo_run", item)]
        times = {s: summarize(samples[item][s]) for s in sides}
        rows.append({"item": item, "times": times, "ratios": {
            "nemo_run/recipekit": ratio(times["nemo_run"], times["recipekit"], equal)},
            "checks": {"recipekit": {"pre": None, "validated": equal, "equal": equal}},
            "nemo_equals_corpus": results[("nemo_run", item)] == corpus[item]})  # fmt: skip
    r = [row["ratios"]["nemo_run/recipekit"] for row in rows]
    groups = {"": {
        "times": {s: over_items([row["times"][s].get("median") for row in rows]) for s in sides},
        "ratios": {"nemo_run/recipekit": {**over_items(r), "counted": sum(x is not None for x in r),
                                          "items": len(rows)}}}}  # fmt: skip
    return {"figure": FIGURE, "title": TITLE, "cache": CACHE, "goal": GOAL, "rows": rows,
            "groups": groups, "nemo_equals_corpus": sum(row["nemo_equals_corpus"] for row in rows)}  # fmt: skip
