"""The production-bug scenario: facts only when earned, probes for skipped actions, red flags, stage scores."""

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan
from interviewer.interview.report import build_report
from interviewer.interview.store import SessionStore
from interviewer.scoring.scorer import OfflineScorer

TRIAGE_FULL = (
    "First I'd acknowledge the incident and let the team and stakeholders know in the incident channel. Then I'd "
    "check the Grafana dashboards for error rate, latency and throughput per endpoint to see the impact. I'd check "
    "what was deployed recently, and roll back the last release if it looks like the cause."
)
LOGS = (
    "Since the rollback didn't help, I'd dig into the logs in Kibana, filter to the payment service and look at the "
    "stack traces for patterns, like timeouts or connection errors to external APIs, and check CPU and memory."
)


@pytest.fixture
def interviewer(tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex) -> Interviewer:
    return Interviewer(bank, scorer, SessionStore(tmp_path / "s.sqlite3"), built_index)


def _start(interviewer: Interviewer) -> object:
    session = interviewer.start(Plan(questions=0, scenario="production-bug", seed=1))
    assert [t.kind for t in session.turns] == ["greeting", "scenario-setup", "stage"]
    assert session.turns[-1].stage == "triage-impact"
    return session


def test_facts_are_revealed_only_once_earned(interviewer: Interviewer, bank: Bank) -> None:
    session = _start(interviewer)
    vague = interviewer.reply(
        session, "I'd stay calm and try to understand what is going on with the payments first."
    ).turns
    assert "minor dependency update" not in vague[0].text
    assert vague[0].kind == "probe"
    stage1 = bank.scenario("production-bug").stages[0]
    assert vague[0].text.endswith(
        next(p.text for p in stage1.probes if p.action == session.state.probes_asked[0].split(":")[1])
    )
    reply = interviewer.reply(session, TRIAGE_FULL).turns
    assert "minor dependency update" in " ".join(t.text for t in reply)
    assert "rollback-did-not-help" in session.state.facts_revealed


def test_full_scenario_to_report(interviewer: Interviewer, bank: Bank) -> None:
    session = _start(interviewer)
    interviewer.reply(session, TRIAGE_FULL)
    while session.state.stage_index == 0:
        interviewer.reply(session, "I'd also make sure support knows about the impact on customers right away.")
    assert session.state.current == "production-bug/logs-resources"
    reply = interviewer.reply(session, LOGS).turns
    assert "ConnectionError" in " ".join(t.text for t in reply)
    while session.state.stage_index == 1:  # the logs answer never checked the dependencies' health: the probe asks
        interviewer.reply(session, "I'd check the health of the database and of the third-party APIs payments calls.")
    answers = [
        "I'd add a circuit breaker with a fallback, agree a temporary bypass of the fraud check with product, contact "
        "the vendor's support and keep business and customer support updated with status and an ETA.",
        "Long term: retries with exponential backoff and jitter, a configurable circuit breaker, alerts on the "
        "vendor's latency and error rate, a conversation about their SLA, and load tests before we deploy.",
        "I'd coordinate and delegate, shield the team from pressure, then run a blameless post-mortem with a timeline, "
        "the root cause and action items with owners.",
    ]
    for answer in answers:
        before = session.state.stage_index
        while session.state.phase == "scenario" and session.state.stage_index == before:
            interviewer.reply(session, answer)
    assert session.state.phase == "wrap-up"
    assert "product-approves-bypass" in session.state.facts_revealed or any(
        "bypass" in t.text for t in session.turns if t.role == "interviewer"
    )
    report = build_report(bank, session)
    stages = report["scenario"]["stages"]
    assert [s["id"].split("/")[1] for s in stages] == [st.id for st in bank.scenario("production-bug").stages]
    assert report["scenario"]["score"] is not None and "incident-response" in report["competencies"]


def test_red_flags_are_detected(interviewer: Interviewer) -> None:
    session = _start(interviewer)
    interviewer.reply(
        session,
        "Honestly I'd panic, this is a disaster. It's obviously the fraud vendor's fault and whoever wrote this "
        "service before me, so I'd blame them and restart everything.",
    )
    flags = {f.id for f in session.turns[-2].score.red_flags}  # type: ignore[union-attr]
    assert flags & {"panic", "blame", "acts-before-data"}


def test_skipping_a_stage_moves_on_without_revealing(interviewer: Interviewer) -> None:
    session = _start(interviewer)
    reply = interviewer.reply(session, "I don't know").turns
    assert reply[0].stage == "logs-resources" and session.state.facts_revealed == []


def test_an_unearned_result_is_handed_over_as_a_given(interviewer: Interviewer, bank: Bank) -> None:
    """ "So the rollback didn't help" only to a candidate who rolled back; anyone else hears it as a given."""
    scenario = bank.scenario("production-bug")
    logs, mitigation, long_term = scenario.stages[1], scenario.stages[2], scenario.stages[3]
    session = _start(interviewer)
    while session.state.stage_index == 0:
        interviewer.reply(session, "I'd just restart the server and hope it comes back.")
    opening = session.turns[-1].text
    assert logs.opening not in opening and logs.given and logs.given in opening
    again = interviewer.reply(session, "Sorry, could you repeat that?").turns[0].text
    assert logs.given in again and logs.opening not in again  # a repeat says what was said
    interviewer.reply(session, "skip")
    assert mitigation.given and mitigation.given in session.turns[-1].text
    interviewer.reply(session, "skip")
    text = session.turns[-1].text
    assert long_term.given and long_term.given in text and "You've got a temporary fix" not in text


def test_an_earned_result_is_the_candidates_own(interviewer: Interviewer, bank: Bank) -> None:
    logs = bank.scenario("production-bug").stages[1]
    session = _start(interviewer)
    interviewer.reply(session, TRIAGE_FULL)
    while session.state.stage_index == 0:
        interviewer.reply(session, "I'd also make sure support knows about the impact on customers right away.")
    assert "rollback-did-not-help" in session.state.facts_revealed
    assert logs.opening in session.turns[-1].text and (logs.given or "") not in session.turns[-1].text
