"""The registry of factories: named plain-Python functions, grouped in namespaces.

Entries live in the ``Registry`` object itself (plain dicts), so two registries never see each
other's entries and tests need no global reset. ``as_catalogue(namespace)`` exposes a namespace as
a ``catalogue`` registry (under a prefix unique to this object) for tools built on catalogue, such
as confection; it is created on first request and kept in sync. catalogue is imported only then:
importing it scans every installed distribution's entry points, which would cost the command line
a sixth of its start-up time.

The core knows no particular factories. ``Registry(setup=fn)`` runs ``fn(registry)`` once, on
first use and under the registry's lock, before anything else registers; threads that arrive
meanwhile wait for it. ``recipekit.defaults`` builds the default registry that way (built-in
factories, the ModelOpt codec, reader and validators).

Names may contain ``/``, ``-`` and ``.`` (``general/ptq/nvfp4_default-kv_fp8``). A reference is
``name`` or ``namespace:name``. A name or alias names one entry: registering a name or alias that
another entry already answers to is an error unless ``replace=True`` (which takes the word away
from the other entry), so a lookup never depends on what was registered or loaded later.
Plugins come from the ``recipekit.factories`` entry-point group (``load_entry_points``): a
``callable(registry)``, or a module whose ``@factory``-decorated functions are registered into
the registry that loads it; a plugin never replaces an existing entry.

Extension points beside factories, each a small named record: ``Codec`` (domain spellings of
values, e.g. ``num_bits: e4m3``), ``Reader`` (a foreign document format, e.g. ModelOpt
``$import`` files), ``on_resolved`` hooks (run on every resolved document).

Reads are plain dict lookups (safe from many threads); writes take a lock.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import types
import warnings
from collections.abc import Callable, Iterable, Sequence
from typing import Any, NamedTuple, TypeVar, overload

from .errors import AmbiguousFactoryError, RegistrationError, UnknownFactoryError, closest

F = TypeVar("F", bound=Callable[..., Any])

ENTRY_POINT_GROUP = "recipekit.factories"
DEFAULT_NAMESPACE = "user"
#: the attribute ``@factory`` leaves on a function: ``{"name", "namespace", "aliases", "fresh"}``
SPEC_ATTRIBUTE = "__recipekit_factory__"
_ids = itertools.count()


class Entry:
    """One registered factory with the facts ``show``/``list`` and the checker need.

    (A plain class rather than a dataclass, like every resolver record: importing ``dataclasses``
    pulls in ``inspect``, a tenth of the command line's start-up; ``inspect`` is imported only
    when a signature, docstring or source line is asked for.)"""

    __slots__ = ("_cache", "aliases", "fresh", "func", "name", "namespace", "origin")

    def __init__(
        self,
        name: str,
        namespace: str,
        func: Callable[..., Any],
        aliases: tuple[str, ...] = (),
        origin: str = "local",
        fresh: bool = False,
    ) -> None:
        self.name, self.namespace, self.func = name, namespace, func
        self.aliases, self.origin = tuple(aliases), origin
        #: the factory's promise that every call builds all of its result's containers anew
        #: (none shared with module state, another call, another place in the result, or an
        #: argument): the build pass then skips its defensive copy for literal-only calls
        self.fresh = fresh
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"Entry({self.qualified!r}, aliases={self.aliases!r}, origin={self.origin!r})"

    @property
    def qualified(self) -> str:
        return f"{self.namespace}:{self.name}"

    @property
    def signature(self) -> Any:
        """The ``inspect.Signature`` as shown to users (annotations evaluated where possible),
        or None for callables without one (some builtins)."""
        if "sig" not in self._cache:
            from . import signatures

            self._cache["sig"] = signatures.shown(self.func, signatures.signature(self.func))
        return self._cache["sig"]

    @property
    def hints(self) -> dict[str, Any]:
        """Evaluated type annotations (empty when they cannot be evaluated)."""
        from . import signatures

        return signatures.hints(self.func)

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


class Reader(NamedTuple):
    """A foreign document format. ``claims(text)`` says whether a document's text is one;
    ``read(text, file=path-or-None, base_dir=dir-or-None, registry=registry)`` returns its plain
    data (``file`` is set when the text was read from that file). A format that can also be a
    directory says so with ``claims_directory(path)``; ``read`` then gets ``text=None``."""

    name: str
    claims: Callable[[str], bool]
    read: Callable[..., Any]
    claims_directory: Callable[[str], bool] | None = None


class Validator(NamedTuple):
    """A domain check of resolved documents, keyed on nothing the core knows (like ``Codec``).

    ``validate(data, kind=None)`` returns every problem of a whole resolved document (``[]`` for
    data it does not know), or of a factory result of ``kind``; ``fields(entry)`` the keys a
    registered factory's result may have (None when unknown), used by ``check`` for sibling keys
    and ``**kwargs`` arguments; ``kind(entry)`` which ``kind`` a factory's result is (or None)."""

    name: str
    validate: Callable[..., list[Any]]
    fields: Callable[[Any], Sequence[str] | None]
    kind: Callable[[Any], str | None] | None = None


class Registry:
    """Factories by namespace and name. Pass one to ``resolve``; see the module docstring."""

    def __init__(self, *, setup: Callable[[Registry], None] | None = None) -> None:
        self._prefix = ("recipekit", f"r{next(_ids)}")
        self._spaces: set[str] = set()
        self._catalogues: dict[str, Any] = {}
        self._entries: dict[tuple[str, str], Entry] = {}
        self._by_name: dict[str, list[Entry]] = {}
        self._by_alias: dict[str, list[Entry]] = {}
        self._lock = threading.RLock()
        self._setup = setup  # run once on first use
        self._ready = setup is None
        self._setting_up = False
        self._entry_points_loaded = False
        self._found: dict[str, Entry] = {}  # successful lookups; cleared by every registration
        self._hooks: list[Callable[[Any], Any]] = []
        #: codecs, readers and validators by kind: tuples, replaced whole on every change
        self._extensions: dict[str, tuple[Any, ...]] = {
            "codecs": (),
            "readers": (),
            "validators": (),
        }

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
        self._ensure_setup()
        return tuple(self._hooks)

    def add_codec(self, codec: Codec) -> Codec:
        """Register a domain ``Codec``: ``decode`` runs on values read from YAML, ``encode`` on
        values written by ``dump`` (e.g. ModelOpt's ``num_bits: e4m3`` <-> ``(4, 3)``)."""
        return self._extend("codecs", codec)

    @property
    def codecs(self) -> tuple[Codec, ...]:
        self._ensure_setup()
        return self._extensions["codecs"]

    def add_reader(self, reader: Reader) -> Reader:
        """Register a ``Reader`` for a foreign document format."""
        return self._extend("readers", reader)

    @property
    def readers(self) -> tuple[Reader, ...]:
        self._ensure_setup()
        return self._extensions["readers"]

    def add_validator(self, validator: Validator) -> Validator:
        """Register a domain ``Validator``: ``resolve`` runs it on every resolved document,
        ``check`` asks it for the fields of factory results."""
        return self._extend("validators", validator)

    @property
    def validators(self) -> tuple[Validator, ...]:
        self._ensure_setup()
        return self._extensions["validators"]

    def _extend(self, kind: str, item: Any) -> Any:
        """Add a named extension (a ``Codec``, ``Reader`` or ``Validator``), replacing one of
        the same name; each kind is kept as a tuple, in registration order."""
        with self._lock:
            kept = tuple(x for x in self._extensions[kind] if x.name != item.name)
            self._extensions[kind] = (*kept, item)
        return item

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
        fresh: bool = False,
    ) -> Callable[[F], F]: ...

    def factory(
        self,
        func=None,
        /,
        *,
        name=None,
        namespace=DEFAULT_NAMESPACE,
        aliases=(),
        replace=False,
        fresh=False,
    ):
        """Decorator: register ``func`` (bare ``@reg.factory`` or ``@reg.factory(name=...)``).
        ``fresh=True`` promises that every call returns newly built containers (see ``Entry``)."""

        def decorate(fn: F) -> F:
            entry = self.register(
                fn, name=name, namespace=namespace, aliases=aliases, replace=replace, fresh=fresh
            )
            tag(fn, entry.name, entry.namespace, entry.aliases, fresh=entry.fresh)
            return fn

        return decorate(func) if func is not None else decorate

    def entrypoint(self, func=None, /, *, name=None, aliases=(), replace=False):
        """Decorator: register ``func`` as an *entry point* (namespace ``entrypoints``): a
        document whose root ``_target_`` names it (with ``_partial_: true``), or one resolved
        with ``entrypoint=NAME``, is typed by its signature (``resolver/entrypoint.py``)."""
        from .keys import ENTRYPOINTS  # entry points are entries of their own namespace

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
        fresh: bool = False,
    ) -> Entry:
        """Register ``func`` and return its ``Entry`` (``fresh``: see ``Entry.fresh``)."""
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
            self._ensure_setup()
            key = (namespace, name)
            old = self._entries.get(key)
            aliases = tuple(dict.fromkeys(a for a in aliases if a != name))
            clashes = [
                (word, other)
                for word in (name, *aliases)
                for other in self._by_name.get(word, []) + self._by_alias.get(word, [])
                if other is not old and not _may_share(word, name, origin, other)
            ]
            if old is not None and not replace:
                raise RegistrationError(
                    f"factory {namespace}:{name} is already registered (by {old.source})",
                    hint="pass replace=True to replace it on purpose",
                )
            if clashes and not replace:
                word, other = clashes[0]
                raise RegistrationError(
                    f"cannot register {namespace}:{name}: {word!r} already names "
                    f"{other.qualified} (defined at {other.source})",
                    hint="pick another name, or pass replace=True to take the name over on purpose",
                )
            if old is not None:
                self._unindex(old)
            for word, other in clashes:  # replace=True: the word now means the new entry
                for index in (self._by_name, self._by_alias):
                    if other in index.get(word, []):
                        index[word].remove(other)
            entry = Entry(name, namespace, func, aliases, origin, bool(fresh))
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
        for index, words in ((self._by_name, (entry.name,)), (self._by_alias, entry.aliases)):
            for word in words:
                if entry in index.get(word, []):
                    index[word].remove(entry)

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
        self._ensure_setup()
        namespace, _, name = ref.rpartition(":") if ":" in ref else ("", "", ref)
        if namespace:
            hit = self._entries.get((namespace, name))
            if hit is not None:
                return hit
            found = [
                e for e in self._entries.values() if e.namespace == namespace and name in e.aliases
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
        found = self._by_name.get(name, []) + self._by_alias.get(name, [])
        if len(found) > 1:
            raise AmbiguousFactoryError(
                f"factory name {name!r} is ambiguous",
                expected="a qualified name namespace:name",
                choices=sorted(e.qualified for e in found),
            )
        if found:
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
        self._ensure_setup()
        return sorted(
            {n for n, es in self._by_name.items() if es}
            | {a for a, es in self._by_alias.items() if es}
        )

    def entries(self, namespace: str | None = None) -> list[Entry]:
        """All entries (of one namespace), sorted by namespace and name."""
        self._ensure_setup()
        found = [e for e in self._entries.values() if namespace in (None, e.namespace)]
        return sorted(found, key=lambda e: (e.namespace, e.name))

    def as_catalogue(self, namespace: str) -> Any:
        """This namespace as a ``catalogue.Registry`` (live: later registrations appear too)."""
        import catalogue

        self._ensure_setup()
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
        self._ensure_setup()
        return sorted(self._spaces)

    def find(self, func: Callable[..., Any]) -> Entry | None:
        """The entry a function is registered under (first one), if any."""
        self._ensure_setup()
        for entry in self._entries.values():
            if entry.func is func:
                return entry
        return None

    # ------------------------------------------------------------------ plugins & set-up
    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> list[str]:
        """Load every plugin of ``group`` into this registry; returns the plugin names. A plugin
        object is a ``callable(registry)`` or a module: the functions it defines with
        ``@recipekit.factory`` (or any ``@Registry.factory``) are registered here too."""
        from importlib.metadata import entry_points

        loaded = []
        with self._lock:
            self._entry_points_loaded = True
            for ep in entry_points(group=group):
                self.load_plugin(ep.load(), f"plugin:{ep.name}")
                loaded.append(ep.name)
        return loaded

    def load_plugin(self, plugin: Any, origin: str) -> None:
        """Register what ``plugin`` (a module or a ``callable(registry)``) provides. Nothing a
        plugin registers may take a name or alias that already means something."""
        view = _PluginView(self, origin)
        if isinstance(plugin, types.ModuleType):
            for func in tagged(plugin):
                view.register(func, **getattr(func, SPEC_ATTRIBUTE))
        elif callable(plugin):
            plugin(view)

    def _load_entry_points_quietly(self) -> bool:
        try:
            return bool(self.load_entry_points())
        except Exception as exc:  # a broken plugin must not hide the real lookup error
            warnings.warn(f"recipekit: loading plugins failed: {exc}", stacklevel=3)
            return False

    def _ensure_setup(self) -> None:
        if self._ready:
            return
        with self._lock:  # other threads wait here until set-up is done
            if self._ready or self._setting_up:  # done, or re-entered by the set-up itself
                return
            self._setting_up = True
            try:
                if self._setup is not None:
                    self._setup(self)
                self._ready = True
            finally:
                self._setting_up = False


def _may_share(word: str, name: str, origin: str, other: Entry) -> bool:
    """Two local registrations may use the same *name* in different namespaces (the bare name
    is then ambiguous until qualified); every other shared word is a clash: an alias that is
    also a name would silently win or lose, and a plugin must never change what a name meant."""
    return word == name == other.name and origin == other.origin == "local"


def tag(
    func: Any, name: str, namespace: str, aliases: Iterable[str] = (), *, fresh: bool = False
) -> None:
    """Leave the registration spec on ``func`` so another registry can replay it."""
    spec = {"name": name, "namespace": namespace, "aliases": tuple(aliases), "fresh": fresh}
    with contextlib.suppress(AttributeError, TypeError):  # builtins cannot carry attributes
        setattr(func, SPEC_ATTRIBUTE, spec)


def tagged(module: types.ModuleType) -> list[Any]:
    """The functions ``module`` itself defines that carry a registration spec, in order."""
    return [
        obj
        for obj in vars(module).values()
        if callable(obj)
        and isinstance(getattr(obj, SPEC_ATTRIBUTE, None), dict)
        and getattr(obj, "__module__", None) == module.__name__
    ]


class _PluginView:
    """What a plugin callable receives: ``register``/``factory`` that never shadow an entry."""

    def __init__(self, registry: Registry, origin: str) -> None:
        self._registry, self._origin = registry, origin

    def register(
        self,
        func: Callable[..., Any],
        *,
        name: str | None = None,
        namespace: str = DEFAULT_NAMESPACE,
        aliases: Iterable[str] = (),
        fresh: bool = False,
    ) -> Entry | None:
        key = (namespace, name or func.__name__)
        old = self._registry._entries.get(key)
        if old is not None and old.func is func:
            return old  # the same module loaded twice: nothing new
        if old is not None:
            warnings.warn(
                f"recipekit: {self._origin} tried to register {key[0]}:{key[1]}, which is already "
                f"registered {'locally' if old.origin == 'local' else 'by ' + old.origin}; "
                "the existing factory is kept",
                stacklevel=2,
            )
            return None
        return self._registry.register(
            func, name=name, namespace=namespace, aliases=aliases, origin=self._origin, fresh=fresh
        )

    def factory(self, func=None, /, **kwargs):
        def decorate(fn):
            self.register(fn, **kwargs)
            return fn

        return decorate(func) if func is not None else decorate
