"""``recipekit completion SHELL``: a bash, zsh or fish completion script made by ``shtab`` from
the command line's own argparse parser, so subcommands and flags never go out of step.

``shtab`` (the optional ``completion`` extra) writes the subcommands, flags and choices; this
module only says what a positional argument completes to: a TARGET (``resolve``, ``diff``,
``explain``, ``check``, ``match``) to the registered names and aliases *or* a
``.yaml``/``.yml``/``.json`` file, a NAME (``show``, ``list``) to the names, ``convert``'s FILE
to YAML files. The names are written into the script when it is made (a shell completing a word
does not start Python), so re-run ``recipekit completion`` after installing plugins.
"""

from __future__ import annotations

import argparse
from typing import Any

from recipekit.resolver.errors import SourceError

SHELLS = ("bash", "zsh", "fish")
_FILES = ("*.yaml", "*.yml", "*.json")
#: which positional argument (by dest) of which subcommand completes to what
_POSITIONALS = {
    ("resolve", "target"): "target",
    ("diff", "a"): "target",
    ("diff", "b"): "target",
    ("explain", "target"): "target",
    ("check", "files"): "target",
    ("match", "target"): "target",
    ("show", "name"): "name",
    ("list", "pattern"): "name",
    ("convert", "file"): "file",
}


def names() -> list[str]:
    """Every registered name and alias, sorted."""
    from recipekit.defaults import default_registry

    return sorted({w for e in default_registry().entries() for w in (e.name, *e.aliases)})


def _quoted(words: list[str]) -> str:
    return " ".join("'" + w.replace("'", "") + "'" for w in words)


def _completers(words: list[str]) -> dict[str, Any]:
    """shtab ``complete`` specs (one per kind), their shell functions in ``preamble``."""
    import shtab

    files: dict[str, Any] = shtab.glob(*_FILES)  # per shell: a str; "preamble": per shell
    listed = _quoted(words)
    fish_files = files["fish"].strip("()")
    preamble = {
        "bash": f"""
_recipekit_names() {{ compgen -W "{listed}" -- "$1"; }}
_recipekit_targets() {{ _recipekit_names "$1"; {files["bash"]} "$1"; }}
{files["preamble"]["bash"]}""",
        "zsh": f"""
_recipekit_names() {{ compadd -- {listed}; }}
_recipekit_targets() {{ _recipekit_names; {files["zsh"]}; }}
""",
        "fish": f"""
function _recipekit_names
    printf '%s\\n' {listed}
end
function _recipekit_targets
    _recipekit_names
    {fish_files}
end
{files["preamble"]["fish"]}""",
    }
    return {
        "name": {
            "bash": "_recipekit_names",
            "zsh": "_recipekit_names",
            "fish": "(_recipekit_names)",
            "preamble": preamble,
        },
        "target": {
            "bash": "_recipekit_targets",
            "zsh": "_recipekit_targets",
            "fish": "(_recipekit_targets)",
            "preamble": preamble,
        },
        "file": files,
    }


def script(parser: argparse.ArgumentParser, shell: str) -> str:
    """The completion script of ``parser`` for ``shell``."""
    try:
        import shtab
    except ImportError:
        raise SourceError(
            "shell completion needs shtab, which is not installed",
            hint="pip install 'recipekit[completion]' (or pip install shtab)",
        ) from None
    kinds = _completers(names())
    subparsers = next(
        a for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    ).choices
    for command, sub in subparsers.items():
        for action in sub._actions:
            kind = _POSITIONALS.get((command, action.dest))
            if kind is not None:
                action.complete = kinds[kind]  # type: ignore[attr-defined]
    return str(shtab.complete(parser, shell=shell))
