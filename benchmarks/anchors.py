"""Figure *anchors*: the anchors' tree (shared/reference/anchors/perf.md) in every system.

The tree: 5 quantizer units x (4 format + 4 quantizer leaves) + 5 top-level leaves = 50 leaves;
5 + 5 + 1 = 11 factory calls. The factories return plain dicts, so what is measured is each
system's own overhead; every system's result is checked equal (canonical JSON) to the plain
Python calls' before its ratio counts. Ratios are system / plain Python (how many times the
plain calls it costs) and fiddle / recipekit.

* plain Python: the 11 calls (recipekit's worker);
* recipekit ``resolve(doc, registry=private)``, caches cleared before every call (untimed) and
  warm, for two spellings: the ``_factory_`` document (scalar leaves as call syntax, nested
  factories as sibling keys that replace fields of the result; needs the nested parameters
  defaulted, hence ``quantizer_f``/``recipe_f``) and the ``_target_`` document (Hydra's shape,
  keyword keys, registered names);
* fiddle ``fdl.build(cfg)`` on a pre-built ``fdl.Config``; confection ``registry.resolve(cfg)``
  with and without validation; Hydra ``instantiate(cfg, _convert_="all")`` on a pre-built
  ``DictConfig`` and with ``OmegaConf.create`` included. Each peer runs in its own worker of the
  anchors' interpreter; none has a cache a user clears, so each is measured as it comes (warm).

Functions named ``setup_*`` and ``measure`` run inside the workers; ``run`` drives them.
Top-level imports: the standard library only (the anchors' interpreter has no recipekit).
"""

from __future__ import annotations

from benchmarks.harness import Missing, canonical, interleave, sample, summarize

FIGURE = "anchors"
TITLE = "anchors tree (50 leaves, 11 factory calls): recipekit vs fiddle, confection, Hydra"
CACHE = (
    "recipekit: cleared (clear_caches() before every call, untimed) and warm; peers as they come"
)
GOAL = {"key": "fiddle/recipekit", "at_least": 1.0}

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


def quantizer_f(
    fmt: dict | None = None, block_size: int = 16, axis: int = -1, enable: bool = True,
    calib: str = "max",
) -> dict:  # fmt: skip
    return quantizer(fmt, block_size, axis, enable, calib)


def recipe_f(
    weight: dict | None = None, input: dict | None = None, kv: dict | None = None,
    output: dict | None = None, bias: dict | None = None, algorithm: str = "max",
    calib_steps: int = 512, seed: int = 0, name: str = "r", export: bool = False,
) -> dict:  # fmt: skip
    return recipe(weight, input, kv, output, bias, algorithm, calib_steps, seed, name, export)


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


def factory_doc() -> dict:
    doc: dict = {"_factory_": _call("bench_recipe", TOP)}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        doc[u] = {"_factory_": _call("bench_quantizer", q), "fmt": {"_factory_": _call("bench_fmt", f)}}  # fmt: skip
    return doc


def target_doc() -> dict:
    doc: dict = {"_target_": "bench.recipe", **TOP}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        doc[u] = {"_target_": "bench.quantizer", **q, "fmt": {"_target_": "bench.fmt", **f}}
    return doc


# ------------------------------------------------------------------ inside the workers
def setup_recipekit() -> dict:
    import recipekit

    reg = recipekit.Registry()
    reg.register(fmt, name="bench_fmt", namespace="bench", aliases=("bench.fmt",))
    reg.register(quantizer_f, name="bench_quantizer", namespace="bench")
    reg.register(recipe_f, name="bench_recipe", namespace="bench")
    reg.register(quantizer, name="bench.quantizer", namespace="bench")
    reg.register(recipe, name="bench.recipe", namespace="bench")
    fd, td = factory_doc(), target_doc()
    clear = recipekit.clear_caches
    return {
        "plain Python calls": (plain_python, None),
        "recipekit _factory_ doc, cleared": (lambda: recipekit.resolve(fd, registry=reg), clear),
        "recipekit _factory_ doc, warm": (lambda: recipekit.resolve(fd, registry=reg), None),
        "recipekit _target_ doc, cleared": (lambda: recipekit.resolve(td, registry=reg), clear),
        "recipekit _target_ doc, warm": (lambda: recipekit.resolve(td, registry=reg), None),
    }


def _version(dist: str) -> str:
    from importlib.metadata import version

    return version(dist)


def setup_fiddle() -> dict:
    import fiddle as fdl

    kw = {}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        kw[u] = fdl.Config(quantizer, fmt=fdl.Config(fmt, **f), **q)
    cfg = fdl.Config(recipe, **kw, **TOP)
    return {f"fiddle {_version('fiddle')} fdl.build(Config)": (lambda: fdl.build(cfg), None)}


def setup_confection() -> dict:
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
        tree["recipe"][u] = {"@bench_quantizers": "quantizer.v1", **q,
                             "fmt": {"@bench_formats": "fmt.v1", **f}}  # fmt: skip
    cfg = Config(tree)
    v = _version("confection")
    return {
        f"confection {v} registry.resolve(cfg)": (lambda: reg.resolve(cfg)["recipe"], None),
        f"confection {v} resolve(cfg, validate=False)": (
            lambda: reg.resolve(cfg, validate=False)["recipe"], None),
    }  # fmt: skip


def setup_hydra() -> dict:
    from hydra.utils import instantiate
    from omegaconf import OmegaConf

    tree = {"_target_": f"{__name__}.recipe", **TOP}
    for i, u in enumerate(UNITS):
        f, q = unit_values(i)
        tree[u] = {"_target_": f"{__name__}.quantizer", **q,
                   "fmt": {"_target_": f"{__name__}.fmt", **f}}  # fmt: skip
    cfg = OmegaConf.create(tree)
    v = f"{_version('hydra-core')} [omegaconf {_version('omegaconf')}]"
    return {
        f"hydra-core {v} instantiate(DictConfig)": (
            lambda: instantiate(cfg, _convert_="all"), None),
        "hydra-core instantiate(OmegaConf.create(dict))": (
            lambda: instantiate(OmegaConf.create(tree), _convert_="all"), None),
    }  # fmt: skip


_CASES: dict = {}


def start(system: str) -> dict:
    """Set up ``system``'s cases in this worker; their labels and results (canonical JSON)."""
    try:
        cases = globals()[f"setup_{system}"]()
    except ImportError as exc:
        raise Missing(f"{system}: {type(exc).__name__}: {exc}") from exc
    _CASES.update(cases)
    out = {}
    for label, (fn, before) in cases.items():
        if before is not None:
            before()
        first = canonical(fn())
        again = canonical(fn())  # the input must not have been consumed or mutated
        out[label] = first if first == again else "changed on a second call"
    return out


def measure(label: str, reps: int) -> list[float]:
    fn, before = _CASES[label]
    return sample(fn, reps=reps, warmup=3, before=before)


# ------------------------------------------------------------------ the driver
SYSTEMS = ("recipekit", "fiddle", "confection", "hydra")


def run(ctx) -> dict:
    p = ctx.params
    want = canonical(plain_python())
    where, results, missing = {}, {}, {}
    for system in SYSTEMS:
        key = "recipekit" if system == "recipekit" else f"anchors_{system}"
        try:
            w = ctx.worker(key, python_of="recipekit" if system == "recipekit" else "anchors")
            got = w.call("anchors", "start", system=system)
        except Missing as exc:
            missing[system] = f"MISSING with {ctx.pythons.get('anchors')}: {exc}"
            continue
        for label, text in got.items():
            where[label], results[label] = w, text
    labels = list(where)
    samples = interleave(["tree"], labels, lambda label, _: where[label].call(
        "anchors", "measure", label=label, reps=p["anchor_reps"]), rounds=p["rounds"])["tree"]  # fmt: skip
    times = {label: summarize(samples[label]) for label in labels}
    plain = times.get("plain Python calls", {})
    rows = []
    for label in labels:
        equal = results[label] == want
        t = times[label]
        x_plain = t["median"] / plain["median"] if equal and plain.get("median") else None
        rows.append({"item": label, "times": {"cpu": t}, "equal": equal, "x_plain": x_plain})
    fiddle = next((t for label, t in times.items() if label.startswith("fiddle")), None)
    ratios = {}
    for label in labels:
        if label.startswith("recipekit") and fiddle and results[label] == want:
            ratios[f"fiddle/{label}"] = fiddle["median"] / times[label]["median"]
    return {"figure": FIGURE, "title": TITLE, "cache": CACHE, "goal": GOAL, "rows": rows,
            "ratios": ratios, "missing": missing}  # fmt: skip
