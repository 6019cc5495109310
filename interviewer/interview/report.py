"""The end-of-interview report: per item, per competency, the scenario's stages, strengths, improvements.

`build_report` gives a JSON-ready dict; `to_markdown` and `to_html` render it. Candidate text (answers, evidence
quotes) is untrusted: the HTML escapes every string taken from the report and the Markdown neutralises anything
that could become markup, so a saved report shows what was said as plain text in any viewer.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from interviewer.bank.loader import Bank
from interviewer.interview.charts import AMBER, colour_for, competency_chart, coverage, coverage_chart, stage_chart
from interviewer.interview.charts import escape_text as _e
from interviewer.interview.models import Session
from interviewer.scoring.models import band_for


def _answers(session: Session, item: str) -> list[str]:
    """What the candidate said to the item; silences are not answers and are not listed."""
    turns = session.turns
    return [
        t.text
        for t in turns
        if t.role == "candidate" and t.question_id == item and t.kind == "answer" and t.text.strip()
    ]


def _retries(session: Session, item: str) -> list[dict[str, Any]]:
    """Practice-mode attempts made after the feedback; each has its own score and never changes the item's."""
    return [
        {
            "answer": t.text,
            "score": t.score.score,
            "band": t.score.band,
            "unscored_reason": t.score.unscored_reason,
        }
        for t in session.turns
        if t.role == "candidate" and t.kind == "retry" and t.question_id == item and t.score
    ]


def _entry(bank: Bank, session: Session, item: str) -> dict[str, Any]:
    state = session.state
    score = state.scores.get(item)
    key_points = (
        [{"text": k.text, "verdict": k.verdict, "evidence": k.evidence} for k in score.key_points] if score else []
    )
    entry: dict[str, Any] = {
        "id": item,
        "answers": _answers(session, item),
        "score": score.score if score else None,
        "band": score.band if score else None,
        "unscored_reason": score.unscored_reason if score else ("skipped" if item in state.skipped else None),
        "key_points": key_points,
        "coverage": coverage(key_points),
        "red_flags": [{"text": f.text, "evidence": f.evidence} for f in score.red_flags] if score else [],
        "follow_ups": state.follow_ups.get(item, []),
        "retries": _retries(session, item),
    }
    found = bank.item(item)
    if isinstance(found, tuple):
        stage = found[1]
        entry["stage"] = stage.title
        entry["facts_revealed"] = [f.text for f in stage.facts if f.id in state.facts_revealed]
        entry["probes"] = [p.text for p in stage.probes if f"{stage.id}:{p.action}" in state.probes_asked]
    else:
        entry |= {"question": found.text, "competency": found.competency}
    return entry


def build_report(bank: Bank, session: Session) -> dict[str, Any]:
    """The totals follow one rule, shared by the overall score, the competencies, the charts and the history: every
    question answered counts once, a skipped or unscorable one as 0; the scenario counts once, as the mean of its
    answered stages (a skipped stage as 0). An item asked but not answered yet (an unfinished session) is left out:
    it is not a zero yet."""
    state = session.state
    entries = [_entry(bank, session, item) for item in state.asked]
    questions = [e for e in entries if "stage" not in e]
    stages = [e for e in entries if "stage" in e]
    per_competency: dict[str, list[float]] = defaultdict(list)
    totals: list[float] = []
    for e in filter(_answered, questions):
        per_competency[e["competency"]].append(e["score"] or 0.0)
        totals.append(e["score"] or 0.0)
    answered_stages = [s["score"] or 0.0 for s in stages if _answered(s)]
    scenario_score = _mean(answered_stages)
    scenario = bank.scenario(session.plan.scenario) if stages and session.plan.scenario else None
    if scenario is not None and scenario_score is not None:
        per_competency[scenario.competency].append(scenario_score)
        totals.append(scenario_score)
    feedback = [s for s in state.scores.values() if s.score is not None]
    return {
        "session_id": session.id,
        "plan": session.plan.model_dump(),
        "overall": _mean(totals),
        "skipped": sum(e["unscored_reason"] == "skipped" for e in entries),
        "questions": questions,
        "scenario": {
            "id": scenario.id,
            "title": scenario.title,
            "score": scenario_score,
            "stages": stages,
        }
        if scenario is not None
        else None,
        "competencies": {c: _mean(v) for c, v in sorted(per_competency.items())},
        "strengths": _top(f for s in sorted(feedback, key=lambda s: -(s.score or 0)) for f in s.feedback.strengths),
        "improvements": _top(f for s in sorted(feedback, key=lambda s: s.score or 0) for f in s.feedback.improvements),
        "delivery": _delivery(session),
        "complete": state.phase == "done",
    }


def _answered(entry: dict[str, Any]) -> bool:
    return entry["score"] is not None or bool(entry["unscored_reason"])


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _top(items: Any, n: int = 3) -> list[str]:
    return list(dict.fromkeys(items))[:n]


def _delivery(session: Session) -> dict[str, Any]:
    scored = [t.score.delivery for t in session.turns if t.role == "candidate" and t.score]
    words = sum(d.words for d in scored)
    fillers: Counter[str] = Counter()
    for d in scored:
        fillers.update(d.fillers)
    wpm = [d.words_per_minute for d in scored if d.words_per_minute]
    return {
        "words": words,
        "filler_words": sum(fillers.values()),
        "filler_rate": round(100 * sum(fillers.values()) / words, 2) if words else 0.0,
        "hedges": sum(d.hedges for d in scored),
        "talk_seconds": round(sum(d.talk_seconds or 0.0 for d in scored), 1),
        "long_pauses": sum(d.long_pauses or 0 for d in scored),
        "words_per_minute": _mean(wpm),
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}/10"


def _verdict(entry: dict[str, Any]) -> str:
    if entry["score"] is None and entry.get("unscored_reason") == "skipped":
        return "skipped (counts as 0/10)"
    return f"{_fmt(entry['score'])} {entry['band'] or entry['unscored_reason'] or ''}".strip()


# --- Markdown ---------------------------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]|~#])")
_MD_BLOCK_START = re.compile(r"^([-+=])")  # list items, setext underlines; `#` and `>` are escaped everywhere
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def _md(text: object) -> str:
    """One line of text that Markdown shows verbatim: entities for HTML, backslashes for inline and block syntax."""
    line = " ".join(str(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    line = _MD_INLINE.sub(r"\\\1", line)
    return _MD_ORDERED.sub(r"\1\\\2", _MD_BLOCK_START.sub(r"\\\1", line))


def _md_quote(text: str) -> list[str]:
    return [f"> {_md(line)}" if line.strip() else ">" for line in text.splitlines() or [""]] + [""]


def _md_item(heading: str, e: dict[str, Any]) -> list[str]:
    lines = [heading, "", f"Score: {_verdict(e)}", ""]  # our own figures and labels: nothing to escape
    for n, answer in enumerate(e["answers"], start=1):
        lines += [f"Answer {n}:" if len(e["answers"]) > 1 else "Answer:", "", *_md_quote(answer)]
    lines += [
        f"- {_md(k['verdict'])}: {_md(k['text'])}" + (f' ("{_md(k["evidence"])}")' if k["evidence"] else "")
        for k in e["key_points"]
    ]
    lines += [f'- red flag: {_md(f["text"])} ("{_md(f["evidence"])}")' for f in e["red_flags"]]
    lines += [f"- follow-up asked: {_md(f)}" for f in e["follow_ups"]]
    lines += [f"- fact revealed: {_md(f)}" for f in e.get("facts_revealed", [])]
    lines += [f"- probe asked: {_md(p)}" for p in e.get("probes", [])]
    lines += [f'- retry ({_verdict(r)}): "{_md(r["answer"])}"' for r in e["retries"]]
    return [*lines, ""]


def to_markdown(report: dict[str, Any]) -> str:
    plan = report["plan"]
    skipped = f" ({report['skipped']} skipped, counted as 0)" if report.get("skipped") else ""
    lines = [f"# Interview report {_md(report['session_id'])}", "", f"Overall: {_fmt(report['overall'])}{skipped}", ""]
    lines += [f"Plan: {_md(', '.join(plan['tracks']))}, {_md(plan['level'])}, {_md(plan['mode'])} mode", ""]
    for n, q in enumerate(report["questions"], start=1):
        lines += _md_item(f"## Q{n}. {_md(q['question'])}", q)
    if report["scenario"]:
        sc = report["scenario"]
        lines += [f"## Scenario: {_md(sc['title'])} ({_fmt(sc['score'])}, the mean of its stages)", ""]
        lines += [f"- {_md(s['stage'])}: {_fmt(s['score'])}" for s in report["scenario"]["stages"]] + [""]
        for s in report["scenario"]["stages"]:
            lines += _md_item(f"### Stage: {_md(s['stage'])}", s)
    lines += ["## Competencies", ""] + [f"- {_md(c)}: {_fmt(v)}" for c, v in report["competencies"].items()] + [""]
    for title, key in (("Strengths", "strengths"), ("To improve", "improvements")):
        if report[key]:  # no empty heading when no answer was scored (as the HTML report)
            lines += [f"## {title}", ""] + [f"- {_md(s)}" for s in report[key]] + [""]
    d = report["delivery"]
    pace = f", {d['words_per_minute']:.0f} words per minute" if d.get("words_per_minute") else ""
    if d.get("talk_seconds"):
        pace += f", {d['talk_seconds']:.0f} s of talking with {d['long_pauses']} long pause(s) (2 s or more)"
    lines += [
        "## Delivery",
        "",
        f"{d['words']} words, {d['filler_words']} fillers ({d['filler_rate']}/100 words), {d['hedges']} hedges{pace}",
    ]
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------------------------------

_CSS = """
:root{--fg:#1f2937;--muted:#6b7280;--line:#e5e7eb;--bg:#f6f7f9;--card:#fff;--quote:#f3f4f6}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:920px;margin:0 auto;padding:28px 18px 56px}
h1{font-size:1.55rem;margin:0 0 6px}h2{font-size:1.2rem;margin:36px 0 12px;padding-bottom:4px;
border-bottom:1px solid var(--line)}h3{font-size:1.05rem;margin:0 0 8px}h4{font-size:.9rem;margin:14px 0 4px;
color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
header{display:flex;flex-wrap:wrap;gap:18px;align-items:center;justify-content:space-between}
.meta,.muted{color:var(--muted)}.overall{font-size:2.6rem;font-weight:700;line-height:1}
.pill{display:inline-block;padding:1px 10px;border-radius:999px;font-size:.85rem;font-weight:600;white-space:nowrap}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:16px 18px;margin:14px 0}
.card-head{display:flex;gap:12px;justify-content:space-between;align-items:baseline}
.tag{font-size:.8rem;color:var(--muted);border:1px solid var(--line);border-radius:6px;padding:0 6px}
pre{font:inherit;white-space:pre-wrap;overflow-wrap:anywhere;background:var(--quote);border-left:3px solid #cbd5e1;
margin:6px 0;padding:8px 12px;border-radius:4px}
ul{margin:4px 0;padding-left:22px}ul.checks{list-style:none;padding-left:4px}ul.checks li{margin:3px 0}
li.covered::before{content:"\\2713  ";color:#2e7d32;font-weight:700}
li.partial::before{content:"\\25D0  ";color:#d4a106;font-weight:700}
li.missing::before,li.flag::before{content:"\\2717  ";color:#c62828;font-weight:700}
q{color:#374151;font-style:italic;overflow-wrap:anywhere}
.charts{display:grid;gap:14px}svg.chart{display:block}.charts .card{overflow-x:auto}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line)}
.stats{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:10px}
.stat{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 12px}
.stat .n{font-size:1.35rem;font-weight:700}.notice{background:#fff7e6;border:1px solid #f5d08a;border-radius:8px;
padding:8px 12px}
@media print{body{background:#fff}.card{break-inside:avoid}}
"""


def _pill(score: float | None, label: str | None, with_score: bool = True) -> str:
    colour = colour_for(score)
    text = "#111827" if colour == AMBER else "#fff"
    shown = f"{score:.1f}/10 {label or ''}" if score is not None and with_score else (label or "not scored")
    return f'<span class="pill" style="background:{colour};color:{text}">{_e(shown)}</span>'


def _ul(title: str, items: list[str], cls: str = "") -> str:
    if not items:
        return ""
    return f'<h4>{_e(title)}</h4><ul class="{cls}">' + "".join(items) + "</ul>"


def _quote(evidence: str | None) -> str:
    return f" <q>{_e(evidence)}</q>" if evidence else ""


def _check(cls: str, text: str, evidence: str | None) -> str:
    return f'<li class="{_e(cls)}" title="{_e(cls)}">{_e(text)}{_quote(evidence)}</li>'


def _item_pill(e: dict[str, Any]) -> str:
    return _pill(e["score"], e["band"] or e["unscored_reason"])


def _html_item(title: str, e: dict[str, Any], tag: str | None) -> str:
    retries = [f"<li>{_item_pill(r)}<pre>{_e(r['answer'])}</pre></li>" for r in e["retries"]]
    parts = [
        f'<section class="card"><div class="card-head"><h3>{_e(title)}</h3>{_item_pill(e)}</div>',
        f'<span class="tag">{_e(tag)}</span>' if tag else "",
        _ul(
            "Answers" if len(e["answers"]) > 1 else "Answer",
            [f"<li><pre>{_e(a)}</pre></li>" for a in e["answers"]],
            "checks",
        ),
        _ul("Key points", [_check(k["verdict"], k["text"], k["evidence"]) for k in e["key_points"]], "checks"),
        _ul("Red flags", [_check("flag", f["text"], f["evidence"]) for f in e["red_flags"]], "checks"),
        _ul("Follow-ups asked", [f"<li>{_e(f)}</li>" for f in e["follow_ups"]]),
        _ul("Facts revealed", [f"<li>{_e(f)}</li>" for f in e.get("facts_revealed", [])]),
        _ul("Probes asked", [f"<li>{_e(p)}</li>" for p in e.get("probes", [])]),
        _ul("Retries", retries, "checks"),
        "</section>",
    ]
    return "".join(parts)


_UNFINISHED = '<p class="notice">This interview was not finished: the report covers the answers so far.</p>'


def _html_header(report: dict[str, Any]) -> str:
    plan, overall = report["plan"], report["overall"]
    bits = [", ".join(plan["tracks"]), plan["level"], f"{plan['mode']} mode"]
    bits += [f"scenario {plan['scenario']}"] if plan.get("scenario") else []
    band = band_for(overall) if overall is not None else None
    return (
        f'<header><div><h1>Interview report</h1><div class="meta">Session {_e(report["session_id"])}</div>'
        f'<div class="meta">{_e(" · ".join(bits))}</div></div><div><div class="muted">Overall</div>'
        f'<div class="overall">{_e(_fmt(overall))}</div>{_pill(overall, band, with_score=False)}'
        + (f'<div class="muted">{report["skipped"]} skipped, counted as 0</div>' if report.get("skipped") else "")
        + "</div></header>"
        + ("" if report["complete"] else _UNFINISHED)
    )


def _html_delivery(d: dict[str, Any]) -> str:
    wpm = d.get("words_per_minute")
    stats = [
        ("Words", str(d["words"])),
        ("Filler words", str(d["filler_words"])),
        ("Fillers per 100 words", f"{d['filler_rate']}"),
        ("Hedges", str(d["hedges"])),
        ("Words per minute", f"{wpm:.0f}" if wpm else "n/a"),
    ]
    if d.get("talk_seconds"):  # spoken answers: from the recordings themselves
        stats += [("Seconds talking", f"{d['talk_seconds']:.0f}"), ("Long pauses (2 s+)", str(d["long_pauses"]))]
    cells = "".join(
        f'<div class="stat"><div class="muted">{_e(k)}</div><div class="n">{_e(v)}</div></div>' for k, v in stats
    )
    return f'<h2>Delivery</h2><div class="stats">{cells}</div>'


def to_html(report: dict[str, Any]) -> str:
    """A self-contained page (inline CSS and SVG, no scripts, no external assets); every report string is escaped."""
    charts = [c for c in (competency_chart(report), coverage_chart(report), stage_chart(report)) if c]
    body = [_html_header(report), '<h2>Overview</h2><div class="charts">']
    body += [f'<div class="card">{c}</div>' for c in charts] + ["</div>"]
    body += ["<h2>Questions</h2>"] if report["questions"] else []
    body += [_html_item(f"Q{n}. {q['question']}", q, q["competency"]) for n, q in enumerate(report["questions"], 1)]
    body += [] if report["questions"] or report["scenario"] else ['<p class="muted">Nothing answered yet.</p>']
    if report["scenario"]:
        body.append(f"<h2>Scenario: {_e(report['scenario']['title'])} {_pill(report['scenario']['score'], None)}</h2>")
        body += [_html_item(f"Stage: {s['stage']}", s, None) for s in report["scenario"]["stages"]]
    rows = "".join(f"<tr><td>{_e(c)}</td><td>{_pill(v, None)}</td></tr>" for c, v in report["competencies"].items())
    body.append(f"<h2>Competencies</h2><table><tr><th>Competency</th><th>Average</th></tr>{rows}</table>")
    body.append(_ul("Strengths", [f"<li>{_e(s)}</li>" for s in report["strengths"]]))
    body.append(_ul("To improve", [f"<li>{_e(s)}</li>" for s in report["improvements"]]))
    body.append(_html_delivery(report["delivery"]))
    title = _e(f"Interview report {report['session_id']}")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{title}</title>'
        f"<style>{_CSS}</style></head><body><main>{''.join(body)}</main></body></html>\n"
    )


def report_paths(reports_dir: Path, session_id: str) -> tuple[Path, Path]:
    """Where a session's downloadable reports are written (Markdown, HTML); deleting a session removes them."""
    return reports_dir / f"interview-{session_id}.md", reports_dir / f"interview-{session_id}.html"
