"""${...} interpolation."""

from __future__ import annotations

import pytest

import recipekit
from recipekit.resolver.errors import InterpolationError

CASES = [
    ("n: 16\nm: ${n}\n", {"n": 16, "m": 16}),
    ("n: 16\nm: size-${n}\n", {"n": 16, "m": "size-16"}),
    (
        "a: {b: [x, {c: 2}]}\nr: ${a.b.1.c}\ns: ${a.b[0]}\n",
        {"a": {"b": ["x", {"c": 2}]}, "r": 2, "s": "x"},
    ),
    ("a:\n  b: 1\n  c: ${.b}\n", {"a": {"b": 1, "c": 1}}),
    ("a: ${b}\nb: ${c}\nc: [1]\n", {"a": [1], "b": [1], "c": [1]}),
    ("a: 'literal \\${x}'\n", {"a": "literal ${x}"}),
    ("v: <<global_vars.out>>\n", {"v": "<<global_vars.out>>"}),
    ("v: ${oc.env:RK_TEST_UNSET,fallback}\n", {"v": "fallback"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_interpolation(text: str, expected: object, reg: recipekit.Registry) -> None:
    assert recipekit.resolve(text, registry=reg) == expected


def test_env(monkeypatch: pytest.MonkeyPatch, reg: recipekit.Registry) -> None:
    monkeypatch.setenv("RK_TEST_VAR", "abc")
    assert recipekit.resolve("v: ${oc.env:RK_TEST_VAR}\n", registry=reg) == {"v": "abc"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: ${b}\nb: ${a}\n", "loop"),
        ("a: ${nope.x}\n", "nope does not exist"),
        ("a: ${oc.env:RK_TEST_UNSET}\n", "not set"),
    ],
)
def test_errors(text: str, message: str, reg: recipekit.Registry) -> None:
    with pytest.raises(InterpolationError, match=message):
        recipekit.resolve(text, registry=reg)


def test_interpolation_feeds_factory_arguments_by_value(reg: recipekit.Registry) -> None:
    text = "size: 32\nq: {_factory_: nvfp4, block_sizes: {-1: '${size}'}}\n"
    assert recipekit.resolve(text, registry=reg)["q"]["block_sizes"][-1] == 32


# ------------------------------------------- nesting, escapes, overrides (issue 14 §2), OmegaConf
# Expected values come from OmegaConf itself: the same YAML resolved by OmegaConf.to_container.
OMEGACONF_CASES = [
    "v: ${oc.decode:${oc.env:RK_TEST_UNSET,false}}\n",
    "v: ${oc.decode:${oc.env:RK_TEST_NUM}}\n",
    "v: ${oc.decode:${oc.env:RK_TEST_UNSET,'[1, 2]'}}\n",
    "k: b\na: {b: 7}\nv: ${a.${k}}\n",
    "k: b\na: {b: 7}\nv: x-${a.${k}}-y\n",
    "d: dflt\nv: ${oc.env:RK_TEST_UNSET,${d}}\n",
    "v: 'x \\${a} ${oc.env:RK_TEST_NUM}'\n",
    "a: 1\nv: '\\${a}'\n",
    "a: {b: 2}\nv: ${a.b}${a.b}\n",
]


@pytest.mark.parametrize("text", OMEGACONF_CASES)
def test_nested_and_escaped_like_omegaconf(
    text: str, reg: recipekit.Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    omegaconf = pytest.importorskip("omegaconf")
    import yaml

    monkeypatch.setenv("RK_TEST_NUM", "42")
    monkeypatch.delenv("RK_TEST_UNSET", raising=False)
    expected = omegaconf.OmegaConf.to_container(
        omegaconf.OmegaConf.create(yaml.safe_load(text)), resolve=True
    )
    assert recipekit.resolve(text, registry=reg) == expected


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("plain", ["plain"]),
        ("${a}", [["a"]]),
        ("x${a}y", ["x", ["a"], "y"]),
        ("${f:${g:${h}}}", [["f:", ["g:", ["h"]]]]),
        ("\\${a}", ["${a}"]),
        ("a ${b", ["a ${b"]),  # never closed: literal
        ("}{", ["}{"]),
    ],
)
def test_split(text: str, parts: list) -> None:
    from recipekit.resolver.interpolate import split

    assert split(text) == parts


DOC = (
    "defaults: {algo: max, bits: 4}\n"
    "quantize:\n"
    "  algorithm: ${defaults.algo}\n"
    "  label: algo-${defaults.algo}\n"
    "  whole: ${defaults}\n"
)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        # Hydra/OmegaConf: a reference reads the overridden value
        (
            ["defaults.algo=mse"],
            {"algorithm": "mse", "label": "algo-mse", "whole": {"algo": "mse", "bits": 4}},
        ),
        (
            ["defaults={algo: awq, bits: 8}"],
            {"algorithm": "awq", "label": "algo-awq", "whole": {"algo": "awq", "bits": 8}},
        ),
        # an override of the reference's own place wins over it
        (
            ["defaults.algo=mse", "quantize.algorithm=gptq"],
            {"algorithm": "gptq", "label": "algo-mse", "whole": {"algo": "mse", "bits": 4}},
        ),
        # other operators edit the result only (documented in docs/semantics.md §6)
        (
            ["defaults.bits+=1"],
            {"algorithm": "max", "label": "algo-max", "whole": {"algo": "max", "bits": 4}},
        ),
    ],
)
def test_an_override_reaches_the_references_that_read_it(
    overrides: list[str], expected: dict, reg: recipekit.Registry
) -> None:
    assert recipekit.resolve(DOC, overrides, registry=reg)["quantize"] == expected


def test_override_reaching_references_leaves_cached_files_alone(
    tmp_path, reg: recipekit.Registry
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(DOC)
    assert (
        recipekit.resolve(path, ["defaults.algo=mse"], registry=reg)["quantize"]["algorithm"]
        == "mse"
    )
    assert recipekit.resolve(path, registry=reg)["quantize"]["algorithm"] == "max"


def test_override_reaching_references_matches_omegaconf(reg: recipekit.Registry) -> None:
    omegaconf = pytest.importorskip("omegaconf")
    import yaml

    cfg = omegaconf.OmegaConf.create(yaml.safe_load(DOC))
    cfg.merge_with(omegaconf.OmegaConf.from_dotlist(["defaults.algo=mse"]))
    expected = omegaconf.OmegaConf.to_container(cfg, resolve=True)
    assert recipekit.resolve(DOC, ["defaults.algo=mse"], registry=reg) == expected


# -- hardening (issue 10): each node once, bounded sizes and depth -----------------------------
def _lines(template: str, n: int, first: str = "a0: x\n") -> str:
    return first + "".join(template.format(i=i, p=i - 1) for i in range(1, n + 1))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        (_lines("a{i}: ['${{a{p}}}', '${{a{p}}}']\n", 40), "expands to more than"),
        (_lines("a{i}: ${{a{p}}}${{a{p}}}\n", 40), "string longer than"),
        (_lines("a{i}: {{l: '${{a{p}}}', r: '${{a{p}}}'}}\n", 40), "expands to more than"),
    ],
)
def test_interpolation_work_is_bounded(text: str, fragment: str) -> None:
    with pytest.raises(InterpolationError, match=fragment):
        recipekit.resolve(text)


def test_a_reference_chain_longer_than_the_depth_limit_is_an_error() -> None:
    chain = "".join(f"a{i}: ${{a{i + 1}}}\n" for i in range(1000)) + "a1000: end\n"
    with pytest.raises(InterpolationError, match="chain longer than"):
        recipekit.resolve(chain)


@pytest.mark.parametrize(
    ("n", "expected_len"),
    [(10, 2**10), (15, 2**15)],  # positive control: the same shapes, small enough, resolve
)
def test_shared_references_below_the_caps_resolve(n: int, expected_len: int) -> None:
    text = _lines("a{i}: ${{a{p}}}${{a{p}}}\n", n, "a0: x\n")
    assert len(recipekit.resolve(text)[f"a{n}"]) == expected_len
    lists = _lines("a{i}: ['${{a{p}}}', '${{a{p}}}']\n", n, "a0: x\n")
    assert recipekit.resolve(lists)["a1"] == ["x", "x"]


def test_a_forward_chain_of_200_resolves() -> None:  # below the depth limit: it just works
    chain = "".join(f"a{i}: ${{a{i + 1}}}\n" for i in range(200)) + "a200: end\n"
    assert recipekit.resolve(chain)["a0"] == "end"
