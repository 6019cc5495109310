"""Golden transcripts: for a fixed seed and fixed answers, the interview is exactly the stored one.

After an intended change of wording or policy, regenerate with `pytest tests/interview --update-golden` and
review the diff like any other change.
"""

import json
from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan
from interviewer.interview.store import SessionStore
from interviewer.scoring.scorer import OfflineScorer

GOLDEN = Path(__file__).parent / "golden"
CASES = {
    "questions-seed-7": (
        Plan(tracks=["software-engineer-python"], level="intermediate", questions=2, seed=7),
        [
            "Hi! Could you repeat that?",
            "I'd keep the tests small and focused on the core logic, and add a few end to end smoke tests "
            "for the checkout flow, mocking the payment provider with responses.",
            "I don't know",
            "I would time-box it, write down what I assumed, and ship a thin slice behind a feature flag.",
            "skip",
            "What does the team's typical day look like?",
            "no, thanks",
        ],
    ),
    "production-bug-seed-3": (
        Plan(questions=0, scenario="production-bug", seed=3),
        [
            "First I'd check the dashboards for the error rate and latency to see the impact, then check recent "
            "deploys and roll back if one lines up.",
            "Give me a minute.",
            "I'd read the logs in Kibana for the payment service and look for patterns in the exceptions.",
            "I'd put a circuit breaker in front of the fraud API and talk to product about a temporary bypass.",
            "I don't know",
            "skip",
            "no",
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden_transcript(
    name: str, tmp_path: Path, bank: Bank, scorer: OfflineScorer, built_index: BankIndex, request: pytest.FixtureRequest
) -> None:
    plan, answers = CASES[name]
    interviewer = Interviewer(bank, scorer, SessionStore(tmp_path / "s.sqlite3"), built_index)
    session = interviewer.start(plan, session_id=name)
    for answer in answers:
        if session.state.phase != "done":
            interviewer.reply(session, answer)
    transcript = [
        {"role": t.role, "kind": t.kind, "text": t.text, "score": t.score.score if t.score else None}
        for t in session.turns
    ]
    path = GOLDEN / f"{name}.json"
    if request.config.getoption("--update-golden") or not path.exists():
        path.write_text(json.dumps(transcript, indent=2) + "\n")
    assert transcript == json.loads(path.read_text())
