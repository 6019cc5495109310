"""At INFO level the logs never carry answer text, even when the LLM endpoint fails and everything falls back."""

import logging
from pathlib import Path

import pytest
from pydantic import SecretStr

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.llm_policy import LLMPolicy
from interviewer.interview.models import Plan
from interviewer.interview.store import SessionStore
from interviewer.scoring.engine import AnswerScorer
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import LLMSettings, Settings
from interviewer.testing.fake_openai import FakeOpenAI

MARKER = "PRIVATEANSWERMARKER"


def test_info_logs_carry_no_answer_text(
    tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex, caplog: pytest.LogCaptureFixture
) -> None:
    with FakeOpenAI() as server:
        server.enqueue(500, ("raw", "{not json"), f'{{"action": "follow_up", "utterance": "{MARKER}?"}}')
        llm = LLMSettings(base_url=server.base_url, api_key=SecretStr("sk-x"), model="m", timeout_s=5)
        settings = Settings(data_dir=tmp_path, llm=llm)
        interviewer = Interviewer(
            bank, AnswerScorer(settings, scorer), SessionStore(tmp_path / "s.sqlite3"), built_index, LLMPolicy(llm)
        )
        with caplog.at_level(logging.INFO):
            session = interviewer.start(Plan(questions=1, seed=5))
            # an answer to the question asked, so it reaches the judge (an answer to another bank question would not)
            on_topic = bank.question(session.state.current or "").reference_answer
            for text in (f"{MARKER} {on_topic}", "skip", f"{MARKER} no, thanks"):
                interviewer.reply(session, text)
    assert server.requests, "the endpoint was never called: the fallback path was not exercised"
    # the interview ran to its end on the fallbacks (a turn after the close is told the interview is over)
    assert session.turns[-1].kind in ("close", "closed", "wrap-up-answer", "wrap-up")
    assert caplog.records, "nothing was logged: the test would prove nothing"
    assert MARKER not in caplog.text
    assert "sk-x" not in caplog.text
