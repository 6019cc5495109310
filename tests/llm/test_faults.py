"""Every fault of the issue "LLM faults", injected by a real local OpenAI-compatible server into the real ChatOpenAI
client: the judge and the policy fall back to the offline engine with a visible reason, no turn is lost, and a
turn stays within its time bound. Transient faults are retried, and a failing endpoint is skipped by its breaker.

Each turn runs inside `turn_budget()`, which is what `Interviewer.reply` does once decorated with it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.llm_policy import LLMPolicy
from interviewer.interview.models import Plan, Session, Turn
from interviewer.interview.store import SessionStore
from interviewer.resilience import turn_budget
from interviewer.scoring.engine import AnswerScorer
from interviewer.scoring.models import Engine
from interviewer.scoring.rubric import from_question
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import LLMSettings, Settings
from interviewer.testing.fake_openai import FakeOpenAI, Reply, refused_url

BOUND = 2.0  # timeout_s: the upper bound of one turn
SLACK = 0.3
VAGUE = "I'd look into it, figure out what's going on and then fix whatever is slow, step by step."
ANSWER = "I'd stream the file line by line with a generator, count IPs in a dict and keep a min-heap of the top 100."
JUDGEMENT = json.dumps({"key_points": [], "red_flags": []})
MOVE = json.dumps({"action": "next", "utterance": "Thanks, that's clear. Let's move on."})
FAULTS: dict[str, Reply] = {
    "timeout": ("hang", 30.0),
    "refused": "(nothing listens)",
    "429 Retry-After": (429, {"Retry-After": "1"}),
    "500": 500,
    "malformed JSON": ("raw", "{not json at all"),
    "schema violation": '{"nonsense": true}',
    "truncated stream": ("truncated-stream", MOVE),
    "slow stream": ("slow-stream", MOVE, 0.4),  # 8 chunks, 0.4 s apart: never finishes within the bound
}


@pytest.fixture(scope="module", autouse=True)
def warm(tmp_path_factory: pytest.TempPathFactory, bank: Bank, scorer: OfflineScorer, built_index: BankIndex) -> None:
    """First-use costs land in a process's first turn only: the client's imports (about 2 s), the first index query
    and scoring. Paid here, so the times measured below are those of any turn."""
    import langchain_openai  # noqa: F401
    import openai.resources.beta  # noqa: F401

    store = SessionStore(tmp_path_factory.mktemp("warm") / "s.sqlite3")
    interviewer = Interviewer(bank, scorer, store, built_index)
    interviewer.reply(interviewer.start(Plan(questions=2, seed=1)), VAGUE)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as s:
        yield s


def _interviewer(tmp_path: Path, bank: Bank, scorer: OfflineScorer, index: BankIndex, base_url: str,
                 judged: bool, judge_model: str = "judge-1", **llm: Any) -> Interviewer:  # fmt: skip
    """The policy always on the LLM; the judge too when `judged`, through the product's AnswerScorer."""
    common = {"base_url": base_url, "api_key": "sk-test", "timeout_s": BOUND, **llm}
    judge_settings = Settings(llm=LLMSettings(**{**common, "model": judge_model}))
    answer_scorer = AnswerScorer(judge_settings, offline=scorer) if judged else scorer
    policy = LLMPolicy(LLMSettings(**{**common, "model": "policy-1"}))
    return Interviewer(bank, answer_scorer, SessionStore(tmp_path / "s.sqlite3"), index, policy)


def _turn(interviewer: Interviewer, session: Session) -> tuple[list[Turn], Turn, float]:
    """One answer: the replies, the candidate's turn as stored, the elapsed seconds; no turn may be lost."""
    before = len(interviewer.store.load(session.id).turns)
    started = time.monotonic()
    with turn_budget():
        reply = interviewer.reply(session, VAGUE).turns
    elapsed = time.monotonic() - started
    stored = interviewer.store.load(session.id).turns
    assert len(stored) == before + 1 + len(reply)
    assert stored[before].score == (session.turns[before].score), "the score read back is the score written"
    return reply, stored[before], elapsed


def _reasks(server: FakeOpenAI) -> int:
    return sum("previous reply was" in r["body"]["messages"][0]["content"] for r in server.chat_requests())


@pytest.mark.parametrize("judged", [True, False], ids=["judge+policy", "policy"])
@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_falls_back_visibly_within_the_bound(
    fault: str, judged: bool, server: FakeOpenAI, tmp_path: Path, bank: Bank, scorer: OfflineScorer,
    built_index: BankIndex,
) -> None:  # fmt: skip
    base_url = refused_url() if fault == "refused" else server.base_url
    server.enqueue(*[FAULTS[fault]] * 12)
    interviewer = _interviewer(tmp_path, bank, scorer, built_index, base_url, judged)
    session = interviewer.start(Plan(questions=2, seed=1))
    # the same turn without an LLM, just before: the local work (scoring, storing), which a busy machine slows down
    # as much as the turn under test; the bound is on the time beyond it (twice it: the judge's own parsing and the
    # abandoned call's thread add local work of the same order), which is the LLM's
    offline = Interviewer(bank, scorer, SessionStore(tmp_path / "offline.sqlite3"), built_index)
    local = _turn(offline, offline.start(Plan(questions=2, seed=1)))[2]
    reply, candidate, elapsed = _turn(interviewer, session)

    assert reply and reply[0].engine is not None and reply[0].engine.kind == "offline"
    assert reply[0].engine.fallback == "failed", reply[0].engine  # an endpoint fault, never a refused reply
    judge_engine = candidate.score.engine.label if candidate.score else ""
    if judged:
        assert candidate.score is not None and candidate.score.engine.fallback == "failed", judge_engine
    assert elapsed - 2 * local < BOUND + SLACK, (elapsed, local)
    if fault == "schema violation":  # the one re-ask each, then the offline engine
        assert (
            len(server.chat_requests()) == (4 if judged else 2) and _reasks(server) == len(server.chat_requests()) / 2
        )
    if fault in ("malformed JSON", "500", "truncated stream"):  # retried, never re-asked
        assert len(server.chat_requests()) >= 2 and _reasks(server) == 0
    if fault == "slow stream":  # the abandoned stream is let go at its next chunk, not when it ends
        assert _no_worker_within(1.0)
    print(f"\n{fault:17} {'judge+policy' if judged else 'policy':12} {elapsed:5.2f} s  requests "
          f"{len(server.chat_requests())}  judge: {judge_engine or '-'}  policy: {reply[0].engine.label}")  # fmt: skip


def _no_worker_within(seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while any(t.name == "llm-call" for t in threading.enumerate()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_429_waits_for_retry_after_then_succeeds(server: FakeOpenAI, scorer: OfflineScorer, bank: Bank) -> None:
    settings = Settings(llm=LLMSettings(base_url=server.base_url, api_key=SecretStr("k"), model="judge-1", timeout_s=5))
    server.enqueue((429, {"Retry-After": "1"}), JUDGEMENT)
    with turn_budget():
        result = AnswerScorer(settings, offline=scorer).score(
            from_question(bank.question("swe-top-ips-large-log")), ANSWER
        )
    assert result.engine == Engine.llm("judge-1"), result.engine
    first, second = server.chat_requests()
    assert 1.0 <= second["t"] - first["t"] < 1.5  # the server's wait, not the (shorter) backoff


def test_500_then_success_succeeds_on_retry(
    server: FakeOpenAI, tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> None:
    server.enqueue(500, MOVE)
    interviewer = _interviewer(tmp_path, bank, scorer, built_index, server.base_url, judged=False, timeout_s=5)
    reply, _, _ = _turn(interviewer, interviewer.start(Plan(questions=2, seed=1)))
    assert reply[0].engine == Engine.llm("policy-1") and len(server.chat_requests()) == 2
    assert all(r["body"]["stream"] is True for r in server.chat_requests())  # the calls really stream


def test_a_slow_stream_that_fits_the_bound_is_used(
    server: FakeOpenAI, tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> None:
    server.enqueue(("slow-stream", MOVE, 0.1))  # 8 chunks: 0.8 s, read timeouts never fire between them
    interviewer = _interviewer(tmp_path, bank, scorer, built_index, server.base_url, judged=False, timeout_s=5)
    reply, _, elapsed = _turn(interviewer, interviewer.start(Plan(questions=2, seed=1)))
    assert reply[0].engine == Engine.llm("policy-1") and 0.8 <= elapsed < 5


def test_the_breaker_opens_skips_the_server_and_half_opens(
    server: FakeOpenAI, scorer: OfflineScorer, bank: Bank
) -> None:
    llm = LLMSettings(
        base_url=server.base_url, api_key=SecretStr("k"), model="judge-1", timeout_s=5, circuit_reset_s=0.5
    )
    judged = AnswerScorer(Settings(llm=llm), offline=scorer)
    rubric = from_question(bank.question("swe-top-ips-large-log"))
    server.enqueue(500, 500, 500)
    assert judged.score(rubric, ANSWER).engine == Engine.fell_back(
        "judge-1", "failed", "LLMUnavailable: HTTP 500 after 3 attempts"
    )
    assert judged.judge is not None and judged.judge.chain.guard.breaker.state == "open"
    skipped = judged.score(rubric, ANSWER)
    assert skipped.engine.label.startswith("offline (llm failed: CircuitOpen: circuit open")
    assert len(server.chat_requests()) == 3  # the open circuit sent nothing

    time.sleep(0.55)
    server.enqueue(500)  # half-open: one trial request, which fails and opens the circuit again
    assert "CircuitOpen" in str(judged.score(rubric, ANSWER).engine.reason) and len(server.chat_requests()) == 4
    time.sleep(0.55)
    server.enqueue(JUDGEMENT)  # the next trial succeeds and closes it
    assert (
        judged.score(rubric, ANSWER).engine == Engine.llm("judge-1")
        and judged.judge.chain.guard.breaker.state == "closed"
    )


def test_judge_and_policy_on_one_model_share_its_breaker(
    server: FakeOpenAI, tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> None:
    server.enqueue(500, 500, 500)
    interviewer = _interviewer(  # a roomier bound, so the judge's three attempts always fit
        tmp_path, bank, scorer, built_index, server.base_url, True, judge_model="policy-1", timeout_s=5
    )
    session = interviewer.start(Plan(questions=3, seed=1))
    reply, candidate, _ = _turn(interviewer, session)
    # the judge and the policy are asked at once: their attempts interleave, and the breaker they share opens
    # after the third failure in a row, whichever made it; the other is then refused without a request
    assert candidate.score is not None and reply[0].engine is not None
    labels = [candidate.score.engine.label, reply[0].engine.label]
    assert all("failed" in x for x in labels) and any("CircuitOpen: circuit open" in x for x in labels), labels
    assert len(server.chat_requests()) == 3
    reply, candidate, elapsed = _turn(interviewer, session)  # the next turn waits on no request and no backoff
    assert candidate.score is not None and "CircuitOpen" in candidate.score.engine.label and elapsed < 1.5
    assert reply[0].engine is not None and "CircuitOpen" in reply[0].engine.label
    assert len(server.chat_requests()) == 3
