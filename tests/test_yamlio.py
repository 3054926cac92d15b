"""Safe, bounded, marked YAML reading."""

from __future__ import annotations

import contextlib
import time

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from recipekit.resolver import yamlio
from recipekit.resolver.errors import YamlError

SAMPLES = [
    "a: 1\nb: [1, 2.5, null, true, 'x', ~]\nc: {d: e}\n",
    "- 1\n- -2\n- 0x10\n- 1e3\n- .inf\n- 2024-01-02\n",
    "base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n",
    "m1: &m1 {a: 1}\nm2: &m2 {a: 2, b: 2}\nboth:\n  <<: [*m1, *m2]\n  c: 3\n",
    "text: |\n  two\n  lines\nfolded: >-\n  one\n  line\n",
    "'quoted: key': \"e4m3\"\n-1: 16\n",
    "",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_same_data_as_yaml_safe_load(text: str) -> None:
    assert yamlio.load(text) == yaml.safe_load(text)


def test_marks_point_at_values() -> None:
    marks = yamlio.SourceMap()
    data = yamlio.load("a:\n  b: 1\n  c:\n    - x\n    - y\n", "f.yaml", marks)
    assert str(marks.get(data["a"], "b")) == "f.yaml:2:6"
    assert str(marks.get(data["a"]["c"], 1)) == "f.yaml:5:7"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("a: !!python/object:os.system x\n", "is not allowed"),
        ("a: [1,\n", "invalid YAML"),
        ("a: *nope\n", "unknown alias"),
        ("? [1, 2]\n: x\n", "cannot be a key"),
        ("<<: 3\n", "merge needs a mapping"),
    ],
)
def test_bad_yaml_is_one_clear_error(text: str, message: str) -> None:
    with pytest.raises(YamlError, match=message) as info:
        yamlio.load(text, "bad.yaml")
    assert info.value.mark is not None and info.value.mark.file == "bad.yaml"


def _bomb(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(levels):
        prev, cur = chr(97 + i), chr(98 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [_bomb(), "[" * 100_000 + "]" * 100_000, "".join(" " * i + "a:\n" for i in range(10_000))],
    ids=["billion-laughs", "100k-flow-nesting", "10k-block-nesting"],
)
def test_hostile_input_stops_fast(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(YamlError):
        yamlio.load(text)
    assert time.perf_counter() - start < 1.0


def test_multiple_documents() -> None:
    assert yamlio.load_all("a: 1\n---\n- 2\n") == [{"a": 1}, [2]]
    with pytest.raises(YamlError, match="expected one YAML document"):
        yamlio.load("a: 1\n---\nb: 2\n")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_raises_recipekit_error(text: str) -> None:
    with contextlib.suppress(YamlError):
        yamlio.load(text)
