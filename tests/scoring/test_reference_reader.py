"""Scoring against a reference answer alone, with the real answer reader judging the reference's own sentences
(`formula.Second`): what a user of `interviewer score --question ... --reference ...` reads."""

from interviewer.index.embedders import LocalMiniLM
from interviewer.scoring.rubric import from_text
from interviewer.scoring.scorer import OfflineScorer

WITH_Q = "What does a with statement guarantee when the block raises an exception?"
WITH_REF = "The context manager's __exit__ method still runs, so the resource is released even if the block raises."


def _score(embedder: LocalMiniLM, answer: str):
    return OfflineScorer(embedder).score(from_text(WITH_Q, reference=WITH_REF), answer)


def test_a_paraphrase_cosine_misses_gets_the_credit(embedder: LocalMiniLM) -> None:
    result = _score(
        embedder, "The exit method still runs, so the file or lock gets released even when there is an exception."
    )
    assert result.score is not None and result.score >= 7.5
    assert all(k.verdict != "missing" for k in result.key_points)
    assert not any("Add this point" in i for i in result.feedback.improvements)


def test_the_opposite_gets_no_credit_and_scores_low(embedder: LocalMiniLM) -> None:
    wrong = (
        "If the block raises, the cleanup is skipped and the file stays open until the garbage collector gets to it."
    )
    result = _score(embedder, wrong)
    assert result.score is not None and result.score < 2.5
    assert not any(k.evidence for k in result.key_points if k.verdict != "missing")  # never proof of a point
    # the rules quoted it as covering the point it denies; the reader's veto takes that credit away
    assert any(k.unclear for k in result.key_points)
    assert not any(i.startswith("Covered") for i in result.feedback.strengths)


def test_a_right_answer_with_never_is_not_accused(embedder: LocalMiniLM) -> None:
    right = (
        "You never have to remember to close the file yourself: even when something blows up inside the block, "
        "Python still calls the exit method and the file gets closed."
    )
    result = _score(embedder, right)
    assert not any(f.kind == "contradiction" for f in result.red_flags), result.red_flags
