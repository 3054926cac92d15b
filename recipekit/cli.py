"""The ``recipekit`` command: resolve, list, show, diff, explain, check, convert.

Exit codes: 0 success; 1 a resolution problem in the user's input (the readable report goes to
stderr, never a traceback); 2 a usage error (bad command line). Only what a command needs is
imported, so ``recipekit resolve`` starts in a few tens of milliseconds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recipekit",
        description="Resolve, inspect and compare model-quantization recipes built from registered factories.",
    )
    parser.add_argument("--version", action="version", version="%(prog)s 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--load",
            action="append",
            default=[],
            metavar="MODULE_OR_PYFILE",
            help="import a module or .py file first so its factories register (repeatable)",
        )
        p.add_argument(
            "--allow-import",
            action="append",
            default=[],
            metavar="PREFIX",
            help="let documents import modules under PREFIX for _target_ (repeatable; '*' allows all)",
        )
        p.add_argument(  # hardening (issue 10)
            "--include-root",
            action="append",
            default=[],
            metavar="DIR",
            help="let @file includes read under DIR too (repeatable; by default only the"
            " document's directory and the current directory)",
        )

    p = sub.add_parser(
        "resolve", help="resolve a recipe (registered name or YAML file) and print it"
    )
    p.add_argument("target", help="registered name (optionally NAME(arg=...)) or YAML file")
    p.add_argument(
        "overrides",
        nargs="*",
        metavar="KEY=VALUE",
        help="dot-list overrides of the resolved document",
    )
    p.add_argument("--format", choices=("yaml", "json"), default="yaml")
    p.add_argument(
        "--form", choices=("expanded", "annotated", "factory", "nemo-run"), default="expanded"
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    common(p)

    p = sub.add_parser("list", help="list registered factories")
    p.add_argument(
        "namespace", nargs="?", help="only this namespace (numerics, units, presets, recipes, ...)"
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    common(p)

    p = sub.add_parser("show", help="signature, docstring, source and a usage snippet of a factory")
    p.add_argument("name")
    common(p)

    p = sub.add_parser("diff", help="unified diff of two resolved targets (overrides apply to B)")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("overrides", nargs="*", metavar="KEY=VALUE")
    common(p)

    p = sub.add_parser(
        "explain", help="which factory, file:line, sibling key or override produced a value"
    )
    p.add_argument("target")
    p.add_argument(
        "path", help="dot path into the resolved document, e.g. quantize.quant_cfg.1.cfg.num_bits"
    )
    p.add_argument("overrides", nargs="*", metavar="KEY=VALUE")
    common(p)

    p = sub.add_parser(
        "check", help="validate documents without calling any factory (pre-commit friendly)"
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    common(p)

    p = sub.add_parser("convert", help="rewrite a ModelOpt $import YAML file in _factory_ form")
    p.add_argument("file")
    p.add_argument("-o", "--output", metavar="FILE")
    common(p)
    return parser


def _load_plugins(specs: Sequence[str]) -> None:
    import importlib
    import importlib.util
    import os

    from recipekit.resolver.errors import SourceError

    for spec in specs:
        if spec.endswith(".py") or os.path.sep in spec:
            if not os.path.isfile(spec):
                raise SourceError(
                    f"--load {spec}: no such file",
                    expected="a .py file or an importable module name",
                )
            name = "recipekit_plugin_" + os.path.splitext(os.path.basename(spec))[0].replace(
                "-", "_"
            )
            module_spec = importlib.util.spec_from_file_location(name, spec)
            assert module_spec is not None and module_spec.loader is not None
            module = importlib.util.module_from_spec(module_spec)
            sys.modules[name] = module
            try:
                module_spec.loader.exec_module(module)
            except Exception as exc:
                raise SourceError(f"--load {spec} failed: {type(exc).__name__}: {exc}") from exc
        else:
            try:
                importlib.import_module(spec)
            except Exception as exc:
                raise SourceError(
                    f"--load {spec} failed: {type(exc).__name__}: {exc}",
                    expected="an importable module name or a .py file",
                ) from exc


def _allow(args: argparse.Namespace) -> Any:
    return True if "*" in args.allow_import else tuple(args.allow_import)


def _write(text: str, output: str | None) -> None:
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)


def _target(text: str) -> Any:
    """A command-line TARGET: an existing file, or else a registered name (optionally called)."""
    import os

    from recipekit.resolver.api import FilePath
    from recipekit.resolver.callsyntax import parse_call
    from recipekit.resolver.errors import SourceError
    from recipekit.resolver.registry import default_registry

    if os.path.isfile(text):
        return FilePath(text)
    if text.lower().endswith((".yaml", ".yml", ".json")):
        raise SourceError(
            f"no such file: {text}", expected="an existing YAML file or a registered name"
        )
    default_registry().get(parse_call(text).name)  # unknown names fail here, with did-you-mean
    return text


def _resolve(args: argparse.Namespace) -> int:
    from recipekit.resolver.api import dump, resolve_full

    res = resolve_full(
        _target(args.target),
        args.overrides,
        allow_imports=_allow(args),
        record=args.form == "annotated",
        include_roots=args.include_root,
    )
    _write(dump(res, form=args.form, format=args.format), args.output)
    return EXIT_OK


def _signature(entry: Any) -> str:
    sig = entry.signature
    return str(sig).replace("typing.", "") if sig is not None else "(...)"


def _list(args: argparse.Namespace) -> int:
    import json

    from recipekit.resolver.errors import UnknownFactoryError, closest
    from recipekit.resolver.registry import default_registry

    reg = default_registry()
    if args.namespace and args.namespace not in reg.namespaces():
        raise UnknownFactoryError(
            f"no namespace {args.namespace!r}",
            expected="a registered namespace",
            suggestions=closest(args.namespace, reg.namespaces()),
            choices=reg.namespaces(),
        )
    entries = reg.entries(args.namespace)
    if args.json:
        rows = [
            {
                "name": e.name,
                "namespace": e.namespace,
                "aliases": list(e.aliases),
                "signature": _signature(e),
                "summary": e.summary,
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK
    width = max((len(e.name) for e in entries), default=4)
    for e in entries:
        sys.stdout.write(
            f"{e.name:<{width}}  {e.namespace:<9}  {_signature(e)}  {e.summary}\n".rstrip() + "\n"
        )
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    import inspect

    from recipekit.resolver.registry import default_registry

    entry = default_registry().get(args.name)
    lines = [f"{entry.name}  ({entry.namespace})", f"signature: {entry.name}{_signature(entry)}"]
    if entry.aliases:
        lines.append("aliases: " + ", ".join(entry.aliases))
    lines.append(f"source: {entry.source}")
    if entry.origin != "local":
        lines.append(f"from: {entry.origin}")
    if entry.doc:
        lines += ["", entry.doc]
    call = entry.name
    params = [
        p
        for p in (entry.signature.parameters.values() if entry.signature else [])
        if p.default is not inspect.Parameter.empty and p.kind is not p.VAR_KEYWORD
    ]
    if params:
        call += "(" + ", ".join(f"{p.name}={p.default!r}" for p in params) + ")"
    lines += [
        "",
        "example:",
        "  some_key:",
        f"    _factory_: {call!r}" if "(" in call else f"    _factory_: {call}",
    ]
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    import difflib

    from recipekit.resolver.api import dump, resolve

    roots = args.include_root
    left = dump(resolve(_target(args.a), allow_imports=_allow(args), include_roots=roots))
    right = dump(
        resolve(_target(args.b), args.overrides, allow_imports=_allow(args), include_roots=roots)
    )
    label_b = args.b + (" " + " ".join(args.overrides) if args.overrides else "")
    sys.stdout.writelines(
        difflib.unified_diff(
            left.splitlines(True), right.splitlines(True), fromfile=args.a, tofile=label_b
        )
    )
    return EXIT_OK


def _explain(args: argparse.Namespace) -> int:
    from recipekit.resolver.api import explain, resolve_full
    from recipekit.resolver.errors import format_path
    from recipekit.resolver.serialize import scalar_text, to_plain

    res = resolve_full(
        _target(args.target),
        args.overrides,
        allow_imports=_allow(args),
        record=True,
        include_roots=args.include_root,
    )
    path, origin = explain(res, args.path)
    node = res.data
    for key in path:
        node = getattr(node, key) if not isinstance(node, (dict, list)) else node[key]
    encoders = [c.encode for c in res.registry.codecs] if res.registry else []
    for encode in encoders:
        node = encode(path[-1] if path else None, node)
    value = to_plain(node, encoders=encoders)
    shown = (
        scalar_text(value)
        if not isinstance(value, (dict, list))
        else f"<{type(value).__name__} of {len(value)}>"
    )
    sys.stdout.write(f"{format_path(path)} = {shown}\n")
    sys.stdout.write(f"  from {origin}\n" if origin else "  origin unknown\n")
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from recipekit.resolver.api import load_document
    from recipekit.resolver.check import check
    from recipekit.resolver.errors import ProblemReport, RecipekitError
    from recipekit.resolver.interpolate import interpolate
    from recipekit.resolver.registry import default_registry

    reg = default_registry()
    problems: list[RecipekitError] = []
    for file in args.files:
        try:
            doc = load_document(
                file if file.endswith((".yaml", ".yml", ".json")) else _as_path(file),
                registry=reg,
                include_roots=args.include_root,
            )
            doc.data = interpolate(doc)
            problems += check(doc, reg, _allow(args))
        except RecipekitError as exc:
            problems += exc.problems
    if problems:
        raise ProblemReport(problems, f"{len(args.files)} file(s)")
    sys.stdout.write(f"ok: {len(args.files)} file(s)\n")
    return EXIT_OK


def _as_path(file: str) -> Any:
    from pathlib import Path

    return Path(file)


def _convert(args: argparse.Namespace) -> int:
    from recipekit.interop.modelopt_imports import convert

    _write(convert(args.file), args.output)
    return EXIT_OK


COMMANDS = {
    "resolve": _resolve,
    "list": _list,
    "show": _show,
    "diff": _diff,
    "explain": _explain,
    "check": _check,
    "convert": _convert,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    # KEY=VALUE overrides may also follow options such as --load (argparse stops at them).
    if extra:
        if hasattr(args, "overrides") and all(
            "=" in word or word.startswith("~") for word in extra
        ):
            args.overrides = [*args.overrides, *extra]
        else:
            parser.error("unrecognized arguments: " + " ".join(extra))
    from recipekit.resolver.errors import RecipekitError

    try:
        _load_plugins(args.load)
        return COMMANDS[args.command](args)
    except RecipekitError as exc:
        sys.stderr.write(f"recipekit {args.command}: {exc}\n")
        return EXIT_PROBLEM
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
