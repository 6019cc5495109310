"""Ingest reads both source formats, invents nothing, and drafts YAML that `bank check` can judge."""

from pathlib import Path

import pytest
import yaml

from interviewer.bank.models import AUTHOR_MARK
from interviewer.cli import main
from interviewer.ingest.parse import IngestError, parse_document
from tests.conftest import KNOWLEDGE

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest"


def test_chapter_format() -> None:
    fmt, drafts = parse_document((FIXTURES / "chapter_small.txt").read_text())
    assert fmt == "chapter"
    assert [d.text for d in drafts] == [
        "Tell me about a bug you fixed recently.",
        "How do you review a large pull request?",
    ]
    first, second = drafts
    assert first.level == "entry" and second.level == "senior"
    assert first.answer is not None and "Situation: CI failed" in first.answer and "Result:" in first.answer
    assert first.key_points == [
        "Names the concrete symptom.",
        "Explains how they found the cause.",
        "States the result.",
    ]
    assert first.mistakes == ["Blaming the CI system.", "No result."]
    assert first.follow_ups == ["How would you stop it happening again?"]
    assert second.follow_ups == []  # the tips' bullets after it are not follow-ups
    assert second.key_points == ["Asks for smaller changes."]


def test_question_list_format() -> None:
    fmt, drafts = parse_document((FIXTURES / "list_small.txt").read_text())
    assert fmt == "question-list"
    assert [d.position for d in drafts] == [1, 2, 3]
    assert drafts[0].answer == "I check the header, types and row counts, and quarantine bad rows."
    assert drafts[0].guidance == "Employers ask this to check you care about data quality."
    assert drafts[2].text == "What is your favourite SQL window function?"
    assert drafts[2].answer is None and drafts[2].guidance is None  # listed, but the document has no block


def test_unknown_format_is_a_clear_error() -> None:
    with pytest.raises(IngestError, match="unrecognised format"):
        parse_document("just some prose\nwith no questions\n")


def test_ingest_cli_marks_missing_parts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "drafts"
    assert (
        main(["ingest", str(FIXTURES / "list_small.txt"), str(FIXTURES / "chapter_small.txt"), "--out", str(out)]) == 0
    )
    assert "5 question(s) drafted" in capsys.readouterr().out
    listed = yaml.safe_load((out / "list_small.yaml").read_text())["questions"]
    assert len(listed) == 3
    # an example answer's own claims become derived key points; without one, the author must write them
    claims = [k["text"] for k in listed[0]["key_points"]]
    assert claims == ["I check the header, types and row counts, and quarantine bad rows"]
    assert all(k["derived"] for e in listed[:2] for k in e["key_points"])
    assert AUTHOR_MARK in listed[2]["key_points"][0]["text"]
    assert all(AUTHOR_MARK in e["red_flags"][0]["text"] for e in listed)
    assert AUTHOR_MARK in listed[2]["reference_answer"]
    assert listed[0]["reference_answer"].startswith("I check the header")
    chapter = yaml.safe_load((out / "chapter_small.yaml").read_text())["questions"]
    assert chapter[0]["key_points"][0]["text"] == "Names the concrete symptom."
    assert chapter[0]["level"] == "entry"
    assert chapter[1]["follow_ups"][0]["text"].startswith(AUTHOR_MARK)
    assert len({e["id"] for e in listed + chapter}) == 5


def test_drafts_fail_bank_check_until_authored(
    tmp_path: Path, knowledge_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest", str(FIXTURES / "chapter_small.txt"), "--out", str(knowledge_copy / "questions")]) == 0
    capsys.readouterr()
    assert main(["bank", "check", "--dir", str(knowledge_copy)]) == 1
    err = capsys.readouterr().err
    assert "chapter_small.yaml" in err and "still marked TODO(author)" in err and "competency" in err


def test_the_three_source_documents_give_57_questions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sources = sorted(str(p) for p in (KNOWLEDGE / "sources").glob("*.txt"))
    assert main(["ingest", *sources, "--out", str(tmp_path)]) == 0
    assert "57 question(s) drafted" in capsys.readouterr().out
    counts = {p.stem: len(yaml.safe_load(p.read_text())["questions"]) for p in tmp_path.glob("*.yaml")}
    assert counts == {
        "behavioral-and-situational-chapter": 9,
        "python-developer-questions": 24,
        "software-engineer-python-questions": 24,
    }
    pyd = yaml.safe_load((tmp_path / "python-developer-questions.yaml").read_text())["questions"]
    assert all(e["track"] == "python-developer" and e["guidance"] and e["reference_answer"] for e in pyd)
