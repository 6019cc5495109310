"""The transcript checks on real interviews (real bank, index, scorer and SQLite), and on tampered copies of them:
each check passes on a good transcript and fails on the fault it exists to catch."""

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.evals import checks
from interviewer.evals.candidate import OfflineCandidate
from interviewer.evals.checks import Rate, Secrets
from interviewer.evals.personas import PERSONAS, Said
from interviewer.evals.simulate import Dialogue, Exchange, run_dialogue
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan, Turn
from interviewer.interview.store import SessionStore
from interviewer.scoring.scorer import OfflineScorer


@pytest.fixture
def interviewer(tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex) -> Interviewer:
    return Interviewer(bank, scorer, SessionStore(tmp_path / "s.sqlite3"), built_index)


def _run(interviewer: Interviewer, bank: Bank, persona: str, plan: Plan) -> Dialogue:
    candidate = OfflineCandidate(PERSONAS[persona], bank, {}, seed=plan.seed, use_labelled=False)
    return run_dialogue(interviewer, bank, candidate, persona, plan)


def _rate(check: object, *args: object) -> Rate:
    rate = Rate()
    check(*args, rate)  # type: ignore[operator]
    return rate


def test_a_good_interview_passes_every_check(interviewer: Interviewer, bank: Bank) -> None:
    d = _run(interviewer, bank, "average", Plan(questions=2, seed=4))
    assert d.finished and d.error is None
    for check in (checks.no_repeated_questions, checks.reaches_wrap_up):
        assert _rate(check, d).value == 1.0
    assert _rate(checks.no_leaks, Secrets(bank), d).value == 1.0
    assert _rate(checks.report_agrees, bank, d).value == 1.0
    length, one = Rate(), Rate()
    checks.turn_limits(bank, d, length, one)
    assert length.value == one.value == 1.0


def test_silent_candidate_still_reaches_wrap_up(interviewer: Interviewer, bank: Bank) -> None:
    d = _run(interviewer, bank, "silent", Plan(questions=2, seed=0))
    assert _rate(checks.reaches_wrap_up, d).value == 1.0
    assert len(d.exchanges) <= 6


def test_leaks_repeats_and_long_turns_are_caught(interviewer: Interviewer, bank: Bank) -> None:
    d = _run(interviewer, bank, "strong", Plan(questions=2, seed=4))
    item = d.session.state.asked[0]
    point = bank.question(item).key_points[0].text
    d.session.turns.append(Turn(role="interviewer", text=f"We wanted you to say: {point}", kind="ack"))
    d.session.turns.append(Turn(role="interviewer", text="Nice, that's an 8/10.", kind="ack"))
    question = next(t for t in d.session.turns if t.kind == "question")
    d.session.turns.append(question)
    d.session.turns.append(Turn(role="interviewer", text="Why? " + "word " * 80 + "And how?", kind="question"))
    leaks = _rate(checks.no_leaks, Secrets(bank), d)
    assert leaks.total - leaks.passed == 2
    assert _rate(checks.no_repeated_questions, d).value == 0.0
    length, one = Rate(), Rate()
    checks.turn_limits(bank, d, length, one)
    assert length.passed == length.total - 1 and one.passed == one.total - 1


def test_report_disagreeing_with_the_turns_is_caught(interviewer: Interviewer, bank: Bank) -> None:
    d = _run(interviewer, bank, "strong", Plan(questions=2, seed=4))
    item = d.session.state.asked[0]
    d.session.state.scores[item] = d.session.state.scores[item].model_copy(update={"score": 1.0})
    assert _rate(checks.report_agrees, bank, d).value == 0.0


def test_scenario_progression_and_earned_facts(interviewer: Interviewer, bank: Bank) -> None:
    plan = Plan(tracks=["behavioral"], questions=0, scenario="production-bug")
    d = _run(interviewer, bank, "strong", plan)
    assert _rate(checks.stage_progression, bank, d).value == 1.0
    earned = _rate(checks.facts_earned, bank, d)
    assert earned.total >= 1
    # the same transcript, but the candidate never took the actions that earn the facts
    blank = [Exchange(Said(ex.said.text), ex.turn, ex.replies, ex.seconds) for ex in d.exchanges]
    d.exchanges = blank
    assert _rate(checks.facts_earned, bank, d).value == 0.0
    d.session.state.asked.pop()
    assert _rate(checks.stage_progression, bank, d).value == 0.0


def test_follow_up_hits_and_misses(interviewer: Interviewer, bank: Bank) -> None:
    d = _run(interviewer, bank, "average", Plan(questions=2, seed=4))
    hits, probes, unattributed = Rate(), Rate(), []
    checks.follow_up_hits(bank, d, hits, probes, unattributed)
    assert hits.total >= 1 and not unattributed
    # had the candidate stated every point, every follow-up would press on something already said
    item_points = {q: {k.id for k in bank.question(q).key_points} for q in d.session.state.asked}

    def stated_everything(ex: Exchange) -> Exchange:
        said = Said(ex.said.text, covers=frozenset(item_points.get(ex.turn.question_id or "", set())))
        return Exchange(said, ex.turn, ex.replies, ex.seconds)

    d.exchanges = [stated_everything(ex) for ex in d.exchanges]
    misses, probes = Rate(), Rate()
    checks.follow_up_hits(bank, d, misses, probes, unattributed)
    assert misses.total == hits.total and misses.passed < hits.passed


def test_non_answers_get_the_right_reply(interviewer: Interviewer, bank: Bank) -> None:
    for persona in ("idk", "gibberish", "repeater", "panicker"):
        d = _run(interviewer, bank, persona, Plan(questions=2, seed=2))
        rate = _rate(checks.non_answers_handled, d)
        assert rate.total >= 1 and rate.value == 1.0, (persona, rate.failures)


def test_praise_after_a_weak_answer_and_a_polite_close_left_open_are_caught(
    interviewer: Interviewer, bank: Bank
) -> None:
    d = _run(interviewer, bank, "weak", Plan(questions=2, seed=4))
    assert d.finished
    weak = [
        ex
        for ex in d.exchanges
        if ex.said.kind == "answer" and ex.turn.score and ex.turn.score.score is not None and ex.turn.score.score < 5
    ]
    assert weak, "the weak persona should give at least one answer scored below 5"
    assert _rate(checks.acks_fit, d).value == 1.0
    weak[0].replies[0] = weak[0].replies[0].model_copy(update={"text": "Makes sense. " + weak[0].replies[0].text})
    assert _rate(checks.acks_fit, d).value < 1.0
    closing = _rate(checks.polite_close, d)
    assert closing.total >= 1 and closing.value == 1.0
    last = [ex for ex in d.exchanges if ex.said.kind == "wrap-up"][-1]
    assert [t.kind for t in last.replies] == ["close"], [t.kind for t in last.replies]
    last.replies[-1] = last.replies[-1].model_copy(update={"kind": "wrap-up-answer"})
    assert _rate(checks.polite_close, d).value < 1.0


def test_every_polite_closing_ends_the_interview(interviewer: Interviewer) -> None:
    from interviewer.evals.candidate import CLOSINGS

    for text in (*CLOSINGS, "Thanks, that's all", "no more questions from me", "Cheers, that was fun."):
        session = interviewer.start(Plan(questions=1, seed=3))
        interviewer.reply(session, "skip")
        assert session.state.phase == "wrap-up"
        turns = interviewer.reply(session, text).turns
        assert session.state.phase == "done" and turns[-1].kind == "close", text
    session = interviewer.start(Plan(questions=1, seed=3))
    interviewer.reply(session, "skip")
    turns = interviewer.reply(session, "Thanks! What does a typical day look like?").turns
    assert session.state.phase == "wrap-up" and "typical week" in turns[0].text  # a question is still answered


def test_small_talk_gets_a_reply_that_fits(interviewer: Interviewer) -> None:
    session = interviewer.start(Plan(questions=1, seed=3))
    ready = interviewer.reply(session, "Good morning, I'm ready.").turns[0].text
    assert "thanks for asking" not in ready and "ready" in ready
    asked = interviewer.reply(session, "Hi, how are you doing?").turns[0].text
    assert "I'm well" in asked or "Doing fine" in asked


@pytest.mark.parametrize("persona", ["strong", "weak"])
def test_a_stage_opening_that_claims_an_unearned_result_is_caught(
    interviewer: Interviewer, bank: Bank, persona: str
) -> None:
    d = _run(interviewer, bank, persona, Plan(tracks=["behavioral"], questions=0, scenario="production-bug", seed=2))
    fits = _rate(checks.givens_fit, bank, d)
    assert fits.total >= 1 and fits.value == 1.0, fits.failures
    stages = {st.id: st for st in bank.scenario("production-bug").stages}
    turn = next(t for t in d.session.turns if t.kind == "stage" and t.stage and stages[t.stage].earned_by)
    st = stages[turn.stage or ""]
    given = st.given or ""
    swapped = turn.text.replace(given, st.opening) if given in turn.text else turn.text.replace(st.opening, given)
    turn.text = swapped  # the other wording: claims an unearned result, or hides an earned one
    assert _rate(checks.givens_fit, bank, d).value < 1.0


def test_a_question_asked_before_an_answer_is_answered_and_left_out_of_the_score(
    interviewer: Interviewer, bank: Bank
) -> None:
    d = _run(interviewer, bank, "average", Plan(questions=2, seed=4))
    asked = [ex for ex in d.exchanges if ex.said.asked_first]
    assert len(asked) == 1 and asked[0].turn.text.startswith(asked[0].said.asked_first or "")
    rate = _rate(checks.asked_first_answered, d)
    assert rate.total == 1 and rate.value == 1.0, rate.failures
    reply = asked[0].replies[0]
    asked[0].replies[0] = reply.model_copy(update={"text": reply.text.split(": ", 1)[1]})
    assert _rate(checks.asked_first_answered, d).value == 0.0  # the question went unanswered


def test_a_follow_up_that_presupposes_an_unmade_point_is_caught(interviewer: Interviewer, bank: Bank) -> None:
    d = _run(interviewer, bank, "weak", Plan(questions=1, seed=4, first="pyd-slow-endpoint"))
    rate = _rate(checks.no_presupposition, bank, d)
    assert rate.value == 1.0 or rate.total == 0, rate.failures
    presumes = next(f for f in bank.question("pyd-slow-endpoint").follow_ups if f.presupposes)
    first = next(ex for ex in d.exchanges if ex.said.kind == "answer")
    assert not set(presumes.presupposes) <= first.said.covers  # the weak candidate never made that point
    first.replies.insert(
        0, Turn(role="interviewer", text=presumes.text, kind="follow-up", question_id="pyd-slow-endpoint")
    )
    assert _rate(checks.no_presupposition, bank, d).value < 1.0


def test_an_unsure_attempt_taken_for_a_skip_is_caught(interviewer: Interviewer, bank: Bank) -> None:
    d = _run(interviewer, bank, "weak", Plan(questions=2, seed=4))
    unsure = [ex for ex in d.exchanges if ex.said.unsure]
    assert len(unsure) == 1 and unsure[0].said.text.startswith(("I don't know", "Honestly I'm not sure", "No idea"))
    rate = _rate(checks.unsure_attempts_scored, d)
    assert rate.total == 1 and rate.value == 1.0, rate.failures
    unsure[0].turn.kind = "skip"
    assert _rate(checks.unsure_attempts_scored, d).value == 0.0


def test_an_answer_that_asks_back_taken_for_a_clarification_is_caught(interviewer: Interviewer, bank: Bank) -> None:
    d = _run(interviewer, bank, "average", Plan(questions=3, seed=4))
    after = [ex for ex in d.exchanges if ex.said.asks_after]
    assert len(after) == 1 and after[0].said.text.endswith("?")
    rate = _rate(checks.asked_after_scored, d)
    assert rate.total == 1 and rate.value == 1.0, rate.failures
    after[0].turn.kind = "clarify"
    assert _rate(checks.asked_after_scored, d).value == 0.0
