"""The index on a Chroma server (`INTERVIEWER_CHROMA_URL`): built and searched as the local folder is, built once
by replicas that start together, and a server that is down or goes away gets a clear message while interviews go
on. `pytest -k chroma_server` runs these."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.cli import main
from interviewer.index.embedders import LocalMiniLM
from interviewer.index.store import BankIndex, IndexUnavailable, open_index
from interviewer.interview.models import Plan, Session, State
from interviewer.interview.selection import next_question
from interviewer.settings import Settings, get_settings
from interviewer.testing.chroma_server import ChromaServer

QUERIES = ["a third-party API keeps timing out", "how does the GIL affect threads", "tell me about a conflict"]


def _settings(tmp_path: Path, url: str) -> Settings:
    return Settings(data_dir=tmp_path / "replica", chroma_url=url)


def test_chroma_server_index_builds_and_searches_as_the_local_one(
    chroma_server: ChromaServer, tmp_path: Path, bank: Bank, embedder: LocalMiniLM, built_index: BankIndex
) -> None:
    remote, report = open_index(_settings(tmp_path, chroma_server.url), bank)
    assert remote.remote and report.added == built_index.count() == remote.count()
    for query in QUERIES:
        assert [h.id for h in remote.search(query, k=5)] == [h.id for h in built_index.search(query, k=5)]
    assert not (tmp_path / "replica" / "index" / "chroma.sqlite3").exists()  # nothing local
    again = BankIndex(_settings(tmp_path, chroma_server.url), embedder).build(bank)
    assert again.added == again.updated == 0 and again.unchanged == remote.count()  # nothing embedded twice


def test_chroma_server_replicas_starting_together_build_one_index(
    chroma_server: ChromaServer, tmp_path: Path, bank: Bank, embedder: LocalMiniLM
) -> None:
    gate = threading.Barrier(3)
    errors: list[BaseException] = []

    def replica(n: int) -> None:
        index = BankIndex(Settings(data_dir=tmp_path / f"r{n}", chroma_url=chroma_server.url), embedder)
        gate.wait()
        try:
            index.build(bank)
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=replica, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    index = BankIndex(_settings(tmp_path, chroma_server.url), embedder)
    hashes = index.stored_hashes()
    fresh = BankIndex(Settings(data_dir=tmp_path / "local"), embedder)
    fresh.build(bank)
    assert hashes == fresh.stored_hashes()  # one copy of every document, each at its content hash
    assert index.search(QUERIES[1], k=1)[0].id == fresh.search(QUERIES[1], k=1)[0].id


def test_chroma_server_down_says_so_and_interviews_go_on(
    chroma_server: ChromaServer,
    tmp_path: Path,
    bank: Bank,
    embedder: LocalMiniLM,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    index = BankIndex(_settings(tmp_path, chroma_server.url), embedder)
    index.build(bank)
    chroma_server.stop(remove=False)  # the server goes away mid-interview
    with pytest.raises(IndexUnavailable, match=f"cannot reach the Chroma server at {chroma_server.url}"):
        index.search(QUERIES[0])
    session = Session(id="s", plan=Plan(questions=3, seed=1), state=State(asked=[], answers_so_far=["I'd use Redis"]))
    assert next_question(bank, index, session) is not None  # the bank still gives the next question
    with pytest.raises(IndexUnavailable, match="chroma run"):  # and one that is down at start says so
        open_index(_settings(tmp_path, chroma_server.url), bank)
    monkeypatch.setenv("INTERVIEWER_CHROMA_URL", chroma_server.url)
    get_settings.cache_clear()
    assert main(["index", "build"]) == 2
    assert f"error: cannot reach the Chroma server at {chroma_server.url}" in capsys.readouterr().err
