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
        (["list", "nosuchspace"], "no namespace"),
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
    assert code == 0 and "-num_bits: 8" in out and "+num_bits: 4" in out


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
    assert code == 0 and "ok: 1 file(s)" in out
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
            {"quantizer_name": "*weight_quantizer", "cfg": {"num_bits": [4, 3], "axis": None}},
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
