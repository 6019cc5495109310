"""Token budgets: the tiktoken path and the offline estimate, both without network."""

from pathlib import Path

import pytest
import tiktoken

from interviewer.cli import main
from interviewer.scoring.tokens import CHARS_PER_TOKEN, TokenCounter, bpe_cache_file


@pytest.fixture(scope="module")
def byte_encoding() -> tiktoken.Encoding:
    """A real tiktoken Encoding built locally: one token per byte (no download involved)."""
    return tiktoken.Encoding(
        name="bytes-test", pat_str=r"\S+|\s+", mergeable_ranks={bytes([i]): i for i in range(256)}, special_tokens={}
    )


def test_tiktoken_path_counts_and_trims(byte_encoding: tiktoken.Encoding) -> None:
    counter = TokenCounter(encoding=byte_encoding)
    assert counter.name == "tiktoken bytes-test"
    assert counter.count("héllo") == 6  # bytes, not characters
    assert counter.trim("short", 10) == "short"
    assert counter.trim("abcdefghij", 4) == "abcd [trimmed]"


def test_offline_estimate_when_no_file(tmp_path: Path) -> None:
    counter = TokenCounter(cache_dir=tmp_path)
    assert counter.name.startswith("estimate: 1 token per 4 characters")
    assert counter.count("a" * 10) == 3
    assert counter.trim("x" * 100, 5) == "x" * (5 * CHARS_PER_TOKEN) + " [trimmed]"


def test_a_corrupt_cache_file_falls_back_with_a_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    bpe_cache_file(tmp_path).write_text("not a bpe file\n")
    counter = TokenCounter(cache_dir=tmp_path)
    assert counter.name.startswith("estimate") and "damaged" in counter.name
    assert bpe_cache_file(tmp_path).exists()  # left alone: nothing deleted, nothing downloaded
    assert counter.count("abcd" * 3) == 3


def test_doctor_names_the_active_counter(capsys: pytest.CaptureFixture[str]) -> None:
    import json

    assert main(["doctor", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["engine"] == "offline" and report["token_counter"].startswith("estimate")
    assert report["knowledge"].startswith("ok") and report["api_key"] == "not set"


def test_doctor_never_prints_the_key(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("INTERVIEWER_LLM__BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("INTERVIEWER_LLM__API_KEY", "sk-do-not-show")
    from interviewer.settings import get_settings

    get_settings.cache_clear()
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "sk-do-not-show" not in out and "llm:gpt-4o-mini at http://127.0.0.1:9/v1" in out
