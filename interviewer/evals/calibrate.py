"""Calibrate the scorer's constants on the dev split (never on test): `python -m interviewer.evals.calibrate`.

1. Matching constants: coordinate search over a grid, maximising key-point F1 + red-flag F1 + abstain accuracy.
2. Score weights: least squares of the gold scores (less the fixed coverage term) on the scorer's features
   (substance, structure, specificity, red flags, hedging), over dev answers that have a gold score.
Prints the chosen `Params` and the dev metrics; copy the values into `interviewer/scoring/formula.py`.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from interviewer.bank.loader import Bank, load_bank
from interviewer.evals.scoring import Labelled, load_labelled, rubric_for, run
from interviewer.scoring.formula import PARAMS, Params
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import get_settings

MATCH_GRID: dict[str, list[Any]] = {
    "cue_weight": [0.0, 0.05, 0.1, 0.15, 0.2, 0.25],
    "span_words": [0, 6, 10, 14, 18],
    "covered": [0.45, 0.5, 0.55, 0.6, 0.65, 0.7],
    "partial": [0.3, 0.35, 0.4, 0.45, 0.5],
    "flag_sim": [0.55, 0.6, 0.65, 0.7, 0.8, 1.1],
    "flag_cue_sim": [0.1, 0.2, 0.3, 0.4, 0.5, 1.1],
    "off_topic": [0.15, 0.2, 0.25, 0.3, 0.35],
}
WEIGHTS = ("base", "w_substance", "w_structure", "w_specificity", "red_flag_penalty", "hedge_penalty")


def match_objective(m: dict[str, float]) -> float:
    return m["key_point_f1"] + m["red_flag_f1"] + m["abstain_accuracy"]


def search(evaluate: Callable[[Params], dict[str, float]], start: Params) -> Params:
    best, best_value = start, match_objective(evaluate(start))
    for round_ in range(2):
        for name, values in MATCH_GRID.items():
            for value in values:
                trial = dataclasses.replace(best, **{name: value})
                if trial.partial >= trial.covered:
                    continue
                v = match_objective(evaluate(trial))
                if v > best_value + 1e-9:
                    best, best_value = trial, v
            print(f"round {round_ + 1} {name} = {getattr(best, name)}: {best_value:.4f}", file=sys.stderr)
    return best


def fit_weights(scorer: OfflineScorer, items: list[Labelled], bank: Bank) -> dict[str, Any]:
    rows, gold = [], []
    for item in items:
        result = scorer.score(rubric_for(bank, item.question_id), item.answer, item.audio_seconds)
        f = scorer.last_features
        if item.gold.score is None or result.score is None or f is None or f.coverage is None:
            continue
        rows.append([1.0, f.substance, f.structure, f.specificity, -f.red_flags, -f.hedge_density])
        gold.append(item.gold.score - scorer.params.w_coverage * f.coverage)  # w_coverage is fixed by design
    x, y = np.asarray(rows), np.asarray(gold)
    ridge = 0.1 * np.eye(x.shape[1])
    ridge[0, 0] = 0.0
    w = np.linalg.solve(x.T @ x + ridge, x.T @ y)
    return {name: round(float(v), 2) for name, v in zip(WEIGHTS, w, strict=True)}


def main() -> int:
    settings = get_settings()
    bank = load_bank(settings.knowledge_dir)
    items = load_labelled(settings.evals_dir / "scoring", "dev")
    cache: dict[str, np.ndarray] = {}
    warm = OfflineScorer(cache=cache)
    warm.prepare([i.answer for i in items])

    def scorer_for(p: Params) -> OfflineScorer:
        scorer = OfflineScorer(warm.embedder, p, cache)
        scorer.cache_answers = True
        return scorer

    def evaluate(p: Params) -> dict[str, float]:
        scorer = scorer_for(p)
        return run(items, bank, lambda r, i: scorer.score(r, i.answer, i.audio_seconds))

    best = search(evaluate, PARAMS)
    best = dataclasses.replace(best, **fit_weights(scorer_for(best), items, bank))
    print(best)
    print(evaluate(best))
    return 0


if __name__ == "__main__":
    sys.exit(main())
