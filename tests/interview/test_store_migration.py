"""A session database written before scores and engines were typed (version 1: score dicts, engine labels, a
`turn_engine` on the state) opens, is migrated once, and reads back as typed values that the report can use."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from interviewer.bank.loader import Bank
from interviewer.interview.models import Plan, State
from interviewer.interview.report import build_report
from interviewer.interview.store import SessionStore, m001_initial
from interviewer.scoring.models import AnswerScore, Delivery, Engine, KeyPointResult, Ownership, Specificity

QID = "swe-rate-limiter"


def _v1_score(engine: str) -> dict[str, object]:
    score = AnswerScore(
        score=6.5,
        band="adequate",
        question_id=QID,
        key_points=[KeyPointResult(id="kp", text="A point.", verdict="covered", evidence="I'd use Redis.")],
        specificity=Specificity(ownership=Ownership(i=1, we=0), score=0.4),
        delivery=Delivery(words=20, filler_words=1, filler_rate=5.0, fillers={"um": 1}),
    ).model_dump()
    return {**score, "engine": engine, "a_field_since_removed": 1}


def _write_v1(path: Path) -> None:
    db = sqlite3.connect(path)
    m001_initial(db)  # the version-1 schema, as version 1 created it
    state = State(phase="questions", current=QID, asked=[QID]).model_dump()
    state |= {"scores": {QID: _v1_score("offline")}, "turn_engine": "llm:policy-1"}
    db.execute("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)",
               ("old", 1.0, 2.0, Plan().model_dump_json(), json.dumps(state)))  # fmt: skip
    turns = [
        {"role": "interviewer", "text": "Design a rate limiter.", "kind": "question", "question_id": QID},
        {"role": "candidate", "text": "I'd use Redis.", "kind": "answer", "question_id": QID,
         "score": _v1_score("offline (llm failed: LLMUnavailable: HTTP 500 after 3 attempts)")},
        {"role": "interviewer", "text": "Why Redis?", "kind": "follow-up", "question_id": QID,
         "engine": "offline (llm repeated an earlier question)"},
        {"role": "interviewer", "text": "And then?", "kind": "follow-up", "question_id": QID, "engine": "llm:policy-1"},
    ]  # fmt: skip
    db.executemany(
        "INSERT INTO turns VALUES (?, ?, ?, ?)", [("old", i, json.dumps(t), 1.0) for i, t in enumerate(turns)]
    )
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()


def test_a_version_1_database_is_migrated_to_typed_scores_and_engines(tmp_path: Path, bank: Bank) -> None:
    path = tmp_path / "sessions.sqlite3"
    _write_v1(path)
    session = SessionStore(path).load("old")

    answer = session.turns[1].score
    assert isinstance(answer, AnswerScore) and answer.score == 6.5
    assert answer.engine == Engine.fell_back(None, "failed", "LLMUnavailable: HTTP 500 after 3 attempts")
    refused = session.turns[2].engine
    assert refused is not None and refused.fallback == "refused" and "repeated an earlier question" in str(refused)
    assert session.turns[3].engine == Engine.llm("policy-1") and session.turns[0].engine is None
    assert session.state.scores[QID].engine == Engine() and session.state.scores[QID].key_points[0].verdict == "covered"
    assert "turn_engine" not in json.loads(sqlite3.connect(path).execute("SELECT state FROM sessions").fetchone()[0])
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3
    assert session.owner is None  # sessions from before accounts belong to nobody in particular

    report = build_report(bank, session)
    assert report["questions"][0]["score"] == 6.5 and report["delivery"]["filler_words"] == 1
    assert SessionStore(path).load("old") == session  # opening it again changes nothing
