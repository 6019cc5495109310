"""`interviewer score` and `interviewer eval scoring`, the way a user runs them."""

import io
import json
import sys
from pathlib import Path

import pytest

from interviewer.cli import main

ANSWER = (
    "I'd put a token bucket per API key in Redis, updated atomically with a Lua script, behind a small stateless "
    "FastAPI service, and export allow and deny counts to Prometheus."
)


def test_scorecard_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--question-id", "swe-rate-limiter", "--answer", ANSWER]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Question: Design a simple rate limiter") and "Score: " in out and "Key points:" in out
    assert main(["score", "--question-id", "swe-rate-limiter", "--answer", ANSWER, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["question_id"] == "swe-rate-limiter" and data["engine"]["kind"] == "offline"


def test_answer_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ANSWER.encode() + b"\xff\xfe")))
    assert main(["score", "--question", "How would you build a rate limiter?", "--key-point", "token bucket",
                 "--answer", "-", "--json"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["question_id"] is None and len(data["key_points"]) == 1


def test_batch_keeps_order_and_survives_bad_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "in.jsonl"
    lines = [
        {"question_id": "swe-rate-limiter", "answer": ANSWER},
        "this is not json",
        {"question_id": "no-such-question", "answer": "x"},
        {"question_id": "swe-rate-limiter"},
        {"question": "What is a token bucket?", "key_points": ["refills tokens at a fixed rate"], "answer": ANSWER,
         "audio_seconds": 12},
        {"question_id": "swe-rate-limiter", "answer": ""},
    ]  # fmt: skip
    batch.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    assert main(["score", "--batch", str(batch)]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 6
    assert out[0]["question_id"] == "swe-rate-limiter" and out[0]["score"] is not None
    assert "error" in out[1] and "no question with id" in out[2]["error"] and "answer" in out[3]["error"]
    assert out[4]["delivery"]["words_per_minute"] is not None
    assert out[5]["unscored_reason"] == "empty"


def test_missing_answer_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--question-id", "swe-rate-limiter"]) == 2
    assert "--answer is required" in capsys.readouterr().err


def test_eval_scoring_prints_metrics_and_baselines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "scoring", "--split", "test", "--json"]) == 0
    suite = json.loads(capsys.readouterr().out)["suites"]["scoring"]
    data = suite["figures"] | {"baselines": suite["baselines"]}
    metrics = {"key_point_f1", "red_flag_f1", "spearman", "ranking_accuracy", "abstain_accuracy",
               "injection_inflations", "evidence_validity", "answers_per_second"}  # fmt: skip
    assert metrics <= set(data) and metrics <= set(data["baselines"]["length"]) <= set(data["baselines"]["overlap"]) | {
        "n"
    }
    assert data["n"] >= 100 and data["evidence_validity"] == 1.0 and data["injection_inflations"] == 0
    for name in ("key_point_f1", "red_flag_f1"):
        assert data[name] > data["baselines"]["length"][name] and data[name] > data["baselines"]["overlap"][name]
    # truth: the baselines cannot find a contradiction; the scorer must, and keyword lists and don't-knows earn nothing
    assert data["contradiction_f1"] > data["baselines"]["length"]["contradiction_f1"] == 0.0
    assert data["keyword_lists_above_2_5"] == 0 and data["dont_know_unscored_rate"] == 1.0
    assert "spearman_lead_over_length" in data and {"confidently-wrong", "keyword-list"} <= set(suite["by_kind"])


def test_explain_prints_the_readers_probabilities_per_claim(capsys: pytest.CaptureFixture[str]) -> None:
    """--explain: for each claim, its nearest spans and what the shipped answer reader reads in each."""
    wrong = "The GIL lets threads run bytecode in parallel on several cores, so threading is best for CPU-bound work."
    assert main(["score", "--question-id", "pyd-gil-concurrency", "--answer", wrong, "--explain"]) == 0
    out = capsys.readouterr().out
    why = out[out.index("Why: ") :]
    assert why.count("  key point: ") == 5 and "  red flag: " in why
    rows = [line.split() for line in why.splitlines() if line.startswith("      ") and "cos" in line]
    assert rows and all(abs(sum(float(x) for x in r[:3]) - 1) < 0.02 for r in rows)
    assert all(r[3] == "cos" for r in rows)  # each row: three probabilities, the cosine, then the quoted span


def test_a_scenario_stage_is_scored_by_its_id(capsys: pytest.CaptureFixture[str]) -> None:
    """`scenario-id/stage-id`, as the interview stores a stage: the stage's expected actions are the key points."""
    answer = (
        "First I'd check the dashboards for the error rate and how many customers are hit, then post in the channel."
    )
    assert main(["score", "--question-id", "production-bug/triage-impact", "--answer", answer, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["question_id"] == "production-bug/triage-impact" and data["score"] is not None
    assert main(["score", "--question-id", "production-bug/no-such-stage", "--answer", answer]) == 2
    assert "has no stage 'no-such-stage'" in capsys.readouterr().err
