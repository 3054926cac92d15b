"""The ModelOpt 0.47.0 side, run inside a worker of ModelOpt's interpreter.

``measure`` times the public loader, ``modelopt.recipe.load_recipe(recipe, overrides)``: it
reads and parses every YAML file involved on every call (ModelOpt has no cache) and validates
the result with pydantic; its one printed line per call goes to ``/dev/null`` (``worker.py``).

``use_c_loader()`` switches this process's ModelOpt to PyYAML's C loader (libyaml): ModelOpt
calls ``yaml.safe_load`` / ``yaml.safe_load_all``, which are replaced by the same functions with
``Loader=yaml.CSafeLoader``. recipekit parses with libyaml when it is available, so this is the
fair parser for the "same file" figure.

``reference`` gives ModelOpt's result of a recipe, untimed, in two forms the parent checks
recipekit's result against (canonical JSON text):

* ``pre``: the ``$import``-resolved data before pydantic validation (what recipekit returns),
  from ModelOpt's own loader internals, as the reference goldens were made
  (shared/reference/modelopt-0.47.0/scripts/resolve_all.py), with the overrides applied by
  ModelOpt's own ``_apply_dotlist``;
* ``validated``: ``load_recipe(...)`` itself, dumped with its ``model_dump``.

``validate`` runs recipekit's result through the same pydantic schema, so ``validated`` can be
compared too: equal only if both sides produce the recipe object ModelOpt would use.
"""

from __future__ import annotations

from typing import Any

from benchmarks.harness import Missing, canonical, sample

_IMPORT_S: list[float] = []


def _modelopt():
    import time

    t0 = time.perf_counter()
    try:
        from modelopt.recipe import load_recipe
        from modelopt.recipe import loader as L
        from modelopt.recipe.config import RECIPE_TYPE_TO_CLASS, RecipeType
        from modelopt.torch.opt import config_loader as CL
    except Exception as exc:
        raise Missing(f"import modelopt.recipe failed: {type(exc).__name__}: {exc}") from exc
    if not _IMPORT_S:
        _IMPORT_S.append(time.perf_counter() - t0)
    return load_recipe, L, CL, RECIPE_TYPE_TO_CLASS, RecipeType


def use_c_loader() -> bool:
    import yaml

    def safe_load(stream):
        return yaml.load(stream, Loader=yaml.CSafeLoader)

    def safe_load_all(stream):
        return yaml.load_all(stream, Loader=yaml.CSafeLoader)

    yaml.safe_load, yaml.safe_load_all = safe_load, safe_load_all
    _modelopt()
    return True


def measure(
    recipe: str, *, overrides: tuple[str, ...] = (), reps: int = 5, warmup: int = 1
) -> dict:
    load_recipe = _modelopt()[0]
    ov = list(overrides) or None
    return {"samples": sample(lambda: load_recipe(recipe, ov), reps=reps, warmup=warmup)}


def _schema(L, recipe: str):
    _, _, _, classes, _ = _modelopt()
    path = L._resolve_recipe_path(recipe)
    return path, classes[L._peek_recipe_type(path)]


def reference(recipe: str, *, overrides: tuple[str, ...] = ()) -> dict:
    load_recipe, L, CL, _, _ = _modelopt()
    path, schema = _schema(L, recipe)
    pre: Any = None
    try:
        data = CL._load_raw_config_with_schema(path).data
        if isinstance(data, (CL._ListSnippet, dict)):
            data = CL._resolve_imports(data, schema_type=schema)
        pre = canonical(L._apply_dotlist(data, list(overrides)) if overrides else data)
    except Exception as exc:  # internals moved: the validated form is still checked
        pre = f"unavailable: {type(exc).__name__}: {exc}"
    return {"pre": pre, "validated": canonical(load_recipe(recipe, list(overrides) or None))}


def validate(recipe: str, data: Any) -> str:
    _, L, _, _, _ = _modelopt()
    return canonical(_schema(L, recipe)[1].model_validate(data))


def recipes_root() -> str:
    from pathlib import Path

    import modelopt_recipes

    return str(Path(modelopt_recipes.__file__).resolve().parent)


def info() -> dict:
    from importlib.metadata import version

    import yaml

    _modelopt()
    return {
        "nvidia-modelopt": version("nvidia-modelopt"),
        "pydantic": version("pydantic"),
        "pyyaml": yaml.__version__,
        "import_s": round(_IMPORT_S[0], 2),
        "c_loader": yaml.safe_load.__module__ == __name__,
    }
