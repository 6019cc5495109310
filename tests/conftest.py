"""Shared fixtures. User state always goes to a temporary directory; the embedding model is the real one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from interviewer.bank.loader import Bank, load_bank
from interviewer.index.embedders import LocalMiniLM
from interviewer.index.store import BankIndex
from interviewer.settings import PACKAGE_DIR, Settings, get_settings

if TYPE_CHECKING:
    from interviewer.scoring.scorer import OfflineScorer
    from interviewer.testing.chroma_server import ChromaServer
    from interviewer.testing.postgres import Cluster

KNOWLEDGE = PACKAGE_DIR / "knowledge"


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Nothing a test does touches the user's real data directory."""
    data = tmp_path / "data"
    monkeypatch.setenv("INTERVIEWER_DATA_DIR", str(data))
    for name in ("INTERVIEWER_LLM__BASE_URL", "INTERVIEWER_LLM__API_KEY", "INTERVIEWER_EMBEDDING__PROVIDER"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield data
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def fresh_breakers() -> Iterator[None]:
    """Each test starts with no circuit breakers: they are per process and keyed by endpoint and model, and a test
    server can get the port an earlier test's server had, so an earlier test's failures (and thresholds) would
    otherwise carry over."""
    from interviewer import resilience

    with resilience._breakers_lock:
        resilience._breakers.clear()
    yield


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank(KNOWLEDGE)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped bank, for tests that break it on purpose."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns("sources"))
    return target


@pytest.fixture(scope="session")
def embedder() -> LocalMiniLM:
    """One real all-MiniLM-L6-v2 for the whole session: loading it takes seconds."""
    return LocalMiniLM()


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, bank: Bank, embedder: LocalMiniLM) -> BankIndex:
    """The shipped bank, indexed once into a real persistent Chroma folder."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("index-data"))
    index = BankIndex(settings, embedder=embedder)
    index.build(bank)
    return index


@pytest.fixture(scope="session")
def scorer(embedder: LocalMiniLM) -> OfflineScorer:
    from interviewer.scoring.scorer import OfflineScorer

    return OfflineScorer(embedder)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden transcripts instead of comparing")


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A throwaway PostgreSQL cluster for the whole run (Debian's binaries, loopback only), stopped at the end."""
    from interviewer.testing.postgres import Cluster, binaries

    if binaries() is None:
        if os.environ.get("REQUIRE_POSTGRES_TESTS") == "1":
            pytest.fail("PostgreSQL is missing: apt-get install -y postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install -y postgresql)")
    cluster = Cluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def chroma_server() -> Iterator[ChromaServer]:
    """A throwaway Chroma server (`chroma run`, from the chromadb wheel) on a free loopback port, empty."""
    from interviewer.testing.chroma_server import ChromaServer

    server = ChromaServer().start()
    try:
        yield server
    finally:
        server.stop()
