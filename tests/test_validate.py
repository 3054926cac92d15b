"""The validate pass and the registry's Validator hook, with a toy validator (no ModelOpt):
which documents reach it, where its problems are located, and how check uses its fields."""

from __future__ import annotations

import pytest

import recipekit
from recipekit.resolver.check import check
from recipekit.resolver.errors import BadFieldError, RecipekitError
from recipekit.resolver.registry import Registry, Validator
from recipekit.resolver.sources import load as load_source

ALLOWED = ("name", "size")


def _toy_validate(data, kind=None):
    """Every mapping under ``items`` (or the whole result, for kind 'item') allows ALLOWED only."""
    found = []
    items = [((), data)] if kind == "item" else []
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        items = [(("items", i), v) for i, v in enumerate(data["items"])]
    for at, item in items:
        for key in item if isinstance(item, dict) else ():
            if key not in ALLOWED:
                found.append(BadFieldError(f"unknown key {key!r}", path=(*at, key)))
    return found


def _toy_fields(entry):
    return ALLOWED if entry.namespace == "things" else None


def _toy_kind(entry):
    return "item" if entry.namespace == "things" else None


@pytest.fixture
def toy() -> Registry:
    reg = Registry()
    reg.add_validator(Validator("toy", _toy_validate, _toy_fields, _toy_kind))

    @reg.factory(namespace="things")
    def thing(size: int = 1, **extra) -> dict:
        return {"name": "thing", "size": size, **extra}

    @reg.factory(namespace="things")
    def odd_thing() -> dict:
        return {"name": "odd", "colour": 1}

    @reg.factory(namespace="other")
    def blob() -> dict:
        return {"anything": 1}

    return reg


def _problems(source, reg, overrides=(), **kwargs) -> list[RecipekitError]:
    try:
        recipekit.resolve(source, overrides, registry=reg, **kwargs)
    except RecipekitError as exc:
        return exc.problems
    return []


def test_add_validator_replaces_by_name(toy) -> None:
    again = Validator("toy", lambda data, kind=None: [], _toy_fields)
    toy.add_validator(again)
    assert toy.validators == (again,)


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        ("items:\n  - {name: a, sise: 2}\n", 2, None),  # written in the document
        ("items:\n  - _factory_: 'odd_thing()'\n", 2, "odd_thing()"),  # in a call's result
        ("items:\n  - _factory_: thing\n    colour: 1\n", 3, None),  # a sibling key
    ],
)
def test_resolve_locates_each_problem(toy, text, line, hint) -> None:
    problems = _problems(text, toy)
    assert len(problems) == 1 and problems[0].mark.line == line
    if hint:
        assert hint in problems[0].hint


def test_override_problem_is_quoted(toy) -> None:
    problems = _problems("items:\n  - {name: a}\n", toy, ["+items.0.colour=1"])
    assert len(problems) == 1 and "'+items.0.colour=1'" in problems[0].hint


def test_validate_false_skips_validators(toy) -> None:
    assert recipekit.resolve("items: [{sise: 1}]", registry=toy, validate=False)
    assert _problems("items: [{sise: 1}]", toy)


def test_a_root_factory_result_is_validated_as_its_kind(toy) -> None:
    assert [p.path for p in _problems("odd_thing", toy)] == [("colour",)]
    assert [p.path for p in _problems("thing(colour=1)", toy)] == [("_factory_",)]  # by check
    assert _problems("blob", toy) == []  # its namespace has no kind


def test_check_validates_plain_data_and_skips_factory_results(toy) -> None:
    doc = load_source("items:\n  - {name: a, sise: 2}\n  - _factory_: blob\n", toy)
    problems = check(doc, toy, (), validate=True)
    assert [p.path for p in problems] == [("items", 0, "sise")]
    assert problems[0].mark.line == 2
    assert check(doc, toy, ()) == []  # validate=False (what resolve passes)


def test_check_uses_validator_fields_for_siblings_and_kwargs(toy) -> None:
    doc = load_source("a: {_factory_: thing, sise: 2}\nb: {_factory_: 'thing(nme=1)'}\n", toy)
    problems = check(doc, toy, ())
    assert sorted(str(p.suggestions) for p in problems) == ["('name',)", "('size',)"]
