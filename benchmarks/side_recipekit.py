"""The recipekit side, run inside a worker of recipekit's interpreter (the tree being measured:
the worker has the repository root first on ``sys.path``).

``measure`` resolves one source through the public API, ``recipekit.resolve(source,
overrides)``, with ``recipekit.clear_caches()`` before every call (untimed) when ``cleared``,
so every file is read and parsed again, as a user's first call in a process meets it; without
it the caches stay warm from the previous call. It returns the CPU-time samples and the result
of an untimed call (pickled back, so the parent can check it against the peer's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.harness import REPO, sample


def _source(source: str, is_path: bool) -> Any:
    return Path(source) if is_path else source


def measure(
    source: str,
    *,
    is_path: bool = False,
    overrides: tuple[str, ...] = (),
    cleared: bool = True,
    reps: int = 10,
    warmup: int = 1,
) -> dict:
    import recipekit

    src = _source(source, is_path)
    before = recipekit.clear_caches if cleared else None
    if cleared:
        recipekit.clear_caches()
    result = recipekit.resolve(src, list(overrides))
    samples = sample(
        lambda: recipekit.resolve(src, list(overrides)), reps=reps, warmup=warmup, before=before
    )
    return {"samples": samples, "result": result}


def own_recipe_path(stem: str) -> str:
    """recipekit's own YAML file of ``general/ptq/<stem>``."""
    return str(REPO / "recipekit" / "recipes" / "general" / "ptq" / f"{stem}.yaml")


def info() -> dict:
    import platform

    import yaml

    import recipekit

    return {
        "recipekit": recipekit.__version__,
        "recipekit_file": recipekit.__file__,
        "python": platform.python_version(),
        "pyyaml": yaml.__version__,
        "libyaml": bool(getattr(yaml, "__with_libyaml__", False)),
    }
