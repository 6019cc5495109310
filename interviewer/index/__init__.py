"""The vector index over the bank (Chroma, one collection per embedder)."""

from interviewer.index.store import BankIndex, BuildReport, SearchHit, open_index

__all__ = ["BankIndex", "BuildReport", "SearchHit", "open_index"]
