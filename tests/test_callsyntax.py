"""Call syntax parsing: real Python literals, names with / - . :, references."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import recipekit
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


_good = st.sampled_from(
    ["1", "-2", "0", "1.5", "-0.0", "True", "None", "x", "a.b", "'a b'", '"b"', "''", "'é'"]
)
_bad = st.sampled_from(["01", "1e3", "1_0", "if", "lambda", "True.x", "a.", "'a,b'", "*a", ""])
_piece = st.one_of(
    _good, _good, _good, _bad, st.text(alphabet="ab1_.'\" =-\t\\é\x00\x0b", max_size=6)
)
_key = st.one_of(
    st.sampled_from(["", "{}=", "{} = ", "{}\t=\t"]),
    st.sampled_from(["if=", "__debug__=", "é=", "{}==", "1=", "k=", "k="]),
)
_arg = st.tuples(_key, _piece)


@given(st.lists(_arg, max_size=4), st.sampled_from(["", " ", ","]))
def test_the_simple_path_reads_what_python_s_parser_reads(args: list, tail: str) -> None:
    """The parser-free path answers exactly what the ``ast`` path answers, or leaves it."""
    from recipekit.resolver.callsyntax import _python_call, _simple

    ordered = sorted(args, key=lambda a: bool(a[0]))  # mostly positional before keyword
    pieces = [k.format(f"k{i}") + v for i, (k, v) in enumerate(ordered if len(args) % 2 else args)]
    inner = ", ".join(pieces) + tail
    fast = _simple("f", inner)
    try:
        slow = _python_call("f", inner + ")", f"f({inner})")
    except BadArgumentError:
        assert fast is None
        return
    if fast is not None:
        assert fast == slow and [type(a) for a in fast.args] == [type(a) for a in slow.args]
        assert [type(v) for v in fast.kwargs.values()] == [type(v) for v in slow.kwargs.values()]


@pytest.mark.parametrize(
    "text", ["nvfp4(block_size=32, kind='static')", "pair('*mlp*', fmt=fp8)", "f(1, -2.5, None)"]
)
def test_common_calls_take_the_simple_path(text: str) -> None:
    from recipekit.resolver.callsyntax import _simple

    name, _, rest = text.partition("(")
    assert _simple(name, rest[:-1]) == parse_call(text)


# -- hardening (issue 10): exactly NAME(literal args), errors with the column -----------------
@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("f(1) + f(2)", 5, "text after the call"),
        ("f(1)(5)", 5, "a call of a call"),
        ("g(**z)", 3, "'**'"),
        ("g(a=h(**z))", 7, "'**'"),
        ("g(*z)", 3, "'*'"),
        ("g([*z])", 4, "'*'"),
        ("g({**z})", 3, "'**'"),
        ("f({[1]: 2})", 4, "unhashable dict key"),
        ("f({[1]})", 4, "unhashable set item"),
        ("f(x={g(): 1})", 6, "unhashable dict key"),
        ("f(a=g(1)(2))", 5, "only a factory name may be called"),
        ("  f(1) + f(2)", 7, "text after the call"),
        ("ns:general/x-y(1)(2)", 18, "a call of a call"),
        ("f(1", 4, "missing ')'"),
    ],
)
def test_only_literal_calls_parse(text: str, column: int, fragment: str) -> None:
    from recipekit.resolver.errors import CallSyntaxError

    with pytest.raises(CallSyntaxError, match=re.escape(fragment)) as info:
        parse_call(text)
    assert f"at column {column}:" in str(info.value)


@pytest.mark.parametrize(
    ("text", "args", "kwargs"),
    [  # positive controls
        ("f(1, b='x,y')", (1,), {"b": "x,y"}),
        ("f({1: [2], 'k': (3,)})", ({1: [2], "k": (3,)},), {}),
        ("f(s={1, 2})", (), {"s": {1, 2}}),
    ],
)
def test_literal_calls_still_parse(text: str, args: tuple, kwargs: dict) -> None:
    call = parse_call(text)
    assert (call.name, call.args, call.kwargs) == ("f", args, kwargs)


def test_call_of_a_call_in_a_document_is_reported_not_applied(reg: recipekit.Registry) -> None:
    with pytest.raises(BadArgumentError, match="a call of a call"):
        recipekit.resolve("x: {_factory_: 'fp8()(5)'}", registry=reg)
