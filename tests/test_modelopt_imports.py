"""ModelOpt ``$import`` files read by recipekit (``recipekit.interop.modelopt_imports``).

Two groups:

* ``-m modelopt``: every YAML file of ModelOpt 0.47.0's ``modelopt_recipes`` (located with
  ``importlib.util.find_spec`` - never imported - or ``RECIPEKIT_MODELOPT_RECIPES``) loads to
  the golden ``resolved_pre_validation``, and ``convert`` of it resolves with
  ``recipekit.resolve`` to the same data. Compared as canonical JSON text plus the tuple and
  int-key positions of the golden annotations (``tests/_canon.py``).
* everything else runs on small synthetic files in ``tmp_path``: the loader rule table
  (``tests/_modelopt_cases.py``: schema comments, splice / append / reject, recipe types,
  directory recipes, overrides, malformed ``imports:``; each row confirmed against ModelOpt in
  ``tests/test_modelopt_oracle.py``), error lines and hints, cycles, unknown names, the shallow
  merge, ExMy parsing, multi-document files, path probing, the registry fallback and its
  schemas, the validation hook, legacy names, and conversion (also as a Hypothesis property).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from recipekit import resolve
from recipekit.interop.modelopt_imports import (
    ConvertError,
    ListImportError,
    ModelOptImportError,
    ModelOptOverrideError,
    SchemaCommentError,
    UnknownImportError,
    convert,
    exmy,
    is_modelopt_document,
    load_modelopt,
    loads_modelopt,
    register_helpers,
    register_modelopt_files,
)
from recipekit.resolver.errors import CycleError, RecipekitError, SourceError, YamlError
from recipekit.resolver.registry import Registry
from tests._canon import annotations, canonical, golden_annotations, golden_dir, mismatch
from tests._modelopt_cases import (
    CASES,
    DISABLE_DATA,
    FP8_DATA,
    IMPORTS,
    INT8_DATA,
    META,
    QC,
    SCHEMA_QAC,
    SCHEMA_QUANTIZE,
    SNIPPETS,
    W8A8,
    W8A8_DATA,
    Case,
)


# --------------------------------------------------------------------------- locating the peers
def _recipes_root() -> Path | None:
    env = os.environ.get("RECIPEKIT_MODELOPT_RECIPES")
    if env:
        return Path(env) if Path(env).is_dir() else None
    try:
        spec = importlib.util.find_spec("modelopt_recipes")  # locates, does not import
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


ROOT = _recipes_root()
GOLDEN = golden_dir() if (golden_dir() / "INDEX.json").is_file() else None


def _files() -> list[str]:
    if GOLDEN is not None:
        return sorted(json.loads((GOLDEN / "INDEX.json").read_text()))
    if ROOT is not None:
        return sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.yaml"))
    return ["<modelopt_recipes not found>"]


def _need_peers(rel: str) -> tuple[Path, dict[str, Any]]:
    if ROOT is None:
        pytest.skip(
            "modelopt_recipes not found (install nvidia-modelopt or set RECIPEKIT_MODELOPT_RECIPES)"
        )
    if GOLDEN is None:
        pytest.skip("ModelOpt goldens not found (../shared/reference or RECIPEKIT_GOLDEN_DIR)")
    golden = json.loads((GOLDEN / (rel.removesuffix(".yaml") + ".json")).read_text())
    return ROOT / rel, golden


def _same_as_golden(data: Any, golden: dict[str, Any]) -> None:
    problem = mismatch(data, golden["resolved_pre_validation"], golden_annotations(golden))
    assert problem is None, problem


def exact(a: Any, b: Any) -> bool:
    """Type-strict equality: canonical JSON text plus tuple and int-key positions."""
    return canonical(a) == canonical(b) and annotations(a) == annotations(b)


@pytest.fixture(scope="module")
def file_registry() -> Registry:
    """A registry holding every ModelOpt file as a factory (independent of recipekit.factories)."""
    if ROOT is None:
        pytest.skip("modelopt_recipes not found")
    registry = Registry()
    register_modelopt_files(ROOT, registry)
    return registry


# --------------------------------------------------------------------------- all 150 files
@pytest.mark.modelopt
@pytest.mark.parametrize("rel", _files())
def test_load_matches_golden(rel: str) -> None:
    file, golden = _need_peers(rel)
    _same_as_golden(load_modelopt(file), golden)


@pytest.mark.modelopt
@pytest.mark.parametrize("rel", _files())
def test_convert_resolves_to_golden(rel: str, file_registry: Registry) -> None:
    file, golden = _need_peers(rel)
    text = convert(file, registry=file_registry)
    assert not is_modelopt_document(text)
    _same_as_golden(resolve(text, registry=file_registry), golden)


@pytest.mark.modelopt
def test_convert_with_exmy_codec_writes_strings(tmp_path: Path) -> None:
    from recipekit.factories import codecs

    _need_peers("configs/numerics/fp8.yaml")
    registry = Registry()
    register_modelopt_files(ROOT, registry)
    codecs.register(registry)
    for rel in _files():
        file, golden = _need_peers(rel)
        text = convert(file, registry=registry)
        assert "exmy(" not in text, rel
        target = tmp_path / Path(rel).name
        target.write_text(text)
        _same_as_golden(resolve(target, registry=registry), golden)


@pytest.mark.modelopt
def test_convert_with_default_registry() -> None:
    """The real set-up: recipekit's factory library provides the aliases (and the ExMy codec)."""
    import recipekit

    _need_peers("configs/numerics/fp8.yaml")
    assert "configs/numerics/fp8" in recipekit.registry
    failures = []
    for rel in _files():
        file, golden = _need_peers(rel)
        text = convert(file)
        assert "# note:" not in text, text  # every import became a _factory_ reference
        try:
            _same_as_golden(resolve(text), golden)
        except (AssertionError, RecipekitError) as exc:
            failures.append(f"{rel}: {str(exc).splitlines()[0]}")
    assert not failures, "\n".join(failures)


@pytest.mark.modelopt
@pytest.mark.parametrize("rel", [r for r in _files() if r.startswith("models/")] or ["models/-"])
def test_legacy_huggingface_models_names(rel: str) -> None:
    """ModelOpt 0.47.0 still loads ``huggingface/models/<org>/...`` (as ``models/...``)."""
    _, golden = _need_peers(rel)
    legacy = "huggingface/" + rel.removesuffix(".yaml")
    _same_as_golden(load_modelopt(legacy, search_paths=[ROOT]), golden)
    _same_as_golden(load_modelopt(legacy + ".yaml", search_paths=[ROOT]), golden)
    _same_as_golden(resolve(legacy), golden)  # by name, through the registry


@pytest.mark.modelopt
def test_resolve_routes_modelopt_files() -> None:
    file, golden = _need_peers("general/ptq/fp8_default-kv_fp8.yaml")
    _same_as_golden(resolve(file), golden)


# --------------------------------------------------------------------------- synthetic files
def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / next(iter(files))


FP8 = SCHEMA_QAC + "num_bits: e4m3\naxis:\n"
NVFP4 = SCHEMA_QAC + "num_bits: e2m1\nblock_sizes:\n  -1: 16\n  type: dynamic\n  scale_bits: e4m3\n"
UNIT = W8A8


# --------------------------------------------------------------------------------------------
# ModelOpt's loader rules, table-driven (tests/_modelopt_cases.py; each case confirmed by
# ModelOpt itself in tests/test_modelopt_oracle.py)
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_loader_rules(tmp_path: Path, case: Case) -> None:
    write(tmp_path, case.all_files())
    top = tmp_path / case.top
    if case.error is None:
        got = load_modelopt(top, overrides=case.overrides, registry=Registry())
        assert exact(got, case.data)
        return
    with pytest.raises(RecipekitError) as info:
        load_modelopt(top, overrides=case.overrides, registry=Registry())
    err = info.value
    assert case.error in str(err)
    assert isinstance(err, ValueError)  # code written against ModelOpt keeps catching it
    assert err.mark is not None or case.id.startswith("override")


@pytest.mark.parametrize(
    ("case_id", "file", "line"),
    [
        ("numerics-into-quant-cfg-rejected", "r.yaml", 8),
        ("untyped-file-list-import-rejected", "r.yaml", 7),
        ("snippet-without-schema-comment", "r.yaml", 3),
        ("two-schema-comments", "r.yaml", 2),
        ("schema-outside-modelopt", "r.yaml", 1),
        ("imports-null-path", "r.yaml", 3),
        ("unknown-import-name", "r.yaml", 8),
        ("unknown-recipe-type", "r.yaml", 2),
    ],
)
def test_loader_errors_point_at_the_line(
    tmp_path: Path, case_id: str, file: str, line: int
) -> None:
    case = next(c for c in CASES if c.id == case_id)
    write(tmp_path, case.all_files())
    with pytest.raises(ModelOptImportError) as info:
        load_modelopt(tmp_path / case.top, registry=Registry())
    mark = info.value.mark
    assert mark is not None and (Path(mark.file).name, mark.line) == (file, line), str(info.value)


def test_unknown_schema_suggests_the_real_one(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "unknown-schema-attribute")
    write(tmp_path, case.all_files())
    with pytest.raises(SchemaCommentError) as info:
        load_modelopt(tmp_path / case.top)
    assert "modelopt.torch.quantization.config.QuantizeConfig" in info.value.suggestions


@pytest.mark.parametrize(
    ("case_id", "hint"),
    [
        ("snippet-without-schema-comment", f"'# modelopt-schema: {QC}QuantizerCfgEntry'"),
        ("mapping-import-of-snippet-without-schema-comment", "QuantizerAttributeConfig"),
        ("numerics-into-quant-cfg-rejected", "cfg: {$import: fp8}"),
    ],
)
def test_loader_errors_hint_at_the_fix(tmp_path: Path, case_id: str, hint: str) -> None:
    case = next(c for c in CASES if c.id == case_id)
    write(tmp_path, case.all_files())
    with pytest.raises(ModelOptImportError) as info:
        load_modelopt(tmp_path / case.top, registry=Registry())
    assert hint in (info.value.hint or "")


def test_registry_imports_use_the_builtin_schema(tmp_path: Path) -> None:
    """An import satisfied by the registry is typed by ModelOpt's own copy of the file: the
    entry unit base_disable_all is appended, the list unit kv_fp8 spliced, a numeric rejected."""
    registry = Registry()
    registry.register(lambda: dict(DISABLE_DATA), name="configs/ptq/units/base_disable_all")
    registry.register(lambda: list(W8A8_DATA), name="configs/ptq/units/kv_fp8")
    registry.register(lambda: dict(FP8_DATA), name="configs/numerics/fp8")
    head = (
        SCHEMA_QUANTIZE + "imports:\n  off: configs/ptq/units/base_disable_all\n"
        "  kv: configs/ptq/units/kv_fp8\n  fp8: configs/numerics/fp8\n"
    )
    top = write(tmp_path, {"r.yaml": head + "quant_cfg:\n  - $import: off\n  - $import: kv\n"})
    assert exact(load_modelopt(top, registry=registry), {"quant_cfg": [DISABLE_DATA, *W8A8_DATA]})
    top.write_text(head + "quant_cfg:\n  - $import: fp8\n")
    with pytest.raises(ListImportError, match="QuantizerAttributeConfig"):
        load_modelopt(top, registry=registry)


def test_validate_hook_sees_every_schema(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "splice-list-append-entry")
    write(tmp_path, case.all_files())
    seen: list[tuple[str, str]] = []
    load_modelopt(
        tmp_path / case.top,
        registry=Registry(),
        validate=lambda schema, data, file: seen.append(
            (schema.rsplit(".", 1)[1], Path(file).name)
        ),
    )
    assert sorted(seen) == sorted(
        [
            ("QuantizerAttributeConfig", "fp8.yaml"),
            ("QuantizerAttributeConfig", "int8.yaml"),
            ("QuantizerCfgEntry", "disable_all.yaml"),
            ("QuantizerCfgListConfig", "w8a8.yaml"),
            ("QuantizeConfig", "r.yaml"),
        ]
    )


@pytest.mark.parametrize("bad", [12345, None, 1.5, ["general/ptq/x"]])
def test_load_modelopt_needs_a_path(bad: Any) -> None:
    with pytest.raises(ModelOptImportError, match="Invalid config file of") as info:
        load_modelopt(bad)
    assert isinstance(info.value, ValueError) and "str or os.PathLike" in str(info.value)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (["quantize.algorithm=mse"], "mse"),
        (
            ["quantize.algorithm={method: awq_lite, alpha_step: 0.5}"],
            {"method": "awq_lite", "alpha_step": 0.5},
        ),
        (["quantize.algorithm=null"], None),
        (["quantize.algorithm=1e-5"], 1e-05),  # OmegaConf's grammar, not YAML 1.1 (a string there)
    ],
)
def test_overrides_use_modelopt_grammar(
    tmp_path: Path, overrides: list[str], expected: Any
) -> None:
    top = write(tmp_path, {"r.yaml": META + "quantize:\n  algorithm: max\n  quant_cfg: []\n"})
    got = load_modelopt(top, overrides=overrides)
    assert exact(got["quantize"]["algorithm"], expected)
    assert load_modelopt(top)["quantize"]["algorithm"] == "max"  # the cache is not edited


def test_overrides_cannot_address_list_items(tmp_path: Path) -> None:
    top = write(tmp_path, {"r.yaml": META + "quantize:\n  quant_cfg: [{quantizer_name: a}]\n"})
    with pytest.raises(ModelOptOverrideError, match="incompatible container types") as info:
        load_modelopt(top, overrides=["quantize.quant_cfg.0.enable=false"])
    assert isinstance(info.value, ValueError)


def test_directory_recipe_by_name_and_convert(tmp_path: Path) -> None:
    case = next(c for c in CASES if c.id == "directory-recipe-imports-per-file")
    write(tmp_path, case.all_files())
    assert exact(load_modelopt("d", search_paths=[tmp_path], registry=Registry()), case.data)
    registry = _registry_for(tmp_path)
    text = convert(tmp_path / "d", registry=registry)
    assert "$import" not in text and "- _factory_: units/w8a8" in text
    assert exact(resolve(text, registry=registry), case.data)


@pytest.mark.parametrize("case_id", ["numerics-into-quant-cfg-rejected", "imports-a-list"])
def test_convert_rejects_what_modelopt_rejects(tmp_path: Path, case_id: str) -> None:
    case = next(c for c in CASES if c.id == case_id)
    write(tmp_path, case.all_files())
    with pytest.raises(ModelOptImportError, match=re.escape(case.error)):
        convert(tmp_path / case.top, registry=_registry_for(tmp_path))


def _with_reader() -> Registry:
    """A registry without the built-ins that reads ModelOpt files (the default one does too)."""
    from recipekit.defaults import MODELOPT_READER

    registry = Registry()
    registry.add_reader(MODELOPT_READER)
    return registry


def test_a_registry_without_the_reader_reads_modelopt_text_as_yaml() -> None:
    assert resolve("imports: 3\nx: 1\n", registry=Registry()) == {"imports": 3, "x": 1}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("imports:\n  fp8: null\nquant_cfg: []\n", "Import 'fp8' has an empty config path."),
        ("imports: [fp8]\nquant_cfg: []\n", "'imports' must be a dict"),
        ("imports: 3\nx: 1\n", "'imports' must be a dict"),
    ],
)
def test_resolve_sends_malformed_imports_to_the_modelopt_reader(
    tmp_path: Path, text: str, match: str
) -> None:
    top = write(tmp_path, {"r.yaml": text})
    for source in (top, text):
        with pytest.raises(ModelOptImportError, match=re.escape(match)):
            resolve(source, registry=_with_reader())


# --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cfg", "expected"),
    [
        pytest.param(
            "{$import: nvfp4, block_sizes: {-1: 16, type: static}}",
            {"num_bits": (2, 1), "block_sizes": {-1: 16, "type": "static"}},
            id="inline-mapping-replaces-wholesale",
        ),
        pytest.param(
            "{$import: [nvfp4, fp8], axis: 0}",
            {
                "num_bits": (4, 3),
                "block_sizes": {-1: 16, "type": "dynamic", "scale_bits": (4, 3)},
                "axis": 0,
            },
            id="later-import-wins-then-inline-keys",
        ),
        pytest.param(
            "{$import: fp8, num_bits: E5M2}",
            {"num_bits": (5, 2), "axis": None},
            id="inline-exmy-overrides",
        ),
    ],
)
def test_shallow_merge(tmp_path: Path, cfg: str, expected: Any) -> None:
    top = write(
        tmp_path,
        {
            "r.yaml": f"imports:\n  fp8: num/fp8\n  nvfp4: num/nvfp4\ncfg: {cfg}\n",
            "num/fp8.yaml": FP8,
            "num/nvfp4.yaml": NVFP4,
        },
    )
    got = load_modelopt(top)["cfg"]
    assert exact(got, expected)
    assert list(got) == list(expected)  # key order: snippet order, then new inline keys


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("num_bits: e4m3\n", {"num_bits": (4, 3)}),
        ("num_bits: E4M3\n", {"num_bits": (4, 3)}),
        ("a: {b: [{scale_bits: e8m0}]}\n", {"a": {"b": [{"scale_bits": (8, 0)}]}}),
        ("foo: e4m3\n", {"foo": "e4m3"}),
        ("num_bits: e4\n", {"num_bits": "e4"}),
        ("num_bits: 8\n", {"num_bits": 8}),
        ("num_bits: [e4m3]\n", {"num_bits": ["e4m3"]}),
        (
            "block_sizes: {-1: 16, four_over_six: true}\n",
            {"block_sizes": {-1: 16, "four_over_six": True}},
        ),
    ],
)
def test_exmy_parsing(tmp_path: Path, text: str, expected: Any) -> None:
    assert exact(load_modelopt(write(tmp_path, {"f.yaml": text})), expected)


def test_exmy_helper() -> None:
    assert exmy("e4m3") == (4, 3)
    assert exmy("E2M1") == (2, 1)
    with pytest.raises(ValueError, match="ExMy"):
        exmy("fp8")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("", {}, id="empty"),
        pytest.param(
            "imports:\n  fp8: fp8\n---\n- cfg: {$import: fp8}\n",
            [{"cfg": {"num_bits": (4, 3), "axis": None}}],
            id="header+list",
        ),
        pytest.param(
            "imports:\n  fp8: fp8\nother: 1\n---\n- 1\n",
            [1],
            id="list-body-drops-other-header-keys",
        ),
        pytest.param(
            "imports:\n  fp8: fp8\na: 1\n---\ncfg: {$import: fp8}\na: 2\n",
            {"a": 2, "cfg": {"num_bits": (4, 3), "axis": None}},
            id="header+mapping-merged",
        ),
        pytest.param("a: 1\n---\n", {"a": 1}, id="empty-second-document"),
    ],
)
def test_multi_document(tmp_path: Path, text: str, expected: Any) -> None:
    top = write(tmp_path, {"f.yaml": text, "fp8.yaml": FP8})
    assert exact(load_modelopt(top), expected)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("a: 1\n---\nb: 2\n---\nc: 3\n", "expected 1 or 2 YAML documents, got 3"),
        ("- 1\n---\n- 2\n", "first YAML document must be a mapping, got list"),
        ("a: 1\n---\n3\n", "second YAML document must be a mapping or list, got int"),
        ("3\n", "must contain a YAML mapping or list, got int"),
        ("imports: [a]\nx: 1\n", "'imports' must be a dict mapping names to config paths"),
        ("imports:\n  a:\nx: 1\n", "Import 'a' has an empty config path."),
        ("imports:\n  a: 5\nx: 1\n", "Invalid config file of 5"),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, match: str) -> None:
    top = write(tmp_path, {"f.yaml": text})
    with pytest.raises(ModelOptImportError, match=re.escape(match)) as info:
        load_modelopt(top)
    assert str(top) in str(info.value) and isinstance(info.value, ValueError)


def test_cycle_reports_chain_in_order(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "a.yaml": "imports:\n  b: b\nx: {$import: b}\n",
            "b.yaml": SCHEMA_QAC + "imports:\n  c: c\nx: {$import: c}\n",
            "c.yaml": SCHEMA_QAC + "imports:\n  a: ./a.yaml\nx: {$import: a}\n",
        },
    )
    with pytest.raises(CycleError) as info:
        load_modelopt(top)
    err = info.value
    assert isinstance(err, ValueError) and "Circular import detected" in str(err)
    names = [Path(p).name for p in err.chain]
    assert names == ["a.yaml", "b.yaml", "c.yaml", "a.yaml"]
    assert err.mark is not None and Path(err.mark.file).name == "c.yaml" and err.mark.line == 3
    assert "a.yaml -> " in str(err)


def test_self_import_is_a_cycle(tmp_path: Path) -> None:
    top = write(tmp_path, {"a.yaml": "imports:\n  me: a\nx: {$import: me}\n"})
    with pytest.raises(CycleError):
        load_modelopt(top)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_cycle_through_a_symlink(tmp_path: Path) -> None:
    # ModelOpt keys its cycle check on resolved paths: a.yaml imported again under another
    # name (a symlink to it) is the same file
    top = write(
        tmp_path,
        {
            "a.yaml": "imports:\n  b: b\nx: {$import: b}\n",
            "b.yaml": SCHEMA_QAC + "imports:\n  l: link\nx: {$import: l}\n",
        },
    )
    try:
        os.symlink(top, tmp_path / "link.yaml")
    except OSError:
        pytest.skip("symlinks not permitted here")
    with pytest.raises(CycleError) as info:
        load_modelopt(top)
    assert [Path(p).name for p in info.value.chain] == ["a.yaml", "b.yaml", "link.yaml"]


@pytest.mark.modelopt
def test_reading_a_recipe_parses_each_file_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """recipekit.resolve of ModelOpt's own recipe file: the reader detection and the read share
    one parse, so every file is parsed exactly once (7 files: the recipe and the 6 it imports,
    directly or through its snippets, listed by hand from ModelOpt 0.47.0's files)."""
    if ROOT is None:
        pytest.skip("modelopt_recipes not found")
    import recipekit
    from recipekit.resolver import yamlio

    parsed: list[str] = []
    real = yamlio.load_all

    def counting(text: str, *args: Any, **kwargs: Any) -> Any:
        parsed.append(text)
        return real(text, *args, **kwargs)

    recipekit.clear_caches()
    monkeypatch.setattr(yamlio, "load_all", counting)
    recipekit.resolve(ROOT / "general/ptq/nvfp4_mlp_only-kv_fp8.yaml")
    files = [
        "general/ptq/nvfp4_mlp_only-kv_fp8",
        "configs/ptq/units/base_disable_all",
        "configs/ptq/units/default_disabled_quantizers",
        "configs/ptq/units/mixer_mlp_nvfp4",
        "configs/numerics/nvfp4",
        "configs/ptq/units/kv_fp8",
        "configs/numerics/fp8",
    ]
    texts = sorted((ROOT / f"{f}.yaml").read_text(encoding="utf-8") for f in files)
    assert sorted(parsed) == texts


@pytest.mark.parametrize(
    ("body", "line", "path"),
    [
        ("cfg:\n  $import: fp9\n", 5, ("cfg",)),
        ("quant_cfg:\n  - quantizer_name: x\n  - $import: nvfp\n", 6, ("quant_cfg", 1)),
        ("cfg:\n  - $import: nvfp\n", 5, ("cfg", 0)),
        ("cfg: {$import: [fp8, nvfp5]}\n", 4, ("cfg",)),
    ],
)
def test_unknown_import_name_suggests(tmp_path: Path, body: str, line: int, path: tuple) -> None:
    top = write(
        tmp_path,
        {"r.yaml": "imports:\n  fp8: fp8\n  nvfp4: fp8\n" + body, "fp8.yaml": FP8},
    )
    with pytest.raises(UnknownImportError) as info:
        load_modelopt(top)
    err = info.value
    assert err.choices == ("fp8", "nvfp4")
    assert err.suggestions and err.suggestions[0] in ("fp8", "nvfp4")
    assert err.path == path
    assert err.mark is not None and err.mark.line == line and err.mark.file == str(top)
    assert "did you mean" in str(err) and str(top) in str(err)


def test_import_without_imports_section(tmp_path: Path) -> None:
    with pytest.raises(UnknownImportError, match="No imports are declared"):
        load_modelopt(write(tmp_path, {"r.yaml": "cfg: {$import: fp8}\n"}))


def test_mapping_import_of_a_list_snippet(tmp_path: Path) -> None:
    unit = f"# modelopt-schema: {QC}QuantizerCfgListConfig\n- quantizer_name: x\n  enable: false\n"
    top = write(tmp_path, {"r.yaml": "imports:\n  u: u\ncfg: {$import: u}\n", "u.yaml": unit})
    with pytest.raises(ModelOptImportError, match="in dict must resolve to a dict, got list"):
        load_modelopt(top)


def test_errors_in_nested_files_carry_the_chain(tmp_path: Path) -> None:
    top = write(
        tmp_path,
        {
            "r.yaml": "imports:\n  mid: sub/mid\nx: {$import: mid}\n",
            "sub/mid.yaml": SCHEMA_QAC + "imports:\n  leaf: sub/leaf\nx: {$import: leaf}\n",
            "sub/leaf.yaml": "a: [1, 2\n",
        },
    )
    with pytest.raises(YamlError) as info:
        load_modelopt(top)
    err = info.value
    assert [Path(p).name for p in err.chain] == ["r.yaml", "mid.yaml", "leaf.yaml"]
    assert err.mark is not None and Path(err.mark.file).name == "leaf.yaml"


def test_missing_import_names_file_line_and_chain(tmp_path: Path) -> None:
    top = write(tmp_path, {"r.yaml": "imports:\n  fp8: nowhere/fp8\nx: {$import: fp8}\n"})
    with pytest.raises(SourceError) as info:
        load_modelopt(top, registry=Registry())
    err = info.value
    assert err.mark is not None and (err.mark.file, err.mark.line) == (str(top), 2)
    assert err.chain == (str(top),)
    assert "nowhere/fp8" in str(err)


def test_probing(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "pkg/configs/num/a.yml": SCHEMA_QAC + "num_bits: 4\n",
            "pkg/configs/num/a.yaml": SCHEMA_QAC + "num_bits: 5\n",
            "pkg/configs/num/b.yaml": SCHEMA_QAC + "num_bits: 6\n",
            "pkg/recipes/deep/r.yaml": (
                "imports:\n  a: configs/num/a\n  b: configs/num/b.yaml\n  c: c\n"
                "x: {a: {$import: a}, b: {$import: b}, c: {$import: c}}\n"
            ),
            "elsewhere/c.yaml": SCHEMA_QAC + "num_bits: 7\n",
        },
    )
    top = tmp_path / "pkg/recipes/deep/r.yaml"
    got = load_modelopt(top, search_paths=[tmp_path / "elsewhere"])
    assert got == {"x": {"a": {"num_bits": 4}, "b": {"num_bits": 6}, "c": {"num_bits": 7}}}
    # a package-relative top-level name, probed under search_paths (.yml first, like ModelOpt)
    assert load_modelopt("configs/num/a", search_paths=[tmp_path / "pkg"]) == {"num_bits": 4}
    with pytest.raises(SourceError):
        load_modelopt("configs/num/zzz", search_paths=[tmp_path / "pkg"])


def test_registry_alias_satisfies_missing_imports(tmp_path: Path) -> None:
    calls = []
    registry = Registry()

    def fp8() -> dict:
        calls.append(1)
        return {"num_bits": (4, 3), "axis": None, "from": "factory"}

    registry.register(fp8, name="fp8", namespace="numerics", aliases=("configs/numerics/fp8",))
    text = (
        SCHEMA_QUANTIZE + "imports:\n  fp8: configs/numerics/fp8\n"
        "quant_cfg:\n  - {quantizer_name: a, cfg: {$import: fp8}}\n"
        "  - {quantizer_name: b, cfg: [{$import: fp8}]}\n"
    )
    top = write(tmp_path, {"r.yaml": text})
    a, b = load_modelopt(top, registry=registry)["quant_cfg"]
    assert a["cfg"]["from"] == "factory" and b["cfg"] == [a["cfg"]]
    assert a["cfg"] is not b["cfg"][0]  # every use is a fresh copy
    assert len(calls) == 1  # once per call

    # on disk wins by default; prefer_registry=True asks the registry first
    write(tmp_path, {"configs/numerics/fp8.yaml": FP8})
    assert "from" not in load_modelopt(top, registry=registry)["quant_cfg"][0]["cfg"]
    got = load_modelopt(top, registry=registry, prefer_registry=True)
    assert got["quant_cfg"][0]["cfg"]["from"] == "factory"


def test_parse_cache_sees_changes(tmp_path: Path) -> None:
    top = write(tmp_path, {"f.yaml": "a: 1\n"})
    assert load_modelopt(top) == {"a": 1}
    top.write_text("a: 22\nb: 3\n")
    assert load_modelopt(top) == {"a": 22, "b": 3}
    got = load_modelopt(top)
    got["a"] = 0
    assert load_modelopt(top)["a"] == 22  # results never share the cache's containers


def test_loads_modelopt_text(tmp_path: Path) -> None:
    write(tmp_path, {"num/fp8.yaml": FP8})
    text = "imports:\n  fp8: num/fp8\ncfg: {$import: fp8, axis: 0}\n"
    assert loads_modelopt(text, search_paths=[tmp_path]) == {"cfg": {"num_bits": (4, 3), "axis": 0}}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("imports:\n  a: b\nx: 1\n", True),
        ("x:\n  - $import: a\n", True),
        ("imports:\n  a: b\n---\n- 1\n", True),
        ("# uses $import: in a comment only\nx: 1\n", False),
        ("x: {_factory_: fp8}\n", False),
        ("imports: 3\n", True),  # malformed, but for ModelOpt's reader (and its error)
        ("imports:\n", True),
        ("x: 1\nimports: [a]\n", True),
        ("a: 1\n---\nimports: [a]\n", True),
        ("x: [\n", False),
        ({"a": [{"$import": "x"}]}, True),
        ({"imports": {"a": "b"}}, True),
        ({"a": {"imports": {"a": "b"}}}, False),
        ([1, 2], False),
    ],
)
def test_is_modelopt_document(source: Any, expected: bool) -> None:
    assert is_modelopt_document(source) is expected


def test_is_modelopt_document_reads_paths(tmp_path: Path) -> None:
    assert is_modelopt_document(write(tmp_path, {"f.yaml": "imports: {a: b}\n"}))
    assert not is_modelopt_document(tmp_path / "missing.yaml")


# --------------------------------------------------------------------------- convert
def _registry_for(root: Path, *, codec: bool = False) -> Registry:
    registry = Registry()
    register_modelopt_files(root, registry)
    if codec:
        from recipekit.factories import codecs

        codecs.register(registry)
    return registry


CONVERT_FILES = {
    "r.yaml": (
        SCHEMA_QUANTIZE + "# My recipe.\n"
        "imports:\n  fp8: num/fp8\n  nvfp4: num/nvfp4\n  unit: units/w8a8\n"
        "quant_cfg:\n"
        "  - $import: unit\n"
        "  - quantizer_name: a\n    cfg: {$import: fp8, axis: 0}\n"
        "  - quantizer_name: b\n    cfg: {$import: nvfp4, block_sizes: {-1: 16, type: static}}\n"
        "  - quantizer_name: c\n    cfg: {$import: nvfp4, block_sizes: {-1: 16, type: dynamic, scale_bits: e4m3}}\n"
        "  - quantizer_name: d\n    cfg: {num_bits: e5m2}\n"
    ),
    "num/fp8.yaml": FP8,
    "num/nvfp4.yaml": NVFP4,
    "units/w8a8.yaml": UNIT,
}


@pytest.mark.parametrize("codec", [False, True], ids=["exmy-helper", "exmy-codec"])
def test_convert_synthetic(tmp_path: Path, codec: bool) -> None:
    top = write(tmp_path, CONVERT_FILES)
    registry = _registry_for(tmp_path, codec=codec)
    text = convert(top, registry=registry)
    assert not is_modelopt_document(text)
    assert "imports:" not in text and "$import" not in text  # not even in the comments
    assert "modelopt-schema" not in text and "# My recipe." in text
    assert "- _factory_: units/w8a8" in text
    assert "_factory_: num/fp8\n" in text  # + sibling axis: 0
    # a shallow replace of block_sizes differs from recipekit's deep merge -> expanded ...
    assert text.count("_factory_: num/nvfp4") == 1  # ... only where they differ (c)
    if codec:
        assert "num_bits: e5m2" in text and "exmy(" not in text
    else:
        assert "exmy('e5m2')" in text
    assert exact(resolve(text, registry=registry), load_modelopt(top))


def test_convert_inlines_unregistered_imports(tmp_path: Path) -> None:
    top = write(tmp_path, CONVERT_FILES)
    registry = Registry()
    register_helpers(registry)
    text = convert(top, registry=registry)
    assert "_factory_: num/" not in text and "_factory_: units/" not in text
    assert "has no registered factory; inlined" in text
    assert exact(resolve(text, registry=registry), load_modelopt(top))


def test_convert_checks_registered_factories(tmp_path: Path) -> None:
    top = write(tmp_path, CONVERT_FILES)
    registry = _registry_for(tmp_path)
    registry.register(lambda: {"num_bits": 8}, name="num/fp8", namespace="modelopt", replace=True)
    text = convert(top, registry=registry)
    assert "does not return the data of the file; inlined" in text
    assert "_factory_: num/fp8" not in text
    assert exact(resolve(text, registry=registry), load_modelopt(top))


def test_convert_refuses_a_reserved_key(tmp_path: Path) -> None:
    with pytest.raises(ConvertError, match="reserved"):
        convert(write(tmp_path, {"f.yaml": "_factory_: x\n"}), registry=Registry())


@pytest.mark.parametrize(
    "text", ["a: '${x}'\n", "a: '@other.yaml'\n", "a: ['\\@x.yaml:b', 'p ${q} r']\n"]
)
def test_convert_escapes_what_recipekit_would_reinterpret(tmp_path: Path, text: str) -> None:
    source = write(tmp_path, {"f.yaml": text})
    converted = convert(source, registry=Registry())
    assert exact(resolve(converted, registry=Registry()), load_modelopt(source))


def test_resolve_and_cli_read_directory_recipes(tmp_path: Path) -> None:
    """``recipekit.resolve(DIR)`` and ``recipekit resolve DIR`` read a directory recipe (the
    command line takes recipekit overrides: ``+key=`` adds a key, where OmegaConf adds freely)."""
    import subprocess
    import sys

    import yaml as pyyaml

    case = next(c for c in CASES if c.id == "directory-recipe-imports-per-file")
    write(tmp_path, case.all_files())
    folder = tmp_path / "d"
    for source in (folder, str(folder)):
        assert exact(resolve(source, registry=_with_reader()), case.data)
    proc = subprocess.run(
        [sys.executable, "-m", "recipekit", "resolve", str(folder), "+quantize.algorithm=max"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert proc.returncode == 0, proc.stderr
    got = pyyaml.safe_load(proc.stdout)
    assert got["quantize"]["algorithm"] == "max" and got["metadata"]["description"] == "dir"


# --------------------------------------------------------------------------------------------
# property: any mix of list imports, per the schemas, and convert keeps the data
_ENTRY_KINDS = {
    "disable_all": ("- $import: disable_all\n", [DISABLE_DATA]),
    "w8a8": ("- $import: w8a8\n", W8A8_DATA),
    "fp8-cfg": (
        "- {quantizer_name: a, cfg: {$import: fp8}}\n",
        [{"quantizer_name": "a", "cfg": FP8_DATA}],
    ),
    "int8-cfg-axis": (
        "- {quantizer_name: b, cfg: {$import: int8, axis: 1}}\n",
        [{"quantizer_name": "b", "cfg": {"num_bits": 8, "axis": 1}}],
    ),
    "sequential": (
        "- {quantizer_name: c, cfg: [{$import: int8}, {$import: fp8}]}\n",
        [{"quantizer_name": "c", "cfg": [INT8_DATA, FP8_DATA]}],
    ),
    "plain": ("- {quantizer_name: d, enable: false}\n", [{"quantizer_name": "d", "enable": False}]),
}


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kinds=st.lists(st.sampled_from(sorted(_ENTRY_KINDS)), max_size=6))
def test_property_list_imports_and_convert(tmp_path: Path, kinds: list[str]) -> None:
    body = "".join("  " + _ENTRY_KINDS[k][0] for k in kinds)
    top = write(
        tmp_path,
        {"r.yaml": SCHEMA_QUANTIZE + IMPORTS + "quant_cfg:\n" + (body or "  []\n"), **SNIPPETS},
    )
    expected = {"quant_cfg": [item for k in kinds for item in _ENTRY_KINDS[k][1]]}
    assert exact(load_modelopt(top, registry=Registry()), expected)
    registry = _registry_for(tmp_path)
    assert exact(resolve(convert(top, registry=registry), registry=registry), expected)
