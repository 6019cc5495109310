"""SemEval-2013 Task 7 student answers: the grader's external training data and its held-out measure.

The file (`../shared/data/semeval2013/train.csv` next to the repository) is never read at setup or run time,
only by `interviewer grader train` and by the external part of `interviewer eval scoring` when it is present.
A quarter of its questions, chosen by a hash of the question id, is held out: never trained on, only measured.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer.scoring.grader import CLASSES, Grader, pair_features

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "shared" / "data" / "semeval2013" / "train.csv"
LABEL_CLASS = {
    "correct": "correct",
    "partially_correct_incomplete": "partial",
    "contradictory": "contradictory",
    "irrelevant": "unrelated",
    "non_domain": "unrelated",
}
ORDINAL = {"correct": 2, "partial": 1, "contradictory": 0, "unrelated": 0}


@dataclass(frozen=True)
class Item:
    question_id: str
    question: str
    references: tuple[str, ...]
    answer: str
    label: str  # one of CLASSES
    best: str = ""  # the reference the dataset marks best: what a user of `score --reference` would give

    @property
    def held_out(self) -> bool:
        return held_out(self.question_id)


def held_out(question_id: str) -> bool:
    return int(hashlib.sha256(question_id.encode()).hexdigest(), 16) % 4 == 0


def load(path: Path) -> list[Item]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Item(
                r["question_id"],
                r["question"],
                tuple(x.strip() for x in r["reference_answer"].split(" | ") if x.strip()),
                r["student_answer"],
                LABEL_CLASS[r["label"]],
                (r.get("reference_best") or r["reference_answer"].split(" | ")[0]).strip(),
            )
            for r in csv.DictReader(f)
        ]


Embed = Callable[[list[str]], np.ndarray]


def featurise(items: Sequence[Item], embed: Embed) -> tuple[np.ndarray, np.ndarray]:
    """Features of each answer against each of its references: (rows, features) and the item index of each row."""
    texts = sorted({t for i in items for t in (i.answer, i.question, *i.references)})
    vec = dict(zip(texts, embed(texts), strict=True))
    rows, owner = [], []
    for n, it in enumerate(items):
        a = vec[it.answer]
        cq = float(a @ vec[it.question])
        for ref in it.references:
            rows.append(pair_features(it.answer, ref, it.question, float(a @ vec[ref]), cq))
            owner.append(n)
    return np.asarray(rows, dtype=np.float64), np.asarray(owner)


def best_per_item(values: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    out = np.full(n, -np.inf)
    np.maximum.at(out, owner, values)
    return out


def auc(pos: np.ndarray, neg: np.ndarray) -> float:
    if not len(pos) or not len(neg):
        return float("nan")
    allv = np.concatenate([pos, neg])
    order = allv.argsort(kind="mergesort")
    ranks = np.empty(len(allv))
    ranks[order] = np.arange(1, len(allv) + 1)
    for v in np.unique(allv):  # average ranks over ties
        tie = allv == v
        ranks[tie] = ranks[tie].mean()
    return float((ranks[: len(pos)].sum() - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg)))


def _macro_f1(gold: list[str], pred: list[str], labels: Sequence[str]) -> float:
    f1s = []
    for lab in labels:
        tp = sum(g == lab and p == lab for g, p in zip(gold, pred, strict=True))
        fp = sum(g != lab and p == lab for g, p in zip(gold, pred, strict=True))
        fn = sum(g == lab and p != lab for g, p in zip(gold, pred, strict=True))
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0)
    return float(np.mean(f1s))


def _spearman(x: np.ndarray, y: np.ndarray) -> float:
    from interviewer.evals.scoring import spearman

    return spearman(list(map(float, x)), list(map(float, y)))


def figures(items: Sequence[Item], correct: np.ndarray, three_way: list[str]) -> dict[str, float]:
    """AUCs, 2-way and 3-way macro-F1 and Spearman for one scorer's outputs on `items`."""
    labels = np.asarray([i.label for i in items])
    is_c = labels == "correct"
    gold3 = [lab if lab in ("correct", "contradictory") else "other" for lab in labels]
    pred2 = ["correct" if p == "correct" else "other" for p in three_way]
    return {
        "auc_correct": round(auc(correct[is_c], correct[~is_c]), 4),
        "auc_correct_vs_contradictory": round(auc(correct[is_c], correct[labels == "contradictory"]), 4),
        "macro_f1_2way": round(_macro_f1(["correct" if c else "other" for c in is_c], pred2, ("correct", "other")), 4),
        "macro_f1_3way": round(_macro_f1(gold3, three_way, ("correct", "contradictory", "other")), 4),
        "spearman": _spearman(correct, np.asarray([ORDINAL[lab] for lab in labels])),
        "n": len(items),
    }


def cosine_threshold(items: Sequence[Item], cos: np.ndarray) -> float:
    """The plain-cosine baseline's best "correct" cut-off, chosen on the training questions (not the held-out)."""
    gold = np.asarray([i.label == "correct" for i in items])
    cuts = np.quantile(cos, np.linspace(0.05, 0.95, 91))
    scores = [_macro_f1(list(map(str, gold)), list(map(str, cos >= c)), ("True", "False")) for c in cuts]
    return float(cuts[int(np.argmax(scores))])


def evaluate(items: Sequence[Item], embed: Embed, grader: Grader, cos_cut: float) -> dict[str, dict[str, float]]:
    """The grader and the plain-cosine baseline on the same items."""
    x, owner = featurise(items, embed)
    p = grader.proba(x)
    n = len(items)
    best = np.zeros((n, len(CLASSES)))
    score = best_per_item(p[:, 0], owner, n)
    for k in range(n):  # the reference the grader finds most "correct" speaks for the item
        rows = np.flatnonzero(owner == k)
        best[k] = p[rows[int(np.argmax(p[rows, 0]))]]
    three = [
        {"correct": "correct", "contradictory": "contradictory"}.get(CLASSES[int(r.argmax())], "other") for r in best
    ]
    cos = best_per_item(x[:, 0], owner, n)
    cos_three = ["correct" if c >= cos_cut else "other" for c in cos]
    return {"grader": figures(items, score, three), "cosine": figures(items, cos, cos_three)}


Proba = Callable[[list[str], list[str]], np.ndarray]


def evaluate_reader(items: Sequence[Item], proba: Proba) -> dict[str, float]:
    """The answer reader on the same items: P(states) against the reference it finds most stated speaks for the
    answer; its argmax there gives the three-way label."""
    rows = [(n, it.answer, ref) for n, it in enumerate(items) for ref in it.references]
    p = proba([a for _, a, _ in rows], [r for _, _, r in rows])
    owner = np.asarray([n for n, _, _ in rows])
    best = np.zeros((len(items), 3))
    for k in range(len(items)):
        mine = np.flatnonzero(owner == k)
        best[k] = p[mine[int(np.argmax(p[mine, 0]))]]
    three = [("correct", "contradictory", "other")[int(r.argmax())] for r in best]
    return figures(items, best[:, 0], three)


def evaluate_scorer(items: Sequence[Item], score: Callable[[str, str, str], float | None]) -> dict[str, float]:
    """The whole scorer, given only the question and the best reference answer (`score(question, reference,
    answer)`, None when it leaves the answer unscored): its score's AUCs and Spearman (an unscored answer ranks
    below every score), and the share of real attempts (correct or partly correct) it leaves unscored."""
    got = [score(i.question, i.best, i.answer) for i in items]
    values = np.asarray([-1.0 if g is None else g for g in got])
    labels = np.asarray([i.label for i in items])
    is_c = labels == "correct"
    attempts = [g for g, i in zip(got, items, strict=True) if i.label in ("correct", "partial")]
    return {
        "auc_correct": round(auc(values[is_c], values[~is_c]), 4),
        "auc_correct_vs_contradictory": round(auc(values[is_c], values[labels == "contradictory"]), 4),
        "spearman": _spearman(values, np.asarray([ORDINAL[lab] for lab in labels])),
        "real_attempts_abstained": round(sum(g is None for g in attempts) / len(attempts), 4) if attempts else 0.0,
    }
