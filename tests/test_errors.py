"""Errors: where (file:line:col, key path), what was expected, did-you-mean; reports of many."""

from __future__ import annotations

import time

import pytest

from recipekit.resolver.errors import (
    BadFieldError,
    Mark,
    ProblemReport,
    RecipekitError,
    UnknownFactoryError,
    closest,
    format_path,
    raise_collected,
)


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ((), "<root>"),
        (("quantize",), "quantize"),
        (("quantize", "quant_cfg", 2, "cfg"), "quantize.quant_cfg[2].cfg"),
        ((0, "a"), "[0].a"),
        (("block_sizes", -1), "block_sizes[-1]"),
        (("flag", True), "flag.True"),  # bools are keys, not indexes
    ],
)
def test_format_path(path: tuple, text: str) -> None:
    assert format_path(path) == text


@pytest.mark.parametrize(
    ("word", "choices", "best"),
    [
        ("nvfp5", ["nvfp4", "fp8", "int8"], "nvfp4"),
        ("algoritm", ["algorithm", "quant_cfg"], "algorithm"),
        ("fp8", ["kv_fp8", "nvfp4"], "kv_fp8"),  # substring
        ("", ["a"], None),
        ("zzz", ["algorithm"], None),
    ],
)
def test_closest(word: str, choices: list, best: str | None) -> None:
    found = closest(word, choices)
    assert (found[0] if found else None) == best


def test_an_error_renders_everything_a_user_needs() -> None:
    error = UnknownFactoryError(
        "unknown factory 'nvfp5'",
        path=("q", "_factory_"),
        mark=Mark("r.yaml", 3, 7),
        expected="a registered factory name",
        suggestions=["nvfp4"],
        choices=[f"c{i}" for i in range(14)],
        hint="see recipekit list",
    )
    assert str(error).splitlines() == [
        "r.yaml:3:7: q._factory_: unknown factory 'nvfp5'",
        "  expected: a registered factory name",
        "  did you mean: nvfp4?",
        "  choices: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11 (+2 more)",
        "  hint: see recipekit list",
    ]


def test_located_fills_only_what_is_unknown() -> None:
    error = BadFieldError("x", path=("a",))
    assert error.located(path=("b",), mark=Mark(None, 1, 1)) is error
    assert error.path == ("a",) and str(error.mark) == "<string>:1:1"


def test_raise_collected() -> None:
    raise_collected([])
    one = RecipekitError("one")
    with pytest.raises(RecipekitError) as info:
        raise_collected([one])
    assert info.value is one
    with pytest.raises(ProblemReport) as info:
        raise_collected([one, RecipekitError("two")], "f.yaml")
    assert str(info.value).splitlines() == ["2 problem(s) in f.yaml:", "one", "two"]
    assert [p.message for p in info.value.problems] == ["one", "two"]


# -- hardening (issue 10) ------------------------------------------------------------
@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        (1, ["a", "b"], []),  # an int key (``{_target_: fp8, 1: a}``) used to raise AttributeError
        (None, ["None", "x"], ["None"]),
        ("blok_size", ["block_size", "kind"], ["block_size"]),  # positive control
        ("x", [1, 2, "x"], ["x"]),
    ],
)
def test_closest_accepts_any_key(word: object, choices: list, expected: list) -> None:
    assert closest(word, choices) == expected


def test_closest_is_cheap_for_a_huge_word() -> None:
    start = time.perf_counter()
    closest("a" * 100_000, [f"name_{i}" for i in range(500)])
    assert time.perf_counter() - start < 5  # difflib on the full word took seconds
