"""ModelOpt ``tools/launcher`` files, resolved by recipekit — without the launcher package.

With the launcher installed (``modelopt_launcher``), use ``recipekit.interop.launcher`` instead:
it resolves these files into the launcher's *real* objects through ``launch()``'s signature
(``recipekit launcher FILE hf_local=/mnt/hf-local``). This module stays as an example of writing
factories for a Slurm config.

Load this module and recipekit reads every example YAML of ModelOpt's launcher (the files that
``launch.py --yaml FILE`` takes) and gives each task the same ``slurm_config`` values as nemo_run::

    recipekit resolve examples/Qwen/Qwen3-8B/hf_ptq.yaml --load examples/launcher/slurm_factory.py

It provides three things:

``slurm_factory``
    The launcher's ``SlurmConfig`` dataclass, registered as ``launcher:slurm_factory``. Defaults
    that come from the environment (``SLURM_HOST``, ``SLURM_ACCOUNT``, ``SLURM_PARTITION``,
    ``SLURM_QOS``, ``SLURM_MEM``, ``SLURM_HF_LOCAL``) are read when the factory is *called*, not
    when this module is imported. In a YAML file, the sibling keys of ``_factory_`` replace
    fields of the result; an unknown key is an error that lists the valid fields::

        slurm_config:
          _factory_: slurm_factory
          nodes: 2
          gpus_per_node: 8

``<<global_vars.X>>``
    A post-resolution hook replaces these placeholders with ``pipeline.global_vars.X`` in each
    task's ``environment`` values, ``args``, ``inline``, ``reqs`` and ``reqs_file``, as the
    launcher does when it builds the pipeline. Because hooks run after overrides,
    ``pipeline.global_vars.hf_model=...`` on the command line reaches every task. The hook also
    checks the document the way ``launch()``'s signature does: an unknown key, an unknown or
    unset global variable, or an empty ``environment:`` is reported with its key path.

The typed task of the launcher's first example
    That file says ``_target_: common.megatron_lm.quantize.task.MegatronLMQuantizeTask``.
    recipekit looks a dotted ``_target_`` up in the registry before importing anything, so a
    stand-in registered under exactly that name lets the file resolve without the launcher's
    ``common`` package. The stand-in returns the task as a plain mapping (``script``,
    ``config``, ``slurm_config``); it does not derive ``args``/``environment`` from ``config``
    as the real class does.

Overrides are recipekit's dot-list with YAML values. Two spellings differ from nemo_run's: a
factory call is a mapping, ``'pipeline.task_0.slurm_config={_factory_: "slurm_factory(nodes=4)"}'``,
and a ``launch()`` argument the file does not set is added with ``+``, ``+hf_local=/mnt/hf-local``.

Importing the module registers all of this into recipekit's default registry (what ``--load``
uses). There only documents with a top-level ``pipeline`` are checked, so other recipes keep
resolving. ``register(registry)`` sets up any other registry; its checks then apply to every
document, as with ``launch.py --yaml``.
"""

import functools
import os
import re
from dataclasses import dataclass, field
from typing import Any

import recipekit
from recipekit.resolver.errors import BadFieldError, RecipekitError, closest


def _env(var: str, default: str | None = None) -> Any:
    """A dataclass field whose default is ``$var`` (or ``default``), read at construction time."""
    return field(
        default_factory=functools.partial(os.environ.get, var, default), metadata={"env": var}
    )


def _hf_local_mounts() -> list[str]:
    hf_local = os.environ.get("SLURM_HF_LOCAL")
    return [f"{hf_local}:/hf-local"] if hf_local else []


@dataclass
class SlurmConfig:
    """Where and how one launcher task runs on Slurm: the launcher's fields and defaults.

    The corpus records these with SLURM_HOST, SLURM_ACCOUNT and SLURM_HF_LOCAL set; when they are
    unset this example chooses None, None and no mount.
    """

    host: str | None = _env("SLURM_HOST")
    port: int = 22
    account: str | None = _env("SLURM_ACCOUNT")
    partition: str = _env("SLURM_PARTITION", "batch")
    qos: str | None = _env("SLURM_QOS")
    container: str = "nvcr.io/nvidia/tensorrt-llm/release:1.3.0rc20"
    modelopt_install_path: str = "/usr/local/lib/python3.12/dist-packages/modelopt"
    container_mounts: list[str] = field(
        default_factory=_hf_local_mounts, metadata={"env": "SLURM_HF_LOCAL"}
    )
    srun_args: list[str] = field(default_factory=lambda: ["--no-container-mount-home"])
    array: str | None = None
    requeue: bool = False
    nodes: int = 1
    ntasks_per_node: int = 1
    docker_user: str | None = None
    gpus_per_node: int | None = 1
    time: str = "04:00:00"
    mem: str = _env("SLURM_MEM", "0")
    local: bool = False
    segment: int | None = None


TYPED_TASK = "common.megatron_lm.quantize.task.MegatronLMQuantizeTask"


def megatron_lm_quantize_task(
    config: dict[str, Any] | None = None, slurm_config: SlurmConfig | None = None, **task: Any
) -> dict[str, Any]:
    """Stand-in for the launcher's typed ``MegatronLMQuantizeTask`` (see the module docstring)."""
    script = "common/megatron_lm/quantize/quantize.sh"
    return {"script": script, **task, "config": dict(config or {}), "slurm_config": slurm_config}


# What launch() and the launcher's dataclasses accept (their signatures, as nemo_run checks them).
LAUNCH_ARGS = ("job_name", "job_dir", "pipeline", "hf_local", "user", "identity", "detach", "clean")
TASK_SLOTS = tuple(f"task_{i}" for i in range(5))
PIPELINE_FIELDS = ("global_vars", *TASK_SLOTS, "assets", "test_level", "allow_to_fail", "skip", "note", "task_configs")  # fmt: skip
TASK_FIELDS = ("script", "inline", "reqs", "reqs_file", "slurm_config", "args", "environment", "yaml_file", "skip", "config")  # fmt: skip
GLOBAL_VARS = ("hf_model", "hf_data", "hf_local", "output_dir", "draft_model")
SUBSTITUTED = ("environment", "args", "inline", "reqs", "reqs_file")
_PLACEHOLDER = re.compile(r"<<global_vars\.(\w+)>>")


def _check_keys(mapping: Any, valid: tuple[str, ...], path: tuple[Any, ...], what: str) -> None:
    if not isinstance(mapping, dict):
        raise RecipekitError(
            f"expected a mapping of {what} keys, got {type(mapping).__name__}", path=path
        )
    for key in mapping:
        if key not in valid:
            raise BadFieldError(
                f"{what} has no field {key!r}",
                path=(*path, key),
                suggestions=closest(str(key), valid),
                choices=valid,
            )


def _substitute(value: Any, global_vars: dict[str, Any], path: tuple[Any, ...]) -> Any:
    """``value`` with every ``<<global_vars.X>>`` in its strings replaced."""
    if isinstance(value, list):
        return [_substitute(v, global_vars, (*path, i)) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _substitute(v, global_vars, (*path, k)) for k, v in value.items()}
    if not isinstance(value, str):
        return value

    def lookup(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in GLOBAL_VARS:
            raise BadFieldError(
                f"unknown global variable in {match.group(0)!r}",
                path=path,
                suggestions=closest(name, GLOBAL_VARS),
                choices=GLOBAL_VARS,
            )
        if global_vars.get(name) is None:
            raise RecipekitError(
                f"{match.group(0)!r} refers to a global variable that is not set",
                path=path,
                hint=f"set pipeline.global_vars.{name}",
            )
        return str(global_vars[name])

    return _PLACEHOLDER.sub(lookup, value)


def finish_launch_document(data: Any, *, strict: bool = True) -> Any:
    """Check a resolved launcher document and substitute its ``<<global_vars.X>>`` placeholders.

    With ``strict=False`` a document without a top-level ``pipeline`` is returned unchanged.
    """
    if not strict and not (isinstance(data, dict) and "pipeline" in data):
        return data
    _check_keys(data, LAUNCH_ARGS, (), "launch()")
    pipeline = data.get("pipeline")
    if pipeline is None:
        return data
    _check_keys(pipeline, PIPELINE_FIELDS, ("pipeline",), "SandboxPipeline")
    global_vars = pipeline.get("global_vars") or {}
    _check_keys(global_vars, GLOBAL_VARS, ("pipeline", "global_vars"), "GlobalVariables")
    pipeline = dict(pipeline)
    for slot in TASK_SLOTS:
        task, path = pipeline.get(slot), ("pipeline", slot)
        if task is None:
            continue
        _check_keys(task, TASK_FIELDS, path, "SandboxTask")
        for key in ("args", "environment"):
            if key in task and not isinstance(task[key], list):
                raise RecipekitError(
                    f"expected a list, got {task[key]!r}",
                    path=(*path, key),
                    hint=f"an empty `{key}:` is null; give it entries or delete the key",
                )
        config = task.get("slurm_config")
        if not isinstance(config, SlurmConfig | None):
            hint = "write `_factory_: slurm_factory` plus the fields to change"
            if isinstance(config, str):  # e.g. the override slurm_config=slurm_factory(nodes=4)
                hint = f"a factory call is a mapping: slurm_config={{_factory_: {config!r}}}"
            raise RecipekitError(
                f"expected a SlurmConfig, got {type(config).__name__}",
                path=(*path, "slurm_config"),
                hint=hint,
            )
        pipeline[slot] = {
            k: _substitute(v, global_vars, (*path, k)) if k in SUBSTITUTED else v
            for k, v in task.items()
        }
    return {**data, "pipeline": pipeline}


def register(registry: recipekit.Registry, *, strict: bool = True) -> None:
    """Register ``slurm_factory``, the typed-task stand-in and the post-resolution hook."""
    if "launcher:slurm_factory" in registry:  # already set up (e.g. the module loaded twice)
        return
    registry.register(SlurmConfig, name="slurm_factory", namespace="launcher")
    registry.register(megatron_lm_quantize_task, name=TYPED_TASK, namespace="launcher")
    registry.on_resolved(functools.partial(finish_launch_document, strict=strict))


register(recipekit.registry, strict=False)
