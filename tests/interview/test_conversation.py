"""Clarifying questions and the candidate's own questions, answered from the company and team profile; what the
profile does not say gets an honest reply, never a deflection or a made-up fact, and nothing of it is scored."""

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan
from interviewer.interview.nonanswers import classify
from interviewer.interview.profile import ProfileError, load_profile
from interviewer.interview.report import build_report
from interviewer.interview.store import SessionStore
from interviewer.interview.utterances import TEMPLATES
from interviewer.scoring.scorer import OfflineScorer


@pytest.fixture
def interviewer(tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex) -> Interviewer:
    return Interviewer(bank, scorer, SessionStore(tmp_path / "s.sqlite3"), built_index)


@pytest.mark.parametrize(
    "text",
    [
        "Before I answer, can I ask what we're deploying to?",
        "Before I answer, can you tell me what scale we're talking about?",
        "Sorry, just to check, how big is the team I'd be working with?",
        "Should I assume Postgres?",
        "What do you mean by reliable?",
    ],
)
def test_clarifying_questions_are_recognised_wherever_the_asking_words_are(text: str) -> None:
    assert classify(text) == "clarify"


def test_answers_that_ask_back_are_still_answers() -> None:
    assert classify("The GIL lets one thread run at a time, so I'd use processes. Does that make sense?") == "answer"


def test_a_clarification_is_answered_from_the_profile_and_not_scored(interviewer: Interviewer, bank: Bank) -> None:
    session = interviewer.start(Plan(questions=1, seed=2, focus=["concurrency"]))
    question = session.state.current
    result = interviewer.reply(session, "Before I answer, can I ask what we're deploying to?")
    reply = result.turns[0]
    assert reply.kind == "clarify" and "containers on AWS" in reply.text and "no trick" not in reply.text
    assert result.score is None and result.candidate.score is None and session.state.current == question
    open_ = interviewer.reply(session, "Can I ask whether this is a greenfield project?").turns[0]
    assert open_.kind == "clarify" and open_.text in TEMPLATES["clarify-open"]  # honest: not in the profile
    interviewer.reply(session, "The GIL lets only one thread run Python bytecode at a time, so for CPU work I'd use "
                      "multiprocessing and asyncio for I/O.")  # fmt: skip
    entry = build_report(bank, session)["questions"][0]
    assert len(entry["answers"]) == 1 and "deploying" not in entry["answers"][0]  # not listed as "Answer 1"


def test_the_candidates_questions_at_the_end_come_from_the_profile(interviewer: Interviewer) -> None:
    session = interviewer.start(Plan(questions=1, seed=3))
    interviewer.reply(session, "skip")
    on_call = interviewer.reply(session, "What's the on-call rotation like?").turns[0].text
    assert "on-call rotation" in on_call and "small team that values" not in on_call
    unknown = interviewer.reply(session, "Do you sponsor visas?").turns[0].text
    assert unknown.startswith(TEMPLATES["unknown-question"][0])


def test_an_edited_profile_is_used_and_a_broken_one_is_named(
    tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> None:
    own = tmp_path / "profile.yaml"
    own.write_text(
        "company: a tiny agency\ntopics:\n  - id: deploy\n    asks: [deploy]\n    answer: We deploy to one VPS.\n"
    )
    interviewer = Interviewer(
        bank, scorer, SessionStore(tmp_path / "s.sqlite3"), built_index, profile=load_profile(own)
    )
    session = interviewer.start(Plan(questions=1, seed=2))
    reply = interviewer.reply(session, "Before I answer, can I ask what we're deploying to?").turns[0].text
    assert "one VPS" in reply
    broken = tmp_path / "broken.yaml"
    broken.write_text("company: x\ntopics:\n  - id: a\n    answer: no asks\n")
    with pytest.raises(ProfileError, match=r"broken\.yaml"):
        load_profile(broken)


def test_a_chosen_question_is_asked_first(interviewer: Interviewer) -> None:
    """Practising a suggestion from the History tab: the chosen question opens the interview, whatever the track."""
    session = interviewer.start(Plan(tracks=["behavioral"], questions=2, seed=5, first="pyd-gil-concurrency"))
    assert session.state.current == "pyd-gil-concurrency" and "GIL" in session.turns[-1].text
    interviewer.reply(session, "skip")
    assert session.state.current != "pyd-gil-concurrency" and session.state.current.startswith("beh-")
