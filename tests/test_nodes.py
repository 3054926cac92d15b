"""What a mapping means: factory node, target node, or data."""

from __future__ import annotations

import pytest

from recipekit.resolver import nodes


@pytest.mark.parametrize(
    ("mapping", "kind"),
    [
        ({"_factory_": "f"}, "factory"),
        ({"_factory_": "f", "x": 1}, "factory"),
        ({"_target_": "m.f", "_partial_": True}, "target"),
        ({"a": 1}, None),
        ({}, None),
        ({"_partial_": True}, None),
    ],
)
def test_kind(mapping: dict, kind: str | None) -> None:
    assert nodes.kind(mapping) == kind
    assert nodes.is_node(mapping) is (kind is not None)


def test_siblings_are_the_non_reserved_keys() -> None:
    node = {"_target_": "m.f", "_partial_": True, "_args_": [1], "_call_": False, "a": 1, "b": 2}
    assert nodes.siblings(node) == {"a": 1, "b": 2}


@pytest.mark.parametrize("value", [[], "x", 3, None])
def test_non_mappings_are_not_nodes(value: object) -> None:
    assert not nodes.is_node(value)
