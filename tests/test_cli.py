"""The command line: exit codes, outputs, no tracebacks for user mistakes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from recipekit.cli import main

PLUGIN = '''
import recipekit

@recipekit.factory(name="cli_test_fmt", namespace="cli_tests", replace=True)
def cli_test_fmt(bits: int = 8) -> dict:
    """A test format."""
    return {"num_bits": bits, "axis": None}
'''


@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    path = tmp_path / "plugin.py"
    path.write_text(PLUGIN)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_resolve_a_plugin_factory_in_all_forms(
    capsys: pytest.CaptureFixture[str], plugin: Path
) -> None:
    code, out, _ = run(capsys, "resolve", "cli_test_fmt(bits=4)", "axis=0", "--load", str(plugin))
    assert code == 0 and yaml.safe_load(out) == {"num_bits": 4, "axis": 0}
    code, out, _ = run(capsys, "resolve", "cli_test_fmt", "--format", "json", "--load", str(plugin))
    assert code == 0 and json.loads(out) == {"num_bits": 8, "axis": None}
    code, out, _ = run(
        capsys, "resolve", "cli_test_fmt", "axis=1", "--form", "factory", "--load", str(plugin)
    )
    assert code == 0 and yaml.safe_load(out) == {"_factory_": "cli_test_fmt", "axis": 1}
    code, out, _ = run(
        capsys, "resolve", "cli_test_fmt", "--form", "annotated", "--load", str(plugin)
    )
    assert code == 0 and "# factory: cli_test_fmt" in out


def test_resolve_a_file_with_output(
    capsys: pytest.CaptureFixture[str], plugin: Path, tmp_path: Path
) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text("fmt: {_factory_: cli_test_fmt, axis: 0}\n")
    out_file = tmp_path / "out.yaml"
    code, _, _ = run(capsys, "resolve", str(recipe), "-o", str(out_file), "--load", str(plugin))
    assert code == 0 and yaml.safe_load(out_file.read_text()) == {"fmt": {"num_bits": 8, "axis": 0}}


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["resolve", "cli_test_fmmt"], "did you mean: cli_test_fmt"),
        (["resolve", "cli_test_fmt", "axs=1"], "did you mean: axis"),
        (["resolve", "missing.yaml"], "no such file"),
        (["resolve", "plainword"], "unknown factory 'plainword'"),
        (["resolve", "cli_test_fmt(bits=4"], "missing ')'"),
        (["resolve", "cli_test_fmt(bits='x')"], "expected: bits: int"),
        (["show", "cli_test_fmmt"], "did you mean"),
        (["list", "nosuchspace"], "no factory or namespace matches"),
        (["explain", "cli_test_fmt", "nope"], "does not exist"),
    ],
)
def test_user_mistakes_exit_1_without_traceback(
    capsys: pytest.CaptureFixture[str], plugin: Path, argv: list[str], fragment: str
) -> None:
    code, _, err = run(capsys, *argv, "--load", str(plugin))
    assert code == 1
    assert fragment in err and "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["resolve"])
    assert info.value.code == 2
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_list_show_explain_diff(capsys: pytest.CaptureFixture[str], plugin: Path) -> None:
    code, out, _ = run(capsys, "list", "cli_tests", "--load", str(plugin))
    assert (
        code == 0
        and "cli_test_fmt" in out
        and "A test format." in out
        and "(bits: int = 8) -> dict" in out
    )
    code, out, _ = run(capsys, "list", "cli_tests", "--json", "--load", str(plugin))
    assert json.loads(out)[0]["name"] == "cli_test_fmt"
    code, out, _ = run(capsys, "show", "cli_test_fmt", "--load", str(plugin))
    assert code == 0 and "plugin.py:4" in out and "_factory_: 'cli_test_fmt(bits=8)'" in out
    code, out, _ = run(capsys, "explain", "cli_test_fmt", "axis", "axis=3", "--load", str(plugin))
    assert code == 0 and "axis = 3" in out and "override: axis=3" in out
    code, out, _ = run(
        capsys, "diff", "cli_test_fmt", "cli_test_fmt", "num_bits=4", "--load", str(plugin)
    )
    assert code == 1 and "-num_bits: 8" in out and "+num_bits: 4" in out
    code, out, _ = run(capsys, "diff", "cli_test_fmt", "cli_test_fmt", "--load", str(plugin))
    assert code == 0 and "resolve to the same data" in out


def test_check_reports_all_files_and_calls_nothing(
    capsys: pytest.CaptureFixture[str], plugin: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("a: {_factory_: cli_test_fmt}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: {_factory_: cli_test_fmmt}\nb: {_factory_: 'cli_test_fmt(bits=\"x\")'}\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [1,\n")
    code, out, _ = run(capsys, "check", str(good), "--load", str(plugin))
    assert code == 0 and "ok: 1 target(s)" in out
    code, _, err = run(capsys, "check", str(good), str(bad), str(broken), "--load", str(plugin))
    assert code == 1
    assert (
        "3 problem(s)" in err
        and "bad.yaml:1:16" in err
        and "bad.yaml:2:16" in err
        and "broken.yaml:2:1" in err
    )


def test_console_entry_point_runs_as_a_process(tmp_path: Path, plugin: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "recipekit", "resolve", "cli_test_fmt", "--load", str(plugin)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and yaml.safe_load(proc.stdout) == {"num_bits": 8, "axis": None}
    proc = subprocess.run(
        [sys.executable, "-m", "recipekit", "resolve", "nvfp4_no_such_thing"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr


MODELOPT_FILE = """# modelopt-schema: modelopt.torch.quantization.config.QuantizeConfig
imports:
  fp8: configs/numerics/fp8
  base_disable_all: configs/ptq/units/base_disable_all
---
algorithm: max
quant_cfg:
  - $import: base_disable_all
  - quantizer_name: '*weight_quantizer'
    cfg:
      $import: fp8
"""


def test_modelopt_file_resolves_and_converts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    source = tmp_path / "modelopt_style.yaml"
    source.write_text(MODELOPT_FILE)
    code, resolved, _ = run(capsys, "resolve", str(source), "--format", "json")
    assert code == 0
    expected = {
        "algorithm": "max",
        "quant_cfg": [
            {"quantizer_name": "*", "enable": False},
            {"quantizer_name": "*weight_quantizer", "cfg": {"num_bits": "e4m3", "axis": None}},
        ],
    }
    assert json.loads(resolved) == expected
    converted = tmp_path / "converted.yaml"
    code, _, _ = run(capsys, "convert", str(source), "-o", str(converted))
    text = converted.read_text()
    assert code == 0 and "$import" not in text and "imports:" not in text
    assert "_factory_: configs/ptq/units/base_disable_all" in text
    code, again, _ = run(capsys, "resolve", str(converted), "--format", "json")
    assert code == 0 and json.loads(again) == expected


# ---------------------------------------------------------------- issue 14 §2/§3: the surface
def test_version_names_modelopt_and_schema(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    out = capsys.readouterr().out
    assert info.value.code == 0
    assert "recipekit 0.1.0" in out and "ModelOpt 0.47.0" in out and "schema modelopt-0.47.0" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x.yaml:quantize.quant_cfg", ("x.yaml", "quantize.quant_cfg")),
        ("dir/x.YML:a", ("dir/x.YML", "a")),
        ("x.json:a[0]", ("x.json", "a[0]")),
        ("units:kv_fp8", ("units:kv_fp8", None)),  # a namespace, not a subtree
        ("general/ptq/nvfp4_default-kv_fp8", ("general/ptq/nvfp4_default-kv_fp8", None)),
        ("x.yaml", ("x.yaml", None)),
    ],
)
def test_split_target(text: str, expected: tuple[str, str | None]) -> None:
    from recipekit.cli import split_target

    assert split_target(text) == expected


def test_select_a_subtree(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    doc = tmp_path / "r.yaml"
    doc.write_text("a: {b: [10, {c: e4m3}]}\nd: 1\n")
    code, out, _ = run(capsys, "resolve", f"{doc}:a.b[1]")
    assert code == 0 and yaml.safe_load(out) == {"c": "e4m3"}
    code, out, _ = run(capsys, "resolve", str(doc), "--select", "a.b", "a.b[0]=11")
    assert code == 0 and yaml.safe_load(out) == [11, {"c": "e4m3"}]
    code, out, _ = run(capsys, "resolve", "kv_fp8", "--select", "[0].cfg.num_bits")
    assert code == 0 and out.strip() == "e4m3"
    code, _, err = run(capsys, "resolve", str(doc), "--select", "a.x")
    assert code == 1 and "a.x does not exist" in err and "Traceback" not in err
    code, _, err = run(capsys, "resolve", f"{doc}:a", "--select", "d")
    assert code == 1 and "two different subtrees" in err
    code, _, err = run(capsys, "resolve", f"{doc}:a", "--form", "factory")
    assert code == 1 and "expanded or nemo-run form" in err


def test_diff_paths(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text("x: {y: 1, z: [1, 2]}\nold: true\n")
    b.write_text("x: {y: 2, z: [1]}\nnew: e4m3\n")
    code, out, _ = run(capsys, "diff", "--paths", str(a), str(b))
    assert code == 1
    assert out.splitlines()[2:] == ["~ x.y: 1 -> 2", "- x.z[1]: 2", "+ new: e4m3", "- old: true"]
    code, out, _ = run(capsys, "diff", "--paths", str(a), str(b), "--select", "x.z[0]")
    assert code == 0 and "same data" in out


def test_show_yaml_prints_shipped_factory_yaml_or_the_data(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from recipekit.api import resolve

    code, out, _ = run(capsys, "show", "ptq/nvfp4_default-kv_fp8", "--yaml")
    assert code == 0 and "_factory_: w4a4_nvfp4_nvfp4" in out
    assert resolve(out) == resolve("general/ptq/nvfp4_default-kv_fp8")  # copyable as is
    code, out, _ = run(capsys, "show", "kv_fp8", "--yaml")
    assert code == 0 and resolve(out) == resolve("kv_fp8")


def test_list_pattern_aliases_and_width(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "72")
    code, out, _ = run(capsys, "list", "kv_fp8")
    lines = out.splitlines()
    assert code == 0 and all(len(line) <= 72 for line in lines)
    assert any(line.split()[0] == "kv_fp8" for line in lines)
    code, out, _ = run(capsys, "list", "nvfp4", "--json")
    rows = json.loads(out)
    assert rows and all("nvfp4" in (r["name"] + " ".join(r["aliases"])).lower() for r in rows)


def test_every_subcommand_help_shows_the_override_grammar() -> None:
    from recipekit.cli import EPILOG

    parser = next(
        a
        for a in __import__("recipekit.cli").cli._parser()._actions
        if hasattr(a, "choices") and isinstance(a.choices, dict)
    )
    for name, sub in parser.choices.items():
        text = sub.format_help()
        assert EPILOG.splitlines()[5] in text and "+=" in text and "~" in text, name
        assert len(EPILOG.splitlines()) <= 24  # one screen with the rest


@pytest.mark.parametrize("name", ["configs/numerics/nvfp4", "general/ptq/nvfp4_default-kv_fp8"])
def test_json_output_reads_back_to_the_same_recipe(
    capsys: pytest.CaptureFixture[str], name: str
) -> None:
    from recipekit.api import resolve

    code, out, err = run(capsys, "resolve", name, "--format", "json")
    assert code == 0 and json.loads(out)
    assert repr(resolve(out)) == repr(resolve(name))  # tuples, int keys, floats
    assert "ModelOpt's loader does not" in err  # block_sizes' -1 as "-1"


def test_file_subtree_targets_in_explain_and_where_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = tmp_path / "r.yaml"
    doc.write_text("a: {b: 1}\n")
    code, out, _ = run(capsys, "explain", f"{doc}:a", "b")
    assert code == 0 and out.startswith("a.b = 1")
    code, _, err = run(capsys, "check", f"{doc}:a")
    assert code == 1 and "takes whole documents" in err


def _epilog_overrides() -> list[str]:
    """The override examples of the help: the first word of each example line (two spaces of
    indent; descriptions that wrap are indented further)."""
    import shlex

    from recipekit.cli import EPILOG

    lines = EPILOG.split("\noverrides", 1)[1].splitlines()[1:]
    return [shlex.split(line)[0] for line in lines if line[:2] == "  " and line[2] != " "]


def test_the_help_has_override_examples() -> None:
    assert len(_epilog_overrides()) == 7


@pytest.mark.parametrize("override", _epilog_overrides())
def test_every_override_example_of_the_help_works(override: str) -> None:
    from recipekit.api import resolve

    before = resolve("general/ptq/nvfp4_default-kv_fp8")
    assert resolve("general/ptq/nvfp4_default-kv_fp8", [override]) != before


@pytest.mark.parametrize(
    "words",
    [
        ["resolve", "nvfp4", "a.b=1", "--form", "factory", "--load", "x.py"],
        ["list", "units", "--json"],
        ["show", "nvfp4"],
        ["diff", "a.yaml", "b.yaml", "x=1"],
        ["explain", "nvfp4", "num_bits"],
        ["check", "a.yaml", "b.yaml"],
        ["convert", "f.yaml", "-o", "out.yaml"],
        ["match", "nvfp4", "--names", "n.txt"],
    ],
)
def test_the_one_command_parser_reads_its_words_as_the_full_parser(words: list) -> None:
    """``main`` builds only the named command's sub-parser (start-up): the same reading."""
    from recipekit.cli import COMMANDS, _parser

    assert words[0] in COMMANDS
    full, one = _parser().parse_known_args(words), _parser(words[0]).parse_known_args(words)
    assert (vars(one[0]), one[1]) == (vars(full[0]), full[1])


# -- hardening (issue 10): --include-root, the import rule, no traceback -----------------------
def test_include_root_flag_widens_confinement(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "fmt.yaml").write_text("num_bits: 8\n")
    (tmp_path / "proj").mkdir()
    doc = tmp_path / "proj" / "r.yaml"
    doc.write_text("cfg: '@../shared/fmt.yaml'\n")
    code, _, err = run(capsys, "resolve", str(doc))
    assert code == 1 and "outside the allowed include roots" in err and "--include-root" in err
    assert "Traceback" not in err
    code, out, _ = run(capsys, "resolve", str(doc), "--include-root", str(tmp_path / "shared"))
    assert code == 0 and yaml.safe_load(out) == {"cfg": {"num_bits": 8}}
    code, out, _ = run(capsys, "check", str(doc), "--include-root", str(tmp_path / "shared"))
    assert code == 0


@pytest.mark.parametrize(
    ("doc", "flags", "code", "fragment"),
    [
        ("x: {_target_: math.sqrt, _args_: [16]}", ["--allow-import", "math"], 0, "x: 4.0"),
        ("x: {_target_: math.sqrt, _args_: [16]}", [], 1, "--allow-import math"),
        (
            "x: {_target_: recipekit.resolver.document.os.getcwd}",
            ["--allow-import", "recipekit"],
            1,
            "imported from elsewhere",
        ),
        ("x: {_target_: recipekit.__builtins__}", ["--allow-import", "recipekit"], 1, "dunder"),
    ],
)
def test_allow_import_follows_the_rule(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    doc: str,
    flags: list,
    code: int,
    fragment: str,
) -> None:
    path = tmp_path / "d.yaml"
    path.write_text(doc + "\n")
    got, out, err = run(capsys, "resolve", str(path), *flags)
    assert got == code
    assert fragment in (out if code == 0 else err)
    assert "Traceback" not in err
