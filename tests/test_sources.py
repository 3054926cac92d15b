"""What a source is (one classifier for the API and the CLI), and loading each kind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import recipekit
from recipekit.resolver.document import Document
from recipekit.resolver.errors import BadArgumentError, SourceError, UnknownFactoryError
from recipekit.resolver.sources import classify


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("nvfp4", "name"),
        ("general/ptq/nvfp4_default-kv_fp8", "name"),
        ("units:kv_fp8", "name"),
        ("nvfp4(block_size=32, kind='static')", "name"),
        ("nvfp4(block_size=32", "name"),  # a broken call is a call-syntax error, never YAML
        ("  kv_fp8  ", "name"),
        ("recipe.yaml", "file"),
        ("dir/recipe.YML", "file"),
        ("data.json", "file"),
        (Path("recipe"), "file"),
        ("a: 1", "text"),
        ("{a: 1}", "text"),
        ("kv_fp8\n", "text"),  # everything dump writes ends in a newline
        ("16", "text"),
        ("'quoted'", "text"),
        ("- a\n- b\n", "text"),
        ({"a": 1}, "data"),
        ([1, 2], "data"),
        (None, "data"),
    ],
)
def test_classify(source: object, kind: str) -> None:
    assert classify(source).kind == kind


def test_a_document_is_a_document() -> None:
    doc = Document({"a": 1})
    assert classify(doc) == ("document", doc)


def test_bytes_are_refused_with_a_hint() -> None:
    with pytest.raises(SourceError, match="not bytes") as info:
        classify(b"a: 1")
    assert "decode" in (info.value.hint or "")


@pytest.mark.parametrize(("typo", "meant"), [("nvfp5", "nvfp4"), ("kv_fp9", "kv_fp8")])
def test_an_unknown_name_is_an_unknown_factory_with_did_you_mean(typo: str, meant: str) -> None:
    with pytest.raises(UnknownFactoryError) as info:
        recipekit.resolve(typo)
    assert meant in info.value.suggestions


def test_an_unknown_name_that_is_a_file_says_how_to_read_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "myrecipe").write_text("a: 1\n")
    with pytest.raises(UnknownFactoryError) as info:
        recipekit.resolve("myrecipe")
    assert "pathlib.Path" in (info.value.hint or "")
    assert recipekit.resolve(Path("myrecipe")) == {"a": 1}


def test_a_broken_call_is_a_call_syntax_error() -> None:
    with pytest.raises(BadArgumentError, match="missing '\\)'"):
        recipekit.resolve("nvfp4(block_size=32")


def test_a_missing_file_is_named() -> None:
    with pytest.raises(SourceError, match=r"no such file: nope\.yaml"):
        recipekit.resolve("nope.yaml")


@pytest.mark.parametrize(
    "data",
    [
        {"0(": None},
        {"nvfp4": 1},
        {"note": "${HOME}"},
        {"note": "\\${HOME}"},
        {"inc": "@other.yaml"},
        {"inc": "\\@other.yaml:a.b"},
        {"x": "kv_fp8(a=1)"},
        "kv_fp8",
        "nvfp4(block_size=16)",
        "@x.yaml",
        16,
    ],
)
def test_any_string_dump_writes_reads_back_as_the_same_data(data: object) -> None:
    reg = recipekit.Registry()
    for fmt in ("yaml", "json"):
        text = recipekit.dump(data, format=fmt, registry=reg)
        assert classify(text).kind == "text"
        assert recipekit.resolve(text, registry=reg) == data


def test_a_reader_claims_text_and_files(tmp_path: Path) -> None:
    reg = recipekit.Registry()
    seen = []

    def read(text: str, *, file: str | None, base_dir: str | None, registry: object) -> object:
        seen.append(file)
        return {"read_by": "demo", "lines": len(text.splitlines())}

    reg.add_reader(recipekit.Reader("demo", lambda text: text.startswith("#demo"), read))
    path = tmp_path / "x.yaml"
    path.write_text("#demo\na: 1\n")
    assert recipekit.resolve(path, registry=reg) == {"read_by": "demo", "lines": 2}
    assert recipekit.resolve("#demo\nb: 2\n", registry=reg) == {"read_by": "demo", "lines": 2}
    assert recipekit.resolve("a: 1\n", registry=reg) == {"a": 1}  # not claimed: plain YAML
    assert seen == [str(path), None]


@given(st.text(max_size=20))
def test_a_name_loads_as_the_data_document_of_its_factory_node(arg: str) -> None:
    """The name kind's short cut makes the very document ``Loader.from_data`` would."""
    from recipekit.resolver.document import Loader
    from recipekit.resolver.sources import load

    reg = recipekit.Registry()
    reg.register(lambda a="": a, name="f")
    for text in ("f", f"f(a={arg!r})", f"f(a={'${' + arg + '}'!r})"):
        got, want = load(text, reg), Loader().from_data({"_factory_": text})
        assert (got.data, got.interpolated, got.file) == (want.data, want.interpolated, want.file)


@pytest.mark.parametrize(("cleared", "reads"), [(True, 1), (False, 0)])
def test_a_file_is_read_once_and_not_at_all_when_cached(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cleared: bool, reads: int
) -> None:
    import builtins

    file = tmp_path / "r.yaml"
    file.write_text("a: {_factory_: fp8}\n", encoding="utf-8")
    reg = recipekit.Registry()
    reg.register(lambda: {"num_bits": 8}, name="fp8")
    reg.add_reader(recipekit.Reader("never", lambda text: False, lambda *a, **k: None))
    assert recipekit.resolve(str(file), registry=reg) == {"a": {"num_bits": 8}}
    if cleared:
        recipekit.clear_caches()
    opened, real_open = [], builtins.open

    def counting_open(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(name) == str(file):
            opened.append(name)
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", counting_open)
    real_os_open = os.open  # the bounded reader opens with os.open (non-blocking)

    def counting_os_open(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(name) == str(file):
            opened.append(name)
        return real_os_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_os_open)
    assert recipekit.resolve(str(file), registry=reg) == {"a": {"num_bits": 8}}
    assert len(opened) == reads
