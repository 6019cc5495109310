"""Pair-level figures of the answer reader on held-out questions, beside plain cosine and the claim grader.

The pairs are the project's own (`data/reader/`) and the bank's contrastive rubric, restricted to the test-split
items, which the reader never trained on. Plain cosine can only say "states" (at or above a cut-off chosen on the
dev items) or "neither"; the claim grader's four classes map to states (correct or partial), contradicts and
neither.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from interviewer.scoring.reader.dataset import LABELS, Pair

Embed = Callable[[list[str]], np.ndarray]


def figures(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    """Precision, recall and F1 per label, macro-F1 and accuracy."""
    out: dict[str, float] = {"n": float(len(gold))}
    f1s = []
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, pred, strict=True))
        npred = sum(p == label for p in pred)
        ngold = sum(g == label for g in gold)
        prec = tp / npred if npred else 0.0
        rec = tp / ngold if ngold else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        out |= {f"{label}_precision": prec, f"{label}_recall": rec, f"{label}_f1": f1}
        f1s.append(f1)
    out["macro_f1"] = float(np.mean(f1s))
    out["accuracy"] = sum(g == p for g, p in zip(gold, pred, strict=True)) / max(1, len(gold))
    return {k: round(v, 4) for k, v in out.items()}


def cosines(pairs: Sequence[Pair], embed: Embed) -> np.ndarray:
    texts = sorted({t for p in pairs for t in (p.span, p.claim)})
    vec = dict(zip(texts, embed(texts), strict=True))
    return np.asarray([float(vec[p.span] @ vec[p.claim]) for p in pairs])


def cosine_cut(dev: Sequence[Pair], embed: Embed) -> float:
    """The cut-off that gives plain cosine its best macro-F1 on the dev items."""
    cos = cosines(dev, embed)
    gold = [p.label for p in dev]
    best = max(
        (figures(gold, ["states" if c >= t else "neither" for c in cos])["macro_f1"], float(t))
        for t in np.arange(0.2, 0.95, 0.01)
    )
    return best[1]


def cosine_predict(pairs: Sequence[Pair], embed: Embed, cut: float) -> list[str]:
    return ["states" if c >= cut else "neither" for c in cosines(pairs, embed)]


def grader_predict(pairs: Sequence[Pair], questions: dict[str, str], embed: Embed) -> list[str]:
    from interviewer.scoring.grader import load_grader, pair_features

    texts = sorted({t for p in pairs for t in (p.span, p.claim, questions.get(p.item, ""))})
    vec = dict(zip(texts, embed(texts), strict=True))
    rows = []
    for p in pairs:
        q = questions.get(p.item, "")
        rows.append(pair_features(p.span, p.claim, q, float(vec[p.span] @ vec[p.claim]), float(vec[p.span] @ vec[q])))
    pr = load_grader().proba(np.asarray(rows))
    three = np.stack([pr[:, 0] + pr[:, 1], pr[:, 2], pr[:, 3]], axis=1)  # correct+partial, contradictory, unrelated
    return [LABELS[int(i)] for i in three.argmax(axis=1)]


def reader_predict(pairs: Sequence[Pair], proba: Callable[[list[str], list[str]], np.ndarray]) -> list[str]:
    p = proba([x.span for x in pairs], [x.claim for x in pairs])
    return [LABELS[int(i)] for i in p.argmax(axis=1)]


def semeval_figures(path: object, proba: Callable[[list[str], list[str]], np.ndarray]) -> dict[str, float]:
    """On SemEval's held-out questions: AUC of P(states) for correct against the rest and against contradictory,
    each answer read against its best reference answer."""
    import csv
    from pathlib import Path

    from interviewer.evals.semeval import auc, held_out

    rows = []
    with Path(str(path)).open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if held_out(r["question_id"])]
    p = proba([r["student_answer"].strip() for r in rows], [r["reference_best"].split(" | ")[0] for r in rows])
    states = p[:, 0]
    labels = np.asarray([r["label"] for r in rows])
    correct = labels == "correct"
    return {
        "n": float(len(rows)),
        "auc_correct": round(auc(states[correct], states[~correct]), 4),
        "auc_correct_vs_contradictory": round(auc(states[correct], states[labels == "contradictory"]), 4),
    }
