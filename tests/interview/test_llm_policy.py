"""The LLM policy through ChatOpenAI against a real local OpenAI-compatible server: used when valid, guarded,
re-asked once, and replaced by the offline policy (visibly) when it fails."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.llm_policy import LLMPolicy
from interviewer.interview.models import Plan
from interviewer.interview.store import SessionStore
from interviewer.scoring.models import Engine
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import LLMSettings
from interviewer.testing.fake_openai import FakeOpenAI

VAGUE = "I'd look into it, figure out what's going on and then fix whatever is slow, step by step."
PARTLY = (  # to the first question of seed 1 (a slow endpoint): a real answer with points left out
    "I reproduced it locally and profiled it with py-spy, and the cause was an N+1 query in the orders list."
)


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as s:
        yield s


@pytest.fixture
def interviewer(
    tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex, server: FakeOpenAI
) -> Interviewer:
    policy = LLMPolicy(LLMSettings(base_url=server.base_url, api_key="sk-x", model="policy-1", timeout_s=5))
    return Interviewer(bank, scorer, SessionStore(tmp_path / "s.sqlite3"), built_index, policy)


def _start(interviewer: Interviewer) -> object:
    session = interviewer.start(Plan(questions=2, seed=1))
    return session


def _missed(interviewer: Interviewer, session: object) -> str:
    q = interviewer.bank.question(session.state.current)  # type: ignore[attr-defined]
    return q.key_points[0].id


def test_valid_follow_up_is_used(interviewer: Interviewer, server: FakeOpenAI) -> None:
    session = _start(interviewer)
    target = _missed(interviewer, session)
    ask = "Walk me through the very first thing you would look at, and why that one?"
    server.enqueue(json.dumps({"action": "follow_up", "utterance": ask, "target": target}))
    result = interviewer.reply(session, VAGUE)  # type: ignore[arg-type]
    reply = result.turns
    assert reply[0].text == ask and reply[0].kind == "follow-up" and reply[0].engine == Engine.llm("policy-1")
    assert result.engine == Engine.llm("policy-1")
    sent = server.chat_requests()[0]["body"]["messages"][0]["content"]
    assert "<<<ANSWER" in sent and VAGUE in sent
    bank_follow_up = interviewer.bank.question(session.state.asked[0]).follow_ups[0].text  # type: ignore[attr-defined]
    assert bank_follow_up in sent  # the bank's follow-ups for this item are retrieved into the prompt


def test_a_leaking_follow_up_is_reasked_then_offline_takes_over(
    interviewer: Interviewer, server: FakeOpenAI, bank: Bank
) -> None:
    session = _start(interviewer)
    q = bank.question(session.state.current)  # type: ignore[attr-defined]
    leak = f"Did you consider this: {q.key_points[0].text}?"
    server.enqueue(
        json.dumps({"action": "follow_up", "utterance": leak, "target": q.key_points[0].id}),
        json.dumps({"action": "follow_up", "utterance": leak, "target": q.key_points[0].id}),
    )
    result = interviewer.reply(session, VAGUE)  # type: ignore[arg-type]
    reply = result.turns
    assert len(server.chat_requests()) == 2
    assert "gives away" in server.chat_requests()[1]["body"]["messages"][0]["content"]
    assert q.key_points[0].text not in reply[0].text
    # the endpoint answered: its move was refused by the guards, and the turn says so (not "the endpoint failed")
    assert reply[0].engine == result.engine and result.engine.kind == "offline" and result.engine.fallback == "refused"
    assert result.engine.model == "policy-1" and "gives away" in (result.engine.reason or "")
    assert session.state.engine_notes  # type: ignore[attr-defined]


@pytest.mark.parametrize("failure", [500, ("raw", "<html>bad gateway</html>"), '{"action": "dance"}'])
def test_failures_fall_back_and_no_turn_is_lost(interviewer: Interviewer, server: FakeOpenAI, failure: object) -> None:
    session = _start(interviewer)
    server.enqueue(*[failure] * 6)  # type: ignore[arg-type]
    before = len(session.turns)  # type: ignore[attr-defined]
    reply = interviewer.reply(session, VAGUE).turns  # type: ignore[arg-type]
    assert reply and reply[0].engine is not None and reply[0].engine.fallback == "failed"
    stored = interviewer.store.load(session.id)  # type: ignore[attr-defined]
    assert len(stored.turns) == before + 1 + len(reply)


def test_the_follow_up_cap_holds(interviewer: Interviewer, server: FakeOpenAI) -> None:
    session = _start(interviewer)
    first = session.state.current  # type: ignore[attr-defined]
    target = _missed(interviewer, session)
    move = json.dumps({"action": "follow_up", "utterance": "What would you check first, and why?", "target": target})
    server.enqueue(*[move] * 8)
    for _ in range(3):
        interviewer.reply(session, VAGUE)  # type: ignore[arg-type]
    assert len(session.state.follow_ups.get(first, [])) <= 2  # type: ignore[attr-defined]
    assert session.state.current != first  # type: ignore[attr-defined]


def test_the_judge_and_the_policy_are_asked_at_once(
    tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> None:
    """One model round trip per turn: the policy decides on the offline verdicts while the judge's request is in
    flight (the two requests overlap at the server), and the judge's result is still the answer's score."""
    from interviewer.scoring.engine import AnswerScorer
    from interviewer.settings import Settings
    from interviewer.testing.model_replies import interviewer_replies

    with FakeOpenAI(latency_s=1.0, responder=interviewer_replies) as server:
        llm = LLMSettings(base_url=server.base_url, api_key="sk-x", model="m", timeout_s=30)
        judged = AnswerScorer(Settings(data_dir=tmp_path, llm=llm), offline=scorer)
        interviewer = Interviewer(bank, judged, SessionStore(tmp_path / "s.sqlite3"), built_index, LLMPolicy(llm))
        session = interviewer.start(Plan(questions=2, seed=1))
        result = interviewer.reply(session, VAGUE)
        sent = server.chat_requests()
    schemas = sorted(r["body"]["response_format"]["json_schema"]["name"] for r in sent)
    assert schemas == ["Judgement", "Move"]
    first, second = sorted(sent, key=lambda r: r["t"])
    assert second["t"] < first["t"] + first["handled_s"], "the second call waited for the first one's reply"
    assert result.score is not None and result.score.engine == Engine.llm("m")  # the judge's result is the score
    stored = interviewer.store.load(session.id)
    assert stored is not None and stored.turns[-len(result.turns) - 1].score == result.score
    assert result.turns[0].engine == Engine.llm("m")  # and the policy's move is the reply


def test_a_skip_after_an_answer_says_the_judge_was_asked_for_what_it_earned(
    tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> None:
    """A question skipped after a follow-up keeps what its answers earned, and with a judge that score is asked of
    the model in the skip's own turn: the turn says who decided (it had said offline, and `interviewer bench` stopped
    on it: "a turn called the model but no result says so")."""
    from interviewer.scoring.engine import AnswerScorer
    from interviewer.settings import Settings
    from interviewer.testing.model_replies import interviewer_replies

    with FakeOpenAI(responder=interviewer_replies) as server:
        llm = LLMSettings(base_url=server.base_url, api_key="sk-x", model="m", timeout_s=30)
        judged = AnswerScorer(Settings(data_dir=tmp_path, llm=llm), offline=scorer)
        interviewer = Interviewer(bank, judged, SessionStore(tmp_path / "s.sqlite3"), built_index, LLMPolicy(llm))
        session = interviewer.start(Plan(questions=2, seed=1))
        first = interviewer.reply(session, PARTLY)
        assert first.turns[0].kind == "follow-up" and session.state.current == first.candidate.question_id
        before = len(server.chat_requests())
        skipped = interviewer.reply(session, "skip")
        asked = server.chat_requests()[before:]
    assert [r["body"]["response_format"]["json_schema"]["name"] for r in asked] == ["Judgement"]
    assert skipped.engine == Engine.llm("m") and all(t.engine == Engine.llm("m") for t in skipped.turns)
    assert session.state.scores[first.candidate.question_id].engine == Engine.llm("m")  # type: ignore[index]
