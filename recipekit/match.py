"""``recipekit match``: what a recipe does to each quantizer of a model, without loading the model.

A ModelOpt ``quant_cfg`` is an ordered list of rules. This module replays ModelOpt 0.47.0's
``set_quantizer_by_cfg`` (``modelopt/torch/quantization/conversion.py``) on *names* instead of
modules, and records which rule decided what:

* **Rules.** The list is normalized like ``normalize_quant_cfg_list``: new-format entries
  (``quantizer_name``, optional ``parent_class``, ``enable``, ``cfg``), legacy single-key
  entries (``{"*weight_quantizer": {...}}``, ``"default"`` = ``"*"``), ``nn.*``-scoped entries
  and a legacy flat mapping. ``enable`` defaults to true; an entry needs ``cfg`` or ``enable``;
  an empty ``cfg`` with ``enable: false`` means no ``cfg``.
* **Matching.** ``fnmatch.fnmatch`` of the pattern against the quantizer's module name, or against
  the name with a per-expert index dropped (``weight_quantizers.3`` -> ``weight_quantizer``,
  ModelOpt's fused-experts normalization). ``parent_class`` must equal the class key of the
  quantizer's parent module (``nn.Linear`` ...); a quantizer whose parent class is not known
  never matches a ``parent_class`` rule (the summary says how many such rules were skipped).
* **Precedence.** Rules apply in order; later rules win. A rule with ``cfg`` *replaces* every
  attribute (unspecified ones revert to ``QuantizerAttributeConfig`` defaults: ``num_bits`` 8,
  ``axis`` None, ...) and sets ``enable`` (default true). A rule without ``cfg`` only toggles
  ``enable`` and keeps the attributes. A list ``cfg`` turns the quantizer into a
  ``SequentialQuantizer`` with one part per item (named ``NAME.0``, ``NAME.1`` like ModelOpt's
  modules); a dict ``cfg`` on a sequential quantizer turns it back into a single one; an
  ``enable``-only rule on a sequential quantizer applies to every part. Parts are matched by
  their own names afterwards, exactly as ``named_modules`` visits them (so a second list ``cfg``
  on the same quantizer nests sequential quantizers, as ModelOpt does).
* **Before any rule.** A quantizer starts with the attributes its module gives it
  (``MODULE_QUANTIZERS``): ``input_quantizer``/``weight_quantizer`` enabled with 8 bits (Linear
  and Conv weights per-row, ``axis`` 0), ``output_quantizer`` disabled; an ``nn.Embedding``'s
  input quantizer is hard-disabled (ModelOpt forces it off whatever the rules say).

Results are plain records (``QuantizerMatch`` with one ``Part`` per tensor quantizer) so the CLI,
JSON output and tests share them. The CLI half (``add_arguments``/``run``) and the ``--from-torch``
enumeration live here too; torch is imported only on that path.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from recipekit.resolver.errors import BadFieldError, RecipekitError, SourceError, raise_collected

# ---------------------------------------------------------------------------------------------
# What ModelOpt 0.47.0 gives each registered module: quantizer slot -> (enabled, attributes).
# Facts read from modelopt.torch.quantization.nn.modules (checked against the real modules by
# tests/test_match.py::test_module_quantizers_equal_modelopt).

_IO: dict[str, tuple[bool, dict]] = {"input_quantizer": (True, {}), "output_quantizer": (False, {})}
_LINEAR = {**_IO, "weight_quantizer": (True, {"axis": 0})}
_CONV = ("Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "ConvTranspose3d")
_INPUT_ONLY = (
    *(f"BatchNorm{d}d" for d in (1, 2, 3)),
    *(f"InstanceNorm{d}d" for d in (1, 2, 3)),
    "LayerNorm",
    "LeakyReLU",
    *(f"{p}Pool{d}d" for p in ("Max", "Avg", "AdaptiveAvg") for d in (1, 2, 3)),
)
MODULE_QUANTIZERS: dict[str, dict[str, tuple[bool, dict]]] = {
    "nn.Linear": _LINEAR,
    **{f"nn.{c}": _LINEAR for c in _CONV},
    **{f"nn.{c}": _IO for c in _INPUT_ONLY},
    "nn.Embedding": {"weight_quantizer": (True, {}), **_IO},
}
HARD_DISABLED = {("nn.Embedding", "input_quantizer")}
DEFAULT_NUM_BITS = 8

_EXPERT_INDEX = r"(weight_quantizers?|input_quantizers?)\.\d+(?=$|\.)"  # compiled on first use


class MatchError(RecipekitError):
    """A quant_cfg that ModelOpt would reject, or names that cannot be read."""

    title = "match error"


# ---------------------------------------------------------------------------------------------
# Records


class Rule(NamedTuple):
    """One normalized quant_cfg entry. ``position`` is its index in quant_cfg (a legacy entry that
    expands to several rules gives them all its position). ``where`` says which file:line,
    factory or override wrote the entry, its ``enable`` and its ``cfg``."""

    position: int
    pattern: str
    parent_class: str | None
    enable: bool
    cfg: dict | list | None
    where: tuple[str | None, str | None, str | None] = (None, None, None)  # entry, enable, cfg

    def label(self) -> str:
        scope = f" in {self.parent_class}" if self.parent_class else ""
        return f"#{self.position} {self.pattern}{scope}"

    def as_json(self, what: str = "entry") -> dict:
        return {
            "index": self.position,
            "quantizer_name": self.pattern,
            "parent_class": self.parent_class,
            "where": self.located(what),
        }

    def located(self, what: str = "entry") -> str | None:
        """Where the entry (``entry``), its ``enable`` or its ``cfg`` was written."""
        return self.where[("entry", "enable", "cfg").index(what)]


class Quantizer(NamedTuple):
    """A quantizer of the model: its module name and, when known, its parent module's class key."""

    name: str
    parent_class: str | None = None


class Part(NamedTuple):
    """The effective state of one tensor quantizer (a whole quantizer, or a sequential part)."""

    name: str
    enabled: bool
    attributes: dict  # the attributes as set (explicit cfg values; module defaults if no cfg)
    enable_rule: Rule | None  # the rule that decided ``enabled`` (None: the module's default)
    cfg_rule: Rule | None  # the rule whose cfg set the attributes (None: the module's default)
    hard_disabled: bool = False

    @property
    def num_bits(self) -> Any:
        return self.attributes.get("num_bits", DEFAULT_NUM_BITS)

    @property
    def block_sizes(self) -> Any:
        return self.attributes.get("block_sizes")

    @property
    def axis(self) -> Any:  # ModelOpt clears axis when block_sizes is set
        return None if self.block_sizes is not None else self.attributes.get("axis")

    @property
    def format(self) -> str:
        return format_name(self.num_bits, self.block_sizes, self.axis)


class QuantizerMatch(NamedTuple):
    quantizer: Quantizer
    parts: tuple[Part, ...]
    sequential: bool
    matched: tuple[int, ...]  # indexes of every rule that matched the quantizer or a part

    @property
    def enabled(self) -> bool:
        return any(p.enabled for p in self.parts)

    @property
    def format(self) -> str:
        return "+".join(p.format for p in self.parts if p.enabled) or "off"

    def as_json(self) -> dict:
        return {
            "quantizer": self.quantizer.name,
            "parent_class": self.quantizer.parent_class,
            "enabled": self.enabled,
            "sequential": self.sequential,
            "format": self.format,
            "matched_rules": list(self.matched),
            "parts": [
                {
                    "name": p.name,
                    "enabled": p.enabled,
                    "hard_disabled": p.hard_disabled,
                    "num_bits": _jsonable(p.num_bits),
                    "axis": _jsonable(p.axis),
                    "block_sizes": _jsonable(p.block_sizes),
                    "attributes": _jsonable(p.attributes),
                    "enable_rule": p.enable_rule.as_json("enable") if p.enable_rule else None,
                    "cfg_rule": p.cfg_rule.as_json("cfg") if p.cfg_rule else None,
                }
                for p in self.parts
            ],
        }


class MatchResult(NamedTuple):
    rules: tuple[Rule, ...]
    matches: tuple[QuantizerMatch, ...]
    skipped_parent_rules: tuple[int, ...] = ()  # parent_class rules some quantizer could not test

    def summary(self) -> str:
        on = [m for m in self.matches if m.enabled]
        counts: dict[str, int] = {}
        for m in on:
            counts[m.format] = counts.get(m.format, 0) + 1
        detail = ", ".join(f"{n} {f}" for f, n in sorted(counts.items(), key=lambda i: -i[1]))
        text = (
            f"{len(self.matches)} quantizers: {len(on)} enabled"
            + (f" ({detail})" if detail else "")
            + f", {len(self.matches) - len(on)} disabled"
        )
        unused = [
            r.label() for r in self.rules if not any(r.position in m.matched for m in self.matches)
        ]
        if unused:
            text += f"; {len(unused)} of {len(self.rules)} rules match nothing"
        if self.skipped_parent_rules:
            unknown = sum(m.quantizer.parent_class is None for m in self.matches)
            text += (
                f"; parent_class rules {', '.join(f'#{i}' for i in self.skipped_parent_rules)}"
                f" skipped for {unknown} quantizer(s) of unknown class"
            )
        return text

    def as_json(self) -> dict:
        return {
            "quantizers": [m.as_json() for m in self.matches],
            "summary": self.summary(),
        }


# ---------------------------------------------------------------------------------------------
# Normalizing quant_cfg


def quant_cfg_of(data: Any) -> tuple[Any, tuple]:
    """The quant_cfg inside a recipe, a QuantizeConfig or a list, and its key path in ``data``."""
    data = _plain(data)
    if isinstance(data, Mapping) and "quantize" in data:
        inner, at = quant_cfg_of(data["quantize"])
        return inner, ("quantize", *at)
    if isinstance(data, Mapping) and "quant_cfg" in data:
        return _plain(data["quant_cfg"]), ("quant_cfg",)
    if isinstance(data, (list, tuple)):
        return data, ()
    raise MatchError(
        "no quant_cfg found",
        expected="a recipe with quantize.quant_cfg, a QuantizeConfig (quant_cfg: [...]) or a list",
    )


def normalize(
    quant_cfg: Any, where: Callable[[tuple], str | None] = lambda path: None, at: tuple = ()
) -> list[Rule]:
    """ModelOpt's ``normalize_quant_cfg_list`` on plain data; ``where(path)`` locates an entry,
    ``at`` is the key path of ``quant_cfg`` in the document (for error messages)."""
    quant_cfg = _plain(quant_cfg)
    if isinstance(quant_cfg, Mapping):  # legacy flat mapping
        quant_cfg = [{k: v} for k, v in quant_cfg.items()]
    if not isinstance(quant_cfg, (list, tuple)):
        raise MatchError(f"quant_cfg must be a list of entries, got {type(quant_cfg).__name__}")
    rules: list[Rule] = []
    problems: list[RecipekitError] = []
    for i, raw in enumerate(quant_cfg):
        raw = _plain(raw)
        try:
            for entry in _entries(raw, i):
                rules.append(_rule(entry, i, where))
        except RecipekitError as exc:
            exc.path = (*at, i, *exc.path)
            exc.hint = exc.hint or (
                f"the entry was written at {where((i,))}" if where((i,)) else None
            )
            problems.append(exc)
    raise_collected(problems, "quant_cfg")
    return rules


def _entries(raw: Any, i: int) -> list[dict]:
    if isinstance(raw, Mapping) and "quantizer_name" in raw:
        return [dict(raw)]
    if isinstance(raw, Mapping) and (len(raw) == 1 or any(str(k).startswith("nn.") for k in raw)):
        out: list[dict] = []
        for key, value in raw.items():
            out += _legacy(key, value)
        return out
    raise MatchError(
        f"invalid quant_cfg entry: {raw!r}",
        expected="{quantizer_name: PATTERN, enable: BOOL, cfg: {...}} (or a legacy one-key entry)",
    )


def _legacy(key: str, value: Any) -> list[dict]:
    key = "*" if key == "default" else key
    if isinstance(key, str) and key.startswith("nn."):
        if not isinstance(value, Mapping):
            raise MatchError(f"for the 'nn.*' scoped form, {key}'s value must be a mapping")
        out = []
        for name, sub in value.items():
            sub = dict(sub)
            enable = sub.pop("enable", None)
            entry = {"parent_class": key, "quantizer_name": name, "cfg": sub or None}
            out.append(entry if enable is None else {**entry, "enable": enable})
        return out
    if isinstance(value, Mapping):
        cfg = {k: v for k, v in value.items() if k != "enable"} or None
        entry = {"quantizer_name": key, "cfg": cfg}
        return [entry if value.get("enable") is None else {**entry, "enable": value["enable"]}]
    return [{"quantizer_name": key, "cfg": value}]


def _rule(entry: dict, position: int, where: Callable[[tuple], str | None]) -> Rule:
    name = entry.get("quantizer_name")
    if not isinstance(name, str):
        raise MatchError("quantizer_name must be a string", path=("quantizer_name",))
    unknown = set(entry) - {"quantizer_name", "parent_class", "enable", "cfg"}
    if unknown:
        raise BadFieldError(
            f"unknown key(s) {', '.join(sorted(map(str, unknown)))} in a quant_cfg entry",
            expected="quantizer_name, parent_class, enable, cfg",
        )
    cfg = _plain(entry.get("cfg"))
    if "cfg" not in entry and "enable" not in entry:
        raise MatchError(
            f"the entry for {name!r} has neither cfg nor enable",
            expected="cfg, enable, or both (ModelOpt rejects an entry that does nothing)",
        )
    enable = entry.get("enable", True)
    if not isinstance(enable, bool):
        raise MatchError(f"enable must be true or false, got {enable!r}", path=("enable",))
    empty = (isinstance(cfg, Mapping) and not cfg) or (
        isinstance(cfg, (list, tuple)) and all(isinstance(c, Mapping) and not c for c in cfg)
    )
    if empty:
        if not enable:
            cfg = None
        else:
            raise MatchError(
                f"the entry for {name!r} has an empty cfg",
                expected="at least one attribute; drop cfg to only enable, or set enable: false",
            )
    if cfg is not None and not isinstance(cfg, (Mapping, list, tuple)):
        raise MatchError(f"cfg must be a mapping or a list of mappings, got {cfg!r}")
    if isinstance(cfg, (list, tuple)):
        cfg = [dict(_plain(c)) for c in cfg]
    elif cfg is not None:
        cfg = dict(cfg)
    located = (where((position,)), where((position, "enable")), where((position, "cfg")))
    return Rule(position, name, entry.get("parent_class") or None, enable, cfg, located)


# ---------------------------------------------------------------------------------------------
# Replaying set_quantizer_by_cfg


class _Leaf:
    """A TensorQuantizer being configured (mutable while the rules replay)."""

    __slots__ = ("attrs", "cfg_rule", "enable_rule", "enabled", "hard")

    def __init__(self, enabled: bool, attrs: dict, hard: bool = False) -> None:
        self.enabled, self.attrs, self.hard = enabled, attrs, hard
        self.enable_rule: Rule | None = None
        self.cfg_rule: Rule | None = None


class _Seq:
    """A SequentialQuantizer: its parts are named NAME.0, NAME.1, ..."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[_Leaf | _Seq]) -> None:
        self.parts = parts


def _initial(q: Quantizer) -> _Leaf:
    slot = q.name.rpartition(".")[2]
    slots = MODULE_QUANTIZERS.get(q.parent_class or "")
    if slots and slot in slots:
        enabled, attrs = slots[slot]
    else:  # a plain TensorQuantizer() (attention bmm quantizers, unknown modules)
        enabled, attrs = slot != "output_quantizer", {}
    hard = (q.parent_class, slot) in HARD_DISABLED
    return _Leaf(enabled and not hard, {"num_bits": DEFAULT_NUM_BITS, **attrs}, hard=hard)


def _matches(pattern: str, name: str) -> bool:
    if fnmatch.fnmatch(name, pattern):
        return True
    normalized = re.sub(_EXPERT_INDEX, lambda m: m.group(1).removesuffix("s"), name)
    return normalized != name and fnmatch.fnmatch(normalized, pattern)


def _set_enable(node: _Leaf | _Seq, rule: Rule) -> None:
    if isinstance(node, _Seq):
        for part in node.parts:
            _set_enable(part, rule)
    else:
        node.enabled, node.enable_rule = rule.enable and not node.hard, rule


def _set_attrs(node: _Leaf | _Seq, attrs: dict, rule: Rule) -> None:
    if isinstance(node, _Seq):  # a single config is broadcast to every part
        for part in node.parts:
            _set_attrs(part, attrs, rule)
    else:
        node.attrs, node.cfg_rule = dict(attrs), rule
        node.enabled, node.enable_rule = rule.enable and not node.hard, rule


def _apply(node: _Leaf | _Seq, rule: Rule) -> _Leaf | _Seq:
    """One matched quantizer module under one rule; returns what sits in its place afterwards."""
    if rule.cfg is None:
        _set_enable(node, rule)
        return node
    if isinstance(rule.cfg, dict):
        if isinstance(node, _Seq):  # downgraded to a fresh TensorQuantizer
            node = _Leaf(True, {})
        _set_attrs(node, rule.cfg, rule)
        return node
    if isinstance(node, _Leaf):  # replaced by a SequentialQuantizer of fresh TensorQuantizers
        node = _Seq([_Leaf(True, {}) for _ in rule.cfg])
    for part, attrs in zip(node.parts, rule.cfg, strict=False):  # ModelOpt zips: may be partial
        _set_attrs(part, attrs, rule)
    return node


def _visit(
    node: _Leaf | _Seq, name: str, rule: Rule, top: Quantizer | None, hits: set[int]
) -> _Leaf | _Seq:
    """``named_modules`` order: the module, then the children of the module that was visited."""
    placed = node
    parent_ok = rule.parent_class is None or (
        top is not None and top.parent_class == rule.parent_class
    )
    if parent_ok and _matches(rule.pattern, name):
        hits.add(rule.position)
        placed = _apply(node, rule)
    if isinstance(node, _Seq):
        for i, part in enumerate(node.parts):
            new = _visit(part, f"{name}.{i}", rule, None, hits)
            if placed is node:  # children of a replaced module are orphans: changes are lost
                node.parts[i] = new
    return placed


def _flatten(node: _Leaf | _Seq, name: str) -> list[Part]:
    if isinstance(node, _Seq):
        return [p for i, sub in enumerate(node.parts) for p in _flatten(sub, f"{name}.{i}")]
    return [Part(name, node.enabled, node.attrs, node.enable_rule, node.cfg_rule, node.hard)]


def match(
    quant_cfg: Any,
    quantizers: Iterable[Quantizer | str | tuple[str, str | None]],
    *,
    where: Callable[[tuple], str | None] = lambda path: None,
) -> MatchResult:
    """Each quantizer's effective state under ``quant_cfg`` (a recipe, QuantizeConfig or list)."""
    cfg, at = quant_cfg_of(quant_cfg)
    rules = normalize(cfg, lambda path: where((*at, *path)), at)
    qs = [_quantizer(q) for q in quantizers]
    out = []
    for q in qs:
        node: _Leaf | _Seq = _initial(q)
        hits: set[int] = set()
        for rule in rules:
            node = _visit(node, q.name, rule, q, hits)
        out.append(
            QuantizerMatch(
                q, tuple(_flatten(node, q.name)), isinstance(node, _Seq), tuple(sorted(hits))
            )
        )
    skipped = tuple(
        r.position for r in rules if r.parent_class and any(q.parent_class is None for q in qs)
    )
    return MatchResult(tuple(rules), tuple(out), skipped)


def _quantizer(q: Quantizer | str | tuple) -> Quantizer:
    if isinstance(q, Quantizer):
        return q
    if isinstance(q, str):
        return Quantizer(q)
    return Quantizer(q[0], q[1] if len(q) > 1 else None)


# ---------------------------------------------------------------------------------------------
# Provenance, formats


def locator(origins: Mapping[tuple, Any] | None) -> Callable[[tuple], str | None]:
    """``where(path)`` from ``Resolution.origins``: the nearest recorded prefix of ``path``."""

    def where(path: tuple) -> str | None:
        if not origins:
            return None
        for cut in range(len(path), -1, -1):
            origin = origins.get(path[:cut])
            if origin is not None:
                if origin.mark is not None:
                    return str(origin.mark)
                if origin.kind == "override":
                    return f"override {origin.detail}"
                return (
                    _relative(origin.source) if origin.source else f"{origin.kind} {origin.detail}"
                )
        return None

    return where


def _relative(location: str) -> str:
    """``/abs/cwd/pkg/file.py:12`` -> ``pkg/file.py:12`` when under the working directory."""
    import os

    cwd = os.getcwd() + os.sep
    return location[len(cwd) :] if location.startswith(cwd) else location


_FP = {(4, 3): "fp8", (5, 2): "fp8e5m2", (2, 1): "fp4", (3, 2): "fp6e3m2", (2, 3): "fp6e2m3"}


def format_name(num_bits: Any, block_sizes: Any, axis: Any) -> str:
    """A short name: ``nvfp4``, ``mxfp8``, ``fp8``, ``int4/block128``, ``int8/axis0``..."""
    bits = tuple(num_bits) if isinstance(num_bits, list) else num_bits
    base = _FP.get(bits) if isinstance(bits, tuple) else f"int{bits}"
    base = base or str(bits)
    if isinstance(block_sizes, Mapping):
        scale = block_sizes.get("scale_bits")
        scale = tuple(scale) if isinstance(scale, list) else scale
        if bits == (2, 1) and scale == (4, 3):
            return "nvfp4"
        if scale == (8, 0):
            return "mx" + base
        sizes = [v for k, v in block_sizes.items() if not isinstance(k, str)]
        return f"{base}/block{'x'.join(map(str, sizes))}"
    if axis is not None:
        return f"{base}/axis{axis}"
    return base


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return repr(value)


def _plain(value: Any) -> Any:
    """Pydantic objects (ModelOpt's QuantizeConfig, entries) as the data a user wrote."""
    dump = getattr(value, "model_dump", None)
    return dump(exclude_unset=True) if callable(dump) else value


# ---------------------------------------------------------------------------------------------
# Where quantizer names come from


def read_names(lines: Iterable[str], source: str = "<names>") -> list[Quantizer]:
    """``NAME [CLASS]`` per line (``#`` comments). A NAME ending in ``_quantizer`` is a quantizer;
    any other NAME is a module, given the quantizers ModelOpt gives its CLASS (``nn.Linear`` when
    no class is written); a module of a class ModelOpt does not quantize gives none."""
    out: list[Quantizer] = []
    for n, line in enumerate(lines, 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) > 2:
            raise MatchError(
                f"{source}:{n}: expected NAME [CLASS], got {line.strip()!r}",
                expected="one module or quantizer name per line, optionally its class",
            )
        name, cls = words[0], _class_key(words[1]) if len(words) == 2 else None
        if _is_quantizer_name(name):
            out.append(Quantizer(name, cls))
        else:
            out += module_quantizers(name, cls or "nn.Linear")
    return out


def _is_quantizer_name(name: str) -> bool:
    return bool(re.search(r"_quantizers?(\.\d+)?$", name))


def _class_key(cls: str) -> str:
    """``Linear``, ``torch.nn.Linear`` or ``nn.Linear`` -> ``nn.Linear`` (ModelOpt's key)."""
    short = cls.rpartition(".")[2]
    return f"nn.{short}" if f"nn.{short}" in MODULE_QUANTIZERS else cls


def module_quantizers(module: str, cls: str) -> list[Quantizer]:
    prefix = f"{module}." if module else ""
    return [Quantizer(prefix + slot, cls) for slot in MODULE_QUANTIZERS.get(cls, {})]


def from_torch(spec: str) -> list[Quantizer]:
    """``MODULE:FACTORY``: build the model and name its quantizers as ModelOpt would.

    Covers the modules of ``MODULE_QUANTIZERS`` (Linear, Conv*, ConvTranspose*, norms, pools,
    LeakyReLU, Embedding; exact classes, as ModelOpt's registry looks them up) and attention
    modules that ModelOpt's HuggingFace plugin or a user's ``mtq.register`` equips with
    ``q/k/v_bmm_quantizer`` — recognized here by already holding such attributes or by class names
    ending in ``Attention`` from ``transformers`` (which get ``q/k/v/p_bmm_quantizer``). RNNs and
    other plugin modules (Megatron, TE, vLLM) are not covered.
    """
    import importlib

    module_name, _, factory = spec.partition(":")
    if not module_name or not factory:
        raise SourceError(
            f"--from-torch {spec!r}", expected="MODULE:FACTORY, e.g. mypkg.models:tiny"
        )
    try:
        import torch.nn as nn
    except ImportError as exc:
        raise SourceError("--from-torch needs torch installed", hint="pip install torch") from exc
    try:
        model = getattr(importlib.import_module(module_name), factory)()
    except Exception as exc:
        raise SourceError(f"--from-torch {spec}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(model, nn.Module):
        raise SourceError(
            f"--from-torch {spec} returned {type(model).__name__}, not a torch module"
        )
    known = {getattr(nn, key[3:]): key for key in MODULE_QUANTIZERS}
    out: list[Quantizer] = []
    for name, mod in model.named_modules():
        cls = known.get(type(mod))
        if cls:
            out += module_quantizers(name, cls)
            continue
        prefix = f"{name}." if name else ""
        bmm = [n for n in ("q", "k", "v", "p") if hasattr(mod, f"{n}_bmm_quantizer")]
        if (
            not bmm
            and type(mod).__module__.startswith("transformers.")
            and type(mod).__name__.endswith("Attention")
        ):
            bmm = ["q", "k", "v", "p"]
        out += [Quantizer(f"{prefix}{n}_bmm_quantizer", type(mod).__name__) for n in bmm]
    return out


# ---------------------------------------------------------------------------------------------
# The command


def add_arguments(parser: Any) -> None:
    """The ``match`` subcommand's arguments (the CLI adds ``--load``/``--allow-import``)."""
    import argparse

    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.description = (
        "Print, per quantizer of a model, the effective enable and attributes under a recipe's\n"
        "quant_cfg and which rule (index, pattern, file:line or override) decided each,\n"
        "following ModelOpt 0.47.0's matching and precedence. The model is not loaded."
    )
    parser.epilog = (
        "names file: NAME [CLASS] per line; a module NAME gets the quantizers ModelOpt gives\n"
        "its CLASS (default nn.Linear), a NAME ending in _quantizer is taken as is.\n\n"
        "example:\n"
        "  recipekit match general/ptq/fp8_default-kv_fp8 'quantize.quant_cfg.0.enable=true' \\\n"
        "      --names examples/match/decoder_names.txt --only-enabled"
    )
    parser.add_argument("target", help="registered name (optionally NAME(arg=...)) or YAML file")
    parser.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="dot-list overrides")
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument(
        "--names",
        metavar="FILE",
        help="module or quantizer names, one per line as NAME [CLASS] ('-': stdin)",
    )
    src.add_argument(
        "--from-torch",
        metavar="MODULE:FACTORY",
        help="build the model with MODULE.FACTORY() (needs torch) and name its quantizers",
    )
    parser.add_argument("--only-enabled", action="store_true", help="show enabled quantizers only")
    parser.add_argument("--format", choices=("table", "json"), default="table")


def run(args: Any, target: Any = None, allow_imports: Any = ()) -> int:
    """``recipekit match``; ``target`` is the CLI's parsed TARGET (file path or name)."""
    import json
    import sys

    from recipekit.api import resolve_full

    res = resolve_full(
        target if target is not None else args.target,
        args.overrides,
        allow_imports=allow_imports,
        record=True,
    )
    if args.from_torch:
        quantizers = from_torch(args.from_torch)
    elif args.names == "-":
        quantizers = read_names(sys.stdin, "<stdin>")
    else:
        try:
            with open(args.names, encoding="utf-8") as handle:
                quantizers = read_names(handle, args.names)
        except OSError as exc:
            raise SourceError(f"--names {args.names}: {exc.strerror}") from None
    result = match(res.data, quantizers, where=locator(res.origins))
    shown = [m for m in result.matches if m.enabled or not args.only_enabled]
    if args.format == "json":
        data = result.as_json()
        data["quantizers"] = [m.as_json() for m in shown]
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    else:
        sys.stdout.write(table(shown) + result.summary() + "\n")
    return 0


def table(matches: Sequence[QuantizerMatch]) -> str:
    """One row per tensor quantizer: name, on/off, format, num_bits/axis/block_sizes, rules."""
    rows = [("QUANTIZER", "ON", "FORMAT", "NUM_BITS", "AXIS", "BLOCK_SIZES", "DECIDED BY")]
    for m in matches:
        for p in m.parts:
            rows.append(
                (
                    p.name,
                    "on" if p.enabled else "off",
                    p.format if p.enabled else "-",
                    _short(p.num_bits),
                    _short(p.axis),
                    _short(p.block_sizes),
                    _decided(p),
                )
            )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    return "".join(
        "  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=True)) + "  " + r[-1] + "\n"
        for r in rows
    )


def _decided(p: Part) -> str:
    def say(rule: Rule | None, what: str) -> str:
        if rule is None:
            return "module default"
        where = rule.located(what)
        return rule.label() + (f" ({where})" if where else "")

    if p.hard_disabled:
        return "hard-disabled (nn.Embedding input); attrs: " + say(p.cfg_rule, "cfg")
    if p.enable_rule is p.cfg_rule and p.cfg_rule is not None:
        both = {p.cfg_rule.located("enable"), p.cfg_rule.located("cfg")}
        if len(both) == 1:
            return say(p.cfg_rule, "cfg")
    return f"enable: {say(p.enable_rule, 'enable')}; attrs: {say(p.cfg_rule, 'cfg')}"


def _short(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_short(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ",".join(_short(v) for v in value) + ")"
    return str(value)
