"""recipekit benchmarks: one command, every comparison measured side by side in one run.

    python benchmarks/run.py [--quick] [--json out.json]
        [--recipekit-python PY] [--modelopt-python PY] [--nemo-python PY] [--anchors-python PY]

Sections (see benchmarks/README.md for what exactly is timed):

1. ``recipes``   the general/ptq recipes: recipekit from YAML (cached and uncached) and as a Python
                 call vs ModelOpt 0.47.0 ``load_recipe``.
2. ``anchors``   the anchors' 50-leaf / 11-call tree: recipekit vs fiddle, confection, Hydra, plain
                 Python calls.
3. ``launcher``  ModelOpt launcher example YAMLs: recipekit (+ launcher plugin) vs nemo_run 0.11.1.
4. ``coldstart`` whole processes: ``recipekit resolve ...`` vs importing ModelOpt / nemo_run / bare.
5. ``scaling``   synthetic documents of 1k/10k/100k nodes: time, peak memory, growth exponent.

Peers live in other virtualenvs: every measurement runs in a subprocess of the interpreter that
can import it (this same file, run as ``--worker``), one after the other (never in parallel), so
the numbers come from one machine in one run. A missing peer is reported, not fatal.

The top level of this file imports the standard library only: the workers run it with the peers'
interpreters, which need not have recipekit installed.
"""

import argparse
import contextlib
import gc
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_REFERENCE = Path(
    os.environ.get("RECIPEKIT_REFERENCE", REPO / ".." / "shared" / "reference")
).resolve()

COLD_RECIPE = "general/ptq/nvfp4_default-kv_fp8"
QUICK_RECIPES = [  # the six ModelOpt's own timing study used (reference report §7)
    "fp8_default-kv_fp8",
    "nvfp4_default-kv_fp8_cast",
    "nvfp4_mlp_only-kv_fp8",
    "nvfp4_experts_only_mse-kv_fp8_cast",
    "mxfp4_mlp_weight_only",
    "nvfp4_act_headroom-kv_fp8_cast",
]
QUICK_LAUNCHER = [
    "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16/mbridge_prune",
    "Qwen/Qwen3-8B/megatron_lm_ptq",
    "Qwen/Qwen3-8B/hf_ptq",
    "smoke/hostname",
    "Qwen/Qwen3-8B/hf_offline_eagle3_ptq",
    "moonshotai/Kimi-K2.5/hf_streaming_eagle3",
]

GOALS = {
    "recipes_yaml": 50.0,  # ModelOpt load_recipe / recipekit resolve(path)   >= 50x
    "recipes_python": 500.0,  # ModelOpt load_recipe / registry.get(name)()   >= 500x
    "anchors_vs_plain": 10.0,  # recipekit / plain calls                      <= 10x
    "launcher": 20.0,  # nemo_run parse+build / recipekit                    >= 20x
    "cold_vs_nemo": 20.0,  # import nemo_run / recipekit resolve process     >= 20x
    "cold_vs_bare": 8.0,  # recipekit resolve process / python -c pass      <= 8x
    "scaling_exponent": 1.1,  # fitted time exponent                         <= 1.1
}

PARAMS = {
    "full": {
        "recipes": None,  # all
        "rk_runs": 300,
        "rk_warmup": 20,
        "rk_budget": 1.5,
        "mo_runs": 20,
        "mo_warmup": 3,
        "mo_budget": 2.5,
        "anchor_runs": 400,
        "anchor_warmup": 50,
        "anchor_budget": 8.0,
        "launcher_cases": None,  # all
        "nemo_runs": 10,
        "nemo_warmup": 2,
        "nemo_budget": 1.5,
        "rkl_runs": 100,
        "rkl_warmup": 5,
        "rkl_budget": 1.0,
        "cold_runs": 7,
        "cold_peer_runs": 5,
        "scaling_sizes": [1_000, 10_000, 100_000],
        "scaling_runs": [25, 7, 3],
        "scaling_budget": 8.0,
        "worker_timeout": 420,
    },
    "quick": {
        "recipes": QUICK_RECIPES,
        "rk_runs": 60,
        "rk_warmup": 5,
        "rk_budget": 0.4,
        "mo_runs": 4,
        "mo_warmup": 1,
        "mo_budget": 0.6,
        "anchor_runs": 100,
        "anchor_warmup": 10,
        "anchor_budget": 1.5,
        "launcher_cases": QUICK_LAUNCHER,
        "nemo_runs": 3,
        "nemo_warmup": 1,
        "nemo_budget": 0.5,
        "rkl_runs": 20,
        "rkl_warmup": 2,
        "rkl_budget": 0.3,
        "cold_runs": 3,
        "cold_peer_runs": 1,
        "scaling_sizes": [1_000, 10_000, 100_000],
        "scaling_runs": [10, 3, 1],
        "scaling_budget": 3.0,
        "worker_timeout": 180,
    },
}


# =============================================================================== measuring
def summarize(samples_us: list[float]) -> dict:
    xs = sorted(samples_us)
    if len(xs) >= 2:
        dec = statistics.quantiles(xs, n=10, method="inclusive")
        p10, p90 = dec[0], dec[-1]
    else:
        p10 = p90 = xs[0]
    return {
        "median_us": statistics.median(xs),
        "p10_us": p10,
        "p90_us": p90,
        "min_us": xs[0],
        "n": len(xs),
    }


def measure(fn, *, runs: int, warmup: int, budget_s: float, min_runs: int = 3) -> dict:
    """Median/p10/p90 of ``fn()`` in microseconds, bounded by ``runs`` and by ``budget_s``.

    Calls faster than ~50 µs are timed in batches (``inner`` calls per sample, reported per
    call) so timer overhead does not dominate."""
    gc.collect()
    deadline = time.perf_counter() + budget_s / 4
    for i in range(warmup):
        fn()
        if i >= 1 and time.perf_counter() > deadline:
            break
    t0 = time.perf_counter_ns()
    fn()
    one = (time.perf_counter_ns() - t0) / 1e3
    inner = 1 if one >= 50 else max(1, min(200, int(100 / max(one, 0.05))))
    samples = []
    deadline = time.perf_counter() + budget_s
    while len(samples) < runs and (len(samples) < min_runs or time.perf_counter() < deadline):
        t0 = time.perf_counter_ns()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter_ns() - t0) / 1e3 / inner)
    out = summarize(samples)
    out["inner"] = inner
    return out


def canonical(obj) -> str:
    """Canonical JSON text: tuples -> lists, dict keys -> str, sorted keys (ModelOpt parity)."""

    def norm(x):
        if isinstance(x, dict):
            return {str(k): norm(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [norm(v) for v in x]
        return x

    return json.dumps(norm(obj), sort_keys=True, default=repr)


def err(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) < 600 else text[:600] + " ..."


class _Null(io.TextIOBase):
    def write(self, s):
        return len(s)


class Missing(Exception):
    """A system cannot be measured here (not importable / not written yet)."""


def import_recipekit(repo: str):
    """This work tree's recipekit (the repo root first on sys.path)."""
    if repo not in sys.path:
        sys.path.insert(0, repo)
    try:
        import recipekit
    except Exception as exc:
        raise Missing(f"import recipekit failed: {err(exc)}") from exc
    if not callable(getattr(recipekit, "resolve", None)):
        raise Missing("recipekit.resolve is not available yet")
    return recipekit


def versions(*dists: str) -> dict:
    from importlib import metadata

    out = {}
    for d in dists:
        try:
            out[d] = metadata.version(d)
        except metadata.PackageNotFoundError:
            out[d] = None
    return out


def interpreter_info() -> dict:
    info = {"python": platform.python_version(), "executable": sys.executable}
    try:
        import yaml

        info["pyyaml_libyaml"] = bool(getattr(yaml, "__with_libyaml__", False))
    except ImportError:
        pass
    return info


# =============================================================================== 1. recipes
def _yaml_reads(fn) -> int:
    """How many *.yaml/*.yml files ``fn()`` opens (to tell a cached path from a re-read)."""
    import builtins

    real = io.open
    count = [0]

    def counting(file, *a, **k):
        if str(file).endswith((".yaml", ".yml")):
            count[0] += 1
        return real(file, *a, **k)

    io.open = builtins.open = counting
    try:
        fn()
    finally:
        io.open = builtins.open = real
    return count[0]


def _cache_controls(rk) -> tuple[str, object] | None:
    """A way to resolve a file with recipekit's caches out of play, best first: a ``cache``
    parameter of ``resolve``; public ``clear_cache*`` functions; else clearing every module-level
    dict whose name says cache in ``recipekit.*`` (parsed files, call syntax, scalars) before
    each call, so every file is read and parsed again, as ModelOpt does."""
    import inspect

    try:
        params = inspect.signature(rk.resolve).parameters
    except (TypeError, ValueError):
        params = {}
    for name in ("cache", "use_cache"):
        if name in params:
            return f"resolve(path, {name}=False)", lambda p, n=name: rk.resolve(p, **{n: False})
    mods = sorted(
        (n, m) for n, m in sys.modules.items() if m is not None and n.split(".")[0] == "recipekit"
    )
    clears, dicts = {}, {}
    for modname, mod in mods:
        for attr, value in list(vars(mod).items()):
            if attr in ("clear_cache", "clear_caches") and callable(value):
                clears[f"{modname}.{attr}()"] = value
            elif "cache" in attr.lower() and type(value) is dict:
                dicts[f"{modname}.{attr}"] = value
    if clears:
        fns = list(clears.values())
        label = "call " + ", ".join(clears) + " before each resolve(path)"
    elif dicts:
        fns = [d.clear for d in dicts.values()]
        label = "clear " + ", ".join(n.replace("recipekit.", "") for n in dicts)
        label += " before each resolve(path)"
    else:
        return None

    def call(p):
        for f in fns:
            f()
        return rk.resolve(p)

    return label, call


def w_recipes_recipekit(p: dict) -> dict:
    rk = import_recipekit(p["repo"])
    res = {"versions": versions("recipekit", "pyyaml", "omegaconf"), **interpreter_info()}
    reg = rk.registry
    golden = Path(p["reference"]) / "modelopt-0.47.0" / "golden" / "general" / "ptq"
    with contextlib.suppress(Exception):  # import the resolver's modules before looking for caches
        rk.resolve({"a": 1})
        reg.get(f"general/ptq/{p['stems'][0]}")
    controls = _cache_controls(rk)
    res["uncached_method"] = (
        controls[0]
        if controls
        else "fresh YAML text read from the file on every call (unique comment appended)"
    )
    counter = [0]

    def fresh_text(path: Path):
        counter[0] += 1
        return rk.resolve(path.read_text() + f"\n# bench {counter[0]}\n")

    rows = {}
    for stem in p["stems"]:
        name = f"general/ptq/{stem}"
        path = Path(p["repo"]) / "recipekit" / "recipes" / "general" / "ptq" / f"{stem}.yaml"
        row: dict = {}
        ref = None
        try:
            ref = canonical(reg.get(name)())
        except Exception as exc:
            row["python_error"] = err(exc)
        cases = {
            "yaml": lambda path=path: rk.resolve(path),
            "python": lambda name=name: reg.get(name)(),
        }
        if controls:
            cases["yaml_uncached"] = lambda path=path: controls[1](path)
        else:
            cases["yaml_uncached"] = lambda path=path: fresh_text(path)
        outputs = {}
        for case, fn in cases.items():
            if case != "python" and not path.is_file():
                row[f"{case}_error"] = f"missing recipe file {path.relative_to(p['repo'])}"
                continue
            try:
                outputs[case] = canonical(fn())
                row[case] = measure(fn, runs=p["runs"], warmup=p["warmup"], budget_s=p["budget"])
            except Exception as exc:
                row[f"{case}_error"] = err(exc)
        if path.is_file() and "yaml" in row:
            row["yaml_files_read_per_call"] = _yaml_reads(lambda path=path: rk.resolve(path))
        agree = {c: (out == ref) for c, out in outputs.items() if ref is not None}
        row["agrees_with_python_call"] = agree
        gfile = golden / f"{stem}.json"
        if gfile.is_file():
            want = canonical(json.loads(gfile.read_text())["resolved_pre_validation"])
            row["python_matches_golden"] = ref == want
        rows[name] = row
    res["recipes"] = rows
    return res


def w_recipes_modelopt(p: dict) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(_Null()):
        try:
            from modelopt.recipe import load_recipe
        except Exception as exc:
            raise Missing(f"import modelopt.recipe failed: {err(exc)}") from exc
    res = {
        "import_s": time.perf_counter() - t0,
        "versions": versions("nvidia-modelopt", "pyyaml", "pydantic", "torch"),
        **interpreter_info(),
    }
    rows = {}
    with contextlib.redirect_stdout(_Null()):
        for stem in p["stems"]:
            name = f"general/ptq/{stem}"
            try:
                rows[name] = {
                    "modelopt": measure(
                        lambda name=name: load_recipe(name),
                        runs=p["runs"],
                        warmup=p["warmup"],
                        budget_s=p["budget"],
                    )
                }
            except Exception as exc:
                rows[name] = {"modelopt_error": err(exc)}
    res["recipes"] = rows
    return res


# =============================================================================== 2. anchors
# The anchors' tree (shared/reference/anchors/perf.md): 5 quantizer units x (4 format + 4
# quantizer leaves) + 5 top-level leaves = 50 leaves; 5 + 5 + 1 = 11 factory calls. Factories
# return plain dicts, so what is measured is each system's own overhead.
UNITS = ("weight", "input", "kv", "output", "bias")
TOP = {"algorithm": "max", "calib_steps": 512, "seed": 0, "name": "nvfp4", "export": False}


def fmt(exp_bits: int, man_bits: int, scale_bits: int = 8, dynamic: bool = True) -> dict:
    return {"e": exp_bits, "m": man_bits, "s": scale_bits, "dyn": dynamic}


def quantizer(
    fmt: dict, block_size: int = 16, axis: int = -1, enable: bool = True, calib: str = "max"
) -> dict:
    return {"fmt": fmt, "block": block_size, "axis": axis, "on": enable, "calib": calib}


def recipe(
    weight: dict, input: dict, kv: dict, output: dict, bias: dict, algorithm: str = "max",
    calib_steps: int = 512, seed: int = 0, name: str = "r", export: bool = False,
) -> dict:  # fmt: skip
    return {
        "weight": weight, "input": input, "kv": kv, "output": output, "bias": bias,
        "algorithm": algorithm, "calib_steps": calib_steps, "seed": seed, "name": name,
        "export": export,
    }  # fmt: skip


# The same two functions with the nested parameters defaulted, for the ``_factory_`` form: there
# a factory is called with its scalar arguments and the nested factories' results then replace
# fields of its result (sibling keys), so it must be callable without them.
def quantizer_f(
    fmt: dict | None = None,
    block_size: int = 16,
    axis: int = -1,
    enable: bool = True,
    calib: str = "max",
) -> dict:
    return {"fmt": fmt, "block": block_size, "axis": axis, "on": enable, "calib": calib}


def recipe_f(
    weight: dict | None = None, input: dict | None = None, kv: dict | None = None,
    output: dict | None = None, bias: dict | None = None, algorithm: str = "max",
    calib_steps: int = 512, seed: int = 0, name: str = "r", export: bool = False,
) -> dict:  # fmt: skip
    return {
        "weight": weight, "input": input, "kv": kv, "output": output, "bias": bias,
        "algorithm": algorithm, "calib_steps": calib_steps, "seed": seed, "name": name,
        "export": export,
    }  # fmt: skip


def unit_values(i: int) -> tuple[dict, dict]:
    return (
        {"exp_bits": 2 + i % 3, "man_bits": 1 + i % 2, "scale_bits": 8, "dynamic": bool(i % 2)},
        {"block_size": 16 * (i + 1), "axis": -1, "enable": True, "calib": "max"},
    )


def plain_python() -> dict:
    kw = {}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        kw[u] = quantizer(fmt(**f), **q)
    return recipe(**kw, **TOP)


def _call(name: str, kwargs: dict) -> str:
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def anchors_factory_doc() -> dict:
    """The tree as a recipekit ``_factory_`` document: the scalar leaves are the factories'
    arguments (call syntax), the nested factories are siblings replacing result fields."""
    doc: dict = {"_factory_": _call("bench_recipe", TOP)}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        doc[u] = {
            "_factory_": _call("bench_quantizer", q),
            "fmt": {"_factory_": _call("bench_fmt", f)},
        }
    return doc


def anchors_target_doc() -> dict:
    """The same tree in the ``_target_`` + keyword form (Hydra's shape), registered names."""
    doc: dict = {"_target_": "bench.recipe", **TOP}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        doc[u] = {"_target_": "bench.quantizer", **q, "fmt": {"_target_": "bench.fmt", **f}}
    return doc


def anchors_registry(rk):
    reg = rk.Registry()
    reg.register(fmt, name="bench_fmt", namespace="bench", aliases=("bench.fmt",))
    reg.register(quantizer_f, name="bench_quantizer", namespace="bench")
    reg.register(recipe_f, name="bench_recipe", namespace="bench")
    reg.register(quantizer, name="bench.quantizer", namespace="bench")
    reg.register(recipe, name="bench.recipe", namespace="bench")
    return reg


def _setup_recipekit(p) -> list:
    rk = import_recipekit(p["repo"])
    reg = anchors_registry(rk)
    cases = []
    for label, doc in (
        ("recipekit resolve(_factory_ document)", anchors_factory_doc()),
        ("recipekit resolve(_target_ document)", anchors_target_doc()),
    ):
        cases.append((label, lambda doc=doc: rk.resolve(doc, registry=reg)))
    return cases


def _setup_fiddle(p) -> list:
    import fiddle as fdl

    kw = {}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        kw[u] = fdl.Config(quantizer, fmt=fdl.Config(fmt, **f), **q)
    cfg = fdl.Config(recipe, **kw, **TOP)
    return [(f"fiddle {versions('fiddle')['fiddle']} fdl.build(Config)", lambda: fdl.build(cfg))]


def _setup_confection(p) -> list:
    import catalogue
    from confection import Config, registry

    class reg(registry):
        bench_formats = catalogue.create("rkbench", "formats", entry_points=False)
        bench_quantizers = catalogue.create("rkbench", "quantizers", entry_points=False)
        bench_recipes = catalogue.create("rkbench", "recipes", entry_points=False)

    reg.bench_formats("fmt.v1")(fmt)
    reg.bench_quantizers("quantizer.v1")(quantizer)
    reg.bench_recipes("recipe.v1")(recipe)
    tree = {"recipe": {"@bench_recipes": "recipe.v1", **TOP}}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        tree["recipe"][u] = {
            "@bench_quantizers": "quantizer.v1",
            **q,
            "fmt": {"@bench_formats": "fmt.v1", **f},
        }
    cfg = Config(tree)
    v = versions("confection")["confection"]
    return [
        (f"confection {v} registry.resolve(cfg)", lambda: reg.resolve(cfg)["recipe"]),
        (
            f"confection {v} resolve(cfg, validate=False)",
            lambda: reg.resolve(cfg, validate=False)["recipe"],
        ),
    ]


def _setup_hydra(p) -> list:
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    mod = __name__
    tree = {"_target_": f"{mod}.recipe", **TOP}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        tree[u] = {"_target_": f"{mod}.quantizer", **q, "fmt": {"_target_": f"{mod}.fmt", **f}}
    cfg = OmegaConf.create(tree)
    v = versions("hydra-core", "omegaconf")
    return [
        (
            f"hydra-core {v['hydra-core']} instantiate(DictConfig) [omegaconf {v['omegaconf']}]",
            lambda: instantiate(cfg, _convert_="all"),
        ),
        (
            "hydra-core instantiate(OmegaConf.create(dict))",
            lambda: instantiate(OmegaConf.create(tree), _convert_="all"),
        ),
    ]


ANCHOR_SETUPS = {
    "recipekit": _setup_recipekit,
    "fiddle": _setup_fiddle,
    "confection": _setup_confection,
    "hydra": _setup_hydra,
}


def w_anchors(p: dict) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    want = plain_python()
    res = {
        **interpreter_info(),
        "versions": versions("fiddle", "confection", "hydra-core", "omegaconf", "catalogue"),
    }
    rows, missing = [], {}
    cases = [("plain Python calls (baseline)", "plain", plain_python)]
    for system in p["systems"]:
        try:
            cases += [(label, system, fn) for label, fn in ANCHOR_SETUPS[system](p)]
        except Missing as exc:
            missing[system] = str(exc)
        except ImportError as exc:
            missing[system] = (
                f"not importable with {sys.executable}: {err(exc)} (pass --anchors-python)"
            )
    for label, system, fn in cases:
        row = {"case": label, "system": system}
        try:
            got = fn()
            if got != want:
                raise AssertionError(f"result differs from plain Python: {got!r}")
            row.update(
                measure(fn, runs=p["runs"], warmup=p["warmup"], budget_s=p["budget"], min_runs=20)
            )
            if fn() != want:  # the input must not have been consumed or mutated
                raise AssertionError("result changed after repeated resolves")
        except Exception as exc:
            row["error"] = err(exc)
        rows.append(row)
    res["rows"], res["missing"] = rows, missing
    return res


# =============================================================================== 3. launcher
def _launcher_cases(reference: Path, wanted: list[str] | None) -> list[dict]:
    """The corpus examples nemo_run resolves and builds (stage ok), minus the historical typed
    example (it needs the launcher's ``common.megatron_lm`` package)."""
    root = reference / "launcher" / "cases"
    out = []
    for f in sorted(root.rglob("*.json")):
        d = json.loads(f.read_text())
        if d.get("stage") != "ok" or d["id"].startswith("_"):
            continue
        if wanted is not None and d["id"] not in wanted:
            continue
        out.append({"id": d["id"], "case_file": str(f), "input_yaml": d["input_yaml"]})
    return out


def _launcher_env(reference: Path) -> dict:
    idx = json.loads((reference / "launcher" / "index.json").read_text())
    env = {k: v for k, v in os.environ.items() if k not in idx.get("env_unset", [])}
    for k in ("SLURM_HOST", "SLURM_ACCOUNT", "SLURM_HF_LOCAL", "SLURM_JOB_DIR", "USER"):
        if k in idx["env"]:
            env[k] = idx["env"][k]
    return env


def _slurm_configs(obj) -> list[dict] | None:
    """Each task's slurm_config as a plain dict, from a recipekit launcher result."""
    import dataclasses

    def plain(x):
        if dataclasses.is_dataclass(x) and not isinstance(x, type):
            return {f.name: plain(getattr(x, f.name)) for f in dataclasses.fields(x)}
        if isinstance(x, dict):
            return {k: plain(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [plain(v) for v in x]
        return x

    data = plain(obj)
    pipe = data.get("pipeline") if isinstance(data, dict) else None
    if not isinstance(pipe, dict):
        return None
    out = []
    for slot in ("task_0", "task_1", "task_2", "task_3", "task_4"):
        task = pipe.get(slot)
        if isinstance(task, dict) and isinstance(task.get("slurm_config"), dict):
            out.append(task["slurm_config"])
    return out


def _load_launcher_plugin(rk, plugin: str) -> str:
    """Load the plugin exactly as ``recipekit --load FILE`` does (into the default registry)."""
    try:
        from recipekit.cli import _load_plugins
    except ImportError:
        import runpy

        runpy.run_path(plugin, run_name="recipekit_launcher_plugin")
        return "runpy.run_path (recipekit.cli._load_plugins not found)"
    _load_plugins([plugin])
    return "recipekit.cli._load_plugins (what --load does)"


def w_launcher_recipekit(p: dict) -> dict:
    rk = import_recipekit(p["repo"])
    plugin = Path(p["plugin"])
    if not plugin.is_file():
        raise Missing(f"launcher plugin {plugin} does not exist yet")
    res = {"plugin_loaded_with": _load_launcher_plugin(rk, str(plugin))}
    counter = [0]
    rows = {}
    for case in p["cases"]:
        path = Path(case["path"])
        want = json.loads(Path(case["case_file"]).read_text())["resolved_slurm_configs"]
        want = [w["slurm_config"] for w in want]

        def run(path=path):  # the file is read every call, like nemo_run does
            counter[0] += 1
            return rk.resolve(path.read_text() + f"\n# bench {counter[0]}\n")

        row: dict = {}
        try:
            row["agrees_with_corpus"] = canonical(_slurm_configs(run())) == canonical(want)
            row["recipekit"] = measure(
                run, runs=p["runs"], warmup=p["warmup"], budget_s=p["budget"]
            )
        except Exception as exc:
            row["recipekit_error"] = err(exc)
        rows[case["id"]] = row
    res["cases"] = rows
    return res


def w_launcher_nemo(p: dict) -> dict:
    import warnings

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    try:
        import fiddle as fdl
        from nemo_run.cli import cli_parser
        from nemo_run.cli.api import RunContext
    except Exception as exc:
        raise Missing(f"import nemo_run failed: {err(exc)}") from exc
    sys.path.insert(0, str(HERE))
    import _nemo_launcher as standin

    res = {
        "import_s": time.perf_counter() - t0,
        "versions": versions("nemo-run", "fiddle", "omegaconf", "pyyaml"),
        **interpreter_info(),
    }

    def strip(x):  # corpus `built` -> stand-in form (type names without module)
        if isinstance(x, dict):
            return {
                k: (v.rsplit(".", 1)[-1] if k == "__type__" else strip(v))
                for k, v in x.items()
                if k != "__functools_partial__"
            }
        if isinstance(x, list):
            return [strip(v) for v in x]
        return x

    rows = {}
    for case in p["cases"]:
        path = case["path"]
        want = strip(json.loads(Path(case["case_file"]).read_text())["built"])
        parse_s, total_s = [], []

        def once(path=path):
            cli_parser.parse_value.cache_clear()  # as in the reference measurement (spec §9)
            t0 = time.perf_counter_ns()
            part = RunContext(name="launch", yaml=path).parse_fn(standin.launch, [])
            t1 = time.perf_counter_ns()
            built = fdl.build(part)
            t2 = time.perf_counter_ns()
            return built, (t1 - t0) / 1e3, (t2 - t0) / 1e3

        row: dict = {}
        try:
            built, _, _ = once()
            row["standin_matches_corpus"] = standin.to_plain(built) == want
            deadline = time.perf_counter() + p["budget"]
            for _ in range(p["warmup"]):
                once()
            while len(total_s) < p["runs"] and (len(total_s) < 3 or time.perf_counter() < deadline):
                _, a, b = once()
                parse_s.append(a)
                total_s.append(b)
            row["nemo_parse"] = summarize(parse_s)
            row["nemo_parse_build"] = summarize(total_s)
        except Exception as exc:
            row["nemo_error"] = err(exc)
        rows[case["id"]] = row
    res["cases"] = rows
    return res


# =============================================================================== 5. scaling
def scaling_unit(i: int) -> dict:
    """10 nodes, one factory call: the mapping, its 4 keys' values and 4 nested scalars/values."""
    return {"_factory_": "bench_unit", "a": i, "b": "x", "c": [i, 2], "d": {"e": 1.5, "f": True}}


def bench_unit() -> dict:
    return {"kind": "unit", "a": 0, "b": "", "c": [], "d": {"e": 0.0, "f": False, "g": None}}


def scaling_doc(nodes: int) -> dict:
    units = nodes // 10
    groups = {}
    for g in range(0, units, 100):
        groups[f"g{g // 100}"] = {f"u{i}": scaling_unit(i) for i in range(g, min(units, g + 100))}
    return {"groups": groups}


def count_nodes(x) -> int:
    if isinstance(x, dict):
        return 1 + sum(count_nodes(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return 1 + sum(count_nodes(v) for v in x)
    return 1


def fit_exponent(ns: list[float], ts: list[float]) -> float | None:
    pts = [(math.log(n), math.log(t)) for n, t in zip(ns, ts, strict=True) if n > 0 and t > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(x for x, _ in pts)
    my = statistics.fmean(y for _, y in pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def w_scaling(p: dict) -> dict:
    import tracemalloc

    rk = import_recipekit(p["repo"])
    reg = rk.Registry()
    reg.register(bench_unit, name="bench_unit", namespace="bench")
    rows = []
    for size, runs in zip(p["sizes"], p["runs"], strict=True):
        doc = scaling_doc(size)
        row = {"target_nodes": size, "nodes": count_nodes(doc), "factory_calls": size // 10}
        try:
            out = rk.resolve(doc, registry=reg)
            first = out["groups"]["g0"]["u0"]
            if first != {
                "kind": "unit",
                "a": 0,
                "b": "x",
                "c": [0, 2],
                "d": {"e": 1.5, "f": True, "g": None},
            }:
                raise AssertionError(f"unexpected resolution of a unit: {first!r}")
            del out
            row.update(
                measure(
                    lambda doc=doc: rk.resolve(doc, registry=reg),
                    runs=runs,
                    warmup=1,
                    budget_s=p["budget"],
                    min_runs=1,
                )
            )
            gc.collect()
            tracemalloc.start()
            out = rk.resolve(doc, registry=reg)
            row["peak_bytes"] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            del out
        except Exception as exc:
            row["error"] = err(exc)
        rows.append(row)
    ok = [r for r in rows if "median_us" in r]
    res = {
        "rows": rows,
        "time_exponent": fit_exponent([r["nodes"] for r in ok], [r["median_us"] for r in ok]),
        "memory_exponent": fit_exponent(
            [r["nodes"] for r in ok if "peak_bytes" in r],
            [r["peak_bytes"] for r in ok if "peak_bytes" in r],
        ),
    }
    return res


# =============================================================================== profiles
def w_profile(p: dict) -> dict:
    """cProfile of one recipekit case (used for missed goals)."""
    import cProfile
    import pstats

    rk = import_recipekit(p["repo"])
    target, n = p["target"], p["calls"]
    if target == "recipe_yaml":
        path = Path(p["repo"]) / "recipekit" / "recipes" / "general" / "ptq" / f"{p['stem']}.yaml"

        def fn():
            return rk.resolve(path)
    elif target == "recipe_uncached":
        path = Path(p["repo"]) / "recipekit" / "recipes" / "general" / "ptq" / f"{p['stem']}.yaml"
        rk.resolve(path)  # imports every module whose caches are then cleared
        controls = _cache_controls(rk)

        def fn():
            if controls:
                return controls[1](path)
            return rk.resolve(path.read_text() + f"\n# p {time.perf_counter_ns()}\n")
    elif target == "recipe_python":
        name = f"general/ptq/{p['stem']}"

        def fn():
            return rk.registry.get(name)()
    elif target == "anchors":
        reg, doc = anchors_registry(rk), anchors_factory_doc()

        def fn():
            return rk.resolve(doc, registry=reg)
    elif target == "launcher":
        _load_launcher_plugin(rk, p["plugin"])
        text = Path(p["path"]).read_text()

        def fn():
            return rk.resolve(text + f"\n# p {time.perf_counter_ns()}\n")
    elif target == "scaling":
        reg = rk.Registry()
        reg.register(bench_unit, name="bench_unit", namespace="bench")
        doc = scaling_doc(p["nodes"])

        def fn():
            return rk.resolve(doc, registry=reg)
    else:
        raise ValueError(target)
    fn()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(n):
        fn()
    prof.disable()
    text = {}
    for key in ("cumulative", "tottime"):
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats(key).print_stats(18)
        lines = buf.getvalue().splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.strip().startswith("ncalls")), 0)
        text[key] = "\n".join(ln.replace(str(REPO) + "/", "") for ln in lines[start:] if ln.strip())
    return {"target": target, "calls": n, "top": text}


WORKERS = {
    "recipes-recipekit": w_recipes_recipekit,
    "recipes-modelopt": w_recipes_modelopt,
    "anchors": w_anchors,
    "launcher-recipekit": w_launcher_recipekit,
    "launcher-nemo": w_launcher_nemo,
    "scaling": w_scaling,
    "profile": w_profile,
}


def worker_main(name: str, in_path: str, out_path: str) -> int:
    params = json.loads(Path(in_path).read_text())
    try:
        result = {"ok": True, **WORKERS[name](params)}
    except Missing as exc:
        result = {"ok": False, "missing": str(exc)}
    except Exception as exc:
        result = {"ok": False, "error": err(exc), "traceback": traceback.format_exc()[-3000:]}
    Path(out_path).write_text(json.dumps(result, default=repr))
    return 0


# =============================================================================== orchestration
class Runner:
    def __init__(self, args, tmp: Path):
        self.args, self.tmp, self.n = args, tmp, 0
        self.params = PARAMS["quick" if args.quick else "full"]

    def log(self, msg: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    def worker(self, python: str, name: str, params: dict, env: dict | None = None) -> dict:
        self.n += 1
        fin, fout = self.tmp / f"in{self.n}.json", self.tmp / f"out{self.n}.json"
        fin.write_text(json.dumps(params))
        cmd = [python, str(Path(__file__).resolve()), "--worker", name, str(fin), str(fout)]
        t0 = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=self.params["worker_timeout"],
                env=env,
                cwd=str(self.tmp),
            )
        except subprocess.TimeoutExpired:
            return {
                "ok": False,
                "error": f"worker {name} timed out after {self.params['worker_timeout']} s",
            }
        except OSError as exc:
            return {"ok": False, "missing": f"cannot run {python}: {exc}"}
        if not fout.is_file():
            tail = (proc.stderr or "").strip().splitlines()[-5:]
            return {
                "ok": False,
                "error": f"worker {name} exited {proc.returncode}: {' | '.join(tail)}",
            }
        out = json.loads(fout.read_text())
        out["worker_wall_s"] = time.perf_counter() - t0
        return out

    def base(self) -> dict:
        return {"repo": str(REPO), "reference": str(self.args.reference)}


FIND = (
    "import importlib.util as u, importlib.metadata as m, sys\n"
    "name, dist = sys.argv[1], sys.argv[2]\n"
    "assert u.find_spec(name) is not None, name + ' not installed'\n"
    "print(m.version(dist))\n"
)


def has_module(python: str, module: str, dist: str) -> tuple[bool, str]:
    try:
        proc = subprocess.run(
            [python, "-c", FIND, module, dist], capture_output=True, text=True, timeout=60,
            cwd=tempfile.gettempdir(),
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    if proc.returncode:
        return False, f"{module} not importable with {python}"
    return True, proc.stdout.strip()


def recipe_stems(args, params) -> list[str]:
    if params["recipes"] is not None:
        return list(params["recipes"])
    found = set()
    for d in (
        REPO / "recipekit" / "recipes" / "general" / "ptq",
        args.reference / "modelopt-0.47.0" / "golden" / "general" / "ptq",
    ):
        if d.is_dir():
            found |= {f.stem for f in d.iterdir() if f.suffix in (".yaml", ".json")}
    return sorted(found)


def section_recipes(r: Runner) -> dict:
    a, p = r.args, r.params
    stems = recipe_stems(a, p)
    out: dict = {"stems": stems, "missing": {}}
    common = {**r.base(), "stems": stems}
    r.log(f"recipes: recipekit ({len(stems)} recipes)")
    out["recipekit"] = r.worker(
        a.recipekit_python, "recipes-recipekit",
        {**common, "runs": p["rk_runs"], "warmup": p["rk_warmup"], "budget": p["rk_budget"]},
    )  # fmt: skip
    ok, why = has_module(a.modelopt_python, "modelopt", "nvidia-modelopt")
    if ok:
        r.log(f"recipes: ModelOpt load_recipe ({a.modelopt_python})")
        out["modelopt"] = r.worker(
            a.modelopt_python, "recipes-modelopt",
            {**common, "runs": p["mo_runs"], "warmup": p["mo_warmup"], "budget": p["mo_budget"]},
        )  # fmt: skip
    else:
        out["missing"]["modelopt"] = f"{why} (pass --modelopt-python)"
    rows = {}
    rk_rows = out["recipekit"].get("recipes", {})
    mo_rows = out.get("modelopt", {}).get("recipes", {})
    for stem in stems:
        name = f"general/ptq/{stem}"
        row = {**rk_rows.get(name, {}), **mo_rows.get(name, {})}
        mo = row.get("modelopt", {})
        for case in ("yaml", "yaml_uncached", "python"):
            t = row.get(case, {})
            if mo.get("median_us") and t.get("median_us"):
                row[f"ratio_{case}"] = mo["median_us"] / t["median_us"]
                row[f"ratio_{case}_p10"] = mo["p10_us"] / t["p10_us"]
        rows[name] = row
    out["rows"] = rows
    for case, goal in (
        ("yaml", "recipes_yaml"),
        ("yaml_uncached", "recipes_yaml"),
        ("python", "recipes_python"),
    ):
        ratios = [row[f"ratio_{case}"] for row in rows.values() if f"ratio_{case}" in row]
        if ratios:
            p10s = [row[f"ratio_{case}_p10"] for row in rows.values() if f"ratio_{case}_p10" in row]
            out[f"ratio_{case}"] = {
                "median": statistics.median(ratios),
                "geomean": math.exp(statistics.fmean(math.log(x) for x in ratios)),
                "min": min(ratios),
                "n": len(ratios),
                "n_meeting_goal": sum(x >= GOALS[goal] for x in ratios),
                "median_p10_based": statistics.median(p10s),
            }
    return out


def section_anchors(r: Runner) -> dict:
    a, p = r.args, r.params
    params = {
        **r.base(),
        "runs": p["anchor_runs"],
        "warmup": p["anchor_warmup"],
        "budget": p["anchor_budget"],
    }
    r.log(f"anchors: fiddle/confection/hydra/recipekit ({a.anchors_python})")
    main = r.worker(
        a.anchors_python,
        "anchors",
        {**params, "systems": ["fiddle", "confection", "hydra", "recipekit"]},
    )
    out = {"runs": [main]}
    if (
        main.get("ok")
        and "recipekit" in main.get("missing", {})
        and a.anchors_python != a.recipekit_python
    ):
        r.log(f"anchors: recipekit ({a.recipekit_python})")
        out["runs"].append(
            r.worker(a.recipekit_python, "anchors", {**params, "systems": ["recipekit"]})
        )
    rows, missing = [], {}
    for i, run in enumerate(out["runs"]):
        if not run.get("ok"):
            missing["anchors worker"] = run.get("missing") or run.get("error")
            continue
        base = next((x for x in run["rows"] if x["system"] == "plain" and "median_us" in x), None)
        for row in run["rows"]:
            if i and row["system"] == "plain":
                row["case"] += " [control, in recipekit's interpreter]"
            if base and "median_us" in row:
                row["x_plain"] = row["median_us"] / base["median_us"]
            row["python"] = run.get("executable")
            rows.append(row)
        missing.update(run.get("missing", {}))
    for m in [k for k in missing if any(x["system"] == k and "median_us" in x for x in rows)]:
        del missing[m]
    out["rows"], out["missing"] = rows, missing
    return out


def section_launcher(r: Runner) -> dict:
    a, p = r.args, r.params
    cases = _launcher_cases(a.reference, p["launcher_cases"])
    if not cases:
        return {"missing": {"corpus": f"no launcher cases under {a.reference}/launcher"}}
    ydir = r.tmp / "launcher_yaml"
    ydir.mkdir(exist_ok=True)
    for c in cases:
        c["path"] = str(ydir / (c["id"].replace("/", "__") + ".yaml"))
        Path(c["path"]).write_text(c.pop("input_yaml"))
    env = _launcher_env(a.reference)
    env["NEMORUN_HOME"] = str(r.tmp / "nemorun_home")
    out: dict = {"n_cases": len(cases), "missing": {}}
    r.log(f"launcher: recipekit ({len(cases)} files)")
    out["recipekit"] = r.worker(
        a.recipekit_python, "launcher-recipekit",
        {**r.base(), "cases": cases, "plugin": str(a.launcher_plugin),
         "runs": p["rkl_runs"], "warmup": p["rkl_warmup"], "budget": p["rkl_budget"]},
        env=env,
    )  # fmt: skip
    ok, why = has_module(a.nemo_python, "nemo_run", "nemo-run")
    if ok:
        r.log(f"launcher: nemo_run ({a.nemo_python})")
        out["nemo_run"] = r.worker(
            a.nemo_python, "launcher-nemo",
            {**r.base(), "cases": cases,
             "runs": p["nemo_runs"], "warmup": p["nemo_warmup"], "budget": p["nemo_budget"]},
            env=env,
        )  # fmt: skip
    else:
        out["missing"]["nemo_run"] = f"{why} (pass --nemo-python)"
    rows = {}
    rk_rows = out["recipekit"].get("cases", {})
    nr_rows = out.get("nemo_run", {}).get("cases", {})
    for c in cases:
        row = {**rk_rows.get(c["id"], {}), **nr_rows.get(c["id"], {})}
        rk = row.get("recipekit", {}).get("median_us")
        for key in ("nemo_parse_build", "nemo_parse"):
            t = row.get(key, {}).get("median_us")
            if rk and t:
                row[f"ratio_{key}"] = t / rk
        rows[c["id"]] = row
    out["rows"] = rows
    for key in ("nemo_parse_build", "nemo_parse"):
        ratios = [x[f"ratio_{key}"] for x in rows.values() if f"ratio_{key}" in x]
        if ratios:
            out[f"ratio_{key}"] = {
                "median": statistics.median(ratios),
                "geomean": math.exp(statistics.fmean(math.log(x) for x in ratios)),
                "min": min(ratios),
                "n": len(ratios),
            }
    for key in ("recipekit", "nemo_parse_build", "nemo_parse"):
        meds = [x[key]["median_us"] for x in rows.values() if key in x]
        if meds:
            out[f"median_of_medians_{key}_us"] = statistics.median(meds)
    return out


def recipekit_cli(python: str) -> tuple[list[str], str]:
    """The whole-process command: the console script next to ``python`` if installed, else
    ``python -m recipekit`` (with this work tree on PYTHONPATH)."""
    script = Path(python).parent / "recipekit"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script), "resolve", COLD_RECIPE], f"{script.name} resolve {COLD_RECIPE}"
    return [
        python,
        "-m",
        "recipekit",
        "resolve",
        COLD_RECIPE,
    ], f"python -m recipekit resolve {COLD_RECIPE}"


def section_coldstart(r: Runner) -> dict:
    a, p = r.args, r.params
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(REPO), env.get("PYTHONPATH")) if x)
    env.pop("PYTHONSTARTUP", None)
    rk_cmd, rk_label = recipekit_cli(a.recipekit_python)
    cmds = [
        ("recipekit", rk_label, rk_cmd, p["cold_runs"]),
        ("bare", "python -c pass", [a.recipekit_python, "-c", "pass"], p["cold_runs"]),
    ]
    out: dict = {"missing": {}}
    ok, why = has_module(a.modelopt_python, "modelopt", "nvidia-modelopt")
    if ok:
        cmds.append(("modelopt", 'python -c "import modelopt.recipe"',
                     [a.modelopt_python, "-W", "ignore", "-c", "import modelopt.recipe"], p["cold_peer_runs"]))  # fmt: skip
    else:
        out["missing"]["modelopt"] = f"{why} (pass --modelopt-python)"
    ok, why = has_module(a.nemo_python, "nemo_run", "nemo-run")
    if ok:
        cmds.append(("nemo_run", 'python -c "import nemo_run"',
                     [a.nemo_python, "-W", "ignore", "-c", "import nemo_run"], p["cold_peer_runs"]))  # fmt: skip
    else:
        out["missing"]["nemo_run"] = f"{why} (pass --nemo-python)"
    samples: dict[str, list[float]] = {k: [] for k, *_ in cmds}
    errors: dict[str, str] = {}

    def once(key, cmd):
        t0 = time.perf_counter()
        proc = subprocess.run(
            cmd, capture_output=True, text=True, env=env, cwd=str(r.tmp), timeout=120
        )
        dt = time.perf_counter() - t0
        if proc.returncode:
            errors[key] = f"exit {proc.returncode}: " + " | ".join(
                proc.stderr.strip().splitlines()[-3:]
            )
            return None
        return dt

    r.log("coldstart: " + ", ".join(label for _, label, *_ in cmds))
    for key, _, cmd, _ in cmds:  # one untimed run each: .pyc files, page cache
        once(key, cmd)
    for i in range(max(n for *_, n in cmds)):  # round-robin, so drift hits every command alike
        for key, _, cmd, n in cmds:
            if i < n and key not in errors:
                dt = once(key, cmd)
                if dt is not None:
                    samples[key].append(dt * 1e6)
    rows = {}
    for key, label, cmd, _ in cmds:
        row = {"command": label, "argv": cmd}
        if samples[key]:
            row.update(summarize(samples[key]))
        if key in errors:
            row["error"] = errors[key]
        rows[key] = row
    rk = rows["recipekit"].get("median_us")
    for row in rows.values():
        if rk and row.get("median_us"):
            row["x_recipekit"] = row["median_us"] / rk
    out["rows"] = rows
    return out


def section_scaling(r: Runner) -> dict:
    a, p = r.args, r.params
    r.log("scaling: 1k/10k/100k-node documents")
    return r.worker(
        a.recipekit_python, "scaling",
        {**r.base(), "sizes": p["scaling_sizes"], "runs": p["scaling_runs"], "budget": p["scaling_budget"]},
    )  # fmt: skip


SECTIONS = {
    "recipes": section_recipes,
    "anchors": section_anchors,
    "launcher": section_launcher,
    "coldstart": section_coldstart,
    "scaling": section_scaling,
}


# =============================================================================== goals
def evaluate(res: dict) -> list[dict]:
    goals = []

    def add(key, label, measured, target, met, note=""):
        goals.append(
            {
                "goal": key,
                "label": label,
                "measured": measured,
                "target": target,
                "met": met,
                "note": note,
            }
        )

    s = res["sections"]
    rec = s.get("recipes", {})
    for case, key, label in (
        ("yaml", "recipes_yaml", "general/ptq from YAML path >= 50x ModelOpt"),
        ("yaml_uncached", "recipes_yaml", "general/ptq from YAML, uncached >= 50x ModelOpt"),
        ("python", "recipes_python", "general/ptq as Python call >= 500x ModelOpt"),
    ):
        r = rec.get(f"ratio_{case}")
        if r:
            add(f"recipes_{case}", label, r["median"], GOALS[key], r["median"] >= GOALS[key],
                f"median of {r['n']} per-recipe ratios; {r['n_meeting_goal']}/{r['n']} recipes meet it; "
                f"worst {r['min']:.0f}x; on p10s {r['median_p10_based']:.0f}x")  # fmt: skip
        else:
            add(f"recipes_{case}", label, None, GOALS[key], None, "not measured")
    rows = s.get("anchors", {}).get("rows", [])
    rk = next(
        (
            x
            for x in rows
            if x["case"].startswith("recipekit resolve(_factory_") and "median_us" in x
        ),
        None,
    )
    fid = next((x for x in rows if x["system"] == "fiddle" and "median_us" in x), None)
    add("anchors_vs_fiddle", "anchors tree: faster than fiddle build",
        fid["median_us"] / rk["median_us"] if rk and fid else None, 1.0,
        (rk["median_us"] < fid["median_us"]) if rk and fid else None, "fiddle / recipekit (x)")  # fmt: skip
    add("anchors_vs_plain", "anchors tree: within 10x of plain calls",
        rk.get("x_plain") if rk else None, GOALS["anchors_vs_plain"],
        (rk["x_plain"] <= GOALS["anchors_vs_plain"]) if rk and "x_plain" in rk else None,
        "recipekit / plain (x)")  # fmt: skip
    lr = s.get("launcher", {}).get("ratio_nemo_parse_build")
    add("launcher", "launcher YAML >= 20x nemo_run (parse+build)", lr["median"] if lr else None,
        GOALS["launcher"], (lr["median"] >= GOALS["launcher"]) if lr else None,
        f"median of {lr['n']} per-file ratios; worst {lr['min']:.1f}x" if lr else "not measured")  # fmt: skip
    cold = s.get("coldstart", {}).get("rows", {})
    crk, cnr, cbare = (cold.get(k, {}).get("median_us") for k in ("recipekit", "nemo_run", "bare"))
    note = f"recipekit process minus bare python: {fmt_us(crk - cbare)}" if crk and cbare else ""
    add("cold_vs_nemo", "cold start >= 20x faster than import nemo_run", cnr / crk if crk and cnr else None,
        GOALS["cold_vs_nemo"], (cnr / crk >= GOALS["cold_vs_nemo"]) if crk and cnr else None, note)  # fmt: skip
    add("cold_vs_bare", "cold start within 8x of bare python", crk / cbare if crk and cbare else None,
        GOALS["cold_vs_bare"], (crk / cbare <= GOALS["cold_vs_bare"]) if crk and cbare else None)  # fmt: skip
    exp = s.get("scaling", {}).get("time_exponent")
    add("scaling_exponent", "scaling: time growth exponent <= 1.1", exp, GOALS["scaling_exponent"],
        (exp <= GOALS["scaling_exponent"]) if exp is not None else None)  # fmt: skip
    return goals


def run_profiles(r: Runner, res: dict, mode: str) -> dict:
    """cProfile (or -X importtime) of the recipekit side of every missed goal."""
    if mode == "none":
        return {}
    missed = {g["goal"] for g in res["goals"] if g["met"] is False or (mode == "all" and g["met"])}
    s, a, prof = res["sections"], r.args, {}

    def worst(rows: dict, key: str) -> str | None:
        cand = [(v[key], k) for k, v in rows.items() if key in v]
        return min(cand)[1] if cand else None

    rec_rows = s.get("recipes", {}).get("rows", {})
    for goal, target, key in (
        ("recipes_yaml", "recipe_yaml", "ratio_yaml"),
        ("recipes_yaml_uncached", "recipe_uncached", "ratio_yaml_uncached"),
        ("recipes_python", "recipe_python", "ratio_python"),
    ):
        name = worst(rec_rows, key) if goal in missed else None
        if name:
            r.log(f"profile: {goal} ({name})")
            calls = 2000 if target == "recipe_python" else 100
            prof[goal] = r.worker(a.recipekit_python, "profile",
                                  {**r.base(), "target": target, "stem": name.rsplit("/", 1)[1], "calls": calls})  # fmt: skip
    if missed & {"anchors_vs_fiddle", "anchors_vs_plain"}:
        r.log("profile: anchors")
        prof["anchors"] = r.worker(
            a.recipekit_python, "profile", {**r.base(), "target": "anchors", "calls": 2000}
        )
    lrows = s.get("launcher", {}).get("rows", {})
    name = worst(lrows, "ratio_nemo_parse_build") if "launcher" in missed else None
    if name:
        r.log(f"profile: launcher ({name})")
        path = r.tmp / "launcher_yaml" / (name.replace("/", "__") + ".yaml")
        prof["launcher"] = r.worker(
            a.recipekit_python, "profile",
            {**r.base(), "target": "launcher", "path": str(path), "plugin": str(a.launcher_plugin), "calls": 100},
            env=_launcher_env(a.reference),
        )  # fmt: skip
    if "scaling_exponent" in missed:
        r.log("profile: scaling (100k nodes)")
        prof["scaling"] = r.worker(
            a.recipekit_python,
            "profile",
            {**r.base(), "target": "scaling", "nodes": 100_000, "calls": 1},
        )
    if missed & {"cold_vs_nemo", "cold_vs_bare"}:
        r.log("profile: cold start (-X importtime)")
        prof["coldstart"] = importtime(a.recipekit_python, r.tmp)
    return prof


def importtime(python: str, cwd: Path) -> dict:
    """Where a cold ``recipekit resolve`` process spends its time: ``-X importtime`` (top imports
    by cumulative time) and cProfile of the whole process (top functions by cumulative time)."""
    import pstats

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(x for x in (str(REPO), env.get("PYTHONPATH")) if x)
    args = ["-m", "recipekit", "resolve", COLD_RECIPE]
    proc = subprocess.run([python, "-X", "importtime", *args], capture_output=True, text=True,
                          env=env, cwd=str(cwd), timeout=120)  # fmt: skip
    rows = []
    for ln in proc.stderr.splitlines():
        if ln.startswith("import time:") and "|" in ln and "cumulative" not in ln:
            self_us, cum_us, name = (x.strip() for x in ln[len("import time:") :].split("|"))
            rows.append((int(cum_us), int(self_us), name.strip()))
    rows.sort(reverse=True)
    top = {"importtime": "\n".join(
        f"{c / 1e3:9.1f} ms cumulative {s / 1e3:8.1f} ms self  {n}" for c, s, n in rows[:20]
    )}  # fmt: skip
    out = cwd / "cold.prof"
    prof = subprocess.run([python, "-m", "cProfile", "-o", str(out), *args], capture_output=True,
                          text=True, env=env, cwd=str(cwd), timeout=120)  # fmt: skip
    if prof.returncode == 0 and out.is_file():
        buf = io.StringIO()
        pstats.Stats(str(out), stream=buf).sort_stats("cumulative").print_stats(25)
        lines = buf.getvalue().splitlines()
        start = next((i for i, ln in enumerate(lines) if ln.strip().startswith("ncalls")), 0)
        top["cumulative (whole process, cProfile)"] = "\n".join(
            ln.replace(str(REPO) + "/", "") for ln in lines[start:] if ln.strip()
        )
    return {
        "ok": proc.returncode == 0,
        "target": "coldstart",
        "top": top,
        "modules_imported": len(rows),
    }


# =============================================================================== report
def machine_info() -> dict:
    info = {
        "platform": platform.platform(),
        "nproc": os.cpu_count(),
        "orchestrator_python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    with contextlib.suppress(OSError):
        cpu = Path("/proc/cpuinfo").read_text().splitlines()
        info["cpu"] = next(
            (ln.split(":", 1)[1].strip() for ln in cpu if ln.startswith("model name")), None
        )
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["mem_gib"] = round(int(mem) / 2**20, 1)
    with contextlib.suppress(OSError):
        info["loadavg_start"] = os.getloadavg()
    return info


def fmt_us(us: float | None) -> str:
    if us is None:
        return "-"
    if us >= 1e6:
        return f"{us / 1e6:.2f} s"
    if us >= 1e3:
        return f"{us / 1e3:.2f} ms"
    return f"{us:.1f} µs"


def fmt_x(x: float | None) -> str:
    if x is None:
        return "-"
    return f"{x:,.0f}×" if x >= 100 else f"{x:.1f}×"


def spread(st: dict | None) -> str:
    if not st or "median_us" not in st:
        return "-"
    return f"{fmt_us(st['median_us'])} [{fmt_us(st['p10_us'])}–{fmt_us(st['p90_us'])}]"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join([line, sep, *body])


def report(res: dict) -> str:
    out = []
    m = res["machine"]
    out.append(
        f"Machine: {m.get('cpu')} ×{m.get('nproc')}, {m.get('mem_gib')} GiB, {m.get('platform')}; "
        f"mode={res['mode']}; {m.get('date')}; loadavg {m.get('loadavg_start')} -> {m.get('loadavg_end')}"
    )
    s = res["sections"]
    if "recipes" in s:
        rec = s["recipes"]
        rk, mo = rec.get("recipekit", {}), rec.get("modelopt", {})
        out.append(
            "\n## 1. general/ptq recipes — median [p10–p90] per call; ratio = ModelOpt / recipekit"
        )
        if not rk.get("ok"):
            out.append(f"recipekit: {rk.get('missing') or rk.get('error')}")
        if mo and not mo.get("ok"):
            out.append(f"ModelOpt: {mo.get('missing') or mo.get('error')}")
        out.append(f"uncached YAML = {rk.get('uncached_method', '-')}")
        rows = []
        for name, row in rec.get("rows", {}).items():
            rows.append([
                name.split("/")[-1], spread(row.get("modelopt")), spread(row.get("yaml")),
                spread(row.get("yaml_uncached")), spread(row.get("python")),
                fmt_x(row.get("ratio_yaml")), fmt_x(row.get("ratio_yaml_uncached")), fmt_x(row.get("ratio_python")),
                str(row.get("yaml_files_read_per_call", "-")),
            ])  # fmt: skip
        agg = ["**median ratio (worst)**", "", "", "", ""]
        for case in ("yaml", "yaml_uncached", "python"):
            r = rec.get(f"ratio_{case}")
            agg.append(f"{fmt_x(r['median'])} ({fmt_x(r['min'])})" if r else "-")
        rows.append([*agg, ""])
        out.append(table(["recipe", "ModelOpt load_recipe", "rk YAML path", "rk YAML uncached", "rk Python call",
                          "×YAML", "×uncached", "×Python", "YAML reads/call"], rows))  # fmt: skip
        errs = {
            n: {k: v for k, v in row.items() if k.endswith("_error")}
            for n, row in rec.get("rows", {}).items()
        }
        errs = {n: e for n, e in errs.items() if e}
        for n, e in list(errs.items())[:6]:
            out.append(f"  ! {n}: {e}")
        if len(errs) > 6:
            out.append(f"  ! ... and {len(errs) - 6} more recipes with errors (see JSON)")
        gm = [row.get("python_matches_golden") for row in rec.get("rows", {}).values()]
        if any(x is not None for x in gm):
            out.append(
                f"Python call equals ModelOpt's golden resolved_pre_validation: {sum(bool(x) for x in gm)}/{len(gm)}"
            )
        if mo.get("ok"):
            out.append(f"ModelOpt {mo['versions'].get('nvidia-modelopt')} (import {mo['import_s']:.1f} s, "
                       f"libyaml={mo.get('pyyaml_libyaml')}); recipekit python {rk.get('python')} libyaml={rk.get('pyyaml_libyaml')}")  # fmt: skip
        for k, v in rec.get("missing", {}).items():
            out.append(f"MISSING {k}: {v}")
    if "anchors" in s:
        an = s["anchors"]
        out.append("\n## 2. anchors tree (50 leaves, 11 factory calls) — per resolve")
        rows = [[x["case"], spread(x) if "median_us" in x else x.get("error", "-")[:90], fmt_x(x.get("x_plain"))]
                for x in an.get("rows", [])]  # fmt: skip
        out.append(table(["case", "median [p10–p90]", "× plain"], rows))
        for k, v in an.get("missing", {}).items():
            out.append(f"MISSING {k}: {v}")
    if "launcher" in s:
        la = s["launcher"]
        out.append(
            f"\n## 3. launcher YAML ({la.get('n_cases', 0)} example files) — per file, parse+resolve from the file"
        )
        rk, nr = la.get("recipekit", {}), la.get("nemo_run", {})
        if rk and not rk.get("ok"):
            out.append(f"recipekit: {rk.get('missing') or rk.get('error')}")
        if nr and not nr.get("ok"):
            out.append(f"nemo_run: {nr.get('missing') or nr.get('error')}")
        rows = []
        show = [k for k in la.get("rows", {}) if k in QUICK_LAUNCHER]
        for cid in show:
            x = la["rows"][cid]
            rows.append([cid.split("/")[-1], spread(x.get("nemo_parse")), spread(x.get("nemo_parse_build")),
                         spread(x.get("recipekit")), fmt_x(x.get("ratio_nemo_parse_build"))])  # fmt: skip
        r = la.get("ratio_nemo_parse_build")
        rp = la.get("ratio_nemo_parse")
        rows.append([
            f"**all {la.get('n_cases')} files: median of medians**",
            fmt_us(la.get("median_of_medians_nemo_parse_us")),
            fmt_us(la.get("median_of_medians_nemo_parse_build_us")),
            fmt_us(la.get("median_of_medians_recipekit_us")),
            f"{fmt_x(r['median'])} (worst {fmt_x(r['min'])}; parse only {fmt_x(rp['median'])})" if r and rp else "-",
        ])  # fmt: skip
        out.append(
            table(
                [
                    "file",
                    "nemo_run parse_fn",
                    "nemo_run parse+build",
                    "recipekit resolve",
                    "× (parse+build)",
                ],
                rows,
            )
        )
        agree = [
            x.get("agrees_with_corpus")
            for x in la.get("rows", {}).values()
            if "agrees_with_corpus" in x
        ]
        sm = [
            x.get("standin_matches_corpus")
            for x in la.get("rows", {}).values()
            if "standin_matches_corpus" in x
        ]
        out.append(f"recipekit slurm_configs equal the corpus: {sum(agree)}/{len(agree)}; "
                   f"nemo_run stand-in built tree equals the corpus: {sum(sm)}/{len(sm)}")  # fmt: skip
        errs = [(k, x.get("recipekit_error") or x.get("nemo_error")) for k, x in la.get("rows", {}).items()
                if x.get("recipekit_error") or x.get("nemo_error")]  # fmt: skip
        for k, e in errs[:5]:
            out.append(f"  ! {k}: {e}")
        if len(errs) > 5:
            out.append(f"  ! ... and {len(errs) - 5} more files with errors (see JSON)")
        for k, v in la.get("missing", {}).items():
            out.append(f"MISSING {k}: {v}")
    if "coldstart" in s:
        co = s["coldstart"]
        out.append("\n## 4. cold start — whole process wall time")
        rows = [[x["command"], spread(x) if "median_us" in x else x.get("error", "-")[:90], fmt_x(x.get("x_recipekit")),
                 str(x.get("n", 0))] for x in co.get("rows", {}).values()]  # fmt: skip
        out.append(table(["command", "median [p10–p90]", "× recipekit", "runs"], rows))
        for k, x in co.get("rows", {}).items():
            if x.get("error"):
                out.append(f"  ! {k}: {x['error']}")
        for k, v in co.get("missing", {}).items():
            out.append(f"MISSING {k}: {v}")
    if "scaling" in s:
        sc = s["scaling"]
        out.append("\n## 5. scaling — synthetic _factory_ documents (10 nodes per factory call)")
        if not sc.get("ok"):
            out.append(f"recipekit: {sc.get('missing') or sc.get('error')}")
        rows = []
        for x in sc.get("rows", []):
            per = f"{x['median_us'] / x['nodes']:.2f} µs" if "median_us" in x else "-"
            mib = f"{x['peak_bytes'] / 2**20:.1f} MiB" if "peak_bytes" in x else "-"
            rows.append([f"{x['nodes']:,}", f"{x['factory_calls']:,}", spread(x) if "median_us" in x else x.get("error", "-")[:80],
                         per, mib, str(x.get("n", 0))])  # fmt: skip
        out.append(
            table(
                [
                    "nodes",
                    "factory calls",
                    "median [p10–p90]",
                    "per node",
                    "peak (tracemalloc)",
                    "runs",
                ],
                rows,
            )
        )
        te, me = sc.get("time_exponent"), sc.get("memory_exponent")
        out.append(
            f"fitted growth exponent: time {te:.3f}"
            if te is not None
            else "fitted growth exponent: -"
        )
        if me is not None:
            out[-1] += f", memory {me:.3f}"
    out.append("\n## Goals")
    rows = []
    for g in res.get("goals", []):
        mark = {True: "met", False: "MISSED", None: "n/a"}[g["met"]]
        meas = (
            "-"
            if g["measured"] is None
            else (
                f"{g['measured']:.2f}" if g["goal"] == "scaling_exponent" else fmt_x(g["measured"])
            )
        )
        rows.append([g["label"], meas, mark, g["note"]])
    out.append(table(["goal", "measured", "status", "note"], rows))
    for key, pr in res.get("profiles", {}).items():
        out.append(f"\n### profile: {key}")
        if not pr.get("ok", True):
            out.append(str(pr.get("missing") or pr.get("error")))
            continue
        for kind, text in pr.get("top", {}).items():
            calls = f" ({pr['calls']} calls)" if pr.get("calls") else ""
            out.append(f"-- sorted by {kind}{calls}\n{text}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker_main(*argv[1:4])
    env = os.environ.get
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fewer recipes/files/runs (~1 minute)")
    ap.add_argument(
        "--json",
        type=Path,
        default=HERE / "results.json",
        help="results file (default benchmarks/results.json)",
    )
    ap.add_argument(
        "--sections", default=",".join(SECTIONS), help=f"comma list of {', '.join(SECTIONS)}"
    )
    ap.add_argument("--recipekit-python", default=env("RECIPEKIT_BENCH_PYTHON", sys.executable))
    ap.add_argument(
        "--modelopt-python", default=env("RECIPEKIT_BENCH_MODELOPT_PYTHON", sys.executable)
    )
    ap.add_argument("--nemo-python", default=env("RECIPEKIT_BENCH_NEMO_PYTHON", sys.executable))
    ap.add_argument("--anchors-python", default=env("RECIPEKIT_BENCH_ANCHORS_PYTHON", sys.executable),
                    help="interpreter with fiddle, confection and hydra-core")  # fmt: skip
    ap.add_argument(
        "--launcher-plugin", type=Path, default=REPO / "examples" / "launcher" / "slurm_factory.py"
    )
    ap.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    ap.add_argument("--profile", choices=("auto", "all", "none"), default="auto",
                    help="cProfile the recipekit side of missed goals (auto), of every goal, or none")  # fmt: skip
    args = ap.parse_args(argv)
    args.reference = args.reference.resolve()
    for attr in ("recipekit_python", "modelopt_python", "nemo_python", "anchors_python"):
        setattr(
            args,
            attr,
            os.path.abspath(getattr(args, attr))
            if os.sep in getattr(args, attr)
            else getattr(args, attr),
        )
    sections = [x.strip() for x in args.sections.split(",") if x.strip()]
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        ap.error(f"unknown sections: {', '.join(sorted(unknown))}")
    t0 = time.perf_counter()
    res: dict = {
        "mode": "quick" if args.quick else "full",
        "machine": machine_info(),
        "interpreters": {
            "recipekit": args.recipekit_python, "modelopt": args.modelopt_python,
            "nemo_run": args.nemo_python, "anchors": args.anchors_python,
        },
        "goals_targets": GOALS,
        "sections": {},
    }  # fmt: skip
    if not args.reference.is_dir():
        print(
            f"note: reference material not found at {args.reference}; launcher section skipped",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory(prefix="recipekit-bench-") as tmp:
        runner = Runner(args, Path(tmp))
        for name in sections:
            if name == "launcher" and not args.reference.is_dir():
                res["sections"][name] = {"missing": {"reference": str(args.reference)}}
                continue
            try:
                res["sections"][name] = SECTIONS[name](runner)
            except Exception as exc:
                res["sections"][name] = {
                    "ok": False,
                    "error": err(exc),
                    "traceback": traceback.format_exc()[-3000:],
                }
        res["goals"] = evaluate(res)
        res["profiles"] = run_profiles(runner, res, args.profile)
    with contextlib.suppress(OSError):
        res["machine"]["loadavg_end"] = os.getloadavg()
    res["wall_s"] = time.perf_counter() - t0
    text = report(res)
    print(text)
    print(f"\n(total wall time {res['wall_s']:.0f} s; results in {args.json})")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({**res, "report": text}, indent=1, default=repr) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
