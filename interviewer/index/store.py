"""The bank's vector index: a persistent Chroma collection per embedder, rebuilt incrementally by hash."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.embeddings import Embeddings
from pydantic import BaseModel

from interviewer.bank.loader import Bank
from interviewer.index.documents import IndexDoc, bank_documents
from interviewer.settings import Settings

if TYPE_CHECKING:
    from langchain_chroma import Chroma


log = logging.getLogger(__name__)
VIEWS = 3  # most vectors one bank entry has (see documents.question_docs)


class SearchHit(BaseModel):
    id: str
    kind: str
    text: str
    score: float  # cosine similarity, higher is better
    track: str
    level: str
    competency: str


@dataclass(frozen=True)
class BuildReport:
    added: int
    updated: int
    removed: int
    unchanged: int
    seconds: float
    notice: str | None = None  # set when a broken index was found and rebuilt

    @property
    def embedded(self) -> int:
        return self.added + self.updated

    def __str__(self) -> str:
        return (
            f"{self.added} added, {self.updated} updated, {self.removed} removed, "
            f"{self.unchanged} unchanged in {self.seconds:.2f} s"
        )


def _where(filters: dict[str, str | None]) -> dict[str, Any] | None:
    clauses = [{key: value} for key, value in filters.items() if value]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class IndexUnavailable(OSError):
    """The Chroma server cannot be reached or used; the message names it (an OSError: the CLI prints it)."""


def _server(url: str) -> tuple[str, int, bool]:
    """http://host:port -> (host, port, ssl)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"INTERVIEWER_CHROMA_URL must look like http://host:8000, not {url!r}")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 8000), parts.scheme == "https"


class BankIndex:
    """Owns one Chroma collection named after its embedder, in `settings.index_dir`."""

    def __init__(self, settings: Settings, embedder: Embeddings | None = None):
        from interviewer.index.embedders import make_embedder

        self.settings = settings
        self.embedder = embedder if embedder is not None else make_embedder(settings)
        self.embedder_name: str = getattr(self.embedder, "name", type(self.embedder).__name__.lower())
        self.collection_name = f"bank-{self.embedder_name}"[:60]
        self._store: Chroma | None = None
        self._client: Any = None
        self._bank: Bank | None = None
        self.notice: str | None = None  # the latest recovery, for the UI and `doctor`

    @property
    def store(self) -> Chroma:
        if self._store is None:
            import chromadb
            from chromadb.config import Settings as ChromaSettings
            from langchain_chroma import Chroma

            self.settings.index_dir.mkdir(parents=True, exist_ok=True)
            if self.remote:
                assert self.settings.chroma_url is not None
                host, port, ssl = _server(self.settings.chroma_url)
                try:
                    client = chromadb.HttpClient(
                        host=host, port=port, ssl=ssl, settings=ChromaSettings(anonymized_telemetry=False)
                    )
                    client.heartbeat()
                except Exception as e:
                    raise IndexUnavailable(self._down(e)) from e
            else:
                client = chromadb.PersistentClient(
                    path=str(self.settings.index_dir), settings=ChromaSettings(anonymized_telemetry=False)
                )
            self._client = client
            self._store = Chroma(
                collection_name=self.collection_name,
                embedding_function=self.embedder,
                client=client,
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
        return self._store

    @property
    def remote(self) -> bool:
        """On a Chroma server (`chroma_url`) rather than the local folder."""
        return self.settings.chroma_url is not None

    @property
    def where(self) -> str:
        return f"the Chroma server at {self.settings.chroma_url}" if self.remote else str(self.settings.index_dir)

    def _down(self, e: BaseException) -> str:
        reason = " ".join(str(e).split())[:200] or type(e).__name__
        return (
            f"cannot reach {self.where} ({type(e).__name__}: {reason}); start it (`chroma run`) or unset "
            "INTERVIEWER_CHROMA_URL to use the local index"
        )

    def stored_hashes(self) -> dict[str, str]:
        got = self.store.get(include=["metadatas"])
        return {i: str((m or {}).get("content_hash", "")) for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def count(self) -> int:
        return len(self.store.get(include=[])["ids"])

    @property
    def manifest_path(self) -> Path:
        return self.settings.index_dir / f"{self.collection_name}.manifest.json"

    def _fingerprint(self, docs: list[IndexDoc]) -> dict[str, Any]:
        """The bank's hashes plus the store file's size: if both match, nothing needs doing.

        Not its mtime: Chroma touches the file whenever a client opens it, even to read.
        """
        digest = hashlib.sha256("".join(sorted(f"{d.id}={d.content_hash};" for d in docs)).encode()).hexdigest()
        db = self.settings.index_dir / "chroma.sqlite3"
        stat = db.stat() if db.exists() else None
        return {"digest": digest, "store": stat.st_size if stat else None}

    def build(self, bank: Bank, progress: bool = False) -> BuildReport:
        """Embed only documents whose content hash changed; drop documents no longer in the bank."""
        start = time.perf_counter()
        self._bank = bank
        docs = bank_documents(bank, self.embedder_name)
        if self._store is None and self._manifest_matches(docs):
            # Unchanged bank and untouched store: skip importing and opening Chroma (about 1.5 s).
            return BuildReport(0, 0, 0, len(docs), time.perf_counter() - start)
        stored = self.stored_hashes()
        replaced = self._drop_replaced() if not stored else None
        changed = [d for d in docs if stored.get(d.id) != d.content_hash]
        stale = sorted(set(stored) - {d.id for d in docs})
        if stale:
            self.store.delete(ids=stale)
        self._embed(changed, progress)
        self.manifest_path.write_text(json.dumps(self._fingerprint(docs)), encoding="utf-8")
        report = BuildReport(
            added=sum(d.id not in stored for d in changed),
            updated=sum(d.id in stored for d in changed),
            removed=len(stale),
            unchanged=len(docs) - len(changed),
            seconds=time.perf_counter() - start,
        )
        if replaced:
            self.notice = (
                f"the index was made by {replaced}, which this version replaces with {self.embedder_name}; "
                f"it was rebuilt once, in {report.seconds:.1f} s"
            )
            log.warning("%s", self.notice)
            report = replace(report, notice=self.notice)
        return report

    def _drop_replaced(self) -> str | None:
        """Delete the collection an earlier version's embedder made (its vectors differ slightly from this one's),
        so an upgraded install rebuilds once and says so, instead of keeping two copies. Returns its name."""
        for old in getattr(self.embedder, "replaces", ()):
            name = f"bank-{old}"[:60]
            manifest = self.settings.index_dir / f"{name}.manifest.json"
            try:
                self._client.delete_collection(name)
            except Exception:  # chromadb raises NotFoundError or ValueError by version: nothing to replace
                if not manifest.exists():
                    continue
            manifest.unlink(missing_ok=True)
            return old
        return None

    def _manifest_matches(self, docs: list[IndexDoc]) -> bool:
        try:
            recorded = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        current = self._fingerprint(docs)
        return current["store"] is not None and recorded == current

    def _embed(self, docs: list[IndexDoc], progress: bool) -> None:
        if not docs:
            return
        from tqdm import tqdm

        size = self.settings.embedding.batch_size
        docs = sorted(docs, key=lambda d: len(d.text))  # similar lengths per batch: less padding, ~2x faster
        with tqdm(total=len(docs), desc="Embedding bank", unit="doc", disable=not progress) as bar:
            for i in range(0, len(docs), size):
                batch = docs[i : i + size]
                self.store.add_texts(
                    texts=[d.text for d in batch],
                    metadatas=[dict(d.metadata) for d in batch],
                    ids=[d.id for d in batch],
                )
                bar.update(len(batch))

    def search(
        self,
        query: str,
        k: int = 5,
        track: str | None = None,
        level: str | None = None,
        kind: str | None = None,
        competency: str | None = None,
    ) -> list[SearchHit]:
        """Best first. An empty query returns nothing rather than an arbitrary ranking.

        A store that fails here (corrupted on disk after it was opened) is rebuilt once, with a notice."""
        if not query.strip():
            return []
        try:
            return self._search(query, k, track, level, kind, competency)
        except IndexUnavailable:
            raise
        except Exception as e:
            if self.remote:  # nothing local to rebuild: the server is down or failing
                self._store = None  # the next search connects again
                raise IndexUnavailable(self._down(e)) from e
            if self._bank is None:
                raise
            self.recover(self._bank, f"the index failed on search ({type(e).__name__})")
            return self._search(query, k, track, level, kind, competency)

    def recover(self, bank: Bank, reason: str, progress: bool = False) -> BuildReport:
        """Move the broken index aside and build a fresh one. Nothing in it is user data: it is all the bank's."""
        self._store = None
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()  # chromadb caches one client per path; that one is broken
        aside = self.settings.index_dir.with_name(f"index.broken-{int(time.time())}")
        if self.settings.index_dir.exists():
            shutil.rmtree(aside, ignore_errors=True)
            self.settings.index_dir.rename(aside)
        log.warning("%s; rebuilt it from the bank (the broken copy is in %s)", reason, aside)
        report = self.build(bank, progress=progress)
        self.notice = f"{reason}; it was rebuilt from the bank in {report.seconds:.1f} s"
        return replace(report, notice=self.notice)

    def _search(
        self, query: str, k: int, track: str | None, level: str | None, kind: str | None, competency: str | None
    ) -> list[SearchHit]:
        where = _where({"track": track, "level": level, "kind": kind, "competency": competency})
        # Each question has up to VIEWS vectors, so this many results always hold k distinct entries.
        results = self.store.similarity_search_with_score(query, k=k * VIEWS, filter=where)
        best: dict[str, SearchHit] = {}
        for doc, distance in results:  # best first, so the first view seen per entry is its best
            bank_id = str(doc.metadata["bank_id"])
            if bank_id not in best:
                best[bank_id] = SearchHit(
                    id=bank_id,
                    kind=str(doc.metadata["kind"]),
                    text=str(doc.metadata["display"]),
                    score=round(1.0 - float(distance), 4),
                    track=str(doc.metadata["track"]),
                    level=str(doc.metadata["level"]),
                    competency=str(doc.metadata["competency"]),
                )
        return list(best.values())[:k]


def open_index(settings: Settings, bank: Bank, progress: bool = False) -> tuple[BankIndex, BuildReport]:
    """An index that matches the bank: builds on first use, then re-embeds only what changed.

    A missing index is simply built; a corrupt one is moved aside and rebuilt, and the report says so."""
    index = BankIndex(settings)
    try:
        return index, index.build(bank, progress=progress)
    except IndexUnavailable:
        raise
    except Exception as e:  # chromadb raises many types for a damaged folder; the bank can always rebuild it
        if index.remote:
            raise IndexUnavailable(index._down(e)) from e
        return index, index.recover(bank, f"the index was unreadable ({type(e).__name__})", progress=progress)
