"""The shipped bank: every source question present, complete, and the scenario as the source tells it."""

from collections import Counter

from interviewer.bank.loader import Bank
from interviewer.ingest.parse import parse_document
from tests.conftest import KNOWLEDGE


def test_every_source_question_is_one_entry(bank: Bank) -> None:
    assert Counter(q.track for q in bank.questions) == {
        "behavioral": 9,
        "python-developer": 24,
        "software-engineer-python": 24,
    }
    for source in (KNOWLEDGE / "sources").glob("*.txt"):
        _, drafts = parse_document(source.read_text(encoding="utf-8"))
        entries = sorted(
            (q for q in bank.questions if q.source.document == source.name), key=lambda q: q.source.position
        )
        assert [q.source.position for q in entries] == list(range(1, len(drafts) + 1))
        for entry, draft in zip(entries, drafts, strict=True):
            assert entry.text == draft.text, entry.id


def test_entries_are_complete_and_in_our_own_words(bank: Bank) -> None:
    sources = " ".join(p.read_text(encoding="utf-8") for p in (KNOWLEDGE / "sources").glob("*.txt"))
    for q in bank.questions:
        assert len(q.key_points) >= 3 and len(q.red_flags) >= 2 and len(q.follow_ups) >= 2, q.id
        assert q.competency in bank.competencies, q.id
        # The reference answer is a summary, not a copy of the source's example answer.
        assert q.reference_answer not in sources, q.id
        assert len(q.reference_answer) < 900, q.id


def test_chapter_key_points_follow_the_source(bank: Bank) -> None:
    q = bank.question("beh-tell-me-about-yourself")
    assert q.level == "entry"
    texts = " ".join(k.text for k in q.key_points).lower()
    assert "present" in texts and "future" in texts
    assert "resume" in " ".join(r.text for r in q.red_flags).lower()
    assert bank.question("beh-explain-to-stakeholders").level == "senior"


def test_production_bug_scenario(bank: Bank) -> None:
    s = bank.scenario("production-bug")
    assert [st.id for st in s.stages] == [
        "triage-impact",
        "logs-resources",
        "mitigation-communication",
        "long-term-fixes",
        "leadership-postmortem",
    ]
    facts = " ".join(f.text for st in s.stages for f in st.facts).lower()
    for fact in (
        "minor dependency update",
        "rolling it back",
        "connectionerror",
        "fraud detection",
        "bypass",
        "monitoring",
    ):
        assert fact in facts, fact
    assert len(s.red_flags) == 5
    for stage in s.stages:
        actions = {a.id for a in stage.expected_actions}
        assert {p.action for p in stage.probes} == actions, stage.id
        assert stage.red_flags and stage.opening
