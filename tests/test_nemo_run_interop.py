"""recipekit factories used from NeMo-Run 0.11.1: NeMo-Run builds exactly what recipekit resolves.

Optional group (``-m nemo_run``), run in a venv with nemo-run installed, e.g.::

    python -m pytest -m nemo_run tests/test_nemo_run_interop.py

No ``from __future__ import annotations`` here: NeMo-Run reads the entry point's annotations as
objects (a string annotation such as ``'dict'`` makes it fail with "Unsupported type").
"""

from pathlib import Path
from typing import Any

import pytest

import recipekit

pytestmark = pytest.mark.nemo_run

run = pytest.importorskip("nemo_run")
fdl = pytest.importorskip("fiddle")
catalogue = pytest.importorskip("catalogue")

from nemo_run.cli.config import ConfigSerializer  # noqa: E402
from nemo_run.cli.lazy import LazyEntrypoint  # noqa: E402

from recipekit.interop import nemo_run as interop  # noqa: E402


def quantize(recipe: dict = None, rules: list = None, name: str = "run") -> None:  # type: ignore[assignment]  # noqa: RUF013 (NeMo-Run entry-point style)
    """The NeMo-Run entry point of these tests: its parameters receive recipekit data."""


def same(a: Any, b: Any) -> None:
    """Equal, with the same types (tuples stay tuples, int keys stay ints) and key order."""
    assert repr(a) == repr(b)


def nemo_build(tmp_path: Path, yaml_text: Any = None, overrides: tuple = ()) -> dict:
    """What NeMo-Run's CLI layer builds for ``quantize`` (``--yaml`` file + ``k=v`` words)."""
    yaml_path = None
    if yaml_text is not None:
        yaml_path = tmp_path / "c.yaml"
        yaml_path.write_text(yaml_text)
    partial = LazyEntrypoint(
        quantize, yaml=str(yaml_path) if yaml_path else None, overwrites=list(overrides)
    ).resolve()
    return fdl.build(partial).keywords


@pytest.fixture
def exported(monkeypatch: pytest.MonkeyPatch):
    """``register_with_nemo_run`` with cleanup of NeMo-Run's global catalogue."""
    monkeypatch.setattr(interop, "_ATTACHED", [])
    keys: list[tuple[str, str]] = []

    def export(*args: Any, **kwargs: Any) -> list[tuple[str, str]]:
        new = interop.register_with_nemo_run(*args, **kwargs)
        keys.extend(new)
        return new

    yield export
    for key in keys:
        catalogue.REGISTRY.pop(key, None)


def _needs(name: str) -> None:
    if name.partition("(")[0] not in recipekit.registry:
        pytest.skip(f"built-in factory {name!r} is not registered")


# ---------------------------------------------------------------------------- registered names

CLI_CASES = [
    # (NeMo-Run CLI word, recipekit source)
    ("recipe=fp8", "fp8"),
    ("recipe=nvfp4(block_size=32)", "nvfp4(block_size=32)"),
    ("recipe=configs_numerics_nvfp4(static=True)", "configs/numerics/nvfp4(static=True)"),
    ("recipe=model_fp8", "model/fp8"),
    ("recipe=FP8_KV_CFG", "FP8_KV_CFG"),
    ("recipe=general_ptq_fp8_default_kv_fp8", "general/ptq/fp8_default-kv_fp8"),
]


@pytest.mark.parametrize(("word", "source"), CLI_CASES, ids=[c[0] for c in CLI_CASES])
def test_cli_name_builds_what_recipekit_resolves(
    exported, tmp_path: Path, word: str, source: str
) -> None:
    _needs(source)
    exported()
    same(nemo_build(tmp_path, overrides=(word,))["recipe"], recipekit.resolve(source))


def test_yaml_factory_with_sibling_overrides(exported, tmp_path: Path) -> None:
    _needs("nvfp4")
    exported()
    text = "recipe:\n  _factory_: nvfp4(block_size=32)\n  axis: 0\nname: x\n"
    built = nemo_build(tmp_path, text)
    same(built["recipe"], recipekit.resolve({"_factory_": "nvfp4(block_size=32)", "axis": 0}))
    assert built["name"] == "x"


def test_list_factories_under_target_list(exported, tmp_path: Path) -> None:
    units = [
        e
        for e in recipekit.registry.entries("units")
        if e.signature is not None
        and all(
            p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
            for p in e.signature.parameters.values()
        )
        and isinstance(recipekit.resolve(e.qualified), list)
    ]
    if not units:
        pytest.skip("no built-in list factory registered")
    entry = units[0]
    exported(namespaces=["units"], target=list)
    built = nemo_build(tmp_path, overrides=(f"rules={interop.nemo_name(entry.name)}",))
    same(built["rules"], recipekit.resolve(entry.qualified))


def test_private_registry_and_call_syntax(exported, tmp_path: Path) -> None:
    registry = recipekit.Registry()

    @registry.factory(namespace="calib", name="calib/max-v2")
    def calib(size: int = 8, algo: str = "max", shape: tuple = (1, 2)) -> dict:
        return {"method": algo, "size": size, "shape": shape, "bits": {-1: 4}}

    keys = exported(registry, prefix="t_")
    assert ("builtins.dict", "t_calib_max_v2") in keys
    built = nemo_build(tmp_path, overrides=("recipe=t_calib_max_v2(size=16, algo=mse)",))
    same(built["recipe"], recipekit.resolve("calib/max-v2(size=16, algo='mse')", registry=registry))
    assert built["recipe"]["shape"] == (1, 2) and built["recipe"]["bits"] == {-1: 4}


def test_export_shows_the_reference_and_round_trips(exported, tmp_path: Path) -> None:
    _needs("fp8")
    exported()
    partial = LazyEntrypoint(quantize, overwrites=["recipe=fp8"]).resolve()
    text = ConfigSerializer().serialize_yaml(partial)
    assert "_target_: recipekit.interop.nemo_run.node" in text
    assert "factory: numerics:configs/numerics/fp8" in text or "factory: fp8" in text
    assert ConfigSerializer().deserialize_yaml(text) == partial


def test_name_collision_is_an_error(exported) -> None:
    registry = recipekit.Registry()
    registry.register(lambda: {}, name="a/b", namespace="x")
    registry.register(lambda: {}, name="a-b", namespace="x")
    with pytest.raises(ValueError, match="a_b"):
        exported(registry)


# ---------------------------------------------------------------------------- dotted paths


DOTTED = [
    (
        "recipe:\n  _target_: recipekit.interop.nemo_run.build\n  ref: nvfp4\n  block_size: 32\n",
        "nvfp4(block_size=32)",
    ),
    (
        "recipe:\n  _target_: recipekit.interop.nemo_run.node\n  factory: nvfp4(block_size=32)\n  axis: 0\n",
        {"_factory_": "nvfp4(block_size=32)", "axis": 0},
    ),
    (
        "recipe:\n  _target_: recipekit.interop.nemo_run.resolve\n  source: model/fp8\n"
        "  overrides: ['algorithm=smoothquant']\n",
        ("model/fp8", ["algorithm=smoothquant"]),
    ),
]


@pytest.mark.parametrize(("text", "source"), DOTTED, ids=["build", "node", "resolve"])
def test_dotted_path_without_registration(tmp_path: Path, text: str, source: Any) -> None:
    source, overrides = source if isinstance(source, tuple) else (source, [])
    _needs(source["_factory_"] if isinstance(source, dict) else source)
    expected = recipekit.resolve(source, overrides)
    same(nemo_build(tmp_path, text)["recipe"], expected)


def test_resolve_reads_a_recipekit_file(tmp_path: Path) -> None:
    _needs("nvfp4")
    recipe = tmp_path / "my_recipe.yaml"
    recipe.write_text("weights:\n  _factory_: nvfp4\n  axis: 0\nenable: true\n")
    text = f"recipe:\n  _target_: recipekit.interop.nemo_run.resolve\n  source: {recipe}\n  overrides: ['enable=false']\n"
    same(nemo_build(tmp_path, text)["recipe"], recipekit.resolve(recipe, ["enable=false"]))
