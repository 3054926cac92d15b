"""Figure *same file*: ModelOpt's own ``$import`` recipe file, read by each side.

The file is ``modelopt_recipes/general/ptq/X.yaml`` of the installed ModelOpt (found by asking
ModelOpt's interpreter) with its ``imports:`` files under ``modelopt_recipes/configs``.
recipekit ``recipekit.resolve(Path(file))`` (caches cleared before every call) vs ModelOpt
``load_recipe(file)`` on its default parser (pure-Python ``yaml.safe_load``) and vs ModelOpt
switched to PyYAML's C loader in its own process (``side_modelopt.use_c_loader``), the parser
recipekit uses.
"""

from pathlib import Path

from benchmarks.recipes import MODELOPT, MODELOPT_C, Side, compare, stems, worker

FIGURE = "same_file"
TITLE = "same file: ModelOpt's general/ptq/X.yaml read by recipekit vs by load_recipe"
CACHE = "recipekit: clear_caches() before every call (untimed); ModelOpt has no cache"
GOAL = {"key": "modelopt/recipekit", "at_least": 30.0,
        "also": {"key": "modelopt_c/recipekit", "at_least": 5.0}}  # fmt: skip


def run(ctx) -> dict:
    root = Path(worker(ctx, MODELOPT).call("side_modelopt", "recipes_root"))

    def file(stem: str) -> str:
        return str(root / "general" / "ptq" / f"{stem}.yaml")

    sides = {
        "recipekit": Side(
            "recipekit", "side_recipekit", lambda s: {"source": file(s), "is_path": True}, True
        ),
        MODELOPT: Side(MODELOPT, "side_modelopt", lambda s: {"recipe": file(s)}),
        MODELOPT_C: Side(MODELOPT_C, "side_modelopt", lambda s: {"recipe": file(s)}),
    }
    return {"figure": FIGURE, "title": TITLE, "cache": CACHE, "goal": GOAL, "root": str(root),
            **compare(ctx, items=stems(ctx), sides=sides)}  # fmt: skip
