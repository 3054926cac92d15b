"""nemo_run 0.11.1 compatibility: every vector in the reference set, judged against recipekit.

The vectors (``shared/reference/nemo_run-0.11.1/vectors``) record what nemo_run itself produced.
``EXPECT`` below decides, for every vector id, one of:

* **matched** — recipekit resolves the same input to the same data (nemo_run's built
  ``functools.partial`` keywords, dataclasses rendered with all fields) or fails in the same
  error category;
* **improved** — recipekit deliberately does better (a nemo_run bug or limitation); the test
  asserts recipekit's behaviour;
* **n/a** — the behaviour belongs to a part of nemo_run recipekit does not have (entry-point
  type annotations, fiddle buildables, serialization of buildables, ...); skipped with the reason.

How a vector becomes recipekit input (``Case.nemo_input``): the vector's files are written to a
temporary cwd; its ``--yaml`` file (or inline text) is the source; nemo_run CLI values for
dataclass-typed parameters (``model=small_model``, ``models=[a, b()]``) are nemo_run's spelling of
``{_factory_: ...}`` and are merged into the document as such (CLI non-dotted keys first, YAML
siblings kept, as nemo_run does); ``@file`` CLI values become ``"@file"`` include values; all
other CLI words are recipekit overrides (``+`` added where nemo_run sets an entry-point parameter
the document does not contain yet). ``--factory NAME`` is the source ``NAME``.

The factories are ``tests/_vecdefs.py`` (recipekit's restatement of ``vecdefs.py``) in a private
``recipekit.Registry``; ``vecdefs`` is aliased to that module so ``_target_: vecdefs.X`` imports it.
nemo_run itself is never imported here.
"""

from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import os
import re
import subprocess
import sys
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

import recipekit

try:  # tests/ is not a package; pytest puts it on sys.path (rootdir-relative imports also work)
    import _vecdefs as vd
except ImportError:  # pragma: no cover
    from tests import _vecdefs as vd

REFERENCE = Path(
    os.environ.get(
        "RECIPEKIT_REFERENCE",
        Path(__file__).resolve().parents[1] / ".." / "shared" / "reference",
    )
)
VECTORS = REFERENCE / "nemo_run-0.11.1" / "vectors"
ALLOW = ("vecdefs",)
FACTORY, TARGET, PARTIAL = "_factory_", "_target_", "_partial_"


# ---------------------------------------------------------------------------- rendering


def render(value: Any) -> Any:
    """recipekit data in the vectors' ``built`` notation (dataclasses with all fields)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: render(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__type__": f"vecdefs.{type(value).__qualname__}", **fields}
    if isinstance(value, functools.partial):
        return {
            "__functools_partial__": f"vecdefs.{value.func.__qualname__}",
            "args": [render(a) for a in value.args],
            "keywords": {k: render(v) for k, v in value.keywords.items()},
        }
    if isinstance(value, dict):
        return {k: render(v) for k, v in value.items()}
    if isinstance(value, list):
        return [render(v) for v in value]
    if isinstance(value, tuple):
        return {"__tuple__": [render(v) for v in value]}
    return value


def canon(value: Any) -> str:
    """Type-strict comparison text: ``1`` != ``1.0`` != ``True``; key order ignored."""
    return json.dumps(value, sort_keys=True, default=repr)


def plain_tree(tree: Any) -> Any:
    """nemo_run's ``config_tree`` without buildable markers: the explicitly set values."""
    if isinstance(tree, dict):
        return {k: plain_tree(v) for k, v in tree.items() if not k.startswith("__")}
    if isinstance(tree, list):
        return [plain_tree(v) for v in tree]
    return tree


# ---------------------------------------------------------------------------- CLI translation

_CLI_WORD = re.compile(r"^([^=]+?)([*+\-/]?=)(.*)$", re.S)
_FACTORY_WORD = re.compile(r"^\s*[\w.]+\s*(\(.*\))?\s*$", re.S)


def _core(annotation: Any) -> Any:
    """``Optional[X]`` / ``X | None`` -> ``X``; ``list[X]`` -> ``X``."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = args[0] if len(args) == 1 else annotation
    if typing.get_origin(annotation) is list:
        annotation = _core(typing.get_args(annotation)[0])
    return annotation


def _annotation(entrypoint: Callable[..., Any], path: list[str]) -> Any:
    """The annotation nemo_run uses for a dotted CLI key (None if it has none)."""
    hints = typing.get_type_hints(entrypoint)
    params = inspect.signature(entrypoint).parameters
    head = path[0].split("[")[0]
    if head in params:
        annotation = hints.get(head)
    else:
        varkw = [p for p in params.values() if p.kind is p.VAR_KEYWORD]
        annotation = hints.get(varkw[0].name) if varkw else None
    for step in path[1:]:
        owner = _core(annotation)
        if not (dataclasses.is_dataclass(owner) and isinstance(owner, type)):
            return None
        annotation = typing.get_type_hints(owner).get(step.split("[")[0])
    return annotation


def _is_class_typed(entrypoint: Callable[..., Any], path: list[str]) -> bool:
    owner = _core(_annotation(entrypoint, path))
    return dataclasses.is_dataclass(owner) and isinstance(owner, type)


def _split_top(text: str) -> list[str]:
    """``"a, b(x=1,y=2),"`` -> ``["a", "b(x=1,y=2)"]`` (commas inside brackets kept)."""
    items, depth, current = [], 0, ""
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    items.append(current.strip())
    return [i for i in items if i]


def _factory_value(text: str) -> Any:
    """nemo_run factory spelling -> recipekit node(s); None when ``text`` is not one."""
    stripped = text.strip()
    if stripped.startswith("[") and stripped.endswith("]"):
        items = _split_top(stripped[1:-1])
        if items and all(_FACTORY_WORD.match(i) for i in items):
            return [{FACTORY: i} for i in items]
        return None
    return {FACTORY: stripped} if _FACTORY_WORD.match(stripped) else None


def _put(tree: dict, path: list[str], value: Any) -> None:
    node = tree
    for step in path[:-1]:
        node = node.setdefault(step, {})
    node[path[-1]] = value


def _merge_cli(doc: dict, cli: dict) -> dict:
    """CLI assignments over a YAML document, the way nemo_run orders them (non-dotted CLI keys
    first, YAML dotted keys after): a CLI factory replaces the YAML factory/target, the YAML
    siblings still apply."""
    out = dict(doc)
    for key, value in cli.items():
        current = out.get(key)
        if isinstance(value, dict) and FACTORY in value:
            kept = (
                {k: v for k, v in current.items() if k not in (FACTORY, TARGET, PARTIAL)}
                if isinstance(current, dict)
                else {}
            )
            children = {k: v for k, v in value.items() if k != FACTORY}
            out[key] = _merge_cli({FACTORY: value[FACTORY], **kept}, children)
        elif isinstance(value, dict) and isinstance(current, dict):
            out[key] = _merge_cli(current, value)
        else:
            out[key] = value
    return out


def _exists(data: Any, path: list[str]) -> tuple[bool, bool]:
    """(parent exists, leaf exists) for a plain dotted path in resolved data."""
    node = data
    for i, step in enumerate(path):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif dataclasses.is_dataclass(node) and step in {f.name for f in dataclasses.fields(node)}:
            node = getattr(node, step)
        else:
            return i == len(path) - 1, False
    return True, True


def _safe_load(source: Path | str) -> Any:
    """The document as data, for merging CLI words into it (None if unreadable: recipekit then
    reads the source itself and reports the problem)."""
    try:
        return yaml.safe_load(source.read_text() if isinstance(source, Path) else source)
    except (OSError, yaml.YAMLError):
        return None


def _flow(value: Any) -> str:
    """``value`` as one-line YAML (an override's VALUE)."""
    return (
        yaml.safe_dump(value, default_flow_style=True, width=10**6)
        .strip()
        .removesuffix("\n...")
        .strip()
    )


def _operator_keys(doc: dict, prefix: str = "") -> tuple[dict, list[tuple[str, str, str]]]:
    """Split nemo_run's operator keys (``epochs+=: 2``) out of a document, as override words."""
    out, found = {}, []
    for key, value in doc.items():
        match = re.match(r"^(.*?)([*+\-/])=$", key) if isinstance(key, str) else None
        if match:
            found.append((prefix + match.group(1), match.group(2) + "=", _flow(value)))
        elif isinstance(value, dict):
            out[key], inner = _operator_keys(value, f"{prefix}{key}.")
            found.extend(inner)
        else:
            out[key] = value
    return out, found


# ---------------------------------------------------------------------------- one vector


@dataclass
class Case:
    vector: dict
    cwd: Path
    registry: recipekit.Registry

    @property
    def result(self) -> dict:
        return self.vector.get("result") or {}

    @property
    def built(self) -> Any:
        return self.result["built"]["keywords"]

    @property
    def entrypoint(self) -> Callable[..., Any]:
        return getattr(vd, self.vector["entrypoint"].rsplit(".", 1)[1])

    def resolve(self, source: Any, overrides: typing.Sequence[str] = ()) -> Any:
        return recipekit.resolve(
            source, list(overrides), registry=self.registry, allow_imports=ALLOW
        )

    def error(self, source: Any, overrides: typing.Sequence[str] = ()) -> recipekit.RecipekitError:
        with pytest.raises(recipekit.RecipekitError) as info:
            self.resolve(source, overrides)
        return info.value

    # -- nemo_run input -> recipekit input ----------------------------------------------------
    def nemo_input(self) -> tuple[Any, list[str]]:
        """The vector's input in recipekit's spelling: ``(source, overrides)``."""
        vec = self.vector
        source: Any = None
        doc: Any = None  # the source as data, when CLI words must be merged into it
        if vec.get("yaml"):
            text = vec["yaml"]
            if text.lower().endswith((".yaml", ".yml", ".json", ".toml")):
                source = self.cwd / text
                doc = _safe_load(source)
            else:
                source, doc = text, _safe_load(text)
        factory = vec.get("cli_factory")
        if factory and factory.startswith("@"):
            source = self.cwd / factory[1:]
            doc = _safe_load(source)
        elif factory and source is None:
            source, doc = factory, {FACTORY: factory}
        elif factory and isinstance(doc, dict) and FACTORY not in doc:
            source = doc = {FACTORY: factory, **doc}  # a root _factory_ in the file wins (v18)

        words: list[tuple[str, str, str] | str] = []
        if isinstance(doc, dict):  # YAML keys may carry an operator: `epochs+=: 2` (v36)
            stripped, found = _operator_keys(doc)
            if found:
                source = doc = stripped
                words.extend(found)
        cli_words: list[tuple[str, str, str] | str] = []
        for word in vec.get("overrides") or []:
            match = _CLI_WORD.match(word)
            cli_words.append(match.groups() if match else word)  # type: ignore[arg-type]
        # nemo_run applies non-dotted keys before dotted ones (stable within each group)
        cli_words.sort(key=lambda w: isinstance(w, tuple) and "." in w[0])
        words.extend(cli_words)

        cli: dict = {}
        plain: list[tuple[str, str, str] | str] = []
        for word in words:
            if isinstance(word, str):
                plain.append(word)
                continue
            key, op, value = word
            path = key.split(".")
            node = None
            if op == "=" and value.startswith("@"):
                node = value
            elif vec.get("entrypoint") and _is_class_typed(self.entrypoint, path):
                node = _factory_value(value)
            if node is not None and op == "=":
                _put(cli, path, node)
            elif node is not None:
                plain.append((key, op, _flow(node)))
            else:
                plain.append(word)
        if cli:
            source = doc = _merge_cli(doc if isinstance(doc, dict) else {}, cli)
        if source is None:
            source = doc = {}
        if not any(isinstance(w, tuple) for w in plain):
            return source, [w for w in plain if isinstance(w, str)]

        # nemo_run may set any entry-point parameter; a recipekit document declares its keys by
        # holding them, so a new key is added with `+`, and an operator starts from the
        # parameter's default (nemo_run reads unset parameters' defaults)
        params = inspect.signature(self.entrypoint).parameters
        resolved = self._try_resolve(source)
        if isinstance(resolved, dict) and isinstance(doc, dict):
            seeds = {
                w[0]: params[w[0]].default
                for w in plain
                if isinstance(w, tuple)
                and w[1] != "="
                and w[0] in params
                and w[0] not in resolved
                and params[w[0]].default is not inspect.Parameter.empty
            }
            if seeds:
                source = doc = {**doc, **seeds}
                resolved = self._try_resolve(source)
        overrides = []
        for word in plain:
            if isinstance(word, str):
                overrides.append(word)
                continue
            key, op, value = word
            path = key.split(".")
            parent, leaf = _exists(resolved, path) if isinstance(resolved, dict) else (False, False)
            declared = path[0] in params or _annotation(self.entrypoint, path[:1]) is not None
            prefix = "+" if op == "=" and parent and not leaf and declared else ""
            overrides.append(f"{prefix}{key}{op}{value}")
        return source, overrides

    def _try_resolve(self, source: Any) -> Any:
        try:
            return self.resolve(source)
        except recipekit.RecipekitError:
            return None

    def run(self) -> Any:
        return self.resolve(*self.nemo_input())


# ---------------------------------------------------------------------------- expectations


@dataclass(frozen=True)
class Expect:
    kind: str  # "matched" | "improved" | "n/a"
    why: str
    check: Callable[[Case], None] | None = None


def same_built(why: str) -> Expect:
    """matched: recipekit's result == nemo_run's built keyword arguments."""

    def check(case: Case) -> None:
        assert canon(render(case.run())) == canon(case.built)

    return Expect("matched", why, check)


def same_data(why: str) -> Expect:
    """matched as data: the values nemo_run set explicitly (its ``config_tree``); recipekit does
    not construct the entry point's annotated classes, so no ``__type__`` is compared."""

    def check(case: Case) -> None:
        assert canon(render(case.run())) == canon(plain_tree(case.result["config_tree"]))

    return Expect("matched", why, check)


def _error_is(error: recipekit.RecipekitError, name: str) -> bool:
    return any(name in {c.__name__ for c in type(p).__mro__} for p in [error, *error.problems])


def same_error(name: str, why: str, match: str | None = None) -> Expect:
    """matched: nemo_run fails and so does recipekit, with an error of class ``name``."""

    def check(case: Case) -> None:
        assert (
            case.result.get("error") or case.result.get("build_error") or case.vector.get("cases")
        )
        error = case.error(*case.nemo_input())
        assert _error_is(error, name), f"{type(error).__name__}: {error}"
        if match:
            assert re.search(match, str(error)), str(error)

    return Expect("matched", why, check)


def better(why: str, check: Callable[[Case], None]) -> Expect:
    return Expect("improved", why, check)


def na(why: str) -> Expect:
    return Expect("n/a", why)


# -- through the vector's entry point: NeMo-Run's own input, untranslated --------------------
def ep_resolve(case: Case, overrides: typing.Sequence[str] | None = None) -> Any:
    """The vector's YAML and CLI words exactly as NeMo-Run got them, typed by its entry point
    (``resolve(..., entrypoint=NAME)``): no ``+``, no ``{_factory_: ...}`` translation."""
    name = case.vector["entrypoint"]
    if name not in case.registry:
        case.registry.entrypoint(case.entrypoint, name=name)
    text = case.vector.get("yaml")
    source: Any = {}
    if text:
        source = case.cwd / text if text.lower().endswith((".yaml", ".yml", ".json")) else text
    words = case.vector.get("overrides") or [] if overrides is None else overrides
    return recipekit.resolve(
        source, list(words), registry=case.registry, entrypoint=name, allow_imports=ALLOW
    )


def ep_built(why: str) -> Expect:
    """matched through the entry point: the same built tree, annotated classes included."""

    def check(case: Case) -> None:
        assert canon(render(ep_resolve(case))) == canon(case.built)

    return Expect("matched", why, check)


def ep_error(name: str, why: str, match: str | None = None) -> Expect:
    """matched through the entry point: NeMo-Run fails and so does recipekit (class ``name``)."""

    def check(case: Case) -> None:
        assert case.result.get("error")
        with pytest.raises(recipekit.RecipekitError) as info:
            ep_resolve(case)
        assert _error_is(info.value, name), f"{type(info.value).__name__}: {info.value}"
        if match:
            assert re.search(match, str(info.value)), str(info.value)

    return Expect("matched", why, check)


M = vd.Model
E = vd.Encoder


def expect_data(
    case: Case, expected: Any, source: Any = None, overrides: typing.Sequence[str] = ()
) -> None:
    got = case.run() if source is None else case.resolve(source, overrides)
    assert canon(render(got)) == canon(render(expected))


def _recipe(**changes: Any) -> dict:
    return {**vd.train_recipe(), **changes}


# -- improved checks (one small function per vector) ----------------------------------------


def _v05(case: Case) -> None:  # commas inside quotes stay inside the argument
    expect_data(case, {"model": vd.scaled_model(scale=2, act="a,b")})


def _v11(case: Case) -> None:  # plain mappings stay data: no Config(typing.Optional) build error
    assert case.result["build_error"]
    expect_data(case, {"model": {"hidden": 8, "encoder": {"dropout": 0.3}}})


def _v12(case: Case) -> None:  # mapping onto an unset (None) field: kept as written, no crash
    assert case.result["error"]
    expect_data(case, {"model": M(hidden=32, layers=2, encoder={"layers": 3})})  # type: ignore[arg-type]


def _v13(case: Case) -> None:  # _factory_ inside list items is interpreted
    expect_data(case, {"models": [M(hidden=1, layers=2)]})


def _v14(case: Case) -> None:
    expect_data(case, {"extra": [M(hidden=1, layers=2)], "models": [vd.small_model()]})


def _v15a(case: Case) -> None:
    # a YAML list of names is data (strings) ...
    expect_data(case, {"models": ["small_model", "big_model"]}, case.cwd / "c.yaml")
    # ... and factory items build the list nemo_run only builds from the CLI (v15b)
    text = "models: [{_factory_: small_model}, {_factory_: big_model}]"
    expect_data(case, {"models": [vd.small_model(), vd.big_model()]}, text)


def _v16(case: Case) -> None:  # root _factory_ works; nested mappings merge into the recipe
    model = M(hidden=128, layers=2, encoder=E(layers=9, dropout=0.9))
    expect_data(case, _recipe(model=model, epochs=7))


def _v17(case: Case) -> None:
    expect_data(case, _recipe(epochs=11, name="x"))


def _v18(case: Case) -> None:  # the file names its recipe; no --factory needed
    expect_data(case, _recipe())


def _v26(case: Case) -> None:  # a namespaced registration is found by bare or qualified name
    expect_data(case, {"model": vd.ns_model()})
    expect_data(case, {"model": vd.ns_model()}, {"model": {FACTORY: "my.custom.ns:ns_model"}})


def _v29(case: Case) -> None:  # values are data: nothing is imported or called
    got = case.run()
    assert got["name"] == "string.ascii_lowercase" and got["ratio"] == "math.pi"


def _v30(case: Case) -> None:  # a string that equals a factory name stays a string
    assert case.run()["name"] == "train_recipe"


def _v34(case: Case) -> None:  # nemo_run build-fails later; recipekit names the missing path
    assert case.result["build_error"]
    error = case.error(*case.nemo_input())
    assert _error_is(error, "BadOverrideError") and "model" in str(error)
    expect_data(
        case,
        {"model": {"hidden": 3, "encoder": {"layers": 4}}},
        {},
        ["+model={hidden: 3, encoder: {layers: 4}}"],
    )


def _v46(case: Case) -> None:  # null stays None (ModelOpt's DFlash launcher bug)
    expect_data(case, {"env": None})


def _v47(case: Case) -> None:  # YAML types kept (B stays an int)
    expect_data(case, {"env": [{"A": "1"}, {"B": 2}, {"C": "<<global_vars.x>>"}]})


def _v48(case: Case) -> None:
    expect_data(case, {"items": [1, 2]})


def _v50(case: Case) -> None:
    expect_data(case, {"meta": {"a": 1}})


def _v53(case: Case) -> None:  # no aliasing between same-typed values
    expect_data(
        case, {"a": {"name": "first", "steps": 1}, "b": {"name": "second"}, "c": {"name": "third"}}
    )


def _v54(case: Case) -> None:  # nemo_run: "An unexpected error occurred"; recipekit names the path
    error = case.error(*case.nemo_input())
    assert _error_is(error, "BadOverrideError") and "a.enc" in str(error)
    expect_data(
        case,
        {"a": {"name": "x", "enc": {"layers": 3}}},
        case.cwd / "c.yaml",
        ["+a.enc={layers: 3}"],
    )


def _v5b(case: Case) -> None:
    assert case.run() == {"c": [1, 2]}


def _v5c(case: Case) -> None:
    got = case.run()
    assert got["name"] == "Configure" and got["tags"] == ["Partially"]


def _v68(case: Case) -> None:  # _target_ inside list items is interpreted
    expect_data(case, {"models": ["small_model"], "callbacks": [vd.Callback(name="x")]})


def _v72(case: Case) -> None:  # an include is the whole file; a section is selected explicitly
    expect_data(case, {"model": {"whatever": {"hidden": 3}}})
    expect_data(case, {"model": {"hidden": 3}}, {"model": "@m.yaml:whatever"})


def _v75(case: Case) -> None:
    error = case.error(*case.nemo_input())
    assert _error_is(error, "CycleError") and "a.yaml" in str(error)


def _v76(case: Case) -> None:
    error = case.error(*case.nemo_input())
    assert _error_is(error, "SourceError") and "missing.yaml" in str(error)


def _v39(case: Case) -> None:
    assert case.result["error"]
    assert case.run()["name"] is None
    assert case.resolve("name:\n")["name"] is None


def _v56(case: Case) -> None:
    """Every dotted override landed where it points (list indexes included)."""
    source, overrides = case.nemo_input()
    got = case.resolve(source, overrides)
    for word in overrides:
        key, _, value = word.lstrip("+").partition("=")
        node = got
        for step in re.findall(r"[^.\[\]]+", key):
            node = (
                node[int(step)]
                if isinstance(node, list)
                else (node[step] if isinstance(node, dict) else getattr(node, step))
            )
        assert canon(render(node)) == canon(render(yaml.safe_load(value))), word


def _v64(case: Case) -> None:
    assert case.result["error"]
    expect_data(case, {"model": M(1, 2)})


def _v66(case: Case) -> None:
    assert case.result["error"]
    error = case.error(*case.nemo_input())
    assert _error_is(error, "BlockedImportError") and "nope_pkg" in str(error)
    with pytest.raises(recipekit.RecipekitError, match="nope_pkg"):
        recipekit.resolve(case.nemo_input()[0], registry=case.registry, allow_imports=True)


def _v67(case: Case) -> None:
    error = case.error(*case.nemo_input())
    assert (
        _error_is(error, "BadArgumentError")
        and "_factory_" in str(error)
        and "_target_" in str(error)
    )


def _v95(case: Case) -> None:
    assert case.run() == ["a", "b"]


def _v96(case: Case) -> None:
    assert case.result["error"]
    assert case.run() is None


def _v98(case: Case) -> None:
    assert case.run()["anything"] == "vecdefs.make_model_fn"


def _v99(case: Case) -> None:
    assert case.run()["name"] == "line1\nline2\n"


def _v102(
    case: Case,
) -> None:  # re-registration is an error unless replace=True (no silent last-wins)
    registry = recipekit.Registry()
    registry.register(lambda: M(hidden=1), name="dup", namespace="vecdefs.Model")
    with pytest.raises(recipekit.RecipekitError):
        registry.register(lambda: M(hidden=2), name="dup", namespace="vecdefs.Model")
    registry.register(lambda: M(hidden=2), name="dup", namespace="vecdefs.Model", replace=True)
    assert recipekit.resolve({FACTORY: "dup"}, registry=registry) == M(hidden=2)


def _v106(case: Case) -> None:  # postponed annotations do not break registration
    assert vd.annotations.compiler_flag and isinstance(
        inspect.signature(vd.small_model).return_annotation, str
    )
    assert case.registry.get("small_model").func is vd.small_model
    assert case.resolve({FACTORY: "small_model"}) == vd.small_model()


# Entry-point typing of CLI values differs from NeMo-Run's only here (docs/compatibility.md):
# None/null is None for every key; YAML booleans for `Any`; a flow list of bare words is YAML.
V41_IMPROVED = {
    "anything=true": True,
    "epochs=None": None,
    "name=None": None,
    "name=null": None,
    "tags=[a,b]": ["a", "b"],
}


def _v41(case: Case) -> None:
    """Without an entry point, ``k=v`` gives what ``k: v`` gives in a file (YAML), except that
    ``None`` is None; with the entry point, every value is typed by the parameter's annotation
    exactly as NeMo-Run types it, except the improvements in ``V41_IMPROVED``."""
    base = "model: {_factory_: small_model}\n"
    for row in case.vector["cases"]:
        key, _, value = row["override"].partition("=")
        outcomes = []
        for source, overrides in ((base, [f"+{key}={value}"]), (f"{base}{key}: {value}\n", [])):
            try:
                outcomes.append(canon(render(case.resolve(source, overrides)[key])))
            except recipekit.RecipekitError as exc:
                outcomes.append(type(exc).__name__)
        if value == "None":
            assert outcomes[0] == "null", row["override"]
        else:
            assert outcomes[0] == outcomes[1], (row["override"], outcomes)

        words = ["model=small_model", row["override"]]
        if row["override"] in V41_IMPROVED:
            got = ep_resolve(case, words)[key]
            assert canon(render(got)) == canon(V41_IMPROVED[row["override"]]), row["override"]
        elif "error" in row:
            with pytest.raises(recipekit.RecipekitError):
                ep_resolve(case, words)
        else:
            got = ep_resolve(case, words)[key]
            assert canon(render(got)) == canon(row["value"]), row["override"]


def _v22(case: Case) -> None:  # a factory whose result is a subclass fits the annotation
    assert type(ep_resolve(case)["model"]) is vd.BigModel


def _v45(case: Case) -> None:  # `str | None` (types.UnionType) is an annotation like Optional
    assert ep_resolve(case) == {"user": "alice"}


def _v42(case: Case) -> None:
    """YAML scalar types survive resolution (nemo_run str()-s and re-parses them)."""
    base = "model: {_factory_: small_model}\n"
    for i, row in enumerate(case.vector["cases"]):
        text = f"{base}{row['yaml_line']}\n"
        path = case.cwd / f"c{i}.yaml"
        path.write_text(text)
        field = row["field"]
        expected = yaml.safe_load(text)[field]
        assert canon(render(recipekit.load(path)[field])) == canon(render(expected)), row
        got = case.resolve(path)
        assert canon(render(got[field])) == canon(render(expected)), row
        assert got["model"] == vd.small_model()


def _v120(case: Case) -> None:
    """Errors exit with status 1 and one readable message (nemo_run: status 0 unless -v)."""
    (case.cwd / "bad.yaml").write_text("model:\n  _factory_: nonexistent_model\n")
    run = subprocess.run(
        [sys.executable, "-m", "recipekit", "resolve", "bad.yaml"],
        cwd=case.cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    assert "nonexistent_model" in run.stderr and "Traceback" not in run.stderr


# ---------------------------------------------------------------------------- the table

_LAUNCHER = "ModelOpt launcher vector: covered by tests/test_interop_launcher.py (the real launcher, its corpus)"

EXPECT: dict[str, Expect] = {
    # -- §3 _factory_ in files -------------------------------------------------------------
    "v01": same_built("siblings of _factory_ override fields of the factory's result"),
    "v02": same_error(
        "BadFieldError", "a factory argument given as a sibling is a field error", r"scale"
    ),
    "v03": same_error("BadFieldError", "unknown sibling key is an error", r"bogus"),
    "v04": same_built("call syntax passes arguments to the factory; siblings then override"),
    "v05": better(
        "call-syntax arguments are parsed by Python: quoted commas stay in the value", _v05
    ),
    "v06": same_built("siblings override the computed value; derived fields are not recomputed"),
    "v07": same_error("BadFieldError", "a factory parameter as sibling is a field error", r"size"),
    "v08": na(
        "nemo_run factories return deferred Config(make_model_fn) whose *arguments* siblings override; recipekit factories return values (write _target_: vecdefs.make_model_fn with size: 5)"
    ),
    "v09": same_built("nested _factory_ replaces the sub-value, its siblings override it"),
    "v10": same_built("under a factory, a nested plain mapping merges into the existing sub-value"),
    "v11": better(
        "a plain mapping stays a mapping (nemo_run builds Config(typing.Optional) and fails)", _v11
    ),
    "v12": better(
        "a mapping onto an unset field is kept as written (nemo_run: 'An unexpected error occurred')",
        _v12,
    ),
    "v13": better("_factory_ inside list items is interpreted (nemo_run: ListParseError)", _v13),
    "v14": better(
        "_factory_ inside list items is interpreted for any field (nemo_run keeps raw dicts)", _v14
    ),
    "v15a": better(
        "list items are data unless they are nodes; `[{_factory_: a}, {_factory_: b}]` builds the list",
        _v15a,
    ),
    "v15b": same_built("a list of factories builds a list of results"),
    "v16": better(
        "a root _factory_ in a file works (nemo_run 0.11.1: No parameter named '_factory_')", _v16
    ),
    "v17": better("a root _factory_ with call syntax works", _v17),
    "v18": better("a root _factory_ in a file works; the file names its own recipe", _v18),
    "v19": na(
        "`run: {factory: X}` is nemo_run's RunContext namespace; recipekit writes a root `_factory_: X` (v16) or passes X as the source (v20)"
    ),
    "v20": same_built("source NAME (= --factory NAME) + dotted override merges into the recipe"),
    "v21": same_error("UnknownFactoryError", "unknown root factory", r"nope_recipe"),
    "v22": better(
        "with an entry point a `_factory_` is found by name and its result may be a subclass of the annotation (nemo_run: exact type only, UnknownTypeError)",
        _v22,
    ),
    "v23": same_built("_factory_ may be a dotted import path (imports allowed for `vecdefs`)"),
    "v24": same_built("a factory registered under another name is used by that name"),
    "v25": same_built("target_arg registrations are plain names in recipekit"),
    "v26": better(
        "a registration in a custom namespace is found by name (nemo_run: not found by type)", _v26
    ),
    "v27": same_built("'default' (is_target_default) is an alias of the factory"),
    "v28": na(
        "recipekit never looks factories up in __main__: only the registry (and allowed imports)"
    ),
    "v29": better(
        "values are data: `string.ascii_lowercase` stays a string, nothing is imported", _v29
    ),
    "v30": better("a string equal to a factory name stays a string", _v30),
    # -- §4 CLI grammar and precedence -----------------------------------------------------
    "v31": same_built("a CLI dotted override beats the YAML value"),
    "v32": same_built("a CLI factory replaces the YAML factory; YAML siblings still apply"),
    "v33": same_built("CLI call syntax plus a dotted override"),
    "v34": better(
        "a dotted override into a missing parent is a clear error naming it (nemo_run builds Config(Optional) and fails); `+model={...}` adds it",
        _v34,
    ),
    "v35": same_built(
        "YAML plain mapping + CLI factory: the YAML keys apply to the factory result"
    ),
    "v36": same_built("operators += -= *= /= apply to the current value"),
    "v37": same_error("BadOverrideError", "an operator on a key that does not exist is an error"),
    "v37b": same_error("BadOverrideError", "an operator on a missing/None value is an error"),
    "v38": same_error("BadOverrideError", "an override without '=' is rejected", r"small_model"),
    "v39": better(
        "`name=` means null, exactly like `name:` in a file (nemo_run: ArgumentParsingError)", _v39
    ),
    "v40": same_built('`name=""` is the empty string'),
    "v41": better(
        "with an entry point a CLI value is typed by its annotation as nemo_run types it (None is None, `Any` reads YAML booleans, bare-word lists work); without one, like the same text in a YAML file",
        _v41,
    ),
    "v42": better(
        "YAML scalar types are kept (nemo_run str()-s every leaf and re-parses it)", _v42
    ),
    "v43": same_built("${...} interpolation and ${oc.env:VAR} in files"),
    "v44": same_error("InterpolationError", "an unknown ${key} is an error", r"LAUNCH_SCRIPT"),
    "v45": better("`str | None` works like Optional[str] (nemo_run: UnknownTypeError)", _v45),
    "v46": better(
        "`env:` (null) stays None (nemo_run: ListParseError, ModelOpt's DFlash bug)", _v46
    ),
    "v47": better(
        "list of single-key mappings kept with YAML types (nemo_run turns 2 into '2')", _v47
    ),
    "v48": better("a list needs no element type", _v48),
    "v49": same_built("mappings for dict-typed parameters"),
    "v50": better(
        "a mapping is a mapping whatever the annotation (nemo_run: Config(Any) fails)", _v50
    ),
    "v51": same_built(
        "new top-level keys are accepted (nemo_run: **kwargs entry point; recipekit: +key=...)"
    ),
    "v52": ep_built("with an entry point nested mappings become the annotated dataclasses"),
    "v53": better(
        "two values never alias (nemo_run's lru_cache makes a and b the same Config)", _v53
    ),
    "v54": better(
        "a dotted override below a YAML mapping names the missing level; `+a.enc={...}` adds it",
        _v54,
    ),
    "v55": ep_built(
        "with an entry point a dotted override creates the typed levels it passes through"
    ),
    "v56": better(
        "list-index overrides (models[0].hidden) work (nemo_run: unusable from the CLI)", _v56
    ),
    "v58": same_error("BadArgumentError", "_partial_ without _target_ is an error", r"_partial_"),
    "v59": same_error("BadArgumentError", "_partial_ next to _factory_ is an error", r"_partial_"),
    "v5a": same_built("plain values for unannotated parameters"),
    "v5b": better("a list literal needs no annotation", _v5b),
    "v5c": better("strings starting with 'Config'/'Partial' are strings", _v5c),
    # -- §6 _target_ -------------------------------------------------------------------------
    "v60": same_built("_target_: a.b.C calls it with the sibling keys"),
    "v61": same_built("_partial_: true gives functools.partial"),
    "v62": same_built("_target_ may name any class"),
    "v63": same_built("_target_ may name a function"),
    "v64": better(
        "`_args_` gives positional arguments (nemo_run: treated as a field, error)", _v64
    ),
    "v65": ep_built(
        "with an explicit entry point a root _target_ is ignored, as in nemo_run (without one it is called)"
    ),
    "v66": Expect(
        "matched",
        "an unimportable _target_ is an error (and imports need the caller's permission)",
        _v66,
    ),
    "v67": better(
        "_factory_ and _target_ in one mapping is an error (nemo_run: _factory_ silently wins)",
        _v67,
    ),
    "v68": better("_target_ inside list items is interpreted (nemo_run: ListParseError)", _v68),
    "v69": na(
        "`Config[...]`/`Partial[...]` are fiddle buildable spellings; recipekit writes `_partial_: true`"
    ),
    # -- §4 @file ----------------------------------------------------------------------------
    "v70": same_built("k=@file.yaml includes a file holding a _factory_ node"),
    "v71": ep_built("@file.yaml:section selects a section; typed by the entry point"),
    "v72": better(
        "an include is the whole file (no implicit single-key unwrap); `@m.yaml:whatever` selects",
        _v72,
    ),
    "v73": na(
        "nemo_run merges a CLI @file into the YAML mapping at that key; a recipekit @file value replaces it"
    ),
    "v74": same_built('a "@file.yaml" value in YAML is included'),
    "v75": better("include cycles are detected and the chain is printed", _v75),
    "v76": better(
        "a missing include is an error naming the file (nemo_run: warning, then the literal string)",
        _v76,
    ),
    "v77": ep_built("a dotted key with an @file value; typed by the entry point"),
    "v78": same_built("a .json file is read like YAML"),
    "v79": na("TOML is not a recipekit input format (YAML and JSON)"),
    "v80": same_built("--factory @f.yaml == resolving f.yaml (root _factory_ + overrides)"),
    "v81": same_built("inline YAML text as the source"),
    # -- §7 errors ---------------------------------------------------------------------------
    "v90": same_error("UnknownFactoryError", "unknown factory name", r"nonexistent"),
    "v91": same_error("BadOverrideError", "an override naming no field is an error", r"nope"),
    "v92": ep_error("BadArgumentError", "a value that does not fit the annotation", r"epochs"),
    "v93": same_error("YamlError", "malformed YAML is an error with file:line"),
    "v94": same_error("SourceError", "a missing file is an error", r"nope\.yaml"),
    "v95": better("a top-level list is data (nemo_run: ConfigAttributeError)", _v95),
    "v96": better(
        "an empty file resolves to None (nemo_run: TypeError 'NoneType' is not iterable)", _v96
    ),
    "v97": ep_error(
        "BadArgumentError", "an unknown top-level key names the parameters", r"nope[\s\S]*epochs"
    ),
    "v98": better("a dotted path as a value is a string, never called", _v98),
    "v99": better(
        "multi-line strings are values like any other (nemo_run: ArgumentParsingError)", _v99
    ),
    # -- §2 registration API, §5 serialization, process level --------------------------------
    "v100": na(
        "registration keys: recipekit namespaces are explicit, not derived from return annotations; the return annotation is used where nemo_run uses it, for CLI `key=NAME` under an entry point (v22, tests/test_entrypoint.py)"
    ),
    "v101": na(
        "recipekit registers any callable: no return annotation or Config/Partial type is required"
    ),
    "v102": better(
        "registering a name twice is an error unless replace=True (nemo_run: silent last-wins)",
        _v102,
    ),
    "v103": na(
        "nemo_run's type-keyed resolve_factory/list_factories API; recipekit's is Registry.get/entries by name"
    ),
    "v104": na(
        "recipekit plugins use the `recipekit.factories` entry-point group, loaded on the first unknown name"
    ),
    "v105": na("recipekit never exec()s workspace.py files (explicit registries and imports only)"),
    "v106": better(
        "modules with `from __future__ import annotations` register normally (tests/_vecdefs.py is one)",
        _v106,
    ),
    "v110": na(
        "serialization of fiddle buildables built in Python; recipekit's --to-yaml (`recipekit launcher`) writes the argument document after overrides under a root _target_/_partial_: true, which resolves back to the same objects (tests/test_interop_launcher.py)"
    ),
    "v111": na("serialization of fiddle buildables"),
    "v112": na("nemo_run's --lazy export format"),
    "v113": na("ConfigSerializer.deserialize_yaml of fiddle buildables"),
    "v114": na("fiddle Config/Partial build semantics"),
    "v120": better(
        "errors exit with status 1 and print one readable message (nemo_run: status 0 unless -v)",
        _v120,
    ),
    # -- ModelOpt launcher ---------------------------------------------------------------------
    **{f"L0{i}": na(_LAUNCHER) for i in range(1, 10)},
}


def _short(vector_id: str) -> str:
    match = re.match(r"(v\d+[a-z]?|L\d+)(?:_|$)", vector_id)
    return match.group(1) if match else vector_id


def _vector_params() -> list[Any]:
    if not VECTORS.is_dir():
        return [
            pytest.param(
                None, marks=pytest.mark.skip(reason=f"reference vectors not found at {VECTORS}")
            )
        ]
    files = sorted(p for p in VECTORS.glob("*.json") if re.match(r"[vL]\d", p.name))
    return [pytest.param(p, id=p.stem) for p in files]


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> recipekit.Registry:
    monkeypatch.setitem(sys.modules, "vecdefs", vd)  # the vectors' `vecdefs.X` import paths
    return vd.make_registry()


@pytest.mark.parametrize("path", _vector_params())
def test_vector(
    path: Path, registry: recipekit.Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vector = json.loads(path.read_text())
    expect = EXPECT.get(_short(vector["id"]))
    assert expect is not None, f"no expectation for {vector['id']}: add it to EXPECT"
    if expect.kind == "n/a":
        pytest.skip(f"n/a: {expect.why}")
    for name, text in (vector.get("files") or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NRVEC_NAME", "from-env")  # v43
    assert expect.check is not None
    expect.check(Case(vector, tmp_path, registry))


def test_table_is_well_formed() -> None:
    for key, expect in EXPECT.items():
        assert expect.kind in {"matched", "improved", "n/a"}, key
        assert expect.why and (expect.check is None) == (expect.kind == "n/a"), key
