"""recipekit.match: ModelOpt 0.47.0's quant_cfg matching and precedence, replayed on names.

Three kinds of expectations:

* hand-written, from ModelOpt's documented rules (``set_quantizer_by_cfg``'s docstring and
  ``docs quant-cfg``): order, full replacement by ``cfg``, ``enable``-only toggles, parent_class,
  legacy forms, sequential quantizers;
* the reference run (``_CPU_QUANTIZE.json``: ModelOpt applied every general/ptq recipe to a tiny
  CPU model and recorded each quantizer's state) -- needs only ``../shared/reference``;
* the live oracle (``-m modelopt``): ModelOpt itself applies each general/ptq recipe to small
  models of our own (attention + MLP + MoE names, lm_head, vision towers, convs, norms) and the
  real quantizer states must equal the prediction.
"""

from __future__ import annotations

import functools
import json
import sys
import textwrap
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recipekit import ProblemReport, RecipekitError
from recipekit.match import (
    MatchError,
    format_name,
    match,
    module_quantizers,
    read_names,
)

FP8 = {"num_bits": (4, 3), "axis": None}
NVFP4 = {"num_bits": (2, 1), "block_sizes": {-1: 16, "type": "dynamic", "scale_bits": (4, 3)}}
INT4_BLOCK = {"num_bits": 4, "block_sizes": {-1: 128}}
OFF = {"quantizer_name": "*", "enable": False}
LIN = "nn.Linear"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "match"


def state(result, name):
    """(enabled, num_bits, axis, block_sizes) of the part called ``name``."""
    for m in result.matches:
        for p in m.parts:
            if p.name == name:
                return (p.enabled, p.num_bits, p.axis, p.block_sizes)
    raise KeyError(name)


def rules_of(result, name):
    """(enable rule index, cfg rule index) of the part called ``name`` (None = module default)."""
    for m in result.matches:
        for p in m.parts:
            if p.name == name:
                return (
                    p.enable_rule.position if p.enable_rule else None,
                    p.cfg_rule.position if p.cfg_rule else None,
                )
    raise KeyError(name)


WQ_, IQ_, OQ_ = (f"lm_head.{s}_quantizer" for s in ("weight", "input", "output"))

# (quant_cfg, quantizer, expected (enabled, num_bits, axis, block_sizes), expected rules)
PRECEDENCE = {
    "module defaults when nothing matches": (
        [{"quantizer_name": "*x*", "enable": False}],
        WQ_,
        (True, 8, 0, None),
        (None, None),
    ),
    "output quantizer starts disabled": (
        [{"quantizer_name": "*x*", "enable": False}],
        OQ_,
        (False, 8, None, None),
        (None, None),
    ),
    "later rule wins": (
        [
            OFF,
            {"quantizer_name": "*weight_quantizer", "cfg": FP8},
            {"quantizer_name": "*lm_head*", "enable": False},
        ],
        WQ_,
        (False, (4, 3), None, None),
        (2, 1),
    ),
    "cfg implies enable": (
        [OFF, {"quantizer_name": "*weight_quantizer", "cfg": FP8}],
        WQ_,
        (True, (4, 3), None, None),
        (1, 1),
    ),
    "cfg replaces every attribute": (
        [
            {"quantizer_name": "*weight_quantizer", "cfg": INT4_BLOCK},
            {"quantizer_name": "*", "cfg": {"num_bits": (4, 3)}},
        ],
        WQ_,
        (True, (4, 3), None, None),
        (1, 1),
    ),
    "cfg with enable false sets attributes, stays off": (
        [{"quantizer_name": "*", "cfg": FP8, "enable": False}],
        WQ_,
        (False, (4, 3), None, None),
        (0, 0),
    ),
    "enable alone keeps attributes": (
        [
            {"quantizer_name": "*", "cfg": {"num_bits": 4, "axis": 0}, "enable": False},
            {"quantizer_name": "*", "enable": True},
        ],
        IQ_,
        (True, 4, 0, None),
        (1, 0),
    ),
    "enable alone on an untouched output quantizer: 8-bit": (
        [OFF, {"quantizer_name": "*lm_head*", "enable": True}],
        OQ_,
        (True, 8, None, None),
        (1, None),
    ),
    "empty cfg with enable false = enable only": (
        [{"quantizer_name": "*", "cfg": FP8}, {"quantizer_name": "*", "cfg": {}, "enable": False}],
        WQ_,
        (False, (4, 3), None, None),
        (1, 0),
    ),
    "block_sizes clears axis": (
        [{"quantizer_name": "*", "cfg": {"num_bits": 4, "axis": 0, "block_sizes": {-1: 64}}}],
        WQ_,
        (True, 4, None, {-1: 64}),
        (0, 0),
    ),
    "pattern is a full-name glob": (
        [OFF, {"quantizer_name": "lm_head", "enable": True}],
        WQ_,
        (False, 8, 0, None),
        (0, None),
    ),
    "character class": (
        [OFF, {"quantizer_name": "*[wi]*_quantizer", "cfg": FP8}],
        WQ_,
        (True, (4, 3), None, None),
        (1, 1),
    ),
    "parent_class matches the parent's class": (
        [OFF, {"quantizer_name": "*", "parent_class": "nn.Linear", "cfg": FP8}],
        WQ_,
        (True, (4, 3), None, None),
        (1, 1),
    ),
    "parent_class of another class does not match": (
        [OFF, {"quantizer_name": "*", "parent_class": "nn.Embedding", "enable": True}],
        WQ_,
        (False, 8, 0, None),
        (0, None),
    ),
    "legacy one-key entry": (
        [{"*weight_quantizer": {"num_bits": 4, "axis": 0}}],
        WQ_,
        (True, 4, 0, None),
        (0, 0),
    ),
    "legacy default key is *": (
        [{"default": {"enable": False}}],
        IQ_,
        (False, 8, None, None),
        (0, None),
    ),
    "legacy nn-scoped entry": (
        [OFF, {"nn.Linear": {"*weight_quantizer": {"num_bits": 8, "axis": None}}}],
        WQ_,
        (True, 8, None, None),
        (1, 1),
    ),
    "legacy flat mapping": (
        {"quant_cfg": {"*": {"enable": False}, "*lm_head*": {"num_bits": (4, 3)}}},
        WQ_,
        (True, (4, 3), None, None),
        (1, 1),
    ),
}


@pytest.mark.parametrize(("cfg", "name", "expected", "rules"), PRECEDENCE.values(), ids=PRECEDENCE)
def test_precedence(cfg, name, expected, rules) -> None:
    result = match(cfg, module_quantizers("lm_head", LIN))
    assert state(result, name) == expected
    assert rules_of(result, name) == rules


def test_parent_class_needs_a_known_class() -> None:
    cfg = [OFF, {"quantizer_name": "*", "parent_class": LIN, "cfg": FP8}]
    result = match(cfg, ["lm_head.weight_quantizer"])  # a bare name: class unknown
    assert state(result, "lm_head.weight_quantizer")[0] is False
    assert result.skipped_parent_rules == (1,)
    assert "parent_class rules #1 skipped for 1 quantizer(s) of unknown class" in result.summary()


def test_fused_expert_quantizer_lists_match_singular_patterns() -> None:
    name = "model.layers.0.mlp.experts.gate_up_proj_weight_quantizers.3"
    cfg = [OFF, {"quantizer_name": "*weight_quantizer", "cfg": FP8}]
    assert state(match(cfg, [name]), name)[:2] == (True, (4, 3))
    assert (
        state(match(cfg, [name.replace("weight", "input")]), name.replace("weight", "input"))[0]
        is False
    )


def test_embedding_input_is_hard_disabled() -> None:
    cfg = [{"quantizer_name": "*", "cfg": FP8}, {"quantizer_name": "*embed*", "enable": True}]
    result = match(cfg, module_quantizers("model.embed_tokens", "nn.Embedding"))
    assert state(result, "model.embed_tokens.input_quantizer") == (False, (4, 3), None, None)
    assert state(result, "model.embed_tokens.weight_quantizer") == (True, (4, 3), None, None)


W4A8 = [{"num_bits": 4, "block_sizes": {-1: 128}}, {"num_bits": (4, 3)}]
WQ = "x.weight_quantizer"

# Sequential quantizers: (quant_cfg, expected {part name: (enabled, num_bits)})
SEQUENTIAL = {
    "list cfg makes parts .0 and .1": (
        [{"quantizer_name": "*weight_quantizer", "cfg": W4A8}],
        {f"{WQ}.0": (True, 4), f"{WQ}.1": (True, (4, 3))},
    ),
    "dict cfg makes it single again": (
        [
            {"quantizer_name": "*weight_quantizer", "cfg": W4A8},
            {"quantizer_name": "*weight_quantizer", "cfg": FP8},
        ],
        {WQ: (True, (4, 3))},
    ),
    "enable alone reaches every part": (
        [
            {"quantizer_name": "*weight_quantizer", "cfg": W4A8},
            {"quantizer_name": "x.*", "enable": False},
        ],
        {f"{WQ}.0": (False, 4), f"{WQ}.1": (False, (4, 3))},
    ),
    "a part is matched by its own name": (
        [
            {"quantizer_name": "*weight_quantizer", "cfg": W4A8},
            {"quantizer_name": "*weight_quantizer.1", "enable": False},
        ],
        {f"{WQ}.0": (True, 4), f"{WQ}.1": (False, (4, 3))},
    ),
    # what ModelOpt 0.47.0 does (observed): parts NAME.i also match *weight_quantizer through the
    # expert-index normalization, so a second list cfg nests sequential quantizers.
    "a second list cfg nests": (
        [{"quantizer_name": "*weight_quantizer", "cfg": W4A8}] * 2,
        {
            f"{WQ}.0.0": (True, 4),
            f"{WQ}.0.1": (True, (4, 3)),
            f"{WQ}.1.0": (True, 4),
            f"{WQ}.1.1": (True, (4, 3)),
        },
    ),
}


@pytest.mark.parametrize(("cfg", "expected"), SEQUENTIAL.values(), ids=SEQUENTIAL)
def test_sequential(cfg, expected) -> None:
    (m,) = [m for m in match(cfg, module_quantizers("x", LIN)).matches if m.quantizer.name == WQ]
    assert {p.name: (p.enabled, p.num_bits) for p in m.parts} == expected


BAD = {
    "only quantizer_name": ([{"quantizer_name": "*"}], "neither cfg nor enable"),
    "empty cfg enabled": ([{"quantizer_name": "*", "cfg": {}}], "empty cfg"),
    "unknown key": ([{"quantizer_name": "*", "enable": False, "enabled": True}], "unknown key"),
    "not an entry": ([["*"]], "invalid quant_cfg entry"),
    "enable not bool": ([{"quantizer_name": "*", "enable": "no"}], "true or false"),
}


@pytest.mark.parametrize(("cfg", "message"), BAD.values(), ids=BAD)
def test_bad_entries(cfg, message) -> None:
    with pytest.raises(RecipekitError, match=message):
        match(cfg, ["a.weight_quantizer"])


def test_every_bad_entry_is_reported_at_once() -> None:
    with pytest.raises(ProblemReport) as info:
        match(
            [{"quantizer_name": "*"}, OFF, {"quantizer_name": "*", "cfg": {}}],
            ["a.input_quantizer"],
        )
    assert [p.path for p in info.value.problems] == [(0,), (2,)]  # a bare list: paths from it


def test_recipe_shapes() -> None:
    cfg = [OFF, {"quantizer_name": "*weight_quantizer", "cfg": FP8}]
    for data in ({"quantize": {"quant_cfg": cfg}}, {"quant_cfg": cfg}, cfg):
        assert state(match(data, [WQ]), WQ)[:2] == (True, (4, 3))
    with pytest.raises(MatchError, match="no quant_cfg"):
        match({"metadata": {}}, [WQ])


FORMATS = {
    "nvfp4": (((2, 1), NVFP4["block_sizes"], None), "nvfp4"),
    "mxfp8": (((4, 3), {-1: 32, "type": "dynamic", "scale_bits": (8, 0)}, None), "mxfp8"),
    "fp8": (((4, 3), None, None), "fp8"),
    "int8 per row": ((8, None, 0), "int8/axis0"),
    "int4 block": ((4, {-1: 128}, None), "int4/block128"),
}


@pytest.mark.parametrize(("args", "expected"), FORMATS.values(), ids=FORMATS)
def test_format_name(args, expected) -> None:
    assert format_name(*args) == expected


NAMES = {
    "module defaults to nn.Linear": (
        "a.q_proj",
        [
            ("a.q_proj.input_quantizer", LIN),
            ("a.q_proj.output_quantizer", LIN),
            ("a.q_proj.weight_quantizer", LIN),
        ],
    ),
    "class short name": (
        "norm LayerNorm",
        [("norm.input_quantizer", "nn.LayerNorm"), ("norm.output_quantizer", "nn.LayerNorm")],
    ),
    "quantizer name kept": ("a.k_bmm_quantizer  # kv", [("a.k_bmm_quantizer", None)]),
    "container class gives nothing": ("model.layers ModuleList", []),
    "comment and blank": ("# x\n\n", []),
}


@pytest.mark.parametrize(("text", "expected"), NAMES.values(), ids=NAMES)
def test_read_names(text, expected) -> None:
    assert [tuple(q) for q in read_names(text.splitlines())] == expected


def test_read_names_rejects_three_words() -> None:
    with pytest.raises(MatchError, match="names:1: expected NAME"):
        read_names(["a b c"], "names")


PATTERNS = st.sampled_from(
    ["*", "*weight_quantizer", "*input_quantizer", "*lm_head*", "*mlp*", "*.0.*", "x.*"]
)
RULE = st.one_of(
    st.builds(lambda p, e: {"quantizer_name": p, "enable": e}, PATTERNS, st.booleans()),
    st.builds(lambda p: {"quantizer_name": p, "cfg": FP8}, PATTERNS),
    st.builds(lambda p: {"quantizer_name": p, "cfg": W4A8}, PATTERNS),
)
MODEL = [*module_quantizers("x.mlp.0", LIN), *module_quantizers("lm_head", LIN)]


@settings(max_examples=60, deadline=None)
@given(st.lists(RULE, max_size=6), PATTERNS)
def test_a_last_disable_rule_turns_off_exactly_what_it_matches(cfg, pattern) -> None:
    """Documented: later entries override earlier ones for any quantizer they match."""
    before = match(cfg, MODEL)
    after = match([*cfg, {"quantizer_name": pattern, "enable": False}], MODEL)
    last = len(cfg)
    for b, a in zip(before.matches, after.matches, strict=True):
        for pb, pa in zip(b.parts, a.parts, strict=True):
            if pa.enable_rule is not None and pa.enable_rule.position == last:
                assert not pa.enabled and pa.attributes == pb.attributes
            else:
                assert (pa.enabled, pa.attributes) == (pb.enabled, pb.attributes)


# --- provenance and the command -------------------------------------------------------------

RECIPE = textwrap.dedent(
    """\
    metadata: {recipe_type: ptq}
    quantize:
      algorithm: max
      quant_cfg:
        - {quantizer_name: "*", enable: false}
        - quantizer_name: "*weight_quantizer"
          cfg: {num_bits: 8, axis: 0}
        - {quantizer_name: "*lm_head*", enable: false}
    """
)


def run_cli(*argv):
    from recipekit.cli import main

    return main(list(argv))


def test_cli_table_json_and_provenance(tmp_path, capsys, monkeypatch) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(RECIPE)
    names = tmp_path / "names.txt"
    names.write_text("model.layers.0.mlp.up_proj\nlm_head Linear\n")
    assert run_cli("match", str(recipe), "--names", str(names)) == 0
    out = capsys.readouterr().out
    row = next(
        line for line in out.splitlines() if line.startswith("model.layers.0.mlp.up_proj.weight")
    )
    assert row.split()[1:3] == ["on", "int8/axis0"]
    assert "#1 *weight_quantizer" in row and "r.yaml:6:" in row
    assert out.splitlines()[-1].startswith("6 quantizers: 1 enabled (1 int8/axis0), 5 disabled")

    assert (
        run_cli(
            "match",
            str(recipe),
            "quantize.quant_cfg.2.enable=true",
            "--names",
            str(names),
            "--format",
            "json",
            "--only-enabled",
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    on = {q["quantizer"]: q for q in data["quantizers"]}
    assert set(on) == {
        "model.layers.0.mlp.up_proj.weight_quantizer",
        "lm_head.weight_quantizer",
        "lm_head.input_quantizer",
        "lm_head.output_quantizer",
    }
    assert on["lm_head.output_quantizer"]["parts"][0]["enable_rule"]["where"].startswith(
        "override "
    )

    monkeypatch.setattr(
        sys, "stdin", __import__("io").StringIO("lm_head.weight_quantizer nn.Linear\n")
    )
    assert run_cli("match", str(recipe), "--names", "-") == 0
    assert "1 quantizers: 0 enabled, 1 disabled" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (
            ["match", "general/ptq/fp8_default-kv_fp8", "--names", "/nonexistent/names"],
            1,
            "No such file",
        ),
        (["match", "general/ptq/fp8_default-kv_fp88", "--names", "-"], 1, "did you mean"),
        (
            ["match", "general/ptq/fp8_default-kv_fp8", "--from-torch", "nocolon"],
            1,
            "MODULE:FACTORY",
        ),
        (["match", "general/ptq/fp8_default-kv_fp8"], 2, "--names"),
    ],
)
def test_cli_errors(argv, code, message, capsys) -> None:
    try:
        assert run_cli(*argv) == code
    except SystemExit as exc:
        assert exc.code == code
    assert message in capsys.readouterr().err


# --- the reference run: ModelOpt applied each general/ptq recipe to TinyLM -------------------


def _tinylm_class(quantizer: str) -> str:
    """TinyLM's modules (reference report §6): the parent class key of each quantizer."""
    module = quantizer.rpartition(".")[0]
    if module.endswith("embed_tokens"):
        return "nn.Embedding"
    if module.endswith(("layernorm", "model.norm")):
        return "nn.LayerNorm"
    if module.endswith(".core"):
        return "AttnCore"
    return LIN


def _general_ptq() -> list[str]:
    from recipekit.defaults import default_registry

    return sorted(
        e.name for e in default_registry().entries("recipes") if e.name.startswith("general/ptq/")
    )


def _canon(value):
    return json.loads(json.dumps(value, default=list))


@functools.cache
def _reference_runs() -> dict:
    from tests.conftest import REFERENCE

    path = REFERENCE / "modelopt-0.47.0/golden/_CPU_QUANTIZE.json"
    return json.loads(path.read_text())["results"] if path.is_file() else {}


# Every config of the reference run (54 PTQ recipes, 39 presets); general/ptq without it.
REFERENCE_RUNS = sorted(k[:-5] for k in _reference_runs() if k.endswith(".yaml")) or _general_ptq()


@pytest.mark.parametrize("recipe", REFERENCE_RUNS)
def test_reference_cpu_quantize_states(recipe, reference) -> None:
    import recipekit

    real = _reference_runs()[f"{recipe}.yaml"]["apply_only"]
    assert real["status"] == "ok"
    result = match(
        recipekit.resolve(recipe), [(n, _tinylm_class(n)) for n in real["quantizer_state"]]
    )
    predicted = {}
    for m in result.matches:
        for p in m.parts:
            predicted[p.name] = _canon([p.enabled, p.num_bits, p.axis, p.block_sizes])
    expected = {}
    for name, s in real["quantizer_state"].items():
        parts = (
            [(name, s)]
            if s["type"] != "SequentialQuantizer"
            else [(f"{name}.{i}", c) for i, c in enumerate(s["children"])]
        )
        for part, c in parts:
            props = c["props"]
            expected[part] = _canon(
                [
                    c["enabled"],
                    props.get("_num_bits", 8),
                    props.get("_axis"),
                    props.get("_block_sizes"),
                ]
            )
    assert predicted == expected
    assert (
        sorted(m.quantizer.name for m in result.matches if m.enabled) == real["enabled_quantizers"]
    )


# --- the live oracle: ModelOpt applies each general/ptq recipe to our own small models ---------


@pytest.fixture(scope="module")
def mo():
    pytest.importorskip("modelopt.torch.quantization")
    from tests import _match_models

    return _match_models


@pytest.mark.modelopt
@pytest.mark.parametrize("recipe", _general_ptq())
def test_oracle_general_ptq(recipe, mo) -> None:
    import recipekit

    quantize = recipekit.resolve(recipe)["quantize"]
    for build in mo.MODELS:
        model = mo.apply(build(), quantize)
        names, real = mo.real_states(model)
        result = match({"quantize": quantize}, names)
        predicted = {
            p.name: _canon([p.enabled, p.num_bits, p.axis, p.block_sizes])
            for m in result.matches
            for p in m.parts
        }
        assert predicted == _canon(real), f"{recipe} on {build.__name__}"


@pytest.mark.modelopt
@pytest.mark.parametrize(
    "recipe",
    [
        "general/ptq/fp8_default-kv_fp8",
        "general/ptq/fp8_default-kv_fp8_cast",
        "general/ptq/int4_blockwise_weight_only",
    ],
)
def test_oracle_full_quantize_on_cpu(recipe, mo) -> None:
    """The formats ModelOpt can calibrate on CPU: mtq.quantize end to end keeps the prediction.

    One thing calibration itself changes (observed with 0.47.0): a static block quantizer's
    ``_axis`` becomes the per-block axis of the reshaped weight, ``(0,)``. ``match`` reports the
    configured state, so for block quantizers the axis is compared before calibration only."""
    import recipekit

    quantize = recipekit.resolve(recipe)["quantize"]
    model = mo.quantize(mo.decoder(), quantize)
    names, real = mo.real_states(model)
    result = match({"quantize": quantize}, names)
    predicted = {
        p.name: _canon([p.enabled, p.num_bits, p.axis, p.block_sizes])
        for m in result.matches
        for p in m.parts
    }
    for state_ in real.values():
        if state_[3] is not None and state_[3].get("type") == "static":
            state_[2] = None
    assert predicted == _canon(real)


@pytest.mark.modelopt
def test_from_torch_names_equal_modelopt(mo) -> None:
    from recipekit.match import from_torch

    real, _ = mo.real_states(mo.apply(mo.vision(), {"quant_cfg": [OFF], "algorithm": None}))
    got = from_torch("tests._match_models:vision")
    assert sorted(map(tuple, got)) == sorted(real)


@pytest.mark.modelopt
def test_cli_from_torch(mo, capsys) -> None:
    argv = ["match", "general/ptq/fp8_default-kv_fp8", "--from-torch", "tests._match_models:vision"]
    assert run_cli(*argv, "--format", "json") == 0
    data = json.loads(capsys.readouterr().out)
    names, real = mo.real_states(mo.apply(mo.vision(), recipekit_quantize(argv[1])))
    assert {q["quantizer"]: q["enabled"] for q in data["quantizers"]} == {
        n: real[n][0] for n, _ in names
    }


def recipekit_quantize(name):
    import recipekit

    return recipekit.resolve(name)["quantize"]


@pytest.mark.modelopt
def test_module_quantizers_equal_modelopt(mo) -> None:
    """MODULE_QUANTIZERS (initial slots and attributes) against ModelOpt's converted modules."""
    from recipekit.match import MODULE_QUANTIZERS

    for key in MODULE_QUANTIZERS:
        real = mo.initial_slots(key)
        predicted = {
            p.name: _canon([p.enabled, p.num_bits, p.axis, p.block_sizes])
            for m in match(
                [{"quantizer_name": "nothing", "enable": False}], module_quantizers("", key)
            ).matches
            for p in m.parts
        }
        assert predicted == _canon(real), key


@pytest.mark.modelopt
def test_sequential_nesting_equals_modelopt(mo) -> None:
    cfg = [{"quantizer_name": "*weight_quantizer", "cfg": W4A8}] * 2 + [
        {"quantizer_name": "*weight_quantizer.1", "enable": False}
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = mo.apply(mo.decoder(), {"quant_cfg": cfg, "algorithm": None})
    names, real = mo.real_states(model)
    result = match(cfg, names)
    predicted = {
        p.name: _canon([p.enabled, p.num_bits, p.axis, p.block_sizes])
        for m in result.matches
        for p in m.parts
    }
    assert predicted == _canon(real)


def test_cli_bad_rule_is_located(tmp_path, capsys) -> None:
    recipe = tmp_path / "bad.yaml"
    recipe.write_text('quantize:\n  quant_cfg:\n    - {quantizer_name: "*"}\n')
    names = tmp_path / "names.txt"
    names.write_text("lm_head\n")
    assert run_cli("match", str(recipe), "--names", str(names)) == 1
    err = capsys.readouterr().err
    assert "quantize.quant_cfg[0]: the entry for '*' has neither cfg nor enable" in err
    assert "bad.yaml:3:7" in err and "Traceback" not in err


@pytest.mark.modelopt
@pytest.mark.parametrize(
    "recipe", ["general/ptq/nvfp4_mlp_only-kv_fp8", "huggingface/gemma/ptq/w4a8_awq-kv_fp8_cast"]
)
def test_modelopt_recipe_objects_match_like_recipekit_data(recipe) -> None:
    """ModelOpt's own pydantic QuantizeConfig is accepted and gives the same answer."""
    pytest.importorskip("modelopt.recipe")
    from modelopt.recipe import load_recipe

    import recipekit

    def states(result):
        return [
            (p.name, p.enabled, p.num_bits, p.axis, p.block_sizes)
            for m in result.matches
            for p in m.parts
        ]

    names = read_names((EXAMPLES / "decoder_names.txt").read_text().splitlines())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = states(match(load_recipe(recipe).quantize, names))
    assert theirs and theirs == states(match(recipekit.resolve(recipe), names))
