"""The session store, run whole against both databases: SQLite (the default) and PostgreSQL (a throwaway cluster).

`pytest -k postgres` runs the PostgreSQL half."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.cli import main
from interviewer.index.store import BankIndex
from interviewer.interview import session_store
from interviewer.interview.interviewer import Interviewer
from interviewer.interview.models import Plan, Session, State, Turn
from interviewer.interview.store import MIGRATIONS, BaseStore, SessionNotFound, SessionStore, TurnConflict
from interviewer.interview.store_postgres import PostgresSessionStore, StoreUnavailable
from interviewer.scoring.scorer import OfflineScorer
from interviewer.settings import Settings
from interviewer.testing.postgres import Cluster

MARKER = "QUOKKAVELVET"


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a store lives: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "sessions.sqlite3")
    cluster: Cluster = request.getfixturevalue("postgres")
    return cluster.new_database()


def open_store(where: str) -> BaseStore:
    return PostgresSessionStore(where) if where.startswith("postgresql://") else SessionStore(Path(where))


@pytest.fixture
def store(db_url: str) -> Iterator[BaseStore]:
    s = open_store(db_url)
    yield s
    if isinstance(s, PostgresSessionStore):
        s.close()


def _session(sid: str = "abc123", text: str = "Hello.") -> Session:
    return Session(id=sid, plan=Plan(), turns=[Turn(role="interviewer", text=text, kind="greeting")])


def _answer(session: Session, text: str) -> list[Turn]:
    turns = [Turn(role="candidate", text=text, kind="answer"), Turn(role="interviewer", text="Why?", kind="follow-up")]
    session.turns.extend(turns)
    session.state = State(phase="questions", turn_counter=session.state.turn_counter + 1)
    return turns


def test_a_session_and_its_turns_read_back_as_written(store: BaseStore, db_url: str) -> None:
    session = _session()
    store.create(session)
    turns = _answer(session, f"{MARKER} I'd profile first.")
    store.append(session, turns)
    again = open_store(db_url).load(session.id)  # another connection, as another replica would open it
    assert again == session
    assert [r["id"] for r in store.list()] == [session.id] and store.list()[0]["turns"] == 3
    with pytest.raises(SessionNotFound):
        store.load("nope")


def test_the_second_writer_of_a_turn_loses_and_keeps_nothing(store: BaseStore, db_url: str) -> None:
    session = _session()
    store.create(session)
    mine, theirs = store.load(session.id), open_store(db_url).load(session.id)  # two tabs, two replicas
    store.append(mine, _answer(mine, "first tab"))
    with pytest.raises(TurnConflict):
        open_store(db_url).append(theirs, _answer(theirs, "second tab"))
    kept = store.load(session.id)
    assert [t.text for t in kept.turns if t.role == "candidate"] == ["first tab"]
    assert kept.state.turn_counter == 1


def test_two_writers_at_once_one_wins(store: BaseStore, db_url: str) -> None:
    session = _session()
    store.create(session)
    stores = [open_store(db_url) for _ in range(4)]
    copies = [s.load(session.id) for s in stores]
    gate = threading.Barrier(len(stores))
    outcome: list[str] = []

    def write(s: BaseStore, copy: Session, n: int) -> None:
        turns = _answer(copy, f"writer {n}")
        gate.wait()
        try:
            s.append(copy, turns)
            outcome.append("won")
        except TurnConflict:
            outcome.append("lost")

    pairs = enumerate(zip(stores, copies, strict=True))
    threads = [threading.Thread(target=write, args=(s, c, n)) for n, (s, c) in pairs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcome) == ["lost", "lost", "lost", "won"]
    assert len(store.load(session.id).turns) == 3


def test_accounts_each_session_keeps_its_owner_and_lists_by_owner(store: BaseStore, db_url: str) -> None:
    for sid, owner in (("a1", "alice"), ("b1", "bob"), ("a2", "alice"), ("n1", None)):
        session = _session(sid)
        session.owner = owner
        store.create(session)
    again = open_store(db_url)
    assert again.load("a1").owner == "alice" and again.load("n1").owner is None
    assert sorted(str(r["id"]) for r in again.list(owner="alice")) == ["a1", "a2"]
    assert [r["id"] for r in again.list(owner="bob")] == ["b1"] and again.list(owner="carol") == []
    assert len(again.list()) == 4 and {r["owner"] for r in again.list()} == {"alice", "bob", None}
    session = again.load("b1")
    again.append(session, _answer(session, "an answer"))
    assert again.load("b1").owner == "bob"  # a turn does not change whose it is


def test_migrations_run_once_even_when_several_start_together(db_url: str) -> None:
    opened: list[BaseStore] = []
    threads = [threading.Thread(target=lambda: opened.append(open_store(db_url))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(opened) == 4
    for s in opened:
        if isinstance(s, PostgresSessionStore):
            assert s.version() == len(MIGRATIONS)
    opened[0].create(_session())
    assert opened[-1].load("abc123").turns[0].text == "Hello."


def test_deletion_deletes(store: BaseStore, db_url: str, postgres_files: Path | None) -> None:
    for sid in ("aaa111", "bbb222"):
        session = _session(sid, f"{MARKER}-{sid}")
        store.create(session)
        store.append(session, _answer(session, f"{MARKER}-{sid} my answer"))
    assert store.delete("aaa111") and not store.delete("aaa111")
    with pytest.raises(SessionNotFound):
        store.load("aaa111")
    assert [r["id"] for r in store.list()] == ["bbb222"]
    files = _table_bytes(db_url, postgres_files)
    assert f"{MARKER}-aaa111".encode() not in files and f"{MARKER}-bbb222".encode() in files
    assert store.delete_all() == 1 and store.list() == []
    assert MARKER.encode() not in _table_bytes(db_url, postgres_files)


@pytest.fixture
def postgres_files(db_url: str, request: pytest.FixtureRequest) -> Path | None:
    """The cluster's table files, for the PostgreSQL half."""
    return request.getfixturevalue("postgres").data / "base" if db_url.startswith("postgresql://") else None


def _table_bytes(db_url: str, base: Path | None) -> bytes:
    """Every byte of the database's files: the SQLite file and its WAL, or the PostgreSQL cluster's tables."""
    if base is None:
        folder = Path(db_url).parent
        return b"".join(p.read_bytes() for p in folder.iterdir() if p.name.startswith("sessions.sqlite3"))
    return b"".join(p.read_bytes() for p in base.rglob("*") if p.is_file())


def test_a_database_that_cannot_be_reached_says_so_without_the_password() -> None:
    with pytest.raises(StoreUnavailable, match="cannot use the session database") as e:
        PostgresSessionStore("postgresql://me:s3cret@127.0.0.1:9/none", connect_timeout_s=1)
    assert "s3cret" not in str(e.value) and "me:***@127.0.0.1:9" in str(e.value)


def test_postgres_setting_selects_the_database(postgres: Cluster, tmp_path: Path) -> None:
    url = postgres.new_database()
    store = session_store(Settings(data_dir=tmp_path, database_url=url))  # type: ignore[arg-type]
    assert isinstance(store, PostgresSessionStore) and store.where == url
    assert isinstance(session_store(Settings(data_dir=tmp_path)), SessionStore)  # the default stays SQLite
    with pytest.raises(ValueError, match="postgresql://"):
        session_store(Settings(data_dir=tmp_path, database_url="mysql://x"))  # type: ignore[arg-type]


def test_sessions_move_between_sqlite_and_postgres(
    postgres: Cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite = tmp_path / "old.sqlite3"
    source = SessionStore(sqlite)
    for sid in ("s1", "s2"):
        session = _session(sid, f"Hello {sid}. Ünïcode ✓")
        session.owner = "alice" if sid == "s1" else None  # whose it is moves with it
        source.create(session)
        source.append(session, _answer(session, f"{MARKER} answer of {sid}"))
    url = postgres.new_database()
    out = tmp_path / "all.jsonl"
    assert main(["sessions", "export", str(out), "--database", str(sqlite)]) == 0
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    assert main(["sessions", "import", str(out), "--database", url]) == 0
    assert "imported 2 session(s)" in capsys.readouterr().out
    target = PostgresSessionStore(url)
    assert [target.load(s) for s in ("s1", "s2")] == [source.load(s) for s in ("s1", "s2")]
    assert [r["created"] for r in target.list()] == [r["created"] for r in source.list()]  # times kept
    assert main(["sessions", "import", str(out), "--database", url]) == 0  # again: nothing doubled
    assert "imported 0 session(s)" in capsys.readouterr().out and len(target.list()) == 2
    back = tmp_path / "back.jsonl"
    assert main(["sessions", "export", str(back), "--database", url]) == 0
    assert back.read_text() == out.read_text()
    out.write_text("not json\n")
    assert main(["sessions", "import", str(out), "--database", url]) == 2
    assert "line 1 is not an exported session" in capsys.readouterr().err


def test_an_interview_runs_on_postgres_and_a_stale_replica_cannot_overwrite_it(
    postgres: Cluster, bank: Bank, scorer: OfflineScorer, built_index: BankIndex
) -> None:
    url = postgres.new_database()
    replica_a = Interviewer(bank, scorer, PostgresSessionStore(url), built_index)
    replica_b = Interviewer(bank, scorer, PostgresSessionStore(url), built_index)
    session = replica_a.start(Plan(questions=1, seed=3))
    stale = replica_b.store.load(session.id)  # the same session, open in a second tab on another replica
    replica_a.reply(session, "I'd profile first with cProfile, then fix the slowest query and measure again.")
    with pytest.raises(TurnConflict):
        replica_b.reply(stale, "Something else entirely.")
    stored = replica_b.store.load(session.id)
    assert stored == session  # what the first replica acknowledged, nothing of the second
    replica_b.reply(stored, "I would add an index on the column we filter by.")  # and it carries on from there
    assert len(replica_a.store.load(session.id).turns) > len(session.turns)
