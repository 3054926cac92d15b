"""Static typing of the public surface, checked by running mypy (skipped only without mypy).

* ``mypy --strict examples/`` passes;
* ``@recipekit.factory`` (bare and with arguments) keeps the decorated function's signature: a
  call with a wrong argument type is an error, the return type is the function's own;
* output forms and formats are ``Literal`` types: a misspelled form is an error.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")
ROOT = Path(__file__).resolve().parent.parent

SNIPPET = """\
import recipekit


@recipekit.factory
def bare(bits: int = 8) -> dict[str, int]:
    return {"num_bits": bits}


@recipekit.factory(name="typing_test/named", namespace="typing_tests")
def named(block_size: int = 16) -> list[int]:
    return [block_size]


reveal_type(bare)
reveal_type(named)
bare(bits="x")
named(block_size=32).append("x")
recipekit.dump({}, form="expandd")
recipekit.dump({}, format="toml")
"""


def mypy(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--no-incremental", "--strict", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_examples_pass_mypy_strict() -> None:
    done = mypy("examples/")
    assert done.returncode == 0, done.stdout + done.stderr


def test_factory_keeps_signatures_and_forms_are_literals(tmp_path: Path) -> None:
    (tmp_path / "snippet.py").write_text(SNIPPET)
    out = mypy(str(tmp_path / "snippet.py")).stdout
    assert 'Revealed type is "def (bits: int =) -> dict[str, int]"' in out
    assert 'Revealed type is "def (block_size: int =) -> list[int]"' in out
    assert 'Argument "bits" to "bare" has incompatible type "str"; expected "int"' in out
    assert 'Argument 1 to "append" of "list" has incompatible type "str"; expected "int"' in out
    assert 'Argument "form" to "dump" has incompatible type' in out
    assert 'Argument "format" to "dump" has incompatible type' in out
