"""Shared fixtures: a private registry with a few small factories, and the reference folder."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from recipekit import Registry

REFERENCE = Path(
    os.environ.get(
        "RECIPEKIT_REFERENCE", Path(__file__).resolve().parents[1] / ".." / "shared" / "reference"
    )
)


@dataclasses.dataclass
class Encoder:
    dropout: float = 0.1
    depth: int = 2


@dataclasses.dataclass
class Model:
    hidden: int = 4
    layers: int = 2
    encoder: Encoder | None = None


def make_registry() -> Registry:
    reg = Registry()

    @reg.factory(namespace="numerics")
    def fp8() -> dict:
        """Per-tensor FP8."""
        return {"num_bits": (4, 3), "axis": None}

    @reg.factory(namespace="numerics", aliases=("configs/numerics/nvfp4",))
    def nvfp4(block_size: int = 16, kind: str = "dynamic") -> dict:
        """NVFP4 attributes."""
        return {
            "num_bits": (2, 1),
            "block_sizes": {-1: block_size, "type": kind, "scale_bits": (4, 3)},
        }

    @reg.factory(namespace="units")
    def base_disable_all() -> dict:
        return {"quantizer_name": "*", "enable": False}

    @reg.factory(namespace="units")
    def pair(pattern: str = "*", fmt: dict | None = None) -> list:
        cfg = fmt if fmt is not None else {"num_bits": 8, "axis": None}
        return [
            {"quantizer_name": f"{pattern}weight_quantizer", "cfg": dict(cfg)},
            {"quantizer_name": f"{pattern}input_quantizer", "cfg": dict(cfg)},
        ]

    @reg.factory(namespace="models")
    def small_model(scale: int = 1) -> Model:
        return Model(hidden=4 * scale)

    @reg.factory(namespace="models")
    def deep_encoder() -> Encoder:
        return Encoder(dropout=0.0, depth=8)

    @reg.factory(namespace="models")
    def with_encoder() -> Model:
        return Model(encoder=Encoder())

    @reg.factory(namespace="models")
    def tags(a: str = "x,y") -> list:
        return a.split(",")

    shared = {"k": [1, 2]}

    @reg.factory(namespace="other")
    def cached() -> dict:
        return shared

    @reg.factory(namespace="other")
    def boom() -> dict:
        raise ValueError("boom inside")

    return reg


@pytest.fixture
def reg() -> Registry:
    return make_registry()


@pytest.fixture
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"reference material not found at {REFERENCE}")
    return REFERENCE


# In CI (RECIPEKIT_REQUIRE_PEERS=1) a test that skips because a peer or the reference folder is
# missing fails instead: a skipped oracle check must never pass for a green build.
_PEER_SKIPS = (
    "could not import 'modelopt",
    "could not import 'nemo_run",
    "reference material not found",
    "modelopt_recipes",
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("RECIPEKIT_REQUIRE_PEERS") == "1":
        reason = str(report.longrepr)
        if any(fragment in reason for fragment in _PEER_SKIPS):
            report.outcome = "failed"
            report.longrepr = f"RECIPEKIT_REQUIRE_PEERS=1 but the test skipped: {reason}"
