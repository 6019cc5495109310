"""The answer reader: does a span of the answer state a rubric claim, say its opposite, or neither?

Retrieve, then verify: the bi-encoder (all-MiniLM-L6-v2) finds the candidate spans for each claim, and this
cross-encoder, trained here on the project's labelled pairs (`data/reader/`), reads each (span, claim) together.
Its data and training are in `dataset.py` and `train.py` (`interviewer reader train`), its card in
`model/READER.md`, its inference in `model.py`.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from interviewer.scoring.reader.dataset import LABELS
from interviewer.scoring.reader.model import ReaderModel

STATES, CONTRADICTS, NEITHER = range(3)


@lru_cache(maxsize=1)
def shared_reader() -> ReaderModel:
    """One loaded model per process."""
    return ReaderModel()


def read(spans: list[str], claims: list[str], model: ReaderModel | None = None) -> np.ndarray:
    """Every span against every claim: probabilities of shape (spans, claims, 3), in LABELS order."""
    if not spans or not claims:
        return np.zeros((len(spans), len(claims), 3), dtype=np.float32)
    pairs = [(s, c) for s in spans for c in claims]
    probs = (model or shared_reader()).proba([s for s, _ in pairs], [c for _, c in pairs])
    return probs.reshape(len(spans), len(claims), 3)


__all__ = ["CONTRADICTS", "LABELS", "NEITHER", "STATES", "ReaderModel", "read", "shared_reader"]
