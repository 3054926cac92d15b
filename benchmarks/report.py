"""Markdown from a results JSON (``run.py --markdown results.json``): the summary table the
README shows, then one table per figure with its items. Nothing here measures; every number
comes from the JSON, so the README's table is regenerated, never edited by hand.
"""

from __future__ import annotations

from typing import Any

RECIPE_FIGURES = ("job", "own_yaml", "same_file", "overrides", "launcher")
PEER_NAMES = {
    "modelopt": "ModelOpt load_recipe",
    "modelopt_c": "ModelOpt on the C loader",
    "nemo_run": "nemo_run parse_fn + build",
}


def fmt_us(us: float | None) -> str:
    if us is None:
        return "–"
    if us >= 1e6:
        return f"{us / 1e6:.2f} s"
    if us >= 1e3:
        return f"{us / 1e3:.2f} ms"
    return f"{us:.1f} µs"


def fmt_x(x: float | None) -> str:
    if x is None:
        return "–"
    return f"{x:,.0f}×" if x >= 100 else f"{x:.1f}×" if x >= 10 else f"{x:.2f}×"


def spread(s: dict, f=fmt_us) -> str:
    """median [min–max]."""
    if not s or not s.get("n"):
        return "–"
    return f"{f(s['median'])} [{f(s['min'])}–{f(s['max'])}]"


def table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def goal_text(value: float | None, goal: dict | None) -> str:
    if not goal or value is None:
        return "–"
    if "at_least" in goal:
        mark = "met" if value >= goal["at_least"] else "not met"
        return f"≥ {goal['at_least']:g}×: {mark}"
    mark = "met" if value <= goal["at_most"] else "not met"
    return f"≤ {goal['at_most']:g}: {mark}"


def _recipe_summary(fig: dict) -> list[list[str]]:
    rows = []
    goal = fig.get("goal") or {}
    goals = {
        goal.get("key"): goal,
        **({goal["also"]["key"]: goal["also"]} if "also" in goal else {}),
    }
    for group, g in fig["groups"].items():
        for key, r in g["ratios"].items():
            peer, ours = key.split("/")
            name = fig["figure"].replace("_", " ") + (f" ×{group}" if group else "")
            applies = goals.get(key) if goal.get("group", group) == group else None
            rows.append([
                f"{name} (vs {PEER_NAMES.get(peer, peer)})",
                spread(g["times"][ours]),
                spread(g["times"][peer]),
                f"**{fmt_x(r.get('median'))}** [{fmt_x(r.get('min'))}–{fmt_x(r.get('max'))}]",
                f"{r['counted']}/{r['items']}",
                goal_text(r.get("median"), applies),
            ])  # fmt: skip
    return rows


def marginal_override_cost(fig: dict) -> dict:
    """µs per extra override on each side: (median at the most - at the fewest) / difference,
    from the medians over recipes of the overrides figure."""
    groups = sorted(fig["groups"], key=int)
    lo, hi = groups[0], groups[-1]
    out = {}
    for side in fig["groups"][lo]["times"]:
        a = fig["groups"][lo]["times"][side].get("median")
        b = fig["groups"][hi]["times"][side].get("median")
        if a is not None and b is not None and int(hi) > int(lo):
            out[side] = (b - a) / (int(hi) - int(lo))
    return out


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else "equal" if ok else "DIFFERENT"


def _recipe_detail(fig: dict) -> str:
    sides = list(fig["rows"][0]["times"]) if fig["rows"] else []
    keys = list(fig["rows"][0]["ratios"]) if fig["rows"] else []
    check = ("checks: slurm configs equal" if fig["figure"] == "launcher"
             else "checks: pre-validation, validated")  # fmt: skip
    headers = ["item", *(["overrides"] if fig["figure"] == "overrides" else []), *sides,
               *keys, check]  # fmt: skip
    rows = []
    for r in fig["rows"]:
        checks = ", ".join(f"{side}: {_mark(c['pre'])} {_mark(c['validated'])}"
                           for side, c in r["checks"].items())  # fmt: skip
        rows.append([r["item"], *([str(r["overrides"])] if fig["figure"] == "overrides" else []),
                     *(spread(r["times"][s]) for s in sides),
                     *(fmt_x(r["ratios"][k]) for k in keys), checks])  # fmt: skip
    return table(headers, rows)


def summary(res: dict) -> str:
    figs = res["figures"]
    rows = []
    for name in RECIPE_FIGURES:
        fig = figs.get(name)
        if fig and "groups" in fig:
            rows += _recipe_summary(fig)
        elif fig:
            rows.append([name, "–", "–", fig.get("missing") or fig.get("error", "")[:120], "", ""])
    st = figs.get("startup")
    if st and "rows" in st:
        t = {r["item"]: r["times"]["cpu"] for r in st["rows"]}
        rk, bare, yml = list(t.values())
        ratios = st["ratios"]
        rows.append([
            "start-up, whole process (regular install; CPU time)",
            spread(rk),
            f"`python -c pass` {spread(bare)} · `import yaml` {spread(yml)}",
            f"**{fmt_x(ratios['recipekit/bare'])}** bare · {fmt_x(ratios['recipekit/yaml'])} "
            f"`import yaml` (`import yaml` alone: {fmt_x(ratios['yaml/bare'])} bare)",
            f"output equal: {st['equal']}",
            goal_text(ratios["recipekit/bare"], st["goal"]),
        ])  # fmt: skip
    sc = figs.get("scaling")
    if sc and "rows" in sc:
        for form, ex in sc["exponents"].items():
            rs = [r for r in sc["rows"] if r["form"] == form]
            first, last = rs[0], rs[-1]
            rows.append([
                f"scaling from {'data' if form == 'data' else 'YAML text'}, "
                f"{first['nodes']:,} → {last['nodes']:,} nodes",
                f"{fmt_us(first['times']['recipekit']['median'])} → "
                f"{fmt_us(last['times']['recipekit']['median'])}; peak "
                f"{first['peak_bytes'] / 2**20:.2f} → {last['peak_bytes'] / 2**20:.1f} MiB",
                "–",
                f"exponent time **{ex['time']:.3f}**, memory **{ex['memory']:.3f}**"
                if ex["time"] is not None else "–",
                f"{sum(r['equal'] for r in rs)}/{len(rs)}",
                goal_text(max(ex["time"] or 9, ex["memory"] or 9), sc["goal"]),
            ])  # fmt: skip
    an = figs.get("anchors")
    if an and "rows" in an:
        fiddle = next((r for r in an["rows"] if r["item"].startswith("fiddle")), None)
        peers = f"fiddle {spread(fiddle['times']['cpu'])}" if fiddle else "fiddle MISSING"
        for r in an["rows"]:
            if r["item"].startswith("recipekit"):
                x = an["ratios"].get(f"fiddle/{r['item']}")
                rows.append([
                    f"anchors tree, {r['item'].removeprefix('recipekit ')}",
                    spread(r["times"]["cpu"]),
                    peers,
                    f"**{fmt_x(x)}** vs fiddle; {fmt_x(r['x_plain'])} plain Python",
                    "equal" if r["equal"] else "NOT equal",
                    goal_text(x, an["goal"]),
                ])  # fmt: skip
        for system, why in an.get("missing", {}).items():
            rows.append([f"anchors tree, {system}", "–", "MISSING", why[:100], "", ""])
    return table(
        ["figure", "recipekit: median [min–max]", "peer: median [min–max]",
         "ratio: median [min–max]", "checked equal", "issue-13 goal"], rows)  # fmt: skip


def _details(res: dict) -> str:
    out = []
    figs = res["figures"]
    for name in RECIPE_FIGURES:
        fig = figs.get(name)
        if fig and "rows" in fig:
            out += [f"### {fig['title']}", f"Caches: {fig['cache']}.", "", _recipe_detail(fig), ""]
            if name == "launcher":
                out += [f"nemo_run's slurm configs equal the corpus' in {fig['nemo_equals_corpus']}"
                        f"/{len(fig['rows'])} files.", ""]  # fmt: skip
            if name == "overrides" and len(fig["groups"]) > 1:
                cost = marginal_override_cost(fig)
                out += ["Cost of one more override (difference of the medians over recipes): "
                        + ", ".join(f"{s} {fmt_us(c)}" for s, c in cost.items()) + ".", ""]  # fmt: skip
    st = figs.get("startup")
    if st and "rows" in st:
        out += [f"### {st['title']}", f"Interpreter: `{st['python']}`; {st['install']}.", "",
                table(["command", "CPU (user+sys)", "wall"],
                      [[f"`{r['item']}`", spread(r["times"]["cpu"]), spread(r["times"]["wall"])]
                       for r in st["rows"]]), ""]  # fmt: skip
    sc = figs.get("scaling")
    if sc and "rows" in sc:
        out += [f"### {sc['title']}", f"Caches: {sc['cache']}.", "",
                table(["input", "CPU per resolve", "per node", "tracemalloc peak", "equal"],
                      [[r["item"], spread(r["times"]["recipekit"]),
                        fmt_us(r["times"]["recipekit"]["median"] / r["nodes"]),
                        f"{r['peak_bytes'] / 2**20:.2f} MiB", str(r["equal"])]
                       for r in sc["rows"]]), ""]  # fmt: skip
    an = figs.get("anchors")
    if an and "rows" in an:
        out += [f"### {an['title']}", f"Caches: {an['cache']}.", "",
                table(["case", "CPU per resolve", "× plain", "equal"],
                      [[r["item"], spread(r["times"]["cpu"]), fmt_x(r["x_plain"]), str(r["equal"])]
                       for r in an["rows"]]), ""]  # fmt: skip
    return "\n".join(out)


def _versions(v: dict) -> str:
    rk, mo = v.get("recipekit", {}), v.get("modelopt", {})
    parts = []
    if isinstance(rk, dict) and rk:
        parts.append(f"recipekit {rk.get('recipekit')} (PyYAML {rk.get('pyyaml')}, "
                     f"libyaml {rk.get('libyaml')})")  # fmt: skip
    if isinstance(mo, dict) and mo:
        parts.append(f"nvidia-modelopt {mo.get('nvidia-modelopt')} (pydantic {mo.get('pydantic')}, "
                     f"import {mo.get('import_s')} s)")  # fmt: skip
    return "; ".join(parts) or "?"


def markdown(res: dict, details: bool = True) -> str:
    m: dict[str, Any] = res.get("meta", {})
    head = (
        f"Machine: {m.get('machine', '?')}; {m.get('date', '?')}; mode={m.get('mode', '?')}; "
        f"load average {m.get('load_before', '?')} → {m.get('load_after', '?')}; "
        f"versions: {_versions(m.get('versions', {}))}."
    )
    note = ("Recipe figures: medians over recipes of the per-recipe medians [min–max over "
            "recipes]; ratios likewise (over the recipes that were checked equal). Start-up: "
            "over runs. Anchors: over samples. CPU time throughout.")  # fmt: skip
    parts = [head, note, summary(res)]
    return "\n\n".join(["## Results", *parts, *([_details(res)] if details else [])])
