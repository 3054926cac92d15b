"""``recipekit schema``: the JSON Schema of recipe *files*, for editors and CI.

ModelOpt's own schemas (exported from its pydantic classes into
``recipekit/schemas/modelopt-<version>/``, with ``INDEX.json`` naming the schema of each
``metadata.recipe_type``) describe *resolved* data. A recipe file may write any value in
recipekit's source grammar instead, so ``file_schema`` rewrites a resolved-data schema once:
every value position — the root, each property, ``additionalProperties``, list items, each
branch of ``anyOf``/``oneOf``/``allOf`` — also accepts

* a factory node: a mapping with a string ``_factory_`` (siblings override fields of the result,
  so any other keys are allowed), or a ``_target_`` node;
* a string that is resolved before validation: an ``@file[:section]`` include or a ``${...}``
  interpolation.

A factory node in a list may return a list that is spliced in place, so items stay open in the
same way. Titles and descriptions move to the wrapper so editors still show them on hover.
The rewritten schema is JSON Schema 2020-12; point an editor at it with one line at the top of a
recipe file: ``# yaml-language-server: $schema=recipe.schema.json``.

The shipped schemas and their index are read through ``recipekit.schemas`` (one reader,
memoised as package data).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from recipekit import schemas
from recipekit.factories import MODELOPT_VERSION
from recipekit.resolver import keys
from recipekit.resolver.errors import UnknownFactoryError, closest

SCHEMA_VERSION = schemas.FOLDER  # the schemas' folder name is the version shown
DIALECT = "https://json-schema.org/draft/2020-12/schema"
_SOURCE = "_recipekit_source"  # the $defs entry of the source grammar's own value forms
_LIFTED = ("title", "description", "default")
_CHILD_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_CHILD_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_CHILD_ONE = ("items", "additionalProperties", "contains", "not")


def available() -> list[str]:
    """The recipe types a schema is shipped for (empty when none is)."""
    return sorted(schemas.index()["recipe_types"])


def source_forms() -> dict[str, Any]:
    """What a recipe file may write in place of any value (see the module docstring)."""
    string = {"type": "string"}
    return {
        "anyOf": [
            {
                "type": "object",
                "required": [keys.FACTORY],
                "properties": {keys.FACTORY: string},
                "description": "a registered factory (NAME or NAME(arg=...)); sibling keys "
                "override fields of its result",
            },
            {
                "type": "object",
                "required": [keys.TARGET],
                "properties": {keys.TARGET: string},
                "description": "a callable by dotted path (allowed with --allow-import)",
            },
            {
                "type": "string",
                "pattern": "^" + re.escape(keys.INCLUDE_PREFIX),
                "description": "@file.yaml[:section]: the value from another file",
            },
            {
                "type": "string",
                "pattern": re.escape(keys.INTERPOLATION_OPEN),
                "description": "a ${...} interpolation",
            },
        ]
    }


def file_schema(data_schema: dict[str, Any]) -> dict[str, Any]:
    """The schema of recipe files whose resolved data ``data_schema`` describes."""
    schema = _open(data_schema, root=True)
    schema.setdefault("$defs", {})[_SOURCE] = source_forms()
    return {"$schema": DIALECT, **schema}


def _open(node: Any, root: bool = False) -> Any:
    """``node`` with every value position below it (and itself, unless ``root``) also taking
    the source forms; ``root`` keeps the top level a plain schema so ``$defs`` stay in place."""
    if not isinstance(node, dict):
        return node
    inner = dict(node)
    for key in _CHILD_MAPS:
        if isinstance(inner.get(key), dict):
            wrap = key not in ("$defs", "definitions")
            inner[key] = {
                name: _wrap(child) if wrap else _open(child) for name, child in inner[key].items()
            }
    for key in _CHILD_LISTS:
        if isinstance(inner.get(key), list):
            inner[key] = [_open(child) for child in inner[key]]
    for key in _CHILD_ONE:
        if isinstance(inner.get(key), dict):
            inner[key] = _wrap(inner[key])
    if root:
        return {"anyOf": [_without_defs(inner), {"$ref": f"#/$defs/{_SOURCE}"}], **_defs(inner)}
    return inner


def _wrap(node: dict[str, Any]) -> dict[str, Any]:
    inner = _open(node)
    lifted = {k: inner.pop(k) for k in _LIFTED if k in inner}
    return {**lifted, "anyOf": [inner, {"$ref": f"#/$defs/{_SOURCE}"}]}


def _defs(node: dict[str, Any]) -> dict[str, Any]:
    out = {k: node[k] for k in ("$defs",) if k in node}
    out.update({k: node[k] for k in _LIFTED if k in node})
    return out


def _without_defs(node: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in node.items() if k not in ("$defs", *_LIFTED)}


def recipe_schema(recipe_type: str = "ptq") -> dict[str, Any]:
    """The file schema for recipes of ``metadata.recipe_type: recipe_type``."""
    types = schemas.index()["recipe_types"]
    if recipe_type not in types:
        raise UnknownFactoryError(
            f"no schema for recipe type {recipe_type!r}",
            expected="one of " + ", ".join(sorted(types)),
            suggestions=closest(recipe_type, types),
        )
    name = types[recipe_type]["schema"]
    schema = file_schema(copy.deepcopy(schemas.schema(name)))  # the shared copy stays as it is
    schema["$comment"] = (
        f"recipekit file schema for {recipe_type} recipes: ModelOpt {MODELOPT_VERSION}'s "
        f"{name} with _factory_ nodes, @file includes and ${{...}} allowed for any value"
    )
    return schema


def text(recipe_type: str = "ptq") -> str:
    return json.dumps(recipe_schema(recipe_type), indent=2) + "\n"
