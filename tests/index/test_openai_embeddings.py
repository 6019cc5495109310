"""The OpenAI-compatible embedder, end to end through langchain-openai against a real local HTTP server."""

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.index.embedders import OpenAICompatible, make_embedder
from interviewer.index.store import BankIndex
from interviewer.settings import Settings
from interviewer.testing.fake_openai import FakeOpenAI


def test_configured_endpoint_builds_its_own_collection(
    tmp_path: Path, bank: Bank, monkeypatch: pytest.MonkeyPatch
) -> None:
    with FakeOpenAI() as server:
        monkeypatch.setenv("INTERVIEWER_EMBEDDING__PROVIDER", "openai")
        monkeypatch.setenv("INTERVIEWER_EMBEDDING__MODEL", "nomic-embed-text")
        monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", server.base_url)
        monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", "sk-test-key")
        settings = Settings(data_dir=tmp_path)
        embedder = make_embedder(settings)
        assert isinstance(embedder, OpenAICompatible)

        index = BankIndex(settings)
        assert index.collection_name == "bank-openai-nomic-embed-text"
        report = index.build(bank)
        assert report.added > 57
        assert server.requests and all(r["path"] == "/v1/embeddings" for r in server.requests)
        assert server.requests[0]["auth"] == "Bearer sk-test-key"
        assert server.requests[0]["body"]["model"] == "nomic-embed-text"
        assert isinstance(server.requests[0]["body"]["input"][0], str)  # raw text, no tiktoken token ids

        hits = index.search("Explain the GIL and choosing threading asyncio or multiprocessing", k=3)
        assert hits[0].id == "pyd-gil-concurrency"
        sent = len(server.requests)
        assert BankIndex(settings).build(bank).embedded == 0
        assert len(server.requests) == sent  # an unchanged bank costs no embedding calls
