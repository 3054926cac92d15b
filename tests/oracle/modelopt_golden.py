"""Regenerate the ModelOpt 0.47.0 oracle data ("goldens") for every YAML in ``modelopt_recipes``.

Usage::

    python tests/oracle/modelopt_golden.py OUTDIR [--compare REFDIR]

Needs ``nvidia-modelopt==0.47.0`` (plus torch, requests, huggingface_hub) in the running
interpreter. Writes ``OUTDIR/<package-relative path>.json`` (``.yaml`` -> ``.json``) for each of
the package's YAML files and ``OUTDIR/INDEX.json``, in the layout of the shared reference
goldens (``../shared/reference/modelopt-0.47.0/golden``), so ``RECIPEKIT_GOLDEN_DIR=OUTDIR`` can
stand in for them. With ``--compare REFDIR`` every key this script writes is compared, as
canonical JSON text, with the same key of ``REFDIR``'s golden; the exit status is 1 on any
difference.

Per file:

* ``resolved_pre_validation``: the payload ModelOpt's loader validates last, i.e. the raw YAML
  with ExMy strings parsed and ``imports:`` / ``$import`` resolved, before pydantic fills in
  defaults (uses two private helpers of ``modelopt.torch.opt.config_loader``, pinned by the
  version check below);
* ``dump`` / ``dump_exclude_unset``: ``model_dump()`` of what the public loader returns
  (``load_recipe`` for files with ``metadata.recipe_type``, ``load_dmd_config`` for the DMD
  distillation config, ``load_config`` otherwise);
* ``annotations``: where the canonical JSON lost Python type information (tuples, non-str dict
  keys, enums, ExMy tuples, reprs), and which ``dump`` paths came from schema defaults.

The script moves to an empty temporary directory before importing ModelOpt: ``load_config``
looks for ``<path>.yaml`` relative to the CWD before the built-in library.
"""

from __future__ import annotations

import argparse
import contextlib
import enum
import io
import json
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODELOPT_VERSION = "0.47.0"
EXMY_KEYS = ("num_bits", "scale_bits")

# Keys written per file. Only these are compared with --compare (the reference files carry a
# few more: description, raw_exmy_strings, schema_source).
FILE_KEYS = (
    "source",
    "kind",
    "recipe_type",
    "schema_comment",
    "schema",
    "loader",
    "imports",
    "n_yaml_documents",
    "status",
    "result_type",
    "loader_stdout",
    "resolved_pre_validation",
    "dump",
    "dump_exclude_unset",
    "annotations",
)
INDEX_KEYS = ("kind", "schema", "status", "golden", "loader", "result_type")


# --------------------------------------------------------------------------------------------
# canonical JSON
# --------------------------------------------------------------------------------------------


def to_text(obj: Any) -> str:
    """Canonical JSON text: sorted keys, 2-space indent, UTF-8 kept, trailing newline."""
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _pointer(parent: str, token: str) -> str:
    return parent + "/" + token.replace("~", "~0").replace("/", "~1")


class Canonicalizer:
    """Turn loader output into JSON data, noting where Python types had to be flattened.

    Tuples become lists, non-``str`` keys become their JSON text (``-1`` -> ``"-1"``), enums
    become their value, pydantic models their ``model_dump()``; anything JSON cannot hold is
    rendered with ``repr``. Paths are JSON pointers, recorded in depth-first insertion order.
    """

    def __init__(self) -> None:
        self.notes: dict[str, list[Any]] = {
            "tuple_paths": [],
            "int_key_paths": [],
            "enum_paths": [],
            "exmy_paths": [],
            "repr_paths": [],
        }

    def convert(self, value: Any, path: str = "") -> Any:
        if callable(getattr(value, "model_dump", None)):
            value = value.model_dump()
        if isinstance(value, enum.Enum):
            self.notes["enum_paths"].append(path)
            return self.convert(value.value, path)
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if isinstance(key, enum.Enum):
                    key = key.value
                if not isinstance(key, str):
                    key = json.dumps(key)
                    self.notes["int_key_paths"].append(_pointer(path, key))
                out[key] = self.convert(item, _pointer(path, key))
            return out
        if isinstance(value, tuple):
            self.notes["tuple_paths"].append(path)
            name = path.rsplit("/", 1)[-1]
            if (
                name in EXMY_KEYS
                and len(value) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) for x in value)
            ):
                self.notes["exmy_paths"].append(
                    {"path": path, "tuple": list(value), "exmy": f"e{value[0]}m{value[1]}"}
                )
        if isinstance(value, (list, tuple)):
            return [self.convert(item, f"{path}/{i}") for i, item in enumerate(value)]
        self.notes["repr_paths"].append({"path": path, "type": type(value).__name__})
        return repr(value)


def canonical(value: Any) -> tuple[Any, dict[str, list[Any]]]:
    c = Canonicalizer()
    data = c.convert(value)
    return data, c.notes


def defaulted_paths(full: Any, explicit: Any, path: str = "") -> list[str]:
    """Top-most paths of ``full`` (model_dump) missing from ``explicit`` (exclude_unset)."""
    found: list[str] = []
    if isinstance(full, dict) and isinstance(explicit, dict):
        for key, item in full.items():
            here = _pointer(path, key)
            if key in explicit:
                found += defaulted_paths(item, explicit[key], here)
            else:
                found.append(here)
    elif isinstance(full, list) and isinstance(explicit, list):
        for i, (a, b) in enumerate(zip(full, explicit, strict=False)):
            found += defaulted_paths(a, b, f"{path}/{i}")
    return found


# --------------------------------------------------------------------------------------------
# ModelOpt side
# --------------------------------------------------------------------------------------------


def _qualname(obj: Any) -> str:
    return f"{obj.__module__}.{obj.__qualname__}"


def loader_dumps(result: Any) -> tuple[Any, Any, str, Any]:
    """(model_dump(), model_dump(exclude_unset=True), result type name, model_dump(mode='json'))."""
    if callable(getattr(result, "model_dump", None)):
        return (
            result.model_dump(),
            result.model_dump(exclude_unset=True),
            _qualname(type(result)),
            result.model_dump(mode="json"),
        )
    if isinstance(result, list) and result and all(hasattr(x, "model_dump") for x in result):
        return (
            [x.model_dump() for x in result],
            [x.model_dump(exclude_unset=True) for x in result],
            f"list[{_qualname(type(result[0]))}]",
            [x.model_dump(mode="json") for x in result],
        )
    if isinstance(result, list):
        names = "|".join(sorted({type(x).__name__ for x in result}))
        return result, result, f"list[{names}]", None
    return result, result, type(result).__name__, None


@dataclass
class Resolved:
    """One file as ModelOpt's loaders see it (raw Python objects, not yet canonical)."""

    header: dict[str, Any]  # source, kind, recipe_type, schema_comment, schema, loader, ...
    schema_type: Any  # what typed-list $import resolution and validation used (None: untyped)
    result: Any = None  # what the public loader returned
    payload: Any = None  # resolved_pre_validation, Python types intact (tuples, int keys)
    stdout: str = ""
    error: Exception | None = None
    traceback: list[str] = field(default_factory=list)
    payload_error: str | None = None


class Oracle:
    """ModelOpt's loaders, imported once (the import takes ~10 s)."""

    def __init__(self) -> None:
        import modelopt
        import modelopt_recipes
        import yaml
        from modelopt.recipe import load_recipe
        from modelopt.recipe.config import RECIPE_TYPE_TO_CLASS, RecipeType
        from modelopt.torch.fastgen import DMDConfig, load_dmd_config
        from modelopt.torch.opt import config_loader

        if modelopt.__version__ != MODELOPT_VERSION:
            raise SystemExit(
                f"nvidia-modelopt=={MODELOPT_VERSION} required, found {modelopt.__version__}"
            )
        self.yaml = yaml
        self.root = Path(modelopt_recipes.__file__).resolve().parent
        self.cl = config_loader
        self.load_recipe = load_recipe
        self.load_dmd_config = load_dmd_config
        self.dmd_schema = DMDConfig
        self.recipe_class = lambda rtype: RECIPE_TYPE_TO_CLASS[RecipeType(rtype)]

    def files(self) -> list[str]:
        return sorted(
            p.relative_to(self.root).as_posix()
            for p in self.root.rglob("*")
            if p.is_file() and p.suffix in (".yaml", ".yml")
        )

    @staticmethod
    def kind(rel: str, recipe_type: str | None, schema: str | None) -> str:
        if rel.startswith("configs/numerics/"):
            return "numeric"
        if rel.startswith(("configs/ptq/units/", "configs/auto_quantize/units/")):
            return "unit"
        if rel.startswith("configs/ptq/presets/"):
            return "preset"
        if recipe_type is not None:
            return "recipe"
        # model-local snippets (huggingface/*/disabled_quantizers.yaml, *.quant_cfg.yaml)
        if schema and schema.rsplit(".", 1)[-1] in ("QuantizerCfgListConfig", "QuantizerCfgEntry"):
            return "unit"
        return "other"

    def pre_validation(self, rel: str, schema_type: Any) -> Any:
        """Raw YAML (ExMy parsed) with imports resolved, exactly as load_config builds it."""
        raw = self.cl._load_raw_config_with_schema(rel)
        data = raw.data
        if isinstance(data, (dict, self.cl._ListSnippet)):
            data = self.cl._resolve_imports(data, schema_type=schema_type)
        return data

    def resolve(self, rel: str) -> Resolved:
        """Load ``rel`` (package-relative, with suffix) the way ModelOpt's own loaders do."""
        text = (self.root / rel).read_text(encoding="utf-8")
        docs = list(self.yaml.safe_load_all(text))
        head = docs[0] if docs and isinstance(docs[0], dict) else {}
        metadata = head.get("metadata")
        recipe_type = metadata.get("recipe_type") if isinstance(metadata, dict) else None
        schema_comment = self.cl._parse_modelopt_schema(text, self.root / rel)

        if recipe_type is not None:
            schema_type = self.recipe_class(recipe_type)
            schema = _qualname(schema_type)
            loader = f"modelopt.recipe.load_recipe({rel!r})"
            load = self.load_recipe
        elif schema_comment is None and "/distillation/" in f"/{rel}":
            schema_type = None  # load_dmd_config = untyped load_config + DMDConfig(**data)
            schema = _qualname(self.dmd_schema)
            loader = f"modelopt.torch.fastgen.load_dmd_config({rel!r})"
            load = self.load_dmd_config
        else:
            schema_type = self.cl._schema_type(schema_comment) if schema_comment else None
            schema = schema_comment
            loader = f"modelopt.torch.opt.config_loader.load_config({rel!r})"
            load = self.cl.load_config

        imports = head.get("imports")
        found = Resolved(
            header={
                "source": rel,
                "kind": self.kind(rel, recipe_type, schema_comment),
                "recipe_type": recipe_type,
                "schema_comment": schema_comment,
                "schema": schema,
                "loader": loader,
                "imports": dict(imports) if isinstance(imports, dict) else {},
                "n_yaml_documents": len(docs),
            },
            schema_type=schema_type,
        )
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                found.result = load(rel)
        except Exception as exc:
            found.error = exc
            found.traceback = traceback.format_exc().splitlines()[-8:]
            found.stdout = out.getvalue()
            return found
        found.stdout = out.getvalue()
        try:
            found.payload = self.pre_validation(rel, schema_type)
        except Exception as exc:  # recorded, like the reference does
            found.payload_error = f"{type(exc).__name__}: {exc}"
        return found

    def golden(self, rel: str) -> dict[str, Any]:
        return golden_record(self.resolve(rel))


def golden_record(found: Resolved) -> dict[str, Any]:
    """The JSON record (reference layout) of one resolved file."""
    if found.error is not None:
        return {
            **found.header,
            "status": "error",
            "error_type": type(found.error).__name__,
            "error": str(found.error),
            "traceback_tail": found.traceback,
            "loader_stdout": found.stdout,
        }
    dump, dump_unset, result_type, dump_json = loader_dumps(found.result)
    if found.payload_error is None:
        payload, payload_notes = canonical(found.payload)
    else:
        payload, payload_notes = None, None
    dump_c, dump_notes = canonical(dump)
    unset_c, unset_notes = canonical(dump_unset)
    return {
        **found.header,
        "status": "ok",
        "result_type": result_type,
        "loader_stdout": found.stdout,
        "resolved_pre_validation": payload,
        "dump": dump_c,
        "dump_exclude_unset": unset_c,
        "annotations": {
            "resolved_pre_validation": payload_notes,
            "resolved_pre_validation_error": found.payload_error,
            "dump": dump_notes,
            "dump_exclude_unset": unset_notes,
            "defaulted_paths": defaulted_paths(dump_c, unset_c),
            "model_dump_json_mode_equals_canonical_dump": (
                None if dump_json is None else json.loads(json.dumps(dump_json)) == dump_c
            ),
        },
    }


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------


def write_all(oracle: Oracle, outdir: Path) -> dict[str, dict[str, Any]]:
    index: dict[str, dict[str, Any]] = {}
    for rel in oracle.files():
        record = oracle.golden(rel)
        name = rel.rsplit(".", 1)[0] + ".json"
        target = outdir / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(to_text(record), encoding="utf-8")
        index[rel] = {
            "kind": record["kind"],
            "schema": record["schema"],
            "status": record["status"],
            "golden": name,
            "loader": record["loader"],
            "result_type": record.get("result_type"),
        }
        print(f"{record['status']:5s} {rel}", flush=True)
    (outdir / "INDEX.json").write_text(to_text(index), encoding="utf-8")
    return index


def compare(outdir: Path, refdir: Path) -> list[str]:
    """Differences between the files written to ``outdir`` and the reference goldens."""
    problems: list[str] = []
    ours_index = json.loads((outdir / "INDEX.json").read_text(encoding="utf-8"))
    ref_index = json.loads((refdir / "INDEX.json").read_text(encoding="utf-8"))
    if sorted(ours_index) != sorted(ref_index):
        problems.append(
            f"INDEX: file sets differ: only ours {sorted(set(ours_index) - set(ref_index))}, "
            f"only reference {sorted(set(ref_index) - set(ours_index))}"
        )
    for rel in sorted(set(ours_index) & set(ref_index)):
        for key in INDEX_KEYS:
            if ours_index[rel].get(key) != ref_index[rel].get(key):
                problems.append(f"INDEX[{rel}].{key}")
        name = ours_index[rel]["golden"]
        ours = json.loads((outdir / name).read_text(encoding="utf-8"))
        ref = json.loads((refdir / name).read_text(encoding="utf-8"))
        for key in ours:
            if to_text(ours[key]) != to_text(ref.get(key, "<missing>")):
                problems.append(f"{name}: key {key!r} differs")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--compare", type=Path, metavar="REFDIR", help="reference golden dir")
    args = parser.parse_args(argv)
    outdir = args.outdir.resolve()
    refdir = args.compare.resolve() if args.compare else None
    outdir.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="modelopt-golden-cwd-") as empty:
        previous = Path.cwd()
        os.chdir(empty)
        try:
            index = write_all(Oracle(), outdir)
        finally:
            os.chdir(previous)

    failed = sorted(rel for rel, entry in index.items() if entry["status"] != "ok")
    print(f"{len(index) - len(failed)}/{len(index)} files resolved; written to {outdir}")
    for rel in failed:
        print(f"  FAILED {rel}")
    if refdir is None:
        return 1 if failed else 0
    problems = compare(outdir, refdir)
    print(f"compare with {refdir}: {len(problems)} difference(s)")
    for line in problems[:50]:
        print(f"  {line}")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
