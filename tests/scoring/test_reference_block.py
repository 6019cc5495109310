"""`Second.block`: on a reference answer's own claims, a point that one span of the answer plainly contradicts is
covered by no other span. Off in the shipped settings (measured in `formula.Second`); these tests hold the mechanism
to what it says, so the setting can be switched on when the reader's polarity is good enough."""

import dataclasses

from interviewer.index.embedders import LocalMiniLM
from interviewer.scoring.formula import PARAMS
from interviewer.scoring.rubric import from_text
from interviewer.scoring.scorer import OfflineScorer

QUESTION = "What does a with statement guarantee when the block raises an exception?"
REFERENCE = "The context manager's __exit__ method still runs, so the resource is released even if the block raises."
WRONG = "If the block raises, the exit method is skipped, so the file stays open until garbage collection."
RIGHT = "The exit method still runs, so the file or lock gets released even when there is an exception."


def _scorer(embedder: LocalMiniLM, block: float) -> OfflineScorer:
    return OfflineScorer(embedder, dataclasses.replace(PARAMS, ref=dataclasses.replace(PARAMS.ref, block=block)))


def test_a_point_the_answer_contradicts_is_not_covered_by_its_other_clause(embedder: LocalMiniLM) -> None:
    rubric = from_text(QUESTION, reference=REFERENCE)
    off = _scorer(embedder, 1.1).score(rubric, WRONG)
    assert any(k.verdict != "missing" for k in off.key_points)  # the false praise the setting is for
    on = _scorer(embedder, 0.9).score(rubric, WRONG)
    assert all(k.verdict == "missing" for k in on.key_points) and on.score is not None and on.score < 2.0
    assert not any("Covered" in s for s in on.feedback.strengths)


def test_a_right_answer_keeps_its_points_with_the_block_on(embedder: LocalMiniLM) -> None:
    result = _scorer(embedder, 0.9).score(from_text(QUESTION, reference=REFERENCE), RIGHT)
    assert all(k.verdict == "covered" for k in result.key_points) and result.score is not None
    assert result.score >= 7.5
