"""Serialization forms and their round trips."""

from __future__ import annotations

import dataclasses
import functools
import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recipekit
from recipekit.resolver.errors import BadArgumentError
from recipekit.resolver.serialize import same, to_plain
from tests.conftest import Model

#: any text: strings that look like ``${...}`` or ``@file.yaml`` are written escaped by dump
any_text = st.text(max_size=12)
#: keys are data unless reserved (a ``_factory_`` key makes a node, by design)
safe_text = any_text.filter(
    lambda s: s not in ("_factory_", "_target_", "_partial_", "_call_", "_args_")
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
    | st.sampled_from(["${a}", "\\${a}", "@x.yaml", "\\@x.yaml", "@x.yaml:a", "kv_fp8(", "a: b"])
)
keys_ = safe_text | st.integers(-5, 5)
yaml_like = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys_, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(safe_text, yaml_like, max_size=5))
def test_expanded_yaml_round_trips(data: dict) -> None:
    reg = recipekit.Registry()
    text = recipekit.dump(data, registry=reg)
    again = recipekit.resolve(text, registry=reg) if data else {}
    assert same(again, data)
    assert recipekit.dump(again, registry=reg) == text  # deterministic


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(safe_text, yaml_like, max_size=5))
def test_json_is_valid_and_keys_are_strings(data: dict) -> None:
    text = recipekit.dump(data, format="json", registry=recipekit.Registry())
    loaded = json.loads(text)
    assert isinstance(loaded, dict)


str_keyed = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(safe_text, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(safe_text, str_keyed, min_size=1, max_size=5))
def test_expanded_json_reads_back_as_yaml_text(data: dict) -> None:
    """JSON output read back through the YAML loader (as recipekit and ModelOpt read files)
    is the same data: exponent floats keep a dot (``1e-05`` would read as a string)."""
    reg = recipekit.Registry()
    text = recipekit.dump(data, format="json", registry=reg)
    assert same(recipekit.resolve(text, registry=reg), data)
    assert isinstance(json.loads(text), dict)  # and still JSON


@pytest.mark.parametrize(
    ("value", "written"),
    [(1e-05, "1.0e-05"), (1e20, "1.0e+20"), (-2.5e-07, "-2.5e-07"), (1.5, "1.5"), (3, "3")],
)
def test_json_floats_are_yaml_floats(value: float, written: str) -> None:
    text = recipekit.dump(
        {"eps": value, "s": "1e-05"}, format="json", registry=recipekit.Registry()
    )
    assert f'"eps": {written}' in text and '"s": "1e-05"' in text  # strings untouched
    assert yaml.safe_load(text)["eps"] == value


def test_json_tuples_and_int_keys() -> None:
    data = {"cfg": {"num_bits": (4, 3), "block_sizes": {-1: 16, "type": "dynamic"}}}
    assert json.loads(
        recipekit.dump(data, format="json", registry=recipekit.Registry(), encode=False)
    ) == {"cfg": {"num_bits": [4, 3], "block_sizes": {"-1": 16, "type": "dynamic"}}}


def test_codec_writes_exmy_and_reads_it_back() -> None:
    from recipekit.factories.codecs import register

    reg = recipekit.Registry()
    register(reg)
    data = {
        "cfg": {"num_bits": (4, 3), "block_sizes": {-1: 16, "scale_bits": (8, 0)}, "other": (4, 3)}
    }
    text = recipekit.dump(data, registry=reg)
    assert "num_bits: e4m3" in text and "scale_bits: e8m0" in text
    again = recipekit.resolve(text, registry=reg)
    assert again["cfg"]["num_bits"] == (4, 3) and again["cfg"]["block_sizes"]["scale_bits"] == (
        8,
        0,
    )
    assert again["cfg"]["other"] == [4, 3]  # only the domain keys are tuples again


def test_nemo_run_form_for_objects(reg: recipekit.Registry) -> None:
    data = recipekit.resolve(
        {"model": {"_factory_": "small_model(scale=2)"}, "epochs": 3}, registry=reg
    )
    text = recipekit.dump(data, form="nemo-run", registry=reg)
    assert yaml.safe_load(text) == {
        "epochs": 3,
        "model": {"_target_": "tests.conftest.Model", "hidden": 8},
    }
    part = functools.partial(Model, layers=3)
    assert to_plain(part) == {"_target_": "tests.conftest.Model", "_partial_": True, "layers": 3}
    assert to_plain(len) == {"_target_": "builtins.len", "_call_": False}


def test_unserializable_value_names_its_path() -> None:
    with pytest.raises(BadArgumentError) as info:
        recipekit.dump({"a": [1, object()]}, registry=recipekit.Registry())
    assert info.value.path == ("a", 1)


FACTORY_CASES = [
    ("q: {_factory_: nvfp4}\nother: 1\n", ["q.block_sizes.-1=32"]),
    ("q: {_factory_: nvfp4, block_sizes: {type: static}}\n", ["q.num_bits=8", "other=1"]),
    (
        "m: {_factory_: with_encoder, encoder: {_factory_: deep_encoder}}\n",
        ["m.encoder.dropout=0.5"],
    ),
    ("l:\n  - _factory_: base_disable_all\n  - _factory_: pair\n", ["l.1.cfg.axis=0"]),
    ("_factory_: nvfp4\n", ["block_sizes.type=static"]),
    ("q: {_factory_: fp8}\n", []),
]


@pytest.mark.parametrize(("text", "overrides"), FACTORY_CASES)
def test_factory_form_reproduces_the_data(
    text: str, overrides: list, reg: recipekit.Registry
) -> None:
    overrides = [
        o
        if o.split("=")[0]
        in (
            "q.num_bits",
            "l.1.cfg.axis",
            "q.block_sizes.-1",
            "block_sizes.type",
            "m.encoder.dropout",
        )
        else "+" + o
        for o in overrides
    ]
    res = recipekit.resolve_full(text, overrides, registry=reg)
    folded = recipekit.dump(res, form="factory", registry=reg)
    assert folded.count("_factory_") >= text.count("_factory_") - 1
    assert same(recipekit.resolve(folded, registry=reg), res.data)


def test_annotated_form_loads_to_the_expanded_data(reg: recipekit.Registry) -> None:
    res = recipekit.resolve_full(
        "q:\n  _factory_: nvfp4\n  block_sizes: {-1: 32}\nl:\n  - _factory_: pair\n",
        ["q.num_bits=8"],
        registry=reg,
        record=True,
    )
    text = recipekit.dump(res, form="annotated", registry=reg)
    assert yaml.safe_load(text) == yaml.safe_load(recipekit.dump(res, registry=reg))
    assert (
        "# factory: nvfp4" in text
        and "# override: q.num_bits=8" in text
        and "# sibling: key -1" in text
    )


def test_dataclass_expanded_is_its_fields(reg: recipekit.Registry) -> None:
    data = {"m": dataclasses.replace(Model(), hidden=1)}
    assert yaml.safe_load(recipekit.dump(data, registry=reg)) == {
        "m": {"hidden": 1, "layers": 2, "encoder": None}
    }


def _leaves(value: object, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [path]


BUILTIN_RECIPES = [
    "general/ptq/fp8_default-kv_fp8",
    "general/ptq/nvfp4_mlp_only-kv_fp8",
    "configs/numerics/nvfp4",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(BUILTIN_RECIPES),
    st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.integers(-50, 50)
            | st.booleans()
            | st.from_regex(r"v[a-z0-9_]{0,6}", fullmatch=True),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_factory_form_of_overridden_builtin_recipes_round_trips(name: str, edits: list) -> None:
    base = recipekit.resolve(name)
    leaves = [leaf for leaf in _leaves(base) if leaf and leaf[-1] not in ("num_bits", "scale_bits")]
    overrides = []
    for pick, value in edits:
        path = leaves[pick % len(leaves)]
        text = "true" if value is True else "false" if value is False else str(value)
        overrides.append(".".join(map(str, path)) + "=" + text)
    # random values break ModelOpt's schema; this property is about folding, not validation
    res = recipekit.resolve_full(name, overrides, validate=False)
    folded = recipekit.dump(res, form="factory")
    assert folded.startswith("_factory_:")
    assert same(recipekit.resolve(folded, validate=False), res.data)


# -- hardening (issue 10): annotated form is valid YAML; deep data is a clear error ------------
@pytest.mark.parametrize(
    "text",
    [
        "a\nb",
        "line\n",
        "x\r\ny",
        "a\u2028b",
        "é\n😀",
        "  lead\n  trail  ",
        "#x\n- y: z",
        "w" * 5000,
    ],
)
def test_annotated_form_reads_back_for_multiline_strings(text: str) -> None:
    res = recipekit.resolve_full({"k": text, "l": [text], "m": {text: 1}}, record=True)
    out = recipekit.dump(res, form="annotated")
    assert yaml.safe_load(out) == {"k": text, "l": [text], "m": {text: 1}}


def test_every_builtin_dumps_to_annotated_yaml_that_reads_back() -> None:
    failures = []
    for entry in recipekit.registry.entries():
        try:
            res = recipekit.resolve_full(entry.name, record=True)
        except recipekit.RecipekitError:
            continue  # needs arguments
        text = recipekit.dump(res, form="annotated")
        try:
            assert yaml.safe_load(text) == yaml.safe_load(recipekit.dump(res))
        except (yaml.YAMLError, AssertionError) as exc:
            failures.append(f"{entry.name}: {str(exc).splitlines()[0]}")
    assert failures == []


@pytest.mark.parametrize("form", ["expanded", "nemo-run"])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_deep_data_is_a_clear_error_in_every_format(form: str, fmt: str) -> None:
    deep: list = []
    node = deep
    for _ in range(10_000):
        node.append([])
        node = node[0]
    with pytest.raises(BadArgumentError, match="nested too deeply"):
        recipekit.dump(deep, form=form, format=fmt)
    assert recipekit.dump([[[1]]], form=form, format=fmt)  # positive control
