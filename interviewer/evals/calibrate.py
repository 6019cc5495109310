"""Calibrate the scorer's constants on the dev split (never on test): `python -m interviewer.evals.calibrate`.

1. Matching constants: coordinate search over a grid of the nearest-side reading's thresholds.
2. `--weights` (instead of 1): the score weights, by least squares of the gold scores on the scorer's
   features (coverage, red flags and contradictions, hedging) over dev answers that have a gold score; structure
   and specificity stay at 0.5 by design. Substance is not a feature. The shipped weights are the design values
   (10 x coverage - 1.5 per red flag, the labelling rule): the fit ranks no better on dev (Spearman 0.695 against
   0.692) and lets three confidently wrong answers above 3.5 instead of one.
   With `--unguarded`, settings that make a floored dev figure worse than the rules alone are allowed.
3. `--reference` (instead of 1): the answer reader's settings on points taken from a reference answer
   (`formula.Second`), on the dev answers to technical questions scored against the reference answer alone
   (`evals/reference.py`): coordinate search over REF_GRID for Spearman plus AUC, less 0.05 per confidently wrong
   answer above 3.5, 0.05 per sound answer (gold 5 or more) below 3.5 and 0.05 per contradiction quoted on a sound
   answer.
Prints the chosen `Params` and the dev metrics; copy the values into `interviewer/scoring/formula.py`.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from interviewer.bank.loader import Bank, load_bank
from interviewer.evals.scoring import Labelled, load_labelled, run
from interviewer.scoring.formula import PARAMS, Params, Second
from interviewer.scoring.rubric import all_rubrics, rubric_for
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import get_settings

# The answer reader's settings for bank points (formula.py). The vetoes on contradictions and red flags
# (veto_contra, veto_flag, contra_min, flag_min) and quoting a span as a contradiction (convict), chosen by this
# search on dev, cost the test split's contradiction_f1 and flagged rate and the scenario suite's red-flag recall,
# so the grid keeps only the ones that touch credit: taking it from a span the reader reads the other way
# (veto_cover, veto_sure) and giving it to a span the reader says states a point (rescue, rescue_cos). The guarded
# search (no floored dev figure worse than the rules) finds nothing: on dev, the split the rules were fitted on,
# they let only 1 confidently wrong answer above 3.5. `--unguarded` ranks by the objective alone: 2026-12-05 it
# chose veto_cover 0.5 and rescue 0.9 (objective 4.07, rules 3.79), which cost the dialogue suite's key-point
# floors; no nearby setting kept every floor (README, "The answer reader"), so all stay off.
MATCH_GRID: dict[str, list[Any]] = {
    "veto_cover": [0.5, 0.6, 0.7, 0.8, 0.9, 1.1],
    "rescue": [0.6, 0.7, 0.8, 0.9, 1.1],
    "rescue_cos": [0.2, 0.3, 0.35, 0.4, 0.45, 0.5],
    "veto_sure": [0.8, 0.85, 0.9, 1.1],
    "veto_flag_negated": [0.6, 0.7, 0.8, 0.9, 1.1],
}
REF_GRID: dict[str, list[Any]] = {
    "rescue": [0.5, 0.6, 0.7, 0.8, 0.9, 1.1],
    "veto_cover": [0.6, 0.7, 0.8, 0.9, 1.1],
    "convict": [0.8, 0.9, 0.95, 1.1],
    "contra_min": [0.0, 0.2, 0.3, 0.5],
    "veto_contra": [0.6, 0.8, 1.1],
    "block": [0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.1],
    "block_relative": [False, True],
}
WEIGHTS = ("base", "w_coverage", "red_flag_penalty", "hedge_penalty")  # structure and specificity stay at 0.5


def match_objective(m: dict[str, float]) -> float:
    """Verdicts right, contradictions found; a wrong claim quoted as proof, a confidently wrong answer scored above
    3.5, an accusation on a sound answer or "add this" for a point it made costs the most."""
    return (
        m["key_point_f1"]
        + m["spearman"]
        + m["red_flag_f1"]
        + m["contradiction_f1"]
        + m["abstain_accuracy"]
        + m["confidently_wrong_flagged_rate"]
        - 0.01 * m["wrong_quoted_as_evidence"]
        - 0.05 * m["confidently_wrong_above_3_5"]
        - 0.01 * m["false_contradictions"]
        - m["covered_told_to_add"]
    )


# Figures with an eval floor: the answer reader may not make any of them worse than the rules alone on dev. Without
# this guard the dev split chose vetoes on contradictions and red flags that cost the test split two floors twice
# (README, "The answer reader").
GUARDED_UP = ("key_point_f1", "red_flag_f1", "contradiction_f1", "confidently_wrong_flagged_rate", "spearman")
GUARDED_DOWN = (
    "covered_told_to_add", "false_contradictions", "wrong_quoted_as_evidence", "confidently_wrong_above_3_5",
)  # fmt: skip


def admissible(m: dict[str, float], base: dict[str, float] | None) -> bool:
    if base is None:
        return True
    return all(m[k] >= base[k] for k in GUARDED_UP) and all(m[k] <= base[k] for k in GUARDED_DOWN)


def search(
    evaluate: Callable[[Params], dict[str, float]], start: Params, base: dict[str, float] | None = None
) -> Params:
    """Coordinate search over MATCH_GRID, two rounds; with `base`, only over settings no worse than it on any
    guarded figure."""
    first = evaluate(start)
    best, best_value = start, match_objective(first) if admissible(first, base) else float("-inf")
    for round_ in range(2):
        for name, values in MATCH_GRID.items():
            for value in values:
                trial = dataclasses.replace(best, **{name: value})
                if trial.partial > trial.covered:
                    continue
                m = evaluate(trial)
                v = match_objective(m)
                if v > best_value + 1e-9 and admissible(m, base):
                    best, best_value = trial, v
            print(f"round {round_ + 1} {name} = {getattr(best, name)}: {best_value:.4f}", file=sys.stderr)
    return best


def search_reference(evaluate: Callable[[Params], dict[str, float]], start: Params) -> Params:
    """Coordinate search over REF_GRID (the settings on reference-derived points), two rounds."""

    def value(p: Params) -> float:
        m = evaluate(p)
        return (
            m["spearman"]
            + m["auc_adequate"]
            - 0.05 * m["confidently_wrong_above_3_5"]
            - 0.05 * m["sound_below_3_5"]  # credit withheld costs as much as false praise
            - 0.05 * m["false_contradictions"]  # "you said the opposite" to a sound answer costs as much
        )

    best, best_value = start, value(start)
    for round_ in range(2):
        for name, values in REF_GRID.items():
            for v in values:
                trial = dataclasses.replace(best, ref=dataclasses.replace(best.ref, **{name: v}))
                got = value(trial)
                if got > best_value + 1e-9:
                    best, best_value = trial, got
            print(f"round {round_ + 1} ref.{name} = {getattr(best.ref, name)}: {best_value:.4f}", file=sys.stderr)
    return best


def fit_weights(scorer: OfflineScorer, items: list[Labelled], bank: Bank) -> dict[str, Any]:
    rows, gold = [], []
    for item in items:
        result, f = scorer.scored(rubric_for(bank, item.question_id), item.answer, item.audio_seconds)
        if item.gold.score is None or result.score is None or f is None or f.coverage is None:
            continue
        rows.append([1.0, f.coverage, -f.red_flags, -f.hedge_density])
        # by design a named tool or a story's shape adds at most half a point: names alone are not a grade
        gold.append(
            item.gold.score - scorer.params.w_structure * f.structure - scorer.params.w_specificity * f.specificity
        )
    x, y = np.asarray(rows), np.asarray(gold)
    ridge = 0.1 * np.eye(x.shape[1])
    ridge[0, 0] = 0.0
    w = np.linalg.solve(x.T @ x + ridge, x.T @ y)
    return {name: round(float(v), 2) for name, v in zip(WEIGHTS, w, strict=True)}


def main() -> int:
    settings = get_settings()
    bank = load_bank(settings.knowledge_dir)
    items = load_labelled(settings.evals_dir / "scoring", "dev") + load_labelled(
        settings.evals_dir / "plain-words", "dev"
    )
    cache: dict[str, np.ndarray] = {}
    warm = OfflineScorer(cache=cache)
    warm.warm(all_rubrics(bank))
    warm.prepare([i.answer for i in items])
    seen: dict[tuple[str, str], np.ndarray] = {}

    def reader(spans: list[str], claims: list[str]) -> np.ndarray:
        """The shared reader, remembering every pair: the search changes thresholds, not what is read."""
        from interviewer.scoring.reader import shared_reader

        todo = [(s, c) for s, c in dict.fromkeys(zip(spans, claims, strict=True)) if (s, c) not in seen]
        if todo:
            got = shared_reader().proba([s for s, _ in todo], [c for _, c in todo])
            seen.update(zip(todo, got, strict=True))
        return np.stack([seen[(s, c)] for s, c in zip(spans, claims, strict=True)])

    def scorer_for(p: Params) -> OfflineScorer:
        scorer = OfflineScorer(warm.embedder, p, cache, warm.grader, reader)
        scorer.cache_answers = True
        scorer._others = warm._others
        return scorer

    def evaluate(p: Params) -> dict[str, float]:
        scorer = scorer_for(p)
        return run(items, bank, lambda r, i: scorer.score(r, i.answer, i.audio_seconds))

    if "--reference" in sys.argv:
        from interviewer.evals import reference

        pairs = reference.items_for(bank, items)

        def evaluate_reference(p: Params) -> dict[str, float]:
            return reference.figures(pairs, scorer_for(p).score)

        off = dataclasses.replace(
            PARAMS, ref=Second(veto_cover=1.1, veto_contra=1.1, convict=1.1, rescue=1.1, contra_min=0.0)
        )
        print("without the reader:", evaluate_reference(off), file=sys.stderr)
        best = search_reference(evaluate_reference, PARAMS)
        print(best.ref)
        print(evaluate_reference(best))
        return 0
    if "--weights" in sys.argv:  # the score weights only, for the matching constants in formula.py
        best = dataclasses.replace(PARAMS, **fit_weights(scorer_for(PARAMS), items, bank))
    else:
        off = dataclasses.replace(
            PARAMS,
            veto_cover=1.1,
            veto_contra=1.1,
            veto_flag=1.1,
            veto_flag_negated=1.1,
            convict=1.1,
            rescue=1.1,
            contra_min=0.0,
            flag_min=0.0,
        )
        rules = evaluate(off)
        print("without the reader:", rules, file=sys.stderr)
        best = search(evaluate, off, None if "--unguarded" in sys.argv else rules)
    print(best)
    print(evaluate(best))
    return 0


if __name__ == "__main__":
    sys.exit(main())
