"""The default registry: assembled above the core, complete for every first user at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import recipekit
from recipekit.defaults import MODELOPT_READER, default_registry, new_registry

ROOT = Path(__file__).resolve().parents[1]


def test_default_registry_has_builtins_codec_and_reader() -> None:
    reg = default_registry()
    assert reg is recipekit.registry is default_registry()
    assert len(reg.entries()) >= 150
    assert [c.name for c in reg.codecs] == ["modelopt.exmy"]
    assert reg.readers == (MODELOPT_READER,)
    assert [v.name for v in reg.validators] == ["modelopt-0.47.0"]


def test_new_registry_is_independent() -> None:
    a, b = new_registry(), new_registry()
    a.register(lambda: 1, name="only_in_a_defaults_test", namespace="t")
    assert "only_in_a_defaults_test" in a and "only_in_a_defaults_test" not in b
    assert "only_in_a_defaults_test" not in default_registry()
    assert a.get("kv_fp8").func is b.get("kv_fp8").func


def test_eight_threads_at_first_use_all_succeed() -> None:
    """In a fresh process the built-ins are still loading when the threads start: every
    thread must wait for them (it used to get 'unknown factory' 7 times out of 8)."""
    script = textwrap.dedent(
        """
        import threading, recipekit
        results, barrier = [], threading.Barrier(8)
        def work():
            barrier.wait()
            try:
                results.append(recipekit.resolve("x: {_factory_: kv_fp8}")["x"][0]["quantizer_name"])
            except Exception as exc:
                results.append(repr(exc))
        threads = [threading.Thread(target=work) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(sorted(set(results)))
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert out.strip() == "['*[kv]_bmm_quantizer']"


def test_a_module_plugin_registers_into_the_registry_that_loads_it(tmp_path: Path) -> None:
    module = tmp_path / "rk_module_plugin_probe.py"
    module.write_text(
        "import recipekit\n\n"
        "@recipekit.factory(name='module_plugin_probe', namespace='probe', replace=True)\n"
        "def probe() -> dict:\n"
        "    return {'probe': True}\n"
    )
    sys.path.insert(0, str(tmp_path))
    try:
        import rk_module_plugin_probe as plugin  # registers into the default registry
    finally:
        sys.path.remove(str(tmp_path))
    mine = recipekit.Registry()
    mine.load_plugin(plugin, "plugin:probe")
    assert mine.get("module_plugin_probe")() == {"probe": True}
    assert mine.get("module_plugin_probe").origin == "plugin:probe"
    mine.load_plugin(plugin, "plugin:probe")  # loading it again changes nothing
    assert len(mine.entries()) == 1
