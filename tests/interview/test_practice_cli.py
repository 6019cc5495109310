"""`interviewer practice --answers FILE --json`, `sessions list` and `report`, as a user scripts them."""

import json
from pathlib import Path

import pytest

from interviewer.cli import main


def test_scripted_scenario_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    answers = tmp_path / "answers.txt"
    answers.write_text(
        "\n".join(
            [
                "I'd acknowledge the incident, check dashboards for error rate and latency, check recent deploys "
                "and roll back if needed.",
                "I'd post in the incident channel so the team and support know someone owns it.",
                "I don't know",
                "skip",
                "skip",
                "skip",
                "What are the next steps in the process?",
                "no, that's all",
            ]
        )
    )
    assert (
        main(
            [
                "practice",
                "--questions",
                "0",
                "--scenario",
                "production-bug",
                "--seed",
                "2",
                "--answers",
                str(answers),
                "--json",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"session_id", "turns", "report"}
    roles = {t["role"] for t in out["turns"]}
    assert roles == {"interviewer", "candidate"}
    assert any(t.get("stage") == "triage-impact" for t in out["turns"])
    assert any("score" in t for t in out["turns"] if t["role"] == "candidate")
    assert out["report"]["complete"] and out["report"]["scenario"]["id"] == "production-bug"

    assert main(["sessions", "list"]) == 0
    listing = capsys.readouterr().out
    assert out["session_id"] in listing and "done" in listing
    for fmt, marker in (("md", "# Interview report"), ("html", "<pre>"), ("json", '"session_id"')):
        assert main(["report", out["session_id"], "--format", fmt]) == 0
        assert marker in capsys.readouterr().out
    assert main(["report", "nope"]) == 2
    assert "no session 'nope'" in capsys.readouterr().err


def test_unknown_scenario_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["practice", "--scenario", "alien-invasion", "--answers", "/dev/null"]) == 2
    err = capsys.readouterr().err
    assert "no scenario with id 'alien-invasion'; known: " in err and "production-bug" in err


def test_the_terminal_cleans_answers_as_the_web_app_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`practice` goes through the same Service as the web app: control characters are dropped and the candidate
    is told, and what is stored is the cleaned answer."""
    answers = tmp_path / "answers.txt"
    answers.write_text("I'd check the dashboards\x07 for error rate and latency first.\nno, that's all\n")
    args = ["practice", "--questions", "1", "--answers", str(answers)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "[Note: control characters were removed.]" in out
    session_id = out.split("Saved as session ")[1].split(":")[0]
    assert main(["report", session_id, "--format", "json"]) == 0
    said = json.dumps(json.loads(capsys.readouterr().out))
    assert "\\u0007" not in said and "dashboards for error rate" in said


def test_the_terminal_shows_feedback_per_turn_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Per turn, as the web app's practice panel: the score, the points hit with their words, the points missed,
    and one tip; at the end, the report with question text (never an internal id), saved as Markdown and HTML."""
    answers = tmp_path / "answers.txt"
    answers.write_text(
        "The GIL lets only one thread run Python bytecode at a time, so for CPU-bound work I use multiprocessing, "
        "and for I/O-bound work asyncio.\nskip\nskip\nThank you, this was helpful.\n"
    )
    args = ["practice", "--questions", "1", "--seed", "2", "--focus", "concurrency", "--answers", str(answers)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Score " in out and "/10 (" in out and "  + covered: " in out and "  - missed: " in out
    assert '"The GIL lets only one thread run Python bytecode at a time' in out and "  Tip: " in out
    assert "Q1. Can you explain Python's GIL" in out and "Q1 pyd-" not in out
    saved = out.split("Report saved: ")[1].split("\n")[0]
    md, html = saved.split(" and ")
    assert Path(md).read_text().startswith("# Interview report") and "<svg" in Path(html).read_text()


def test_quit_ends_the_terminal_interview_with_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Typing "/quit" is a command, not a candidate question for the interviewer to answer: the interview ends there,
    what was answered is kept, and no empty Strengths or To improve heading is printed."""
    answers = tmp_path / "answers.txt"
    answers.write_text("I don't know\n/quit\nthis line is never read\n")
    assert main(["practice", "--questions", "1", "--seed", "3", "--answers", str(answers)]) == 0
    out = capsys.readouterr().out
    assert "type /quit or press Ctrl-D" in out
    assert "You: /quit" in out and "this line is never read" not in out
    assert "recruiter" not in out.split("You: /quit")[1]  # no reply to the command
    assert "Score: skipped" in out and "## Strengths" not in out and "## To improve" not in out


def test_a_mistake_is_quoted_with_its_answer_not_on_every_later_turn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scenario stage is scored on all its answers together, so a mistake in the first answer still counts on the
    later ones; their feedback names it "(in an earlier answer)" instead of quoting it and making it the tip again."""
    wrong = "I'd restart the server and not tell anyone, customers won't notice."
    answers = tmp_path / "answers.txt"
    answers.write_text(
        f"{wrong}\nI'd look at the error rate dashboard and check which endpoints fail and since when.\n/quit\n"
    )
    assert main(["practice", "--questions", "0", "--scenario", "production-bug", "--answers", str(answers)]) == 0
    out = capsys.readouterr().out.split("# Interview report")[0]
    first, second = out.split("\nYou: ")[1:3]
    assert "  ! Says the opposite of: " in first and f'"{wrong}"' in first.split("Interviewer:")[0]  # quoted once
    said = second.split("Interviewer:")[0]
    assert "(in an earlier answer)" in said and wrong not in said.split("\n", 1)[1]
    assert "  Tip: " in said and "You said the opposite" not in said
