"""Use recipekit factories from NeMo-Run (nemo-run 0.11.1) YAML files and command lines.

Two ways, both giving exactly what ``recipekit.resolve`` gives for the same reference:

**1. Register them in NeMo-Run's factory registry** (names usable as ``cfg=fp8`` on the command
line or ``_factory_: fp8`` in a ``--yaml`` file)::

    import nemo_run as run
    from recipekit.interop.nemo_run import register_with_nemo_run

    register_with_nemo_run()            # recipekit's default registry, for parameters typed `dict`

    @run.cli.entrypoint
    def quantize(recipe: dict, model: str = "qwen"): ...

    # python quantize.py recipe=fp8                      -> recipekit.resolve("fp8")
    # python quantize.py 'recipe=nvfp4(block_size=32)'   -> recipekit.resolve("nvfp4(block_size=32)")
    # --yaml:  recipe: {_factory_: nvfp4, axis: 0}       -> recipekit.resolve({_factory_: nvfp4, axis: 0})

NeMo-Run looks a factory up by the *type annotation* of the parameter it fills, so each factory is
registered under ``target`` (default ``dict``; pass ``target=list`` for factories returning rule
lists, ``target=typing.Any`` for ``Any`` parameters, or ``namespace=`` verbatim). NeMo-Run names
match ``[\\w.]+``, so recipekit names are made into identifiers by ``nemo_name``
(``configs/numerics/fp8`` -> ``configs_numerics_fp8``); aliases are registered too (``fp8``).

Each registered NeMo-Run factory returns ``run.Config(node, factory="<ns:name>(<args>)")``: the
recipekit call is made when NeMo-Run *builds* the config, and its ``--to-yaml`` export shows the
reference instead of the expanded data. Call-syntax arguments are typed like recipekit's (Python
literals; a bare word is a string) because every parameter is presented to NeMo-Run as ``Any``.
Sibling keys next to ``_factory_`` are field overrides, as in both tools; NeMo-Run cannot apply a
*nested mapping* sibling to a registered factory (it walks attributes of the unbuilt config), so
write nested changes with ``resolve(source, overrides)`` below.

**2. By dotted path, with no registration** (``_target_`` is imported by NeMo-Run)::

    recipe:
      _target_: recipekit.interop.nemo_run.build    # call a factory with arguments
      ref: nvfp4
      block_size: 32
    recipe:
      _target_: recipekit.interop.nemo_run.node     # recipekit's {_factory_: ..., siblings...}
      factory: nvfp4(block_size=32)
      axis: 0
    recipe:
      _target_: recipekit.interop.nemo_run.resolve  # a file or name, with recipekit overrides
      source: recipes/my_ptq.yaml
      overrides: ["quant_cfg[quantizer_name=*lm_head*].enable=true"]

``build``, ``node`` and ``resolve`` can also be called from Python. They look a name up in the
registries given to ``register_with_nemo_run`` (most recent first), then in recipekit's default
registry. ``ref``/``factory`` are taken by ``build``/``node`` themselves, so a factory argument
(or field) of that name cannot be passed through them. A ``node`` field that is a nested mapping
becomes ``Config(Any)`` in NeMo-Run and fails to build (NeMo-Run's rule for mappings under a
``_target_``); use ``resolve`` with overrides for those.

``nemo_run`` is imported only by ``register_with_nemo_run``; the rest needs only recipekit.
"""

import ast
import inspect
import re
import threading
from collections.abc import Iterable
from typing import Any, List, Optional  # noqa: UP035 (NeMo-Run cannot parse PEP 604 unions)

__all__ = ["build", "nemo_name", "node", "register_with_nemo_run", "resolve"]

_ATTACHED: list[Any] = []  # recipekit registries given to register_with_nemo_run, oldest first
_LOCK = threading.Lock()


def nemo_name(name: str) -> str:
    """A recipekit name as a NeMo-Run factory name (which must match ``[\\w.]+``):
    every other character, and ``.``, becomes ``_``."""
    return re.sub(r"\W", "_", name)


def _registry_for(ref: str) -> Any:
    import recipekit

    name = ref.partition("(")[0].strip()
    for registry in reversed(_ATTACHED):
        if name in registry:
            return registry
    return recipekit.registry


def _literal(value: Any) -> str:
    text = repr(value)
    try:
        same = ast.literal_eval(text) == value
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        same = False
    if not same:
        raise TypeError(
            f"recipekit factory arguments must be Python literals; got {type(value).__name__} {text[:80]}"
        )
    return text


def _call_text(ref: str, args: tuple, kwargs: dict) -> str:
    if not args and not kwargs:
        return ref
    parts = [_literal(a) for a in args] + [f"{k}={_literal(v)}" for k, v in kwargs.items()]
    return f"{ref}({', '.join(parts)})"


def build(ref: str, **kwargs: Any) -> Any:
    """``recipekit.resolve`` of factory ``ref`` called with ``kwargs`` (literal values).

    ``ref`` is a name, alias or ``namespace:name`` and may itself carry call syntax
    (``ref="nvfp4(block_size=32)"``); ``kwargs`` are then added to that call.
    """
    import recipekit

    name, paren, rest = ref.partition("(")
    if paren and kwargs:
        inner = rest.rstrip().removesuffix(")").strip()
        extra = _call_text("", (), kwargs)[1:-1]
        text = f"{name}({inner}, {extra})" if inner else f"{name}({extra})"
    else:
        text = ref if paren else _call_text(ref, (), kwargs)
    return recipekit.resolve(text, registry=_registry_for(ref))


def node(factory: str, **fields: Any) -> Any:
    """``recipekit.resolve({"_factory_": factory, **fields})``: the factory (with optional call
    syntax) and sibling keys overriding fields of its result, nested mappings merging."""
    import recipekit
    from recipekit.resolver.keys import FACTORY

    source: dict[str, Any] = {FACTORY: factory, **fields}
    return recipekit.resolve(source, registry=_registry_for(factory))


def resolve(source: str, overrides: Optional[List[str]] = None) -> Any:  # noqa: UP006, UP045
    """``recipekit.resolve(source, overrides)`` for a name, a YAML file path or YAML text.

    The NeMo-Run way to apply nested changes (``quant_cfg[quantizer_name=*lm_head*].enable=true``)
    or to use a whole recipekit YAML file. The annotations are ``typing`` spellings on purpose:
    NeMo-Run 0.11.1 cannot parse ``list[str] | None``.
    """
    import recipekit

    name = source.partition("(")[0].strip()
    registry = _registry_for(name) if "\n" not in name else recipekit.registry
    return recipekit.resolve(source, list(overrides or ()), registry=registry)


def _nemo_factory(run: Any, entry: Any, name: str) -> Any:
    """A NeMo-Run factory for one recipekit entry: same parameters (typed ``Any``), returning
    ``run.Config(node, factory=<call text>)``."""
    ref = entry.qualified

    def factory(*args: Any, **kwargs: Any) -> Any:
        return run.Config(node, factory=_call_text(ref, args, kwargs))

    factory.__name__ = factory.__qualname__ = name
    factory.__module__ = __name__
    factory.__doc__ = entry.doc or f"recipekit factory {ref}"
    sig = entry.signature or inspect.Signature(
        [inspect.Parameter("kwargs", inspect.Parameter.VAR_KEYWORD)]
    )
    params = [p.replace(annotation=Any) for p in sig.parameters.values()]
    factory.__signature__ = inspect.Signature(params, return_annotation=run.Config[Any])  # type: ignore[attr-defined]
    return factory


def register_with_nemo_run(
    registry: Any = None,
    *,
    target: Any = dict,
    target_arg: str | None = None,
    namespace: str | None = None,
    namespaces: Iterable[str] | None = None,
    aliases: bool = True,
    prefix: str = "",
) -> list[tuple[str, str]]:
    """Register recipekit factories in NeMo-Run's catalogue; returns the ``(namespace, name)`` keys.

    registry     the recipekit ``Registry`` to export (default: ``recipekit.registry``).
    target       the annotation of the NeMo-Run parameters that should accept them (a type, a
                 function with ``target_arg``, or a tuple of types: registered under each).
    target_arg   with a function ``target``: only that parameter (NeMo-Run's ``target_arg``).
    namespace    a NeMo-Run namespace string used verbatim instead of ``target``.
    namespaces   export only these recipekit namespaces (e.g. ``("numerics", "presets")``).
    aliases      also register every alias (skipped when it would collide with another name).
    prefix       prepended to every NeMo-Run name (``prefix="rk_"`` -> ``rk_fp8``).

    Two recipekit names that become the same NeMo-Run name raise ``ValueError``; re-registering
    a key replaces it (NeMo-Run's last-wins rule).
    """
    import nemo_run as run
    from nemo_run.config import get_type_namespace

    import recipekit

    registry = recipekit.registry if registry is None else registry
    wanted = None if namespaces is None else set(namespaces)
    entries = [e for e in registry.entries() if wanted is None or e.namespace in wanted]

    names: dict[str, Any] = {}
    for entry in entries:
        key = prefix + nemo_name(entry.name)
        other = names.get(key)
        if other is not None:
            raise ValueError(
                f"recipekit factories {other.qualified} and {entry.qualified} both become the "
                f"NeMo-Run name {key!r}; export one namespace at a time (namespaces=...) or "
                "use a prefix"
            )
        names[key] = entry
    if aliases:
        seen: dict[str, Any] = {}
        for entry in entries:
            for alias in entry.aliases:
                seen.setdefault(prefix + nemo_name(alias), []).append(entry)
        for key, owners in seen.items():
            if key not in names and len({id(e) for e in owners}) == 1:
                names[key] = owners[0]

    targets = target if isinstance(target, (tuple, list)) else (target,)
    keys: list[tuple[str, str]] = []
    with _LOCK:
        if not any(r is registry for r in _ATTACHED):
            _ATTACHED.append(registry)
        for key, entry in names.items():
            fn = _nemo_factory(run, entry, key)
            for one in [None] if namespace else targets:
                run.cli.factory(
                    fn, target=one, target_arg=target_arg, name=key, namespace=namespace
                )
                space = namespace or get_type_namespace(one)
                keys.append((f"{space}.{target_arg}" if target_arg else space, key))
    return keys
