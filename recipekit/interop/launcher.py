"""ModelOpt's launcher (``tools/launcher``) driven by recipekit, with the launcher's own classes.

``launch.py --yaml FILE [overrides]`` parses a YAML file and ``key=value`` words into the keyword
arguments of ``launch()`` with NeMo-Run. This module does the same with recipekit's resolver, so
the result is made of the launcher's *real* objects — a ``SandboxPipeline`` whose
``__post_init__`` has run (``<<global_vars.X>>`` substituted, ``tasks`` collected), each task's
``SlurmConfig`` made by the launcher's own ``slurm_factory`` — and is handed to ``launch()``
unchanged::

    from recipekit.interop import launcher
    from modelopt_launcher.launch import launch

    kwargs = launcher.resolve("examples/Qwen/Qwen3-8B/hf_ptq.yaml",
                              ["pipeline.task_0.slurm_config.nodes=2", "hf_local=/mnt/hf-local"])
    launch(**kwargs)      # exactly what `launch.py --yaml ... <overrides>` runs: Slurm, or
                          # local Docker with hf_local; NeMo-Run's executors do the rest

or on the command line (``--to-yaml OUT`` writes the argument document after the overrides, with
``_target_: modelopt_launcher.launch.launch`` + ``_partial_: true`` at its root — the shape
NeMo-Run's ``--to-yaml`` writes — and resolving that file gives the same objects; ``--run``
calls ``launch()``)::

    recipekit launcher examples/Qwen/Qwen3-8B/hf_ptq.yaml hf_local=/mnt/hf-local \
        'pipeline.task_0.slurm_config=slurm_factory(nodes=4)' --to-yaml job.yaml

``registry()`` builds a ``Registry`` from the importable package (``modelopt_launcher``, which
imports ``nemo_run``): ``launch`` is its entry point (also under ``launch`` and
``__main__.launch``, the name NeMo-Run writes); every factory the launcher registered with its
``register_factory`` is a recipekit factory (``slurm_factory``, unwrapped from
``run.autoconvert`` so it returns the ``SlurmConfig`` itself); every dataclass of the launcher's
modules is registered under its dotted name, so a ``_target_`` naming one needs no import; the
typed task modules under the package's ``common/`` (``common/**/task.py``, imported with the
package directory on ``sys.path`` as ``launch.py`` sees them) are registered the same way.
Everything else follows from ``launch()``'s signature (``resolver/entrypoint.py``): top-level
keys are its parameters (``hf_local=/mnt/hf-local`` needs no ``+``), every field is typed down to
``pipeline.task_0.slurm_config.nodes``, and ``slurm_config=slurm_factory(nodes=4)`` is a factory
call.

The launcher reads ``SLURM_HOST``, ``SLURM_ACCOUNT``, ``SLURM_PARTITION``, ``SLURM_QOS``,
``SLURM_MEM`` and ``SLURM_HF_LOCAL`` when ``slurm_config`` is *imported* (they are default
argument values of ``slurm_factory``): set them before the first ``registry()`` call.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from recipekit.resolver.registry import Registry

# (Everything else is imported where it is used: the CLI builds this module's argument parser on
# every start, so importing it must cost nothing.)

PACKAGE = "modelopt_launcher"
LAUNCH = "modelopt_launcher.launch.launch"
ALIASES = ("launch", "__main__.launch")


def registry(package: str = PACKAGE) -> Registry:
    """A registry holding the launcher's entry point, factories and dataclasses (cached)."""
    from recipekit.resolver import caches

    table = caches.table("launcher.registry", limit=4)
    found = table.get(package)
    if found is None:
        found = table.put(package, _build_registry(package))
    return found


def _import(name: str) -> Any:
    import importlib

    from recipekit.resolver.errors import SourceError

    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise SourceError(
            f"cannot import the launcher ({name}): {exc}",
            expected="the ModelOpt launcher package importable as modelopt_launcher (and nemo_run)",
            hint="pip install -e Model-Optimizer/tools/launcher, or put its parent on PYTHONPATH",
        ) from None


def _build_registry(package: str) -> Registry:
    import inspect

    from recipekit.resolver.registry import Registry

    launch_module = _import(f"{package}.launch")
    core = _import(f"{package}.core")
    reg = Registry()
    reg.entrypoint(launch_module.launch, name=LAUNCH, aliases=ALIASES)
    for name, func in getattr(core, "_FACTORY_REGISTRY", {}).items():  # register_factory's table
        reg.register(inspect.unwrap(func), name=name, namespace="launcher")
    modules = [sys.modules[n] for n in list(sys.modules) if n.startswith(f"{package}.")]
    for module in [*modules, *_task_modules(launch_module)]:
        _register_dataclasses(reg, module)
    return reg


def _task_modules(launch_module: Any) -> list[Any]:
    """The typed task modules of the launcher (``common/**/task.py``), imported as the launcher
    itself imports them: with its own directory on ``sys.path``."""
    import glob
    import importlib

    base = getattr(launch_module, "LAUNCHER_DIR", None)
    if not base:
        return []
    found = sorted(glob.glob(os.path.join(base, "common", "**", "task.py"), recursive=True))
    if not found:
        return []
    if base not in sys.path:
        sys.path.append(base)
    out = []
    for path in found:
        name = os.path.relpath(path, base)[: -len(".py")].replace(os.sep, ".")
        try:
            out.append(importlib.import_module(name))
        except Exception:  # a task module that does not import is simply not offered
            continue
    return out


def _register_dataclasses(reg: Registry, module: Any) -> None:
    import dataclasses

    for value in vars(module).values():
        if (
            isinstance(value, type)
            and dataclasses.is_dataclass(value)
            and value.__module__ == module.__name__
            and not value.__name__.startswith("_")
        ):
            name = f"{value.__module__}.{value.__qualname__}"
            if name not in reg:
                reg.register(value, name=name, namespace="launcher")


def resolve_full(source: Any, overrides: Iterable[str] = (), *, package: str = PACKAGE) -> Any:
    """The ``Resolution`` of a launcher YAML plus overrides (``.data``: ``launch()``'s kwargs)."""
    from pathlib import Path

    from recipekit.api import resolve_full as _resolve_full

    if isinstance(source, str) and os.path.isfile(source):
        source = Path(source)
    return _resolve_full(source, overrides, registry=registry(package), entrypoint=LAUNCH)


def resolve(source: Any, overrides: Iterable[str] = (), *, package: str = PACKAGE) -> dict:
    """The keyword arguments ``launch()`` takes for a launcher YAML plus ``key=value`` overrides:
    real ``SandboxPipeline``/``SlurmConfig`` objects, ``__post_init__`` effects included."""
    return resolve_full(source, overrides, package=package).data


def to_yaml(resolution: Any) -> str:
    """The argument document after overrides, rooted at ``_target_: launch``/``_partial_: true``."""
    from recipekit.resolver import keys, serialize

    args = serialize.to_plain(resolution.document.data)
    return serialize.emit_yaml({keys.TARGET: LAUNCH, keys.PARTIAL: True, **args})


# ----------------------------------------------------------------------------- command line
def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``recipekit launcher`` subcommand's arguments."""
    parser.add_argument("file", help="a launcher YAML file (what launch.py --yaml takes)")
    parser.add_argument(
        "overrides", nargs="*", metavar="KEY=VALUE", help="launch() arguments and fields"
    )
    parser.add_argument("--to-yaml", metavar="OUT", help="write the argument document to OUT")
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    parser.add_argument(
        "--run", action="store_true", help="call launch() with the result (submits the job)"
    )


def run(args: argparse.Namespace) -> int:
    """Resolve, print the objects (or write ``--to-yaml``), optionally call ``launch()``."""
    from recipekit.api import dump
    from recipekit.cli import write_text

    resolution = resolve_full(args.file, args.overrides)
    if args.to_yaml:
        write_text(to_yaml(resolution), args.to_yaml, inputs=resolution.document.files)
    else:
        sys.stdout.write(dump(resolution.data, form="nemo-run", format=args.format))
    if args.run:
        registry().get(LAUNCH).func(**resolution.data)
    return 0
