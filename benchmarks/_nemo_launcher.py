"""A minimal stand-in for ModelOpt's ``tools/launcher`` entry point, to drive nemo_run 0.11.1.

The launcher's own code is not part of this repository, so the benchmark re-creates only what
nemo_run needs to parse and build the launcher's example YAML files, written from the facts in
``shared/reference/launcher`` (field names, defaults and types recorded there) and
``shared/reference/nemo_run-0.11.1/spec.md`` §8:

* ``SlurmConfig`` (dataclass) and ``slurm_factory``, registered with ``@run.cli.factory`` and
  ``@run.autoconvert`` like the original, its defaults read from ``SLURM_*`` variables at import;
* ``GlobalVariables``, ``SandboxTask`` + ``SandboxTask0..4`` (``slurm_config`` annotated
  ``SlurmConfig``, which is how nemo_run finds ``slurm_factory`` by type);
* ``SandboxPipeline`` whose ``__post_init__`` collects ``tasks`` and substitutes
  ``<<global_vars.X>>`` in each task's ``environment`` values, ``args``, ``inline``, ``reqs`` and
  ``reqs_file`` (it runs during ``fiddle.build``);
* ``launch``, a ``@run.cli.entrypoint`` with the launcher's parameters; it is never called.

The benchmark checks, untimed, that building each example with this stand-in gives the
``built`` tree recorded in the reference corpus.

Import this module only with nemo_run importable and the ``SLURM_*`` environment already set.
No ``from __future__ import annotations`` here: it breaks ``@run.cli.factory`` (spec §10.10), and
``typing.List``/``Optional`` on purpose: nemo_run 0.11.1 cannot parse PEP 604 unions (spec §10).
"""

# ruff: noqa: UP006, UP035, UP045, RUF013

import os
import re
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Dict, List, Optional

import nemo_run as run

_HF_LOCAL = os.environ.get("SLURM_HF_LOCAL", "/hf-local")


@dataclass
class SlurmConfig:
    host: str = None
    port: int = 22
    account: str = None
    partition: str = "batch"
    qos: str = None
    container: str = None
    modelopt_install_path: str = "/usr/local/lib/python3.12/dist-packages/modelopt"
    container_mounts: List[str] = None
    srun_args: List[str] = None
    array: str = None
    requeue: bool = False
    nodes: int = 1
    ntasks_per_node: int = 1
    docker_user: str = None
    gpus_per_node: Optional[int] = 1
    time: str = "04:00:00"
    mem: str = "0"
    local: bool = False
    segment: Optional[int] = None


@run.cli.factory
@run.autoconvert
def slurm_factory(
    host: str = os.environ.get("SLURM_HOST", ""),
    port: int = 22,
    account: str = os.environ.get("SLURM_ACCOUNT"),
    partition: str = os.environ.get("SLURM_PARTITION", "batch"),
    qos: str = os.environ.get("SLURM_QOS"),
    container: str = "nvcr.io/nvidia/tensorrt-llm/release:1.3.0rc20",
    modelopt_install_path: str = "/usr/local/lib/python3.12/dist-packages/modelopt",
    container_mounts: List[str] = [f"{_HF_LOCAL}:/hf-local"],  # noqa: B006  (shared, as upstream)
    srun_args: List[str] = ["--no-container-mount-home"],  # noqa: B006
    array: str = None,
    requeue: bool = False,
    nodes: int = 1,
    ntasks_per_node: int = 1,
    docker_user: str = None,
    gpus_per_node: int = 1,
    time: str = "04:00:00",
    mem: str = os.environ.get("SLURM_MEM", "0"),
    local: bool = False,
    segment: int = None,
) -> SlurmConfig:
    return SlurmConfig(
        host=host,
        port=port,
        account=account,
        partition=partition,
        qos=qos,
        container=container,
        modelopt_install_path=modelopt_install_path,
        container_mounts=container_mounts,
        srun_args=srun_args,
        array=array,
        requeue=requeue,
        nodes=nodes,
        ntasks_per_node=ntasks_per_node,
        docker_user=docker_user,
        gpus_per_node=gpus_per_node,
        time=time,
        mem=mem,
        local=local,
        segment=segment,
    )


@dataclass
class GlobalVariables:
    hf_model: str = None
    hf_data: str = None
    hf_local: str = None
    output_dir: str = None
    draft_model: str = None


@dataclass
class SandboxTask:
    script: str = None
    inline: str = None
    reqs: str = None
    reqs_file: str = None
    slurm_config: SlurmConfig = None
    args: List[str] = None
    environment: List[Dict[str, str]] = None
    yaml_file: str = None
    skip: bool = False


# One class per slot, as in the launcher (each slot gets its own Config type in nemo_run).
@dataclass
class SandboxTask0(SandboxTask):
    pass


@dataclass
class SandboxTask1(SandboxTask):
    pass


@dataclass
class SandboxTask2(SandboxTask):
    pass


@dataclass
class SandboxTask3(SandboxTask):
    pass


@dataclass
class SandboxTask4(SandboxTask):
    pass


_GLOBAL = re.compile(r"<<global_vars\.(\w+)>>")


@dataclass
class SandboxPipeline:
    global_vars: GlobalVariables = None
    task_0: SandboxTask0 = None
    task_1: SandboxTask1 = None
    task_2: SandboxTask2 = None
    task_3: SandboxTask3 = None
    task_4: SandboxTask4 = None
    tasks: List[SandboxTask] = None
    assets: List[str] = None
    test_level: int = 0
    allow_to_fail: bool = False
    skip: bool = False
    note: str = ""
    task_configs: Dict[str, Any] = None
    _factory_lookup: Dict[str, Any] = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.tasks is None:
            slots = (self.task_0, self.task_1, self.task_2, self.task_3, self.task_4)
            self.tasks = [t for t in slots if t is not None]
        if self.global_vars is None:
            return
        values = {f.name: getattr(self.global_vars, f.name) for f in fields(self.global_vars)}

        def sub(text):
            if not isinstance(text, str):
                return text
            return _GLOBAL.sub(lambda m: str(values.get(m.group(1))), text)

        for task in self.tasks:
            task.inline = sub(task.inline)
            task.reqs = sub(task.reqs)
            task.reqs_file = sub(task.reqs_file)
            if task.args is not None:
                task.args = [sub(a) for a in task.args]
            if task.environment is not None:
                task.environment = [{k: sub(v) for k, v in e.items()} for e in task.environment]


@run.cli.entrypoint
def launch(
    job_name: str = "01_job",
    job_dir: str = os.environ.get("SLURM_JOB_DIR", "."),
    pipeline: SandboxPipeline = None,
    hf_local: str = None,
    user: Optional[str] = None,
    identity: str = None,
    detach: bool = False,
    clean: bool = False,
) -> None:
    raise RuntimeError("the benchmark stand-in never launches anything")


def to_plain(obj: Any) -> Any:
    """A built tree as plain data in the corpus' ``built`` format (type names without module)."""
    if is_dataclass(obj) and not isinstance(obj, type):
        out = {"__type__": type(obj).__qualname__}
        out.update({f.name: to_plain(getattr(obj, f.name)) for f in fields(obj)})
        return out
    if isinstance(obj, dict):
        return {k: to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    if hasattr(obj, "func") and hasattr(obj, "keywords"):  # functools.partial
        return {"args": [to_plain(a) for a in obj.args], "keywords": to_plain(obj.keywords)}
    return obj
