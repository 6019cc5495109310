"""The results folder of one eval run: results.json, report.md, transcripts.jsonl and charts/*.png.

The summary table (printed, and at the top of report.md) lists every headline figure with its threshold.
`compare` puts the figures of several runs side by side, e.g. one run per model.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from interviewer.evals.pngcharts import Bar, bar_chart
from interviewer.evals.runner import lower_is_better

GROUP_COLOURS = {"high": (46, 139, 87), "mid": (70, 110, 180), "low": (230, 150, 40), "none": (150, 150, 150)}
COUNTS = {
    "n",
    "sessions",
    "turns",
    "cases",
    "answers_per_second",
    "slowest_turn_ms",
    "semeval_n",
    "recordings",
    "audio_minutes",
    "load_s",
    "real_time_factor",
}  # context, not quality


def rows(results: dict[str, Any], bounds: dict[str, dict[str, float]]) -> list[tuple[str, str, str, str, str]]:
    out = []
    for suite, res in results["suites"].items():
        for name, value in res["figures"].items():
            bound = bounds.get(suite, {}).get(name)
            low = lower_is_better(name)
            status = ""
            if bound is not None:
                bad = value is None or (value > bound if low else value < bound)
                status = "REGRESSION" if bad else "ok"
            limit = "" if bound is None else f"{'<=' if low else '>='} {bound:g}"
            out.append((suite, name, _fmt(value), limit, status))
    return out


def _fmt(value: Any) -> str:
    if value is None:
        return "n/a"
    return f"{value:g}" if isinstance(value, int | float) else str(value)


def table(results: dict[str, Any], bounds: dict[str, dict[str, float]]) -> str:
    body = rows(results, bounds)
    head = ("suite", "figure", "value", "threshold", "")
    widths = [max(len(r[i]) for r in [head, *body]) for i in range(5)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in [head, *body]]
    return "\n".join(lines)


def write(folder: Path, results: dict[str, Any], bounds: dict[str, dict[str, float]], misses: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for stale in (folder / "charts").glob("*.png"):  # a rerun into the same folder shows only its own charts
        stale.unlink()
    with (folder / "transcripts.jsonl").open("w", encoding="utf-8") as f:
        for suite, res in results["suites"].items():
            for t in res.pop("transcripts", []):
                f.write(json.dumps({"suite": suite, **t}, ensure_ascii=False) + "\n")
    results["misses"] = misses
    (folder / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    charts = draw_charts(folder / "charts", results, bounds)
    (folder / "report.md").write_text(markdown(results, bounds, misses, charts, folder), encoding="utf-8")
    return folder


def draw_charts(folder: Path, results: dict[str, Any], bounds: dict[str, dict[str, float]]) -> list[Path]:
    suites, out = results["suites"], []
    rates = [
        Bar(f"{suite}: {name}", value, bounds.get(suite, {}).get(name))
        for suite in ("dialogue", "scenario", "robustness")
        if suite in suites
        for name, value in suites[suite]["figures"].items()
        if name.endswith(("_rate", "_questions"))
    ]
    if rates:
        out.append(bar_chart("Interviewer behaviour checks (rate; black mark = threshold)", rates, 1.0,
                             folder / "behaviour.png"))  # fmt: skip
    quality = [
        Bar(f"{suite}: {name}", value, bounds.get(suite, {}).get(name))
        for suite in ("retrieval", "scoring", "dialogue", "scenario")
        if suite in suites
        for name, value in suites[suite]["figures"].items()
        if name in {"top1", "recall_at_5", "key_point_f1", "red_flag_f1", "spearman", "ranking_accuracy"}
        or name.startswith(("key_point_", "red_flag_"))
    ]
    if quality:
        out.append(bar_chart("Retrieval and scoring quality", quality, 1.0, folder / "quality.png"))
    for suite in ("dialogue", "scenario"):
        personas = suites.get(suite, {}).get("personas")
        if personas:
            bars = [Bar(f"{p} ({r['expected']})", r["mean_item_score"], fill=GROUP_COLOURS[r["expected"]])
                    for p, r in personas.items()]  # fmt: skip
            out.append(bar_chart(f"{suite}: mean item score per persona (0-10; colour = designed group)", bars, 10.0,
                                 folder / f"personas-{suite}.png"))  # fmt: skip
    return out


def markdown(
    results: dict[str, Any], bounds: dict[str, dict[str, float]], misses: list[str], charts: list[Path], folder: Path
) -> str:
    meta = results["meta"]
    lines = [
        "# Interviewer eval results",
        "",
        f"- started {meta['started']}, took {meta['seconds']} s, commit {meta['commit'] or 'unknown'}",
        f"- engine: {meta['engine']}" + (f" (model {meta['model']})" if meta["model"] else ""),
        f"- simulated candidate: {meta['candidate']}; LLM behaviour judge: {'yes' if meta['judge'] else 'no'}",
        f"- check against evals/thresholds.yaml: {'; '.join(misses) if misses else 'no regression'}",
        "",
        "| suite | figure | value | threshold | |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(r)} |" for r in rows(results, bounds)),
        "",
        *(f"![{c.stem}]({c.relative_to(folder).as_posix()})" for c in charts),
    ]
    for suite, res in results["suites"].items():
        lines += ["", f"## {suite} ({res.get('seconds', '?')} s)"]
        lines += _details(res)
    return "\n".join(lines) + "\n"


def _details(res: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    if res.get("counts"):
        lines += ["", "Passed / applicable: " + ", ".join(f"{k} {v}" for k, v in res["counts"].items())]
    if res.get("personas"):
        lines += [
            "",
            "| persona | expected | sessions | finished | turns | mean item score |",
            "|---|---|---|---|---|---|",
        ]
        for p, r in res["personas"].items():
            lines.append(f"| {p} | {r['expected']} | {r['sessions']} | {r['finished']} | {r['turns']} | "
                         f"{_fmt(r['mean_item_score'])} |")  # fmt: skip
    for name, base in (res.get("baselines") or {}).items():
        lines += ["", f"Baseline {name}: " + ", ".join(f"{k} {_fmt(v)}" for k, v in base.items())]
    if res.get("by_kind"):
        cols = ("n", "key_point_f1", "red_flag_f1", "contradiction_f1", "abstain_accuracy", "mean_score", "mean_gold",
                "wrong_quoted_as_evidence")  # fmt: skip
        lines += ["", "Per answer kind:", "", "| kind | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
        for kind, figs in res["by_kind"].items():
            lines.append(f"| {kind} | " + " | ".join(_fmt(figs.get(c)) for c in cols) + " |")
    for name, examples in (res.get("failures") or {}).items():
        lines += ["", f"Failures of {name} (up to 8):", *(f"- `{_code(e)}`" for e in examples)]
    if res.get("llm_judge"):
        j = res["llm_judge"]
        lines += ["", f"LLM behaviour judge ({j['model']}, {j['judged']} judged, {j['unjudged']} unjudged), "
                      "beside the deterministic checks:"]  # fmt: skip
        lines += [f"- {k}: yes in {_fmt(v)}" for k, v in j["yes_rate"].items()]
        lines += [
            f"- agreement of {k} with the matching check: {_fmt(v)}" for k, v in j["agreement_with_checks"].items()
        ]
    for miss in res.get("misses") or []:
        lines.append(f"- retrieval miss: {miss['query']!r} expected {miss['expected']}, got {miss['got']}")
    for m in res.get("misread") or []:
        lines.append(f"- turn misread: {_code(m['text'])!r} ({m['phase']}) is {m['kind']}, read as {m['got']}")
    return lines


def _code(text: str) -> str:
    return text.replace("`", "'").replace("\n", " ")[:300]


def compare(folders: list[Path]) -> str:
    """Figures of several runs side by side, one column per run (labelled by engine and model)."""
    runs = [json.loads((f / "results.json").read_text(encoding="utf-8")) for f in folders]
    names = [
        f"{r['meta']['engine']}:{r['meta']['model'] or '-'} ({f.name})" for r, f in zip(runs, folders, strict=True)
    ]
    keys: list[tuple[str, str]] = []
    for r in runs:
        for suite, res in r["suites"].items():
            keys += [(suite, k) for k in res["figures"] if (suite, k) not in keys and k not in COUNTS]
    head = ["figure", *names]
    body = [[f"{s}.{k}", *(_fmt(r["suites"].get(s, {}).get("figures", {}).get(k)) for r in runs)] for s, k in keys]
    widths = [max(len(row[i]) for row in [head, *body]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in [head, *body])
