"""A scenario's stages as the interview moves through them: entered, answered, skipped and left in one place.

`scenario.step` decides what an answer earns (facts, a probe for a skipped action); this module applies it to the
session: the state, the turns said, and the move to the next stage (`open_stage`, the only place a stage starts).
"""

from __future__ import annotations

from interviewer.bank.loader import Bank
from interviewer.bank.models import ItemRef, Scenario, Stage
from interviewer.interview import scenario as scen
from interviewer.interview.models import Session, Turn
from interviewer.scoring.models import AnswerScore


class ScenarioFlow:
    def __init__(self, bank: Bank):
        self.bank = bank

    def scenario(self, session: Session) -> Scenario:
        return self.bank.scenario(session.plan.scenario or "")

    def stage(self, session: Session) -> Stage | None:
        return scen.stage_of(self.scenario(session), session.state.stage_index)

    # --- moving through the stages ------------------------------------------------------------------------
    def enter(self, session: Session, intro: str) -> list[Turn]:
        """The scenario's setup, then its first stage."""
        scenario = self.scenario(session)
        setup = Turn(role="interviewer", text=f"{intro} {scenario.setup}".strip(), kind="scenario-setup")
        return [setup, *(self.open_stage(session, 0, lead="") or [])]

    def open_stage(self, session: Session, index: int, lead: str) -> list[Turn] | None:
        """Leave the current stage and open stage `index`, saying `lead` first; None when the scenario is over
        (the caller wraps up, saying `lead`)."""
        state = session.state
        scenario = self.scenario(session)
        done_before = set(state.stage_actions_done) | set(state.facts_revealed)
        state.stage_index = index
        state.answers, state.stage_actions_done = [], []
        state.attempts, state.silences, state.follow_ups_asked, state.declined = 0, 0, 0, 0
        stage = scen.stage_of(scenario, index)
        if stage is None:
            return None
        state.phase = "scenario"
        ref = ItemRef.of_stage(scenario.id, stage.id)
        state.current = ref.key
        state.asked.append(ref.key)
        state.stage_given = bool(stage.earned_by) and not done_before & set(stage.earned_by)
        text = " ".join(x for x in (lead, self.prompt(session)) if x)
        return [Turn(role="interviewer", text=text, kind="stage", question_id=ref.key, stage=stage.id)]

    def answer(self, session: Session, result: AnswerScore, ack: str) -> tuple[list[Turn] | None, str]:
        """The interviewer's move after a scored answer in the current stage: the facts it earned, then a probe for
        a skipped action or the next stage. Returns (turns, lead); turns is None when the last stage is done, and
        lead is what to say before the wrap-up."""
        state = session.state
        stage = self.stage(session)
        assert stage is not None, "an answer in a scenario always has a stage"
        step = scen.step(stage, state, result)
        state.stage_actions_done = step.done_actions
        said = [ack] + [f.text for f in step.facts]
        state.facts_revealed += [f.id for f in step.facts]
        if step.probe is not None:
            state.probes_asked.append(f"{stage.id}:{step.probe.action}")
            text = " ".join([*said, step.probe.text])
            return [Turn(role="interviewer", text=text, kind="probe", question_id=state.current, stage=stage.id)], ""
        if state.current:
            state.scores[state.current] = result
        lead = " ".join(said)
        return self.open_stage(session, state.stage_index + 1, lead), lead

    def skip(self, session: Session, earned: AnswerScore | None, lead: str) -> list[Turn] | None:
        """Move past the current stage: it keeps the score its answers earned, if any."""
        state = session.state
        if earned is not None and state.current:
            state.scores[state.current] = earned
        return self.open_stage(session, state.stage_index + 1, lead)

    # --- what the current stage says ----------------------------------------------------------------------
    def prompt(self, session: Session) -> str:
        """The stage's opening as it was said: `given` when the candidate did not earn what `opening` takes as
        their own result ("So the rollback didn't help" to someone who never rolled back)."""
        stage = self.stage(session)
        if stage is None:
            return ""
        return stage.given if session.state.stage_given and stage.given else stage.opening

    def nudge(self, session: Session) -> str | None:
        """The probe for the first expected action not taken yet."""
        stage = self.stage(session)
        if stage is None:
            return None
        todo = [p for p in stage.probes if p.action not in session.state.stage_actions_done]
        return todo[0].text if todo else None
