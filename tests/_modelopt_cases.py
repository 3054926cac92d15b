"""ModelOpt 0.47.0 loader rules as a table of small file sets (shared by two test modules).

Each ``Case`` is a set of files written into an empty directory, the top file (or directory) to
load, optional overrides, and either the expected data (ModelOpt's pre-validation payload,
written by hand from ``modelopt/torch/opt/config_loader.py`` and ``modelopt/recipe/loader.py``)
or a fragment of the error message ModelOpt raises (a ``ValueError``). ``tests/
test_modelopt_imports.py`` checks ``load_modelopt`` against the table without ModelOpt;
``tests/test_modelopt_oracle.py`` (``-m modelopt``) runs ModelOpt's own ``load_config`` /
``load_recipe`` on the same files and checks that it agrees with the table, so every
expectation is confirmed by the real loader. ``modelopt_error`` is set where ModelOpt's message
(or exception type) deliberately differs (docs/compatibility.md).

Import paths are relative to the directory (ModelOpt probes the CWD first, recipekit the
importing file's ancestors) and never collide with ModelOpt's built-in ``configs/...`` files.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

QC = "modelopt.torch.quantization.config."
SCHEMA_QAC = f"# modelopt-schema: {QC}QuantizerAttributeConfig\n"
SCHEMA_ENTRY = f"# modelopt-schema: {QC}QuantizerCfgEntry\n"
SCHEMA_LIST = f"# modelopt-schema: {QC}QuantizerCfgListConfig\n"
SCHEMA_QUANTIZE = f"# modelopt-schema: {QC}QuantizeConfig\n"

FP8 = SCHEMA_QAC + "num_bits: e4m3\naxis:\n"
INT8 = SCHEMA_QAC + "num_bits: 8\naxis: 0\n"
DISABLE_ALL = SCHEMA_ENTRY + "quantizer_name: '*'\nenable: false\n"
W8A8 = (
    SCHEMA_LIST + "imports:\n  fp8: num/fp8\n---\n"
    "- quantizer_name: '*weight_quantizer'\n  cfg: {$import: fp8}\n"
    "- quantizer_name: '*input_quantizer'\n  cfg: {$import: fp8}\n"
)
SNIPPETS = {
    "num/fp8.yaml": FP8,
    "num/int8.yaml": INT8,
    "units/disable_all.yaml": DISABLE_ALL,
    "units/w8a8.yaml": W8A8,
}
IMPORTS = (
    "imports:\n  fp8: num/fp8\n  int8: num/int8\n  disable_all: units/disable_all\n"
    "  w8a8: units/w8a8\n"
)

FP8_DATA = {"num_bits": (4, 3), "axis": None}
INT8_DATA = {"num_bits": 8, "axis": 0}
DISABLE_DATA = {"quantizer_name": "*", "enable": False}
W8A8_DATA = [
    {"quantizer_name": "*weight_quantizer", "cfg": FP8_DATA},
    {"quantizer_name": "*input_quantizer", "cfg": FP8_DATA},
]
META = "metadata:\n  recipe_type: ptq\n"


@dataclass
class Case:
    id: str
    files: dict[str, str]
    top: str = "r.yaml"
    data: Any = None
    error: str | None = None  # a fragment of the message (ModelOpt's and recipekit's)
    modelopt_error: str | None = None  # ModelOpt's, where it differs
    overrides: tuple[str, ...] = ()
    snippets: bool = True  # also write SNIPPETS

    def all_files(self) -> dict[str, str]:
        return {**(SNIPPETS if self.snippets else {}), **self.files}

    @property
    def is_recipe(self) -> bool:
        top = self.files.get(self.top, "")
        return "recipe_type:" in top or self.top.endswith("/") or "." not in self.top


def quantize_file(body: str, schema: str = SCHEMA_QUANTIZE) -> str:
    return schema + IMPORTS + body


CASES = [
    # -- # modelopt-schema: decides splice / append / reject ------------------------------------
    Case(
        "splice-list-append-entry",
        {
            "r.yaml": quantize_file(
                "algorithm: max\nquant_cfg:\n  - $import: disable_all\n  - $import: w8a8\n"
            )
        },
        data={"algorithm": "max", "quant_cfg": [DISABLE_DATA, *W8A8_DATA]},
    ),
    Case(
        "append-numerics-into-sequential-cfg",
        {
            "r.yaml": quantize_file(
                "quant_cfg:\n  - quantizer_name: '*weight_quantizer'\n    cfg:\n"
                "      - $import: int8\n      - $import: fp8\n"
            )
        },
        data={"quant_cfg": [{"quantizer_name": "*weight_quantizer", "cfg": [INT8_DATA, FP8_DATA]}]},
    ),
    Case(
        "entry-with-inline-keys-is-a-mapping-merge",
        {"r.yaml": quantize_file("quant_cfg:\n  - {$import: disable_all, enable: true}\n")},
        data={"quant_cfg": [{"quantizer_name": "*", "enable": True}]},
    ),
    Case(
        "numerics-into-quant-cfg-rejected",
        {"r.yaml": quantize_file("quant_cfg:\n  - $import: fp8\n")},
        error="has schema 'modelopt.torch.quantization.config.QuantizerAttributeConfig'; "
        "expected either the list schema",
    ),
    Case(
        "list-unit-into-sequential-cfg-rejected",
        {
            "r.yaml": quantize_file(
                "quant_cfg:\n  - quantizer_name: x\n    cfg:\n      - $import: w8a8\n"
            )
        },
        error="has schema 'modelopt.torch.quantization.config.QuantizerCfgListConfig'",
    ),
    Case(
        "untyped-file-list-import-rejected",
        {"r.yaml": IMPORTS + "quant_cfg:\n  - $import: disable_all\n"},
        error="requires a typed list schema (expected list[ElementType])",
    ),
    Case(
        "unknown-field-list-import-rejected",
        {"r.yaml": quantize_file("extra:\n  - $import: disable_all\nquant_cfg: []\n")},
        error="requires a typed list schema",
    ),
    Case(
        "algorithm-list-takes-no-entry",
        {"r.yaml": quantize_file("algorithm:\n  - $import: disable_all\nquant_cfg: []\n")},
        error="expected either the list schema",
    ),
    Case(
        "snippet-without-schema-comment",
        {
            "r.yaml": SCHEMA_QUANTIZE + "imports:\n  bare: bare\nquant_cfg:\n  - $import: bare\n",
            "bare.yaml": "quantizer_name: '*'\nenable: false\n",
        },
        error="must reference a snippet with a modelopt-schema comment",
    ),
    Case(
        "missing-schema-comment-reported-before-the-snippets-imports",
        {
            "r.yaml": SCHEMA_QUANTIZE + "imports:\n  bare: bare\nquant_cfg:\n  - $import: bare\n",
            "bare.yaml": "imports:\n  x: nowhere/x\nquantizer_name: '*'\nenable: false\n",
        },
        error="must reference a snippet with a modelopt-schema comment",
    ),
    Case(
        "mapping-import-of-snippet-without-schema-comment",
        {
            "r.yaml": SCHEMA_QAC + "imports:\n  bare: bare\n$import: bare\n",
            "bare.yaml": "num_bits: 8\n",
        },
        error="must reference a snippet with a modelopt-schema comment",
    ),
    Case(
        "schema-outside-modelopt",
        {"r.yaml": "# modelopt-schema: mypkg.Config\nquant_cfg: []\n"},
        error="schemas must live under 'modelopt.'",
    ),
    Case(
        "unknown-schema-attribute",
        {"r.yaml": f"# modelopt-schema: {QC}QuantizeConfg\nquant_cfg: []\n"},
        error="Cannot resolve modelopt-schema",
    ),
    Case(
        "two-schema-comments",
        {"r.yaml": SCHEMA_QUANTIZE + SCHEMA_QUANTIZE + "quant_cfg: []\n"},
        error="multiple modelopt-schema comments found",
    ),
    Case(
        "list-of-names-in-a-list-entry",
        {"r.yaml": quantize_file("quant_cfg:\n  - $import: [w8a8, disable_all]\n")},
        error="takes one import name",
        modelopt_error="unhashable type: 'list'",  # a TypeError in ModelOpt
    ),
    # -- mapping imports ------------------------------------------------------------------------
    Case(
        "mapping-import-shallow-merge",
        {
            "r.yaml": SCHEMA_ENTRY
            + IMPORTS
            + "quantizer_name: x\ncfg: {$import: [fp8, int8], num_bits: E4M3}\n"
        },
        data={"quantizer_name": "x", "cfg": {"num_bits": (4, 3), "axis": 0}},
    ),
    Case(
        "mapping-import-of-a-list",
        {"r.yaml": quantize_file("quant_cfg: []\nalgorithm: {$import: w8a8}\n")},
        error="$import 'w8a8' in dict must resolve to a dict, got list.",
    ),
    # -- the imports: section -------------------------------------------------------------------
    Case(
        "imports-null-path",
        {"r.yaml": SCHEMA_QUANTIZE + "imports:\n  fp8: null\nquant_cfg: []\n"},
        error="Import 'fp8' has an empty config path.",
    ),
    Case(
        "imports-a-list",
        {"r.yaml": SCHEMA_QUANTIZE + "imports: [num/fp8]\nquant_cfg: []\n"},
        error="'imports' must be a dict mapping names to config paths, got: list",
    ),
    Case(
        "imports-empty-list-is-no-imports",
        {"r.yaml": SCHEMA_QUANTIZE + "imports: []\nquant_cfg: []\n"},
        data={"quant_cfg": []},
    ),
    Case(
        "unknown-import-name",
        {"r.yaml": quantize_file("quant_cfg:\n  - $import: disable_al\n")},
        error="Unknown $import reference 'disable_al'",
    ),
    Case(
        "import-without-imports-section",
        {"r.yaml": SCHEMA_QUANTIZE + "quant_cfg:\n  - $import: disable_all\n"},
        error="No imports are declared",
    ),
    Case(
        "missing-import-file",
        {"r.yaml": SCHEMA_QUANTIZE + "imports:\n  x: nowhere/x\nquant_cfg: []\n"},
        error="Cannot find config file of nowhere/x",
    ),
    Case(
        "circular-import",
        {
            "r.yaml": SCHEMA_QUANTIZE + "imports:\n  a: loop/a\nquant_cfg:\n  - $import: a\n",
            "loop/a.yaml": SCHEMA_LIST + "imports:\n  b: loop/b\n---\n- $import: b\n",
            "loop/b.yaml": SCHEMA_LIST + "imports:\n  a: loop/a\n---\n- $import: a\n",
        },
        error="Circular import detected",
    ),
    Case(
        "top-level-single-document-list-is-not-resolved",
        {"r.yaml": "- quantizer_name: '*'\n  enable: false\n- $import: disable_all\n"},
        data=[DISABLE_DATA, {"$import": "disable_all"}],
    ),
    # -- recipes (load_recipe) ------------------------------------------------------------------
    Case(
        "ptq-recipe-schema-from-recipe-type",
        {
            "r.yaml": IMPORTS
            + META
            + "quantize:\n  quant_cfg:\n    - $import: disable_all\n    - $import: w8a8\n"
        },
        data={
            "metadata": {"recipe_type": "ptq"},
            "quantize": {"quant_cfg": [DISABLE_DATA, *W8A8_DATA]},
        },
    ),
    Case(
        "ptq-recipe-without-quantize",
        {"r.yaml": META + "description: x\n"},
        error="must contain 'quantize'.",
    ),
    Case(
        "unknown-recipe-type",
        {"r.yaml": "metadata:\n  recipe_type: ptqq\nquantize: {}\n"},
        error="must contain a 'metadata.recipe_type' field.",
    ),
    Case(
        "auto-quantize-candidate-formats-append",
        {
            "r.yaml": "imports:\n  preset: presets/fp8\n"
            "metadata:\n  recipe_type: auto_quantize\n"
            "auto_quantize:\n  constraints: {effective_bits: 6.0}\n"
            "  candidate_formats:\n    - $import: preset\n",
            "presets/fp8.yaml": quantize_file(
                "algorithm: max\nquant_cfg:\n  - $import: disable_all\n  - $import: w8a8\n"
            ),
        },
        data={
            "metadata": {"recipe_type": "auto_quantize"},
            "auto_quantize": {
                "constraints": {"effective_bits": 6.0},
                "candidate_formats": [
                    {"algorithm": "max", "quant_cfg": [DISABLE_DATA, *W8A8_DATA]}
                ],
            },
        },
    ),
    # -- directory recipes ----------------------------------------------------------------------
    Case(
        "directory-recipe-imports-per-file",
        {
            "d/metadata.yml": "recipe_type: ptq\ndescription: dir\n",
            "d/quantize.yml": quantize_file(
                "quant_cfg:\n  - $import: disable_all\n  - $import: w8a8\n"
            ),
        },
        top="d",
        data={
            "metadata": {"recipe_type": "ptq", "description": "dir"},
            "quantize": {"quant_cfg": [DISABLE_DATA, *W8A8_DATA]},
        },
    ),
    Case(
        "directory-recipe-yml-before-yaml",
        {
            "d/metadata.yml": "recipe_type: ptq\n",
            "d/metadata.yaml": "recipe_type: ptq\ndescription: ignored\n",
            "d/quantize.yaml": "quant_cfg: []\n",
        },
        top="d",
        data={"metadata": {"recipe_type": "ptq"}, "quantize": {"quant_cfg": []}},
    ),
    Case(
        "directory-recipe-without-quantize",
        {"d/metadata.yml": "recipe_type: ptq\n"},
        top="d",
        error="Cannot find quantize in",
    ),
    Case(
        "directory-recipe-not-ptq",
        {"d/metadata.yml": "recipe_type: auto_quantize\n", "d/quantize.yml": "quant_cfg: []\n"},
        top="d",
        error="Unsupported recipe type",
    ),
    Case(
        "directory-recipe-with-overrides",
        {"d/metadata.yml": "recipe_type: ptq\n", "d/quantize.yml": "quant_cfg: []\n"},
        top="d",
        overrides=("quantize.algorithm=mse",),
        error="overrides are not supported for directory-format recipes",
    ),
    # -- overrides (load_recipe(overrides=...)) -------------------------------------------------
    Case(
        "overrides-merge",
        {
            "r.yaml": IMPORTS
            + META
            + "quantize:\n  algorithm: max\n  quant_cfg:\n    - $import: w8a8\n"
        },
        overrides=("quantize.algorithm.method=mse", "metadata.description=tuned"),
        data={
            "metadata": {"recipe_type": "ptq", "description": "tuned"},
            "quantize": {"algorithm": {"method": "mse"}, "quant_cfg": W8A8_DATA},
        },
    ),
    Case(
        "overrides-replace-a-list",
        {"r.yaml": META + "quantize:\n  quant_cfg: []\n"},
        overrides=("quantize.quant_cfg=[{quantizer_name: '*', enable: false}]",),
        data={"metadata": {"recipe_type": "ptq"}, "quantize": {"quant_cfg": [DISABLE_DATA]}},
    ),
    Case(
        "override-without-equals",
        {"r.yaml": META + "quantize:\n  quant_cfg: []\n"},
        overrides=("quantize.algorithm",),
        error="Invalid override (missing '='): 'quantize.algorithm'",
    ),
]
