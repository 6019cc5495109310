"""A readable, plain-text scorecard for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from interviewer.scoring.models import AnswerScore

if TYPE_CHECKING:
    from interviewer.scoring.scorer import Explained

MARK = {"covered": "[x]", "partial": "[~]", "missing": "[ ]"}


def _quote(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return f'"{flat[:limit]}{"..." if len(flat) > limit else ""}"'


def scorecard(result: AnswerScore, question: str | None = None) -> str:
    lines = []
    if question:
        lines.append(f"Question: {question}" + (f" ({result.question_id})" if result.question_id else ""))
    if result.score is None:
        lines.append(f"Unscored: {result.unscored_reason} (engine: {result.engine})")
    else:
        lines.append(f"Score: {result.score:.1f}/10 ({result.band}), engine: {result.engine}")
    if result.key_points:
        lines.append("Key points:")
        for kp in result.key_points:
            lines.append(f"  {MARK[kp.verdict]} {kp.verdict:<8} {kp.text}")
            if kp.evidence:
                lines.append(f"               {_quote(kp.evidence)}")
    if result.red_flags:
        lines.append("Red flags:")
        lines += [f"  (!) {rf.text}\n               {_quote(rf.evidence)}" for rf in result.red_flags]
    if result.star:
        parts = {k: v is not None for k, v in result.star.model_dump().items()}
        lines.append("STAR: " + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in parts.items()))
    spec, d = result.specificity, result.delivery
    lines.append(
        f"Specificity: {spec.score:.2f} (figures: {', '.join(spec.numbers[:4]) or 'none'}; "
        f"tools: {', '.join(spec.technologies[:5]) or 'none'}; I {spec.ownership.i} / we {spec.ownership.we})"
    )
    wpm = f", {d.words_per_minute:.0f} words/min" if d.words_per_minute else ""
    lines.append(
        f"Delivery: {d.words} words, {d.filler_words} fillers ({d.filler_rate:.1f}/100 words), {d.hedges} hedges{wpm}"
    )
    for title, items in (("Strengths", result.feedback.strengths), ("Improvements", result.feedback.improvements)):
        if items:
            lines.append(f"{title}:")
            lines += [f"  - {item}" for item in items]
    return "\n".join(lines)


def explanation(rows: list[Explained]) -> str:
    """For each claim, the spans nearest it and what the answer reader reads in each."""
    lines = ["Why: each claim, its nearest spans (cosine), and the answer reader's P(states) P(contradicts) P(neither)"]
    for row in rows:
        lines.append(f"  {row.kind.replace('_', ' ')}: {row.claim}")
        if not row.spans:
            lines.append("      (nothing said to read)")
        for span, cos, st, co, ne in row.spans:
            lines.append(f"      {st:.2f} {co:.2f} {ne:.2f}  cos {cos:.2f}  {_quote(span, 110)}")
    return "\n".join(lines)
