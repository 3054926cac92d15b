"""Dot-list overrides of the resolved document."""

from __future__ import annotations

import dataclasses
import re

import pytest

import recipekit
from recipekit.resolver.errors import BadOverrideError, ProblemReport, RecipekitError

DOC = """
quantize:
  algorithm: max
  steps: 4
  quant_cfg:
    - _factory_: base_disable_all
    - _factory_: "pair('*mlp*')"
    - quantizer_name: '*lm_head*'
      enable: false
  algo: {method: mse, step: 0.5}
  tags: [a, b]
"""


def resolve(*overrides: str, reg: recipekit.Registry) -> dict:
    return recipekit.resolve(DOC, overrides, registry=reg)


@pytest.mark.parametrize(
    ("override", "path", "expected"),
    [
        ("quantize.algorithm=awq_lite", ("algorithm",), "awq_lite"),
        ("quantize.algorithm=16", ("algorithm",), 16),
        ("quantize.algorithm=null", ("algorithm",), None),
        ("quantize.algorithm=[1, 2]", ("algorithm",), [1, 2]),
        ("quantize.algorithm='e4m3'", ("algorithm",), "e4m3"),
        ("quantize.quant_cfg.1.cfg.num_bits=e4m3", ("quant_cfg", 1, "cfg", "num_bits"), "e4m3"),
        ("quantize.quant_cfg.-1.enable=true", ("quant_cfg", 3, "enable"), True),
        ("quantize.quant_cfg[1].cfg.axis=0", ("quant_cfg", 1, "cfg", "axis"), 0),
        (
            "quantize.quant_cfg[quantizer_name=*lm_head*].enable=true",
            ("quant_cfg", 3, "enable"),
            True,
        ),
        (
            "quantize.quant_cfg[quantizer_name='*mlp*input_quantizer'].cfg.axis=1",
            ("quant_cfg", 2, "cfg", "axis"),
            1,
        ),
        (
            "quantize.quant_cfg.0={_factory_: fp8}",
            ("quant_cfg", 0),
            {"num_bits": (4, 3), "axis": None},
        ),
        ("quantize.steps+=2", ("steps",), 6),
        ("quantize.steps-=1", ("steps",), 3),
        ("quantize.steps*=3", ("steps",), 12),
        ("quantize.steps/=2", ("steps",), 2.0),
        ("quantize.tags+=c", ("tags",), ["a", "b", "c"]),
        ("quantize.tags+=[c, d]", ("tags",), ["a", "b", "c", "d"]),
        ("quantize.tags-=a", ("tags",), ["b"]),
        ("quantize.algo+={step: 1}", ("algo",), {"method": "mse", "step": 1}),
        ("+quantize.algo.fp8_scale_sweep=true", ("algo", "fp8_scale_sweep"), True),
    ],
)
def test_override(override: str, path: tuple, expected: object, reg: recipekit.Registry) -> None:
    node = resolve(override, reg=reg)["quantize"]
    for key in path:
        node = node[key]
    assert node == expected and type(node) is type(expected)


def test_delete_and_selector_fan_out(reg: recipekit.Registry) -> None:
    data = resolve("~quantize.algo", "~quantize.quant_cfg.0", reg=reg)["quantize"]
    assert "algo" not in data and len(data["quant_cfg"]) == 3
    doc = {"l": [{"n": "a"}, {"n": "b"}, {"n": "a"}]}
    assert recipekit.resolve(doc, ["+l[n=a].x=1"], registry=reg) == {
        "l": [{"n": "a", "x": 1}, {"n": "b"}, {"n": "a", "x": 1}]
    }
    assert recipekit.resolve(doc, ["~l[n=a]"], registry=reg) == {"l": [{"n": "b"}]}


def test_overrides_apply_in_order(reg: recipekit.Registry) -> None:
    assert resolve("quantize.steps=1", "quantize.steps+=1", reg=reg)["quantize"]["steps"] == 2


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ("quantize.algoritm=x", "did you mean: algorithm"),
        ("quantize.algoritm=x", "+quantize.algoritm=x"),
        ("quantize.quant_cfg.9.enable=true", "nearest existing path is quantize.quant_cfg"),
        ("quantize.quant_cfg[quantizer_name=*lm_haed*].enable=true", "did you mean: *lm_head*"),
        ("quantize.algorithm.x=1", "does not exist"),
        ("quantize", "has no '='"),
        ("quantize.tags*=x", "cannot apply *="),
        ("quantize..x=1", "empty path segment"),
        ("quantize.quant_cfg[oops].x=1", "bad selector"),
    ],
)
def test_bad_overrides(override: str, fragment: str, reg: recipekit.Registry) -> None:
    with pytest.raises(BadOverrideError) as info:
        resolve(override, reg=reg)
    assert fragment in str(info.value)


def test_bad_override_values_are_reported_with_document_problems(reg: recipekit.Registry) -> None:
    with pytest.raises(ProblemReport) as info:
        recipekit.resolve("a: {_factory_: nvfp5}", ["nope", "a=[1,"], registry=reg)
    assert len(info.value.problems) == 3


def test_dataclass_fields_can_be_overridden(reg: recipekit.Registry) -> None:
    data = recipekit.resolve("m: {_factory_: small_model}", ["m.layers=9"], registry=reg)
    assert data["m"].layers == 9
    with pytest.raises(BadOverrideError, match="hidden, layers, encoder"):
        recipekit.resolve("m: {_factory_: small_model}", ["m.layer=9"], registry=reg)


def test_codecs_decode_override_values(reg: recipekit.Registry) -> None:
    from recipekit.factories.codecs import register

    register(reg)
    data = resolve("quantize.quant_cfg.1.cfg.num_bits=e4m3", "quantize.algorithm=e4m3", reg=reg)[
        "quantize"
    ]
    assert data["quant_cfg"][1]["cfg"]["num_bits"] == (4, 3)
    assert data["algorithm"] == "e4m3"  # only under num_bits / scale_bits


# Issue 12, NeMo-Run's CLI tests without an entry point: `a=None` is None, `c|={'y': 2}` merges,
# `optimizer=@optim.yaml` includes a file, a malformed flow literal is an error with its column.
@pytest.mark.parametrize(
    ("override", "key", "expected"),
    [
        ("quantize.algorithm=None", "algorithm", None),
        ("quantize.algorithm='None'", "algorithm", "None"),
        ("quantize.algo|={step: 2, extra: x}", "algo", {"method": "mse", "step": 2, "extra": "x"}),
        ("quantize.algo|={'step': 2}", "algo", {"method": "mse", "step": 2}),
        ("quantize.tags=[--model, x, --]", "tags", ["--model", "x", "--"]),
    ],
)
def test_nemo_run_cli_spellings(reg, override, key, expected):
    assert resolve(override, reg=reg)["quantize"][key] == expected


def test_include_as_override_value(reg, tmp_path, monkeypatch):
    (tmp_path / "optim.yaml").write_text("method: awq_lite\nsection: {step: 3}\n")
    monkeypatch.chdir(tmp_path)
    got = resolve("quantize.algo=@optim.yaml", "quantize.steps=@optim.yaml:section", reg=reg)
    assert got["quantize"]["algo"] == {"method": "awq_lite", "section": {"step": 3}}
    assert got["quantize"]["steps"] == {"step": 3}


@pytest.mark.parametrize(
    ("override", "column"),
    [("quantize.tags=[1, 2, 3,.]", 10), ("quantize.tags={a: 1, b: ;}", 11)],
)
def test_malformed_flow_literal_names_the_column(reg, override, column):
    with pytest.raises(BadOverrideError, match=f"column {column}"):
        resolve(override, reg=reg)


def test_merge_needs_mappings(reg):
    with pytest.raises(BadOverrideError, match=r"\|="):
        resolve("quantize.tags|={a: 1}", reg=reg)


def test_operator_on_a_key_being_added_is_an_error(reg):
    with pytest.raises(BadOverrideError, match=r"\+= needs an existing value"):
        resolve("+quantize.new+=1", reg=reg)


def test_extending_a_list_keeps_the_origin_of_its_old_items() -> None:
    res = recipekit.resolve_full(
        "q: [{_factory_: kv_fp8}]\n", ["q+=[{quantizer_name: x, enable: true}]"], record=True
    )
    old, new = recipekit.explain(res, "q.0")[1], recipekit.explain(res, "q.1")[1]
    assert old is not None and old.kind == "factory"
    assert new is not None and new.kind == "override" and "q+=" in new.detail


# -- hardening (issue 10): known crashes, bounded arithmetic, no aliasing ----------------------
@pytest.mark.parametrize(
    ("doc", "override", "fragment"),
    [
        ("x: 1", "+new+=1", "override '+new+=1'"),
        ("cfg: 1", "~[cfg", "[cfg"),
        ("cfg: 1", "~cfg]", "cfg]"),
        ("cfg: 1", "~", "empty path segment"),
        ("q: 1", "q+=!!int", "bad int value"),
        ("s: ab", "s*=1000000000", "more than 1,000,000"),
        ("s: [1]", "s*=100000000", "more than 1,000,000"),
        ("n: 100000000", "n*=[1]", "more than 1,000,000"),
        ("s: ab", "s+=!!str " + "x" * 1_000_000, "more than 1,000,000"),
    ],
)
def test_bad_overrides_are_errors_not_crashes(doc: str, override: str, fragment: str) -> None:
    with pytest.raises(RecipekitError, match=re.escape(fragment)):
        recipekit.resolve(doc, [override])


@pytest.mark.parametrize(
    ("doc", "override", "expected"),
    [  # positive controls
        ("s: ab", "s*=3", {"s": "ababab"}),
        ("s: [1]", "s*=4", {"s": [1, 1, 1, 1]}),
        ("x: 1", "+new=1", {"x": 1, "new": 1}),
        ("cfg: [1, 2]", "~cfg[0]", {"cfg": [2]}),
    ],
)
def test_bounded_overrides_still_work(doc: str, override: str, expected: object) -> None:
    assert recipekit.resolve(doc, [override]) == expected


@dataclasses.dataclass(frozen=True)
class _Frozen:
    bits: int = 8
    cfg: dict = dataclasses.field(default_factory=lambda: {"a": 1})


_SHARED = _Frozen()
_SHARED_DICT = {"inner": {"k": 1}, "items": [1, 2]}


@pytest.mark.parametrize(
    ("factory", "override", "get", "expected"),
    [
        ("frozen", "x.bits=4", lambda x: x.bits, 4),
        ("frozen", "x.cfg.a=2", lambda x: x.cfg, {"a": 2}),
        ("frozen", "~x.cfg.a", lambda x: x.cfg, {}),
        ("plain", "x.inner.k=5", lambda x: x["inner"], {"k": 5}),
        ("plain", "x.items+=3", lambda x: x["items"], [1, 2, 3]),
        ("plain", "~x.items[0]", lambda x: x["items"], [2]),
    ],
)
def test_overrides_never_mutate_what_a_factory_returned(
    factory: str, override: str, get: object, expected: object
) -> None:
    reg = recipekit.Registry()

    @reg.factory(name="frozen")
    def frozen() -> _Frozen:
        return _SHARED

    @reg.factory(name="plain")
    def plain() -> dict:
        return _SHARED_DICT

    @reg.factory(name="holder")
    def holder() -> dict:
        return {"x": _SHARED}

    before = (repr(_SHARED), repr(_SHARED_DICT))
    result = recipekit.resolve(f"x: {{_factory_: {factory}}}", [override], registry=reg)
    assert get(result["x"]) == expected
    assert (repr(_SHARED), repr(_SHARED_DICT)) == before  # the factory's objects are unchanged
    again = recipekit.resolve(f"x: {{_factory_: {factory}}}", registry=reg)["x"]
    assert repr(again) == repr(_SHARED if factory == "frozen" else _SHARED_DICT)
