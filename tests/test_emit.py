"""The PyYAML-free block writer: byte for byte what serialize's PyYAML dumper writes, or None."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from recipekit.defaults import default_registry
from recipekit.resolver import emit, serialize


def pyyaml(data: object, sort_keys: bool = False) -> str:
    """The peer: PyYAML with serialize's dumper and options."""
    return yaml.dump(
        data,
        Dumper=serialize._dumper(),
        sort_keys=sort_keys,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
    )


_text = st.text(
    alphabet="ab yZ0-.:#'\"*!&[]{},?|>%@`<=~\n\t\\é—\u2028\x85\xa0\ufeff\U0001f600", max_size=8
)
_words = st.sampled_from(["true", "No", "NULL", "off", "y", "n", "~", "<<", "=", "1", "0x1", "1e3"])
_scalars = st.none() | st.booleans() | st.integers() | st.floats() | _text | _words
_keys = st.integers() | _text | _words
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_keys, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=400)
@given(_data, st.booleans())
def test_the_text_is_pyyaml_s_or_none(data: object, sort_keys: bool) -> None:
    got = emit.block(data, sort_keys=sort_keys)
    if got is not None:
        assert got == pyyaml(data, sort_keys)


@pytest.mark.parametrize(
    "data",
    [
        {"a": "*mlp*", "b": "x: y", "c": "x #y", "d": "it's", "e": "", "f": "true", "g": " a"},
        {"k": ["x", {"a": 1, "b": [1, [2, 3]]}, [], {}], -1: 16, "f": [1.5, 1e20, float("inf")]},
        [{"a": {"b": None}}, ["x", "z"], "line\nnext\n", "a\n\nb"],
        {"description": "one\ntwo\n", "dash": "a—b", "tail": "a:"},
    ],
)
def test_spelled_as_pyyaml_spells_it(data: object) -> None:
    assert emit.block(data) == pyyaml(data)


@pytest.mark.parametrize(
    "data",
    [
        {"a": "1"},  # only a resolver knows that "1" must be quoted
        {"a": "-x"},
        {"a": "y"},
        {"a": "a\tb"},
        {"a": " lead\n"},
        {"a": "x" * 3000},
        {"k" * 200: 1},
        {1.5: 1},
        {"a": (1, 2)},
        "scalar at the root",
        {},
    ],
)
def test_what_it_cannot_be_sure_of_is_left_to_pyyaml(data: object) -> None:
    assert emit.block(data) is None
    assert serialize.emit_yaml(data) == pyyaml(data)


def _builtins() -> list:
    reg = default_registry()
    return [e for e in reg.entries() if e.signature is not None and _no_arg(e)]


def _no_arg(entry) -> bool:
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in entry.signature.parameters.values()
    )


@pytest.mark.parametrize("entry", _builtins(), ids=lambda e: e.qualified)
def test_every_built_in_result_is_written_without_pyyaml(entry) -> None:
    encoders = tuple(c.encode for c in default_registry().codecs)
    plain = serialize.to_plain(entry(), encoders=encoders)
    if plain in ([], {}):  # an empty root is PyYAML's to write ("[]\n")
        assert emit.block(plain) is None and serialize.emit_yaml(plain) == pyyaml(plain)
    else:
        assert emit.block(plain) == pyyaml(plain)
