"""Exact comparison with ModelOpt goldens: canonical JSON text plus tuple / int-key positions.

``canonical(obj)`` renders like the reference scripts do: tuples become lists, non-``str`` dict
keys become their JSON text (``-1`` -> ``"-1"``), keys sorted. Because that loses the facts that
``(4, 3)`` was a tuple and ``-1`` an int, ``annotations(obj)`` lists their JSON-Pointer paths, to be
compared with the golden's ``annotations.resolved_pre_validation.tuple_paths`` /
``int_key_paths``. int vs float and ``True`` vs ``1`` survive in the text (``1`` != ``1.0``).
Shared by the test modules; the goldens are located by ``golden_dir()``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def reference_dir() -> Path:
    """The shared reference folder (``$RECIPEKIT_REFERENCE`` or ``../shared/reference``)."""
    return Path(os.environ.get("RECIPEKIT_REFERENCE", REPO / ".." / "shared" / "reference"))


def golden_dir() -> Path:
    """The ModelOpt 0.47.0 golden folder (``$RECIPEKIT_GOLDEN_DIR`` overrides)."""
    env = os.environ.get("RECIPEKIT_GOLDEN_DIR")
    return Path(env) if env else reference_dir() / "modelopt-0.47.0" / "golden"


def load_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def _key_text(key: Any) -> str:
    return key if isinstance(key, str) else json.dumps(key)


def plain(
    obj: Any, path: str = "", tuples: list[str] | None = None, int_keys: list[str] | None = None
) -> Any:
    """``obj`` as JSON-ready data; records tuple positions and non-str key positions."""
    if isinstance(obj, dict):
        out = {}
        for key, value in obj.items():
            text = _key_text(key)
            child = f"{path}/{_escape(text)}"
            if not isinstance(key, str) and int_keys is not None:
                int_keys.append(child)
            out[text] = plain(value, child, tuples, int_keys)
        return out
    if isinstance(obj, (list, tuple)):
        if isinstance(obj, tuple) and tuples is not None:
            tuples.append(path)
        return [plain(v, f"{path}/{i}", tuples, int_keys) for i, v in enumerate(obj)]
    return obj


def canonical(obj: Any) -> str:
    """Canonical JSON text (sorted keys, tuples as lists, int keys as text)."""
    return json.dumps(plain(obj), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def annotations(obj: Any) -> dict[str, list[str]]:
    """``{"tuple_paths": [...], "int_key_paths": [...]}``, sorted, for ``obj``."""
    tuples: list[str] = []
    int_keys: list[str] = []
    plain(obj, "", tuples, int_keys)
    return {"tuple_paths": sorted(tuples), "int_key_paths": sorted(int_keys)}


def golden_annotations(
    golden: dict[str, Any], section: str = "resolved_pre_validation"
) -> dict[str, list[str]]:
    """The golden's tuple / int-key paths for ``section``, sorted."""
    notes = golden["annotations"][section]
    return {
        "tuple_paths": sorted(notes["tuple_paths"]),
        "int_key_paths": sorted(notes["int_key_paths"]),
    }


def mismatch(actual: Any, expected_json: Any, expected_notes: dict[str, list[str]]) -> str | None:
    """``None`` when ``actual`` equals the golden exactly, else a short description of the first difference."""
    got, want = (
        canonical(actual),
        json.dumps(expected_json, sort_keys=True, indent=2, ensure_ascii=False) + "\n",
    )
    if got != want:
        for n, (a, b) in enumerate(zip(got.splitlines(), want.splitlines(), strict=False), 1):
            if a != b:
                return f"canonical JSON differs at line {n}: got {a.strip()!r}, want {b.strip()!r}"
        return f"canonical JSON differs in length ({len(got)} vs {len(want)} chars)"
    notes = annotations(actual)
    for kind in ("tuple_paths", "int_key_paths"):
        if notes[kind] != expected_notes[kind]:
            extra = sorted(set(notes[kind]) - set(expected_notes[kind]))
            missing = sorted(set(expected_notes[kind]) - set(notes[kind]))
            return f"{kind} differ: unexpected {extra[:5]}, missing {missing[:5]}"
    return None
