"""The LLM-path overhead stage on a few turns, against the real local server: the turns went through the model,
and the figures are computed from the server's own timings. No speed is asserted: benchmarks print figures."""

import statistics
from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.bench.figures import BenchError, percentile
from interviewer.bench.llm_overhead import (
    MODEL,
    LLMRun,
    call_overheads_ms,
    llm_overhead_figures,
    measure_llm_path,
    schema_of,
    turn_overheads_ms,
    within,
)
from interviewer.index.embedders import LocalMiniLM
from interviewer.index.store import BankIndex
from interviewer.interview.store import SessionStore
from interviewer.scoring.models import Engine
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import Settings

DELAY = 0.05


@pytest.fixture(scope="module")
def offline(embedder: LocalMiniLM) -> OfflineScorer:
    """One for this module: the bench warms it (every rubric embedded) once, and leaves the session's alone."""
    return OfflineScorer(embedder)


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory, bank: Bank, embedder: LocalMiniLM) -> Path:
    data = tmp_path_factory.mktemp("llm-bench")
    BankIndex(Settings(data_dir=data), embedder=embedder).build(bank)
    return data


@pytest.fixture(scope="module")
def run(run_dir: Path, offline: OfflineScorer) -> LLMRun:
    return measure_llm_path(Settings(), run_dir, delay_s=DELAY, sessions=2, answers_per_session=3, offline=offline)


def test_the_measured_turns_went_through_the_model(run: LLMRun, run_dir: Path) -> None:
    asked = {r["body"]["response_format"]["json_schema"]["name"] for s in run.turns
             for r in within(run.requests, s.start, s.end)}  # fmt: skip
    assert asked == {"Judgement", "Move"}  # both the judge and the policy were measured
    assert all(r["body"]["model"] == MODEL and r["body"]["stream"] for r in run.requests)
    store = SessionStore(run_dir / "bench-llm.sqlite3")
    turns = [t for s in store.list() for t in store.load(str(s["id"])).turns]
    scored = [t for t in turns if t.role == "candidate" and t.score and t.score.score is not None]
    assert scored and all(t.score and t.score.engine == Engine.llm(MODEL) for t in scored)
    assert any(t.engine == Engine.llm(MODEL) for t in turns if t.role == "interviewer")  # the policy decided


def test_every_call_is_matched_to_the_one_request_it_sent(run: LLMRun) -> None:
    calls = [call for s in run.turns for call in s.calls]
    sent = [[r for r in within(run.requests, start, end) if schema_of(r) == schema] for start, end, schema in calls]
    assert calls and all(len(requests) == 1 for requests in sent)
    assert all(r[0]["delay_s"] >= DELAY and r[0]["handled_s"] >= r[0]["delay_s"] for r in sent)
    expected = [(end - start - r[0]["handled_s"]) * 1000 for (start, end, _), r in zip(calls, sent, strict=True)]
    assert call_overheads_ms(run) == pytest.approx(expected)
    # the judge's and the policy's calls of a turn overlap: one model round trip per turn, not two
    both = [s.calls for s in run.turns if {c[2] for c in s.calls} == {"Judgement", "Move"}]
    assert both and all(max(c[0] for c in cs) < min(c[1] for c in cs) for cs in both)


def test_turn_overhead_is_the_llm_path_minus_what_the_server_took(run: LLMRun) -> None:
    for sample, overhead in zip(run.turns, turn_overheads_ms(run), strict=True):
        served = sum(r["handled_s"] for r in within(run.requests, sample.start, sample.end))
        assert {"judge"} <= set(sample.spans) <= {"judge", "policy", "examples"}
        assert overhead == pytest.approx((sum(sample.spans.values()) - served) * 1000)
        assert served >= DELAY * len(sample.calls)  # the fixed latency really was served, once per call


def test_the_figures_summarise_those_samples(run: LLMRun) -> None:
    figures = llm_overhead_figures(run)
    assert figures["llm_delay_ms"] == DELAY * 1000
    assert figures["llm_turns"] == len(run.turns) and figures["llm_calls"] == len(call_overheads_ms(run))
    turns, calls = turn_overheads_ms(run), call_overheads_ms(run)
    assert figures["llm_turn_overhead_p50_ms"] == round(statistics.median(turns), 2)
    assert figures["llm_turn_overhead_p95_ms"] == round(percentile(turns, 0.95), 2)
    assert figures["llm_call_overhead_p95_ms"] == round(percentile(calls, 0.95), 2)


def test_a_fallback_to_the_offline_engine_fails_the_bench(run_dir: Path, offline: OfflineScorer) -> None:
    with pytest.raises(BenchError, match="fell back to the offline engine"):
        measure_llm_path(Settings(), run_dir, delay_s=0.0, sessions=1, answers_per_session=2,
                         responder=lambda body: 400, offline=offline)  # fmt: skip
