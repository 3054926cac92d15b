"""The public API as a whole: pass order, hooks, provenance, and no crash on any input."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recipekit
from recipekit.resolver.errors import RecipekitError
from tests.conftest import make_registry

REG = make_registry()
names = st.sampled_from(
    [
        "fp8",
        "nvfp4",
        "pair",
        "base_disable_all",
        "small_model",
        "boom",
        "nope",
        "nvfp4(block_size=8)",
        "pair('*x*')",
        "tags(a=1)",
        "nvfp4(",
        "",
        "a.b.c",
        "os.system",
    ]
)
reserved = st.sampled_from(
    [
        "_factory_",
        "_target_",
        "_partial_",
        "_call_",
        "_args_",
        "encoder",
        "layers",
        "block_sizes",
        "x",
    ]
)
leaf = (
    st.none()
    | st.booleans()
    | st.integers(-3, 3)
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | names
    | st.just("${a}")
    | st.just("@missing.yaml")
)
anything = st.recursive(
    leaf,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(reserved | st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything, st.lists(st.text(max_size=12), max_size=2))
def test_any_input_resolves_or_raises_a_recipekit_error(data: object, overrides: list[str]) -> None:
    try:
        recipekit.resolve(data, overrides, registry=REG)
    except RecipekitError as exc:
        assert str(exc)  # renders


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_any_text_resolves_or_raises_a_recipekit_error(text: str) -> None:
    with contextlib.suppress(RecipekitError):
        recipekit.resolve(text, registry=REG)


def test_self_referencing_data_is_an_error_not_a_crash() -> None:
    loop: dict = {}
    loop["me"] = loop
    with pytest.raises(RecipekitError, match="nested too deeply"):
        recipekit.resolve(loop, registry=REG)


def test_hooks_run_after_overrides(reg: recipekit.Registry) -> None:
    seen = []

    @reg.on_resolved
    def hook(data: dict) -> dict:
        seen.append(dict(data))
        return {**data, "hooked": True}

    assert recipekit.resolve("a: 1", ["a=2"], registry=reg) == {"a": 2, "hooked": True}
    assert seen == [{"a": 2}]


@pytest.mark.parametrize(
    ("path", "kind", "detail"),
    [
        ("q.num_bits", "factory", "nvfp4"),
        ("q.block_sizes.-1", "sibling", "key -1"),
        ("q.block_sizes.type", "override", "q.block_sizes.type=static"),
        ("l.1.cfg", "factory", "pair('*mlp*')"),
        ("l.2", "document", "list item"),
        ("l[quantizer_name=*lm_head*].enable", "document", "value"),
    ],
)
def test_explain(path: str, kind: str, detail: str, reg: recipekit.Registry) -> None:
    text = "q:\n  _factory_: nvfp4\n  block_sizes: {-1: 32}\nl:\n  - _factory_: \"pair('*mlp*')\"\n  - {quantizer_name: '*lm_head*', enable: false}\n"
    res = recipekit.resolve_full(text, ["q.block_sizes.type=static"], registry=reg, record=True)
    _, origin = recipekit.explain(res, path)
    assert origin is not None and origin.kind == kind and origin.detail == detail
    if kind != "override":
        assert origin.mark is not None and origin.mark.file is None and origin.mark.line >= 1


def test_provenance_names_the_factory_definition(reg: recipekit.Registry) -> None:
    res = recipekit.resolve_full({"q": {"_factory_": "nvfp4"}}, registry=reg, record=True)
    _, origin = recipekit.explain(res, "q")
    assert origin is not None and origin.source is not None and "conftest.py:" in origin.source
