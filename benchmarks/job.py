"""Figure *job*: a recipe by name through the public API, as a user's program asks for it.

recipekit ``recipekit.resolve("general/ptq/X")`` (the registered factory, its check pass, copy
and hooks; caches cleared before every call) vs ModelOpt ``load_recipe("general/ptq/X")``.
"""

from benchmarks.recipes import MODELOPT, Side, compare, recipe_name, stems

FIGURE = "job"
TITLE = 'job: recipekit.resolve("general/ptq/X") vs load_recipe("general/ptq/X")'
CACHE = "recipekit: clear_caches() before every call (untimed); ModelOpt has no cache"
GOAL = {"key": "modelopt/recipekit", "at_least": 500.0}


def run(ctx) -> dict:
    sides = {
        "recipekit": Side(
            "recipekit", "side_recipekit", lambda s: {"source": recipe_name(s)}, True
        ),
        MODELOPT: Side(MODELOPT, "side_modelopt", lambda s: {"recipe": recipe_name(s)}),
    }
    return {"figure": FIGURE, "title": TITLE, "cache": CACHE, "goal": GOAL,
            **compare(ctx, items=stems(ctx), sides=sides)}  # fmt: skip
