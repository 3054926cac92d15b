"""Validation of recipes against ModelOpt 0.47.0's own schema, as data.

``modelopt-0.47.0/`` holds JSON Schemas that ``tests/oracle/modelopt_schema.py`` exports from
ModelOpt's pydantic classes (``extra="forbid"`` is ``additionalProperties: false``), and
``INDEX.json``, which says which schema applies to what: each ``metadata.recipe_type`` (and the
section ModelOpt's ``load_recipe`` requires for it), each kind of factory result (``numeric`` ->
``QuantizerAttributeConfig``, ``unit`` -> ``QuantizerCfgEntry``, ``units`` -> its list,
``preset`` -> ``QuantizeConfig``) and each calibration ``method``.

What is checked, in ``validate(data)`` (a whole resolved document; anything that is not a recipe
gives no problems):

* the loader's rules (``modelopt.recipe.loader``): ``metadata.recipe_type`` present and one of
  ModelOpt's types, and the type's section (``quantize`` for ``ptq``) present;
* the recipe class's schema: unknown keys, wrong types, bad enum values, missing fields, and the
  model validators restated below;
* ``quantize.algorithm`` (and an AutoQuantize ``kv_cache``/candidate's), which ModelOpt does *not*
  validate when loading: ``mtq.calibrate`` validates it later with
  ``CalibrateModeRegistry["<method>_calibrate"].config_class`` (report §3.3), so an unknown method
  or key fails there, after the model is loaded. The same schemas are used here, earlier.

Two validators, each for what it is best at, both imported only when validating (never by
``import recipekit``): ``fastjsonschema`` turns a schema into Python code, shipped pre-compiled
in ``compiled/`` (``python -m recipekit.schemas`` regenerates it; compiling at run time would cost
15 ms per process for the PTQ recipe), which accepts a valid document in about 0.15 ms; only when
it rejects one, ``jsonschema`` (45 ms to import) walks the document again to report *every*
problem with its path, descending into ``anyOf`` branches (fastjsonschema stops at the first and
reports an ``anyOf`` as a whole). Its errors become ``BadFieldError`` (unknown or missing
keys: the allowed field names and a did-you-mean) or ``BadArgumentError`` (types, enum values).
Pydantic validators written as code are not in the schema; ``_entry_rules`` and
``_auto_quantize_rules`` restate the ``QuantizerCfgEntry`` and AutoQuantize ones (the oracle group
confirms each against ModelOpt); the others (ExMy pairs, value ranges) are not checked.

The data is checked in its JSON form: tuples as lists, ``-1`` block-size keys as ``"-1"``. Types
follow pydantic's lax mode, which ModelOpt validates in (``lax``: ``true`` is also an int,
``yes``/``off``/``1`` are bools), except that a numeric string is not a number (``axis: "0"``
loads in ModelOpt and is rejected here; see docs/compatibility.md).
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Sequence
from typing import Any

from recipekit.factories import MODELOPT_VERSION
from recipekit.resolver import caches
from recipekit.resolver.errors import BadArgumentError, BadFieldError, RecipekitError, closest

FOLDER = f"modelopt-{MODELOPT_VERSION}"
HERE = os.path.dirname(os.path.abspath(__file__))
COMPILED = "compiled"  # recipekit/schemas/compiled/<slug>.py, written by ``compile_all``

#: which schema a registered factory's result has, by the factory's namespace
NAMESPACE_KINDS = {"numerics": "numeric", "units": "unit", "presets": "preset"}

_SCHEMAS = caches.table("schemas.schema", resident=True)
_FAST = caches.table("schemas.fast", resident=True)
_SLOW = caches.table("schemas.explain", resident=True)


def index() -> dict[str, Any]:
    """``INDEX.json``: recipe types, kinds and algorithm methods -> schema names."""
    return schema("INDEX")


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema ``name`` (a dotted ModelOpt class path, or ``INDEX``), memoised."""
    found = _SCHEMAS.get(name)
    if found is None:
        with open(os.path.join(HERE, FOLDER, f"{name}.json"), encoding="utf-8") as handle:
            found = json.load(handle)
        _SCHEMAS.put(name, found)
    return found


def recipe_types() -> list[str]:
    return sorted(index()["recipe_types"])


def kind_schema(kind: str) -> str | None:
    """The schema name of a kind of result (``numeric``, ``unit``, ``units``, ``preset``) or of
    a recipe type (``recipe:ptq``)."""
    if kind.startswith("recipe:"):
        found = index()["recipe_types"].get(kind[7:])
        return found["schema"] if found else None
    return index()["kinds"].get(kind)


def field_names(name: str) -> list[str]:
    """The keys an object of schema ``name`` allows, in declaration order."""
    return list(schema(name).get("properties", {}))


# ---------------------------------------------------------------------------- the registry hook
def fields(entry: Any) -> Sequence[str] | None:
    """The allowed keys of a registered factory's result: by its namespace (numerics ->
    QuantizerAttributeConfig, units -> QuantizerCfgEntry, presets -> QuantizeConfig), None when
    unknown (recipes: the type is known only after the call)."""
    kind = NAMESPACE_KINDS.get(getattr(entry, "namespace", None))
    return field_names(kind_schema(kind)) if kind else None


def entry_kind(entry: Any) -> str | None:
    """The kind of a registered factory's result, for validating what ``resolve NAME`` returns:
    by namespace, and for a unit by its return annotation (``list[str]``: AutoQuantize layer
    patterns; another list: quant_cfg entries)."""
    kind = NAMESPACE_KINDS.get(getattr(entry, "namespace", None))
    if kind == "unit":
        import typing

        ann = entry.hints.get("return")
        if ann in (list, tuple) or typing.get_origin(ann) in (list, tuple):
            return "layers" if typing.get_args(ann) == (str,) else "units"
    return kind


def validate(data: Any, kind: str | None = None) -> list[RecipekitError]:
    """Every problem of a resolved document (``[]`` when it is fine or not a recipe). ``kind``
    forces a schema (see ``kind_schema``) for a factory result that is not a whole recipe."""
    if kind is None:
        if not is_recipe(data):
            return []
        return _validate_recipe(data)
    name = kind_schema(kind)
    if name is None:
        return []
    problems = _check(name, data, ())
    if kind in ("unit", "units"):
        problems += _entries_rules(data if kind == "units" else [data], ())
    else:
        problems += _entry_rules(data, ())
    if kind == "preset" and isinstance(data, dict):
        problems += _check_algorithm(data, ())
    return problems


def is_recipe(data: Any) -> bool:
    """A recipe document: a mapping with a ``metadata`` mapping (ModelOpt's ``load_recipe``
    peeks ``metadata.recipe_type``), or with ``metadata`` and a recipe section (``quantize``...)."""
    if not isinstance(data, dict) or "metadata" not in data:
        return False
    sections = {t["requires"] for t in index()["recipe_types"].values()}
    return isinstance(data["metadata"], dict) or any(k in data for k in sections)


def _validate_recipe(data: dict) -> list[RecipekitError]:
    types = index()["recipe_types"]
    meta = data["metadata"]
    rtype = meta.get("recipe_type") if isinstance(meta, dict) else None
    if rtype is None:
        return [
            BadFieldError(
                "a recipe needs metadata.recipe_type",
                path=("metadata",),
                expected="recipe_type: one of " + ", ".join(sorted(types)),
                hint=f"ModelOpt {MODELOPT_VERSION}'s load_recipe rejects a recipe without it",
            )
        ]
    if not isinstance(rtype, str) or rtype not in types:
        return [
            BadArgumentError(
                f"unknown recipe_type {rtype!r}",
                path=("metadata", "recipe_type"),
                expected="one of " + ", ".join(sorted(types)),
                suggestions=closest(str(rtype), types),
            )
        ]
    spec = types[rtype]
    need = spec["requires"]
    if need and need not in data:
        near = closest(need, [k for k in data if isinstance(k, str)])
        return [
            BadFieldError(
                f"a {rtype} recipe needs a {need!r} section"
                + (f"; {near[0]!r} is not one" if near else ""),
                path=(near[0],) if near else (),
                expected=f"top-level key {need!r}",
                suggestions=[need] if near else (),
            )
        ]
    problems = _check(spec["schema"], data, ()) + _entry_rules(data, ())
    if rtype in _RECIPE_RULES and not problems:
        problems = _RECIPE_RULES[rtype](data)
    if isinstance(data.get("quantize"), dict):
        problems += _check_algorithm(data["quantize"], ("quantize",))
    return problems


def _entry_rules(value: Any, at: tuple) -> list[RecipekitError]:
    """``QuantizerCfgEntry``'s model validators on every ``quant_cfg`` list below ``value``."""
    found: list[RecipekitError] = []
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "quant_cfg" and isinstance(sub, list):
                found += _entries_rules(sub, (*at, key))
            else:
                found += _entry_rules(sub, (*at, key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            found += _entry_rules(sub, (*at, i))
    return found


def _entries_rules(entries: list, at: tuple) -> list[RecipekitError]:
    """ModelOpt 0.47.0's ``QuantizerCfgEntry._normalize_cfg_shape`` and ``_validate_instruction``:
    an empty ``cfg`` needs ``enable: false``; an entry sets ``cfg``, ``enable`` or both."""
    found: list[RecipekitError] = []
    known = field_names(kind_schema("unit"))
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or any(k not in known for k in entry):
            continue  # the schema reports the unknown key (or it is not data yet)
        cfg = entry.get("cfg")
        empty = cfg == {} or (isinstance(cfg, list) and all(item == {} for item in cfg))
        if empty and entry.get("enable") is not False:
            found.append(
                BadArgumentError(
                    "an empty cfg quantizes with every attribute at its default",
                    path=(*at, i, "cfg"),
                    expected="at least one quantizer attribute, or enable: false",
                    hint="ModelOpt rejects it (QuantizerCfgEntry); drop cfg to keep the attributes",
                )
            )
        elif "cfg" not in entry and "enable" not in entry:
            found.append(
                BadFieldError(
                    "an entry with only quantizer_name has no effect",
                    path=(*at, i),
                    expected="cfg, enable, or both (QuantizerCfgEntry)",
                )
            )
    return found


def _auto_quantize_rules(data: dict) -> list[RecipekitError]:
    """The model validators of ``AutoQuantizeConfig`` and ``ModelOptAutoQuantizeRecipe``
    (modelopt/recipe/config.py), in the order pydantic runs them, with their messages."""
    search = data["auto_quantize"]
    fixed = data.get("quantize") is not None
    formats, spaces = search.get("candidate_formats"), search.get("module_search_spaces")
    rules = [
        (not formats and not spaces, ("auto_quantize",),
         "auto_quantize requires candidate_formats or at least one module_search_spaces entry"),
        (fixed and bool(formats), ("auto_quantize", "candidate_formats"),
         "a fixed quantize baseline requires omitting top-level auto_quantize.candidate_formats"),
        (fixed and not spaces, ("auto_quantize",),
         "a fixed quantize baseline requires at least one auto_quantize.module_search_spaces entry"),
        (not fixed and not formats, ("auto_quantize",),
         "without a fixed quantize baseline, auto_quantize.candidate_formats is required"),
    ]  # fmt: skip
    for broken, path, message in rules:
        if broken:
            return [BadArgumentError(message, path=path, hint="ModelOptAutoQuantizeRecipe rule")]
    return []


#: per recipe type, ModelOpt's rules that are code rather than schema
_RECIPE_RULES = {"auto_quantize": _auto_quantize_rules}


# ---------------------------------------------------------------------------- algorithm
def _check_algorithm(config: dict, at: tuple) -> list[RecipekitError]:
    """``algorithm`` as ``mtq.calibrate`` validates it: a method name, ``None``, a mapping with a
    ``method`` and that method's fields, or a list of those."""
    if "algorithm" not in config:
        return []
    algo = config["algorithm"]
    items = list(enumerate(algo)) if isinstance(algo, list) else [(None, algo)]
    methods = index()["algorithms"]
    problems: list[RecipekitError] = []
    for i, item in items:
        where = (*at, "algorithm") if i is None else (*at, "algorithm", i)
        if item is None:
            continue
        if hasattr(item, "model_dump"):  # a ModelOpt config object
            continue
        if isinstance(item, dict) and "method" not in item:
            problems.append(
                BadFieldError(
                    "missing required key 'method'",
                    path=where,
                    expected="an algorithm mapping names its method: {method: max, ...}",
                    hint="mtq.calibrate reads algorithm['method'] (get_modelike_from_algo_cfg)",
                )
            )
            continue
        method = item["method"] if isinstance(item, dict) else item
        path = (*where, "method") if isinstance(item, dict) else where
        if not isinstance(method, str) and method is not None:
            continue  # the schema already reported the type
        key = "null" if method is None else method
        if key not in methods:
            names = sorted(m for m in methods if m != "null")
            problems.append(
                BadArgumentError(
                    f"unknown calibration method {method!r}",
                    path=path,
                    expected="one of " + ", ".join(names) + " or null",
                    suggestions=closest(str(method), names),
                    hint="mtq.calibrate rejects it (CalibrateModeRegistry); ModelOpt's loader does not check",
                )
            )
        elif isinstance(item, dict):
            problems += _check(methods[key], item, where)
    return problems


# ---------------------------------------------------------------------------- schema checking
def _check(name: str, data: Any, at: tuple) -> list[RecipekitError]:
    doc = to_json(data)
    fast = _FAST.get(name)
    if fast is None:
        fast = _fast(name)
        _FAST.put(name, fast)
    try:
        fast(doc)
        return []
    except Exception:  # fastjsonschema.JsonSchemaException: explain it below
        pass
    return _explain(name, doc, data, at)


def slug(name: str) -> str:
    """The module name of a schema's compiled validator."""
    return name.replace(".", "_")


def _fast(name: str) -> Any:
    """The fastjsonschema validator of ``name``: shipped compiled code (imported, so Python's
    bytecode cache makes it cheap), else compiled now."""
    try:
        module = importlib.import_module(f"{__name__}.{COMPILED}.{slug(name)}")
    except ImportError:
        import fastjsonschema

        return fastjsonschema.compile(fast_schema(name), detailed_exceptions=False)
    return module.validate


def fast_schema(name: str) -> dict[str, Any]:
    """What fastjsonschema compiles for ``name``: the lax schema in its dialect."""
    return _for_fastjsonschema(lax(name))


def compiled_sources() -> dict[str, str]:
    """``{module file name: source}`` of every shipped schema's compiled validator (the
    ``compiled/`` folder; ``python -m recipekit.schemas`` writes it)."""
    import fastjsonschema

    names = [n[:-5] for n in sorted(os.listdir(os.path.join(HERE, FOLDER))) if n != "INDEX.json"]
    head = f'"""Generated by `python -m recipekit.schemas` from {FOLDER}/ (do not edit)."""\n'
    return {
        f"{slug(n)}.py": head
        + fastjsonschema.compile_to_code(fast_schema(n), detailed_exceptions=False).replace(
            _FAST_IMPORT,
            _OWN_IMPORT,  # the validators run without importing fastjsonschema
        )
        for n in names
    }


#: the generated code's one import of fastjsonschema (its exception types), and ours instead:
#: importing fastjsonschema costs ~7 ms of start-up (urllib, its generator), the code needs none
_FAST_IMPORT = "from fastjsonschema import JsonSchemaValueException, JsonSchemaValuesException"
_OWN_IMPORT = (
    "from recipekit.schemas.compiled import JsonSchemaValueException, JsonSchemaValuesException"
)
_COMPILED_INIT = '''"""fastjsonschema validators of the shipped schemas (generated)."""


class JsonSchemaValueException(ValueError):
    """What a generated validator raises for invalid data (fastjsonschema's name)."""


class JsonSchemaValuesException(JsonSchemaValueException):
    """Several of them (fastjsonschema's name)."""
'''


def compile_all() -> list[str]:
    """Write ``compiled/``: fastjsonschema's code for every schema (run after exporting them)."""
    folder = os.path.join(HERE, COMPILED)
    os.makedirs(folder, exist_ok=True)
    sources = compiled_sources()
    sources["__init__.py"] = _COMPILED_INIT
    for old in os.listdir(folder):
        if old.endswith(".py") and old not in sources:
            os.remove(os.path.join(folder, old))
    for file, text in sources.items():
        with open(os.path.join(folder, file), "w", encoding="utf-8") as handle:
            handle.write(text)
    return sorted(sources)


#: pydantic's lax mode (ModelOpt validates in it): what a field of each JSON type also accepts
BOOLS: list[Any] = [False, True, 0, 1, "0", "1", "f", "false", "n", "no", "off", "on", "t", "true"]
BOOLS += ["y", "yes"]
_LAX: dict[str, dict[str, Any]] = {
    "integer": {"type": ["integer", "boolean"]},
    "number": {"type": ["number", "boolean"]},
    "boolean": {"enum": BOOLS},
}
_LAX_SCHEMAS = caches.table("schemas.lax", resident=True)


def lax(name: str) -> dict[str, Any]:
    """Schema ``name`` as pydantic's lax mode applies it: a bool is also an int or a float
    (``four_over_six: true`` loads as ``1``), ``0``/``1`` and ``"yes"``/``"off"``... are bools.
    (JSON Schema alone is stricter; ``enable: maybe`` fails in both.)"""
    found = _LAX_SCHEMAS.get(name)
    if found is None:
        found = _laxed(schema(name))
        _LAX_SCHEMAS.put(name, found)
    return found


def _laxed(value: Any) -> Any:
    if isinstance(value, list):
        return [_laxed(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _laxed(v) for k, v in value.items()}
    kind = out.get("type")
    if (
        isinstance(kind, str)
        and kind in _LAX
        and len(out) == 1 + sum(k in out for k in ("title", "description", "default"))
    ):
        del out["type"]
        out.update(_LAX[kind])
    return out


def _for_fastjsonschema(value: Any) -> Any:
    """The schema without annotations (they only slow compiling down), with ``const: x`` as the
    equivalent ``enum: [x]`` (fastjsonschema 2.22 cannot compile ``const`` without detailed
    exceptions) and ``prefixItems`` as draft-07 ``items: [...]`` (pydantic writes draft 2020-12;
    fastjsonschema reads drafts 4-7)."""
    if isinstance(value, list):
        return [_for_fastjsonschema(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {
        k: {p: _for_fastjsonschema(v) for p, v in sub.items()}
        if k in ("properties", "$defs", "patternProperties")  # names, not keywords
        else _for_fastjsonschema(sub)
        for k, sub in value.items()
        if k not in ("description", "title", "default", "examples", "const")
    }
    if "const" in value:
        out["enum"] = [value["const"]]
    if "prefixItems" in out:  # draft 2020-12 tuples, in the draft-07 spelling fastjsonschema reads
        out["items"] = out.pop("prefixItems")
    return out


def to_json(value: Any) -> Any:
    """The JSON form the schema describes: tuples as lists, non-str keys as text."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else _key(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


def _key(key: Any) -> str:
    return json.dumps(key) if isinstance(key, (bool, type(None))) else str(key)


def _explain(name: str, doc: Any, data: Any, at: tuple) -> list[RecipekitError]:
    validator = _SLOW.get(name)
    if validator is None:
        import jsonschema

        validator = jsonschema.Draft202012Validator(lax(name))
        _SLOW.put(name, validator)
    from jsonschema.exceptions import best_match

    problems: list[RecipekitError] = []
    for error in validator.iter_errors(doc):
        if error.validator in ("anyOf", "oneOf"):
            error = _deepest(error, best_match)
        problems += _translate(error, data, at, validator)
    # a misspelt required key is one problem ("unknown 'quantizer_nme', did you mean ..."), not two
    typos = {
        (*p.path[:-1], s)
        for p in problems
        if p.message.startswith("unknown")
        for s in p.suggestions
    }
    return [p for p in problems if not (p.message.startswith("missing") and p.path in typos)]


def _deepest(error: Any, best_match: Any) -> Any:
    """In an ``anyOf``, the branch that fits the value's shape (an object for a mapping...)."""
    while error.context:
        shaped = [e for e in error.context if e.validator not in ("type",)]
        pick = best_match(shaped) if shaped else None
        if pick is None or len(pick.absolute_path) < len(error.absolute_path):
            return error
        error = pick
        if error.validator not in ("anyOf", "oneOf"):
            break
    return error


def _real_path(data: Any, json_path: Sequence[Any]) -> tuple:
    """The key path in the original data (``"-1"`` back to ``-1``)."""
    out, node = [], data
    for key in json_path:
        if isinstance(node, dict) and key not in node:
            key = next((k for k in node if _key(k) == key), key)
        out.append(key)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
    return tuple(out)


def _translate(error: Any, data: Any, at: tuple, validator: Any) -> list[RecipekitError]:
    path = (*at, *_real_path(data, list(error.absolute_path)))
    rule, sch, value = error.validator, error.schema, error.instance
    if rule == "additionalProperties" and isinstance(value, dict):
        allowed = list(sch.get("properties", {}))
        extra = [k for k in value if k not in allowed]
        return [
            BadFieldError(
                f"unknown key {k!r}",
                path=(*path, _real_path(_at(data, path[len(at) :]), [k])[0]),
                expected=f"a field of {sch.get('title', 'this mapping')}: {', '.join(allowed)}",
                suggestions=closest(str(k), allowed),
            )
            for k in extra
        ]
    if rule == "required":
        missing = [k for k in error.validator_value if k not in value]
        return [_missing(k, path, sch, error.validator_value) for k in missing]
    if rule in ("enum", "const", "pattern") and sch.get("enum") != BOOLS:
        choices = _choices(sch)
        return [
            BadArgumentError(
                f"{value!r} is not allowed here",
                path=path,
                expected="one of " + ", ".join(map(repr, choices)),
                suggestions=closest(str(value), [str(c) for c in choices]),
            )
        ]
    parent = _parent_schema(error)
    expected = _describe(parent if parent is not None else sch, validator)
    return [
        BadArgumentError(
            f"{value!r} has the wrong type" if rule in ("type", "anyOf", "enum") else error.message,
            path=path,
            expected=expected,
        )
    ]


def _missing(key: str, path: tuple, sch: dict, required: Sequence[str]) -> RecipekitError:
    return BadFieldError(
        f"missing required key {key!r}",
        path=(*path, key),
        expected=f"{sch.get('title', 'this mapping')} requires: {', '.join(required)}",
    )


def _at(data: Any, path: Sequence[Any]) -> Any:
    for key in path:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _parent_schema(error: Any) -> Any:
    """For a ``type`` error inside an ``anyOf``, the whole ``anyOf`` (to list every option)."""
    parent = error.parent
    while parent is not None and parent.validator in ("anyOf", "oneOf"):
        if list(parent.absolute_path) != list(error.absolute_path):
            break
        top = parent
        parent = parent.parent
        error = top
    return error.schema if error.validator in ("anyOf", "oneOf") else None


def _choices(sch: dict) -> list[Any]:
    if "enum" in sch:
        return list(sch["enum"])
    if "const" in sch:
        return [sch["const"]]
    pattern = sch.get("pattern", "")
    return [part.strip("^$") for part in pattern.split("|")]


def _describe(sch: Any, validator: Any) -> str:
    """A short human description of what a (sub)schema accepts."""
    if not isinstance(sch, dict):
        return "anything"
    if "$ref" in sch:
        target = _lookup(validator.schema, sch["$ref"])
        title = target.get("title") if isinstance(target, dict) else None
        if isinstance(target, dict) and "enum" in target:
            return "one of " + ", ".join(map(repr, target["enum"]))
        return f"a {title} mapping" if title else _describe(target, validator)
    if sch.get("enum") == BOOLS:
        return _describe({"type": "boolean"}, validator)
    for key in ("anyOf", "oneOf"):
        if key in sch:
            return " or ".join(_describe(s, validator) for s in sch[key])
    if "enum" in sch or "const" in sch or "pattern" in sch:
        return "one of " + ", ".join(map(repr, _choices(sch)))
    kind = sch.get("type")
    if kind == "array":
        if "prefixItems" in sch:
            return "[" + ", ".join(_describe(s, validator) for s in sch["prefixItems"]) + "]"
        return (
            f"a list of {_describe(sch.get('items', {}), validator)}"
            if sch.get("items")
            else "a list"
        )
    if kind == "object":
        return "a mapping"
    names = {"integer": "an int", "number": "a number", "string": "a string",
             "boolean": "a bool (true/false)", "null": "null"}  # fmt: skip
    if isinstance(kind, list):  # a lax int/float: the first type is the real one
        kind = kind[0]
    return names.get(kind, str(kind) if kind else "anything")


def _lookup(root: dict, ref: str) -> Any:
    node: Any = root
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node


# ---------------------------------------------------------------------------- installing
def validator() -> Any:
    """The registry ``Validator`` of ModelOpt 0.47.0's schema."""
    from recipekit.resolver.registry import Validator

    return Validator(f"modelopt-{MODELOPT_VERSION}", validate, fields, entry_kind)


def register(registry: Any) -> None:
    """Install the ModelOpt schema validator into ``registry`` (the default registry gets it)."""
    registry.add_validator(validator())
