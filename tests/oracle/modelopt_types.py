"""Export the ModelOpt 0.47.0 type annotations its loader reads for ``$import`` decisions.

Usage::

    python tests/oracle/modelopt_types.py OUT.json          # write
    python tests/oracle/modelopt_types.py --check FILE.json  # exit 1 when FILE differs

Needs ``nvidia-modelopt==0.47.0`` in the running interpreter. ModelOpt's ``load_config`` decides
whether a list entry ``- $import: x`` is spliced, appended or rejected from Python type
annotations: the schema named by the snippet's ``# modelopt-schema:`` comment and the schema of
the containing list, found by walking pydantic ``model_fields`` / TypedDict annotations / ``dict``
value types down from the file's schema. recipekit makes the same decisions without importing
ModelOpt, from the data this script writes (``recipekit/interop/modelopt_types.json``):

* ``types``: every named type reachable from the recipe schemas, with its fields when it is a
  pydantic model or a TypedDict (``{"kind": "model"|"typeddict", "fields": {name: term}}``);
* ``schemas``: every name a ``# modelopt-schema:`` comment can use for a schema of the recipe
  modules (``module.attribute``, re-exports included) -> its term;
* ``recipe_types``: ``metadata.recipe_type`` -> recipe class (``RECIPE_TYPE_TO_CLASS``);
  ``required_sections``: the section ``load_recipe`` requires per recipe type;
  ``directory``: the schema of each file of a directory recipe (``_load_recipe_from_dir``);
* ``builtin_schemas``: the ``modelopt-schema`` of each file of ``modelopt_recipes`` (by
  package-relative path without suffix), for imports that recipekit satisfies from its registry.

A *term* is a type annotation as JSON: a named type is its ``module.qualname`` string
(``"None"`` for ``NoneType``); a parameterised one is ``[origin, *args]`` with the origin's
``repr`` (``builtins.list``, ``typing.Union``, ``types.UnionType``, ``typing.Literal``...); an
argument that is not a type (a ``Literal`` value, ``...``) is ``{"value": v}``.
"""

from __future__ import annotations

import argparse
import enum
import json
import sys
import typing
from pathlib import Path
from types import NoneType
from typing import Any, get_args, get_origin

MODELOPT_VERSION = "0.47.0"
MODULES = (
    "modelopt.torch.quantization.config",
    "modelopt.recipe.config",
    "modelopt.torch.quantization",
    "modelopt.recipe",
)


def _name(obj: Any) -> str:
    if obj is NoneType:
        return "None"
    module = getattr(obj, "__module__", None)
    qual = getattr(obj, "__qualname__", None)
    if isinstance(obj, type) and module and qual:
        return f"{module}.{qual}"
    return repr(obj)


def _is_type(obj: Any) -> bool:
    return (
        obj is NoneType
        or isinstance(obj, type)
        or get_origin(obj) is not None
        or obj is typing.Any
        or isinstance(obj, typing.TypeVar)
    )


class Exporter:
    def __init__(self) -> None:
        from typing_extensions import is_typeddict

        self.is_typeddict = is_typeddict
        self.types: dict[str, Any] = {}

    def term(self, t: Any) -> Any:
        origin = get_origin(t)
        if origin is not None:
            literal = origin is typing.Literal
            args = [
                self.term(a) if (_is_type(a) and not literal) else self.value(a)
                for a in get_args(t)
            ]
            return [_name(origin) if isinstance(origin, type) else repr(origin), *args]
        if not _is_type(t):
            return self.value(t)
        name = _name(t)
        if name not in self.types:
            self.types[name] = {}
            self.types[name] = self.describe(t)
        return name

    @staticmethod
    def value(v: Any) -> Any:
        if v is Ellipsis:
            return {"value": "..."}
        if isinstance(v, enum.Enum):
            return {"value": v.value}
        if v is None or isinstance(v, (str, int, float, bool)):
            return {"value": v}
        return {"value": repr(v)}

    def describe(self, t: Any) -> dict[str, Any]:
        fields = getattr(t, "model_fields", None)
        if isinstance(t, type) and isinstance(fields, dict) and fields:
            return {
                "kind": "model",
                "fields": {k: self.term(f.annotation) for k, f in fields.items()},
            }
        if isinstance(t, type) and self.is_typeddict(t):
            try:
                hints = typing.get_type_hints(t, include_extras=True)
            except Exception:
                hints = dict(getattr(t, "__annotations__", {}))
            return {"kind": "typeddict", "fields": {k: self.term(a) for k, a in hints.items()}}
        return {}


def _schema_like(obj: Any, is_typeddict: Any) -> bool:
    if isinstance(obj, type):
        return bool(getattr(obj, "model_fields", None)) or is_typeddict(obj)
    return get_origin(obj) is not None


def export() -> dict[str, Any]:
    import importlib

    import modelopt
    from modelopt.recipe import loader
    from modelopt.recipe.config import RECIPE_TYPE_TO_CLASS, RecipeMetadataConfig
    from modelopt.torch.opt import config_loader
    from modelopt.torch.quantization.config import QuantizeConfig

    if modelopt.__version__ != MODELOPT_VERSION:
        sys.exit(f"needs nvidia-modelopt=={MODELOPT_VERSION}, found {modelopt.__version__}")
    ex = Exporter()
    schemas: dict[str, Any] = {}
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for attr in sorted(vars(module)):
            obj = getattr(module, attr)
            if not attr.startswith("_") and _schema_like(obj, ex.is_typeddict):
                schemas[f"{module_name}.{attr}"] = ex.term(obj)
    recipe_types = {rt.value: ex.term(cls) for rt, cls in RECIPE_TYPE_TO_CLASS.items()}
    required = {rt.value: s for rt, s in loader._REQUIRED_SECTION_PER_RECIPE_TYPE.items()}
    directory = {"metadata": ex.term(RecipeMetadataConfig), "quantize": ex.term(QuantizeConfig)}
    root = Path(str(config_loader.BUILTIN_CONFIG_ROOT))
    builtin = {}
    for file in sorted(p for p in root.rglob("*") if p.suffix in (".yml", ".yaml")):
        schema = config_loader._parse_modelopt_schema(file.read_text(encoding="utf-8"), file)
        if schema is not None:
            builtin[file.relative_to(root).with_suffix("").as_posix()] = schema
    return {
        "modelopt_version": MODELOPT_VERSION,
        "recipe_types": recipe_types,
        "required_sections": required,
        "directory": directory,
        "schemas": dict(sorted(schemas.items())),
        "builtin_schemas": builtin,
        "types": dict(sorted(ex.types.items())),
    }


def to_text(data: Any) -> str:
    return json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", help="write the table here")
    parser.add_argument("--check", help="compare with this file instead of writing")
    args = parser.parse_args()
    text = to_text(export())
    if args.check:
        same = Path(args.check).read_text(encoding="utf-8") == text
        print("same" if same else f"{args.check} differs from ModelOpt {MODELOPT_VERSION}")
        return 0 if same else 1
    Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
