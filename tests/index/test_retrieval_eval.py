"""Retrieval quality on hand-written paraphrases, through the real index and the real embedding model."""

import re
from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.cli import main
from interviewer.evals.retrieval import load_cases, run_retrieval
from interviewer.index.store import BankIndex
from interviewer.settings import REPO_ROOT

QUERIES = REPO_ROOT / "evals" / "retrieval_queries.yaml"


def _words(text: str) -> set[str]:
    stop = {"a", "an", "the", "and", "or", "you", "your", "our", "we", "i", "to", "of", "in", "for", "how", "do", "is"}
    return set(re.findall(r"[a-z0-9]+", text.lower())) - stop


def test_queries_are_paraphrases_not_copies(bank: Bank) -> None:
    cases = load_cases(QUERIES, bank)
    assert len(cases) >= 40
    assert {c.expected for c in cases} == {q.id for q in bank.questions}
    for case in cases:
        question = bank.question(case.expected).text
        overlap = len(_words(case.query) & _words(question)) / len(_words(case.query))
        assert overlap < 0.5, (case.query, question)


def test_retrieval_meets_targets(built_index: BankIndex, bank: Bank) -> None:
    result = run_retrieval(built_index, load_cases(QUERIES, bank))
    assert result.n >= 40
    assert result.top1 >= 0.90, result.misses
    assert result.recall_at_5 >= 0.98, result.misses


def test_unknown_expected_id_is_rejected(tmp_path: Path, bank: Bank) -> None:
    bad = tmp_path / "q.yaml"
    bad.write_text("queries:\n  - query: something about nothing\n    expected: no-such-question\n")
    with pytest.raises(ValueError, match="no-such-question"):
        load_cases(bad, bank)


def test_eval_and_search_commands(capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI path a user runs, building its own index in the (temporary) data directory."""
    import json

    assert main(["eval", "retrieval", "--json", "--check"]) == 0
    figures = json.loads(capsys.readouterr().out)["suites"]["retrieval"]["figures"]
    assert set(figures) == {"top1", "recall_at_5", "n"} and figures["top1"] >= 0.9

    assert main(["search", "rolling out a breaking change to an API", "--k", "3", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [set(h) for h in hits] == [{"id", "kind", "text", "score"}] * 3
    assert hits[0]["id"] == "swe-api-versioning"

    assert main(["search", "mentoring", "--track", "behavioral", "--level", "senior"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("1. [") and "beh-mentoring" in out

    assert main(["eval", "nonsense"]) == 2
    assert "unknown suite" in capsys.readouterr().err
