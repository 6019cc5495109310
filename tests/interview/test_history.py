"""History, trends and recommendations over real sessions in a real SQLite store."""

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from interviewer.bank.loader import Bank
from interviewer.index.store import BankIndex
from interviewer.interview.history import STRONG, competency_trends, recommend, session_history, trend_chart
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan, Session, State
from interviewer.interview.store import SessionStore
from interviewer.scoring.scorer import OfflineScorer

GOOD = (
    "The GIL lets only one thread execute Python bytecode at a time, so threads don't help CPU-bound work. For "
    "I/O-bound calls I use asyncio or a thread pool, for CPU-bound work multiprocessing, I cap concurrency with a "
    "semaphore, and I profile with py-spy to confirm it helped."
)
VAGUE = "I would look at it carefully and use good practices to make it work well."
SVG = "{http://www.w3.org/2000/svg}"


def _run(interviewer: Interviewer, plan: Plan, answer: str) -> Session:
    session = interviewer.start(plan)
    for _ in range(10):
        if session.state.phase == "done":
            break
        interviewer.reply(session, answer if session.state.phase == "questions" else "No, that's all, thanks.")
    assert session.state.phase == "done"
    return session


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> SessionStore:
    return SessionStore(tmp_path_factory.mktemp("history") / "s.sqlite3")


@pytest.fixture(scope="module")
def sessions(store: SessionStore, bank: Bank, scorer: OfflineScorer, built_index: BankIndex) -> list[Session]:
    """Oldest first: weak on testing, strong on concurrency, then one started and left."""
    interviewer = Interviewer(bank, scorer, store, built_index)
    weak = _run(interviewer, Plan(questions=1, seed=1, focus=["testing"]), VAGUE)
    strong = _run(interviewer, Plan(questions=1, seed=2, focus=["concurrency"]), GOOD)
    left = interviewer.start(Plan(questions=2, seed=3, focus=["testing"]))
    return [weak, strong, left]


@pytest.fixture(scope="module")
def rows(store: SessionStore, bank: Bank, sessions: list[Session]) -> list[dict[str, Any]]:
    return session_history(store, bank)


def test_one_row_per_session_newest_first(rows: list[dict[str, Any]], sessions: list[Session]) -> None:
    weak, strong, left = sessions
    assert [r["id"] for r in rows] == [left.id, strong.id, weak.id]
    dates = [datetime.fromisoformat(r["date"]) for r in rows]
    assert dates == sorted(dates, reverse=True) and all(d.tzinfo is not None for d in dates)
    assert [r["phase"] for r in rows] == ["questions", "done", "done"]
    assert all(r["tracks"] == ["python-developer"] and r["level"] == "intermediate" for r in rows)
    assert rows[2]["competencies"].keys() == {"testing"} and rows[1]["competencies"].keys() == {"concurrency"}
    assert rows[0]["competencies"] == {} and rows[0]["overall"] is None  # asked, never answered: not a zero
    assert rows[1]["overall"] is not None and rows[2]["overall"] is not None
    assert rows[2]["overall"] < 5.0 <= STRONG <= rows[1]["overall"]
    assert rows[2]["asked"] == weak.state.asked and all(r["problem"] is None for r in rows)


def test_trends_run_oldest_to_newest_and_skip_unscored(rows: list[dict[str, Any]]) -> None:
    trends = competency_trends(rows)
    assert list(trends) == ["concurrency", "testing"]
    assert trends["testing"] == [(rows[2]["date"], rows[2]["competencies"]["testing"])]
    assert trends["concurrency"] == [(rows[1]["date"], rows[1]["competencies"]["concurrency"])]
    more = competency_trends([{**rows[1], "id": "z", "created": rows[0]["created"] + 1, "date": "later"}, *rows])
    assert [d for d, _ in more["concurrency"]] == [rows[1]["date"], "later"]


def test_recommendations_start_with_the_weak_competency(bank: Bank, rows: list[dict[str, Any]]) -> None:
    recs = recommend(bank, rows, ["python-developer"], "intermediate")
    assert len(recs) == 5 and recs == recommend(bank, rows, ["python-developer"], "intermediate")
    assert recs[0]["competency"] == "testing" and "averaged" in recs[0]["why"] and "over 1 session" in recs[0]["why"]
    assert recs[0]["asked_before"]  # the bank's only intermediate testing question: worth another go
    rest = recs[1:]
    assert all(not r["asked_before"] and "not practised yet" in r["why"] for r in rest)
    assert len({r["competency"] for r in rest}) == 4 and "concurrency" not in {r["competency"] for r in recs}
    everything = recommend(bank, rows, ["python-developer"], "intermediate", n=100)
    assert everything[-1]["competency"] == "concurrency" and everything[-1]["asked_before"]
    assert (
        len(everything)
        == len({r["id"] for r in everything})
        == sum(q.track == "python-developer" and q.level == "intermediate" for q in bank.questions)
    )


def test_recommendations_prefer_new_questions_of_the_weakest_competency(bank: Bank) -> None:
    delivery = sorted(
        q.id for q in bank.questions if q.track == "software-engineer-python" and q.competency == "delivery"
    )
    data = sorted(q.id for q in bank.questions if q.track == "software-engineer-python" and q.competency == "data")
    rows = [
        {"competencies": {"data": 6.0, "delivery": 2.0}, "asked": [delivery[0]]},
        {"competencies": {"data": 3.0, "delivery": 4.0}, "asked": [data[0]]},
    ]
    recs = recommend(bank, rows, ["software-engineer-python"], "intermediate", n=3)
    assert [r["competency"] for r in recs] == ["delivery", "data", "api-design"]
    assert recs[0]["id"] == delivery[1] and recs[1]["id"] == data[1]
    assert recs[0]["why"] == "competency 'delivery' averaged 3.0 over 2 sessions"
    recent_only = recommend(bank, rows, ["software-engineer-python"], "intermediate", n=1, recent=1)
    assert recent_only[0]["competency"] == "delivery" and "over 1 session" in recent_only[0]["why"]


def test_trend_chart_has_a_bar_per_session_and_escapes_labels(rows: list[dict[str, Any]]) -> None:
    trends = competency_trends(rows) | {"<script>alert(1)</script>": [("2024-01-01T10:00:00", 4.0), ("x", 8.0)]}
    svg = trend_chart(trends)
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert len(root.findall(f".//{SVG}rect[@class='bar']")) == sum(len(p) for p in trends.values()) == 4
    assert trend_chart({}) == ""


def test_a_session_the_bank_no_longer_covers_is_listed_not_fatal(tmp_path: Path, bank: Bank) -> None:
    store = SessionStore(tmp_path / "s.sqlite3")
    store.create(Session(id="old", plan=Plan(), state=State(asked=["a-question-since-removed"])))
    [row] = session_history(store, bank)
    assert row["id"] == "old" and row["overall"] is None and "a-question-since-removed" in row["problem"]
