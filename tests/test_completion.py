"""``recipekit completion`` (``recipekit.completion``): scripts made by shtab from the parser."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from recipekit import completion
from recipekit.cli import _parser

pytest.importorskip("shtab")


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_script_names_subcommands_flags_and_registered_names(shell: str) -> None:
    text = completion.script(_parser(), shell)
    for word in (
        "resolve",
        "match",
        "schema",
        "--select",
        "--form",
        "kv_fp8",
        "_recipekit_targets",
    ):
        assert word in text, (shell, word)


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_script_parses_in_its_shell(shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    text = completion.script(_parser(), shell)
    check = {"bash": ["bash", "-n"], "zsh": ["zsh", "-n"], "fish": ["fish", "--no-execute"]}[shell]
    done = subprocess.run([*check], input=text, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_bash_completes_a_target_to_names_and_yaml_files(tmp_path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    (tmp_path / "mine.yaml").write_text("a: 1\n")
    (tmp_path / "notes.txt").write_text("")
    script = completion.script(_parser(), "bash")
    run = f"{script}\n_recipekit_targets kv_fp; _recipekit_targets mi; _recipekit_targets no\n"
    done = subprocess.run(
        ["bash", "-c", run], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    words = done.stdout.split()
    assert "kv_fp8" in words and "mine.yaml" in words and "notes.txt" not in words


def test_fish_completes_subcommands_flags_names_and_files(tmp_path) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed")
    (tmp_path / "mine.yaml").write_text("a: 1\n")
    script = tmp_path / "recipekit.fish"
    script.write_text(completion.script(_parser(), "fish"))
    asks = [
        "recipekit res",
        "recipekit resolve kv_fp",
        "recipekit resolve mi",
        "recipekit diff --pa",
    ]
    run = f"source {script}; " + "; ".join(f"complete -C '{a}'" for a in asks)
    done = subprocess.run(
        ["fish", "--no-config", "-c", run], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    words = [line.split("\t")[0] for line in done.stdout.splitlines()]
    for expected in ("resolve", "kv_fp8", "mine.yaml", "--paths"):
        assert expected in words, (expected, done.stdout[-500:], done.stderr[-500:])
