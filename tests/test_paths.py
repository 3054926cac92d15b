"""Walking key paths: mapping keys, list indexes, int keys written as text, dataclass fields."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from recipekit.resolver import paths
from tests.conftest import Model

DATA = {"a": [10, 20, 30], "b": {-1: 16, "type": "dynamic"}, "m": Model()}


@pytest.mark.parametrize(
    ("node", "key", "expected"),
    [
        (DATA, "a", "a"),
        (DATA["a"], "1", 1),
        (DATA["a"], 1, 1),
        (DATA["a"], "-1", 2),
        (DATA["a"], "3", paths.MISSING),
        (DATA["b"], "-1", -1),
        (DATA["b"], "type", "type"),
        (DATA["m"], "layers", "layers"),
        (DATA["m"], "nope", paths.MISSING),
        ("scalar", "x", paths.MISSING),
    ],
)
def test_child(node: object, key: object, expected: object) -> None:
    assert paths.child(node, key) is expected or paths.child(node, key) == expected


def test_get_put_choices() -> None:
    model = Model()
    paths.put(model, "layers", 9)
    assert paths.get(model, "layers") == 9
    assert paths.choices(model) == ["hidden", "layers", "encoder"]
    assert paths.choices(DATA["a"]) == ["0", "1", "2"]
    assert paths.choices(3) == []


def test_select() -> None:
    rules = [{"q": "*", "e": False}, {"q": "*lm_head*"}, {"q": "*"}, "not a mapping"]
    assert paths.select(rules, "q", "*") == [0, 2]
    assert paths.select(rules, "e", "False") == [0]
    assert paths.values_of(rules, "q") == ["*", "*lm_head*"]


@given(st.text(alphabet="ab.=[]'\"", max_size=12))
def test_top_level_agrees_with_the_selector_aware_walk(text: str) -> None:
    """The short cut for text without brackets answers what the full walk answers."""
    from recipekit.resolver.paths import _top_level, top_level

    for chars in (".", "=", ".="):
        assert top_level(text, chars) == [i for i in _top_level(text) if text[i] in chars]


@pytest.mark.parametrize(
    ("text", "chars", "expected"),
    [("a.b=1", ".", [1]), ("a.b=1.5", "=", [3]), ("a[x=1.2].b=c", "=", [10]), ("a]b.c", ".", [])],
)
def test_top_level(text: str, chars: str, expected: list) -> None:
    from recipekit.resolver.paths import top_level

    assert top_level(text, chars) == expected


@given(st.text(alphabet="ab.=[]'\"0-", max_size=10))
def test_parse_short_cut_agrees_with_the_general_walk(text: str) -> None:
    """Key-only paths skip the selector-aware walk; every text reads as that walk reads it."""
    from recipekit.resolver.errors import BadArgumentError

    def read(parse: object) -> object:
        try:
            return parse(text, error=BadArgumentError)  # type: ignore[operator]
        except BadArgumentError as exc:
            return exc.message

    assert read(paths.parse) == read(lambda t, error: paths._parse(t, error))


# -- hardening (issue 10): found by tests/test_fuzz.py --------------------------------------
@pytest.mark.parametrize(
    ("node", "key", "found"),
    [
        (["a", "b"], "²", False),  # a digit to str.isdigit, not to int(): used to raise
        (["a", "b"], "١", False),
        ({1: "x"}, "²", False),
        (["a", "b"], "--1", False),
        (["a", "b"], "-1", True),  # positive controls
        (["a", "b"], "1", True),
        ({1: "x"}, "1", True),
    ],
)
def test_only_ascii_integers_are_indexes(node: object, key: str, found: bool) -> None:
    assert (paths.child(node, key) is not paths.MISSING) is found


def test_explain_of_a_unicode_digit_path_is_an_error() -> None:
    import recipekit

    res = recipekit.resolve_full("x: [1]", record=True)
    with pytest.raises(recipekit.RecipekitError):
        recipekit.explain(res, "x.²")
