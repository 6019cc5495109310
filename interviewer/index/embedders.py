"""Embedding functions for the index. Always explicit: Chroma's own default would try to download a model.

Both are LangChain `Embeddings`, so the vector store and any later retriever see one interface. Nothing here
loads a model or opens a connection until the first text is embedded.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.embeddings import Embeddings

from interviewer.index.minilm import MiniLM
from interviewer.settings import Settings


class LocalMiniLM(Embeddings):
    """all-MiniLM-L6-v2 on ONNX Runtime (`interviewer/index/minilm.py`): offline, CPU, no PyTorch at run time."""

    name = "minilm-l6-v2-onnx"  # the collection and the rubric-vector cache are keyed by it
    replaces = ("minilm-l6-v2",)  # the same model on PyTorch (before 2026-12-05): its collection is rebuilt once

    def __init__(self, batch_size: int = 32):
        self.batch_size = batch_size
        self.model = MiniLM()  # loads on the first text, under its own lock (the web app warms up in a thread)

    def _encode(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self.model.encode(texts, self.batch_size)]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts))

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


class OpenAICompatible(Embeddings):
    """Any OpenAI-compatible `/embeddings` endpoint, through langchain-openai."""

    def __init__(self, model: str, base_url: str | None, api_key: str | None, batch_size: int = 32):
        from langchain_openai import OpenAIEmbeddings

        self.name = "openai-" + re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
        # check_embedding_ctx_length would fetch tiktoken's BPE file from the network; we send raw text instead.
        kwargs: dict[str, Any] = {"model": model, "check_embedding_ctx_length": False, "chunk_size": batch_size}
        if base_url:
            kwargs["base_url"] = base_url
        kwargs["api_key"] = api_key or "not-needed"
        self._inner = OpenAIEmbeddings(**kwargs)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_documents(list(texts))

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)


def make_embedder(settings: Settings) -> LocalMiniLM | OpenAICompatible:
    """The embedder the settings ask for. `provider` is validated by the settings model."""
    emb = settings.embedding
    if emb.provider == "local":
        return LocalMiniLM(batch_size=emb.batch_size)
    key = emb.api_key or settings.llm.api_key
    return OpenAICompatible(
        model=emb.model,
        base_url=emb.base_url or settings.llm.base_url,
        api_key=key.get_secret_value() if key else None,
        batch_size=emb.batch_size,
    )
