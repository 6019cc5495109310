"""Past sessions for the history view: one row per session, competency trends, and what to practise next.

Everything is derived from the stored sessions through `build_report`, so the history never disagrees with the
reports. Rows are plain dicts, ready for a table widget.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from interviewer.bank.loader import Bank
from interviewer.bank.models import LEVELS, Question
from interviewer.interview.charts import colour_for, escape_text, short, svg_frame, value_text
from interviewer.interview.models import Session
from interviewer.interview.report import build_report
from interviewer.interview.store import BaseStore, SessionNotFound

STRONG = 7.5  # the scorer's "strong" band: a competency averaging this much is not a priority to practise
RECENT = 10  # sessions that count towards "recent" averages


def _row(created: float, session: Session, bank: Bank) -> dict[str, Any]:
    problem = None
    try:
        report: dict[str, Any] = build_report(bank, session)
    except (KeyError, StopIteration) as e:  # the bank changed since: an entry this session used is gone
        report, problem = {"overall": None, "competencies": {}}, f"cannot rebuild the report with this bank: {e}"
    plan = session.plan
    return {
        "id": session.id,
        "date": datetime.fromtimestamp(created).astimezone().isoformat(timespec="seconds"),
        "created": created,
        "tracks": list(plan.tracks),
        "level": plan.level,
        "mode": plan.mode,
        "scenario": plan.scenario,
        "phase": session.state.phase,
        "overall": report["overall"],
        "competencies": dict(report["competencies"]),
        "asked": [item for item in session.state.asked if "/" not in item],
        "problem": problem,
    }


def session_history(store: BaseStore, bank: Bank, owner: str | None = None) -> list[dict[str, Any]]:
    """One row per stored session (`owner`'s only, when given), newest first."""
    rows = []
    for meta in store.list(owner=owner):
        try:
            session = store.load(str(meta["id"]))
        except SessionNotFound:  # deleted between listing and loading
            continue
        rows.append(_row(cast(float, meta["created"]), session, bank))
    return sorted(rows, key=lambda r: (r["created"], r["id"]), reverse=True)


def competency_trends(rows: list[dict[str, Any]]) -> dict[str, list[tuple[str, float]]]:
    """Per competency, (date, average) for every session that scored it, oldest to newest."""
    trends: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r["created"], r["id"])):
        for competency, value in row["competencies"].items():
            if value is not None:
                trends[competency].append((row["date"], value))
    return dict(sorted(trends.items()))


def _averages(rows: list[dict[str, Any]], recent: int) -> dict[str, tuple[float, int]]:
    scores: dict[str, list[float]] = defaultdict(list)
    for row in rows[:recent]:
        for competency, value in row["competencies"].items():
            if value is not None:
                scores[competency].append(value)
    return {c: (statistics.fmean(v), len(v)) for c, v in scores.items()}


def _pool(bank: Bank, tracks: Sequence[str], level: str) -> list[Question]:
    """The level asked for; the neighbouring levels only when the tracks have nothing at that level."""
    in_tracks = [q for q in bank.questions if q.track in tracks]
    exact = [q for q in in_tracks if q.level == level]
    if exact or level not in LEVELS:
        return exact
    i = LEVELS.index(level)
    return [q for q in in_tracks if q.level in LEVELS[max(0, i - 1) : i + 2]]


def _priority(competency: str, averages: dict[str, tuple[float, int]]) -> tuple[int, float, str]:
    """Weak first (lowest average), then never practised, then the ones already strong."""
    if competency not in averages:
        return (1, 0.0, competency)
    average = averages[competency][0]
    return (0 if average < STRONG else 2, average, competency)


def _round_robin(order: list[str], queues: dict[str, list[Question]], n: int) -> list[Question]:
    """One question per competency per round, in priority order, so a few weak areas all get a turn."""
    picked: list[Question] = []
    queues = {c: list(queues.get(c, [])) for c in order}
    while len(picked) < n and any(queues.values()):
        for competency in order:
            if queues[competency] and len(picked) < n:
                picked.append(queues[competency].pop(0))
    return picked


def _why(competency: str, averages: dict[str, tuple[float, int]], asked_before: bool) -> str:
    if competency in averages:
        average, count = averages[competency]
        why = f"competency '{competency}' averaged {average:.1f} over {count} session{'s' if count != 1 else ''}"
    else:
        why = f"competency '{competency}' not practised yet"
    return why + ("; asked in a past session, worth another go" if asked_before else "")


def recommend(
    bank: Bank, rows: list[dict[str, Any]], tracks: Sequence[str], level: str, n: int = 5, *, recent: int = RECENT
) -> list[dict[str, Any]]:
    """Next questions to practise, weakest competency first (averages over the `recent` newest sessions).

    A question asked in a past session comes back only for a weak competency that has no new question left, or
    at the very end when everything else is exhausted. The order is deterministic.
    """
    averages = _averages(rows, recent)
    asked = {qid for row in rows for qid in row["asked"]}
    pool = sorted(_pool(bank, tracks, level), key=lambda q: q.id)
    order = sorted({q.competency for q in pool}, key=lambda c: _priority(c, averages))
    fresh, again = _split(pool, asked)
    weak = {c for c in order if _priority(c, averages)[0] == 0}
    picked = _round_robin(order, {c: fresh[c] + (again[c] if c in weak else []) for c in order}, n)
    picked += _round_robin(order, {c: [q for q in again[c] if q not in picked] for c in order}, n - len(picked))
    return [
        {
            "id": q.id,
            "question": q.text,
            "competency": q.competency,
            "track": q.track,
            "level": q.level,
            "asked_before": q.id in asked,
            "why": _why(q.competency, averages, q.id in asked),
        }
        for q in picked
    ]


def _split(pool: list[Question], asked: set[str]) -> tuple[dict[str, list[Question]], dict[str, list[Question]]]:
    fresh: dict[str, list[Question]] = defaultdict(list)
    again: dict[str, list[Question]] = defaultdict(list)
    for q in pool:
        (again if q.id in asked else fresh)[q.competency].append(q)
    return fresh, again


TREND_LABEL_W, TREND_ROW_H, SPARK_W, SPARK_GAP, SPARK_H, MAX_POINTS = 200, 38, 16, 4, 28, 24


def _trend_row(y: int, competency: str, points: list[tuple[str, float]]) -> str:
    bars = []
    for i, (date, score) in enumerate(points):
        height = max(1.0, round(SPARK_H * min(max(score, 0.0), 10.0) / 10.0, 1))
        x = TREND_LABEL_W + i * (SPARK_W + SPARK_GAP)
        bars.append(
            f"<g><title>{escape_text(competency)}, {escape_text(date[:16].replace('T', ' '))}: "
            f'{value_text(score)}</title><rect class="bar" x="{x}" y="{y + 4 + SPARK_H - height}" width="{SPARK_W}" '
            f'height="{height}" rx="2" fill="{colour_for(score)}"/></g>'
        )
    last_x = TREND_LABEL_W + len(points) * (SPARK_W + SPARK_GAP) + 4
    return (
        f'<g class="trend"><text x="{TREND_LABEL_W - 8}" y="{y + 28}" text-anchor="end" fill="#374151">'
        f"{escape_text(short(competency, 28))}</text>"
        f'<line x1="{TREND_LABEL_W}" x2="{last_x - 4}" y1="{y + 4 + SPARK_H}" y2="{y + 4 + SPARK_H}" stroke="#d1d5db"/>'
        f'{"".join(bars)}<text x="{last_x}" y="{y + 28}" fill="#111827">latest {value_text(points[-1][1])}</text></g>'
    )


def trend_chart(trends: dict[str, list[tuple[str, float]]]) -> str:
    """Small multiples: per competency, one bar per session (oldest left), coloured by band; "" when empty."""
    trends = {c: points[-MAX_POINTS:] for c, points in trends.items() if points}
    if not trends:
        return ""
    longest = max(len(points) for points in trends.values())
    width = TREND_LABEL_W + longest * (SPARK_W + SPARK_GAP) + 90
    rows = "".join(_trend_row(30 + i * TREND_ROW_H, c, points) for i, (c, points) in enumerate(trends.items()))
    summary = "; ".join(f"{c}: {', '.join(value_text(s) for _, s in points)}" for c, points in trends.items())
    title = "Competency scores by session, oldest to newest (out of 10)"
    return svg_frame(title, summary, max(width, 560), 30 + len(trends) * TREND_ROW_H + 6, rows)
