"""Figure *start-up*: the whole ``recipekit resolve NAME`` process, from a regular install.

``regular_install()`` builds a wheel of the tree being measured (its ``recipekit/``,
``pyproject.toml`` and ``README.md`` copied to a temporary directory, so the work tree gets no
build files; ``pip wheel --no-deps --no-build-isolation`` with recipekit's interpreter) and
installs it with ``pip install --no-deps --force-reinstall`` into a virtualenv made once by
``python -m venv`` from recipekit's interpreter (default ``/tmp/rk-bench-regular``), whose
runtime dependencies (``pyyaml``, ``catalogue``, ``omegaconf``, at the versions recipekit's
interpreter has) pip installs the first time. An editable install would add its import hook to
every interpreter start and inflate the baseline; this one is what ``pip install recipekit``
gives a user.

Three commands of that virtualenv run round-robin (one untimed run each first: ``.pyc`` files,
page cache), from an empty directory with no ``PYTHONPATH``:

* ``recipekit resolve general/ptq/nvfp4_default-kv_fp8`` (the console script, YAML to stdout),
* ``python -c pass``, ``python -c "import yaml"``.

Each run's time is the child's CPU time (user + system, from ``os.wait4``'s rusage); wall time
is kept too. The ratio counts only if recipekit's output (ExMy strings read back as ModelOpt
does: ``e4m3`` -> ``[4, 3]`` under ``num_bits``/``scale_bits``) equals ModelOpt's golden
pre-validation data of the recipe.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.harness import REPO, canonical, ratio, summarize

FIGURE = "startup"
TITLE = "start-up: the `recipekit resolve NAME` process (regular install) vs bare interpreters"
CACHE = "a fresh process each run (one untimed run first); .pyc files written at install"
GOAL = {"key": "recipekit/bare", "at_most": 4.5}
RECIPE = "general/ptq/nvfp4_default-kv_fp8"
#: recipekit's runtime dependencies (pyproject.toml), installed at the versions recipekit's
#: interpreter has
DEPS = ("pyyaml", "catalogue", "omegaconf", "fastjsonschema", "jsonschema")
EXMY = re.compile(r"^[Ee](\d+)[Mm](\d+)$")


def clean_env() -> dict:
    """The environment without ``PYTHON*`` variables (no work tree on the path)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def _run(cmd: list[str], **kw) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=clean_env(), **kw)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.strip()[-800:]}")
    return proc.stdout


def regular_install(python: str, dest: Path) -> Path:
    """Install the tree at ``REPO`` into the virtualenv ``dest`` (made if needed); its python."""
    py = dest / "bin" / "python"
    if not py.exists():
        _run([python, "-m", "venv", str(dest)])
    versions = json.loads(_run([python, "-c", (
        "import json, importlib.metadata as m; "
        f"print(json.dumps({{d: m.version(d) for d in {DEPS!r}}}))")]))  # fmt: skip
    _run([str(py), "-m", "pip", "install", "-q", *(f"{d}=={v}" for d, v in versions.items())])
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(REPO / "recipekit", src / "recipekit",
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        for name in ("pyproject.toml", "README.md"):
            shutil.copy(REPO / name, src / name)
        _run([python, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
              "-w", str(Path(tmp) / "dist"), str(src)])  # fmt: skip
        wheel = next((Path(tmp) / "dist").glob("recipekit-*.whl"))
        _run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)])
    where = _run([str(py), "-c", "import recipekit; print(recipekit.__file__)"], cwd="/").strip()
    if not where.startswith(str(dest)):
        raise RuntimeError(f"the regular install imports recipekit from {where}")
    return py


def run_once(cmd: list[str], cwd: str, env: dict) -> tuple[float, float, str]:
    """(CPU µs, wall µs, stdout) of one process."""
    with tempfile.TemporaryFile() as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = (time.perf_counter() - t0) * 1e6
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if proc.returncode:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}")
    return (usage.ru_utime + usage.ru_stime) * 1e6, wall, text


def exmy_as_modelopt(obj, key=None):
    """YAML output read back as ModelOpt reads ExMy strings (report §3: num_bits/scale_bits)."""
    if isinstance(obj, dict):
        return {k: exmy_as_modelopt(v, k) for k, v in obj.items()}
    if isinstance(obj, list):
        return [exmy_as_modelopt(v) for v in obj]
    if key in ("num_bits", "scale_bits") and isinstance(obj, str) and EXMY.match(obj):
        e, m = EXMY.match(obj).groups()
        return [int(e), int(m)]
    return obj


def output_equals_golden(text: str, reference: Path) -> bool | None:
    import yaml

    golden = reference / "modelopt-0.47.0" / "golden" / f"{RECIPE}.json"
    if not golden.is_file():
        return None
    want = json.loads(golden.read_text())["resolved_pre_validation"]
    return canonical(exmy_as_modelopt(yaml.safe_load(text))) == canonical(want)


def run(ctx) -> dict:
    p = ctx.params
    py = regular_install(ctx.pythons.get("recipekit", sys.executable), Path(p["regular_venv"]))
    cmds = {
        "recipekit": [str(py.parent / "recipekit"), "resolve", RECIPE],
        "bare": [str(py), "-c", "pass"],
        "yaml": [str(py), "-c", "import yaml"],
    }
    labels = {"recipekit": f"recipekit resolve {RECIPE}", "bare": "python -c pass",
              "yaml": 'python -c "import yaml"'}  # fmt: skip
    env = clean_env()
    cpu: dict[str, list[float]] = {k: [] for k in cmds}
    wall: dict[str, list[float]] = {k: [] for k in cmds}
    outputs = []
    with tempfile.TemporaryDirectory() as cwd:
        for cmd in cmds.values():
            run_once(cmd, cwd, env)
        for r in range(p["startup_runs"]):
            order = list(cmds)[r % 3 :] + list(cmds)[: r % 3]
            for key in order:
                c, w, out = run_once(cmds[key], cwd, env)
                cpu[key].append(c)
                wall[key].append(w)
                if key == "recipekit":
                    outputs.append(out)
    equal = len(set(outputs)) == 1 and output_equals_golden(outputs[0], Path(p["reference"]))
    times = {k: summarize(v) for k, v in cpu.items()}
    rows = [{"item": labels[k], "times": {"cpu": times[k], "wall": summarize(wall[k])}}
            for k in cmds]  # fmt: skip
    rk = times["recipekit"]
    ratios = {  # how many times the bare start-up each costs (a ratio of CPU medians)
        "recipekit/bare": ratio(rk, times["bare"], bool(equal)),
        "recipekit/yaml": ratio(rk, times["yaml"], bool(equal)),
        "yaml/bare": ratio(times["yaml"], times["bare"], True),
    }
    return {"figure": FIGURE, "title": TITLE, "cache": CACHE, "goal": GOAL, "rows": rows,
            "ratios": ratios, "equal": equal, "python": str(py),
            "install": "a wheel of this tree, pip install --no-deps --force-reinstall (startup.py)"}  # fmt: skip
