"""The interviewer: one orchestrator that takes (session, candidate text) and returns what the turn did.

Every step is persisted (the candidate's turn, the reply and the new state, in one transaction) before the
result is returned. The offline policy is deterministic rules; wording varies only with the session's seed.
Questions and follow-ups are decided here; a scenario's stages by `ScenarioFlow`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from interviewer.bank.loader import Bank
from interviewer.bank.models import Clarification, ItemRef, Question, clarify, is_stage_key
from interviewer.index.store import BankIndex
from interviewer.interview.follow_ups import FollowUps
from interviewer.interview.inputs import clean_answer
from interviewer.interview.llm_policy import InvalidMove, LLMPolicy
from interviewer.interview.models import Plan, Session, Turn, TurnResult
from interviewer.interview.nonanswers import asks_something, leading_clarification, small_talk_kind
from interviewer.interview.profile import DEFAULT_PROFILE, Profile, load_profile
from interviewer.interview.scenario_flow import ScenarioFlow
from interviewer.interview.selection import next_question
from interviewer.interview.store import BaseStore
from interviewer.interview.turn_reader import TurnReader
from interviewer.interview.utterances import Voice
from interviewer.resilience import turn_budget
from interviewer.scoring.models import AnswerScore, Engine, Speech, with_speech
from interviewer.scoring.rubric import Rubric, all_rubrics, rubric_for

MAX_WRAP_UP_QUESTIONS = 2
MAX_SILENCES = 2  # empty answers in a row before the interviewer moves on
MAX_DECLINED = 2  # hint requests declined in a row before the interviewer moves on


class Scorer(Protocol):
    def score(self, rubric: Rubric, answer: str, audio_seconds: float | None = None) -> AnswerScore: ...

    def score_early(
        self, rubric: Rubric, answer: str, audio_seconds: float | None = None
    ) -> tuple[AnswerScore, Callable[[], AnswerScore]]: ...

    def prepare(self, rubric: Rubric, answer: str) -> None: ...

    def warm(self, rubrics: list[Rubric], cache_file: Path | None = None) -> None: ...


@dataclass
class _Step:
    """One candidate turn on its way through: the voice it is answered in, who decided (when an LLM was asked)
    and the score of the answer (when it was scored)."""

    voice: Voice
    engine: Engine | None = None
    score: AnswerScore | None = None


class Interviewer:
    def __init__(
        self,
        bank: Bank,
        scorer: Scorer,
        store: BaseStore,
        index: BankIndex | None = None,
        policy: LLMPolicy | None = None,
        profile: Profile | None = None,
    ):
        self.bank, self.scorer, self.store, self.index, self.policy = bank, scorer, store, index, policy
        self.profile = profile or load_profile(DEFAULT_PROFILE)
        self.turns = TurnReader(index.embedder.embed_documents if index is not None else None)
        self.scenarios = ScenarioFlow(bank)
        self.follow_ups = FollowUps(bank, index)

    # --- public -------------------------------------------------------------------------------------------
    def warm(self, cache_file: Path | None = None) -> None:
        """Load the model and embed every rubric now, so no candidate waits for it (a few seconds; with
        `cache_file`, the rubric vectors of an earlier run are reused)."""
        self.scorer.warm(all_rubrics(self.bank), cache_file=cache_file)
        self.turns.warm()

    def start(self, plan: Plan, session_id: str | None = None, owner: str | None = None) -> Session:
        """A new session, stored with its opening turns; `owner`: the account it belongs to, if any."""
        if plan.scenario:
            self.bank.scenario(plan.scenario)  # fail early, listing the known scenarios
        session = Session(id=session_id or uuid.uuid4().hex[:12], plan=plan, owner=owner)
        voice = self._voice(session)
        turns = [Turn(role="interviewer", text=voice.say("greeting"), kind="greeting")]
        turns += self._next_item(session, voice)
        session.turns.extend(turns)
        self.store.create(session)  # the session and its opening turns in one transaction
        return session

    @turn_budget()  # the judge and the policy share one time bound per turn
    def reply(
        self, session: Session, raw: str | bytes, audio_seconds: float | None = None, speech: Speech | None = None
    ) -> TurnResult:
        """One candidate turn: the text is cleaned and bounded here, once; the session is updated and persisted.
        `speech`: what the recording itself says (talk time, pauses, the rate the words were spoken at); with it, the
        words per minute are the recording's, not the typed text's over the recording's length (an edited transcript
        may hold far more words than were said)."""
        text, notice = clean_answer(raw)
        step_audio = None if speech is not None else audio_seconds
        state = session.state
        state.turn_counter += 1
        step = _Step(self._voice(session))
        asking = state.phase in ("questions", "scenario")
        kind = self.turns.kind(text, prompt=self._current_prompt(session)) if asking else "answer"
        stage = ItemRef.parse(state.current).stage if state.phase == "scenario" and state.current else None
        candidate = Turn(role="candidate", text=text, kind=kind, question_id=state.current, stage=stage)
        if state.phase == "done":
            out = [Turn(role="interviewer", text="The interview is over. Your report is ready.", kind="closed")]
        elif state.phase == "wrap-up":
            out = self._wrap_up(session, text, step.voice)
        elif kind == "small-talk":
            out = [self._say(session, step.voice.say(small_talk_kind(text)), "small-talk")]
        elif kind != "answer":
            out = self._non_answer(session, kind, step, text)
        else:
            asked = leading_clarification(text) if asking else None  # asked first, then answered anyway
            said = self._say(session, self._asked_first(session, asked[0], step.voice), "clarify") if asked else None
            out = self._answer(session, candidate, asked[1] if asked else text, step_audio, step)
            out = [said, *out] if said else out  # its own short turn, before the reply to the answer
            if step.score is not None and speech is not None:
                step.score = candidate.score = with_speech(step.score, speech)
        if step.engine is not None:  # an LLM was asked: every turn says who decided, a fallback included
            out = [t.model_copy(update={"engine": t.engine or step.engine}) for t in out]
        self._commit(session, [candidate, *out])
        return TurnResult(candidate=candidate, turns=out, score=step.score, engine=step.engine or Engine(),
                          notice=notice)  # fmt: skip

    def retry(
        self, session: Session, raw: str | bytes, audio_seconds: float | None = None, speech: Speech | None = None
    ) -> TurnResult | None:
        """Practice mode: score another attempt at the last scored item without moving the interview on.

        The attempt is kept as a `retry` turn (so the report shows the change); None when there is nothing to
        retry yet or the session is in realistic mode, where feedback waits for the end.
        """
        if session.plan.mode != "practice":
            return None
        last = next((t for t in reversed(session.turns) if t.role == "candidate" and t.score and t.question_id), None)
        if last is None or last.question_id is None:
            return None
        text, notice = clean_answer(raw)
        seconds = None if speech is not None else audio_seconds
        result = self.scorer.score(rubric_for(self.bank, last.question_id), text, audio_seconds=seconds)
        result = with_speech(result, speech) if speech is not None else result
        turn = Turn(role="candidate", text=text, kind="retry", question_id=last.question_id, stage=last.stage,
                    score=result)  # fmt: skip
        self._commit(session, [turn])
        return TurnResult(candidate=turn, turns=[], score=result, engine=result.engine, notice=notice)

    # --- answers ------------------------------------------------------------------------------------------
    def _answer(self, session: Session, candidate: Turn, text: str, audio: float | None, step: _Step) -> list[Turn]:
        """With an LLM policy, a question's answer is decided on the offline verdicts while the judge's call runs
        beside the policy's (`Scorer.score_early`): one model round trip per turn, not two. The judge's result is
        still the answer's score, in the session, the report and the feedback. A scenario stage's facts are earned
        on the judge's verdicts, as before: its turns ask the policy nothing."""
        state = session.state
        state.answers.append(text)
        state.answers_so_far = [*state.answers_so_far[-4:], text]
        state.attempts += 1
        item, rubric, answer = state.current, rubric_for(self.bank, state.current or ""), "\n".join(state.answers)
        if self.policy is not None and state.phase == "questions":
            result, final = self.scorer.score_early(rubric, answer, audio_seconds=audio)
        else:
            result = self.scorer.score(rubric, answer, audio_seconds=audio)
            final = None
        candidate.score = step.score = result
        out = self._answered(session, rubric, result, step)
        if final is not None:
            judged = candidate.score = step.score = final()
            if item is not None and state.scores.get(item) is result:
                state.scores[item] = judged
        return out

    def _answered(self, session: Session, rubric: Rubric, result: AnswerScore, step: _Step) -> list[Turn]:
        """What the interviewer does with a scored answer: ask again, follow up, challenge, or move on."""
        state, voice = session.state, step.voice
        if result.score is None and result.unscored_reason == "empty":
            state.answers.pop()
            state.attempts -= 1  # saying nothing is not an attempt
            state.silences += 1
            if state.silences >= MAX_SILENCES:  # asking again would loop forever: move on, as a skip
                return self._non_answer(session, "skip", step)
            said = voice.say("injection" if result.injection_detected else "empty")
            return [Turn(role="interviewer", text=said, kind="clarify", question_id=state.current)]
        state.silences = state.declined = 0
        if result.score is None and result.unscored_reason == "dont-know":
            state.answers.pop()
            return self._non_answer(session, "skip", step)
        if (result.score is None or result.thin) and state.attempts == 1 and not result.injection_detected:
            state.answers.pop()  # one chance to give a real answer before moving on
            kind = "off-topic" if "off-topic" in (result.unscored_reason, result.thin) else "expand"
            return [Turn(role="interviewer", text=voice.say(kind), kind="clarify", question_id=state.current)]
        if result.score is None and not result.injection_detected and state.phase == "questions":
            # a later answer that cannot be scored (off the topic, another question's answer) does not undo what
            # the answers before it earned: "We had alerts on the error budget" (0.8) and then a GIL answer to a
            # follow-up had left the question unscored in the report, the first answer's score gone
            said = state.answers.pop()
            earned = self._earned(session, step)
            if earned is not None:
                self._close_item(session, earned)
                return self._next_item(session, voice, lead=self._ack(voice, result))
            state.answers.append(said)
        if state.phase == "scenario":
            turns, lead = self.scenarios.answer(session, result, self._ack(voice, result))
            return turns if turns is not None else self._to_wrap_up(session, voice, lead)
        challenge = self.follow_ups.challenge(session, result)  # a wrong claim is pressed on before anything else
        if challenge is None and self.policy is not None and result.score is not None:
            turns = self._llm_move(session, rubric, result, step)
            if turns is not None:
                return turns
        follow_up = challenge or self.follow_ups.for_missed(session, result)
        if follow_up is not None:
            state.follow_ups_asked += 1
            state.follow_ups.setdefault(state.current or "", []).append(follow_up)
            return [
                Turn(
                    role="interviewer",
                    text=f"{voice.ack(None if challenge else result.score)} {follow_up}",
                    kind="follow-up",
                    question_id=state.current,
                )
            ]
        self._close_item(session, result)
        return self._next_item(session, voice, lead=self._ack(voice, result))

    def _llm_move(self, session: Session, rubric: Rubric, result: AnswerScore, step: _Step) -> list[Turn] | None:
        """The LLM policy's move, guarded; None (and the reason in `step.engine`) when the offline policy decides."""
        assert self.policy is not None
        state, plan, model = session.state, session.plan, self.policy.settings.model
        left = plan.max_follow_ups - state.follow_ups_asked
        step.engine = Engine.llm(model)
        try:
            move = self.policy.decide(
                rubric, state.answers, result, left, plan.level, self.follow_ups.examples(session, result)
            )
        except InvalidMove as e:  # the endpoint answered, twice, with a move the guards reject
            return self._fell_back(session, step, Engine.fell_back(model, "refused", f"{e!s:.120}"))
        except Exception as e:
            return self._fell_back(session, step, Engine.fell_back(model, "failed", f"{type(e).__name__}: {e!s:.80}"))
        if move.action == "follow_up" and any(move.utterance.strip() == t.text.strip() for t in session.turns):
            return self._fell_back(session, step, Engine.fell_back(model, "refused", "it repeated an earlier question"))
        if move.action == "follow_up":
            state.follow_ups_asked += 1
            state.follow_ups.setdefault(state.current or "", []).append(move.utterance)
            return [Turn(role="interviewer", text=move.utterance, kind="follow-up", question_id=state.current)]
        self._close_item(session, result)
        return self._next_item(session, step.voice, lead=move.utterance)

    @staticmethod
    def _fell_back(session: Session, step: _Step, engine: Engine) -> None:
        """The offline policy decides this turn; the session notes why the LLM was not used."""
        step.engine = engine
        session.state.engine_notes.append(f"turn {session.state.turn_counter}: {engine.label}")

    def _close_item(self, session: Session, result: AnswerScore | None) -> None:
        state = session.state
        if state.current and result is not None:
            state.scores[state.current] = result
        state.answers, state.attempts, state.follow_ups_asked, state.silences, state.declined = [], 0, 0, 0, 0

    # --- moving on ----------------------------------------------------------------------------------------
    def _next_item(self, session: Session, voice: Voice, lead: str = "", announce: bool = True) -> list[Turn]:
        state, plan = session.state, session.plan
        if state.phase == "questions" and len([q for q in state.asked if not is_stage_key(q)]) < plan.questions:
            question = next_question(self.bank, self.index, session)
            if question is not None:
                return [self._ask(session, question, lead, announce)]
        if plan.scenario and state.phase == "questions":
            return self.scenarios.enter(session, intro=" ".join(x for x in (lead, voice.say("scenario")) if x))
        return self._to_wrap_up(session, voice, lead)

    def _ask(self, session: Session, question: Question, lead: str, announce: bool = True) -> Turn:
        state = session.state
        state.current = question.id
        state.asked.append(question.id)
        state.last_question_text = question.text
        first = len(state.asked) == 1
        announcement = Voice(session.plan.seed, len(state.asked)).say("next") if announce else ""
        opener = "" if first else " ".join(x for x in (lead, announcement) if x)
        text = " ".join(x for x in (opener, question.text) if x)
        return Turn(role="interviewer", text=text, kind="question", question_id=question.id)

    def _to_wrap_up(self, session: Session, voice: Voice, lead: str = "") -> list[Turn]:
        session.state.phase, session.state.current = "wrap-up", None
        return [Turn(role="interviewer", text=" ".join(x for x in (lead, voice.say("wrap-up")) if x), kind="wrap-up")]

    def _wrap_up(self, session: Session, text: str, voice: Voice) -> list[Turn]:
        state = session.state
        if self.turns.kind(text, "wrap-up") == "closing" or not text.strip():
            state.phase = "done"
            return [Turn(role="interviewer", text=voice.say("close"), kind="close")]
        if state.wrap_up_questions >= MAX_WRAP_UP_QUESTIONS:  # time is up, but a last question still gets its answer
            state.phase = "done"
            last = self.profile.answer(text) if asks_something(text) else None
            return [Turn(role="interviewer", text=" ".join(x for x in (last, voice.say("close")) if x), kind="close")]
        state.wrap_up_questions += 1
        if not asks_something(text):
            reply = voice.say("wrap-up-remark")
        else:
            reply = self.profile.answer(text) or voice.say("unknown-question")
        return [Turn(role="interviewer", text=f"{reply} {voice.say('anything-else')}", kind="wrap-up-answer")]

    # --- non-answers --------------------------------------------------------------------------------------
    def _non_answer(self, session: Session, kind: str, step: _Step, text: str = "") -> list[Turn]:
        state, voice = session.state, step.voice
        said = {"minute": "wait"}
        if kind == "clarify":  # answered from the item's own context or the profile, or left open; never scored
            known = self._clarification(session, text)
            reply = f"Good question. {known} {voice.say('go-on')}" if known else voice.say("clarify-open")
            return [self._say(session, reply, "clarify")]
        if kind == "repeat":
            return [self._say(session, f"{voice.say('repeat')} {self._current_prompt(session)}", "repeat")]
        if kind in said:
            return [self._say(session, voice.say(kind), said[kind])]
        if kind == "hint":
            turn = self._hint(session, voice)
            state.declined = state.declined + 1 if turn.kind == "hint-declined" else 0
            if state.declined > MAX_DECLINED:  # declining again would loop forever: move on, as a skip
                return self._non_answer(session, "skip", step)
            return [turn]
        # skip / "I don't know": an item already answered keeps the score its answers earned
        earned = self._earned(session, step)
        if state.current and earned is None:
            state.skipped.append(state.current)
        if state.phase == "scenario":
            turns = self.scenarios.skip(session, earned, lead=voice.say("skip"))
            return turns if turns is not None else self._to_wrap_up(session, voice, lead=voice.say("skip"))
        self._close_item(session, earned)
        return self._next_item(session, voice, lead=voice.say("skip"), announce=False)

    def _asked_first(self, session: Session, question: str, voice: Voice) -> str:
        """The reply to a clarifying question the candidate asked before answering anyway: what the interviewer
        assumes, or that their own assumption is fine."""
        known = self._clarification(session, question)
        return voice.say("asked-first").format(answer=known) if known else voice.say("asked-first-open")

    def _clarification(self, session: Session, text: str) -> str | None:
        """What the interviewer assumes about what the candidate asked: the current question's (or scenario's) own
        context first (the scale, the stack, the team), then the company profile."""
        current = session.state.current
        topics: tuple[Clarification, ...] = ()
        if current:
            ref = ItemRef.parse(current)
            if ref.scenario is not None:
                topics = tuple(self.bank.scenario(ref.scenario).clarifications)
            elif ref.question is not None:
                topics = tuple(self.bank.question(ref.question).clarifications)
        return clarify(topics, text) or self.profile.answer(text)

    def _earned(self, session: Session, step: _Step) -> AnswerScore | None:
        """The score of the answers already given to the current item (before a follow-up was declined). With an
        LLM judge, it is asked for that score in this turn, so the turn says so (`step.engine`)."""
        state = session.state
        if not state.answers or state.current is None:
            return None
        result = self.scorer.score(rubric_for(self.bank, state.current), "\n".join(state.answers))
        if result.engine.kind == "llm" or result.engine.fallback is not None:
            step.engine = step.engine or result.engine
        return result if result.score is not None else None

    def _hint(self, session: Session, voice: Voice) -> Turn:
        state = session.state
        if session.plan.mode == "realistic":
            return self._say(session, voice.say("hint-decline"), "hint-declined")
        if state.attempts == 0:
            return self._say(session, voice.say("hint-first"), "hint-declined")
        return self._say(session, f"{voice.say('hint')} {self._nudge(session)}", "hint")

    def _nudge(self, session: Session) -> str:
        state = session.state
        if state.phase == "scenario":
            nudge = self.scenarios.nudge(session)
            if nudge:
                return nudge
        elif state.current:
            nudge = self.follow_ups.next_unasked(session)
            if nudge:
                return nudge
        return "think about what you would measure first, and why."

    # --- helpers ------------------------------------------------------------------------------------------
    def _ack(self, voice: Voice, result: AnswerScore) -> str:
        """An acknowledgement, unless there was nothing to acknowledge: "got it" after nonsense rings false."""
        return voice.ack(result.score) if result.score is not None else voice.say("unclear")

    def _say(self, session: Session, text: str, kind: str) -> Turn:
        return Turn(role="interviewer", text=text, kind=kind, question_id=session.state.current)

    def _current_prompt(self, session: Session) -> str:
        if session.state.phase == "scenario":
            return self.scenarios.prompt(session)
        return session.state.last_question_text

    def _voice(self, session: Session) -> Voice:
        return Voice(session.plan.seed, session.state.turn_counter)

    def _commit(self, session: Session, turns: list[Turn]) -> None:
        session.turns.extend(turns)
        self.store.append(session, turns)
