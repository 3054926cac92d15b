"""recipekit's built-in factories (installed into the default registry on its first use, and into
any registry by ``install``).

``numerics`` (quantizer attribute formats), ``units`` (quant_cfg building blocks), ``presets``
(QuantizeConfigs), ``recipes`` (general/**) and ``models`` (huggingface/** and models/**): every
ModelOpt 0.47.0 recipe file as a plain function, registered under its package-relative path.
Each function carries its registration spec (``@builtin``), so any registry can replay them.
Importing is cheap: no YAML, no file I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from recipekit.resolver.registry import tagged

from . import codecs, models, numerics, presets, recipes, units

if TYPE_CHECKING:
    from recipekit.resolver.registry import Registry

__all__ = ["codecs", "install", "models", "numerics", "presets", "recipes", "units"]


def install(registry: Registry) -> None:
    """Register every built-in factory and ModelOpt's ExMy codec (``num_bits: e4m3``) into
    ``registry``."""
    for module in MODULES:
        for func in tagged(module):
            registry.register(func, **func.__recipekit_factory__)
    codecs.register(registry)


#: the modules whose tagged functions are the built-ins, in registration order
MODULES = (numerics, units, presets, recipes, models)

#: the ModelOpt release whose recipes these factories mirror (and whose schemas recipekit ships)
MODELOPT_VERSION = "0.47.0"
