"""One sentence quoted as the evidence of several points is read by the answer reader for each of them
(`Params.veto_shared`): a wrong sentence stops being proof of three points at once, and a right one keeps them."""

import dataclasses

from interviewer.bank.loader import Bank
from interviewer.index.embedders import LocalMiniLM
from interviewer.scoring.formula import PARAMS
from interviewer.scoring.rubric import rubric_for
from interviewer.scoring.scorer import OfflineScorer
from tests.scoring.test_second_opinion import table

THREADS_WRONG = (
    "Honestly I'd just use threads for everything, the GIL lets them all run Python code in parallel on all the cores."
)
NEVER_PII = (
    "I log in JSON with a request ID on every line so one request can be followed across services. I'm careful never "
    "to put customer emails, card numbers or tokens in the logs. Metrics go to Prometheus with alerts on the error "
    "rate and p95 latency, and traces through OpenTelemetry."
)


def _covered(result) -> dict[str, str | None]:
    return {k.id or "": k.evidence for k in result.key_points if k.verdict != "missing"}


def test_a_wrong_sentence_is_no_longer_proof_of_three_points(bank: Bank, embedder: LocalMiniLM) -> None:
    rubric = rubric_for(bank, "pyd-gil-concurrency")
    rules = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_shared=1.1))
    before = rules.score(rubric, THREADS_WRONG)
    assert sum(e == THREADS_WRONG for e in _covered(before).values()) >= 2  # what the rules alone said: proof twice+
    after = OfflineScorer(embedder).score(rubric, THREADS_WRONG)  # the shipped settings, the real reader
    assert THREADS_WRONG not in _covered(after).values() and after.score is not None and after.score < 2.5
    assert not any("Covered" in s for s in after.feedback.strengths)


def test_a_right_answer_in_plain_words_with_a_never_keeps_its_points(bank: Bank, embedder: LocalMiniLM) -> None:
    result = OfflineScorer(embedder).score(rubric_for(bank, "pyd-observability"), NEVER_PII)
    covered = _covered(result)
    assert covered.get("no-pii-in-logs", "").startswith("I'm careful never")
    assert len(covered) >= 4 and result.score is not None and result.score >= 7.5


def test_only_a_shared_span_is_read_and_only_a_sure_contradiction_vetoes_it(bank: Bank, embedder: LocalMiniLM) -> None:
    rubric = rubric_for(bank, "pyd-gil-concurrency")
    reader = table({(THREADS_WRONG[:20], ""): (0.3, 0.6, 0.1)})  # every claim: leans "contradicts"
    # the reader's other settings off
    quiet = dataclasses.replace(PARAMS, veto_flag_negated=1.1, close=1.1, soft_cover=0.0)
    off = OfflineScorer(embedder, dataclasses.replace(quiet, veto_shared=1.1), reader=reader)
    assert THREADS_WRONG in _covered(off.score(rubric, THREADS_WRONG)).values() and not reader.asked  # type: ignore[attr-defined]
    on = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_shared=0.5), reader=reader)
    assert THREADS_WRONG not in _covered(on.score(rubric, THREADS_WRONG)).values()
    unsure = table({(THREADS_WRONG[:20], ""): (0.45, 0.45, 0.1)})  # not above "states": no veto
    kept = OfflineScorer(embedder, dataclasses.replace(PARAMS, veto_shared=0.4), reader=unsure)
    assert THREADS_WRONG in _covered(kept.score(rubric, THREADS_WRONG)).values()
