"""Broken banks fail loudly, naming the file and the entry; the shipped bank passes."""

import re
from pathlib import Path

import pytest
import yaml

from interviewer.bank.loader import BankError, load_bank
from interviewer.cli import main
from tests.conftest import KNOWLEDGE


def _edit(path: Path, edit: object) -> None:
    data = yaml.safe_load(path.read_text())
    edit(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_shipped_bank_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "check"]) == 0
    scenarios = len(list((KNOWLEDGE / "scenarios").glob("*.yaml")))
    assert f"57 questions, {scenarios} scenario(s)" in capsys.readouterr().out


def _questions(d: dict) -> dict:  # type: ignore[type-arg]
    return d["questions"][1]


CASES = [
    ("questions/behavioral.yaml", lambda d: _questions(d).update(stars=5), "beh-technical-challenge", "stars"),
    (
        "questions/python-developer.yaml",
        lambda d: d["questions"][3].update(id=d["questions"][2]["id"]),
        "pyd-schema-migrations",
        "used more than once",
    ),
    (
        "questions/software-engineer-python.yaml",
        lambda d: d["questions"][0]["follow_ups"][0].update(targets=["nonexistent-point"]),
        "swe-pythonic-code",
        "unknown id 'nonexistent-point'",
    ),
    (
        "questions/behavioral.yaml",
        lambda d: _questions(d).update(competency="juggling"),
        "beh-technical-challenge",
        "competency 'juggling'",
    ),
    (
        "scenarios/production-bug.yaml",
        lambda d: d["stages"][1]["facts"][0].update(earned_by=["read-tea-leaves"]),
        "production-bug",
        "unknown action 'read-tea-leaves'",
    ),
    (
        "scenarios/production-bug.yaml",
        lambda d: d["stages"][1].update(earned_by=["a-fact-from-the-future"]),
        "production-bug",
        "earned by unknown fact or action 'a-fact-from-the-future'",
    ),
    (
        "scenarios/production-bug.yaml",
        lambda d: d["stages"][1].pop("given"),
        "production-bug",
        "earned_by and given go together",
    ),
    (
        "scenarios/production-bug.yaml",
        lambda d: d["stages"][0].update(probes=d["stages"][0]["probes"][1:]),
        "production-bug",
        "has no probe",
    ),
    (
        "questions/python-developer.yaml",
        lambda d: d["questions"][0]["key_points"][0].update(misconceptions=["Threads always make Python faster."]),
        "pyd-gil-concurrency",
        "needs at least 2 misconceptions (1)",
    ),
    (
        "questions/python-developer.yaml",
        lambda d: d["questions"][0]["red_flags"][0].pop("phrasings"),
        "pyd-gil-concurrency",
        "needs at least 3 phrasings (0)",
    ),
    (
        "scenarios/production-bug.yaml",
        lambda d: d["stages"][0]["expected_actions"][0].update(phrasings=[]),
        "production-bug",
        "stage triage-impact: key point 'acknowledge-incident' needs at least 2 phrasings",
    ),
    (
        "questions/python-developer.yaml",
        lambda d: d["questions"][0].update(
            clarifications=[{"asks": ["cores"], "answer": "Assume the GIL lets only one thread run at a time."}]
        ),
        "pyd-gil-concurrency",
        "clarification 'cores' gives away key point 'gil-one-thread-bytecode'",
    ),
    (
        "scenarios/production-bug.yaml",
        lambda d: d.update(clarifications=[{"asks": ["logs"], "answer": d["stages"][1]["facts"][0]["text"]}]),
        "production-bug",
        "gives away the fact",
    ),
    (
        "questions/behavioral.yaml",
        lambda d: _questions(d).update(tags=["TODO(author): tags"]),
        "beh-technical-challenge",
        "marked TODO(author)",
    ),
]


@pytest.mark.parametrize(("file", "edit", "entry", "message"), CASES)
def test_broken_bank_names_file_and_entry(
    knowledge_copy: Path, capsys: pytest.CaptureFixture[str], file: str, edit: object, entry: str, message: str
) -> None:
    _edit(knowledge_copy / file, edit)
    assert main(["bank", "check", "--dir", str(knowledge_copy)]) == 1
    err = capsys.readouterr().err
    line = next((ln for ln in err.splitlines() if message in ln), "")
    assert f"knowledge/{file}" in line and f"[{entry}]" in line, err
    with pytest.raises(BankError, match=re.escape(message)):
        load_bank(knowledge_copy)  # and the app refuses to run on it


def test_invalid_yaml_names_the_file(knowledge_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (knowledge_copy / "questions" / "python-developer.yaml").write_text("questions:\n  - id: [unclosed\n")
    assert main(["bank", "check", "--dir", str(knowledge_copy)]) == 1
    assert "knowledge/questions/python-developer.yaml: not valid YAML" in capsys.readouterr().err


def test_missing_directory_and_empty_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bank", "check", "--dir", str(tmp_path / "nowhere")]) == 1
    assert "knowledge directory not found" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["bank", "check", "--dir", str(tmp_path / "empty")]) == 1
    assert "no question files" in capsys.readouterr().err


def test_stats_json_from_the_console_script() -> None:
    import json
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "interviewer", "bank", "stats", "--json"], capture_output=True, text=True, check=True
    ).stdout
    figures = json.loads(out)
    assert figures["questions"] == 57 and figures["scenarios"] == len(list((KNOWLEDGE / "scenarios").glob("*.yaml")))
    assert figures["by_track"] == {"behavioral": 9, "python-developer": 24, "software-engineer-python": 24}
    assert sum(figures["by_level"].values()) == 57
    assert set(figures["by_level"]) <= {"entry", "intermediate", "senior"}
