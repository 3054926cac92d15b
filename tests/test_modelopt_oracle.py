"""Optional oracle group: recipekit against the installed nvidia-modelopt 0.47.0 (`-m modelopt`).

Everything is checked against ModelOpt's own code running now (no stored goldens needed):

* factories: ``recipekit.registry.get(<alias>)()`` for each of the package's YAML files (alias =
  package-relative path without ``.yaml``) equals the payload ModelOpt's loader validates
  (``resolved_pre_validation``): canonical JSON text, tuple and int-key positions; and its
  mappings keep ModelOpt's key order;
* round trip: ``recipekit.dump(..., form="expanded", format="yaml")`` of every numeric / unit /
  preset / recipe, written to a file and loaded by ModelOpt's ``load_recipe`` / ``load_config``,
  validates to the same ``model_dump()`` and ``model_dump(exclude_unset=True)`` as ModelOpt's
  built-in file, and ModelOpt's raw read of it (before validation) is the factory's data again;
* real use: recipekit-resolved FP8 / INT8 / INT4 configs applied with ``mtq.quantize`` to a tiny
  CPU model set every quantizer as the config says and exactly as ModelOpt's own copy does.

The whole module skips when ``modelopt.recipe`` cannot be imported (install the peers with
``.ci/install-peers.sh``). Importing it takes ~10 s, so it happens once, in a module fixture.
"""

from __future__ import annotations

import contextlib
import difflib
import fnmatch
import importlib
import importlib.util
import io
import os
import re
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import recipekit
from tests._canon import annotations, canonical
from tests._modelopt_cases import CASES, Case

pytestmark = pytest.mark.modelopt

HERE = Path(__file__).resolve().parent


def _load_golden_module():
    """tests/oracle/modelopt_golden.py: how ModelOpt's loaders are driven, and the golden layout."""
    spec = importlib.util.spec_from_file_location(
        "_recipekit_modelopt_golden", HERE / "oracle" / "modelopt_golden.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


G = _load_golden_module()


def _package_files() -> dict[str, str]:
    """{alias: package-relative file} for every YAML in modelopt_recipes (found, not imported)."""
    spec = importlib.util.find_spec("modelopt_recipes")
    if spec is None or not spec.submodule_search_locations:
        return {}
    root = Path(next(iter(spec.submodule_search_locations)))
    files = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".yml")
    )
    return {rel.rsplit(".", 1)[0]: rel for rel in files}


FILES = _package_files()
ALIASES = sorted(FILES) or [
    pytest.param(
        None, marks=pytest.mark.skip(reason="nvidia-modelopt (modelopt_recipes) not installed")
    )
]
EXPECTED_FILE_COUNT = 150  # nvidia-modelopt 0.47.0


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(previous)


def _import_dotted(name: str) -> Any:
    module, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module), attr)


class LiveOracle:
    """ModelOpt's loaders, always run from an empty directory (``load_config`` probes the CWD
    before its built-in library); one resolution per file, cached for the whole module."""

    def __init__(self, empty_dir: Path) -> None:
        self.empty_dir = empty_dir
        with _cwd(empty_dir):
            self.oracle = G.Oracle()
        from modelopt.recipe import load_recipe
        from modelopt.torch.opt.config_loader import load_config

        self.load_recipe = load_recipe
        self.load_config = load_config
        self._resolved: dict[str, Any] = {}
        self._golden: dict[str, dict[str, Any]] = {}

    def resolve(self, alias: str):
        if alias not in self._resolved:
            with _cwd(self.empty_dir):
                found = self.oracle.resolve(FILES[alias])
            if found.error is not None:
                pytest.fail(f"ModelOpt cannot load {FILES[alias]}: {found.error!r}")
            self._resolved[alias] = found
        return self._resolved[alias]

    def golden(self, alias: str) -> dict[str, Any]:
        if alias not in self._golden:
            self._golden[alias] = G.golden_record(self.resolve(alias))
        return self._golden[alias]

    def read_back(self, path: Path, alias: str) -> Any:
        """ModelOpt's raw read of a written file (ExMy parsed, imports resolved, not validated)."""
        with _cwd(self.empty_dir):
            return self.oracle.pre_validation(path, self.resolve(alias).schema_type)

    def load_file(self, path: Path, alias: str) -> Any:
        """Load a written YAML file the way ModelOpt's built-in ``alias`` is loaded."""
        golden = self.golden(alias)
        with _cwd(self.empty_dir), contextlib.redirect_stdout(io.StringIO()):
            if golden["recipe_type"] is not None:
                return self.load_recipe(path)
            return self.load_config(path, schema_type=_import_dotted(golden["schema"]))


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory) -> LiveOracle:
    # pytest's own skip message ("could not import 'modelopt.recipe'") is what conftest turns
    # into a failure under RECIPEKIT_REQUIRE_PEERS=1, so no custom reason here.
    pytest.importorskip("modelopt.recipe")
    version = sys.modules["modelopt"].__version__
    if version != G.MODELOPT_VERSION:
        pytest.skip(
            f"modelopt_recipes of nvidia-modelopt=={G.MODELOPT_VERSION} needed, found {version}"
        )
    return LiveOracle(tmp_path_factory.mktemp("modelopt-empty-cwd"))


# --------------------------------------------------------------------------------------------
# comparison helpers
# --------------------------------------------------------------------------------------------


def _diff(expected: str, actual: str, limit: int = 80) -> str:
    lines = list(
        difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "modelopt", "recipekit", lineterm="", n=2
        )
    )
    more = f"\n... ({len(lines) - limit} more diff lines)" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


def assert_same(actual: Any, expected: Any, expected_notes: dict[str, Any], what: str) -> None:
    """``actual`` (Python data) equals ``expected`` (canonical JSON data + its annotations):
    same canonical text, tuples at the same places, non-str keys at the same places."""
    got, want, notes = canonical(actual), G.to_text(expected), annotations(actual)
    assert got == want, f"{what}: canonical JSON differs\n{_diff(want, got)}"
    for kind in ("tuple_paths", "int_key_paths"):
        assert sorted(notes[kind]) == sorted(expected_notes[kind]), (
            f"{what}: {kind} differ\n  only recipekit: "
            f"{sorted(set(notes[kind]) - set(expected_notes[kind]))}\n  only modelopt:  "
            f"{sorted(set(expected_notes[kind]) - set(notes[kind]))}"
        )


def _key_orders(value: Any, path: str = "") -> Iterator[tuple[str, list[str]]]:
    """(JSON pointer, keys in insertion order) for every mapping in ``value``."""
    if isinstance(value, dict):
        keys = [k if isinstance(k, str) else repr(k) for k in value]
        yield path, keys
        for key, item in value.items():
            yield from _key_orders(item, f"{path}/{key}")
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _key_orders(item, f"{path}/{i}")


def _factory(alias: str) -> Any:
    return recipekit.registry.get(alias)()


# --------------------------------------------------------------------------------------------
# a. factories == what ModelOpt's loader resolves now
# --------------------------------------------------------------------------------------------


def test_every_modelopt_file_is_covered(oracle: LiveOracle) -> None:
    assert len(FILES) == EXPECTED_FILE_COUNT, f"modelopt_recipes holds {len(FILES)} YAML files"
    missing = [alias for alias in ALIASES if alias not in recipekit.registry]
    assert not missing, f"{len(missing)} ModelOpt files have no recipekit factory: {missing}"


@pytest.mark.parametrize("alias", ALIASES)
def test_factory_matches_modelopt(oracle: LiveOracle, alias: str) -> None:
    golden = oracle.golden(alias)
    assert golden["annotations"]["resolved_pre_validation_error"] is None
    assert_same(
        _factory(alias),
        golden["resolved_pre_validation"],
        golden["annotations"]["resolved_pre_validation"],
        f"factory {alias!r} vs ModelOpt {golden['loader']}",
    )


@pytest.mark.parametrize("alias", ALIASES)
def test_factory_key_order_matches_modelopt(oracle: LiveOracle, alias: str) -> None:
    """Mappings keep ModelOpt's key order (only mappings with the same key set are compared;
    content differences are test_factory_matches_modelopt's business)."""
    theirs = dict(_key_orders(oracle.resolve(alias).payload))
    wrong = [
        f"{path or '/'}: recipekit {keys} != modelopt {theirs[path]}"
        for path, keys in _key_orders(_factory(alias))
        if path in theirs and sorted(keys) == sorted(theirs[path]) and keys != theirs[path]
    ]
    assert not wrong, f"{alias}: key order differs at {len(wrong)} mapping(s)\n" + "\n".join(
        wrong[:10]
    )


# --------------------------------------------------------------------------------------------
# b. recipekit.dump(expanded YAML) -> ModelOpt's own loader -> same validated config
# --------------------------------------------------------------------------------------------


#: a JSON mapping key that is an integer's text (``"-1":``), as JSON writes int keys
INT_KEY = re.compile(r'^\s*"-?\d+":', re.M)


def _write_expanded(
    alias: str, directory: Path, golden: dict[str, Any], format: str = "yaml"
) -> tuple[Path, str]:
    if golden["kind"] not in ("numeric", "unit", "preset", "recipe"):
        pytest.skip(f"{golden['kind']} file ({golden['schema']}), not a recipe/preset/numeric/unit")
    text = recipekit.dump(_factory(alias), form="expanded", format=format)  # type: ignore[arg-type]
    path = directory / Path(FILES[alias]).name
    path.write_text(text, encoding="utf-8")
    return path, text


@pytest.mark.parametrize("format", ["yaml", "json"])
@pytest.mark.parametrize("alias", ALIASES)
def test_expanded_yaml_loads_in_modelopt(
    oracle: LiveOracle, alias: str, format: str, tmp_path: Path
) -> None:
    """ModelOpt's own loader validates recipekit's YAML — and its JSON, which that loader reads
    as YAML — to the built-in file's config."""
    golden = oracle.golden(alias)
    path, text = _write_expanded(alias, tmp_path, golden, format)
    if format == "json" and INT_KEY.search(text):
        # JSON spells block_sizes' axis -1 as "-1", which ModelOpt's validator rejects (recipekit
        # decodes it back); the CLI says so on stderr and the README says to use YAML.
        with pytest.raises(Exception, match=r"block_sizes|bias|Assertion"):
            oracle.load_file(path, alias)
        return
    try:
        result = oracle.load_file(path, alias)
    except Exception as exc:
        head = "\n".join(text.splitlines()[:40])
        pytest.fail(f"ModelOpt rejects recipekit's expanded YAML for {alias}: {exc}\n---\n{head}")
    dump, dump_unset, result_type, _ = G.loader_dumps(result)
    what = f"{alias}: expanded YAML loaded by ModelOpt"
    assert result_type == golden["result_type"]
    assert_same(dump, golden["dump"], golden["annotations"]["dump"], f"{what}, model_dump()")
    assert_same(
        dump_unset,
        golden["dump_exclude_unset"],
        golden["annotations"]["dump_exclude_unset"],
        f"{what}, model_dump(exclude_unset=True) (explicit values such as axis: null)",
    )


@pytest.mark.parametrize("alias", ALIASES)
def test_expanded_yaml_reads_back_as_factory_data(
    oracle: LiveOracle, alias: str, tmp_path: Path
) -> None:
    """Before validation, too: ModelOpt's raw read of the YAML is the factory's data, ExMy
    tuples included (pydantic would coerce a ``[4, 3]`` list, hiding a lost ``e4m3``)."""
    golden = oracle.golden(alias)
    path, _ = _write_expanded(alias, tmp_path, golden)
    assert_same(
        oracle.read_back(path, alias),
        golden["resolved_pre_validation"],
        golden["annotations"]["resolved_pre_validation"],
        f"{alias}: expanded YAML read back by ModelOpt (before validation)",
    )


# --------------------------------------------------------------------------------------------
# c. real use: mtq.quantize on a tiny CPU model
# --------------------------------------------------------------------------------------------

HIDDEN, FFN, VOCAB, N_LAYERS = 32, 64, 50, 2
BLOCK_AXIS = "<from block_sizes>"


class TinyKit:
    """A tiny decoder (HF-style module names, so the recipes' patterns find their targets), a
    calibration loop, and helpers to read back every quantizer."""

    def __init__(self) -> None:
        import torch
        from modelopt.torch import quantization as mtq
        from modelopt.torch.quantization.nn import SequentialQuantizer, TensorQuantizer

        nn, F = torch.nn, torch.nn.functional
        self.torch, self.mtq = torch, mtq
        self.tensor_quantizer, self.sequential_quantizer = TensorQuantizer, SequentialQuantizer

        class KVAttention(nn.Module):
            """Scaled dot-product attention; its quantized twin exposes q/k/v BMM quantizers."""

            def forward(self, q, k, v):
                scores = q @ k.transpose(-1, -2) / q.shape[-1] ** 0.5
                return F.softmax(scores, dim=-1) @ v

        class QuantKVAttention(KVAttention):
            def _setup(self):
                self.q_bmm_quantizer = TensorQuantizer()
                self.k_bmm_quantizer = TensorQuantizer()
                self.v_bmm_quantizer = TensorQuantizer()

            def forward(self, q, k, v):
                return super().forward(
                    self.q_bmm_quantizer(q), self.k_bmm_quantizer(k), self.v_bmm_quantizer(v)
                )

        class SelfAttention(nn.Module):
            def __init__(self):
                super().__init__()
                for name in ("q_proj", "k_proj", "v_proj", "o_proj"):
                    setattr(self, name, nn.Linear(HIDDEN, HIDDEN, bias=False))
                self.attn = KVAttention()

            def forward(self, x):
                return self.o_proj(self.attn(self.q_proj(x), self.k_proj(x), self.v_proj(x)))

        class RoutedMLP(nn.Module):
            """``mlp.gate`` is a router (recipes keep it unquantized), up/down the FFN."""

            def __init__(self):
                super().__init__()
                self.gate = nn.Linear(HIDDEN, 2, bias=False)
                self.up_proj = nn.Linear(HIDDEN, FFN, bias=False)
                self.down_proj = nn.Linear(FFN, HIDDEN, bias=False)

            def forward(self, x):
                weight = F.softmax(self.gate(x), dim=-1)[..., :1]
                return weight * self.down_proj(F.silu(self.up_proj(x)))

        class Layer(nn.Module):
            def __init__(self):
                super().__init__()
                self.input_layernorm = nn.LayerNorm(HIDDEN)
                self.self_attn = SelfAttention()
                self.mlp = RoutedMLP()

            def forward(self, x):
                x = x + self.self_attn(self.input_layernorm(x))
                return x + self.mlp(x)

        class TinyDecoder(nn.Module):
            def __init__(self):
                super().__init__()
                self.embed_tokens = nn.Embedding(VOCAB, HIDDEN)
                self.layers = nn.ModuleList(Layer() for _ in range(N_LAYERS))
                self.lm_head = nn.Linear(HIDDEN, VOCAB, bias=False)

            def forward(self, ids):
                x = self.embed_tokens(ids)
                for layer in self.layers:
                    x = layer(x)
                return self.lm_head(x)

        self.attention_cls, self.model_cls = KVAttention, TinyDecoder
        mtq.register(original_cls=KVAttention, quantized_cls=QuantKVAttention)
        torch.manual_seed(0)
        self.weights = {k: v.clone() for k, v in TinyDecoder().state_dict().items()}
        rng = torch.Generator().manual_seed(1)
        self.batches = [torch.randint(0, VOCAB, (2, 8), generator=rng) for _ in range(3)]
        self.probe = torch.randint(0, VOCAB, (2, 8), generator=rng)

    def close(self) -> None:
        self.mtq.unregister(self.attention_cls)

    def quantize(self, config: dict[str, Any]):
        """A fresh model (same weights each time) quantized and calibrated with ``config``."""
        model = self.model_cls()
        model.load_state_dict(self.weights)
        model.eval()

        def forward_loop(m):
            with self.torch.no_grad():
                for batch in self.batches:
                    m(batch)

        with contextlib.redirect_stdout(io.StringIO()):
            return self.mtq.quantize(model, config, forward_loop)

    def quantizers(self, model) -> dict[str, Any]:
        return {
            name: module
            for name, module in model.named_modules()
            if isinstance(module, (self.tensor_quantizer, self.sequential_quantizer))
        }

    @staticmethod
    def state(quantizer) -> dict[str, Any]:
        blocks = quantizer.block_sizes
        return {
            "enabled": quantizer.is_enabled,
            "num_bits": quantizer.num_bits,
            # a block quantizer derives its axis from block_sizes at its first forward
            "axis": quantizer.axis if blocks is None else BLOCK_AXIS,
            "block_sizes": blocks,
        }

    def expected(self, model, quant_cfg: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Each quantizer's state as the config's entries say (report §3.5): entries apply in
        order, the last match wins; an entry with ``cfg`` resets every attribute (unset ones to
        their defaults), one without only switches ``enable``; ``parent_class`` restricts to
        quantizers whose owning module is an instance of that torch class."""
        modules = dict(model.named_modules())
        states = {name: self.state(self.tensor_quantizer()) for name in self.quantizers(model)}
        for entry in quant_cfg:
            parent = entry.get("parent_class")
            parent_cls = getattr(self.torch.nn, parent.removeprefix("nn.")) if parent else None
            enable = entry.get("enable", True)
            for name, state in states.items():
                if not fnmatch.fnmatchcase(name, entry["quantizer_name"]):
                    continue
                if parent_cls and not isinstance(modules[name.rsplit(".", 1)[0]], parent_cls):
                    continue
                cfg = entry.get("cfg")
                if cfg is None:
                    state["enabled"] = enable
                    continue
                assert isinstance(cfg, dict), "sequential cfg lists are not used by these configs"
                bits = cfg.get("num_bits", 8)
                state.update(
                    enabled=enable,
                    num_bits=tuple(bits) if isinstance(bits, list) else bits,
                    axis=cfg.get("axis") if cfg.get("block_sizes") is None else BLOCK_AXIS,
                    block_sizes=cfg.get("block_sizes"),
                )
        return states


@pytest.fixture(scope="module")
def tiny(oracle: LiveOracle) -> Iterator[TinyKit]:
    kit = TinyKit()
    yield kit
    kit.close()


FP8, INT4 = (4, 3), 4
L0 = "layers.0"
# Spot checks that spell out what each config says for a few quantizers.
SPOT_CHECKS: dict[str, dict[str, tuple[bool, Any, Any]]] = {
    "general/ptq/fp8_default-kv_fp8": {
        f"{L0}.self_attn.q_proj.weight_quantizer": (True, FP8, None),
        f"{L0}.self_attn.q_proj.input_quantizer": (True, FP8, None),
        f"{L0}.mlp.down_proj.weight_quantizer": (True, FP8, None),
        f"{L0}.input_layernorm.input_quantizer": (True, FP8, None),
        f"{L0}.self_attn.attn.k_bmm_quantizer": (True, FP8, None),
        f"{L0}.self_attn.attn.v_bmm_quantizer": (True, FP8, None),
        f"{L0}.self_attn.attn.q_bmm_quantizer": (False, None, None),
        f"{L0}.mlp.gate.weight_quantizer": (False, None, None),
        "lm_head.weight_quantizer": (False, None, None),
        "embed_tokens.weight_quantizer": (False, None, None),
    },
    "configs/ptq/presets/model/int8": {
        f"{L0}.self_attn.q_proj.weight_quantizer": (True, 8, 0),
        f"{L0}.self_attn.q_proj.input_quantizer": (True, 8, None),
        f"{L0}.mlp.up_proj.weight_quantizer": (True, 8, 0),
        f"{L0}.self_attn.attn.k_bmm_quantizer": (False, None, None),
        f"{L0}.mlp.gate.weight_quantizer": (False, None, None),
        "lm_head.input_quantizer": (False, None, None),
    },
    "configs/ptq/presets/model/int8_smoothquant": {
        f"{L0}.self_attn.o_proj.weight_quantizer": (True, 8, 0),
        f"{L0}.self_attn.o_proj.input_quantizer": (True, 8, None),
        "lm_head.weight_quantizer": (False, None, None),
    },
    "general/ptq/int4_blockwise_weight_only": {
        f"{L0}.self_attn.q_proj.input_quantizer": (False, None, None),
        f"{L0}.mlp.down_proj.weight_quantizer": (True, INT4, BLOCK_AXIS),
        "lm_head.weight_quantizer": (False, None, None),
    },
}


@pytest.mark.parametrize("alias", sorted(SPOT_CHECKS))
def test_resolved_config_quantizes_tiny_model(oracle: LiveOracle, tiny: TinyKit, alias: str):
    resolved = recipekit.resolve(alias)
    config = resolved["quantize"] if oracle.golden(alias)["kind"] == "recipe" else resolved
    model = tiny.quantize(config)
    quantizers = tiny.quantizers(model)
    assert quantizers, "mtq.quantize inserted no quantizers"

    for name, (enabled, bits, axis) in SPOT_CHECKS[alias].items():
        state = tiny.state(quantizers[name])
        assert state["enabled"] is enabled, f"{name}: enabled={state['enabled']}"
        if enabled:
            assert (state["num_bits"], state["axis"]) == (bits, axis), f"{name}: {state}"

    actual = {name: tiny.state(q) for name, q in quantizers.items()}
    expected = tiny.expected(model, config["quant_cfg"])
    wrong = {n: (actual[n], expected[n]) for n in actual if actual[n] != expected[n]}
    assert not wrong, f"quantizers not set as the config says (actual, expected): {wrong}"

    for name, q in quantizers.items():  # calibration reached every enabled quantizer
        if q.is_enabled and q.block_sizes is None:
            assert q.amax is not None, f"{name} was not calibrated"
            owner = model.get_submodule(name.rsplit(".", 1)[0])
            want = owner.weight.shape[0] if q.axis == 0 else 1
            assert q.amax.numel() == want, f"{name}: amax shape {tuple(q.amax.shape)}"

    # Behaviourally identical to the config ModelOpt loads from its own file.
    builtin = oracle.resolve(alias).result
    reference = tiny.quantize(
        (builtin.quantize if hasattr(builtin, "quantize") else builtin).model_dump()
    )
    theirs = tiny.quantizers(reference)
    assert sorted(theirs) == sorted(quantizers)
    for name, q in quantizers.items():
        assert tiny.state(q) == tiny.state(theirs[name]), name
        if q.is_enabled and q.amax is not None:
            assert tiny.torch.equal(q.amax, theirs[name].amax), f"{name}: amax differs"
    with tiny.torch.no_grad():
        assert tiny.torch.equal(model(tiny.probe), reference(tiny.probe))


# --------------------------------------------------------------------------------------------
# d. the loader's rules (tests/_modelopt_cases.py) are ModelOpt's: its own loader agrees
# --------------------------------------------------------------------------------------------
def _write_case(case: Case, root: Path) -> Path:
    for name, text in case.all_files().items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root / case.top


def _modelopt_load(oracle: LiveOracle, case: Case, top: Path) -> Any:
    if case.is_recipe:
        return oracle.load_recipe(top, overrides=list(case.overrides) or None)
    return oracle.load_config(top)


def _schema_type(oracle: LiveOracle, case: Case, file: Path) -> Any:
    cl = oracle.oracle.cl
    if case.is_recipe:
        return oracle.oracle.recipe_class(
            oracle.oracle.yaml.safe_load(file.read_text())["metadata"]["recipe_type"]
        )
    comment = cl._parse_modelopt_schema(file.read_text(), file)
    return cl._schema_type(comment) if comment else None


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_loader_case_agrees_with_modelopt(oracle: LiveOracle, case: Case, tmp_path: Path) -> None:
    top = _write_case(case, tmp_path)
    with _cwd(tmp_path), contextlib.redirect_stdout(io.StringIO()):
        if case.error is not None:
            with pytest.raises(Exception) as info:
                _modelopt_load(oracle, case, top)
            assert (case.modelopt_error or case.error) in str(info.value)
            assert case.modelopt_error is not None or isinstance(info.value, ValueError)
            return
        result = _modelopt_load(oracle, case, top)
        if top.is_dir():
            from modelopt.recipe.config import RecipeMetadataConfig
            from modelopt.torch.quantization.config import QuantizeConfig

            schemas = {"metadata": RecipeMetadataConfig, "quantize": QuantizeConfig}
            files = {
                s: next(f for f in (top / f"{s}.yml", top / f"{s}.yaml") if f.is_file())
                for s in schemas
            }
            pre = {s: oracle.oracle.pre_validation(f, schemas[s]) for s, f in files.items()}
        elif not case.overrides:
            pre = oracle.oracle.pre_validation(top, _schema_type(oracle, case, top))
        else:
            pre = None
    if pre is not None:  # ModelOpt's pre-validation payload is the table's data, exactly
        assert canonical(pre) == canonical(case.data) and annotations(pre) == annotations(case.data)
    if hasattr(result, "model_dump"):  # and the table's data validates to ModelOpt's result
        again = type(result).model_validate(case.data)
        assert again.model_dump() == result.model_dump()


@pytest.mark.parametrize("alias", [a for a in ALIASES if str(a).startswith("models/")])
def test_legacy_huggingface_models_names_load_in_modelopt(oracle: LiveOracle, alias: str) -> None:
    """ModelOpt's load_recipe still accepts the pre-0.47 ``huggingface/models/`` names, and so
    does recipekit, by name."""
    legacy = "huggingface/" + alias
    with _cwd(oracle.empty_dir), contextlib.redirect_stdout(io.StringIO()):
        theirs = oracle.load_recipe(legacy)
    assert theirs.model_dump() == oracle.resolve(alias).result.model_dump()
    golden = oracle.golden(alias)
    assert_same(
        recipekit.resolve(legacy),
        golden["resolved_pre_validation"],
        golden["annotations"]["resolved_pre_validation"],
        legacy,
    )


# --------------------------------------------------------------------------------------------
# e. the type table (recipekit/interop/modelopt_types.json) and the rules over it are ModelOpt's
# --------------------------------------------------------------------------------------------
def _load_types_module():
    spec = importlib.util.spec_from_file_location(
        "_recipekit_modelopt_types", HERE / "oracle" / "modelopt_types.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_type_table_is_regenerated_identically(oracle: LiveOracle) -> None:
    from recipekit.interop import modelopt_types

    exporter = _load_types_module()
    shipped = Path(modelopt_types.__file__).with_name("modelopt_types.json")
    assert exporter.to_text(exporter.export()) == shipped.read_text(encoding="utf-8"), (
        "run: python tests/oracle/modelopt_types.py recipekit/interop/modelopt_types.json"
    )


def _named(name: str) -> Any:
    """The object a dotted ``module.qualname`` names (the longest importable module prefix)."""
    for cut in range(name.count("."), 0, -1):
        module, qual = name.rsplit(".", cut)[0], name.split(".")[-cut:]
        try:
            obj = importlib.import_module(module)
        except ImportError:
            continue
        for part in qual:
            obj = getattr(obj, part)
        return obj
    raise LookupError(name)


def test_type_rules_match_modelopt(oracle: LiveOracle) -> None:
    """unwrap / element / child / equal over the table give what ModelOpt's own
    _unwrap_schema_type / _list_element_schema / _child_schema / _schema_equal give."""
    from recipekit.interop import modelopt_types as mt

    cl = oracle.oracle.cl
    ex = _load_types_module().Exporter()

    def term(obj: Any) -> Any:
        return None if obj is None else ex.term(obj)

    table = mt.table()
    annotations_: list[tuple[Any, Any]] = [(_named(n), t) for n, t in table["schemas"].items()]
    for name, described in table["types"].items():
        if not described:
            continue
        cls = _named(name)
        for key in (*described["fields"], "no_such_field", 0):
            assert mt.child(name, key) == term(cl._child_schema(cls, key)), (name, key)
        for key, field_term in described["fields"].items():
            hints = (
                {k: f.annotation for k, f in cls.model_fields.items()}
                if described["kind"] == "model"
                else typing.get_type_hints(cls, include_extras=True)
            )
            annotations_.append((hints[key], field_term))
    for obj, t in annotations_:
        assert mt.unwrap(t) == term(cl._unwrap_schema_type(obj)), t
        assert mt.element(t) == term(cl._list_element_schema(obj)), t
        assert mt.is_mapping_schema(t) == (
            cl._unwrap_schema_type(obj) is dict
            or typing.get_origin(cl._unwrap_schema_type(obj)) is dict
        ), t
    pairs = 0
    for left, lt in annotations_:
        for right, rt in annotations_:
            assert mt.equal(lt, rt) == cl._schema_equal(left, right), (lt, rt)
            pairs += 1
    assert pairs > 10_000
