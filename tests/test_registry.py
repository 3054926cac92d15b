"""Registry: registration forms, lookup rules, errors, isolation, entry facts."""

from __future__ import annotations

import threading

import pytest

import recipekit
from recipekit import Registry
from recipekit.resolver.errors import AmbiguousFactoryError, RegistrationError, UnknownFactoryError


def test_bare_and_parametrised_decorators() -> None:
    reg = Registry()

    @reg.factory
    def plain() -> int:
        """Return one."""
        return 1

    @reg.factory(name="general/ptq/a-b.c", namespace="recipes", aliases=("ab",))
    def named() -> int:
        return 2

    assert reg.get("plain")() == 1
    assert reg.get("general/ptq/a-b.c")() == 2
    assert reg.get("recipes:general/ptq/a-b.c").name == "general/ptq/a-b.c"
    assert reg.get("ab").qualified == "recipes:general/ptq/a-b.c"
    assert reg.get("plain").summary == "Return one."
    assert reg.get("plain").source.endswith(f"test_registry.py:{plain.__code__.co_firstlineno}")


def test_duplicate_is_an_error_unless_replace() -> None:
    reg = Registry()
    reg.register(lambda: 1, name="x")
    with pytest.raises(RegistrationError, match="already registered"):
        reg.register(lambda: 2, name="x")
    reg.register(lambda: 3, name="x", replace=True)
    assert reg.get("x")() == 3
    assert len(reg.entries()) == 1


def test_same_name_in_two_namespaces_is_ambiguous_until_qualified() -> None:
    reg = Registry()
    reg.register(lambda: "n", name="fp8", namespace="numerics")
    reg.register(lambda: "p", name="fp8", namespace="presets")
    with pytest.raises(AmbiguousFactoryError) as info:
        reg.get("fp8")
    assert info.value.choices == ("numerics:fp8", "presets:fp8")
    assert reg.get("presets:fp8")() == "p"


@pytest.mark.parametrize(
    ("ref", "suggestion"),
    [("nvfp5", "nvfp4"), ("nvfp4_stat", "nvfp4_static"), ("numerics:nvfp", "nvfp4")],
)
def test_unknown_name_suggests(ref: str, suggestion: str) -> None:
    reg = Registry()
    for name in ("nvfp4", "nvfp4_static", "fp8"):
        reg.register(lambda: None, name=name, namespace="numerics")
    with pytest.raises(UnknownFactoryError) as info:
        reg.get(ref)
    assert suggestion in info.value.suggestions
    assert suggestion in str(info.value)


@pytest.mark.parametrize("bad", ["", " x", "a:b", 3])
def test_bad_names_are_rejected(bad: object) -> None:
    with pytest.raises(RegistrationError):
        Registry().register(lambda: 1, name=bad)  # type: ignore[arg-type]


def test_registries_are_isolated() -> None:
    a, b = Registry(), Registry()
    a.register(lambda: 1, name="only_in_a")
    assert "only_in_a" in a
    assert "only_in_a" not in b


def test_plugin_view_never_shadows_local() -> None:
    from recipekit.resolver.registry import _PluginView

    reg = Registry()
    reg.register(lambda: "local", name="x")
    with pytest.warns(UserWarning, match="already registered locally"):
        assert _PluginView(reg, "plugin:demo").register(lambda: "plugin", name="x") is None
    assert reg.get("x")() == "local"
    entry = _PluginView(reg, "plugin:demo").register(lambda: "p", name="y")
    assert entry is not None and entry.origin == "plugin:demo"


def test_concurrent_reads_and_writes() -> None:
    reg = Registry()
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        try:
            reg.register(lambda i=i: i, name=f"f{i}")
        except BaseException as exc:  # pragma: no cover - would fail the test
            errors.append(exc)

    def reader() -> None:
        try:
            for _ in range(200):
                reg.names()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(50)] + [
        threading.Thread(target=reader) for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(reg.get(f"f{i}")() for i in range(50)) == list(range(50))


def test_default_registry_holds_builtins_and_public_decorator() -> None:
    @recipekit.factory(name="test_registry_probe", namespace="tests", replace=True)
    def probe() -> dict:
        return {"ok": True}

    assert recipekit.registry.get("tests:test_registry_probe")() == {"ok": True}
    assert "numerics" in recipekit.registry.namespaces()


def test_hooks_and_codecs_are_per_registry() -> None:
    from recipekit import Codec

    reg = Registry()
    reg.on_resolved(lambda data: data)
    reg.add_codec(Codec("c", lambda k, v: v, lambda k, v: v))
    reg.add_codec(Codec("c", lambda k, v: v, lambda k, v: v))
    assert len(reg.hooks) == 1 and len(reg.codecs) == 1
    assert Registry().hooks == () and Registry().codecs == ()


def test_entry_point_plugins_load_on_a_miss_and_never_shadow(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dist = tmp_path / "rk_demo_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: rk-demo-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[recipekit.factories]\ndemo = rk_demo_plugin:setup\n")
    (tmp_path / "rk_demo_plugin.py").write_text(
        "def setup(registry):\n"
        "    registry.register(lambda: 'plugin', name='from_plugin')\n"
        "    registry.register(lambda: 'plugin', name='local_name')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    reg = Registry()
    reg.register(lambda: "local", name="local_name")
    with pytest.warns(UserWarning, match="existing factory is kept"):
        assert reg.get("from_plugin")() == "plugin"  # a miss loads the plugins
    assert reg.get("from_plugin").origin == "plugin:demo"
    assert reg.get("local_name")() == "local"


def test_catalogue_view_is_live() -> None:
    reg = Registry()
    reg.register(lambda: 1, name="a", namespace="ns")
    view = reg.as_catalogue("ns")
    reg.register(lambda: 2, name="b", namespace="ns")
    assert sorted(view.get_all()) == ["a", "b"]
    assert view.get("b")() == 2
    assert Registry().as_catalogue("ns").get_all() == {}


def test_a_name_that_is_another_entrys_alias_is_a_clash() -> None:
    """Shadowing: a plugin's ``kv_fp8`` in its own namespace would win over (or lose to) the
    built-in alias ``kv_fp8``, depending on lookup order; it is refused instead."""
    reg = Registry()
    reg.register(
        lambda: "unit", name="configs/ptq/units/kv_fp8", namespace="units", aliases=("kv_fp8",)
    )
    with pytest.raises(
        RegistrationError, match="'kv_fp8' already names units:configs/ptq/units/kv_fp8"
    ):
        reg.register(lambda: "mine", name="kv_fp8", namespace="mine")
    with pytest.raises(RegistrationError):
        reg.register(lambda: "mine", name="other", namespace="mine", aliases=("kv_fp8",))
    assert reg.get("kv_fp8")() == "unit"
    reg.register(lambda: "mine", name="kv_fp8", namespace="mine", replace=True)
    assert reg.get("kv_fp8")() == "mine"  # taken over on purpose
    assert reg.get("units:kv_fp8")() == "unit"  # the old entry keeps its qualified names
    assert reg.get("units:configs/ptq/units/kv_fp8")() == "unit"


def test_a_plugin_never_changes_what_a_name_meant() -> None:
    reg = Registry()
    reg.register(lambda: "local", name="fp8", namespace="numerics")
    assert reg.get("fp8")() == "local"

    def plugin(view: object) -> None:
        view.register(lambda: "plugin", name="fp8", namespace="plugin_ns")  # type: ignore[attr-defined]

    with pytest.raises(RegistrationError, match="already names numerics:fp8"):
        reg.load_plugin(plugin, "plugin:demo")
    assert reg.get("fp8")() == "local"


def test_set_up_runs_once_before_anything_else() -> None:
    calls = []

    def setup(registry: Registry) -> None:
        calls.append(1)
        registry.register(lambda: "builtin", name="b", namespace="builtins")

    reg = Registry(setup=setup)
    reg.register(lambda: "user", name="u")
    assert [e.name for e in reg.entries()] == ["b", "u"] and calls == [1]
    reg.get("b")
    assert calls == [1]


def test_the_fresh_promise_is_recorded_and_replays_from_the_tag() -> None:
    import types

    reg = Registry()

    @reg.factory(fresh=True)
    def made() -> dict:
        return {}

    @reg.factory
    def kept() -> dict:
        return {}

    assert (reg.get("made").fresh, reg.get("kept").fresh) == (True, False)
    module = types.ModuleType("plugin_mod")
    made.__module__ = kept.__module__ = module.__name__
    module.made, module.kept = made, kept  # type: ignore[attr-defined]
    other = Registry()
    other.load_plugin(module, "plugin:demo")
    assert (other.get("made").fresh, other.get("kept").fresh) == (True, False)
