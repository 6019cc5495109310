"""The answer reader's inference: pairs read before come from a bounded cache, with the same probabilities as a fresh
reading, in the order asked; and a live answer read ahead (`AnswerScorer.prepare`) leaves its turn nothing to read."""

from __future__ import annotations

import numpy as np

from interviewer.bank.loader import Bank
from interviewer.index.embedders import LocalMiniLM
from interviewer.scoring.engine import AnswerScorer
from interviewer.scoring.reader import model as reader_model
from interviewer.scoring.reader.model import ReaderModel
from interviewer.scoring.rubric import rubric_for
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import get_settings

CLAIM = "Uses a context manager so the resource is released even if the block raises."
SPANS = [
    "The with block closes the file even when an exception is thrown.",
    "I just call close() at the end and hope nothing fails before it.",
    "Generators are lazy.",
]


class Counted(ReaderModel):
    """The shipped reader, counting the pairs it actually runs through the model."""

    def __init__(self) -> None:
        super().__init__()
        self.ran = 0

    def _run(self, spans: list[str], claims: list[str]) -> np.ndarray:
        self.ran += len(spans)
        return super()._run(spans, claims)


def test_pairs_read_before_come_back_the_same_and_in_order() -> None:
    fresh = Counted().proba(SPANS, [CLAIM] * 3)
    reader = Counted()
    reader.proba(SPANS[1:2], [CLAIM])
    mixed = reader.proba(SPANS, [CLAIM] * 3)
    assert reader.ran == 3  # the second span was read once
    assert np.allclose(mixed, fresh, atol=1e-5)
    assert fresh[0].argmax() != fresh[1].argmax()  # the pairs differ, so the order is really checked
    assert np.allclose(reader.proba(SPANS[::-1], [CLAIM] * 3), fresh[::-1], atol=1e-5) and reader.ran == 3


def test_the_cache_is_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(reader_model, "CACHE_PAIRS", 2)
    reader = Counted()
    reader.proba(SPANS, [CLAIM] * 3)
    reader.proba(SPANS[:1], [CLAIM])  # the oldest went
    assert reader.ran == 4


def test_an_answer_read_ahead_leaves_its_turn_nothing_to_read(bank: Bank, embedder: LocalMiniLM) -> None:
    reader = Counted()
    scorer = AnswerScorer(get_settings(), OfflineScorer(embedder, reader=reader.proba))
    rubric = rubric_for(bank, "pyd-generators-context-decorators")
    answer = " ".join(SPANS[:2]) + " A decorator wraps a function to add behaviour around it."
    scorer.prepare(rubric, answer)
    assert reader.ran > 0
    before = reader.ran
    read_ahead = scorer.score(rubric, answer)
    assert reader.ran == before
    assert read_ahead == AnswerScorer(get_settings(), OfflineScorer(embedder, reader=Counted().proba)).score(
        rubric, answer
    )
