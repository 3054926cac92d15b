"""Figure *own YAML*: recipekit's own YAML file of a recipe vs ModelOpt loading the recipe.

recipekit ``recipekit.resolve(Path("recipekit/recipes/general/ptq/X.yaml"))`` (its ``_factory_``
stub, read and parsed on every call: caches cleared before every call) vs ModelOpt
``load_recipe("general/ptq/X")`` (which reads the recipe and its ``$import`` files).
"""

from benchmarks.recipes import MODELOPT, Side, compare, recipe_name, stems
from benchmarks.side_recipekit import own_recipe_path

FIGURE = "own_yaml"
TITLE = "own YAML: resolve(recipekit/recipes/general/ptq/X.yaml) vs load_recipe(general/ptq/X)"
CACHE = "recipekit: clear_caches() before every call (untimed); ModelOpt has no cache"
GOAL = {"key": "modelopt/recipekit", "at_least": 100.0}


def run(ctx) -> dict:
    def ours(stem):
        return {"source": own_recipe_path(stem), "is_path": True}

    sides = {
        "recipekit": Side("recipekit", "side_recipekit", ours, True),
        MODELOPT: Side(MODELOPT, "side_modelopt", lambda s: {"recipe": recipe_name(s)}),
    }
    return {"figure": FIGURE, "title": TITLE, "cache": CACHE, "goal": GOAL,
            **compare(ctx, items=stems(ctx), sides=sides)}  # fmt: skip
