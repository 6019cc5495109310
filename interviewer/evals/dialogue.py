"""The `dialogue` and `scenario` suites: whole simulated interviews, scored by transcript checks and ground truth.

- dialogue: every persona through question interviews on each track (practice and realistic mode);
- scenario: every persona through each incident scenario, stage by stage.
Figures are rates (see checks.py) plus the scorer's key-point and red-flag precision and recall inside the
dialogues, and whether personas land in the expected order (strong above average above weak above non-answers).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from interviewer.bank.models import TRACKS, Track
from interviewer.evals import checks
from interviewer.evals.checks import Rate, Secrets, truths
from interviewer.evals.harness import Harness
from interviewer.evals.simulate import Dialogue, item_of, run_dialogue
from interviewer.interview.models import Plan
from interviewer.interview.report import build_report

GROUPS = {"high": 3, "mid": 2, "low": 1, "none": 0}
PERSONA_GROUP = {"strong": "high", "average": "mid", "rambling": "mid", "weak": "low", "blamer": "low",
                 "panicker": "low", "injector": "low", "off-topic": "none", "silent": "none", "gibberish": "none",
                 "repeater": "none", "idk": "none"}  # fmt: skip
Progress = Callable[[], None]


def plans(suite: str, harness: Harness) -> list[tuple[str, Plan, bool]]:
    """(persona, plan, use labelled answers) for every session the suite runs."""
    out = []
    for persona in harness.personas:
        if suite == "scenario":
            for s in harness.bank.scenarios:
                out.append((persona, Plan(tracks=[s.track], level=s.level, questions=0, scenario=s.id), False))
            continue
        for seed, track in enumerate(TRACKS):
            tracks: list[Track] = [track]  # type: ignore[list-item]
            plan = Plan(tracks=tracks, questions=3, seed=seed, mode="realistic" if seed == 2 else "practice")
            out.append((persona, plan, seed % 2 == 0))
    return out


def run_suite(suite: str, harness: Harness, tick: Progress | None = None) -> tuple[dict[str, Any], list[Dialogue]]:
    dialogues = []
    for persona, plan, labelled in plans(suite, harness):
        candidate = harness.candidate(persona, plan.seed, labelled)
        dialogues.append(run_dialogue(harness.interviewer, harness.bank, candidate, persona, plan))
        if tick:
            tick()
    return summarise(suite, harness, dialogues), dialogues


def summarise(suite: str, harness: Harness, dialogues: list[Dialogue]) -> dict[str, Any]:
    bank, secrets = harness.bank, Secrets(harness.bank)
    rates: dict[str, Rate] = defaultdict(Rate)
    unattributed: list[str] = []
    for d in dialogues:
        checks.no_repeated_questions(d, rates["no_repeated_questions"])
        checks.follow_up_hits(bank, d, rates["follow_up_hit_rate"], rates["probe_hit_rate"], unattributed)
        checks.no_leaks(secrets, d, rates["no_leak_rate"])
        checks.turn_limits(bank, d, rates["turn_length_ok_rate"], rates["one_question_per_turn_rate"])
        checks.non_answers_handled(d, rates["non_answers_handled_rate"])
        checks.reaches_wrap_up(d, rates["reaches_wrap_up_rate"])
        checks.report_agrees(bank, d, rates["report_agrees_rate"])
        checks.acks_fit(d, rates["acks_fit_rate"])
        checks.polite_close(d, rates["polite_close_rate"])
        checks.clarifications_answered(d, rates["clarifications_answered_rate"])
        checks.asked_first_answered(d, rates["asked_first_answered_rate"])
        checks.no_presupposition(bank, d, rates["no_presupposition_rate"])
        checks.unsure_attempts_scored(d, rates["unsure_attempts_scored_rate"])
        checks.asked_after_scored(d, rates["asked_after_scored_rate"])
        if suite != "scenario":
            checks.challenge_rate(d, rates["challenge_rate"])
        if suite == "scenario":
            checks.stage_progression(bank, d, rates["stage_progression_rate"])
            checks.facts_earned(bank, d, rates["facts_only_when_earned_rate"])
            checks.givens_fit(bank, d, rates["givens_fit_rate"])
    figures: dict[str, Any] = {name: r.value for name, r in sorted(rates.items()) if r.total}
    figures |= scorer_figures(harness, dialogues)
    figures |= persona_order(harness, dialogues)
    seconds = [ex.seconds * 1000 for d in dialogues for ex in d.exchanges]
    figures |= {"sessions": len(dialogues), "turns": len(seconds)}
    return {
        "figures": figures,
        "counts": {name: f"{r.passed}/{r.total}" for name, r in sorted(rates.items()) if r.total},
        "failures": {name: r.failures for name, r in sorted(rates.items()) if r.failures},
        "follow_ups_unattributed": len(unattributed),
        "personas": persona_table(harness, dialogues),
        "turn_ms": {"p50": _pct(seconds, 0.5), "p95": _pct(seconds, 0.95)},
    }


def scorer_figures(harness: Harness, dialogues: list[Dialogue]) -> dict[str, float | None]:
    """Precision and recall of the scorer's key points and red flags, against what each answer really said."""
    kp, strict, rf = [0, 0, 0], [0, 0, 0], [0, 0, 0]
    for d in dialogues:
        for ex, truth in truths(d):
            score = ex.turn.score
            if ex.said.kind != "answer" or ex.dropped or score is None or score.score is None:
                continue
            item = item_of(harness.bank, d.plan, ex.turn.question_id)
            assert item is not None
            predicted = {k.id or "" for k in score.key_points if k.verdict != "missing"} - truth.partial
            gold = truth.covers - truth.partial
            _tally(kp, predicted, gold)
            _tally(strict, {k.id or "" for k in score.key_points if k.verdict == "covered"} - truth.partial, gold)
            flagged = {fid for f in score.red_flags if (fid := f.id)}
            flagged |= {"prompt-injection"} if score.injection_detected else set()
            judgeable = checks.flag_truth(flagged | truth.flags, item.flags)
            _tally(rf, flagged & judgeable, truth.flags & judgeable)
    return {
        "key_point_precision": _ratio(kp[0], kp[0] + kp[1]),
        "key_point_recall": _ratio(kp[0], kp[0] + kp[2]),
        "key_point_precision_covered": _ratio(strict[0], strict[0] + strict[1]),
        "key_point_recall_covered": _ratio(strict[0], strict[0] + strict[2]),
        "red_flag_precision": _ratio(rf[0], rf[0] + rf[1]),
        "red_flag_recall": _ratio(rf[0], rf[0] + rf[2]),
    }


def _tally(counts: list[int], predicted: set[str], gold: set[str]) -> None:
    counts[0] += len(predicted & gold)
    counts[1] += len(predicted - gold)
    counts[2] += len(gold - predicted)


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def item_scores(harness: Harness, d: Dialogue) -> list[float]:
    """Each asked item's score in the report; a skipped or unscorable item counts as 0, as the report counts it."""
    report = build_report(harness.bank, d.session)
    entries = report["questions"] + ((report["scenario"] or {}).get("stages") or [])
    return [e["score"] or 0.0 for e in entries]


def persona_table(harness: Harness, dialogues: list[Dialogue]) -> dict[str, dict[str, Any]]:
    by: dict[str, list[Dialogue]] = defaultdict(list)
    for d in dialogues:
        by[d.persona].append(d)
    table = {}
    for persona, ds in by.items():
        scores = [s for d in ds for s in item_scores(harness, d)]
        table[persona] = {
            "sessions": len(ds),
            "mean_item_score": round(statistics.fmean(scores), 2) if scores else None,
            "finished": sum(d.finished for d in ds),
            "turns": sum(len(d.exchanges) for d in ds),
            "expected": PERSONA_GROUP[persona],
        }
    return table


def persona_order(harness: Harness, dialogues: list[Dialogue]) -> dict[str, float | None]:
    """Share of persona pairs from different groups whose mean scores are in the expected order."""
    table = persona_table(harness, dialogues)
    right = total = 0
    for a, ra in table.items():
        for b, rb in table.items():
            if GROUPS[PERSONA_GROUP[a]] > GROUPS[PERSONA_GROUP[b]]:
                total += 1
                right += (ra["mean_item_score"] or 0) > (rb["mean_item_score"] or 0)
    return {"persona_order_rate": _ratio(right, total)}


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)
