"""The registry of factories: named plain-Python functions, grouped in namespaces.

Entries live in the ``Registry`` object itself (plain dicts), so two registries never see each
other's entries and tests need no global reset. ``as_catalogue(namespace)`` exposes a namespace as
a ``catalogue`` registry (under a prefix unique to this object) for tools built on catalogue, such
as confection; it is created on first request and kept in sync. catalogue is imported only then:
importing it scans every installed distribution's entry points, which would cost the command line
a sixth of its start-up time. A
``Registry`` is passed to the resolver explicitly; ``default_registry()`` is a convenience that
also holds recipekit's built-in factories (``recipekit.factories``), loaded on first use, *before*
anything else is registered into it, so results never depend on import order.

Names may contain ``/``, ``-`` and ``.`` (``general/ptq/nvfp4_default-kv_fp8``). A reference is
``name`` or ``namespace:name``; a bare name (or alias) must be unique across namespaces, otherwise
the lookup fails and lists the qualified candidates. Registering a name twice in one namespace is
an error unless ``replace=True``. Plugins come from the ``recipekit.factories`` entry-point group
(``load_entry_points``); a plugin never replaces a local registration (it is skipped with a
warning that names the plugin).

Reads are plain dict lookups (safe from many threads); writes take a lock.
"""

from __future__ import annotations

import functools
import itertools
import threading
import types
import typing
import warnings
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, TypeVar, overload

from .errors import AmbiguousFactoryError, RegistrationError, UnknownFactoryError, closest

F = TypeVar("F", bound=Callable[..., Any])

ENTRY_POINT_GROUP = "recipekit.factories"
DEFAULT_NAMESPACE = "user"
_ids = itertools.count()


class Entry:
    """One registered factory with the facts ``show``/``list`` and the checker need.

    (A plain class rather than a dataclass, like every resolver record: importing ``dataclasses``
    pulls in ``inspect``, a tenth of the command line's start-up; ``inspect`` is imported only
    when a signature, docstring or source line is asked for.)"""

    __slots__ = ("_cache", "aliases", "func", "name", "namespace", "origin")

    def __init__(
        self,
        name: str,
        namespace: str,
        func: Callable[..., Any],
        aliases: tuple[str, ...] = (),
        origin: str = "local",
    ) -> None:
        self.name, self.namespace, self.func = name, namespace, func
        self.aliases, self.origin = tuple(aliases), origin
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Entry({self.qualified!r}, aliases={self.aliases!r}, origin={self.origin!r})"

    @property
    def qualified(self) -> str:
        return f"{self.namespace}:{self.name}"

    @property
    def signature(self) -> Any:
        """The ``inspect.Signature`` (annotations evaluated where possible), or None for callables
        without one (some builtins)."""
        if "sig" not in self._cache:
            import inspect

            try:
                self._cache["sig"] = inspect.signature(self.func, eval_str=True)
            except (TypeError, ValueError, NameError, SyntaxError):
                try:
                    self._cache["sig"] = inspect.signature(self.func)
                except (TypeError, ValueError):
                    self._cache["sig"] = None
        return self._cache["sig"]

    @property
    def hints(self) -> dict[str, Any]:
        """Evaluated type annotations (empty when they cannot be evaluated)."""
        if "hints" not in self._cache:
            try:
                self._cache["hints"] = typing.get_type_hints(self.func)
            except Exception:
                self._cache["hints"] = {}
        return self._cache["hints"]

    @property
    def doc(self) -> str:
        import inspect

        return inspect.getdoc(self.func) or ""

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    @property
    def source(self) -> str:
        """``file:line`` of the function's definition (``?`` when unknown)."""
        import inspect

        func = inspect.unwrap(self.func)
        try:
            file = inspect.getsourcefile(func) or "?"
            line = inspect.getsourcelines(func)[1]
        except (OSError, TypeError):
            return "?"
        return f"{file}:{line}"

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)


class Codec(NamedTuple):
    """A pair of value transforms keyed on the mapping key a value sits under.

    ``decode(key, value)`` and ``encode(key, value)`` return the value to use, or the very same
    object when they do not apply. Codecs keep domain spellings out of the resolver core."""

    name: str
    decode: Callable[[object, Any], Any]
    encode: Callable[[object, Any], Any]


class Registry:
    """Factories by namespace and name. Pass one to ``resolve``; see the module docstring."""

    def __init__(self, *, builtins: bool = False) -> None:
        self._prefix = ("recipekit", f"r{next(_ids)}")
        self._spaces: set[str] = set()
        self._catalogues: dict[str, Any] = {}
        self._entries: dict[tuple[str, str], Entry] = {}
        self._by_name: dict[str, list[Entry]] = {}
        self._by_alias: dict[str, list[Entry]] = {}
        self._lock = threading.RLock()
        self._builtins = "pending" if builtins else "none"
        self._entry_points_loaded = False
        self._found: dict[str, Entry] = {}  # successful lookups; cleared by every registration
        self._hooks: list[Callable[[Any], Any]] = []
        self._codecs: list[Codec] = []

    # ------------------------------------------------------------------ hooks and codecs
    def on_resolved(self, hook: Callable[[Any], Any]) -> Callable[[Any], Any]:
        """Register ``hook(data) -> data``, run on every resolved document after overrides
        (in registration order). Usable as a decorator."""
        with self._lock:
            if hook not in self._hooks:
                self._hooks.append(hook)
        return hook

    @property
    def hooks(self) -> tuple[Callable[[Any], Any], ...]:
        self._ensure_builtins()
        return tuple(self._hooks)

    def add_codec(self, codec: Codec) -> Codec:
        """Register a domain ``Codec``: ``decode`` runs on values read from YAML, ``encode`` on
        values written by ``dump`` (e.g. ModelOpt's ``num_bits: e4m3`` <-> ``(4, 3)``)."""
        with self._lock:
            self._codecs = [c for c in self._codecs if c.name != codec.name] + [codec]
        return codec

    @property
    def codecs(self) -> tuple[Codec, ...]:
        self._ensure_builtins()
        return tuple(self._codecs)

    # ------------------------------------------------------------------ registration
    @overload
    def factory(self, func: F, /) -> F: ...
    @overload
    def factory(
        self,
        func: None = None,
        /,
        *,
        name: str | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        aliases: Iterable[str] = (),
        replace: bool = False,
    ) -> Callable[[F], F]: ...

    def factory(
        self, func=None, /, *, name=None, namespace=DEFAULT_NAMESPACE, aliases=(), replace=False
    ):
        """Decorator: register ``func`` (bare ``@reg.factory`` or ``@reg.factory(name=...)``)."""

        def decorate(fn: F) -> F:
            self.register(fn, name=name, namespace=namespace, aliases=aliases, replace=replace)
            return fn

        return decorate(func) if func is not None else decorate

    def entrypoint(self, func=None, /, *, name=None, aliases=(), replace=False):
        """Decorator: register ``func`` as an *entry point* (namespace ``entrypoints``): a
        document whose root ``_target_`` names it (with ``_partial_: true``), or one resolved
        with ``entrypoint=NAME``, is typed by its signature (``resolver/entrypoint.py``)."""
        # issue 12: entry points are ordinary entries in their own namespace (no extra state)
        from .keys import ENTRYPOINTS

        return self.factory(
            func, name=name, namespace=ENTRYPOINTS, aliases=aliases, replace=replace
        )

    def register(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        aliases: Iterable[str] = (),
        replace: bool = False,
        origin: str = "local",
    ) -> Entry:
        """Register ``func`` and return its ``Entry``."""
        if not callable(func):
            raise RegistrationError(f"cannot register {func!r}: it is not callable")
        name = getattr(func, "__name__", None) if name is None else name
        for label, text in (("name", name), ("namespace", namespace)):
            if not isinstance(text, str) or not text or ":" in text or text != text.strip():
                raise RegistrationError(
                    f"bad factory {label} {text!r}",
                    expected="a non-empty string without ':' or surrounding spaces",
                )
        with self._lock:
            self._ensure_builtins()
            key = (namespace, name)
            old = self._entries.get(key)
            if old is not None and not replace:
                raise RegistrationError(
                    f"factory {namespace}:{name} is already registered (by {old.source})",
                    hint="pass replace=True to replace it on purpose",
                )
            if old is not None:
                self._unindex(old)
            entry = Entry(name, namespace, func, tuple(a for a in aliases if a != name), origin)
            self._spaces.add(namespace)
            view = self._catalogues.get(namespace)
            if view is not None:
                view.register(name, func=func)
            self._entries[key] = entry
            self._found = {}
            self._by_name.setdefault(name, []).append(entry)
            for alias in entry.aliases:
                self._by_alias.setdefault(alias, []).append(entry)
            return entry

    def _unindex(self, entry: Entry) -> None:
        self._by_name[entry.name].remove(entry)
        for alias in entry.aliases:
            self._by_alias[alias].remove(entry)

    # ------------------------------------------------------------------ lookup
    def get(self, ref: str) -> Entry:
        """The entry for ``name``, ``alias`` or ``namespace:name``; errors list the candidates."""
        hit = self._found.get(ref)
        if hit is not None:
            return hit
        entry = self._get(ref)
        self._found[ref] = entry
        return entry

    def _get(self, ref: str) -> Entry:
        self._ensure_builtins()
        namespace, _, name = ref.rpartition(":") if ":" in ref else ("", "", ref)
        if namespace:
            found = [
                e
                for e in self._by_name.get(name, []) + self._by_alias.get(name, [])
                if e.namespace == namespace
            ]
            if found:
                return found[0]
            pool = [e.name for e in self._entries.values() if e.namespace == namespace]
            raise UnknownFactoryError(
                f"no factory {name!r} in namespace {namespace!r}",
                expected="a registered factory name",
                suggestions=closest(name, pool),
                choices=sorted(self._spaces) if not pool else (),
            )
        for index in (self._by_name, self._by_alias):
            found = index.get(name)
            if found:
                if len(found) > 1:
                    raise AmbiguousFactoryError(
                        f"factory name {name!r} is ambiguous",
                        expected="a qualified name namespace:name",
                        choices=sorted(e.qualified for e in found),
                    )
                return found[0]
        if not self._entry_points_loaded and self._load_entry_points_quietly():
            return self._get(ref)
        raise UnknownFactoryError(
            f"unknown factory {name!r}",
            expected="a registered factory name (see `recipekit list`)",
            suggestions=closest(name, self.names()),
        )

    def __contains__(self, ref: object) -> bool:
        if not isinstance(ref, str):
            return False
        try:
            self.get(ref)
        except UnknownFactoryError:
            return False
        return True

    def names(self) -> list[str]:
        """Every name and alias, for did-you-mean."""
        self._ensure_builtins()
        return sorted(
            {n for n, es in self._by_name.items() if es}
            | {a for a, es in self._by_alias.items() if es}
        )

    def entries(self, namespace: str | None = None) -> list[Entry]:
        """All entries (of one namespace), sorted by namespace and name."""
        self._ensure_builtins()
        found = [e for e in self._entries.values() if namespace in (None, e.namespace)]
        return sorted(found, key=lambda e: (e.namespace, e.name))

    def as_catalogue(self, namespace: str) -> Any:
        """This namespace as a ``catalogue.Registry`` (live: later registrations appear too)."""
        import catalogue

        self._ensure_builtins()
        with self._lock:
            view = self._catalogues.get(namespace)
            if view is None:
                view = self._catalogues[namespace] = catalogue.create(
                    *self._prefix, namespace, entry_points=False
                )
                for entry in self.entries(namespace):
                    view.register(entry.name, func=entry.func)
            return view

    def namespaces(self) -> list[str]:
        self._ensure_builtins()
        return sorted(self._spaces)

    def find(self, func: Callable[..., Any]) -> Entry | None:
        """The entry a function is registered under (first one), if any."""
        self._ensure_builtins()
        for entry in self._entries.values():
            if entry.func is func:
                return entry
        return None

    # ------------------------------------------------------------------ plugins & built-ins
    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> list[str]:
        """Import every plugin of ``group``; each plugin's object is a module (its import registers
        factories through ``recipekit.factory``) or a ``callable(registry)``. Returns plugin names."""
        from importlib.metadata import entry_points

        loaded = []
        with self._lock:
            self._entry_points_loaded = True
            for ep in entry_points(group=group):
                obj = ep.load()
                if callable(obj) and not isinstance(obj, types.ModuleType):
                    obj(_PluginView(self, f"plugin:{ep.name}"))
                loaded.append(ep.name)
        return loaded

    def _load_entry_points_quietly(self) -> bool:
        try:
            return bool(self.load_entry_points())
        except Exception as exc:  # a broken plugin must not hide the real lookup error
            warnings.warn(f"recipekit: loading plugins failed: {exc}", stacklevel=3)
            return False

    def _ensure_builtins(self) -> None:
        if self._builtins != "pending":
            return
        with self._lock:
            if self._builtins != "pending":
                return
            self._builtins = "loading"
            try:
                from recipekit.factories import install

                install(self)
            finally:
                self._builtins = "loaded"


class _PluginView:
    """What a plugin callable receives: ``register``/``factory`` that never shadow local entries."""

    def __init__(self, registry: Registry, origin: str) -> None:
        self._registry, self._origin = registry, origin

    def register(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        aliases: Iterable[str] = (),
    ) -> Entry | None:
        key = (namespace, name or func.__name__)
        if key in self._registry._entries:
            warnings.warn(
                f"recipekit: {self._origin} tried to register {key[0]}:{key[1]}, which is already "
                "registered locally; the local factory is kept",
                stacklevel=2,
            )
            return None
        return self._registry.register(
            func, name=name, namespace=namespace, aliases=aliases, origin=self._origin
        )

    def factory(self, func=None, /, **kwargs):
        def decorate(fn):
            self.register(fn, **kwargs)
            return fn

        return decorate(func) if func is not None else decorate


_default: Registry | None = None
_default_lock = threading.Lock()


def default_registry() -> Registry:
    """The process-wide convenience registry (built-ins included, loaded on first use)."""
    global _default
    if _default is None:
        with _default_lock:
            if _default is None:
                _default = Registry(builtins=True)
    return _default


def entrypoint(func=None, /, **kwargs):
    """``@recipekit.entrypoint`` / ``@recipekit.entrypoint(name=..., aliases=...)``: register an
    entry point into the default registry."""
    return default_registry().entrypoint(func, **kwargs)


@functools.wraps(Registry.factory)
def factory(func=None, /, **kwargs):
    """``@recipekit.factory`` / ``@recipekit.factory(name=..., namespace=..., aliases=...)``:
    register into the default registry."""
    return default_registry().factory(func, **kwargs)
