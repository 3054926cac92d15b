"""Every command in the README's bash blocks runs as written from the root of a clone.

The blocks are read from README.md itself; each command (``\\``-continued lines joined, comments
dropped by ``shlex``) runs in ``bash -o pipefail`` with ``recipekit`` bound to this checkout
(``python -m recipekit.cli`` with ``PYTHONPATH`` set), from a scratch directory that links the
clone's ``examples/`` and ``recipekit/`` so that nothing is written into the repository.
Expected: exit 0, or 1 for ``recipekit diff`` of recipes that differ (``diff``'s convention).
Skipped: the install commands, ``python benchmarks/run.py``, and ``recipekit schema`` when this
build ships no schemas.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP = ("pip install", "python benchmarks/run.py", "python -m pytest")


def commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"^```bash\n(.*?)^```", text, re.S | re.M):
        for command in block.replace("\\\n", " ").splitlines():
            words = shlex.split(command, comments=True)
            if words and not any(skip in command for skip in SKIP):
                found.append(command)
    return found


COMMANDS = commands()


def test_the_readme_has_commands() -> None:
    assert len(COMMANDS) >= 20 and all(
        c.split()[0] in ("recipekit", "echo", "eval") for c in COMMANDS
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    if command.startswith("recipekit schema"):
        from recipekit import schema

        if not schema.available():
            pytest.skip("no JSON Schemas in this build (recipekit/schemas/)")
    for name in ("examples", "recipekit"):
        (tmp_path / name).symlink_to(ROOT / name)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    script = f'recipekit() {{ "{sys.executable}" -m recipekit.cli "$@"; }}\n{command}\n'
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    allowed = {0, 1} if shlex.split(command)[:2] == ["recipekit", "diff"] else {0}
    assert done.returncode in allowed, (
        f"{command}\nexit {done.returncode}\n{done.stderr[-2000:]}\n{done.stdout[-1000:]}"
    )
    assert "Traceback" not in done.stderr
