"""cProfile of one recipekit figure's work, to see where the time of a figure goes.

    python benchmarks/profile_recipekit.py general/ptq/nvfp4_mlp_only-kv_fp8            # the job figure
    python benchmarks/profile_recipekit.py recipekit/recipes/general/ptq/X.yaml         # own YAML
    python benchmarks/profile_recipekit.py NAME -o metadata.description=x -o ...        # overrides
    python benchmarks/profile_recipekit.py NAME --warm --calls 500 --top 30 --sort tottime

It profiles ``recipekit.resolve(source, overrides)`` of the tree it runs from, ``--calls`` times,
with ``recipekit.clear_caches()`` before every call outside the profile (the figures' "cleared"
state; ``--warm`` keeps the caches), and prints the top entries. A source that is an existing
file is passed as a ``Path``, like the figures do.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
from pathlib import Path

# The repository root replaces this script's folder on the path: benchmarks/*.py are imported as
# benchmarks.*, and must not shadow top-level modules of the same name (``profile``, ...).
sys.path[0] = str(Path(__file__).resolve().parent.parent)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", help="registered name, YAML file or YAML text")
    ap.add_argument("-o", "--override", action="append", default=[], help="repeatable")
    ap.add_argument("--warm", action="store_true", help="keep caches between calls")
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", default="cumulative", choices=["cumulative", "tottime", "ncalls"])
    a = ap.parse_args(argv)

    import recipekit

    source = Path(a.source) if Path(a.source).is_file() else a.source
    recipekit.resolve(source, a.override)  # imports and first-use set-up stay out of the profile
    profile = cProfile.Profile()
    for _ in range(a.calls):
        if not a.warm:
            recipekit.clear_caches()
        profile.enable()
        recipekit.resolve(source, a.override)
        profile.disable()
    stats = pstats.Stats(profile)
    print(f"{a.calls} calls of recipekit.resolve({a.source!r}), caches "
          f"{'warm' if a.warm else 'cleared before each (outside the profile)'}")  # fmt: skip
    stats.strip_dirs().sort_stats(a.sort).print_stats(a.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
