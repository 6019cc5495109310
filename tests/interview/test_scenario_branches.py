"""Every branch of every scenario in the bank: each fact is revealed by each action that earns it and by no
other answer, each skipped action gets its own probe, and each red flag with cues is detected."""

import pytest

from interviewer.bank.loader import Bank, load_bank
from interviewer.bank.models import Scenario, Stage
from interviewer.interview import scenario as scen
from interviewer.interview.models import State
from interviewer.scoring.models import AnswerScore, Delivery, KeyPointResult, Ownership, Specificity
from interviewer.scoring.rubric import from_stage
from interviewer.scoring.scorer import OfflineScorer
from tests.conftest import KNOWLEDGE

BANK = load_bank(KNOWLEDGE)
STAGES = [(s, st) for s in BANK.scenarios for st in s.stages]
IDS = [f"{s.id}/{st.id}" for s, st in STAGES]


def _result(stage: Stage, done: set[str]) -> AnswerScore:
    return AnswerScore(
        score=5.0,
        band="adequate",
        key_points=[
            KeyPointResult(id=a.id, text=a.text, verdict="covered" if a.id in done else "missing")
            for a in stage.expected_actions
        ],
        specificity=Specificity(ownership=Ownership(i=0, we=0), score=0),
        delivery=Delivery(words=50, filler_words=0, filler_rate=0),
    )


@pytest.mark.parametrize(("scenario", "stage"), STAGES, ids=IDS)
def test_each_fact_is_earned_only_by_its_actions(scenario: Scenario, stage: Stage) -> None:
    for fact in stage.facts:
        for action in fact.earned_by:
            step = scen.step(stage, State(), _result(stage, {action}))
            assert fact in step.facts
        others = {a.id for a in stage.expected_actions} - set(fact.earned_by)
        assert fact not in scen.step(stage, State(), _result(stage, others)).facts
        assert fact not in scen.step(stage, State(facts_revealed=[fact.id]), _result(stage, set(fact.earned_by))).facts


@pytest.mark.parametrize(("scenario", "stage"), STAGES, ids=IDS)
def test_each_skipped_action_gets_its_probe(scenario: Scenario, stage: Stage) -> None:
    every = {a.id for a in stage.expected_actions}
    for action in stage.expected_actions:
        step = scen.step(stage, State(), _result(stage, every - {action.id}))
        assert step.probe is not None and step.probe.action == action.id
    assert scen.step(stage, State(), _result(stage, every)).probe is None  # nothing skipped: move on
    asked = State(probes_asked=[f"{stage.id}:{a.id}" for a in stage.expected_actions[: scen.MAX_PROBES_PER_STAGE]])
    assert scen.step(stage, asked, _result(stage, set())).probe is None  # probes are capped per stage


@pytest.mark.parametrize(("scenario", "stage"), STAGES, ids=IDS)
def test_each_red_flag_with_cues_is_detected(scenario: Scenario, stage: Stage, scorer: OfflineScorer) -> None:
    rubric = from_stage(scenario, stage)
    for flag in (*stage.red_flags, *scenario.red_flags):
        if not flag.cues:
            continue  # an absence ("no stakeholder communication") has nothing to quote offline
        answer = f"Honestly, {flag.cues[0]}: {flag.text[0].lower()}{flag.text[1:]} That is what I would do here."
        found = {f.id for f in scorer.score(rubric, answer).red_flags}
        assert flag.id in found, (flag.id, answer)


def test_every_scenario_has_facts_and_probes(bank: Bank) -> None:
    for s in bank.scenarios:
        assert sum(len(st.facts) for st in s.stages) >= 2, s.id
        assert all(st.probes for st in s.stages), s.id
