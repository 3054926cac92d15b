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


# -- hardening (issue 10): tags on every node kind, constructor errors, JSON numbers ----------
@pytest.mark.parametrize(
    ("text", "fragment", "line"),
    [
        ("a: !!python/object/apply:os.system [echo]\n", "not allowed on a sequence", 1),
        ("a: 1\nb: !!python/object/apply:os.system {x: 1}\n", "not allowed on a mapping", 2),
        ("a: !!python/name:os.system ''\n", "not allowed on a scalar", 1),
        ("a: !!map x\n", "not allowed on a scalar", 1),
        ("a: !!seq x\n", "not allowed on a scalar", 1),
        ("a: !!str [1]\n", "not allowed on a sequence", 1),
        ("a: !!int {x: 1}\n", "not allowed on a mapping", 1),
        ("a: !custom x\n", "not allowed on a scalar", 1),
        ("a: !custom [x]\n", "not allowed on a sequence", 1),
        ("a: !!set {x, y}\n", "not allowed on a mapping", 1),
        ("a: !!omap [x: 1]\n", "not allowed on a sequence", 1),
        ("x: 1\na: !!int x\n", "bad int value", 2),
        ("a: !!int ''\n", "bad int value", 1),
        ("a: !!bool x\n", "bad bool value", 1),
        ("a: !!float x\n", "bad float value", 1),
        ("a: !!timestamp x\n", "bad timestamp value", 1),
        ("a: !!binary 'a'\n", "bad binary value", 1),
        ("a: " + "9" * 5000 + "\n", "bad int value", 1),
    ],
)
def test_unsafe_tags_and_bad_values_are_located_errors(text: str, fragment: str, line: int) -> None:
    with pytest.raises(YamlError, match=fragment) as info:
        yamlio.load(text, "f.yaml")
    assert info.value.mark is not None
    assert (info.value.mark.file, info.value.mark.line) == ("f.yaml", line)


@pytest.mark.parametrize(
    "text",  # positive controls: safe tags on the node kind they mean, as yaml.safe_load reads them
    [
        "a: !!str 1\nb: !!int '7'\nc: !!float '1'\nd: !!bool 'yes'\ne: !!null ''\n",
        "a: !!map {x: 1}\nb: !!seq [1, 2]\nc: !!timestamp 2024-01-02\nd: !!binary aGk=\n",
        "a: ! 12\nb: ! [1]\n",
    ],
)
def test_safe_tags_read_as_safe_load_reads_them(text: str) -> None:
    assert yamlio.load(text) == yaml.safe_load(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [  # expected: json.loads of the same text (JSON's number rules, not YAML 1.1's)
        ('{"a": 1e-05}', {"a": 1e-05}),
        ('{"a": 1E+3, "b": -0.5e2, "c": 10}', {"a": 1000.0, "b": -50.0, "c": 10}),
        ('{"a": [true, false, null, "1e-05", "yes"]}', {"a": [True, False, None, "1e-05", "yes"]}),
    ],
)
def test_json_text_uses_json_number_rules(text: str, expected: object) -> None:
    import json

    assert json.loads(text) == expected
    assert yamlio.load(text, json=True) == expected
    assert yamlio.load('{"a": 1e-05}') == {"a": "1e-05"}  # YAML 1.1 itself: a string
