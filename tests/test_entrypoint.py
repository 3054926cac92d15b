"""``recipekit/resolver/entrypoint.py``: documents typed by a callable's signature.

Expected values are NeMo-Run 0.11.1's documented conversions (``nemo_run/cli/cli_parser.py``
``TypeParser``: ``parse_bool`` takes true/yes/on/1 and false/no/off/0, ``parse_int`` is
``int(text)``, ``parse_float`` ``float(text)``, ``parse_list``/``parse_dict`` read Python literals
and type each item, ``parse_literal`` checks membership, ``parse_path`` makes a ``Path``) and
the rules in the module docstring; the launcher's and the vectors' own cases are in
``test_interop_launcher.py`` and ``test_nemo_run_vectors.py``.
"""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import recipekit
from recipekit.resolver import entrypoint as ep
from recipekit.resolver.errors import RecipekitError


@dataclasses.dataclass
class Optim:
    lr: float = 0.1
    kind: typing.Literal["adam", "sgd"] = "adam"


@dataclasses.dataclass
class Net:
    hidden: int = 4
    optim: Optim = None
    widths: list[int] = None


@dataclasses.dataclass
class BigNet(Net):
    pass


@dataclasses.dataclass
class Needs:
    size: int


def train(
    net: Net,
    epochs: int = 1,
    fast: bool = False,
    ratio: float = 0.5,
    out: Path = Path("."),
    name: str = "run",
    maybe: typing.Optional[int] = None,  # noqa: UP045 (the typing spelling on purpose)
    user: str | None = None,
    tags: list[str] | None = None,
    counts: dict[str, int] | None = None,
    anything: typing.Any = None,
) -> dict:
    return {}


def loose(a: int = 1, **rest: typing.Any) -> None:
    return None


@pytest.fixture
def reg() -> recipekit.Registry:
    registry = recipekit.Registry()
    registry.entrypoint(train)
    registry.entrypoint(loose)

    @registry.factory
    def big_net(hidden: int = 64) -> BigNet:
        return BigNet(hidden=hidden)

    @registry.factory
    def plain_dict() -> dict:
        return {"x": 1}

    @registry.factory
    def needs() -> Needs:
        return Needs(size=1)

    return registry


def run(reg, doc, overrides=(), name="train"):
    return recipekit.resolve(doc, list(overrides), registry=reg, entrypoint=name)


NET = {"net": {"hidden": 2}}

CONVERSIONS = [
    ("fast=true", "fast", True),
    ("fast=on", "fast", True),
    ("fast=1", "fast", True),
    ("fast=No", "fast", False),
    ("fast=0", "fast", False),
    ("epochs=1_000", "epochs", 1000),
    ("epochs=-1", "epochs", -1),
    ("ratio=1e-3", "ratio", 0.001),
    ("ratio=3", "ratio", 3.0),
    ("out=/tmp/x", "out", Path("/tmp/x")),
    ("name=007", "name", "007"),
    ("name='a b'", "name", "a b"),
    ("name=", "name", ""),
    ("name=[1,2]", "name", "[1,2]"),
    ("maybe=5", "maybe", 5),
    ("maybe=null", "maybe", None),
    ("user=alice", "user", "alice"),
    ("user=None", "user", None),
    ("tags=[1, 2]", "tags", ["1", "2"]),
    ("tags=['a','b']", "tags", ["a", "b"]),
    ("tags=[a, b]", "tags", ["a", "b"]),  # YAML flow list: no Python quoting needed
    ("counts={'a': '2'}", "counts", {"a": 2}),
    ("anything=(1, 2)", "anything", (1, 2)),
    ("anything=1e-5", "anything", 1e-05),
    ("anything=abc", "anything", "abc"),
    ("net.optim.kind=sgd", ("net", "optim"), Optim(kind="sgd")),
    ("net.widths=[1, 2]", ("net", "widths"), [1, 2]),
]


@pytest.mark.parametrize(("override", "key", "expected"), CONVERSIONS)
def test_values_are_converted_by_annotation(reg, override, key, expected):
    got = run(reg, NET, [override])
    value = got[key] if isinstance(key, str) else getattr(got[key[0]], key[1])
    assert value == expected and type(value) is type(expected)


REJECTIONS = [
    ("fast=maybe", ("fast",), "bool"),
    ("fast=None", ("fast",), "bool"),
    ("epochs=3.0", ("epochs",), "int"),
    ("epochs=0x10", ("epochs",), "int"),
    ("epochs='3'", ("epochs",), "int"),
    ("ratio=abc", ("ratio",), "float"),
    ("maybe=x", ("maybe",), "int"),
    ("counts={a: x}", ("counts", "a"), "int"),
    ("net.optim.kind=rms", ("net", "optim", "kind"), "Literal"),
    ("net.hidden=wide", ("net", "hidden"), "int"),
]


@pytest.mark.parametrize(("override", "path", "expected"), REJECTIONS)
def test_a_value_that_does_not_fit_names_key_and_type(reg, override, path, expected):
    with pytest.raises(RecipekitError) as info:
        run(reg, NET, [override])
    problem = info.value.problems[0]
    assert problem.path == path
    assert expected in (problem.expected or "")


def test_document_values_are_typed_all_the_way_down(reg):
    got = run(reg, {"net": {"hidden": 3, "optim": {"lr": 1}, "widths": [1, 2]}, "name": 5})
    assert got == {"net": Net(hidden=3, optim=Optim(lr=1.0), widths=[1, 2]), "name": "5"}
    assert type(got["net"].optim.lr) is float


def test_null_stays_none(reg):
    """NeMo-Run writes the string "None" into a ``str`` key for YAML null; recipekit keeps None."""
    assert run(reg, {**NET, "name": None})["name"] is None


UNKNOWN = [
    ({**NET, "epoch": 2}, (), ("epoch",), "epochs"),
    (NET, ["epoch=2"], ("epoch",), "epochs"),
    ({"net": {"hiden": 2}}, (), ("net", "hiden"), "hidden"),
    (NET, ["net.optim.rate=1"], ("net", "optim", "rate"), None),
]


@pytest.mark.parametrize(("doc", "overrides", "path", "suggestion"), UNKNOWN)
def test_unknown_keys_are_errors_with_did_you_mean(reg, doc, overrides, path, suggestion):
    with pytest.raises(RecipekitError) as info:
        run(reg, doc, overrides)
    problem = info.value.problems[0]
    assert problem.path == path
    if suggestion:
        assert suggestion in problem.suggestions


def test_every_problem_of_a_document_is_reported(reg):
    with pytest.raises(RecipekitError) as info:
        run(reg, {"net": {"hidden": "x"}, "epochz": 1, "fast": "maybe"})
    assert {p.path for p in info.value.problems} == {("net", "hidden"), ("epochz",), ("fast",)}


def test_missing_required_parameter_and_field(reg):
    with pytest.raises(RecipekitError, match="missing required parameter 'net'"):
        run(reg, {"epochs": 2})


def test_parameters_are_set_without_plus_and_levels_are_created(reg):
    got = run(reg, {}, ["net.hidden=8", "net.optim.lr=0.5", "epochs=2"])
    assert got == {"net": Net(hidden=8, optim=Optim(lr=0.5)), "epochs": 2}


FACTORY_CALLS = [
    (["net=big_net"], BigNet(hidden=64)),
    (["net=big_net(hidden=8)"], BigNet(hidden=8)),
    (["net=big_net(hidden=8)", "net.hidden=9"], BigNet(hidden=9)),
]


@pytest.mark.parametrize(("overrides", "expected"), FACTORY_CALLS)
def test_command_line_factory_call_by_return_type(reg, overrides, expected):
    got = run(reg, {"net": {"hidden": 2, "widths": [1]}}, overrides)
    assert got["net"] == expected  # the whole value is replaced, YAML siblings dropped


def test_a_factory_whose_type_does_not_fit_stays_a_string(reg):
    assert run(reg, NET, ["name=plain_dict"])["name"] == "plain_dict"  # str key: a string
    with pytest.raises(RecipekitError) as info:
        run(reg, {}, ["net=needs"])  # Needs is not a Net: the text stays a string, then misfits
    assert info.value.problems[0].path == ("net",)


def test_root_target_names_the_entry_point(reg):
    doc = {"_target_": "train", "_partial_": True, **NET, "epochs": "3"}
    assert recipekit.resolve(doc, ["fast=yes"], registry=reg) == {
        "net": Net(hidden=2),
        "epochs": 3,
        "fast": True,
    }


def test_a_root_target_of_a_plain_factory_is_still_called(reg):
    @reg.factory
    def make(a: int = 1) -> dict:
        return {"a": a}

    got = recipekit.resolve({"_target_": "make", "_partial_": True}, registry=reg)
    assert got.func is make


def test_var_keyword_entry_point_takes_any_key(reg):
    assert run(reg, {"a": "2", "b": [1]}, ["c=x"], name="loose") == {"a": 2, "b": [1], "c": "x"}


def test_operator_starts_from_the_default(reg):
    assert run(reg, NET, ["epochs+=2"])["epochs"] == 3


def test_overrides_do_not_touch_the_cached_document(reg, tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text("net: {hidden: 2}\nepochs: 1\n")
    assert run(reg, str(path), ["epochs=5", "net.hidden=3"])["epochs"] == 5
    assert run(reg, str(path)) == {"net": Net(hidden=2), "epochs": 1}


def test_cli_resolve_entrypoint(reg, tmp_path, capsys, monkeypatch):
    from recipekit.cli import main

    path = tmp_path / "job.yaml"
    path.write_text("net: {hidden: 2}\n")
    monkeypatch.setattr("recipekit.defaults._default", reg)
    assert main(["resolve", str(path), "--entrypoint", "train", "epochs=2"]) == 0
    assert "epochs: 2" in capsys.readouterr().out
    assert main(["resolve", str(path), "--entrypoint", "train", "epoch=2"]) == 1
    assert "did you mean: epochs" in capsys.readouterr().err


@given(st.integers(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False))
def test_text_of_a_value_converts_back_to_it(number, flag, real):
    """``from_text(str(v), T)`` then ``convert`` gives ``v`` back for int, bool and float."""
    for value, ann in ((number, int), (flag, bool), (real, float)):
        text = ep.from_text(repr(value), ann, lambda t: t, None)
        assert ep.convert(text, ann, ()) == value


def test_problems_carry_file_marks(reg, tmp_path):
    path = tmp_path / "job.yaml"
    path.write_text("net:\n  hidden: wide\nepochz: 1\n")
    with pytest.raises(RecipekitError) as info:
        run(reg, str(path))
    marks = {p.path: (p.mark.line, p.mark.column) for p in info.value.problems}
    assert marks == {("net", "hidden"): (2, 11), ("epochz",): (3, 9)}
