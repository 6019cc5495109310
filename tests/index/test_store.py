"""A real Chroma folder and the real embedding model: build, incremental rebuild, search with filters."""

from pathlib import Path

import pytest

from interviewer.bank.loader import Bank
from interviewer.index.embedders import LocalMiniLM
from interviewer.index.store import BankIndex
from interviewer.settings import Settings


def test_collection_is_named_after_its_embedder(built_index: BankIndex) -> None:
    assert built_index.collection_name == "bank-minilm-l6-v2-onnx"
    stored = built_index.stored_hashes()
    assert "pyd-gil-concurrency#full" in stored and "production-bug/triage-impact" in stored


def test_search_finds_the_topic_best_first(built_index: BankIndex) -> None:
    hits = built_index.search("find the hundred busiest IP addresses in an enormous log file", k=5)
    assert hits[0].id == "swe-top-ips-large-log"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    assert len({h.id for h in hits}) == len(hits) == 5  # one hit per entry, not per view
    assert all(-1.0 <= h.score <= 1.0 for h in hits)


def test_filters(built_index: BankIndex) -> None:
    query = "how do you manage dependencies and lock files"
    for track in ("python-developer", "software-engineer-python", "behavioral"):
        assert {h.track for h in built_index.search(query, k=8, track=track)} == {track}
    seniors = built_index.search(query, k=8, level="senior")
    assert seniors and {h.level for h in seniors} == {"senior"}
    stages = built_index.search("the payment service is failing", k=3, kind="scenario-stage")
    assert stages[0].kind == "scenario-stage" and stages[0].id.startswith("production-bug/")
    both = built_index.search(query, k=8, track="behavioral", level="entry")
    assert both and {(h.track, h.level) for h in both} == {("behavioral", "entry")}


def test_empty_query_returns_nothing(built_index: BankIndex) -> None:
    assert built_index.search("   ") == []


def test_rebuild_is_incremental(tmp_path: Path, bank: Bank, embedder: LocalMiniLM) -> None:
    settings = Settings(data_dir=tmp_path)
    first = BankIndex(settings, embedder=embedder).build(bank)
    assert first.added == first.embedded > 57 and first.unchanged == 0

    again = BankIndex(settings, embedder=embedder).build(bank)
    assert again.embedded == 0 and again.removed == 0 and again.unchanged == first.added

    BankIndex(settings, embedder=embedder).manifest_path.unlink()  # force the full hash comparison
    compared = BankIndex(settings, embedder=embedder).build(bank)
    assert compared.embedded == 0 and compared.unchanged == first.added

    edited = bank.questions[0].model_copy(update={"text": "Walk me through your career so far in Python."})
    changed_bank = bank.__class__(
        questions=(edited, *bank.questions[2:]), scenarios=bank.scenarios, competencies=bank.competencies
    )
    index = BankIndex(settings, embedder=embedder)
    report = index.build(changed_bank)
    views_removed = 2 + (bank.questions[1].guidance is not None)
    assert report.added == 0
    assert report.updated == 2  # the edited question's `full` and `question` views
    assert report.removed == views_removed
    assert index.search("career so far in Python", k=1)[0].id == bank.questions[0].id
    assert bank.questions[1].id not in {h.id for h in index.search(bank.questions[1].text, k=10)}


class PyTorchEra(LocalMiniLM):
    """The name the embedder had on PyTorch, before it moved to ONNX Runtime: its collection is what an upgrade
    finds on disk."""

    name = "minilm-l6-v2"
    replaces = ()


def test_an_earlier_embedders_index_is_rebuilt_once_with_a_notice(tmp_path: Path, bank: Bank) -> None:
    settings = Settings(data_dir=tmp_path)
    old = BankIndex(settings, embedder=PyTorchEra())
    old.build(bank)
    assert old.manifest_path.exists()

    index = BankIndex(settings, embedder=LocalMiniLM())
    report = index.build(bank)
    assert report.notice and "made by minilm-l6-v2" in report.notice and "rebuilt once" in report.notice
    assert report.added == report.embedded > 57
    assert not old.manifest_path.exists()
    assert [c.name for c in index._client.list_collections()] == ["bank-minilm-l6-v2-onnx"]  # no second copy

    again = BankIndex(settings, embedder=LocalMiniLM()).build(bank)
    assert again.notice is None and again.embedded == 0


@pytest.mark.parametrize("k", [1, 3, 12])
def test_k_is_honoured(built_index: BankIndex, k: int) -> None:
    assert len(built_index.search("testing strategy", k=k)) == k


def test_a_corrupt_index_is_rebuilt_with_a_notice(tmp_path: Path, bank: Bank, embedder: LocalMiniLM) -> None:
    from interviewer.index.store import open_index

    settings = Settings(data_dir=tmp_path)
    index = BankIndex(settings, embedder=embedder)
    index.build(bank)
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    db = settings.index_dir / "chroma.sqlite3"
    db.write_bytes(b"this is not a database" * 1000)  # e.g. a disk error or a half-copied folder
    (settings.index_dir / f"{index.collection_name}.manifest.json").unlink()
    reopened, report = open_index(settings, bank)
    assert report.notice and "rebuilt" in report.notice
    assert reopened.search("flaky third-party API timeouts", k=1)
    assert list(tmp_path.glob("index.broken-*")), "the broken copy is kept aside for a look"


def test_an_index_that_breaks_after_opening_recovers_on_search(
    tmp_path: Path, bank: Bank, embedder: LocalMiniLM
) -> None:
    import shutil

    settings = Settings(data_dir=tmp_path)
    index = BankIndex(settings, embedder=embedder)
    index.build(bank)
    assert index.search("rate limiter", k=1)
    index._store = None  # as if the process reopened it after the folder was damaged
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    shutil.rmtree(settings.index_dir)
    settings.index_dir.mkdir()
    (settings.index_dir / "chroma.sqlite3").write_bytes(b"\x00" * 4096)
    hits = index.search("rate limiter", k=1)
    assert hits and index.notice and "rebuilt" in index.notice
