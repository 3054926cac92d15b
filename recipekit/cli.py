"""The ``recipekit`` command: resolve, list, show, diff, explain, check, convert.

Exit codes: 0 success; 1 a problem in the user's input or a file that cannot be written (the
readable report goes to stderr, never a traceback; ``--debug`` adds it); 2 a usage error (bad
command line). ``diff`` follows ``diff``/``git diff --exit-code``: 0 identical, 1 different.

A TARGET is classified by ``recipekit.resolver.sources.classify`` (the same rule as the API):
a registered name or call, a ``.yaml``/``.yml``/``.json`` file, or ``-`` for standard input.
Output files are written atomically and never over an input. Only what a command needs is
imported, so ``recipekit resolve`` starts in a few tens of milliseconds.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

EXIT_OK, EXIT_PROBLEM, EXIT_USAGE = 0, 1, 2
EXIT_DIFFERENT = 1  # diff: the two targets differ
TARGET_HELP = (
    "a registered name (optionally NAME(arg=...)), a .yaml/.yml/.json file, or - for stdin"
)


def _parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser; with ``only``, just that command's sub-parser (building the
    others' arguments, and importing what they need, is a tenth of ``resolve``'s start-up)."""

    def wanted(command: str) -> bool:
        return only in (None, command)

    parser = argparse.ArgumentParser(
        prog="recipekit",
        description="Resolve, inspect and compare model-quantization recipes built from registered factories.",
    )
    parser.add_argument("--version", action="version", version="%(prog)s 0.1.0")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def forms(p: argparse.ArgumentParser) -> None:
        from recipekit.resolver.serialize import FORMATS, FORMS

        p.add_argument("--format", choices=FORMATS, default="yaml")
        p.add_argument(
            "--form",
            choices=tuple(FORMS),
            default="expanded",
            help="; ".join(f"{f.name}: {f.help}" for f in FORMS.values()),
        )

    def output(p: argparse.ArgumentParser) -> None:
        p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
        p.add_argument(
            "--force", action="store_true", help="allow -o to overwrite one of the input files"
        )

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--debug", action="store_true", help="show the Python traceback of any error"
        )
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

    if wanted("resolve"):
        p = sub.add_parser(
            "resolve", help="resolve a recipe (registered name or YAML file) and print it"
        )
        p.add_argument("target", help=TARGET_HELP)
        p.add_argument(
            "overrides",
            nargs="*",
            metavar="KEY=VALUE",
            help="dot-list overrides of the resolved document",
        )
        forms(p)
        output(p)
        common(p)

    if wanted("list"):
        p = sub.add_parser("list", help="list registered factories")
        p.add_argument(
            "namespace",
            nargs="?",
            help="only this namespace (numerics, units, presets, recipes, ...)",
        )
        p.add_argument("--json", action="store_true", help="machine-readable output")
        common(p)

    if wanted("show"):
        p = sub.add_parser(
            "show", help="signature, docstring, source and a usage snippet of a factory"
        )
        p.add_argument("name")
        common(p)

    if wanted("diff"):
        p = sub.add_parser(
            "diff",
            help="unified diff of two resolved targets (overrides apply to B); exit 0 same, 1 different",
        )
        p.add_argument("a", help=TARGET_HELP)
        p.add_argument("b", help=TARGET_HELP)
        p.add_argument("overrides", nargs="*", metavar="KEY=VALUE")
        common(p)

    if wanted("explain"):
        p = sub.add_parser(
            "explain", help="which factory, file:line, sibling key or override produced a value"
        )
        p.add_argument("target", help=TARGET_HELP)
        p.add_argument(
            "path",
            help="dot path into the resolved document, e.g. quantize.quant_cfg.1.cfg.num_bits",
        )
        p.add_argument("overrides", nargs="*", metavar="KEY=VALUE")
        common(p)

    if wanted("check"):
        p = sub.add_parser(
            "check", help="validate documents without calling any factory (pre-commit friendly)"
        )
        p.add_argument("files", nargs="+", metavar="TARGET", help=TARGET_HELP)
        common(p)

    if wanted("convert"):
        p = sub.add_parser("convert", help="rewrite a ModelOpt $import YAML file in _factory_ form")
        p.add_argument("file")
        output(p)
        common(p)

    if wanted("match"):
        # `match`: its arguments and command live in recipekit/match.py
        from recipekit import match

        p = sub.add_parser(
            "match", help="which quantizer of a model gets which setting, and which rule"
        )
        match.add_arguments(p)
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


def _write(text: str, args: argparse.Namespace, inputs: Sequence[str] = ()) -> None:
    """Print ``text``, or write it atomically to ``args.output`` (never over an input file
    unless ``--force``)."""
    if not getattr(args, "output", None):
        sys.stdout.write(text)
        return
    import os
    import tempfile

    from recipekit.resolver.errors import SourceError

    target = os.path.abspath(args.output)
    for given in inputs:
        same = os.path.isfile(given) and os.path.exists(target) and os.path.samefile(given, target)
        if same and not args.force:
            raise SourceError(
                f"-o {args.output} is the input file; refusing to overwrite it",
                hint="write elsewhere, or pass --force to replace the input",
            )
    folder = os.path.dirname(target)
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=".recipekit-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise
    except OSError as exc:
        raise SourceError(
            f"cannot write {args.output}: {exc.strerror or exc}",
            expected="a writable file path in an existing directory",
        ) from None


def _target(text: str) -> Any:
    """A command-line TARGET: ``-`` is standard input, anything else is classified by the same
    rule as the API's sources."""
    if text == "-":
        return sys.stdin.read()
    return text


def _resolve(args: argparse.Namespace) -> int:
    from recipekit.api import dump, resolve_full

    res = resolve_full(
        _target(args.target),
        args.overrides,
        allow_imports=_allow(args),
        record=args.form == "annotated",
        keep_base=args.form == "factory",  # only the factory form folds overrides into base
    )
    _write(dump(res, form=args.form, format=args.format), args, res.document.files)
    return EXIT_OK


def _signature(entry: Any) -> str:
    sig = entry.signature
    return str(sig).replace("typing.", "") if sig is not None else "(...)"


def _list(args: argparse.Namespace) -> int:
    import json

    from recipekit.defaults import default_registry
    from recipekit.resolver.errors import UnknownFactoryError, closest

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

    from recipekit.defaults import default_registry

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

    from recipekit.api import dump, resolve

    left = dump(resolve(_target(args.a), allow_imports=_allow(args)))
    right = dump(resolve(_target(args.b), args.overrides, allow_imports=_allow(args)))
    label_b = args.b + (" " + " ".join(args.overrides) if args.overrides else "")
    if left == right:
        sys.stdout.write(f"{args.a} and {label_b} resolve to the same data\n")
        return EXIT_OK
    sys.stdout.writelines(
        difflib.unified_diff(
            left.splitlines(True), right.splitlines(True), fromfile=args.a, tofile=label_b
        )
    )
    return EXIT_DIFFERENT


def _explain(args: argparse.Namespace) -> int:
    from recipekit.api import explain, resolve_full
    from recipekit.resolver import paths
    from recipekit.resolver.errors import format_path
    from recipekit.resolver.serialize import scalar_text, to_plain

    res = resolve_full(
        _target(args.target), args.overrides, allow_imports=_allow(args), record=True
    )
    path, origin = explain(res, args.path)
    node = paths.at(res.data, path)
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
    from recipekit.api import check
    from recipekit.resolver.errors import ProblemReport

    problems = []
    for target in args.files:
        problems += check(_target(target), allow_imports=_allow(args))
    if problems:
        raise ProblemReport(problems, f"{len(args.files)} target(s)")
    sys.stdout.write(f"ok: {len(args.files)} target(s)\n")
    return EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    from recipekit.interop.modelopt_imports import convert

    _write(convert(args.file), args, [args.file])
    return EXIT_OK


def _match(args: argparse.Namespace) -> int:
    from recipekit import match

    return match.run(args, _target(args.target), _allow(args))


COMMANDS = {
    "resolve": _resolve,
    "list": _list,
    "show": _show,
    "diff": _diff,
    "explain": _explain,
    "check": _check,
    "convert": _convert,
    "match": _match,
}


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(words[0] if words and words[0] in COMMANDS else None)
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
        if args.debug:
            import traceback

            traceback.print_exc()
        sys.stderr.write(f"recipekit {args.command}: {exc}\n")
        return EXIT_PROBLEM
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug, not the input's fault: say so in one line
        if args.debug:
            raise
        sys.stderr.write(
            f"recipekit {args.command}: internal error: {type(exc).__name__}: {exc}\n"
            "  hint: this is a bug in recipekit or a plugin; rerun with --debug for the traceback\n"
        )
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
