"""recipekit.schemas: recipes validated against ModelOpt 0.47.0's schema (issue 11).

The acceptance table: one realistic recipe, and copies of it with ONE mistake each (a line of
the good recipe replaced; ``# <-`` marks the line the problem must be reported at: marks point at
values, so for a key whose value is a block that is the block's first line). Every copy is
rejected by ``check`` and by ``resolve`` at that line with the right key path and did-you-mean;
the oracle group (``-m modelopt``) confirms that ModelOpt 0.47.0 rejects each mistake too (its
``load_recipe`` on ModelOpt's own spelling of the recipe; ``mtq.calibrate``'s validation for
``algorithm``, which ``load_recipe`` does not check).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import typing
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recipekit
from recipekit import schemas
from recipekit.factories import numerics, units
from recipekit.resolver.errors import RecipekitError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

GOOD = """\
metadata:
  recipe_type: ptq
  description: NVFP4 W4A4 on MLP layers, FP8 KV cache.
quantize:
  algorithm: {method: mse, fp8_scale_sweep: true}
  quant_cfg:
    - _factory_: base_disable_all
    - quantizer_name: "*mlp*weight_quantizer"
      cfg: {_factory_: nvfp4}
    - quantizer_name: "*mlp*input_quantizer"
      cfg:
        _factory_: nvfp4
    - _factory_: kv_fp8
    - _factory_: default_disabled_quantizers
    - quantizer_name: "*lm_head*"
      enable: false
"""

# The same recipe as ModelOpt 0.47.0 writes it ($import), for the oracle group.
GOOD_MODELOPT = """\
imports:
  base_disable_all: configs/ptq/units/base_disable_all
  default_disabled: configs/ptq/units/default_disabled_quantizers
  kv_fp8: configs/ptq/units/kv_fp8
  nvfp4: configs/numerics/nvfp4
metadata:
  recipe_type: ptq
  description: NVFP4 W4A4 on MLP layers, FP8 KV cache.
quantize:
  algorithm: {method: mse, fp8_scale_sweep: true}
  quant_cfg:
    - $import: base_disable_all
    - quantizer_name: "*mlp*weight_quantizer"
      cfg: {$import: nvfp4}
    - quantizer_name: "*mlp*input_quantizer"
      cfg:
        $import: nvfp4
    - $import: kv_fp8
    - $import: default_disabled
    - quantizer_name: "*lm_head*"
      enable: false
"""

#: (id, line of GOOD, its replacement, ModelOpt's spelling of the replacement (None: the same),
#:  key path the problem must name (its tail), a did-you-mean or `expected:` fragment)
CASES = [
    ("algoritm", "  algorithm: {method: mse, fp8_scale_sweep: true}",
     "  algoritm: {method: mse, fp8_scale_sweep: true}  # <-", None,
     ("quantize", "algoritm"), "did you mean: algorithm"),
    ("quantizer_nme", '    - quantizer_name: "*lm_head*"', '    - quantizer_nme: "*lm_head*"  # <-',
     None, ("quantizer_nme",), "did you mean: quantizer_name"),
    ("axs", "      enable: false", "      cfg: {num_bits: 8, axs: 0}  # <-", None,
     ("cfg", "axs"), "did you mean: axis"),
    ("enable_maybe", "      enable: false", "      enable: maybe  # <-", None,
     ("enable",), "expected: a bool"),
    ("stray_top_level", "  description: NVFP4 W4A4 on MLP layers, FP8 KV cache.",
     "  description: NVFP4 W4A4 on MLP layers, FP8 KV cache.\ncalibration_batches: 8  # <-", None,
     ("calibration_batches",), "ModelOptPTQRecipe: metadata, quantize"),
    ("type_typo", "      cfg: {_factory_: nvfp4}",
     "      cfg: {num_bits: 8, axis: 0, type: dynamc}  # <-", None,
     ("cfg", "type"), "did you mean: dynamic"),
    ("num_bits_float", "      cfg: {_factory_: nvfp4}", "      cfg: {num_bits: 4.5}  # <-", None,
     ("cfg", "num_bits"), "an int or [an int, an int] or a string"),
    ("call_blocksize", "      cfg: {_factory_: nvfp4}",
     '      cfg: {_factory_: "nvfp4(blocksize=32)"}  # <-', "      cfg: {$import: nvfp4, blocksize: 32}",
     ("cfg", "_factory_"), "did you mean: block_size"),
    ("sibling_block_size", "        _factory_: nvfp4",
     "        _factory_: nvfp4\n        block_size: 32  # <-",
     "        $import: nvfp4\n        block_size: 32",
     ("cfg", "block_size"), 'nvfp4(block_size=...)'),
    ("kv_cache_fp9", "    - _factory_: kv_fp8", "    - _factory_: \"kv_cache('fp9')\"  # <-",
     "    - $import: kv_fp9", ("_factory_",), "did you mean: fp8"),
    ("recipe_type", "  recipe_type: ptq", "  recipe_type: ptqq  # <-", None,
     ("metadata", "recipe_type"), "did you mean: ptq"),
    ("no_recipe_type", "  recipe_type: ptq", "  kind: ptq  # <-", None,
     ("metadata",), "recipe_type: one of"),
    ("quantise", "quantize:", "quantise:\n  algorithm: {method: mse, fp8_scale_sweep: true}  # <-",
     None, ("quantise",), "did you mean: quantize"),
    ("entry_without_instruction", '    - quantizer_name: "*lm_head*"\n      enable: false',
     '    - quantizer_name: "*lm_head*"  # <-\n      parent_class: nn.Linear', None,
     (), "an entry with only quantizer_name"),
    ("empty_cfg", "      enable: false", "      cfg: {}  # <-", None,
     ("cfg",), "at least one quantizer attribute"),
    ("entry_parent_class_typo", '    - quantizer_name: "*lm_head*"',
     '    - quantizer_name: "*lm_head*"\n      parent_clas: nn.Linear  # <-', None,
     ("parent_clas",), "did you mean: parent_class"),
]  # fmt: skip
CASES = [c for c in CASES if c[0] != "quantise"] + [
    # ``quantise:`` replaces ``quantize:`` and its first line (the block the mark points at)
    ("quantise", "quantize:\n  algorithm: {method: mse, fp8_scale_sweep: true}",
     "quantise:\n  algorithm: {method: mse, fp8_scale_sweep: true}  # <-", None,
     ("quantise",), "did you mean: quantize"),
]  # fmt: skip

#: mistakes ModelOpt's loader lets through and ``mtq.calibrate`` rejects (report §3.3)
ALGORITHM_CASES = [
    ("algorithm_key", "{method: mse, fp8_scale_swep: true}", ("algorithm", "fp8_scale_swep"),
     "did you mean: fp8_scale_sweep"),
    ("algorithm_method", "{method: mxe}", ("algorithm", "method"), "did you mean: mse"),
    ("algorithm_name", "awq_lit", ("algorithm",), "did you mean: awq_lite"),
    ("algorithm_no_method", "{fp8_scale_sweep: true}", ("algorithm",), "missing required key"),
]  # fmt: skip


def _mistake(old: str, new: str, text: str = GOOD) -> str:
    assert text.count(old + "\n") == 1, old
    return text.replace(old + "\n", new + "\n")


def _algorithm(value: str, text: str = GOOD) -> str:
    return _mistake(
        "  algorithm: {method: mse, fp8_scale_sweep: true}", f"  algorithm: {value}  # <-", text
    )


def _all_cases() -> list[tuple[str, str, tuple, str]]:
    out = [(c[0], _mistake(c[1], c[2]), c[4], c[5]) for c in CASES]
    out += [(c[0], _algorithm(c[1]), c[2], c[3]) for c in ALGORITHM_CASES]
    return out


def _marked_line(text: str) -> int:
    lines = [i for i, line in enumerate(text.splitlines(), 1) if "# <-" in line]
    assert len(lines) == 1
    return lines[0]


def _matching(problems: list[RecipekitError], tail: tuple) -> list[RecipekitError]:
    return [p for p in problems if not tail or p.path[-len(tail) :] == tail]


def _assert_reported(problems: list[RecipekitError], text: str, tail: tuple, fragment: str):
    assert len(problems) == 1, [str(p) for p in problems]
    problem = problems[0]
    assert _matching(problems, tail), str(problem)
    assert problem.mark is not None and problem.mark.line == _marked_line(text), str(problem)
    assert fragment in str(problem)


def _check_file(path: Path) -> list[RecipekitError]:
    return recipekit.check(Path(path))  # what `recipekit check FILE` runs


def _resolve_problems(source, overrides=()) -> list[RecipekitError]:
    try:
        recipekit.resolve(source, overrides)
    except RecipekitError as exc:
        return exc.problems
    return []


# ------------------------------------------------------------------------------ acceptance
@pytest.mark.parametrize(("case", "text", "tail", "fragment"), _all_cases(), ids=lambda v: v)
def test_check_rejects_each_mistake_at_its_line(tmp_path, case, text, tail, fragment) -> None:
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    _assert_reported(_check_file(path), text, tail, fragment)
    assert all(p.mark.file == str(path) for p in _check_file(path))


@pytest.mark.parametrize(("case", "text", "tail", "fragment"), _all_cases(), ids=lambda v: v)
def test_resolve_rejects_each_mistake_at_its_line(tmp_path, case, text, tail, fragment) -> None:
    path = tmp_path / f"{case}.yaml"
    path.write_text(text)
    _assert_reported(_resolve_problems(Path(path)), text, tail, fragment)  # fmt: skip


def test_cli_check_and_resolve_exit_1_and_no_validate_turns_it_off(tmp_path) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(_mistake(*CASES[0][1:3]))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = [sys.executable, "-m", "recipekit.cli"]
    for command in (["check"], ["resolve"]):
        done = subprocess.run([*run, *command, str(path)], capture_output=True, text=True, env=env)
        assert (
            done.returncode == 1 and f"{path}:5:" in done.stderr and "Traceback" not in done.stderr
        )
        done = subprocess.run([*run, *command, "--no-validate", str(path)], capture_output=True, env=env)  # fmt: skip
        assert done.returncode == 0, done.stderr


def test_validate_false_returns_the_data() -> None:
    text = _mistake(*CASES[0][1:3])
    assert "algoritm" in recipekit.resolve(text, validate=False)["quantize"]
    assert _resolve_problems(text)


def test_the_good_recipe_passes_check_and_resolve(tmp_path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    assert _check_file(path) == []
    assert _resolve_problems(Path(path)) == []


# ------------------------------------------------------------------------------ where problems point
def test_override_problem_quotes_the_override() -> None:
    problems = _resolve_problems(
        "general/ptq/fp8_default-kv_fp8", ["+quantize.quant_cfg.1.cfg.axs=0"]
    )
    assert len(problems) == 1 and problems[0].path[-1] == "axs"
    assert "'+quantize.quant_cfg.1.cfg.axs=0'" in problems[0].hint


def test_problem_inside_a_factory_result_points_at_the_factory_line(tmp_path) -> None:
    # the stray key is inside a call-syntax argument: the problem points at the _factory_ line
    # and names the call
    path = tmp_path / "r.yaml"
    text = _mistake(
        "    - _factory_: default_disabled_quantizers",
        "    - _factory_: default_disabled_quantizers\n"
        '    - _factory_: \'entry("*o_proj*", {"num_bits": 8, "axs": 0})\'  # <-',
    )
    path.write_text(text)
    problems = _resolve_problems(Path(path))
    assert len(problems) == 1 and problems[0].path[-1] == "axs"
    assert problems[0].mark.line == _marked_line(text)
    assert (
        "is the result of _factory_:" in problems[0].hint and "entry('*o_proj*'" in problems[0].hint
    )


def test_problem_in_an_included_file_points_into_it(tmp_path) -> None:
    (tmp_path / "lm_head.yaml").write_text('quantizer_name: "*lm_head*"\nenable: maybe\n')
    main = tmp_path / "main.yaml"
    main.write_text(
        _mistake('    - quantizer_name: "*lm_head*"\n      enable: false', '    - "@lm_head.yaml"')
    )
    for problems in (
        _check_file(main),
        _resolve_problems(Path(main)),
    ):
        assert len(problems) == 1 and problems[0].path[-1] == "enable"
        assert problems[0].mark.file.endswith("lm_head.yaml") and problems[0].mark.line == 2


def test_all_problems_of_a_document_in_one_report() -> None:
    text = _mistake(CASES[1][1], CASES[1][2], _mistake(*CASES[0][1:3]))
    problems = _resolve_problems(text)
    assert sorted(p.path[-1] for p in problems) == ["algoritm", "quantizer_nme"]


# ------------------------------------------------------------------------------ factories and check
@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        ("nvfp4(blocksize=32)", "did you mean: block_size, block_sizes"),
        ("nvfp4(block_size=x)", "expected: block_size: int"),
        ("kv_cache('fp9')", "did you mean: fp8"),
        ("kv_cache('fp8', mode='cst')", "did you mean: cast"),
        ("pair('*', 'nvfp5')", "did you mean: nvfp4"),
        ("fp8(axs=0)", "did you mean: axis"),
    ],
)
def test_call_syntax_mistakes_are_caught_before_anything_runs(call, fragment) -> None:
    problems = recipekit.check(f"a: {{_factory_: {json.dumps(call)}}}\n")
    assert len(problems) == 1 and fragment in str(problems[0])


def test_factory_rejects_unknown_attributes_when_called_from_python() -> None:
    with pytest.raises(RecipekitError, match="did you mean: block_sizes"):
        numerics.nvfp4(blocksize=32)
    assert numerics.fp8(axis=0, unsigned=True)["unsigned"] is True


def test_literal_types_list_exactly_what_the_factories_accept() -> None:
    assert set(typing.get_args(numerics.FormatName)) == set(numerics.FORMATS)
    assert units.KV_MODES == ("plain", "cast", "affine", "rotate")


# ------------------------------------------------------------------------------ valid recipes pass
def test_every_builtin_factory_result_validates() -> None:
    failed = []
    for entry in recipekit.registry.entries():
        sig = entry.signature
        if sig is not None and any(
            p.default is p.empty and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            for p in sig.parameters.values()
        ):
            continue
        try:
            recipekit.resolve(entry.qualified)
        except RecipekitError as exc:
            failed.append(f"{entry.qualified}: {exc}")
    assert failed == []


SHIPPED = sorted((ROOT / "recipekit" / "recipes").rglob("*.yaml"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_yaml_passes_check_and_resolve(path) -> None:
    assert _check_file(path) == []
    assert _resolve_problems(Path(path)) == []


HAND_WRITTEN = [
    # real fields: per-channel INT8, a dynamic type, rotate config, affine bias, lax bools
    """\
    metadata: {recipe_type: ptq}
    quantize:
      algorithm: [{method: smoothquant, alpha: 0.5}, max]
      quant_cfg:
        - {quantizer_name: "*", enable: false}
        - quantizer_name: "*weight_quantizer"
          cfg: {num_bits: 8, axis: 0, narrow_range: yes, trt_high_precision_dtype: Half}
        - quantizer_name: "*input_quantizer"
          parent_class: nn.Linear
          cfg: {num_bits: e4m3, type: dynamic, rotate: {enable: true, mode: rotate_back}}
        - quantizer_name: "*[kv]_bmm_quantizer"
          cfg: {num_bits: e4m3, bias: {-2: null, type: static}}
    """,
    """\
    metadata: {recipe_type: auto_quantize, description: search NVFP4 vs FP8}
    auto_quantize:
      constraints: {effective_bits: 4.8}
      candidate_formats:
        - _factory_: NVFP4_DEFAULT_CFG
        - _factory_: FP8_DEFAULT_CFG
      disabled_layers: ["*lm_head*"]
    """,
    """\
    metadata: {recipe_type: ptq}
    quantize:
      algorithm: null
      quant_cfg:
        - _factory_: base_disable_all
        - _factory_: "pair('*mlp*', 'mxfp4', None)"
    """,
]


AUTO_QUANTIZE = """\
metadata: {recipe_type: auto_quantize}
auto_quantize:
  constraints: {effective_bits: 4.8}
  candidate_formats: [{_factory_: NVFP4_DEFAULT_CFG}]
"""

#: ModelOpt's AutoQuantize model validators: (edit of AUTO_QUANTIZE, message fragment)
AUTO_QUANTIZE_RULES = [
    ("  candidate_formats: [{_factory_: NVFP4_DEFAULT_CFG}]", "requires candidate_formats or"),
    ("  candidate_formats: [{_factory_: NVFP4_DEFAULT_CFG}]\nquantize: {_factory_: FP8_DEFAULT_CFG}",
     "requires omitting top-level auto_quantize.candidate_formats"),
    ("  module_search_spaces:\n    - {module_name_patterns: ['*mlp*'], candidate_formats: [{}]}",
     "candidate_formats is required"),
]  # fmt: skip


def _auto_quantize(edit: str) -> str:
    return _mistake("  candidate_formats: [{_factory_: NVFP4_DEFAULT_CFG}]", edit, AUTO_QUANTIZE)


@pytest.mark.parametrize(("edit", "fragment"), AUTO_QUANTIZE_RULES)
def test_auto_quantize_rules(edit, fragment) -> None:
    assert _resolve_problems(AUTO_QUANTIZE) == []
    text = _auto_quantize("" if edit == AUTO_QUANTIZE_RULES[0][0] else edit)
    problems = _resolve_problems(text)
    assert len(problems) == 1 and fragment in str(problems[0])


@pytest.mark.modelopt
@pytest.mark.parametrize(("edit", "fragment"), AUTO_QUANTIZE_RULES)
def test_modelopt_enforces_the_auto_quantize_rules(tmp_path, edit, fragment) -> None:
    text = _auto_quantize("" if edit == AUTO_QUANTIZE_RULES[0][0] else edit)
    data = recipekit.resolve(text, validate=False)
    _load_modelopt(tmp_path, recipekit.dump(recipekit.resolve(AUTO_QUANTIZE)))
    with pytest.raises(ValueError):
        _load_modelopt(tmp_path, recipekit.dump(data))


@pytest.mark.parametrize("text", HAND_WRITTEN, ids=lambda t: t.split("\n")[0][:40])
def test_hand_written_recipes_with_real_fields_pass(tmp_path, text) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(textwrap.dedent(text))
    assert _check_file(path) == []
    assert _resolve_problems(Path(path)) == []


def test_every_golden_payload_validates(reference) -> None:
    golden = reference / "modelopt-0.47.0" / "golden"
    index = json.loads((golden / "INDEX.json").read_text())
    kinds = {v: k for k, v in schemas.index()["kinds"].items()}
    checked, failed = 0, []
    for rel, info in sorted(index.items()):
        data = json.loads((golden / info["golden"]).read_text())
        kind = None if data.get("recipe_type") else kinds.get(data.get("schema"))
        if kind is None and not data.get("recipe_type"):
            continue  # DMDConfig: not a recipe class
        checked += 1
        problems = schemas.validate(data["resolved_pre_validation"], kind)
        failed += [f"{rel}: {p}" for p in problems]
    assert failed == [] and checked == 149


# ------------------------------------------------------------------------------ the two validators
def _fast_rejects(name: str, doc) -> bool:
    try:
        schemas._fast(name)(doc)
    except Exception:
        return True
    return False


def _explain_rejects(name: str, doc) -> bool:
    import jsonschema

    return bool(list(jsonschema.Draft202012Validator(schemas.lax(name)).iter_errors(doc)))


PTQ = schemas.kind_schema("recipe:ptq")
_BASE = schemas.to_json(recipekit.resolve(GOOD))
_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 20), st.floats(0, 8, allow_nan=False),
    st.sampled_from(["dynamic", "static", "maybe", "Half", "e4m3", "yes", "*"]),
    st.lists(st.integers(0, 5), max_size=3), st.just({"num_bits": 8}),
)  # fmt: skip


def _paths(value, at=()):
    yield at
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*at, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*at, i))


_ALL_PATHS = [p for p in _paths(_BASE) if p]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_ALL_PATHS), st.sampled_from(["set", "add"]), _VALUES)
def test_compiled_validator_and_explainer_agree(path, how, value) -> None:
    doc = copy.deepcopy(_BASE)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if how == "set":
        node[path[-1]] = value
    elif isinstance(node[path[-1]], dict):
        node[path[-1]]["axsis"] = value
    assert _fast_rejects(PTQ, doc) == _explain_rejects(PTQ, doc)
    if _explain_rejects(PTQ, doc):
        assert schemas.validate(doc), "a rejected document must yield problems"


def test_compiled_validators_are_current() -> None:
    import fastjsonschema

    folder = ROOT / "recipekit" / "schemas" / "compiled"
    sample = (folder / f"{schemas.slug(PTQ)}.py").read_text()
    if f'VERSION = "{fastjsonschema.VERSION}"' not in sample:
        pytest.skip("compiled with another fastjsonschema version")
    sources = schemas.compiled_sources()
    stale = [n for n, text in sources.items() if (folder / n).read_text() != text]
    assert stale == [], "run `python -m recipekit.schemas`"


def test_import_recipekit_loads_no_validator() -> None:
    code = "import recipekit, sys; print(sorted(m for m in sys.modules if 'schema' in m))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        check=True,
    )
    assert done.stdout.strip() == "[]"


# ------------------------------------------------------------------------------ oracle group
def _modelopt():
    pytest.importorskip("modelopt.recipe")
    import modelopt.recipe

    return modelopt.recipe


@pytest.mark.modelopt
def test_exported_schemas_are_what_modelopt_generates() -> None:
    _modelopt()
    spec = importlib.util.spec_from_file_location(
        "_recipekit_modelopt_schema", HERE / "oracle" / "modelopt_schema.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0


def _load_modelopt(tmp_path: Path, text: str):
    recipe = _modelopt()
    path = tmp_path / "modelopt_recipe.yaml"
    path.write_text(text)
    cwd = os.getcwd()
    os.chdir(tmp_path)  # load_config probes the CWD first
    try:
        return recipe.load_recipe(str(path))
    finally:
        os.chdir(cwd)


@pytest.mark.modelopt
def test_modelopt_loads_the_good_recipe_and_recipekit_builds_the_same(tmp_path) -> None:
    loaded = _load_modelopt(tmp_path, GOOD_MODELOPT)
    ours = _load_modelopt(tmp_path, recipekit.dump(recipekit.resolve(GOOD)))
    assert ours.model_dump() == loaded.model_dump()


@pytest.mark.modelopt
@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_modelopt_rejects_each_mistake(tmp_path, case) -> None:
    _, old, new, modelopt_new, *_ = case
    old = old.replace("_factory_: nvfp4}", "$import: nvfp4}").replace("_factory_: nvfp4", "$import: nvfp4")  # fmt: skip
    old = old.replace("_factory_: kv_fp8", "$import: kv_fp8")
    new = modelopt_new if modelopt_new is not None else new.replace("  # <-", "")
    text = _mistake(old, new, GOOD_MODELOPT)
    with pytest.raises(ValueError):  # pydantic's ValidationError, or the loader's own ValueError
        _load_modelopt(tmp_path, text)


@pytest.mark.modelopt
@pytest.mark.parametrize("case", ALGORITHM_CASES, ids=lambda c: c[0])
def test_modelopt_loads_but_calibrate_rejects_each_algorithm_mistake(tmp_path, case) -> None:
    import yaml

    recipe = _load_modelopt(tmp_path, _algorithm(case[1], GOOD_MODELOPT).replace("  # <-", ""))
    assert recipe.quantize.algorithm == yaml.safe_load(case[1])  # load_recipe kept it as is
    from modelopt.torch.quantization.mode import CalibrateModeRegistry, get_modelike_from_algo_cfg

    with pytest.raises((ValueError, KeyError, AssertionError)):
        for mode, config in get_modelike_from_algo_cfg(recipe.quantize.algorithm):
            CalibrateModeRegistry[mode].config_class.model_validate(config)


@pytest.mark.modelopt
@pytest.mark.parametrize("text", HAND_WRITTEN, ids=lambda t: t.split("\n")[0][:40])
def test_modelopt_loads_the_hand_written_recipes(tmp_path, text) -> None:
    data = recipekit.resolve(textwrap.dedent(text))
    _load_modelopt(tmp_path, recipekit.dump(data))
