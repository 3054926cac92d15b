"""The ``recipekit`` command: resolve, list, show, diff, explain, check, convert.

Exit codes: 0 success; 1 a problem in the user's input or a file that cannot be written (the
readable report goes to stderr, never a traceback; ``--debug`` adds it); 2 a usage error (bad
command line). ``diff`` follows ``diff``/``git diff --exit-code``: 0 identical, 1 different.

A TARGET is classified by ``recipekit.resolver.sources.classify`` (the same rule as the API):
a registered name or call, a ``.yaml``/``.yml``/``.json`` file, or ``-`` for standard input.
``FILE.yaml:PATH`` (and ``--select PATH`` for any target) prints only the subtree at PATH of the
resolved document. The ``:PATH`` suffix is read only after a file suffix, because ``ns:name`` is
already the grammar of registered names (``units:kv_fp8``); a name's subtree needs ``--select``.
Every subcommand's ``--help`` ends with the same epilog (``EPILOG``): targets and the override
grammar, with examples.
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
    "a registered name (optionally NAME(arg=...)), a .yaml/.yml/.json file (FILE.yaml:PATH for a "
    "subtree), or - for stdin"
)
#: shown under every subcommand's --help: what a target is and the override grammar, one screen
EPILOG = """\
targets:
  general/ptq/nvfp4_default-kv_fp8      a registered name (`recipekit list PATTERN` finds them)
  'nvfp4(block_size=32)'                a call with Python literals
  examples/recipe_with_overrides.yaml   a file; FILE.yaml:quantize prints one subtree
  -                                     YAML on standard input
overrides (KEY=VALUE words after the target; values are YAML; quote them in a shell):
  quantize.algorithm=mse                            replace a value
  quantize.quant_cfg.-1.enable=true                 a list item by index (-1: the last)
  "quantize.quant_cfg[quantizer_name='*[kv]_bmm_quantizer'].cfg.num_bits=e5m2"
                                                    list items whose field equals the text
  +quantize.quant_cfg.-1.parent_class=nn.Linear     add a key that does not exist yet
  ~quantize.quant_cfg.0                             delete a key or list item
  'quantize.quant_cfg+=[{quantizer_name: "*router*", enable: false}]'
                                                    += extends/merges/adds (also -= *= /=)
  'quantize.quant_cfg.2.cfg={_factory_: fp8}'       a factory node, resolved before it is set
"""


class _Command(argparse.ArgumentParser):
    """A subcommand's parser: its ``--help`` ends with the shared ``EPILOG``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("epilog", EPILOG)
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)


class _Version(argparse.Action):
    """``--version``: imports what it names only when asked (start-up stays fast)."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option: Any = None) -> None:
        sys.stdout.write(version_text())
        parser.exit()


def version_text() -> str:
    from recipekit import __version__
    from recipekit.factories import MODELOPT_VERSION
    from recipekit.schema import SCHEMA_VERSION, available

    shipped = "" if available() else " (not shipped in this build)"
    return (
        f"recipekit {__version__}\n"
        f"ModelOpt {MODELOPT_VERSION} (the recipes and matching rules it mirrors)\n"
        f"schema {SCHEMA_VERSION}{shipped}\n"
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
    parser.add_argument(
        "--version",
        action=_Version,
        nargs=0,
        help="recipekit's version, the ModelOpt version it mirrors and the schema version",
    )
    sub = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", parser_class=_Command
    )

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

    def select(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--select",
            metavar="PATH",
            help="only the subtree at PATH of the resolved document, e.g. quantize.quant_cfg "
            "(like Hydra's --package; FILE.yaml:PATH does the same for a file)",
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
        p.add_argument(  # hardening (issue 10)
            "--include-root",
            action="append",
            default=[],
            metavar="DIR",
            help="let @file includes read under DIR too (repeatable; by default only the"
            " document's directory and the current directory)",
        )

    def no_validate(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--no-validate",
            dest="validate",
            action="store_false",
            help="do not validate recipes against ModelOpt 0.47.0's schema",
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
        select(p)
        output(p)
        no_validate(p)
        p.add_argument(
            "--entrypoint", metavar="NAME", help="the document is the arguments of entry point NAME"
        )
        common(p)

    if wanted("list"):
        p = sub.add_parser(
            "list", help="list registered factories and their aliases (filter by pattern)"
        )
        p.add_argument(
            "pattern",
            nargs="?",
            metavar="PATTERN",
            help="a namespace (numerics, units, presets, recipes), NS:PATTERN, a glob ('*fp8*') or a "
            "substring of a name or alias (nvfp4)",
        )
        p.add_argument("--json", action="store_true", help="machine-readable output (every field)")
        common(p)

    if wanted("show"):
        p = sub.add_parser(
            "show",
            help="signature, docstring, source and a usage snippet of a factory "
            "(--yaml: its _factory_ YAML to copy from)",
        )
        p.add_argument("name")
        p.add_argument(
            "--yaml",
            action="store_true",
            help="print the factory's _factory_ YAML file as shipped (built-in recipes), else its "
            "resolved data as YAML: a starting point to copy",
        )
        common(p)

    if wanted("diff"):
        p = sub.add_parser(
            "diff",
            help="unified diff of two resolved targets (overrides apply to B); exit 0 same, 1 different",
        )
        p.add_argument("a", help=TARGET_HELP)
        p.add_argument("b", help=TARGET_HELP)
        p.add_argument("overrides", nargs="*", metavar="KEY=VALUE")
        p.add_argument(
            "--paths",
            action="store_true",
            help="one line per changed (~), added (+) or removed (-) key path instead of a text diff",
        )
        select(p)
        no_validate(p)
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
        no_validate(p)
        common(p)

    if wanted("check"):
        p = sub.add_parser(
            "check", help="validate documents without calling any factory (pre-commit friendly)"
        )
        p.add_argument("files", nargs="+", metavar="TARGET", help=TARGET_HELP)
        no_validate(p)
        common(p)

    if wanted("launcher"):  # the ModelOpt launcher (recipekit/interop/launcher.py: args, run)
        from recipekit.interop import launcher as _launcher_cli

        p = sub.add_parser(
            "launcher", help="resolve a ModelOpt launcher YAML into launch() arguments"
        )
        _launcher_cli.add_arguments(p)
        common(p)

    if wanted("convert"):
        p = sub.add_parser("convert", help="rewrite a ModelOpt $import YAML file in _factory_ form")
        p.add_argument("file")
        output(p)
        common(p)

    if wanted("schema"):
        p = sub.add_parser(
            "schema",
            help="the JSON Schema of recipe files (ModelOpt's, with _factory_ nodes allowed), for "
            "editors: # yaml-language-server: $schema=FILE",
        )
        p.add_argument(
            "--recipe-type",
            default="ptq",
            metavar="TYPE",
            help="metadata.recipe_type (default: ptq)",
        )
        output(p)
        common(p)

    if wanted("completion"):
        p = sub.add_parser(
            "completion",
            help="print a shell completion script (needs the 'completion' extra: shtab)",
            description="Print a completion script for SHELL. bash: "
            'eval "$(recipekit completion bash)" in ~/.bashrc; zsh: recipekit completion zsh > '
            '"${fpath[1]}/_recipekit"; fish: recipekit completion fish > '
            "~/.config/fish/completions/recipekit.fish",
        )
        p.add_argument("shell", choices=("bash", "zsh", "fish"))
        common(p)

    if wanted("match"):  # its arguments and command live in recipekit/match.py
        from recipekit import match

        p = sub.add_parser(
            "match", help="which quantizer of a model gets which setting, and which rule"
        )
        match.add_arguments(p)
        p.epilog = f"{p.epilog}\n\n{EPILOG}" if p.epilog else EPILOG
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
    """Print ``text``, or write it to ``args.output`` (see ``write_text``)."""
    if getattr(args, "output", None):
        write_text(text, args.output, inputs=inputs, force=args.force)
    else:
        sys.stdout.write(text)


def write_text(text: str, output: str, *, inputs: Sequence[str] = (), force: bool = False) -> None:
    """Write ``text`` to ``output`` atomically (a temporary file in the same directory, then a
    rename), never over one of the ``inputs`` unless ``force``; OS errors are ``SourceError``s."""
    import os
    import tempfile

    from recipekit.resolver.errors import SourceError

    target = os.path.abspath(output)
    for given in inputs:
        same = os.path.isfile(given) and os.path.exists(target) and os.path.samefile(given, target)
        if same and not force:
            raise SourceError(
                f"{output} is an input file; refusing to overwrite it",
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
            f"cannot write {output}: {exc.strerror or exc}",
            expected="a writable file path in an existing directory",
        ) from None


def split_target(text: str) -> tuple[str, str | None]:
    """``"x.yaml:quantize.quant_cfg"`` -> ``("x.yaml", "quantize.quant_cfg")``; anything else
    -> ``(text, None)``. Only a file suffix before the colon counts, so ``units:kv_fp8`` stays
    a name (see the module docstring)."""
    import re

    from recipekit.resolver.keys import INCLUDE_SUFFIXES

    suffixes = "|".join(re.escape(s) for s in INCLUDE_SUFFIXES)
    found = re.fullmatch(rf"(.+?(?:{suffixes})):([^:]+)", text, re.I)
    return (found.group(1), found.group(2)) if found else (text, None)


def _target(text: str) -> Any:
    """A command-line TARGET: ``-`` is standard input, anything else is classified by the same
    rule as the API's sources (a ``:PATH`` suffix already split off by ``split_target``)."""
    if text == "-":
        return sys.stdin.read()
    return split_target(text)[0]


def _selection(args: argparse.Namespace, *targets: str) -> str | None:
    """The subtree the command line asks for: ``--select`` or a ``FILE.yaml:PATH`` suffix."""
    chosen = [
        p for p in (getattr(args, "select", None), *(split_target(t)[1] for t in targets)) if p
    ]
    if len(set(chosen)) > 1:
        from recipekit.resolver.errors import BadArgumentError

        raise BadArgumentError(
            "two different subtrees asked for: " + " and ".join(chosen),
            hint="give --select or FILE.yaml:PATH, not both",
        )
    return chosen[0] if chosen else None


def _whole(command: str, targets: Sequence[str]) -> None:
    """Commands that take whole documents refuse a ``FILE.yaml:PATH`` target (rather than
    ignoring the ``:PATH``)."""
    for target in targets:
        if split_target(target)[1]:
            from recipekit.resolver.errors import BadArgumentError

            raise BadArgumentError(
                f"{command} takes whole documents, not the subtree {target!r}",
                hint="resolve, diff and explain take FILE.yaml:PATH; drop the :PATH here",
            )


def _subtree(data: Any, path: str | None) -> Any:
    """The value at ``path`` of resolved ``data`` (a list of values when a selector names
    several); ``data`` itself when ``path`` is None. Codecs see the value under its own key
    (``--select ...num_bits`` prints ``e4m3``), as they would inside the document."""
    if path is None:
        return data
    from recipekit.defaults import default_registry
    from recipekit.resolver import paths

    found = paths.find(data, paths.parse(path), what=f"--select {path}")
    values = []
    for where in found:
        value = paths.at(data, where)
        for codec in default_registry().codecs:
            value = codec.encode(where[-1] if where else None, value)
        values.append(value)
    return values[0] if len(found) == 1 else values


def _resolve(args: argparse.Namespace) -> int:
    from recipekit.api import dump, resolve_full
    from recipekit.resolver.errors import BadArgumentError

    chosen = _selection(args, args.target)
    res = resolve_full(
        _target(args.target),
        args.overrides,
        allow_imports=_allow(args),
        record=args.form == "annotated",
        validate=args.validate,
        entrypoint=args.entrypoint,
        keep_base=args.form == "factory",  # only the factory form folds overrides into base
        include_roots=args.include_root,
    )
    if chosen is None:
        text = dump(res, form=args.form, format=args.format)
    else:
        from recipekit.resolver.serialize import FORMS

        if FORMS[args.form].needs != "data":
            raise BadArgumentError(
                f"a subtree (--select {chosen}) is printed in the expanded or nemo-run form, "
                f"not as {args.form}",
                hint="drop --form, or print the whole document",
            )
        part = _subtree(res.data, chosen)
        text = dump(part, form=args.form, format=args.format, registry=res.registry)
    _write(text, args, res.document.files)
    _note_json(text, args.format)
    return EXIT_OK


def _note_json(text: str, format: str) -> None:
    """JSON can only spell integer mapping keys (ModelOpt's ``block_sizes: {-1: 16}``) as text:
    recipekit reads them back as ints, ModelOpt's loader rejects them. Say so, on stderr."""
    import re

    if format == "json" and re.search(r'^\s*"-?\d+":', text, re.M):
        sys.stderr.write(
            'recipekit: note: JSON writes integer keys such as block_sizes\' -1 as "-1"; '
            "recipekit reads this back to the same recipe, ModelOpt's loader does not: "
            "give ModelOpt the YAML form\n"
        )


def _signature(entry: Any) -> str:
    sig = entry.signature
    return str(sig).replace("typing.", "") if sig is not None else "(...)"


def _list(args: argparse.Namespace) -> int:
    import json
    import shutil

    from recipekit import listing
    from recipekit.defaults import default_registry

    entries = listing.matching(default_registry(), args.pattern)
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
    width = shutil.get_terminal_size().columns
    for line in listing.table(entries, width, _signature):
        sys.stdout.write(line + "\n")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    import inspect

    from recipekit.defaults import default_registry

    entry = default_registry().get(args.name)
    if args.yaml:
        sys.stdout.write(_factory_yaml(entry))
        return EXIT_OK
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


def _factory_yaml(entry: Any) -> str:
    """The shipped ``_factory_`` YAML of a built-in (``recipekit/recipes/NAME.yaml``), or the
    factory's resolved data as YAML; a comment line says which."""
    import os

    from recipekit.api import dump, resolve

    shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "recipes", entry.name)
    if os.path.isfile(shipped + ".yaml"):
        with open(shipped + ".yaml", encoding="utf-8") as handle:
            text = handle.read()
        return f"# {entry.name}: recipekit's _factory_ YAML (copy it and edit)\n" + text
    return (
        f"# {entry.name} has no shipped _factory_ YAML; its resolved data "
        f"(or write `_factory_: {entry.name}` and override fields as siblings):\n"
        + dump(resolve(entry.qualified))
    )


def _diff(args: argparse.Namespace) -> int:
    import difflib

    from recipekit.api import dump, resolve

    chosen = _selection(args, args.a, args.b)
    allow, valid, roots = _allow(args), args.validate, args.include_root
    left_data = _subtree(
        resolve(_target(args.a), allow_imports=allow, validate=valid, include_roots=roots), chosen
    )
    right_data = _subtree(
        resolve(
            _target(args.b),
            args.overrides,
            allow_imports=allow,
            validate=valid,
            include_roots=roots,
        ),
        chosen,
    )
    left, right = dump(left_data), dump(right_data)
    label_b = args.b + (" " + " ".join(args.overrides) if args.overrides else "")
    if left == right:
        sys.stdout.write(f"{args.a} and {label_b} resolve to the same data\n")
        return EXIT_OK
    if args.paths:
        from recipekit.defaults import default_registry
        from recipekit.resolver import pathdiff
        from recipekit.resolver.serialize import scalar_text, to_plain

        encoders = [c.encode for c in default_registry().codecs]
        plain = [to_plain(d, encoders=encoders) for d in (left_data, right_data)]
        found = pathdiff.lines(pathdiff.changes(*plain), show=scalar_text)
        sys.stdout.write(f"--- {args.a}\n+++ {label_b}\n" + "".join(f"{x}\n" for x in found))
        return EXIT_DIFFERENT
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
        _target(args.target),
        args.overrides,
        allow_imports=_allow(args),
        record=True,
        validate=args.validate,
        include_roots=args.include_root,
    )
    within = split_target(args.target)[1]  # FILE.yaml:quantize explain algorithm
    path, origin = explain(res, f"{within}.{args.path}" if within else args.path)
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

    _whole("check", args.files)
    problems = []
    for target in args.files:
        problems += check(
            _target(target),
            allow_imports=_allow(args),
            validate=args.validate,
            include_roots=args.include_root,
        )
    if problems:
        raise ProblemReport(problems, f"{len(args.files)} target(s)")
    sys.stdout.write(f"ok: {len(args.files)} target(s)\n")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from recipekit import schema

    _write(schema.text(args.recipe_type), args)
    return EXIT_OK


def _completion(args: argparse.Namespace) -> int:
    from recipekit import completion

    sys.stdout.write(completion.script(_parser(), args.shell))
    return EXIT_OK


def _convert(args: argparse.Namespace) -> int:
    from recipekit.interop.modelopt_imports import convert

    _write(convert(args.file), args, [args.file])
    return EXIT_OK


def _launcher(args: argparse.Namespace) -> int:
    from recipekit.interop import launcher

    return launcher.run(args)


def _match(args: argparse.Namespace) -> int:
    from recipekit import match

    _whole("match", [args.target])
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
    "launcher": _launcher,
    "schema": _schema,
    "completion": _completion,
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
