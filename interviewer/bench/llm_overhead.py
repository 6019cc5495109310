"""LLM-path overhead: what the LLM judge and the LLM policy add to a turn beyond the model's own latency.

The model is `FakeOpenAI`, a real local OpenAI-compatible server, set to a fixed latency (`DELAY_S` before every
chat reply) and answering the judge's and the policy's structured requests with valid JSON
(`interviewer.testing.model_replies`). `Settings.llm.base_url` points at it, so a real `Interviewer` scores with
the product's `AnswerScorer` (offline scorer plus LLM judge) and decides with `LLMPolicy`, over labelled answers,
once warm. "Served" is the server's own time for a request, from its arrival to its reply written, fixed latency
included, stamped by the server with the same clock (`time.monotonic()`), so subtracting it is exact.

- per call: the wall time of one structured chat call (`StructuredChat.invoke`: breaker, worker thread, LangChain,
  HTTP, stream parsing, validation) minus the served time of the request it sent.
- per turn (the issue's figure, with the target): the time the turn spent in the LLM path, minus the served time
  of the turn's requests. The LLM path is `LLMJudge.judge` (prompt, token trim, calls, merge), `LLMPolicy.decide`
  (prompt, calls, guards) and the retrieval of the bank follow-ups that only the policy's prompt quotes. This is
  what a candidate waits beyond the model's latency, compared with the offline engine. Subtracting an offline
  turn's time from an LLM turn's would carry the noise of both, and the two paths do not even take the same turns.

Only turns that called the model count. A fallback to the offline engine, a retry or a stray request stops the
bench (`BenchError`): a turn that never waited for the model would pass for a tiny overhead.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.bank.loader import Bank, load_bank
from interviewer.bench.figures import BenchError, percentile
from interviewer.bench.llm_probe import Probe, TimedInterviewer, TimedJudge, TimedPolicy, TurnSample
from interviewer.bench.scoring import scored_answers
from interviewer.bench.scratch import scratch_dir
from interviewer.interview.models import Plan, Turn
from interviewer.settings import LLMSettings, Settings
from interviewer.testing.fake_openai import FakeOpenAI, Responder
from interviewer.testing.model_replies import interviewer_replies

if TYPE_CHECKING:
    from interviewer.scoring.scorer import OfflineScorer

DELAY_S = 0.1
MODEL = "bench-fixed-latency"


@dataclass(frozen=True)
class LLMRun:
    delay_s: float
    turns: list[TurnSample]  # the measured turns that called the model
    requests: list[dict[str, Any]]  # the server's record of every chat request, warm-up included


def _interviewer(settings: Settings, bank: Bank, probe: Probe, offline: OfflineScorer | None) -> TimedInterviewer:
    from interviewer.index.store import open_index
    from interviewer.interview.store import SessionStore
    from interviewer.scoring.engine import AnswerScorer, token_counter
    from interviewer.scoring.scorer import OfflineScorer

    index, _ = open_index(settings, bank)
    scorer = AnswerScorer(settings, offline or OfflineScorer(index.embedder))
    scorer.judge = judge = TimedJudge(settings.llm, token_counter(settings), probe)
    policy = TimedPolicy(settings.llm, probe)
    store = SessionStore(settings.data_dir / "bench-llm.sqlite3")
    interviewer = TimedInterviewer(bank, scorer, store, index, policy, probe)
    interviewer.warm()
    _ = judge.chain.runnable, policy.chain.runnable  # LangChain's imports and clients, built before timing
    return interviewer


def within(requests: list[dict[str, Any]], start: float, end: float) -> list[dict[str, Any]]:
    return [r for r in requests if start <= r["t"] <= end]


def check_turn(sample: TurnSample, candidate: Turn, replies: list[Turn], requests: list[dict[str, Any]]) -> None:
    """Raise unless every call of the turn reached the model once and its result was used."""
    found = [e for e in [candidate.score.engine if candidate.score else None, *(t.engine for t in replies)] if e]
    fallback = next((e for e in found if e.fallback == "failed"), None)  # a refused reply was still timed
    if fallback is not None:
        raise BenchError(f"a turn fell back to the offline engine, so it would time no model: {fallback.label}")
    engines = [e.label for e in found]
    sent = within(requests, sample.start, sample.end)
    if len(sent) != len(sample.calls):
        raise BenchError(f"a turn made {len(sample.calls)} calls but sent {len(sent)} requests (retries?)")
    if sample.calls and not any(e.startswith("llm:") for e in engines):
        raise BenchError(f"a turn called the model but no result says so: engines {engines}")


def measure_llm_path(
    settings: Settings,
    data_dir: Path | None = None,
    delay_s: float = DELAY_S,
    sessions: int = 6,
    answers_per_session: int = 10,
    responder: Responder = interviewer_replies,
    offline: OfflineScorer | None = None,
) -> LLMRun:
    """`offline` is a scorer to reuse, its model loaded (tests share one); by default a new one on the index's."""
    bank, answers, probe = load_bank(settings.knowledge_dir), scored_answers(settings), Probe()
    with scratch_dir(data_dir) as tmp, FakeOpenAI(latency_s=delay_s, responder=responder) as server:
        llm = LLMSettings(base_url=server.base_url, model=MODEL)
        interviewer = _interviewer(settings.model_copy(update={"data_dir": tmp, "llm": llm}), bank, probe, offline)
        interviewer.reply(interviewer.start(Plan(questions=1)), answers[0])  # first-use costs, not kept
        for n in range(sessions):
            session = interviewer.start(Plan(questions=3, seed=n, scenario="production-bug" if n % 2 else None))
            for answer in answers[n * answers_per_session : (n + 1) * answers_per_session]:
                if session.state.phase in ("wrap-up", "done"):
                    break
                with probe.turn() as sample:
                    result = interviewer.reply(session, answer)
                check_turn(sample, result.candidate, result.turns, server.chat_requests())
        requests = server.chat_requests()
    turns = [t for t in probe.turns if t.calls]
    if not turns:
        raise BenchError("no turn called the model: nothing was measured")
    return LLMRun(delay_s, turns, requests)


def schema_of(request: dict[str, Any]) -> str:
    return str(request["body"]["response_format"]["json_schema"]["name"])


def request_of(run: LLMRun, start: float, end: float, schema: str) -> dict[str, Any]:
    """The request a call sent: within its time, asking for its schema (the judge's and the policy's overlap)."""
    (request,) = [r for r in within(run.requests, start, end) if schema_of(r) == schema]
    return request


def call_overheads_ms(run: LLMRun) -> list[float]:
    return [
        (end - start - request_of(run, start, end, schema)["handled_s"]) * 1000
        for sample in run.turns
        for start, end, schema in sample.calls
    ]


def turn_overheads_ms(run: LLMRun) -> list[float]:
    return [
        (sum(s.spans.values()) - sum(r["handled_s"] for r in within(run.requests, s.start, s.end))) * 1000
        for s in run.turns
    ]


def llm_overhead_figures(run: LLMRun) -> dict[str, float]:
    calls, turns = call_overheads_ms(run), turn_overheads_ms(run)
    retrieval = [s.spans.get("examples", 0.0) * 1000 for s in run.turns if "examples" in s.spans]
    return {
        "llm_delay_ms": round(run.delay_s * 1000, 1),
        "llm_turns": float(len(turns)),
        "llm_calls": float(len(calls)),
        "llm_call_overhead_p50_ms": round(statistics.median(calls), 2),
        "llm_call_overhead_p95_ms": round(percentile(calls, 0.95), 2),
        "llm_turn_overhead_p50_ms": round(statistics.median(turns), 2),
        "llm_turn_overhead_p95_ms": round(percentile(turns, 0.95), 2),
        "llm_turn_retrieval_p50_ms": round(statistics.median(retrieval), 2) if retrieval else 0.0,
    }


def run_llm_overhead_bench(settings: Settings, data_dir: Path | None = None) -> dict[str, float]:
    return llm_overhead_figures(measure_llm_path(settings, data_dir))
