"""The scenario engine: data-driven. Answers earn facts, skipped actions get probes, then the next stage."""

from __future__ import annotations

from dataclasses import dataclass

from interviewer.bank.models import Fact, Probe, Scenario, Stage
from interviewer.interview.models import State
from interviewer.scoring.models import AnswerScore

MAX_PROBES_PER_STAGE = 2
FACT_WORDS_PER_TURN = 45  # facts earned beyond this are told on the next turn, so a reply stays short enough to follow


@dataclass(frozen=True)
class StageStep:
    facts: list[Fact]  # earned by this answer, not revealed before
    probe: Probe | None  # ask this next, or None to move on
    done_actions: list[str]


def stage_of(scenario: Scenario, index: int) -> Stage | None:
    return scenario.stages[index] if index < len(scenario.stages) else None


def step(stage: Stage, state: State, result: AnswerScore) -> StageStep:
    """Given the score of everything said in this stage so far, what the interviewer does next."""
    covered = {k.id for k in result.key_points if k.id and k.verdict == "covered"}
    done = (
        set(state.stage_actions_done) | covered | {k.id for k in result.key_points if k.id and k.verdict == "partial"}
    )
    earned = set(state.stage_actions_done) | covered  # a fact needs the action clearly taken, not just touched
    facts = [f for f in stage.facts if f.id not in state.facts_revealed and set(f.earned_by) & earned]
    told: list[Fact] = []
    words = 0
    for f in facts:
        n = len(f.text.split())
        if told and words + n > FACT_WORDS_PER_TURN:
            break
        told.append(f)
        words += n
    facts = told
    asked_here = [p for p in state.probes_asked if p.startswith(f"{stage.id}:")]
    missing = sorted(
        (a for a in stage.expected_actions if a.id not in done and f"{stage.id}:{a.id}" not in asked_here),
        key=lambda a: -a.weight,
    )
    probe = None
    if missing and len(asked_here) < MAX_PROBES_PER_STAGE:
        probe = next(p for p in stage.probes if p.action == missing[0].id)
    return StageStep(facts=facts, probe=probe, done_actions=sorted(earned))
