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


def _safe_load_or_error(text: str) -> object:
    try:
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError):  # PyYAML: ValueError for a date like 2001-13-45
        return YamlError


def _load_or_error(text: str) -> object:
    try:
        return yamlio.load(text)
    except (YamlError, ValueError):
        return YamlError


@given(st.from_regex(yamlio._WORD, fullmatch=True))
def test_one_plain_word_reads_as_yaml_safe_load_reads_it(text: str) -> None:
    """The parser-free short cut for one plain word (an override value, mostly)."""
    want, got = _safe_load_or_error(text), _load_or_error(text)
    assert (repr(got), type(got)) == (repr(want), type(want))


@pytest.mark.parametrize(
    "text",
    [
        "true",
        "No",
        "16",
        "-1",
        "+1",
        "0x1f",
        "0o17",
        "1_000",
        "1.5e3",
        "-.5",
        ".inf",
        ".NaN",
        "2001-12-14",
        "2001-13-45",
        "e4m3",
        "-a",
        "a-",
        "null",
        "Null",
        "_",
        "1e3",
        "3.",
        "a/b",
    ],
)
def test_plain_words(text: str) -> None:
    assert yamlio._WORD.fullmatch(text)
    want, got = _safe_load_or_error(text), _load_or_error(text)
    assert (repr(got), type(got)) == (repr(want), type(want))


@pytest.mark.parametrize("text", ["...", "---", "-", "~", "a:", "a b", "*x", "'a'", "@x", "a#"])
def test_not_plain_words_go_to_the_parser(text: str) -> None:
    assert not yamlio._WORD.fullmatch(text)
