"""The interviewer: one orchestrator that takes (session, candidate text) and returns the interviewer's reply.

Every step is persisted (the candidate's turn, the reply and the new state, in one transaction) before the
reply is returned. The offline policy is deterministic rules; wording varies only with the session's seed.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Protocol

from interviewer.bank.loader import Bank
from interviewer.bank.models import Question
from interviewer.index.store import BankIndex
from interviewer.interview import scenario as scen
from interviewer.interview.llm_policy import LLMPolicy
from interviewer.interview.models import Plan, Session, Turn
from interviewer.interview.nonanswers import NO_MORE, answer_candidate_question, classify
from interviewer.interview.selection import next_question
from interviewer.interview.store import SessionStore
from interviewer.interview.utterances import Voice
from interviewer.resilience import turn_budget
from interviewer.scoring.models import AnswerScore
from interviewer.scoring.rubric import Rubric, all_rubrics, from_question, from_stage, rubric_for
from interviewer.scoring.text import MAX_ANSWER_CHARS

MAX_WRAP_UP_QUESTIONS = 2
MAX_SILENCES = 2  # empty answers in a row before the interviewer moves on


class Scorer(Protocol):
    def score(self, rubric: Rubric, answer: str, audio_seconds: float | None = None) -> AnswerScore: ...

    def warm(self, rubrics: list[Rubric], cache_file: Path | None = None) -> None: ...


class Interviewer:
    def __init__(
        self,
        bank: Bank,
        scorer: Scorer,
        store: SessionStore,
        index: BankIndex | None = None,
        policy: LLMPolicy | None = None,
    ):
        self.bank, self.scorer, self.store, self.index, self.policy = bank, scorer, store, index, policy
        self._related: dict[str, list[str]] = {}  # question id -> follow-ups of its nearest neighbours

    # --- public -------------------------------------------------------------------------------------------
    def warm(self, cache_file: Path | None = None) -> None:
        """Load the model and embed every rubric now, so no candidate waits for it (a few seconds; with
        `cache_file`, the rubric vectors of an earlier run are reused)."""
        self.scorer.warm(all_rubrics(self.bank), cache_file=cache_file)

    def start(self, plan: Plan, session_id: str | None = None) -> Session:
        if plan.scenario:
            self.bank.scenario(plan.scenario)  # fail early, listing the known scenarios
        session = Session(id=session_id or uuid.uuid4().hex[:12], plan=plan)
        voice = self._voice(session)
        turns = [Turn(role="interviewer", text=voice.say("greeting"), kind="greeting")]
        turns += self._next_item(session, voice)
        session.turns.extend(turns)
        self.store.create(session)  # the session and its opening turns in one transaction
        return session

    @turn_budget()  # the judge and the policy share one time bound per turn
    def reply(self, session: Session, text: str, audio_seconds: float | None = None) -> list[Turn]:
        """The interviewer's turns in answer to `text`; the session is updated and persisted."""
        text = text[:MAX_ANSWER_CHARS]
        state = session.state
        state.turn_counter += 1
        voice = self._voice(session)
        kind = classify(text) if state.phase in ("questions", "scenario") else "answer"
        candidate = Turn(
            role="candidate",
            text=text,
            kind=kind if kind != "answer" else "answer",
            question_id=state.current,
            stage=self._stage_id(session),
        )
        if state.phase == "done":
            out = [Turn(role="interviewer", text="The interview is over. Your report is ready.", kind="closed")]
        elif state.phase == "wrap-up":
            out = self._wrap_up(session, text, voice)
        elif kind != "answer":
            out = self._non_answer(session, kind, voice)
        else:
            out = self._answer(session, candidate, text, audio_seconds, voice)
        if state.turn_engine is not None:  # an LLM policy is configured: say who decided, fallback included
            out = [t.model_copy(update={"engine": t.engine or state.turn_engine}) for t in out]
            state.turn_engine = None
        self._commit(session, [candidate, *out])
        return out

    def retry(self, session: Session, text: str, audio_seconds: float | None = None) -> AnswerScore | None:
        """Practice mode: score another attempt at the last scored item without moving the interview on.

        The attempt is kept as a `retry` turn (so the report shows the change); None when there is nothing to
        retry yet or the session is in realistic mode, where feedback waits for the end.
        """
        if session.plan.mode != "practice":
            return None
        last = next((t for t in reversed(session.turns) if t.role == "candidate" and t.score and t.question_id), None)
        if last is None or last.question_id is None:
            return None
        item = last.question_id
        rubric = self._rubric_for(session, item)
        result = self.scorer.score(rubric, text[:MAX_ANSWER_CHARS], audio_seconds=audio_seconds)
        turn = Turn(role="candidate", text=text[:MAX_ANSWER_CHARS], kind="retry", question_id=item,
                    stage=last.stage, score=result.model_dump())  # fmt: skip
        self._commit(session, [turn])
        return result

    def _rubric_for(self, session: Session, item: str) -> Rubric:
        return rubric_for(self.bank, item)

    # --- answers ------------------------------------------------------------------------------------------
    def _answer(self, session: Session, candidate: Turn, text: str, audio: float | None, voice: Voice) -> list[Turn]:
        state = session.state
        state.answers.append(text)
        state.answers_so_far = [*state.answers_so_far[-4:], text]
        state.attempts += 1
        rubric = self._rubric(session)
        result = self.scorer.score(rubric, "\n".join(state.answers), audio_seconds=audio)
        candidate.score = result.model_dump()
        if result.score is None and result.unscored_reason == "empty":
            state.answers.pop()
            state.attempts -= 1  # saying nothing is not an attempt
            state.silences += 1
            if state.silences >= MAX_SILENCES:  # asking again would loop forever: move on, as a skip
                return self._non_answer(session, "skip", voice)
            said = voice.say("injection" if result.injection_detected else "empty")
            return [Turn(role="interviewer", text=said, kind="clarify", question_id=state.current)]
        state.silences = 0
        if result.score is None and result.unscored_reason == "dont-know":
            state.answers.pop()
            return self._non_answer(session, "skip", voice)
        if (result.score is None or result.thin) and state.attempts == 1 and not result.injection_detected:
            state.answers.pop()  # one chance to give a real answer before moving on
            kind = "off-topic" if "off-topic" in (result.unscored_reason, result.thin) else "expand"
            return [Turn(role="interviewer", text=voice.say(kind), kind="clarify", question_id=state.current)]
        if state.phase == "scenario":
            return self._scenario_answer(session, result, voice)
        if self.policy is not None and result.score is not None:
            turns = self._llm_move(session, rubric, result, voice)
            if turns is not None:
                return turns
        follow_up = self._follow_up(session, result)
        if follow_up is not None:
            state.follow_ups_asked += 1
            state.follow_ups.setdefault(state.current or "", []).append(follow_up)
            return [
                Turn(role="interviewer", text=f"{voice.ack()} {follow_up}", kind="follow-up", question_id=state.current)
            ]
        self._close_item(session, result)
        return self._next_item(session, voice, lead=self._ack(voice, result))

    def _llm_move(self, session: Session, rubric: Rubric, result: AnswerScore, voice: Voice) -> list[Turn] | None:
        """The LLM policy's move, guarded; None (and a note in the session) when the offline policy must decide."""
        assert self.policy is not None
        state, plan = session.state, session.plan
        left = plan.max_follow_ups - state.follow_ups_asked
        engine = state.turn_engine = f"llm:{self.policy.settings.model}"
        try:
            move = self.policy.decide(rubric, state.answers, result, left, plan.level, self._examples(session))
        except Exception as e:
            state.turn_engine = f"offline (llm failed: {type(e).__name__}: {str(e)[:80]})"
            state.engine_notes.append(f"turn {state.turn_counter}: {state.turn_engine}")
            return None
        if move.action == "follow_up" and any(move.utterance.strip() == t.text.strip() for t in session.turns):
            state.turn_engine = "offline (llm repeated an earlier question)"
            state.engine_notes.append(f"turn {state.turn_counter}: {state.turn_engine}")
            return None
        if move.action == "follow_up":
            state.follow_ups_asked += 1
            state.follow_ups.setdefault(state.current or "", []).append(move.utterance)
            return [Turn(role="interviewer", text=move.utterance, kind="follow-up", question_id=state.current,
                         engine=engine)]  # fmt: skip
        self._close_item(session, result)
        turns = self._next_item(session, voice, lead=move.utterance)
        return [t.model_copy(update={"engine": engine}) for t in turns]

    def _examples(self, session: Session) -> list[str]:
        """Bank follow-ups for the current item not asked yet, then those of the nearest related questions."""
        current = session.state.current
        if current is None or "/" in current:
            return []
        asked = set(session.state.follow_ups.get(current, []))
        out = [f.text for f in self.bank.question(current).follow_ups if f.text not in asked]
        return (out + self._neighbours(current))[:5]

    def _neighbours(self, current: str) -> list[str]:
        """The first follow-up of each of the nearest questions: searched once per question, then remembered."""
        if current not in self._related:
            found: list[str] = []
            if self.index is not None:
                known = {q.id for q in self.bank.questions}
                for hit in self.index.search(self.bank.question(current).text, k=3, kind="question"):
                    if hit.id != current and hit.id in known:
                        found += [f.text for f in self.bank.question(hit.id).follow_ups[:1]]
            self._related[current] = found
        return self._related[current]

    def _follow_up(self, session: Session, result: AnswerScore) -> str | None:
        state = session.state
        if state.follow_ups_asked >= session.plan.max_follow_ups or result.score is None or state.current is None:
            return None
        missed = {k.id for k in result.key_points if k.verdict == "missing"} | {f.id for f in result.red_flags if f.id}
        asked = set(state.follow_ups.get(state.current, []))
        for fu in self.bank.question(state.current).follow_ups:
            if fu.text not in asked and set(fu.targets) & missed:
                return fu.text
        return None

    def _scenario_answer(self, session: Session, result: AnswerScore, voice: Voice) -> list[Turn]:
        state = session.state
        scenario = self.bank.scenario(session.plan.scenario or "")
        stage = scen.stage_of(scenario, state.stage_index)
        assert stage is not None
        step = scen.step(stage, state, result)
        state.stage_actions_done = step.done_actions
        said = [self._ack(voice, result)] + [f.text for f in step.facts]
        state.facts_revealed += [f.id for f in step.facts]
        if step.probe is not None:
            state.probes_asked.append(f"{stage.id}:{step.probe.action}")
            return [
                Turn(
                    role="interviewer",
                    text=" ".join([*said, step.probe.text]),
                    kind="probe",
                    question_id=state.current,
                    stage=stage.id,
                )
            ]
        self._close_item(session, result)
        state.stage_index += 1
        state.stage_actions_done, state.attempts = [], 0
        nxt = scen.stage_of(scenario, state.stage_index)
        if nxt is None:
            return self._to_wrap_up(session, voice, lead=" ".join(said))
        state.current = f"{scenario.id}/{nxt.id}"
        state.asked.append(state.current)
        return [
            Turn(
                role="interviewer",
                text=" ".join([*said, nxt.opening]),
                kind="stage",
                question_id=state.current,
                stage=nxt.id,
            )
        ]

    def _close_item(self, session: Session, result: AnswerScore | None) -> None:
        state = session.state
        if state.current and result is not None:
            state.scores[state.current] = result.model_dump()
        state.answers, state.attempts, state.follow_ups_asked, state.silences = [], 0, 0, 0

    # --- moving on ----------------------------------------------------------------------------------------
    def _next_item(self, session: Session, voice: Voice, lead: str = "", announce: bool = True) -> list[Turn]:
        state, plan = session.state, session.plan
        if state.phase == "questions" and len([q for q in state.asked if "/" not in q]) < plan.questions:
            question = next_question(self.bank, self.index, session)
            if question is not None:
                return [self._ask(session, question, lead, announce)]
        if plan.scenario and state.phase == "questions":
            scenario = self.bank.scenario(plan.scenario)
            state.phase, state.stage_index = "scenario", 0
            state.current = f"{scenario.id}/{scenario.stages[0].id}"
            state.asked.append(state.current)
            intro = " ".join(x for x in (lead, voice.say("scenario")) if x)
            return [
                Turn(role="interviewer", text=f"{intro} {scenario.setup}", kind="scenario-setup"),
                Turn(
                    role="interviewer",
                    text=scenario.stages[0].opening,
                    kind="stage",
                    question_id=state.current,
                    stage=scenario.stages[0].id,
                ),
            ]
        return self._to_wrap_up(session, voice, lead)

    def _ask(self, session: Session, question: Question, lead: str, announce: bool = True) -> Turn:
        state = session.state
        state.current = question.id
        state.asked.append(question.id)
        state.last_question_text = question.text
        first = len(state.asked) == 1
        announcement = Voice(session.plan.seed, len(state.asked)).say("next") if announce else ""
        opener = "" if first else " ".join(x for x in (lead, announcement) if x)
        return Turn(
            role="interviewer",
            text=" ".join(x for x in (opener, question.text) if x),
            kind="question",
            question_id=question.id,
        )

    def _to_wrap_up(self, session: Session, voice: Voice, lead: str = "") -> list[Turn]:
        session.state.phase, session.state.current = "wrap-up", None
        return [Turn(role="interviewer", text=" ".join(x for x in (lead, voice.say("wrap-up")) if x), kind="wrap-up")]

    def _wrap_up(self, session: Session, text: str, voice: Voice) -> list[Turn]:
        state = session.state
        if NO_MORE.search(text) or state.wrap_up_questions >= MAX_WRAP_UP_QUESTIONS or not text.strip():
            state.phase = "done"
            return [Turn(role="interviewer", text=voice.say("close"), kind="close")]
        state.wrap_up_questions += 1
        reply = answer_candidate_question(text) or voice.say("unknown-question")
        return [Turn(role="interviewer", text=f"{reply} {voice.say('anything-else')}", kind="wrap-up-answer")]

    # --- non-answers --------------------------------------------------------------------------------------
    def _non_answer(self, session: Session, kind: str, voice: Voice) -> list[Turn]:
        state = session.state
        current_text = self._current_prompt(session)
        if kind == "repeat":
            return [self._say(state, f"{voice.say('repeat')} {current_text}", "repeat")]
        if kind == "minute":
            return [self._say(state, voice.say("minute"), "wait")]
        if kind == "small-talk":
            return [self._say(state, voice.say("small-talk"), "small-talk")]
        if kind == "clarify":
            return [self._say(state, voice.say("clarify"), "clarify")]
        if kind == "hint":
            return [self._hint(session, voice)]
        # skip / "I don't know": an item already answered keeps the score its answers earned
        earned = self._earned(session)
        if state.current and earned is None:
            state.skipped.append(state.current)
        if state.phase == "scenario":
            if earned is not None and state.current:
                state.scores[state.current] = earned.model_dump()
            return self._skip_stage(session, voice)
        self._close_item(session, earned)
        return self._next_item(session, voice, lead=voice.say("skip"), announce=False)

    def _earned(self, session: Session) -> AnswerScore | None:
        """The score of the answers already given to the current item (before a follow-up was declined)."""
        state = session.state
        if not state.answers or state.current is None:
            return None
        result = self.scorer.score(self._rubric(session), "\n".join(state.answers))
        return result if result.score is not None else None

    def _skip_stage(self, session: Session, voice: Voice) -> list[Turn]:
        state = session.state
        scenario = self.bank.scenario(session.plan.scenario or "")
        state.stage_index += 1
        state.answers, state.stage_actions_done, state.attempts, state.silences = [], [], 0, 0
        nxt = scen.stage_of(scenario, state.stage_index)
        if nxt is None:
            return self._to_wrap_up(session, voice, lead=voice.say("skip"))
        state.current = f"{scenario.id}/{nxt.id}"
        state.asked.append(state.current)
        return [
            Turn(
                role="interviewer",
                text=f"{voice.say('skip')} {nxt.opening}",
                kind="stage",
                question_id=state.current,
                stage=nxt.id,
            )
        ]

    def _hint(self, session: Session, voice: Voice) -> Turn:
        state = session.state
        if session.plan.mode == "realistic":
            return self._say(state, voice.say("hint-decline"), "hint-declined")
        if state.attempts == 0:
            return self._say(state, voice.say("hint-first"), "hint-declined")
        nudge = self._nudge(session)
        return self._say(state, f"{voice.say('hint')} {nudge}", "hint")

    def _nudge(self, session: Session) -> str:
        state = session.state
        if state.phase == "scenario":
            scenario = self.bank.scenario(session.plan.scenario or "")
            stage = scen.stage_of(scenario, state.stage_index)
            if stage:
                todo = [p for p in stage.probes if p.action not in state.stage_actions_done]
                if todo:
                    return todo[0].text
        elif state.current:
            asked = set(state.follow_ups.get(state.current, []))
            for fu in self.bank.question(state.current).follow_ups:
                if fu.text not in asked:
                    return fu.text
        return "think about what you would measure first, and why."

    # --- helpers ------------------------------------------------------------------------------------------
    def _ack(self, voice: Voice, result: AnswerScore) -> str:
        """An acknowledgement, unless there was nothing to acknowledge: "got it" after nonsense rings false."""
        return voice.ack() if result.score is not None else voice.say("unclear")

    def _say(self, state: Any, text: str, kind: str) -> Turn:
        return Turn(role="interviewer", text=text, kind=kind, question_id=state.current)

    def _current_prompt(self, session: Session) -> str:
        state = session.state
        if state.phase == "scenario":
            stage = scen.stage_of(self.bank.scenario(session.plan.scenario or ""), state.stage_index)
            return stage.opening if stage else ""
        return state.last_question_text

    def _rubric(self, session: Session) -> Rubric:
        state = session.state
        if state.phase == "scenario":
            scenario = self.bank.scenario(session.plan.scenario or "")
            stage = scen.stage_of(scenario, state.stage_index)
            assert stage is not None
            return from_stage(scenario, stage)
        return from_question(self.bank.question(state.current or ""))

    def _stage_id(self, session: Session) -> str | None:
        if session.state.phase != "scenario":
            return None
        stage = scen.stage_of(self.bank.scenario(session.plan.scenario or ""), session.state.stage_index)
        return stage.id if stage else None

    def _voice(self, session: Session) -> Voice:
        return Voice(session.plan.seed, session.state.turn_counter)

    def _commit(self, session: Session, turns: list[Turn]) -> None:
        session.turns.extend(turns)
        self.store.append(session, turns)
