"""Export JSON Schemas of ModelOpt 0.47.0's recipe classes from its own pydantic models.

Usage::

    python tests/oracle/modelopt_schema.py [OUTDIR] [--check]

Needs ``nvidia-modelopt==0.47.0`` (plus torch) in the running interpreter. Writes one
``<dotted class path>.json`` per schema into ``OUTDIR`` (default: the package data folder
``recipekit/schemas/modelopt-0.47.0``) and ``INDEX.json``, which says which schema applies to what:

* ``recipe_types``: ``metadata.recipe_type`` -> the recipe class (``RECIPE_TYPE_TO_CLASS``) and the
  section ModelOpt's ``load_recipe`` requires before validating (``_REQUIRED_SECTION_PER_RECIPE_TYPE``);
* ``kinds``: ``numeric``/``unit``/``units``/``preset``/``layers`` -> ``QuantizerAttributeConfig``,
  ``QuantizerCfgEntry``, ``QuantizerCfgListConfig`` (``list[QuantizerCfgEntry]``),
  ``QuantizeConfig``, ``LayerPatternList`` (``list[str]``);
* ``algorithms``: ``method`` -> the config class ``mtq.calibrate`` validates an ``algorithm`` with
  (``CalibrateModeRegistry["<method>_calibrate"].config_class``; ``null`` for no calibration).
  ModelOpt does not validate ``algorithm`` at load time; recipekit uses these at resolve time
  because ``mtq.calibrate`` rejects the same inputs later (report §3.3).

Each schema is ``TypeAdapter(cls).json_schema()`` as pydantic produces it (``extra="forbid"``
becomes ``additionalProperties: false``), with ``sort_keys`` text so reruns are byte-identical.
Pydantic validators that are code (e.g. "an entry must set ``cfg`` or ``enable``") are not in
the schema; recipekit's validator states the ones it checks.

``--check`` compares instead of writing and exits 1 on any difference (the oracle test).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

MODELOPT_VERSION = "0.47.0"
DEFAULT_OUT = Path(__file__).resolve().parents[2] / "recipekit" / "schemas" / "modelopt-0.47.0"


def _dotted(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def collect() -> dict[str, str]:
    """``{file name: JSON text}`` of every schema and the index."""
    import modelopt
    from pydantic import TypeAdapter

    if modelopt.__version__ != MODELOPT_VERSION:
        raise SystemExit(f"needs nvidia-modelopt=={MODELOPT_VERSION}, found {modelopt.__version__}")
    from modelopt.recipe import config as rc
    from modelopt.recipe import loader
    from modelopt.torch.quantization import config as qc
    from modelopt.torch.quantization.mode import CalibrateModeRegistry

    schemas: dict[str, Any] = {}
    kinds = {
        "numeric": ("modelopt.torch.quantization.config.QuantizerAttributeConfig", qc.QuantizerAttributeConfig),
        "unit": ("modelopt.torch.quantization.config.QuantizerCfgEntry", qc.QuantizerCfgEntry),
        "units": ("modelopt.torch.quantization.config.QuantizerCfgListConfig", qc.QuantizerCfgListConfig),
        "preset": ("modelopt.torch.quantization.config.QuantizeConfig", qc.QuantizeConfig),
        "layers": ("modelopt.recipe.config.LayerPatternList", rc.LayerPatternList),
    }  # fmt: skip
    index: dict[str, Any] = {"modelopt": MODELOPT_VERSION, "kinds": {}, "recipe_types": {}}
    for kind, (name, tp) in kinds.items():
        schemas[name] = TypeAdapter(tp).json_schema()
        index["kinds"][kind] = name
    required = loader._REQUIRED_SECTION_PER_RECIPE_TYPE
    for rtype, cls in rc.RECIPE_TYPE_TO_CLASS.items():
        name = _dotted(cls)
        schemas[name] = cls.model_json_schema()
        index["recipe_types"][rtype.value] = {"schema": name, "requires": required.get(rtype)}
    algorithms: dict[str, Any] = {}
    for mode in sorted(CalibrateModeRegistry._name2descriptor):
        cls = CalibrateModeRegistry[mode].config_class
        method = cls.model_fields["method"].default
        name = _dotted(cls)
        schemas[name] = cls.model_json_schema()
        algorithms["null" if method is None else method] = name
    index["algorithms"] = algorithms
    out = {f"{name}.json": _text(schema) for name, schema in schemas.items()}
    out["INDEX.json"] = _text(index)
    return out


def _text(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", nargs="?", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    files = collect()
    if args.check:
        present = {p.name for p in args.outdir.glob("*.json")}
        bad = sorted(set(files) ^ present)
        bad += [n for n in files if n in present and (args.outdir / n).read_text() != files[n]]
        for name in bad:
            print(f"differs: {name}", file=sys.stderr)
        return 1 if bad else 0
    args.outdir.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (args.outdir / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
