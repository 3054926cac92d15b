"""The timing harness every comparison shares: CPU time, interleaved sides, checked results.

Rules (one place for each):

* **CPU time.** A sample is ``time.process_time_ns()`` around the work: the CPU the measuring
  process spent, so other tenants of a shared machine do not count (they still disturb caches;
  read small differences with care). ``sample()`` times each call on its own when work must
  happen between calls (``before``: e.g. ``recipekit.clear_caches()``, untimed), and otherwise
  times batches of calls (a batch lasts at least ``BATCH_NS``) so the clock's own cost (~0.3 µs)
  disappears. Whole processes are timed by their rusage (user + system CPU, see ``startup.py``).
* **Interleaving.** ``interleave()`` runs the sides of a comparison item by item, in rounds, the
  side order rotated each round, so a slow phase of the machine hits every side alike. Each side
  runs in its own worker process (``worker.py``) where imports would interfere; the workers live
  for the whole run, so imports and warm-up are paid once and never timed.
* **Summaries.** A time is the median of its samples, with min–max; a figure over many items
  (recipes) is the median of the per-item ratios, with their min–max.
* **Equality before a ratio.** ``ratio()`` returns ``None`` unless the two sides' results were
  checked equal (canonical JSON text, ``canonical()``); a figure counts only the items that are.

The module imports the standard library only: peers' interpreters import it too.
"""

from __future__ import annotations

import enum
import json
import math
import os
import pickle
import statistics
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BATCH_NS = 200_000  # a batch of fast calls lasts at least this long

clock = time.process_time_ns


# ------------------------------------------------------------------------------- canonical form
def to_json_data(obj: Any) -> Any:
    """The canonical JSON data of ``obj`` (ModelOpt reference rules, shared/reference
    modelopt-0.47.0/report.md §2): pydantic models dumped with their ``model_dump``, tuples as
    lists, enums as their value, non-string keys as their JSON text; ints and floats distinct."""
    if hasattr(obj, "model_dump") and callable(obj.model_dump):
        obj = obj.model_dump()
    if isinstance(obj, enum.Enum):
        return to_json_data(obj.value)
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        return [to_json_data(x) for x in obj]
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if isinstance(k, enum.Enum):
                k = k.value
            out[k if isinstance(k, str) else json.dumps(k)] = to_json_data(v)
        return out
    return repr(obj)


def canonical(obj: Any) -> str:
    """Canonical JSON text: what two sides' results are compared as."""
    return json.dumps(to_json_data(obj), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------------------------- sampling
def sample(
    fn: Callable[[], Any],
    *,
    reps: int,
    warmup: int = 1,
    before: Callable[[], Any] | None = None,
) -> list[float]:
    """``reps`` CPU-time samples of ``fn()`` in µs per call, after ``warmup`` untimed calls.

    With ``before`` (untimed, e.g. clearing caches) each call is timed alone; without, calls are
    timed in batches of at least ``BATCH_NS`` and a sample is the batch's time per call."""
    for _ in range(warmup):
        if before is not None:
            before()
        fn()
    out = []
    if before is not None:
        for _ in range(reps):
            before()
            t0 = clock()
            fn()
            out.append((clock() - t0) / 1e3)
        return out
    t0 = clock()
    fn()
    batch = max(1, min(10_000, int(BATCH_NS / max(clock() - t0, 1))))
    for _ in range(reps):
        t0 = clock()
        for _ in range(batch):
            fn()
        out.append((clock() - t0) / 1e3 / batch)
    return out


def summarize(samples: Sequence[float]) -> dict:
    """Median and min–max of some samples (µs or any unit), and their count."""
    if not samples:
        return {"n": 0}
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "n": len(samples),
    }


def ratio(peer: dict, ours: dict, equal: bool) -> float | None:
    """peer median / our median, only when the results were checked equal."""
    if not equal or not peer.get("median") or not ours.get("median"):
        return None
    return peer["median"] / ours["median"]


def over_items(ratios: Iterable[float | None]) -> dict:
    """A figure over items: median of the per-item ratios that count, with min–max."""
    xs = [r for r in ratios if r is not None]
    return summarize(xs)


def fit_exponent(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Least-squares slope of log(y) on log(x): the growth exponent of y in x."""
    pts = [(math.log(x), math.log(y)) for x, y in zip(xs, ys, strict=True) if x > 0 and y > 0]
    if len(pts) < 2:
        return None
    mx = statistics.fmean(x for x, _ in pts)
    my = statistics.fmean(y for _, y in pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else None


def interleave(
    items: Sequence[Any],
    sides: Sequence[str],
    measure: Callable[[str, Any], list[float]],
    *,
    rounds: int,
) -> dict[Any, dict[str, list[float]]]:
    """Samples per item and side: ``rounds`` passes over the items, each running every side on
    the item before the next item, the side order rotated by one each round."""
    out: dict[Any, dict[str, list[float]]] = {item: {s: [] for s in sides} for item in items}
    for r in range(rounds):
        order = list(sides[r % len(sides) :]) + list(sides[: r % len(sides)])
        for item in items:
            for side in order:
                out[item][side] += measure(side, item)
    return out


# -------------------------------------------------------------------------------------- workers
class WorkerError(RuntimeError):
    """The work failed inside a worker; the message is the worker's traceback."""


class Missing(RuntimeError):
    """A peer cannot be imported by the interpreter given for it (reported as MISSING)."""


def _send(stream, obj: Any) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(struct.pack("<Q", len(data)) + data)
    stream.flush()


def _recv(stream) -> Any:
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("worker closed its pipe")
    (size,) = struct.unpack("<Q", head)
    return pickle.loads(stream.read(size))


class Worker:
    """A long-lived process of ``python`` running ``benchmarks/worker.py``: ``call(module, func,
    **kwargs)`` runs ``benchmarks.<module>.<func>(**kwargs)`` there and returns its result
    (pickled both ways, so tuples and int keys survive). The repository root is on its path."""

    def __init__(self, python: str | os.PathLike = sys.executable, env: dict | None = None):
        self.python = str(python)
        if not Path(self.python).exists():
            raise Missing(f"no interpreter {self.python}")
        full_env = dict(os.environ if env is None else env)
        full_env["PYTHONPATH"] = os.pathsep.join(
            x for x in (str(REPO), full_env.get("PYTHONPATH")) if x
        )
        full_env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.proc = subprocess.Popen(
            [self.python, "-W", "ignore", str(REPO / "benchmarks" / "worker.py")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=str(REPO),
            env=full_env,
        )

    def call(self, module: str, func: str, **kwargs: Any) -> Any:
        try:
            _send(self.proc.stdin, (module, func, kwargs))
            ok, value = _recv(self.proc.stdout)
        except (EOFError, BrokenPipeError) as exc:
            raise WorkerError(
                f"the worker of {self.python} died (exit {self.proc.wait()})"
            ) from exc
        if ok == "missing":
            raise Missing(value)
        if ok != "ok":
            raise WorkerError(value)
        return value

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def serve(stdin, stdout) -> None:
    """The worker's loop (``worker.py``): requests in, ``(status, value)`` out, until EOF."""
    import importlib
    import traceback

    while True:
        try:
            module, func, kwargs = _recv(stdin)
        except EOFError:
            return
        try:
            fn = getattr(importlib.import_module(f"benchmarks.{module}"), func)
            reply = ("ok", fn(**kwargs))
        except Missing as exc:
            reply = ("missing", str(exc))
        except BaseException:
            reply = ("error", traceback.format_exc(limit=8))
        _send(stdout, reply)


class Context:
    """What one run shares: its parameters (``params``, see ``run.PARAMS``), the interpreters
    of the sides (``pythons``: side -> interpreter), long-lived workers (one per side key, made
    on first use and closed at the end) and a log."""

    def __init__(self, params: dict, pythons: dict[str, str], log: Callable[[str], None] = print):
        self.params, self.pythons, self.log = params, pythons, log
        self.workers: dict[str, Worker] = {}
        self.memo: dict[Any, Any] = {}  # results shared between figures (ModelOpt references)

    def worker(
        self,
        key: str,
        python_of: str | None = None,
        setup: str | None = None,
        env: dict | None = None,
    ) -> Worker:
        """The worker ``key``, running the interpreter of side ``python_of`` (default ``key``)
        in ``env`` (default: this process's environment); ``setup`` names a function of that
        side's module called once when it starts."""
        if key not in self.workers:
            w = Worker(self.pythons.get(python_of or key, sys.executable), env)
            self.workers[key] = w
            if setup is not None:
                module, func = setup.rsplit(".", 1)
                w.call(module, func)
        return self.workers[key]

    def close(self) -> None:
        for w in self.workers.values():
            w.close()
        self.workers.clear()
