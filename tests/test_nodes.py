"""What a mapping means: factory node, target node, or data."""

from __future__ import annotations

import pytest

import recipekit
from recipekit.resolver import nodes
from recipekit.resolver.errors import BlockedImportError, RecipekitError


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


# -- hardening (issue 10) ------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "allow", "expected"),
    [
        ("recipekit.resolver", ["recipekit"], True),
        ("recipekit", ["recipekit"], True),
        ("recipekit_evil", ["recipekit"], False),  # dot boundary
        ("recipekit.resolver", ["recipekit."], True),  # trailing dot ignored
        ("math", "math", True),  # a lone string is one prefix...
        ("m", "math", False),  # ...not its characters
        ("re", "recipekit", False),
        ("anything", True, True),
        ("anything", ["*"], True),
        ("math", (), False),
        ("math", ["", "."], False),
    ],
)
def test_module_allowed(name: str, allow: object, expected: bool) -> None:
    assert nodes.module_allowed(name, allow) is expected  # type: ignore[arg-type]


LEAKS = [
    # (target, allow, fragment of the error)
    (
        "recipekit.resolver.document.os.system",
        ["recipekit"],
        "the module 'os', imported from elsewhere",
    ),
    ("recipekit.resolver.document.os.environ", ["recipekit"], "imported from elsewhere"),
    ("recipekit.resolver.yamlio.yaml.unsafe_load", ["recipekit"], "the module 'yaml'"),
    ("recipekit.resolver.nodes.importlib.import_module", ["recipekit"], "module 'importlib'"),
    ("recipekit.resolver.document.Any", ["recipekit"], "defined in 'typing'"),
    ("recipekit.__builtins__", ["recipekit"], "dunder"),
    ("recipekit.resolver.document.read_yaml.__globals__", ["recipekit"], "dunder"),
    ("math.__loader__", ["math"], "dunder"),
    ("os.system", ["recipekit"], "no module of 'os.system' is under an allowed prefix"),
    ("recipekit_evil.run", ["recipekit"], "under an allowed prefix"),
    ("math.floor", ["math.sqrt"], "under an allowed prefix"),  # an object prefix is exact
    ("math.sqrt.__self__", ["math.sqrt"], "dunder"),
    (
        "recipekit.resolver.document.os.system",
        ["recipekit.resolver.document.os"],
        "the module 'os'",
    ),
    ("builtins.eval", True, None),  # allowed: '*' widens to everything...
    ("builtins.__import__", True, "dunder"),  # ...but never to dunder steps
]


@pytest.mark.parametrize(("target", "allow", "fragment"), LEAKS)
def test_import_rule_blocks_every_leak(target: str, allow: object, fragment: str | None) -> None:
    if fragment is None:
        assert callable(nodes.import_callable(target, allow))  # type: ignore[arg-type]
        return
    with pytest.raises(BlockedImportError) as info:
        nodes.import_callable(target, allow)  # type: ignore[arg-type]
    text = str(info.value)
    assert fragment in text
    assert "--allow-import" in text and "allowed prefix" in text  # names the rule and the flag


@pytest.mark.parametrize(
    ("doc", "allow"),
    [
        (
            "x: {_target_: recipekit.resolver.document.os.system, _args_: ['echo pwned']}",
            ["recipekit"],
        ),
        ("x: {_target_: recipekit.resolver.document.os.environ, _call_: false}", ["recipekit"]),
        ("x: {_factory_: \"recipekit.resolver.document.os.system('echo pwned')\"}", ["recipekit"]),
        ("x: {_target_: recipekit.__builtins__}", ["recipekit"]),
        ("x: {_target_: os.system, _args_: [echo]}", ()),
    ],
)
def test_documents_cannot_reach_imported_modules(doc: str, allow: object) -> None:
    with pytest.raises(RecipekitError, match="not allowed"):
        recipekit.resolve(doc, allow_imports=allow)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("doc", "allow", "expected"),
    [  # positive controls: the legitimate uses keep working
        ("x: {_target_: math.sqrt, _args_: [16]}", ["math"], {"x": 4.0}),
        ("x: {_factory_: 'math.sqrt(9)'}", ["math"], {"x": 3.0}),
        ("x: {_target_: math.pi, _call_: false}", ["math"], {"x": 3.141592653589793}),
        ("x: {_target_: os.path.join, _args_: [a, b]}", ["os.path"], {"x": "a/b"}),
        ("x: {_target_: math.sqrt, _args_: [4]}", ["math.sqrt"], {"x": 2.0}),  # an object prefix
        (
            "x: {_target_: recipekit.resolver.errors.format_path, _args_: [[a, 1]]}",
            ["recipekit"],
            {"x": "a[1]"},
        ),
    ],
)
def test_allowed_imports_still_work(doc: str, allow: object, expected: object) -> None:
    assert recipekit.resolve(doc, allow_imports=allow) == expected  # type: ignore[arg-type]


def test_blocked_import_is_reported_with_its_location() -> None:
    with pytest.raises(BlockedImportError) as info:
        recipekit.resolve(
            "a: 1\nx: {_target_: recipekit.resolver.document.os.getcwd}\n",
            allow_imports=["recipekit"],
        )
    assert str(info.value.mark) == "<string>:2:15"
