"""The harnesses through nginx against two replicas that share a throwaway PostgreSQL and a `chroma run` server:
100 candidates at a person's pace and a back-to-back run (`interviewer reliability load --replicas 2`), 20 kills of
the replica serving the candidates (`interviewer reliability crash --replicas 2`), and PostgreSQL restarted in the
middle of an interview. Nothing acknowledged may be lost, and no session may show another's text.
`pytest -k replica` and `pytest -k postgres` select them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from interviewer.reliability import CrashConfig, LoadConfig, run_crash, run_load
from interviewer.reliability.app_process import AppProcess
from interviewer.reliability.client import AppClient, Plan, wait_until_warm
from interviewer.reliability.stack import nginx_binary
from interviewer.settings import Settings, get_settings
from interviewer.testing.chroma_server import ChromaServer
from interviewer.testing.postgres import Cluster
from tests.deploy.test_replicas import _nginx

PERSON_PACE_S = (20.0, 60.0)


@pytest.fixture
def team(postgres: Cluster, chroma_server: ChromaServer) -> Settings:
    """Settings of a team's stack: sessions in a fresh PostgreSQL database, the index on a Chroma server."""
    return get_settings().model_copy(
        update={"database_url": SecretStr(postgres.new_database()), "chroma_url": chroma_server.url}
    )


def test_replica_load_at_a_persons_pace_and_back_to_back(team: Settings, tmp_path: Path) -> None:
    _nginx()
    config = LoadConfig(candidates=100, duration_s=180, think_s=PERSON_PACE_S, replicas=2, data_dir=tmp_path)
    report = run_load(config, team, progress=False)
    print(report.table())  # the figures, with `pytest -s`
    assert report.setup.startswith("2 replicas behind nginx") and "PostgreSQL" in report.setup
    assert report.candidates == 100 and report.turns >= 150 and report.sessions_checked >= 100
    assert report.isolation_violations == 0 and report.transcript_mismatches == 0
    assert report.ok, report.problems
    fast = run_load(LoadConfig(candidates=20, duration_s=30, replicas=2, data_dir=tmp_path), team, progress=False)
    print(fast.table())
    assert fast.turns > 30 and fast.isolation_violations == 0 and fast.ok, fast.problems


def test_replica_crash_kills_the_serving_replica_20_times(team: Settings, tmp_path: Path) -> None:
    _nginx()
    report = run_crash(CrashConfig(trials=20, seed=1, replicas=2, data_dir=tmp_path), team, progress=False)
    print(report.table())
    assert report.setup.startswith("2 replicas behind nginx")
    assert report.trials == 20 and report.kills_mid_turn > 0
    assert report.lost_turns == 0 and report.half_turns == 0 and report.ok, report.problems


def test_postgres_restart_mid_interview_loses_nothing(postgres: Cluster, team: Settings, tmp_path: Path) -> None:
    """The database restarts, then goes down for a while and comes back, while a candidate interviews: the turn
    after the restart goes through on the same app; a turn sent while it is down is not recorded and says so (the
    answer stays with the candidate, and nothing half-written is left); sent again once it is back, it is kept
    once."""
    app = AppProcess(team, tmp_path)
    app.start()
    try:
        wait_until_warm(app.url)
        client = AppClient(app.url)
        sid, _ = client.start(Plan(["python-developer"], "intermediate", 3, "practice", "", 0))
        answers = ["I'd profile it first with cProfile, then fix the slowest query.",
                   "Then I'd add an index and measure p95 again.", "And a test so it does not come back."]  # fmt: skip
        client.send(sid, answers[0])
        postgres.restart()
        reply = client.send(sid, answers[1])
        assert not reply.notice, reply.notice  # the pool replaced its dead connections by itself
        postgres.halt()
        try:
            down = client.send(sid, answers[2])
            assert "cannot be reached" in down.notice and answers[2] not in str(down.chat)
        finally:
            postgres.resume()
        reply = client.send(sid, answers[2])
        assert not reply.notice, reply.notice
        stored = app.reader.turns(sid)
        assert stored is not None
        assert [t.text for t in stored if t.role == "candidate"] == answers  # each once, in order
        assert client.resume(sid).chat == reply.chat
        client.close()
    finally:
        app.stop()


def test_replica_harness_refuses_without_a_shared_database(tmp_path: Path) -> None:
    from interviewer.reliability.app_process import AppError

    if nginx_binary() is None:
        pytest.skip("nginx is not installed")
    with pytest.raises(AppError, match="INTERVIEWER_DATABASE_URL"):
        run_load(LoadConfig(candidates=1, duration_s=1, replicas=2, data_dir=tmp_path), Settings(data_dir=tmp_path))
