"""Scoring against a reference answer alone: the labelled answers to the bank's technical questions, each scored
with only its question and the bank's reference answer (no key points, misconceptions or red flags), as a user of
`interviewer score --question ... --reference ...` would. The reference's own sentences become the points
(`rubric.from_text`), and the answer reader judges them (`formula.Second`).

Figures, on one split: Spearman against the gold scores, AUC of the score for gold adequate-or-better against the
rest, confidently wrong answers above 3.5, contradictions quoted on answers labelled strong or adequate (false
accusations: the answer is sound, so "you said the opposite" is untrue), and gold-scored answers left unscored.
Behavioural questions are left out: their reference answers are one person's story, whose facts no other answer
should repeat.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from interviewer.bank.loader import Bank
from interviewer.evals.scoring import Labelled, spearman
from interviewer.evals.semeval import auc
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import Rubric, from_text


def items_for(bank: Bank, items: list[Labelled]) -> list[tuple[Labelled, Rubric]]:
    """Gold-scored answers to technical bank questions, each with its reference-only rubric."""
    qs = {q.id: q for q in bank.questions}
    return [
        (i, from_text(qs[i.question_id].text, reference=qs[i.question_id].reference_answer))
        for i in items
        if i.question_id in qs and qs[i.question_id].track != "behavioral" and i.gold.score is not None
    ]


def figures(pairs: list[tuple[Labelled, Rubric]], score: Callable[[Rubric, str], AnswerScore]) -> dict[str, float]:
    results = [score(rubric, item.answer) for item, rubric in pairs]
    got = np.asarray([-1.0 if r.score is None else r.score for r in results])
    gold = np.asarray([i.gold.score for i, _ in pairs], dtype=float)
    wrong = np.asarray([i.kind == "confidently-wrong" for i, _ in pairs])
    return {
        "spearman": spearman(list(map(float, got)), list(map(float, gold))),
        "auc_adequate": round(auc(got[gold >= 5], got[gold < 5]), 4),
        "confidently_wrong_above_3_5": int(np.sum(got[wrong] > 3.5)),
        "sound_below_3_5": int(np.sum((gold >= 5) & (got >= 0) & (got < 3.5))),  # credit withheld: the mirror image
        "false_contradictions": sum(
            sum(f.kind == "contradiction" for f in r.red_flags)
            for (i, _), r in zip(pairs, results, strict=True)
            if i.gold.band in ("strong", "adequate")
        ),
        "abstained": int(np.sum(got < 0)),
        "n": len(pairs),
    }
