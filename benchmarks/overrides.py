"""Figure *overrides*: a recipe by name with 1, 10 and 100 dot-list overrides.

recipekit ``recipekit.resolve("general/ptq/X", overrides)`` (caches cleared before every call)
vs ModelOpt ``load_recipe("general/ptq/X", overrides=overrides)``, on every third recipe of
the 24 (ModelOpt takes 20–60 ms a call here; ``run.PARAMS["full"]["override_stems"]``).

Overrides both accept: ModelOpt merges them with ``OmegaConf.from_dotlist`` into the recipe's
``model_dump()``, which cannot index lists (merging ``quant_cfg.1.x=...`` into a list fails), so
the paths are the recipe's mapping keys that exist on both sides: ``metadata.description`` (a new
text each time) and ``metadata.recipe_type`` (set to ``ptq``), alternating. Both sides apply them
in order; the result is checked equal like every recipe figure (the ``pre`` check applies them
with ModelOpt's own ``_apply_dotlist`` to ModelOpt's pre-validation data).
"""

from benchmarks.recipes import MODELOPT, Side, compare, recipe_name

FIGURE = "overrides"
TITLE = 'overrides: resolve("general/ptq/X", N overrides) vs load_recipe(..., overrides=)'
CACHE = "recipekit: clear_caches() before every call (untimed); ModelOpt has no cache"
GOAL = {"key": "modelopt/recipekit", "at_least": 100.0, "group": "100"}
COUNTS = (1, 10, 100)


def make_overrides(n: int) -> tuple[str, ...]:
    return tuple(
        f"metadata.description=bench override {i}" if i % 2 == 0 else "metadata.recipe_type=ptq"
        for i in range(n)
    )


def run(ctx) -> dict:
    items = [(stem, n) for n in COUNTS for stem in ctx.params["override_stems"]]

    def ours(item):
        return {"source": recipe_name(item[0]), "overrides": make_overrides(item[1])}

    def theirs(item):
        return {"recipe": recipe_name(item[0]), "overrides": make_overrides(item[1])}

    sides = {
        "recipekit": Side("recipekit", "side_recipekit", ours, True),
        MODELOPT: Side(MODELOPT, "side_modelopt", theirs),
    }
    result = compare(ctx, items=items, sides=sides, stem_of=lambda i: i[0],
                     overrides_of=lambda i: make_overrides(i[1]), group_of=lambda i: str(i[1]))  # fmt: skip
    return {"figure": FIGURE, "title": TITLE, "cache": CACHE, "goal": GOAL, **result}
