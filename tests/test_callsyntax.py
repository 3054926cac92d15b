"""Call syntax parsing: real Python literals, names with / - . :, references."""

from __future__ import annotations

import pytest

from recipekit.resolver.callsyntax import Call, Ref, parse_call
from recipekit.resolver.errors import BadArgumentError

CASES = [
    ("fp8", Call("fp8")),
    ("  fp8  ", Call("fp8")),
    ("nvfp4(block_size=32)", Call("nvfp4", (), {"block_size": 32}, True)),
    ("f(scale=2, act='a,b')", Call("f", (), {"scale": 2, "act": "a,b"}, True)),
    ("f(1, 'x', None, True)", Call("f", (1, "x", None, True), {}, True)),
    ("f(a=[1, {'k': -1}], b=(4, 3))", Call("f", (), {"a": [1, {"k": -1}], "b": (4, 3)}, True)),
    ("general/ptq/nvfp4_default-kv_fp8", Call("general/ptq/nvfp4_default-kv_fp8")),
    ("recipes:general/ptq/x-y(a=1.5)", Call("recipes:general/ptq/x-y", (), {"a": 1.5}, True)),
    ("f(act=tanh)", Call("f", (), {"act": Ref("tanh")}, True)),
    ("f()", Call("f", (), {}, True)),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_parse(text: str, expected: Call) -> None:
    assert parse_call(text) == expected


def test_nested_call_is_a_reference() -> None:
    call = parse_call("f(fmt=nvfp4(block_size=32))")
    ref = call.kwargs["fmt"]
    assert isinstance(ref, Ref) and ref.call == Call("nvfp4", (), {"block_size": 32}, True)


@pytest.mark.parametrize(
    "text", ["f(1, 2", "f(x=open)(", "f(**kw)", "f(x=1+)", "bad name(x=1)", "", "f(x=a[0])", 3]
)
def test_bad_syntax(text: object) -> None:
    with pytest.raises(BadArgumentError):
        parse_call(text)  # type: ignore[arg-type]


def test_str_round_trips() -> None:
    for text, _ in CASES:
        call = parse_call(text)
        assert parse_call(str(call)) == call
