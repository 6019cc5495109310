"""Text to speech: espeak-ng writes real WAVs that load_wav reads back; the openai path writes what the server sent."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from interviewer.bank.loader import Bank
from interviewer.evals.voice import normalise
from interviewer.index.store import BankIndex
from interviewer.service import Service
from interviewer.settings import LLMSettings, Settings, VoiceSettings
from interviewer.testing.fake_openai import SPEECH_WAV, FakeOpenAI, refused_url
from interviewer.ui.handlers import Handlers
from interviewer.voice import VoiceError, get_transcriber, load_wav, spoken_parts, synthesize
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


def test_a_reply_is_spoken_first_sentence_then_the_rest() -> None:
    assert spoken_parts('Okay, got it. You said "I\'d log it all". How sure are you?') == [
        "Okay, got it.",
        'You said "I\'d log it all". How sure are you?',
    ]
    assert spoken_parts("What is the GIL?") == ["What is the GIL?"]
    assert spoken_parts("It's 3.5 or so, e.g. this one.  Next:\nwhat then?") == [  # no cut inside "3.5" or "e.g."
        "It's 3.5 or so, e.g. this one.",
        "Next: what then?",
    ]
    assert spoken_parts("   ") == []


@needs_espeak
def test_the_first_sentence_plays_while_the_rest_waits_its_turn(
    tmp_path: Path, bank: Bank, built_index: BankIndex
) -> None:
    settings = _settings(tmp_path, "espeak")
    handlers = Handlers(Service(settings, bank=bank, index=built_index))
    reply = "Okay, got it. You said you would retry forever. How sure are you about that?"
    voice = handlers.voice(reply, "s1")
    first = Path(next(voice))
    shown = time.monotonic()
    assert load_wav(first).seconds < 2.0  # "Okay, got it." alone, playing while the rest is made
    rest = Path(next(voice))
    assert time.monotonic() - shown >= load_wav(first).seconds  # never cuts the first sentence off
    assert "forever" in normalise(get_transcriber(settings).transcribe(rest).text)  # the rest, not the first
    assert list(voice) == []
    voice = handlers.voice(reply, "s1")
    next(voice)
    handlers.hush("s1")  # the candidate talks over it
    assert list(voice) == []
    older, newer = handlers.voice(reply, "s1"), handlers.voice("Next question. What is a GIL?", "s1")
    next(older)
    next(newer)  # a newer reply: the older one's rest is not played
    assert list(older) == [] and len(list(newer)) == 1
