"""The claim grader: given a candidate's text and one claim, how likely is the text to state it correctly, state
it in part, state its opposite, or be about something else?

A multinomial logistic regression over a dozen signals (embedding cosines, content-word overlap beyond the
question's words, negation presence, antonym pairs, length). It was trained by `interviewer grader train` on
SemEval-2013 student answers (the held-out quarter of its questions never seen); the weights ship as JSON in
`interviewer/scoring/data/grader.json` with a model card beside them. Inference is a dot product and a softmax in
numpy: no extra package, nothing downloaded.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from interviewer.scoring.pairs import negations, opposite_pairs, overlap, tokens

CLASSES = ("correct", "partial", "contradictory", "unrelated")
FEATURES = (
    "cos",
    "recall",
    "precision",
    "novel_recall",
    "echo",
    "negation_mismatch",
    "opposites",
    "cos_x_negation",
    "cos_x_opposites",
    "log_words",
    "log_length_ratio",
    "cos_question",
)


def pair_features(text: str, claim: str, question: str, cos: float, cos_question: float) -> list[float]:
    """The grader's inputs for (candidate text, claim). Cosines come from the caller's normalised embeddings."""
    recall, precision, novel, echo = overlap(text, claim, question)
    mismatch = float((negations(text) > 0) != (negations(claim) > 0))
    opposed = min(2, opposite_pairs(text, claim))
    n, m = len(tokens(text)), len(tokens(claim))
    return [
        cos,
        recall,
        precision,
        novel,
        echo,
        mismatch,
        float(opposed),
        cos * mismatch,
        cos * min(1, opposed),
        math.log1p(n),
        math.log1p(n) - math.log1p(m),
        cos_question,
    ]


@dataclass(frozen=True)
class Grader:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (classes, features)
    intercept: np.ndarray
    meta: dict[str, object]

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities, one row per pair, columns in CLASSES order."""
        if len(x) == 0:
            return np.zeros((0, len(CLASSES)))
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def to_json(self) -> str:
        return json.dumps(
            {
                "classes": list(CLASSES),
                "features": list(FEATURES),
                "mean": self.mean.round(6).tolist(),
                "scale": self.scale.round(6).tolist(),
                "coef": self.coef.round(6).tolist(),
                "intercept": self.intercept.round(6).tolist(),
                "meta": self.meta,
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, text: str) -> Grader:
        d = json.loads(text)
        if tuple(d["features"]) != FEATURES or tuple(d["classes"]) != CLASSES:
            raise ValueError("grader weights were trained for other features; retrain with `interviewer grader train`")
        return cls(
            np.asarray(d["mean"]), np.asarray(d["scale"]), np.asarray(d["coef"]), np.asarray(d["intercept"]), d["meta"]
        )


WEIGHTS = "grader.json"


def weights_path() -> Path:
    return Path(str(resources.files("interviewer.scoring") / "data" / WEIGHTS))


@lru_cache(maxsize=1)
def load_grader() -> Grader:
    return Grader.from_json(weights_path().read_text(encoding="utf-8"))
