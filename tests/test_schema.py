"""``recipekit schema`` (``recipekit.schema``): file schemas that accept recipekit's source
forms where ModelOpt's data schema expects a value, checked with ``jsonschema``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from recipekit import schema

jsonschema = pytest.importorskip("jsonschema")

DATA_SCHEMA: dict[str, Any] = {  # the shape pydantic writes: $defs, $ref, anyOf, extra=forbid
    "type": "object",
    "additionalProperties": False,
    "required": ["quantize"],
    "properties": {
        "quantize": {"$ref": "#/$defs/Q", "description": "the PTQ config"},
    },
    "$defs": {
        "Q": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "algorithm": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                "quant_cfg": {"type": "array", "items": {"$ref": "#/$defs/Entry"}},
            },
        },
        "Entry": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"quantizer_name": {"type": "string"}, "enable": {"type": "boolean"}},
        },
    },
}


@pytest.mark.parametrize(
    ("document", "valid"),
    [
        ({"quantize": {"algorithm": "max", "quant_cfg": [{"quantizer_name": "*"}]}}, True),
        ({"quantize": {"quant_cfg": [{"_factory_": "base_disable_all"}]}}, True),  # item
        ({"quantize": {"quant_cfg": {"_factory_": "units"}}}, True),  # whole list
        ({"quantize": {"_factory_": "configs/ptq/presets/model/fp8"}}, True),  # section
        ({"_factory_": "general/ptq/nvfp4_default-kv_fp8"}, True),  # document
        ({"quantize": "@other.yaml:quantize"}, True),  # include
        ({"quantize": {"algorithm": "${defaults.algo}"}}, True),  # interpolation
        ({"quantize": {"quant_cfg": [{"quantizer_name": "*", "enable": "${x}"}]}}, True),
        ({"quantize": {"algorithm": 3}}, False),  # still typed
        ({"quantize": {"quant_cfg": [{"quantizer_nam": "*"}]}}, False),  # still strict
        ({"quantize": {"quant_cfg": [{"enable": "yes please"}]}}, False),
        ({"quantise": {}}, False),
    ],
)
def test_file_schema_accepts_source_forms_and_keeps_the_data_rules(
    document: dict[str, Any], valid: bool
) -> None:
    file_schema = schema.file_schema(DATA_SCHEMA)
    jsonschema.Draft202012Validator.check_schema(file_schema)
    errors = list(jsonschema.Draft202012Validator(file_schema).iter_errors(document))
    assert (not errors) == valid, errors


def test_description_is_kept_for_editors() -> None:
    quantize = schema.file_schema(DATA_SCHEMA)["anyOf"][0]["properties"]["quantize"]
    assert quantize["description"] == "the PTQ config"


SHIPPED = schema.available()
needs_schemas = pytest.mark.skipif(
    not SHIPPED, reason="no recipekit/schemas/modelopt-0.47.0 in this build"
)


@needs_schemas
def test_shipped_ptq_schema_accepts_every_shipped_recipe_file() -> None:
    validator = jsonschema.Draft202012Validator(schema.recipe_schema("ptq"))
    folder = Path(schema.__file__).parent / "recipes" / "general" / "ptq"
    files = sorted(folder.glob("*.yaml"))
    assert files
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text())))
        assert not errors, f"{path.name}: {errors[0].message}"


@needs_schemas
def test_shipped_ptq_schema_rejects_a_typo() -> None:
    validator = jsonschema.Draft202012Validator(schema.recipe_schema("ptq"))
    bad = {"metadata": {"recipe_type": "ptq"}, "quantize": {"quant_cgf": []}}
    assert list(validator.iter_errors(bad))


def test_unknown_recipe_type_or_missing_schemas_is_a_clean_error() -> None:
    from recipekit.resolver.errors import RecipekitError

    with pytest.raises(RecipekitError):
        schema.recipe_schema("ptqq")
