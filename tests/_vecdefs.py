"""recipekit's re-statement of the nemo_run 0.11.1 test-vector definitions (``vecdefs.py``).

Written from the *semantics* described in ``shared/reference/nemo_run-0.11.1`` (spec.md and
``vectors/_defs/vecdefs.py``), not copied: the same dataclasses and entry points, but the
factories return *values* (dataclass instances, or a plain ``dict`` of entry-point keyword
arguments for the root "recipes") instead of ``run.Config``/``run.Partial`` buildables, because a
recipekit factory is an ordinary function whose result is the data.

The module deliberately uses ``from __future__ import annotations``: with nemo_run that breaks
``@run.cli.factory`` registration (vector v106); recipekit registers such functions normally.

``REGISTRATIONS`` lists every factory under the ``(namespace, name)`` key nemo_run derives for it
(vector v100), so qualified references such as ``vecdefs.Model:small_model`` mean the same thing
in both tools. nemo_run's ``is_target_default=True`` ("default") becomes an alias.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# ---------------------------------------------------------------------------- dataclasses


@dataclass
class Encoder:
    layers: int = 2
    dropout: float = 0.1


@dataclass
class Model:
    hidden: int = 16
    layers: int = 1
    activation: str = "relu"
    encoder: Encoder | None = None


@dataclass
class BigModel(Model):
    experts: int = 8


@dataclass
class Optim:
    lr: float = 0.1
    betas: list[float] = field(default_factory=lambda: [0.9, 0.99])


@dataclass
class Callback:
    name: str = "cb"
    every: int = 1


@dataclass
class Stage:
    enc: Encoder = None  # type: ignore[assignment]  (launcher style: non-Optional, None default)
    name: str = "s"
    steps: int = 1


@dataclass
class Stage2(Stage):
    pass


def make_model_fn(size: int = 2, act: str = "gelu") -> Model:
    """A plain function that builds a Model (used as a ``_target_``)."""
    return Model(hidden=size * 10, layers=size, activation=act)


# ---------------------------------------------------------------------------- entry points
# recipekit has no entry points; these signatures only tell the test harness which nemo_run CLI
# values name a factory (a value for a dataclass-typed parameter) and which are plain data.


def train(
    model: Model,
    optim: Optim | None = None,
    epochs: int = 1,
    name: str = "run",
    flag: bool = False,
    ratio: float = 0.5,
    maybe: int | None = None,
    tags: list[str] | None = None,
    counts: dict[str, int] | None = None,
    anything: Any = None,
) -> None:
    return None


def train_models(
    models: list[Model], callbacks: list[Callback] | None = None, extra: Any = None
) -> None:
    return None


def train_stages(a: Stage = None, b: Stage = None, c: Stage2 = None) -> None:  # type: ignore[assignment]
    return None


def train_untyped(a=1, b="x", c=None, d=None):
    return None


def train_pep604(user: str | None = None, n: int = 0) -> None:
    return None


def train_plainlist(items: list = None, env: list[dict[str, str]] = None) -> None:  # type: ignore[assignment]  # noqa: RUF013 (as vecdefs.py)
    return None


def train_dict(opts: dict = None, meta: Any = None, table: dict[str, int] = None) -> None:  # type: ignore[assignment]  # noqa: RUF013 (as vecdefs.py)
    return None


def train_kwargs(model: Model = None, **extra: int) -> None:  # type: ignore[assignment]
    return None


# ---------------------------------------------------------------------------- factories


def small_model() -> Model:
    return Model(hidden=32, layers=2)


def big_model() -> Model:
    return Model(hidden=1024, layers=24, activation="gelu")


def model_with_encoder() -> Model:
    return Model(hidden=64, encoder=Encoder(layers=6))


def deep_encoder() -> Encoder:
    return Encoder(layers=12, dropout=0.0)


def scaled_model(scale: int = 1, act: str = "relu") -> Model:
    """Arguments that are not fields of Model."""
    return Model(hidden=16 * scale, layers=scale, activation=act)


def auto_model(size: int = 2) -> Model:
    """nemo_run's ``@run.autoconvert`` example: derived values computed once, at call time."""
    return Model(hidden=size * 64, layers=size)


def fn_target_model() -> Model:
    """nemo_run returns ``Config(make_model_fn, size=3)``; a recipekit factory returns the value."""
    return make_model_fn(size=3)


def adam() -> Optim:
    return Optim(lr=0.001, betas=[0.9, 0.999])


def big_only() -> BigModel:
    return BigModel(hidden=4096)


def tiny_impl() -> Model:
    return Model(hidden=4, layers=1)


def model_for_train_arg() -> Model:
    return Model(hidden=77)


def ns_model() -> Model:
    return Model(hidden=5)


def default_encoder() -> Encoder:
    return Encoder(layers=3)


def train_recipe(epochs: int = 5) -> dict[str, Any]:
    """A root recipe: the keyword arguments of ``train``."""
    return {
        "model": Model(hidden=128, layers=4, encoder=Encoder(layers=9)),
        "epochs": epochs,
        "name": "recipe",
    }


def other_recipe() -> dict[str, Any]:
    return {"model": Model(hidden=1), "epochs": 99, "name": "other"}


def dotted_model() -> Model:
    """Not registered: reachable only by its dotted path ``vecdefs.dotted_model``."""
    return Model(hidden=321)


def cb_a() -> Callback:
    return Callback(name="a", every=10)


def cb_b() -> Callback:
    return Callback(name="b", every=20)


MAGIC_CONSTANT = 42

#: (function, namespace, name, aliases): nemo_run's catalogue keys from vector v100.
REGISTRATIONS: tuple[tuple[Callable[..., Any], str, str, tuple[str, ...]], ...] = (
    (ns_model, "my.custom.ns", "ns_model", ()),
    (big_only, "vecdefs.BigModel", "big_only", ()),
    (cb_a, "vecdefs.Callback", "cb_a", ()),
    (cb_b, "vecdefs.Callback", "cb_b", ()),
    (deep_encoder, "vecdefs.Encoder", "deep_encoder", ()),
    (default_encoder, "vecdefs.Encoder", "default_encoder", ("default",)),
    (auto_model, "vecdefs.Model", "auto_model", ()),
    (big_model, "vecdefs.Model", "big_model", ()),
    (fn_target_model, "vecdefs.Model", "fn_target_model", ()),
    (model_with_encoder, "vecdefs.Model", "model_with_encoder", ()),
    (scaled_model, "vecdefs.Model", "scaled_model", ()),
    (small_model, "vecdefs.Model", "small_model", ()),
    (tiny_impl, "vecdefs.Model", "tiny", ()),
    (adam, "vecdefs.Optim", "adam", ()),
    (other_recipe, "vecdefs.train", "other_recipe", ()),
    (train_recipe, "vecdefs.train", "train_recipe", ()),
    (model_for_train_arg, "vecdefs.train.model", "model_for_train_arg", ()),
)


def make_registry() -> Any:
    """A private ``recipekit.Registry`` holding exactly the factories above."""
    import recipekit

    registry = recipekit.Registry()
    for func, namespace, name, aliases in REGISTRATIONS:
        registry.register(func, namespace=namespace, name=name, aliases=aliases)
    return registry
