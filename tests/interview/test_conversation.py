"""Clarifying questions and the candidate's own questions, answered from the company and team profile; what the
profile does not say gets an honest reply, never a deflection or a made-up fact, and nothing of it is scored."""

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.bank.models import clarify
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
        "Should I assume MySQL?",
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
    last = interviewer.reply(session, "One more: how big is the team?").turns[0]  # past the last one: answered, then
    assert last.kind == "close" and session.state.phase == "done"  # the close (it had been the close alone)
    assert "engineers" in last.text and last.text.endswith(tuple(TEMPLATES["close"]))


def test_a_remark_at_the_end_is_acknowledged_not_answered_with_a_matched_line(interviewer: Interviewer) -> None:
    """A statement at the wrap-up ("I'd stream it ... into a staging table in Postgres") had been answered with the
    profile's line on scale, twice; it asks nothing, so it is acknowledged, and the real question after it is
    answered."""
    session = interviewer.start(Plan(questions=1, seed=3))
    interviewer.reply(session, "skip")
    remark = "I'd stream it with csv.reader in chunks and COPY the rows into a staging table in Postgres."
    reply = interviewer.reply(session, remark).turns[0]
    assert reply.kind == "wrap-up-answer" and reply.text.split(". ")[0] + "." in TEMPLATES["wrap-up-remark"]
    assert "Assume" not in reply.text
    on_call = interviewer.reply(session, "Could I ask how the team handles on-call?").turns[0].text
    assert "on-call rotation" in on_call


def test_an_edited_profile_is_used_and_a_broken_one_is_named(
    tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> None:
    own = tmp_path / "profile.yaml"
    own.write_text(
        "company: a tiny agency\ntopics:\n  - id: mascot\n    asks: [mascot]\n    answer: Our mascot is one VPS.\n"
    )
    interviewer = Interviewer(
        bank, scorer, SessionStore(tmp_path / "s.sqlite3"), built_index, profile=load_profile(own)
    )
    session = interviewer.start(Plan(questions=1, seed=2))
    reply = interviewer.reply(session, "Before I answer, can I ask about the team mascot?").turns[0].text
    assert "one VPS" in reply  # what the question itself does not say, the user's own profile does
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


def test_a_question_asked_before_answering_anyway_gets_its_reply_and_the_rest_is_scored(
    tmp_path: Path, interviewer: Interviewer, bank: Bank
) -> None:
    answer = (
        "The GIL lets only one thread run Python bytecode at a time, so threads don't speed up CPU-bound work; "
        "for that I'd use multiprocessing, and asyncio for I/O-bound work."
    )
    session = interviewer.start(Plan(questions=1, seed=2, first="pyd-gil-concurrency"))
    result = interviewer.reply(session, f"Can I assume this runs on Postgres? {answer}")
    reply = result.turns[0].text
    assert reply.startswith(("On your question: ", "To your question first: ")) and "Postgres and Redis" in reply
    alone = Interviewer(bank, interviewer.scorer, SessionStore(tmp_path / "alone.sqlite3"), interviewer.index)
    fresh = alone.start(Plan(questions=1, seed=2, first="pyd-gil-concurrency"))
    said_alone = alone.reply(fresh, answer).score
    assert result.score is not None and said_alone is not None
    assert result.score.score == said_alone.score  # the question neither adds nor costs anything
    assert [k.verdict for k in result.score.key_points] == [k.verdict for k in said_alone.key_points]
    assert "Postgres" not in " ".join(k.evidence or "" for k in result.score.key_points)
    assert build_report(bank, session)["questions"][0]["answers"][0].startswith("Can I assume")  # the turn, as said


@pytest.mark.parametrize(
    ("plan", "asked"),
    [
        (Plan(questions=1, seed=2, first="pyd-large-csv-postgres"), "Before I start, how much memory does it get?"),
        (Plan(questions=0, seed=2, scenario="production-bug"), "Sorry, just to check, who else is around right now?"),
    ],
)
def test_a_clarification_is_answered_from_the_items_own_context_first(
    interviewer: Interviewer, bank: Bank, plan: Plan, asked: str
) -> None:
    """The question (or the scenario) says what the interviewer assumes about it; the profile comes second."""
    session = interviewer.start(plan)
    item = session.state.current or ""
    own = bank.scenario(plan.scenario).clarifications if plan.scenario else bank.question(item).clarifications
    expected = clarify(own, asked)
    assert expected is not None and expected != interviewer.profile.answer(asked)
    reply = interviewer.reply(session, asked).turns[0]
    assert reply.kind == "clarify" and expected in reply.text and session.state.current == item


def test_no_clarification_gives_away_a_key_point_or_a_scenario_fact(bank: Bank) -> None:
    from interviewer.bank.check import giveaways

    asked = sum(len(q.clarifications) for q in bank.questions) + sum(len(s.clarifications) for s in bank.scenarios)
    assert asked >= 100  # authored for the questions a candidate would reasonably ask about
    for q in bank.questions:
        assert not giveaways(q.clarifications, {k.id: k.text for k in q.key_points}, "key point"), q.id
