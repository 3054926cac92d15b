"""The reserved keys: NeMo-Run's spellings, and none of them survives into resolved data."""

from __future__ import annotations

import recipekit
from recipekit.resolver import keys


def test_spellings_match_nemo_run_and_hydra() -> None:
    assert (keys.FACTORY, keys.TARGET, keys.PARTIAL, keys.CALL, keys.ARGS) == (
        "_factory_",
        "_target_",
        "_partial_",
        "_call_",
        "_args_",
    )
    assert {keys.FACTORY, keys.TARGET, keys.PARTIAL, keys.CALL, keys.ARGS} == keys.RESERVED


def test_no_reserved_key_survives_resolution(reg: recipekit.Registry) -> None:
    text = (
        "a: {_factory_: nvfp4, block_sizes: {type: static}}\n"
        "b: [{_factory_: pair}]\n"
        "c: {_target_: tests.conftest.Encoder, depth: 3}\n"
    )
    data = recipekit.resolve(text, registry=reg, allow_imports=["tests.conftest"])

    def walk(value: object) -> None:
        if isinstance(value, dict):
            assert not set(value) & keys.RESERVED
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(data)


def test_file_suffixes_and_markers() -> None:
    assert keys.INCLUDE_PREFIX == "@" and keys.INTERPOLATION_OPEN == "${" and keys.ESCAPE == "\\"
    assert keys.INCLUDE_SUFFIXES == (".yaml", ".yml", ".json")
