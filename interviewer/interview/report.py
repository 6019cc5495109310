"""The end-of-interview report: per item, per competency, the scenario's stages, strengths, improvements."""

from __future__ import annotations

import html
import statistics
from collections import Counter, defaultdict
from typing import Any

from interviewer.bank.loader import Bank
from interviewer.interview.models import Session


def _answers(session: Session, item: str) -> list[str]:
    return [t.text for t in session.turns if t.role == "candidate" and t.question_id == item and t.kind == "answer"]


def build_report(bank: Bank, session: Session) -> dict[str, Any]:
    state = session.state
    questions: list[dict[str, Any]] = []
    stages: list[dict[str, Any]] = []
    for item in state.asked:
        score = state.scores.get(item)
        skipped = "skipped" if item in state.skipped else None
        entry: dict[str, Any] = {
            "id": item,
            "answers": _answers(session, item),
            "score": score.get("score") if score else None,
            "band": score.get("band") if score else None,
            "unscored_reason": score.get("unscored_reason") if score else skipped,
            "key_points": [
                {"text": k["text"], "verdict": k["verdict"], "evidence": k["evidence"]}
                for k in (score or {}).get("key_points", [])
            ],
            "red_flags": [{"text": f["text"], "evidence": f["evidence"]} for f in (score or {}).get("red_flags", [])],
            "follow_ups": state.follow_ups.get(item, []),
        }
        if "/" in item:
            scenario_id, stage_id = item.split("/", 1)
            stage = next(st for st in bank.scenario(scenario_id).stages if st.id == stage_id)
            entry["stage"] = stage.title
            entry["facts_revealed"] = [f.text for f in stage.facts if f.id in state.facts_revealed]
            entry["probes"] = [p.text for p in stage.probes if f"{stage_id}:{p.action}" in state.probes_asked]
            stages.append(entry)
        else:
            q = bank.question(item)
            entry |= {"question": q.text, "competency": q.competency}
            questions.append(entry)
    per_competency: dict[str, list[float]] = defaultdict(list)
    for e in questions:
        per_competency[e["competency"]].append(e["score"] or 0.0)
    scenario_score = _mean([s["score"] for s in stages if s["score"] is not None])
    if stages and session.plan.scenario:
        per_competency[bank.scenario(session.plan.scenario).competency].append(scenario_score or 0.0)
    scored = [e["score"] for e in questions + stages if e["score"] is not None]
    feedback = [s for s in state.scores.values() if s.get("score") is not None]
    return {
        "session_id": session.id,
        "plan": session.plan.model_dump(),
        "overall": _mean(scored),
        "questions": questions,
        "scenario": {"id": session.plan.scenario, "score": scenario_score, "stages": stages} if stages else None,
        "competencies": {c: _mean(v) for c, v in sorted(per_competency.items())},
        "strengths": _top(f for s in sorted(feedback, key=lambda s: -s["score"]) for f in s["feedback"]["strengths"]),
        "improvements": _top(
            f for s in sorted(feedback, key=lambda s: s["score"]) for f in s["feedback"]["improvements"]
        ),
        "delivery": _delivery(session),
        "complete": state.phase == "done",
    }


def _mean(values: list[float]) -> float | None:
    return round(statistics.fmean(values), 1) if values else None


def _top(items: Any, n: int = 3) -> list[str]:
    return list(dict.fromkeys(items))[:n]


def _delivery(session: Session) -> dict[str, Any]:
    scored = [t.score["delivery"] for t in session.turns if t.role == "candidate" and t.score]
    words = sum(d["words"] for d in scored)
    fillers: Counter[str] = Counter()
    for d in scored:
        fillers.update(d.get("fillers", {}))
    wpm = [d["words_per_minute"] for d in scored if d.get("words_per_minute")]
    return {
        "words": words,
        "filler_words": sum(fillers.values()),
        "filler_rate": round(100 * sum(fillers.values()) / words, 2) if words else 0.0,
        "hedges": sum(d.get("hedges", 0) for d in scored),
        "words_per_minute": _mean(wpm),
    }


def to_markdown(report: dict[str, Any]) -> str:
    lines = [f"# Interview report {report['session_id']}", "", f"Overall: {_fmt(report['overall'])}", ""]
    for q in report["questions"]:
        lines += [f"## {q['question']}", "", f"Score: {_fmt(q['score'])} {q['band'] or q['unscored_reason'] or ''}"]
        lines += [
            f"- {k['verdict']}: {k['text']}" + (f' ("{k["evidence"]}")' if k["evidence"] else "")
            for k in q["key_points"]
        ]
        lines += [f'- red flag: {f["text"]} ("{f["evidence"]}")' for f in q["red_flags"]]
        lines += [f"- follow-up asked: {f}" for f in q["follow_ups"]] + [""]
    if report["scenario"]:
        lines += [f"## Scenario: {report['scenario']['id']} ({_fmt(report['scenario']['score'])})", ""]
        lines += [f"- {s['stage']}: {_fmt(s['score'])}" for s in report["scenario"]["stages"]] + [""]
    lines += ["## Competencies", ""] + [f"- {c}: {_fmt(v)}" for c, v in report["competencies"].items()] + [""]
    lines += ["## Strengths", ""] + [f"- {s}" for s in report["strengths"]] + [""]
    lines += ["## To improve", ""] + [f"- {s}" for s in report["improvements"]] + [""]
    d = report["delivery"]
    lines += [
        "## Delivery",
        "",
        f"{d['words']} words, {d['filler_words']} fillers ({d['filler_rate']}/100 words), {d['hedges']} hedges",
    ]
    return "\n".join(lines) + "\n"


def to_html(report: dict[str, Any]) -> str:
    """The Markdown report as escaped, preformatted HTML: candidate text can never become markup."""
    body = html.escape(to_markdown(report))
    return f"<!doctype html><meta charset=utf-8><title>Interview report</title><pre>{body}</pre>\n"


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}/10"
