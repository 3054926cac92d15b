"""recipekit's built-in factories (installed into every ``Registry(builtins=True)``, the default
registry included, on its first use).

``numerics`` (quantizer attribute formats), ``units`` (quant_cfg building blocks), ``presets``
(QuantizeConfigs), ``recipes`` (general/**) and ``models`` (huggingface/** and models/**): every
ModelOpt 0.47.0 recipe file as a plain function, registered under its package-relative path.
``_register.BUILTINS`` lists every registration so another registry can replay them. Importing is
cheap: no YAML, no file I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import codecs, models, numerics, presets, recipes, units
from ._register import BUILTINS

if TYPE_CHECKING:
    from recipekit.resolver.registry import Registry

__all__ = ["codecs", "install", "models", "numerics", "presets", "recipes", "units"]


def install(registry: Registry) -> None:
    """Register every built-in factory and ModelOpt's ExMy codec (``num_bits: e4m3``) and
    schema validator into ``registry``."""
    for func, spec in BUILTINS:
        registry.register(func, **spec)
    codecs.register(registry)
    from recipekit.schemas import register  # ModelOpt's schema validator (JSON read on first use)

    register(registry)
