"""Rubric vectors saved on disk: reused on the next start, refreshed for edited text, ignored when broken."""

from pathlib import Path

import numpy as np

from interviewer.bank.loader import Bank
from interviewer.index.embedders import LocalMiniLM
from interviewer.scoring.rubric import from_question
from interviewer.scoring.scorer import OfflineScorer
from interviewer.scoring.vector_cache import load_vectors, save_vectors


class CountingEmbedder(LocalMiniLM):
    def __init__(self, inner: LocalMiniLM):
        self.inner, self.embedded = inner, 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += len(texts)
        return self.inner.embed_documents(texts)


def test_a_restart_reuses_saved_rubric_vectors(tmp_path: Path, bank: Bank, embedder: LocalMiniLM) -> None:
    rubrics = [from_question(q) for q in bank.questions[:3]]
    cache = tmp_path / "rubric-vectors.npz"
    first = CountingEmbedder(embedder)
    OfflineScorer(first).warm(rubrics, cache_file=cache)
    assert first.embedded > 20 and cache.is_file()

    again = CountingEmbedder(embedder)
    scorer = OfflineScorer(again)
    scorer.warm(rubrics, cache_file=cache)
    assert again.embedded == 1  # only the model-loading probe
    answer = "I use asyncio for I/O-bound work and multiprocessing for CPU-bound work."
    assert scorer.score(rubrics[0], answer) == OfflineScorer(embedder).score(rubrics[0], answer)

    edited = [from_question(q) for q in bank.questions[:4]]  # one more question: only its texts are new
    more = CountingEmbedder(embedder)
    OfflineScorer(more).warm(edited, cache_file=cache)
    assert 1 < more.embedded < first.embedded
    saved = load_vectors(cache, embedder.name)
    assert all(t in saved for r in edited for t in r.topic_texts)


def test_a_broken_or_foreign_cache_is_ignored(tmp_path: Path) -> None:
    broken = tmp_path / "v.npz"
    broken.write_bytes(b"not a numpy file")
    assert load_vectors(broken, "m") == {}
    save_vectors(broken, "other-model", {"a": np.ones(3, dtype=np.float32)})
    assert load_vectors(broken, "m") == {} and set(load_vectors(broken, "other-model")) == {"a"}
    assert load_vectors(tmp_path / "missing.npz", "m") == {}
