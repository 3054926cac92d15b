"""Fuzzing the public surface: only ``RecipekitError`` may escape, and nothing hangs.

Random YAML text, documents with reserved keys in odd places, random call-syntax and override
strings go through ``resolve``, ``load``, ``dump`` (every form and format), ``explain``,
``check`` and the CLI entry point (``recipekit.cli.main``, in-process). Each call runs under a
wall-clock bound (``_bounded``): a call that takes longer fails the test, as does any exception
other than ``RecipekitError`` (the CLI must return 0, 1 or 2 and never raise).

The suite runs ``RECIPEKIT_FUZZ_EXAMPLES`` examples in total (default 2,000, split over the
tests below by weight); for a long run::

    RECIPEKIT_FUZZ_EXAMPLES=20000 python -m pytest tests/test_fuzz.py -q -p no:warnings

Imports are allowed for ``math`` only, and the names a document may ask for are harmless, so
a bug in the import rule cannot run anything dangerous here.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import recipekit
from recipekit.cli import main
from recipekit.resolver.callsyntax import parse_call
from recipekit.resolver.errors import RecipekitError

TOTAL = int(os.environ.get("RECIPEKIT_FUZZ_EXAMPLES", "2000"))
BOUND_S = float(os.environ.get("RECIPEKIT_FUZZ_BOUND_S", "10"))
ALLOW = ["math"]
FORMS = ("expanded", "annotated", "factory", "nemo-run")
FORMATS = ("yaml", "json")
WORKDIR = Path(tempfile.mkdtemp(prefix="recipekit-fuzz-"))
atexit.register(shutil.rmtree, WORKDIR, True)
(WORKDIR / "inc.yaml").write_text("a: 1\nb: {c: [1, 2]}\nn: '@inc2.yaml'\n")
(WORKDIR / "inc2.yaml").write_text("x: ${oc.env:RECIPEKIT_FUZZ_UNSET,dflt}\n")
(WORKDIR / "loop.yaml").write_text("me: '@loop.yaml'\n")
(WORKDIR / "n.json").write_text('{"lr": 1e-05, "k": [1, true, null]}')
os.mkfifo(WORKDIR / "p.yaml")  # reading it would block forever
os.symlink("/dev/zero", WORKDIR / "z.yaml")  # reading it would never end
os.symlink("/etc", WORKDIR / "etc")  # a way out of the root


def _examples(weight: float) -> settings:
    return settings(
        max_examples=max(1, int(TOTAL * weight)),
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


class _Hung(BaseException):
    """Raised by the alarm: a BaseException, so no ``except Exception`` can swallow it."""


@contextlib.contextmanager
def _bounded(what: str) -> Iterator[None]:
    def alarm(signum: int, frame: Any) -> None:
        raise _Hung(f"{what} took longer than {BOUND_S} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, BOUND_S)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call(what: str, func: Callable[[], Any]) -> Any:
    """``func()`` within the bound; a ``RecipekitError`` is an answer (None), anything else fails."""
    with _bounded(what):
        try:
            return func()
        except RecipekitError as exc:
            assert str(exc)  # every error renders
            return None


def _cli(*argv: str) -> int:
    out, err = io.StringIO(), io.StringIO()
    with (
        _bounded("cli " + " ".join(argv)[:80]),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 2
    assert code in (0, 1, 2), (argv, code)
    assert "Traceback" not in err.getvalue()
    return code


# ------------------------------------------------------------------------------- strategies
NAMES = [
    "fp8", "kv_fp8", "nvfp4", "nvfp4(block_size=32)", "base_disable_all", "nope",
    "general/ptq/fp8_default-kv_fp8", "math.sqrt", "math.pi", "math.fabs", "math.__loader__",
    "os.getcwd", "recipekit.resolver.document.os.getcwd", "recipekit.__builtins__", "math.sqrt(4)",
    "fp8(1)(2)", "fp8() + fp8()", "nvfp4(**{})", "nvfp4(block_size={[1]: 2})",
]  # fmt: skip
STRINGS = [
    "@inc.yaml", "@inc.yaml:b", "@inc.yaml:b.c", "@loop.yaml", "@n.json", "@nope.yaml",
    "@~/x.yaml", "@/etc/hosts.yaml", "@../x.yaml", "${a}", "${.a}", "${b.c}", "${oc.env:HOME}",
    "x${a}y${a}", "\\${a}", "${", "}", "e4m3", "*lm_head*", "a\nb", "", "=", "~",
    "@p.yaml", "@z.yaml", "@etc/hosts.yaml", "@t.yaml", "@c.yaml", "${x}${x}${x}", "${x.0}",
]  # fmt: skip
KEYS = ["_factory_", "_target_", "_partial_", "_call_", "_args_", "a", "b", "c", "x", "num_bits",
        1, -1, None, True, 2.5]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, width=32),
    st.sampled_from(NAMES + STRINGS),
    st.text(max_size=12),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(KEYS), inner, max_size=5),
    ),
    max_leaves=20,
)


@st.composite
def deep(draw: st.DrawFn) -> Any:
    """Data nested around the depth limit, with a reserved key or a reference at the bottom."""
    value: Any = draw(st.sampled_from([1, "${a}", {"_factory_": "fp8"}, "@inc.yaml", []]))
    for _ in range(draw(st.integers(200, 300))):
        value = [value] if draw(st.booleans()) else {"a": value}
    return value


path_steps = st.sampled_from(["a", "b", "c", "0", "-1", "x", "quantize", "quant_cfg", "[0]",
                              "[a=1]", "[quantizer_name=*]", "[", "]", "", "num_bits"])  # fmt: skip
ops = st.sampled_from(["=", "+=", "-=", "*=", "/=", ""])
values = st.one_of(
    st.sampled_from(
        [
            "1",
            "-1",
            "x",
            "[1, 2]",
            "{a: 1}",
            "null",
            "!!int",
            "!!python/name:os.x",
            "{_factory_: fp8}",
            "@inc.yaml",
            "1000000000",
            "'s'",
            "[",
            "${a}",
        ]
    ),
    st.text(max_size=10),
)


@st.composite
def overrides(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(["", "", "+", "~"]))
    steps = draw(st.lists(path_steps, min_size=1, max_size=4))
    path = ".".join(steps).replace(".[", "[")
    return prefix + path + draw(ops) + draw(values)


@st.composite
def call_texts(draw: st.DrawFn) -> str:
    name = draw(st.sampled_from(["fp8", "nvfp4", "math.sqrt", "x", "a.b", "g/h-i", ""]))
    body = draw(
        st.lists(
            st.sampled_from(
                [
                    "1",
                    "'a,b'",
                    "x=1",
                    "**z",
                    "*z",
                    "{[1]: 2}",
                    "{1, [2]}",
                    "f(1)",
                    "(",
                    ")",
                    "[",
                    "]",
                    "{",
                    "}",
                    ",",
                    "=",
                    " + ",
                    "None",
                    "block_size=32",
                    "g(**z)",
                    "1e999",
                    "'",
                    "\\x00",
                    "lambda: 1",
                ]
            ),
            max_size=6,
        )
    )
    tail = draw(st.sampled_from([")", "", ")(5)", ") + f(2)", "))"]))
    return f"{name}({''.join(body)}{tail}"


YAML_BITS = [
    "a: ", "b:\n  - ", "- ", "{", "}", "[", "]", ", ", ": ", "!!int ", "!!map ", "!!str ",
    "!!python/object/apply:os.getcwd ", "!custom ", "&x ", "*x ", "<<: ", "? ", "|\n  ", "'",
    '"', "#", "\n", "  ", "_factory_: ", "_target_: ", "_partial_: ", "_call_: ", "_args_: ",
    "fp8", "math.sqrt", "${a}", "@inc.yaml", "1e-05", "9" * 30, "true", "null", "~", "\t",
]  # fmt: skip
yaml_texts = st.one_of(
    st.lists(st.sampled_from(YAML_BITS), max_size=16).map("".join),
    st.text(max_size=60),
)


# ------------------------------------------------------------------------------- the surface
def _everything(source: Any, ovs: list[str], path: str = "a") -> None:
    """resolve, dump in every form and format, explain and (for text) check one source."""
    res = _call("resolve_full", lambda: recipekit.resolve_full(
        source, ovs, allow_imports=ALLOW, record=True, base_dir=str(WORKDIR)))  # fmt: skip
    if res is not None:
        for form in FORMS:
            for fmt in FORMATS:
                _call(f"dump {form} {fmt}", lambda f=form, t=fmt: recipekit.dump(res, f, t))
        _call("explain", lambda: recipekit.explain(res, path))
    _call("resolve", lambda: recipekit.resolve(source, ovs, allow_imports=ALLOW))
    _call("dump plain", lambda: recipekit.dump(source))
    if isinstance(source, str) and "\n" in source:  # the check pass, through the CLI
        file = WORKDIR / "e.yaml"
        file.write_text(source, encoding="utf-8", errors="surrogatepass")
        _cli("check", str(file), "--allow-import", "math")


@pytest.fixture(autouse=True)
def _in_workdir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(WORKDIR)  # includes resolve inside the fuzz folder


@_examples(0.25)
@given(text=yaml_texts, ovs=st.lists(overrides(), max_size=2))
def test_random_yaml_text(text: str, ovs: list[str]) -> None:
    _everything(text, ovs)
    file = WORKDIR / "t.yaml"
    file.write_text(text, encoding="utf-8", errors="surrogatepass")
    _call("load", lambda: recipekit.load(file))
    _cli("check", str(file), "--allow-import", "math")


@_examples(0.25)
@given(doc=documents, ovs=st.lists(overrides(), max_size=3), path=st.text(max_size=8))
def test_documents_with_reserved_keys_in_odd_places(doc: Any, ovs: list[str], path: str) -> None:
    _everything(doc, ovs, path)
    text = _call("dump doc", lambda: recipekit.dump(doc))
    if text is not None:
        _everything(text, ovs, path)


@_examples(0.05)
@given(doc=deep(), ovs=st.lists(overrides(), max_size=1))
def test_data_near_the_depth_limit(doc: Any, ovs: list[str]) -> None:
    _everything(doc, ovs)
    text = _call("dump deep", lambda: recipekit.dump(doc))
    if text is not None:
        _everything(text, ovs)


@_examples(0.15)
@given(text=call_texts())
def test_random_call_syntax(text: str) -> None:
    _call("parse_call", lambda: parse_call(text))
    _everything({"x": {"_factory_": text}}, [])
    _cli("resolve", text)


@_examples(0.15)
@given(ovs=st.lists(overrides(), min_size=1, max_size=3))
def test_random_overrides(ovs: list[str]) -> None:
    _everything("a: 1\nb: {c: [1, {d: x}]}\nquantize: {_factory_: kv_fp8}\n", ovs)
    _call("explain", lambda: recipekit.explain(recipekit.resolve_full("fp8", record=True), ovs[0]))


@_examples(0.15)
@given(
    text=yaml_texts,
    ovs=st.lists(overrides(), max_size=2),
    form=st.sampled_from(FORMS),
    fmt=st.sampled_from(FORMATS),
    command=st.sampled_from(["resolve", "explain", "check", "diff", "convert", "show", "list"]),
)
def test_cli_entry_point(text: str, ovs: list[str], form: str, fmt: str, command: str) -> None:
    file = WORKDIR / "c.yaml"
    file.write_text(text, encoding="utf-8", errors="surrogatepass")
    argv = {
        "resolve": ["resolve", str(file), *ovs, "--form", form, "--format", fmt],
        "explain": ["explain", str(file), ovs[0] if ovs else "a", *ovs[1:]],
        "check": ["check", str(file)],
        "diff": ["diff", str(file), "fp8", *ovs],
        "convert": ["convert", str(file)],
        "show": ["show", text[:20] or "fp8"],
        "list": ["list", text[:10]] if text[:10].strip() else ["list"],
    }[command]
    _cli(*argv, "--allow-import", "math")
