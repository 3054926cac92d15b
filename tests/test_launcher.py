"""ModelOpt ``tools/launcher`` examples resolved by recipekit, checked against nemo_run 0.11.1.

The corpus (``shared/reference/launcher``) holds every example YAML of the launcher with what
``launch.py --yaml FILE [overrides]`` resolved it to under nemo_run: each task's ``SlurmConfig``,
the built task fields (after the launcher's ``<<global_vars.X>>`` substitution) or the error.
recipekit resolves the same text with ``examples/launcher/slurm_factory.py`` loaded into a fresh
registry, under the environment the case was recorded with, and must give the same values; the
files nemo_run rejects must be rejected with a ``RecipekitError`` that names the key path.

Where recipekit differs on purpose (YAML scalar types are kept, not ``str()``-ed; an override value
is YAML, so a flow list needs no Python quoting), the tests assert recipekit's behaviour:
``_as_nemo_run`` projects a kept type onto nemo_run's string, ``ACCEPTED_OVERRIDES`` lists the
override cases recipekit accepts.
"""

import dataclasses
import importlib.util
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import recipekit

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = Path(os.environ.get("RECIPEKIT_REFERENCE", ROOT / ".." / "shared" / "reference"))
CORPUS = REFERENCE / "launcher"
PLUGIN = ROOT / "examples" / "launcher" / "slurm_factory.py"
TASK_FIELDS = ("script", "inline", "reqs", "reqs_file", "args", "environment")

# nemo_run rejects these example files; recipekit must too, naming one of these key paths.
REJECTED = {
    "MiniMax/MiniMax-M2.7-DFlash/accelerate_fsdp2_hybrid": ("compute_environment",),
    "Qwen/Qwen3.5-4B/hf_online_dflash": ("pipeline.task_0.environment",),
    "moonshotai/Kimi-K2.5/specdec_bench": ("pipeline.global_vars.draft_model_dir",),
    # OmegaConf (nemo_run) fails on `???` inside `${deployment.checkpoint_path}`; either that
    # interpolation or the first key that is no launch() argument must be named.
    "nvidia/NVIDIA-Nemotron-3-Nano-30B-A3B-BF16/nemo_evaluator": (
        "deployment.checkpoint_path",
        "defaults",
    ),
}

# Override cases where nemo_run gives an error and recipekit a result (a deliberate difference).
ACCEPTED_OVERRIDES = {
    # `key=` is a YAML empty value, i.e. null; nemo_run rejects an empty value.
    "_overrides/05_typed_config_hf_local_empty": {
        ("pipeline", "task_0", "config", "hf_local"): None
    },
    # The command printed in hf_ptq.yaml's header: a YAML flow list, substituted afterwards.
    "_overrides/09_rejected_doc_unquoted_list": {
        ("pipeline", "task_0", "args"): [
            "--model",
            "/hf-local/Qwen/Qwen3-8B",
            "--",
            "--quant",
            "nvfp4",
        ]
    },
}


# ----------------------------------------------------------------------------- corpus access
def _case_params(pattern: str) -> list:
    if not (CORPUS / "cases").is_dir():
        reason = f"launcher corpus not found at {CORPUS} (set RECIPEKIT_REFERENCE)"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-corpus")]
    paths = sorted((CORPUS / "cases").glob(pattern))
    return [pytest.param(p, id=str(p.relative_to(CORPUS / "cases").with_suffix(""))) for p in paths]


EXAMPLES = [p for p in _case_params("**/*.json") if "_overrides" not in str(p.values[0])]
OVERRIDES = _case_params("_overrides/*.json")


@pytest.fixture(scope="module")
def plugin():
    """The plugin module, imported from its file (as ``--load`` does)."""
    name = "recipekit_example_launcher_plugin"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, PLUGIN)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def registry(plugin):
    reg = recipekit.Registry()
    plugin.register(reg)
    return reg


def _load_case(path: Path, monkeypatch, tmp_path: Path) -> tuple[dict, Path]:
    """The case, its recorded environment applied, and its input YAML written to ``tmp_path``."""
    case = json.loads(path.read_text())
    for var in case["env_unset"]:
        monkeypatch.delenv(var, raising=False)
    for var, value in case["env"].items():
        monkeypatch.setenv(var, value.replace("<tmp>", str(tmp_path)))
    source = tmp_path / Path(case["yaml_arg"]).name
    source.write_text(case["input_yaml"])
    return case, source


def _as_nemo_run(key: str, value):
    """The value nemo_run holds for a launcher field typed ``str`` (it ``str()``-s YAML scalars)."""
    if key == "environment" and isinstance(value, list):
        return [{k: _as_nemo_run("str", v) for k, v in item.items()} for item in value]
    if key in ("str", "note") and not isinstance(value, str):
        return str(value)
    return value


def _assert_like_nemo_run(data, case: dict, plugin) -> None:
    """``data`` (recipekit's result) holds the tasks, slurm configs and values of ``case``."""
    built = case["built"]["keywords"]
    pipeline, expected = data["pipeline"], built["pipeline"]
    assert data["job_name"] == built["job_name"]
    if "note" in pipeline:  # else the launcher's default ("")
        assert _as_nemo_run("note", pipeline["note"]) == expected["note"]
    ours_vars = {k: v for k, v in (pipeline.get("global_vars") or {}).items() if v is not None}
    theirs_vars = {k: v for k, v in (expected["global_vars"] or {}).items() if v is not None}
    theirs_vars.pop("__type__", None)
    assert ours_vars == theirs_vars

    slots = [r["slot"] for r in case["resolved_slurm_configs"]]
    assert [s for s in plugin.TASK_SLOTS if pipeline.get(s) is not None] == slots
    for record in case["resolved_slurm_configs"]:
        task, built_task = pipeline[record["slot"]], expected[record["slot"]]
        config = task["slurm_config"]
        assert isinstance(config, plugin.SlurmConfig), record["slot"]
        fields = {f.name: getattr(config, f.name) for f in dataclasses.fields(config)}
        assert list(fields) == list(record["slurm_config"])  # same fields, same order
        assert fields == record["slurm_config"], record["slot"]

        typed = not record["task_type"].startswith("modelopt_launcher.")
        for key in TASK_FIELDS:
            if typed and key in ("args", "environment"):
                continue  # the real typed class derives these from `config`; the stand-in does not
            ours = _as_nemo_run(key, task.get(key))
            assert ours == built_task[key], f"{record['slot']}.{key}"
        if typed:
            assert task["config"].items() <= built_task["config"].items()


# ----------------------------------------------------------------------------- the corpus
@pytest.mark.parametrize("path", EXAMPLES)
def test_example_resolves_like_nemo_run(path, plugin, registry, monkeypatch, tmp_path):
    case, source = _load_case(path, monkeypatch, tmp_path)
    if case["stage"] == "ok":
        _assert_like_nemo_run(recipekit.resolve(source, registry=registry), case, plugin)
        return
    with pytest.raises(recipekit.RecipekitError) as caught:
        recipekit.resolve(source, registry=registry)
    message = str(caught.value)
    named = REJECTED.get(case["id"])
    assert named is not None, f"new rejected case {case['id']}: add it to REJECTED ({message})"
    assert any(_names_path(message, p) for p in named), message


def _names_path(message: str, path: str) -> bool:
    """``message`` names the key path ``a.b.c`` (recipekit renders list items as ``[i]``)."""
    return re.search(rf"(^|[\s:'\"`.]){re.escape(path)}($|[\s:'\"`.\[])", message) is not None


@pytest.mark.parametrize("path", OVERRIDES)
def test_override_agrees_with_nemo_run(path, plugin, registry, monkeypatch, tmp_path):
    case, source = _load_case(path, monkeypatch, tmp_path)
    document = recipekit.resolve(source, registry=registry)
    overrides = [to_recipekit_override(o, registry, document) for o in case["overrides"]]
    if case["id"] in ACCEPTED_OVERRIDES:
        data = recipekit.resolve(source, overrides, registry=registry)
        for key_path, value in ACCEPTED_OVERRIDES[case["id"]].items():
            node = data
            for key in key_path:
                node = node[key]
            assert node == value, key_path
        return
    if case["stage"] == "ok":
        data = recipekit.resolve(source, overrides, registry=registry)
        _assert_like_nemo_run(data, case, plugin)
        return
    with pytest.raises(recipekit.RecipekitError) as caught:
        recipekit.resolve(source, overrides, registry=registry)
    key = case["overrides"][-1].partition("=")[0]
    assert _names_path(str(caught.value), key) or key.rpartition(".")[2] in str(caught.value)


def to_recipekit_override(item: str, registry, document=None) -> str:
    """nemo_run's ``key=value`` CLI item as a recipekit dot-list item.

    Both address the same key path. A nemo_run value naming a registered factory
    (``slurm_factory`` or ``slurm_factory(nodes=4)``) becomes ``{_factory_: ...}``; any other value
    is passed on as written, which recipekit reads as YAML. nemo_run may set any parameter the
    YAML left out; recipekit wants such a new key marked ``+`` (the plugin's hook then checks it
    against ``launch()``'s parameters), so a key missing from ``document`` gets the ``+``.
    """
    key, value = re.fullmatch(r"([\w.]+)=(.*)", item, re.S).groups()
    call = re.fullmatch(r"([\w.]+)(\(.*\))?", value)
    if call and call.group(1) in registry:
        value = f"{{_factory_: {json.dumps(value)}}}"
    *parents, last = key.split(".")
    node = document
    for step in parents:
        node = node.get(step) if isinstance(node, dict) else None
    new = isinstance(node, dict) and last not in node
    return f"{'+' if new else ''}{key}={value}"


# ----------------------------------------------------------------------------- the plugin itself
LAUNCH_YAML = """\
job_name: demo
pipeline:
  note:
  global_vars:
    hf_model: Qwen/Qwen3-8B
  task_0:
    script: common/hf/ptq.sh
    args: [--model <<global_vars.hf_model>>]
    environment:
      - TP: 1
    slurm_config:
      _factory_: slurm_factory
      nodes: 2
  task_1:
    script: common/hf/ptq.sh
    slurm_config: {_factory_: slurm_factory}
"""


def test_env_defaults_are_read_at_call_time(registry, monkeypatch):
    monkeypatch.setenv("SLURM_HOST", "login.example")
    monkeypatch.setenv("SLURM_PARTITION", "debug")
    monkeypatch.setenv("SLURM_QOS", "high")
    monkeypatch.setenv("SLURM_MEM", "64G")
    monkeypatch.setenv("SLURM_HF_LOCAL", "/data/hf")
    monkeypatch.delenv("SLURM_ACCOUNT", raising=False)
    config = recipekit.resolve(LAUNCH_YAML, registry=registry)["pipeline"]["task_0"]["slurm_config"]
    assert (config.host, config.account, config.partition, config.qos, config.mem) == (
        "login.example",
        None,
        "debug",
        "high",
        "64G",
    )
    assert config.container_mounts == ["/data/hf:/hf-local"]
    monkeypatch.delenv("SLURM_PARTITION")
    monkeypatch.delenv("SLURM_HF_LOCAL")
    config = recipekit.resolve(LAUNCH_YAML, registry=registry)["pipeline"]["task_0"]["slurm_config"]
    assert (config.partition, config.container_mounts) == ("batch", [])


def test_yaml_types_are_kept_and_lists_are_not_shared(registry):
    pipeline = recipekit.resolve(LAUNCH_YAML, registry=registry)["pipeline"]
    assert pipeline["note"] is None  # nemo_run: the string "None"
    assert pipeline["task_0"]["environment"] == [{"TP": 1}]  # nemo_run: "1"
    assert pipeline["task_0"]["args"] == ["--model Qwen/Qwen3-8B"]
    first, second = pipeline["task_0"]["slurm_config"], pipeline["task_1"]["slurm_config"]
    assert (first.nodes, second.nodes) == (2, 1)
    assert first.srun_args == second.srun_args and first.srun_args is not second.srun_args


def test_unknown_slurm_field_lists_the_valid_fields(registry):
    text = LAUNCH_YAML.replace("nodes: 2", "gpus: 8")
    with pytest.raises(recipekit.RecipekitError) as caught:
        recipekit.resolve(text, registry=registry)
    message = str(caught.value)
    assert "gpus" in message and "gpus_per_node" in message, message
    assert _names_path(message, "pipeline.task_0.slurm_config") or _names_path(
        message, "pipeline.task_0.slurm_config.gpus"
    ), message


@pytest.mark.parametrize(
    ("placeholder", "words"),
    [
        ("<<global_vars.hf_modle>>", ("hf_model",)),
        ("<<global_vars.output_dir>>", ("output_dir", "not set")),
    ],
    ids=["unknown", "unset"],
)
def test_bad_global_var_is_named(registry, placeholder, words):
    text = LAUNCH_YAML.replace("<<global_vars.hf_model>>", placeholder)
    with pytest.raises(recipekit.RecipekitError) as caught:
        recipekit.resolve(text, registry=registry)
    message = str(caught.value)
    assert _names_path(message, "pipeline.task_0.args[0]"), message
    assert all(word in message for word in words), message


def test_global_var_override_reaches_every_task(registry):
    data = recipekit.resolve(
        LAUNCH_YAML, ["pipeline.global_vars.hf_model=Qwen/Qwen3-0.6B"], registry=registry
    )
    assert data["pipeline"]["task_0"]["args"] == ["--model Qwen/Qwen3-0.6B"]


def test_factory_override_replaces_the_whole_config(registry):
    """nemo_run's ``k=slurm_factory(nodes=4)`` drops the YAML siblings (corpus ``_overrides/08``)."""
    item = to_recipekit_override("pipeline.task_0.slurm_config=slurm_factory(nodes=4)", registry)
    data = recipekit.resolve(
        LAUNCH_YAML.replace("nodes: 2", "gpus_per_node: 8"), [item], registry=registry
    )
    config = data["pipeline"]["task_0"]["slurm_config"]
    assert (config.nodes, config.gpus_per_node) == (4, 1)


def test_factory_call_as_a_plain_string_gets_a_hint(registry):
    item = "pipeline.task_0.slurm_config=slurm_factory(nodes=4)"  # nemo_run's spelling, as is
    with pytest.raises(recipekit.RecipekitError) as caught:
        recipekit.resolve(LAUNCH_YAML, [item], registry=registry)
    message = str(caught.value)
    assert _names_path(message, "pipeline.task_0.slurm_config"), message
    assert "{_factory_: 'slurm_factory(nodes=4)'}" in message, message


def test_non_launcher_text_is_rejected_only_by_a_strict_registry(plugin, tmp_path):
    stub = tmp_path / "nemo_evaluator.yaml"  # the git symlink checked out as a text stub
    stub.write_text("../../../../../examples/megatron_bridge/tutorials/nemo_evaluator.yaml\n")
    strict = recipekit.Registry()
    plugin.register(strict)
    with pytest.raises(recipekit.RecipekitError, match=r"mapping of launch\(\) keys"):
        recipekit.resolve(stub, registry=strict)
    lenient = recipekit.Registry()
    plugin.register(lenient, strict=False)
    assert recipekit.resolve({"compute_environment": "LOCAL_MACHINE"}, registry=lenient) == {
        "compute_environment": "LOCAL_MACHINE"
    }


def test_plugin_registers_into_the_default_registry(plugin):
    entry = recipekit.registry.get("launcher:slurm_factory")
    assert entry.func().__class__.__name__ == "SlurmConfig"
    assert recipekit.registry.get(plugin.TYPED_TASK).namespace == "launcher"


def test_command_line_load(registry, tmp_path):
    """``recipekit resolve FILE KEY=VALUE... --load slurm_factory.py`` in a fresh process."""
    path = CORPUS / "cases" / "_overrides" / "07_multitask_anchor_top_level.json"
    if not path.is_file():
        pytest.skip(f"launcher corpus not found at {CORPUS}")
    case = json.loads(path.read_text())
    source = tmp_path / Path(case["yaml_arg"]).name
    source.write_text(case["input_yaml"])
    document = recipekit.resolve(source, registry=registry)
    overrides = [to_recipekit_override(o, registry, document) for o in case["overrides"]]
    env = {k: v.replace("<tmp>", str(tmp_path)) for k, v in case["env"].items()}
    env.update(PATH=os.environ.get("PATH", ""), PYTHONPATH=str(ROOT))
    argv = [sys.executable, "-m", "recipekit", "resolve", str(source), *overrides]
    argv += ["--format", "json", "--load", str(PLUGIN)]
    run = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    pipeline = json.loads(run.stdout)["pipeline"]
    for record in case["resolved_slurm_configs"]:
        assert pipeline[record["slot"]]["slurm_config"] == record["slurm_config"]
    assert "--model /scratchspace/cli_out " in pipeline["task_1"]["inline"]
