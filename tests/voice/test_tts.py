"""Text to speech: espeak-ng writes real WAVs that load_wav reads back; the openai path writes what the server sent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from interviewer.evals.voice import normalise
from interviewer.settings import LLMSettings, Settings, VoiceSettings
from interviewer.testing.fake_openai import SPEECH_WAV, FakeOpenAI, refused_url
from interviewer.voice import VoiceError, get_transcriber, load_wav, synthesize
from tests.voice.conftest import EXPECTED_WORD, needs_espeak

QUESTION = "Tell me about a time you rolled back a release."


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as s:
        yield s


def _settings(tmp_path: Path, tts: str, base_url: str | None = None) -> Settings:
    return Settings(
        data_dir=tmp_path,
        llm=LLMSettings(base_url=base_url, api_key=SecretStr("sk-test") if base_url else None, timeout_s=5),
        voice=VoiceSettings(tts=tts),  # type: ignore[arg-type]
    )


def test_browser_speaks_itself(tmp_path: Path) -> None:
    assert synthesize(QUESTION, _settings(tmp_path, "browser"), tmp_path / "out") is None
    assert not (tmp_path / "out").exists()


@needs_espeak
def test_espeak_writes_a_wav_that_can_be_heard_back(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "espeak")
    path = synthesize(QUESTION, settings, tmp_path / "out")
    assert path is not None and path.parent == tmp_path / "out" and path.suffix == ".wav"
    assert 2.0 < load_wav(path).seconds < 6.0
    assert EXPECTED_WORD in normalise(get_transcriber(settings).transcribe(path).text)
    assert [p.name for p in (tmp_path / "out").iterdir()] == [path.name]  # no partial files left behind


@needs_espeak
def test_espeak_speaks_text_that_looks_like_an_option(tmp_path: Path) -> None:
    path = synthesize("--help -v xx", _settings(tmp_path, "espeak"), tmp_path)
    assert path is not None and load_wav(path).seconds > 0.5  # spoken, not taken as flags


@needs_espeak
def test_same_text_is_reused(tmp_path: Path) -> None:
    first = synthesize(QUESTION, _settings(tmp_path, "espeak"), tmp_path)
    assert first is not None
    mtime = first.stat().st_mtime_ns
    assert synthesize(QUESTION, _settings(tmp_path, "espeak"), tmp_path) == first
    assert first.stat().st_mtime_ns == mtime
    assert synthesize(QUESTION + " Briefly.", _settings(tmp_path, "espeak"), tmp_path) != first


def test_missing_espeak_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on this PATH
    with pytest.raises(VoiceError, match=r"espeak-ng is not installed\. Install it .*INTERVIEWER_VOICE__TTS=browser"):
        synthesize(QUESTION, _settings(tmp_path, "espeak"), tmp_path)


def test_empty_text(tmp_path: Path) -> None:
    with pytest.raises(VoiceError, match="no text to speak"):
        synthesize("  ", _settings(tmp_path, "espeak"), tmp_path)


def test_openai_writes_the_served_bytes(tmp_path: Path, server: FakeOpenAI) -> None:
    path = synthesize(QUESTION, _settings(tmp_path, "openai", server.base_url), tmp_path / "out")
    assert path is not None and path.read_bytes() == SPEECH_WAV
    assert load_wav(path).seconds == pytest.approx(0.25)
    (request,) = server.audio_requests("speech")
    assert request["body"] == {"model": "tts-1", "voice": "alloy", "input": QUESTION, "response_format": "wav"}
    assert request["auth"] == "Bearer sk-test"


def test_openai_failure_is_a_voice_error(tmp_path: Path) -> None:
    url = refused_url()
    with pytest.raises(
        VoiceError, match=rf"The speech endpoint at {url} failed \(APIConnectionError: Connection error"
    ):
        synthesize(QUESTION, _settings(tmp_path, "openai", url), tmp_path / "out")
    assert list((tmp_path / "out").iterdir()) == []
