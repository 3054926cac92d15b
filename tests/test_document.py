"""Loading sources and @file includes."""

from __future__ import annotations

from pathlib import Path

import pytest

import recipekit
from recipekit.resolver.document import parse_include
from recipekit.resolver.errors import CycleError, SourceError


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("@a.yaml", ("a.yaml", None)),
        ("@dir/b.yml:sec.sub", ("dir/b.yml", "sec.sub")),
        ("@c.json", ("c.json", None)),
        ("@handle", None),
        ("email@x.yaml", None),
        ("@a.yaml:", None),
    ],
)
def test_parse_include(value: str, expected: object) -> None:
    assert parse_include(value) == expected


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_includes_nest_relative_to_the_including_file(
    tmp_path: Path, reg: recipekit.Registry
) -> None:
    write(tmp_path, "sub/fmt.yaml", "num_bits: 8\naxis: 0\nnested: '@deeper.yaml:x'\n")
    write(tmp_path, "sub/deeper.yaml", "x: {y: 1}\n")
    main = write(tmp_path, "main.yaml", "cfg: '@sub/fmt.yaml'\nonly: '@sub/fmt.yaml:axis'\n")
    assert recipekit.resolve(main, registry=reg) == {
        "cfg": {"num_bits": 8, "axis": 0, "nested": {"y": 1}},
        "only": 0,
    }


def test_include_cycle_prints_the_chain(tmp_path: Path, reg: recipekit.Registry) -> None:
    write(tmp_path, "a.yaml", "b: '@b.yaml'\n")
    write(tmp_path, "b.yaml", "c: '@c.yaml'\n")
    write(tmp_path, "c.yaml", "a: '@a.yaml'\n")
    with pytest.raises(CycleError) as info:
        recipekit.resolve(tmp_path / "a.yaml", registry=reg)
    chain = [Path(p).name for p in info.value.chain]
    assert chain == ["a.yaml", "b.yaml", "c.yaml", "a.yaml"]
    assert "c.yaml:1:4" in str(info.value)


def test_missing_include_and_section(tmp_path: Path, reg: recipekit.Registry) -> None:
    write(tmp_path, "x.yaml", "alpha: 1\n")
    main = write(tmp_path, "m.yaml", "a: '@nope.yaml'\nb: '@x.yaml:alpah'\n")
    with pytest.raises(SourceError, match="does not exist") as info:
        recipekit.resolve(main, registry=reg)
    assert str(info.value.mark).endswith("m.yaml:1:4")
    write(tmp_path, "m2.yaml", "b: '@x.yaml:alpah'\n")
    with pytest.raises(SourceError) as info2:
        recipekit.resolve(tmp_path / "m2.yaml", registry=reg)
    assert info2.value.suggestions == ("alpha",)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("fp8", {"num_bits": (4, 3), "axis": None}),
        (
            "nvfp4(block_size=32)",
            {"num_bits": (2, 1), "block_sizes": {-1: 32, "type": "dynamic", "scale_bits": (4, 3)}},
        ),
        ("a: 1", {"a": 1}),
        ({"a": {"_factory_": "fp8"}}, {"a": {"num_bits": (4, 3), "axis": None}}),
        ([{"_factory_": "base_disable_all"}], [{"quantizer_name": "*", "enable": False}]),
        ("plain words", "plain words"),
    ],
)
def test_source_kinds(source: object, expected: object, reg: recipekit.Registry) -> None:
    assert recipekit.resolve(source, registry=reg) == expected


def test_unknown_name_source_suggests(reg: recipekit.Registry) -> None:
    with pytest.raises(recipekit.RecipekitError) as info:
        recipekit.resolve("nvfp4_(block_size=3)", registry=reg)
    assert "nvfp4" in info.value.suggestions


def test_missing_file(reg: recipekit.Registry) -> None:
    with pytest.raises(SourceError, match="no such file"):
        recipekit.resolve("missing.yaml", registry=reg)


def test_load_expands_includes_but_does_not_resolve(tmp_path: Path) -> None:
    write(tmp_path, "part.yaml", "x: 1\n")
    main = write(tmp_path, "main.yaml", "a: '@part.yaml'\nb: {_factory_: fp8}\nc: ${a.x}\n")
    assert recipekit.load(main) == {"a": {"x": 1}, "b": {"_factory_": "fp8"}, "c": "${a.x}"}
    assert recipekit.load(str(main)) == recipekit.load(main)


def test_codecs_apply_to_yaml_not_to_python_data() -> None:
    yaml_value = recipekit.resolve("cfg: {num_bits: e4m3}")
    python_value = recipekit.resolve({"cfg": {"num_bits": "e4m3"}})
    assert yaml_value == {"cfg": {"num_bits": (4, 3)}}
    assert python_value == {"cfg": {"num_bits": "e4m3"}}  # as in ModelOpt's Python API


def test_edited_files_are_read_again_and_caches_can_be_cleared(tmp_path: Path) -> None:
    import os

    path = write(tmp_path, "r.yaml", "a: 1\n")
    assert recipekit.resolve(path) == {"a": 1}
    path.write_text("a: 22\n")
    os.utime(path, ns=(1, 1))  # a different mtime even on a coarse clock
    assert recipekit.resolve(path) == {"a": 22}
    recipekit.clear_caches()
    assert recipekit.resolve(path) == {"a": 22}


def test_files_included_from_python_data_are_decoded_as_yaml(tmp_path: Path) -> None:
    write(tmp_path, "fmt.yaml", "num_bits: e4m3\naxis: null\n")
    data = {"cfg": "@fmt.yaml", "other": {"num_bits": "e4m3"}}
    assert recipekit.resolve(data, base_dir=str(tmp_path)) == {
        "cfg": {"num_bits": (4, 3), "axis": None},
        "other": {"num_bits": "e4m3"},
    }


BASE_RULES = "- {quantizer_name: '*', enable: false}\n- {quantizer_name: '*w*', enable: true}\n"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # a list item that includes a list splices it, as a list factory's result is
        (["'@base.yaml'", "{quantizer_name: x, enable: false}"], ["*", "*w*", "x"]),
        (["'@base.yaml'", "'@base.yaml'"], ["*", "*w*", "*", "*w*"]),
        (["'@base.yaml:[1]'"], ["*w*"]),  # a section that is one rule is one item
        (["'@one.yaml'"], ["single"]),  # a mapping is one item
    ],
)
def test_an_included_list_in_a_list_is_spliced(
    tmp_path: Path, reg: recipekit.Registry, rules: list[str], expected: list[str]
) -> None:
    write(tmp_path, "base.yaml", BASE_RULES)
    write(tmp_path, "one.yaml", "{quantizer_name: single, enable: true}\n")
    doc = write(tmp_path, "r.yaml", "rules:\n" + "".join(f"  - {r}\n" for r in rules))
    data = recipekit.resolve(doc, registry=reg)
    assert [r["quantizer_name"] for r in data["rules"]] == expected


def test_an_included_list_as_a_value_is_not_spliced(
    tmp_path: Path, reg: recipekit.Registry
) -> None:
    write(tmp_path, "base.yaml", BASE_RULES)
    doc = write(tmp_path, "r.yaml", "rules: '@base.yaml'\nnested: ['@base.yaml:[0]', [1]]\n")
    data = recipekit.resolve(doc, registry=reg)
    assert len(data["rules"]) == 2 and data["nested"][1] == [1]


def test_marks_after_a_spliced_include_point_at_the_right_line(
    tmp_path: Path, reg: recipekit.Registry
) -> None:
    write(tmp_path, "base.yaml", BASE_RULES)
    doc = write(tmp_path, "r.yaml", "rules:\n  - '@base.yaml'\n  - {_factory_: no_such_thing}\n")
    with pytest.raises(recipekit.RecipekitError) as info:
        recipekit.resolve(doc, registry=reg)
    assert "r.yaml:3:" in str(info.value) and "rules[2]" in str(info.value)


# -- hardening (issue 10): regular files only, size limit, confinement, parse once -------------
@pytest.mark.parametrize("special", ["fifo", "dev_zero", "dev_urandom", "directory", "big"])
def test_includes_read_regular_files_of_bounded_size_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, special: str
) -> None:
    import os

    from recipekit.resolver import limits

    target = tmp_path / "x.yaml"
    fragment = "not a regular file"
    if special == "fifo":
        os.mkfifo(target)  # reading it would block forever
    elif special.startswith("dev_"):
        os.symlink("/dev/" + special[4:], target)  # symlinks are resolved, then judged
        monkeypatch.setattr(os.path, "realpath", _keep_dev(os.path.realpath, tmp_path))
    elif special == "directory":
        target.mkdir()
    else:
        target.write_text("a: 1\n" * 100)
        monkeypatch.setattr(limits, "MAX_FILE_BYTES", 100)
        fragment = "more than the limit of 100"
    write(tmp_path, "main.yaml", "x: '@x.yaml'\n")
    with pytest.raises(SourceError, match=fragment) as info:
        recipekit.load(tmp_path / "main.yaml")
    assert str(info.value.mark).endswith("main.yaml:1:4")


def _keep_dev(realpath, root: Path):
    """Let a device behind a symlink look as if it were inside the root, so the test reaches
    the regular-file check (confinement alone would already refuse it)."""

    def fake(path, *args, **kwargs):
        real = realpath(path, *args, **kwargs)
        return str(root / "x.yaml") if real.startswith("/dev/") else real

    return fake


def test_the_top_level_file_is_bounded_too(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "p.yaml")
    with pytest.raises(SourceError, match=r"no such file|not a regular file"):
        recipekit.resolve(tmp_path / "p.yaml")


@pytest.mark.parametrize(
    ("ref", "make"),
    [
        ("@~/recipekit-test-secret.yaml", None),
        ("@/etc/recipekit-test.yaml", None),
        ("@../outside/o.yaml", "outside/o.yaml"),
        ("@link.yaml", "outside/o.yaml"),  # a symlink out of the root
        ("@sub/../../outside/o.yaml", "outside/o.yaml"),
    ],
)
def test_includes_stay_inside_the_allowed_roots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ref: str, make: str | None
) -> None:
    import os

    root = tmp_path / "root"
    (root / "sub").mkdir(parents=True)
    write(tmp_path, "outside/o.yaml", "secret: 1\n")
    os.symlink(tmp_path / "outside" / "o.yaml", root / "link.yaml")
    main = write(root, "main.yaml", f"x: '{ref}'\n")
    monkeypatch.chdir(root / "sub")  # the current directory is a root as well
    with pytest.raises(SourceError, match="outside the allowed include roots") as info:
        recipekit.load(main)
    assert "--include-root" in str(info.value) and str(root) in str(info.value)
    if make:  # positive control: the same include under --include-root / include_roots
        extra = [str(tmp_path / "outside")]
        assert recipekit.load(main, include_roots=extra) == {"x": {"secret": 1}}


def test_same_directory_and_current_directory_includes_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "doc/near.yaml", "n: 1\n")
    write(tmp_path, "cwd/far.yaml", "f: 2\n")
    monkeypatch.chdir(tmp_path / "cwd")
    main = write(tmp_path, "doc/main.yaml", "a: '@near.yaml'\nb: '@../cwd/far.yaml'\n")
    assert recipekit.resolve(main) == {"a": {"n": 1}, "b": {"f": 2}}


def test_an_include_diamond_is_parsed_once_per_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from recipekit.resolver import document

    for i in range(24):  # d0 includes d1 twice, d1 includes d2 twice, ...
        write(tmp_path, f"d{i}.yaml", f"l: '@d{i + 1}.yaml:v'\nr: '@d{i + 1}.yaml:v'\nv: {i}\n")
    write(tmp_path, "d24.yaml", "v: 24\n")
    reads: list[str] = []
    original = document.read_yaml
    monkeypatch.setattr(
        document, "read_yaml", lambda path, **kw: reads.append(path) or original(path, **kw)
    )
    result = recipekit.load(tmp_path / "d0.yaml")
    assert result == {"l": 1, "r": 1, "v": 0}
    assert len(reads) <= 25 + 1


def test_a_multiplying_include_diamond_stops_at_the_node_limit(tmp_path: Path) -> None:
    for i in range(25):
        write(tmp_path, f"d{i}.yaml", f"l: '@d{i + 1}.yaml'\nr: '@d{i + 1}.yaml'\n")
    write(tmp_path, "d25.yaml", "v: 1\n")
    with pytest.raises(SourceError, match="includes expand to more than"):
        recipekit.load(tmp_path / "d0.yaml")


def test_a_2000_file_include_chain_is_a_depth_error_not_a_recursion_error(
    tmp_path: Path,
) -> None:
    from recipekit.cli import main

    for i in range(2000):
        write(tmp_path, f"f{i}.yaml", f"n: '@f{i + 1}.yaml'\n" if i < 1999 else "n: 1\n")
    with pytest.raises(SourceError, match="nested too deeply"):
        recipekit.load(tmp_path / "f0.yaml")
    assert main(["check", str(tmp_path / "f0.yaml")]) == 1
    write(tmp_path, "short.yaml", "n: '@f1990.yaml'\n")  # positive control: a short chain
    assert recipekit.resolve(tmp_path / "short.yaml") == {"n": {"n": {"n": _nest(8)}}}


def _nest(depth: int) -> object:
    return 1 if depth == 0 else {"n": _nest(depth - 1)}


def test_json_files_use_json_number_rules(tmp_path: Path) -> None:
    write(tmp_path, "c.json", '{"lr": 1e-05, "s": "1e-05"}')
    write(tmp_path, "m.yaml", "cfg: '@c.json'\n")
    assert recipekit.resolve(tmp_path / "c.json") == {"lr": 1e-05, "s": "1e-05"}
    assert recipekit.resolve(tmp_path / "m.yaml") == {"cfg": {"lr": 1e-05, "s": "1e-05"}}
