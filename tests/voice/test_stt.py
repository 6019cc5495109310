"""Speech to text end to end: real espeak audio through the real offline recogniser (Whisper tiny.en), and the openai
client against a real local HTTP server (interviewer/testing/fake_openai.py), including the visible fallback when that
server fails."""

from __future__ import annotations

import io
import wave
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from faster_whisper import WhisperModel
from pydantic import SecretStr

from interviewer.evals.voice import edit_distance, normalise
from interviewer.settings import LLMSettings, Settings, VoiceSettings
from interviewer.testing.fake_openai import FakeOpenAI, refused_url
from interviewer.voice import AudioError, Transcript, get_transcriber
from interviewer.voice.audio import RATE, resample
from interviewer.voice.errors import VoiceError
from interviewer.voice.stt import OFFLINE, UNSURE, verify_files
from interviewer.voice.turns import Stretches
from tests.voice.conftest import EXPECTED_WORD, SENTENCE, espeak, needs_espeak, read_samples, write_wav


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as s:
        yield s


def _settings(tmp_path: Path, base_url: str | None = None, **voice: object) -> Settings:
    llm = LLMSettings(base_url=base_url, api_key=SecretStr("sk-test") if base_url else None, timeout_s=5)
    return Settings(data_dir=tmp_path, llm=llm, voice=VoiceSettings(**voice))  # type: ignore[arg-type]


def test_the_offline_recogniser_hears_a_spoken_sentence(tmp_path: Path, spoken: Path) -> None:
    result = get_transcriber(_settings(tmp_path)).transcribe(spoken)
    samples, rate = read_samples(spoken)
    assert result.engine == "whisper-tiny.en" and result.notice is None
    ref = normalise(SENTENCE)
    assert edit_distance(ref, normalise(result.text)) <= 0.25 * len(ref), result.text  # pocketsphinx: about 0.9
    assert EXPECTED_WORD in normalise(result.text)
    assert result.seconds == pytest.approx(len(samples) / rate, abs=0.1)


def test_stereo_44k_speech_is_heard(tmp_path: Path, spoken: Path) -> None:
    x, rate = read_samples(spoken)
    y = np.interp(np.arange(int(len(x) * 44_100 / rate)) * rate / 44_100, np.arange(len(x)), x)
    stereo = write_wav(tmp_path / "stereo.wav", np.stack([y, 0.5 * y], axis=1), 44_100)
    result = get_transcriber(_settings(tmp_path)).transcribe(stereo)
    assert EXPECTED_WORD in normalise(result.text)
    assert result.seconds == pytest.approx(len(x) / rate, abs=0.1)


@needs_espeak
def test_the_model_is_shared_and_safe_across_threads(tmp_path: Path) -> None:
    clip = espeak("I would roll back the release", tmp_path / "short.wav")
    first = get_transcriber(_settings(tmp_path)).transcribe(clip)
    model = OFFLINE._model
    with ThreadPoolExecutor(max_workers=3) as pool:
        results = list(pool.map(lambda _: get_transcriber(_settings(tmp_path)).transcribe(clip), range(3)))
    assert OFFLINE._model is model is not None
    assert [r.text for r in results] == [first.text] * 3
    assert EXPECTED_WORD in normalise(first.text)


def test_a_live_stretch_is_heard_in_a_window_of_its_own_length(
    tmp_path: Path, spoken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whisper pads every window to 30 s; a live stretch is read by its encoder in the stretch and `window_s` more
    (rounded up to a second), and heard as well (on the spoken-answer set, about as many words wrong). The window is
    back to 30 s for the next recording."""
    x, rate = read_samples(spoken)
    samples = resample(x / 32768.0, rate).astype(np.float32)
    get_transcriber(_settings(tmp_path)).offline.load()
    read: list[int] = []  # what faster-whisper's own encoder is given
    encode = WhisperModel.encode
    monkeypatch.setattr(WhisperModel, "encode", lambda self, f: read.append(f.shape[-1]) or encode(self, f))
    window = VoiceSettings().turns.window_s  # as shipped
    windowed, _ = OFFLINE.samples_heard(samples, None, window_s=window)
    assert read == [100 * int(np.ceil(len(samples) / RATE + window))] and read[0] < 3000
    OFFLINE.samples_heard(samples)
    assert read[1:] == [3000] and OFFLINE._model.window_frames == 3000
    ref = normalise(SENTENCE)
    assert edit_distance(ref, normalise(windowed)) <= 0.25 * len(ref), windowed
    assert EXPECTED_WORD in normalise(windowed)


@needs_espeak
def test_told_the_question_it_hears_the_tools_it_names(tmp_path: Path) -> None:
    clip = espeak("We built the service with FastAPI, and the slow reports run in Celery workers.", tmp_path / "t.wav")
    told = get_transcriber(_settings(tmp_path)).transcribe(
        clip, prompt="How do you run slow work? Terms: Celery, FastAPI."
    )
    assert "FastAPI" in told.text and "celery" in told.text.lower(), told.text


def test_a_model_file_that_is_not_the_expected_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    good = {"config.json": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}  # sha256 of "{}"
    verify_files(tmp_path, good)
    with pytest.raises(VoiceError, match=r"model file config\.json is not the expected one"):
        verify_files(tmp_path, {"config.json": "0" * 64})
    with pytest.raises(VoiceError, match=r"model file model\.bin is missing"):
        verify_files(tmp_path, {"model.bin": "0" * 64})


def test_white_noise_has_no_words(tmp_path: Path) -> None:
    noise = np.random.default_rng(0).normal(0, 3000, 3 * RATE)
    with pytest.raises(AudioError, match="Couldn't make out any words in this recording"):
        get_transcriber(_settings(tmp_path)).transcribe(write_wav(tmp_path / "noise.wav", noise, RATE))


def test_silence_is_rejected_before_any_engine(tmp_path: Path, server: FakeOpenAI) -> None:
    silence = write_wav(tmp_path / "silence.wav", np.zeros(2 * RATE), RATE)
    with pytest.raises(AudioError, match="No speech was heard"):
        get_transcriber(_settings(tmp_path, server.base_url)).transcribe(silence)
    assert server.audio_requests("transcriptions") == []


def test_openai_endpoint_returns_scripted_text(tmp_path: Path, server: FakeOpenAI, spoken: Path) -> None:
    server.enqueue_transcript("I would check the recent deployments and roll back the release.")
    result = get_transcriber(_settings(tmp_path, server.base_url)).transcribe(spoken)
    assert result == Transcript(
        text="I would check the recent deployments and roll back the release.",
        seconds=result.seconds,
        engine="openai:whisper-1",
        speech=result.speech,  # the timing comes from the audio, whoever transcribed it
    )
    assert result.speech is not None and 0 < result.speech.talk_seconds <= result.seconds
    (request,) = server.audio_requests("transcriptions")
    assert request["body"]["model"] == "whisper-1"
    assert request["body"]["file"] == spoken.read_bytes() and request["body"]["file.filename"] == "sentence.wav"
    assert request["auth"] == "Bearer sk-test"


def test_voice_endpoint_and_key_override_the_llm(tmp_path: Path, server: FakeOpenAI, spoken: Path) -> None:
    server.enqueue_transcript("hello")
    settings = Settings(
        data_dir=tmp_path,
        llm=LLMSettings(base_url=refused_url(), api_key=SecretStr("sk-llm")),
        voice=VoiceSettings(stt="openai", stt_base_url=server.base_url, stt_api_key="sk-voice", stt_model="w-2"),  # type: ignore[arg-type]
    )
    assert get_transcriber(settings).transcribe(spoken).engine == "openai:w-2"
    assert server.audio_requests("transcriptions")[0]["auth"] == "Bearer sk-voice"


@pytest.mark.parametrize("failure", [500, 404, ("raw", "<html>not json</html>")])
def test_failing_endpoint_falls_back_visibly(tmp_path: Path, server: FakeOpenAI, spoken: Path, failure: object) -> None:
    server.enqueue_transcript(failure, failure)  # type: ignore[arg-type]
    result = get_transcriber(_settings(tmp_path, server.base_url)).transcribe(spoken)
    assert result.engine.startswith("whisper-tiny.en (transcription endpoint failed: ")
    assert result.notice is not None and "offline recogniser" in result.notice
    assert EXPECTED_WORD in normalise(result.text)


def test_refused_connection_falls_back_visibly(tmp_path: Path, spoken: Path) -> None:
    transcriber = get_transcriber(_settings(tmp_path, refused_url()))
    assert transcriber.remote is not None and transcriber.remote._client is None  # no connection at construction
    result = transcriber.transcribe(spoken)
    assert result.engine == "whisper-tiny.en (transcription endpoint failed: APIConnectionError: Connection error.)"
    assert result.notice is not None and "APIConnectionError" in result.notice
    assert EXPECTED_WORD in normalise(result.text)


def test_empty_text_from_endpoint_is_no_words(tmp_path: Path, server: FakeOpenAI, spoken: Path) -> None:
    server.enqueue_transcript("  ")
    with pytest.raises(AudioError, match="Couldn't make out any words"):
        get_transcriber(_settings(tmp_path, server.base_url)).transcribe(spoken)
    assert len(server.audio_requests("transcriptions")) == 1  # an honest "nothing heard" is not a failure


@pytest.mark.parametrize(
    ("llm_url", "voice", "engine"),
    [
        (None, {}, "whisper-tiny.en"),
        ("http://127.0.0.1:9/v1", {}, "openai:whisper-1"),
        (None, {"stt_base_url": "http://127.0.0.1:9/v1"}, "openai:whisper-1"),
        ("http://127.0.0.1:9/v1", {"stt": "offline"}, "whisper-tiny.en"),
        (None, {"stt": "openai", "stt_model": "whisper-large-v3"}, "openai:whisper-large-v3"),
    ],
)
def test_engine_choice(tmp_path: Path, llm_url: str | None, voice: dict[str, str], engine: str) -> None:
    transcriber = get_transcriber(_settings(tmp_path, llm_url, **voice))
    assert transcriber.engine == engine
    if transcriber.remote is not None:
        assert transcriber.remote.base_url == voice.get("stt_base_url", llm_url or "https://api.openai.com/v1")


def test_speech_played_backwards_is_heard_unsure(tmp_path: Path, spoken: Path) -> None:
    """Whisper makes words of it anyway; its own log-probabilities say it was guessing, and the candidate is told to
    check the transcript rather than send it as it is."""
    samples, rate = read_samples(spoken)
    backwards = write_wav(tmp_path / "backwards.wav", samples[::-1].copy(), rate)
    result = get_transcriber(_settings(tmp_path)).transcribe(backwards)
    assert result.text and result.notice == UNSURE


# --- live turns: each stretch heard by the endpoint -----------------------------------------------------------------
def _stretch(path: Path) -> np.ndarray:
    """The recording as a live stretch arrives: 16 kHz float samples in [-1, 1]."""
    samples, rate = read_samples(path)
    return (resample(samples, rate) / 32768.0).astype(np.float32)


def test_a_live_stretch_goes_to_the_endpoint_as_wav_told_what_came_before(
    tmp_path: Path, server: FakeOpenAI, spoken: Path
) -> None:
    server.enqueue_transcript("and then I would roll back the release.")
    transcriber = get_transcriber(_settings(tmp_path, server.base_url))
    stretch = _stretch(spoken)
    hear = Stretches(transcriber.offline, "Question: what do you do first?", transcriber.remote)
    assert hear.engine == "openai:whisper-1"
    assert hear(stretch, "I would check the dashboards") == ("and then I would roll back the release.", 0.0)
    assert hear.failed is None
    (request,) = server.audio_requests("transcriptions")
    assert request["body"]["model"] == "whisper-1" and request["body"]["file.filename"] == "stretch.wav"
    assert request["body"]["prompt"] == "Question: what do you do first? I would check the dashboards"
    with wave.open(io.BytesIO(request["body"]["file"])) as w:  # a WAV file the endpoint can read: 16 kHz mono
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (RATE, 1, 2)
        assert w.getnframes() == len(stretch)


@pytest.mark.parametrize("failure", [500, ("raw", "<html>not json</html>")])
def test_a_failing_endpoint_leaves_the_live_turn_to_the_offline_recogniser(
    tmp_path: Path, server: FakeOpenAI, spoken: Path, failure: object
) -> None:
    server.enqueue_transcript(failure, failure)  # type: ignore[arg-type]
    transcriber = get_transcriber(_settings(tmp_path, server.base_url))
    stretch = _stretch(spoken)
    hear = Stretches(transcriber.offline, None, transcriber.remote)
    text, sure = hear(stretch, "")
    assert EXPECTED_WORD in normalise(text) and sure < 0  # heard offline, with Whisper's own confidence
    assert hear.failed is not None and hear.engine == "whisper-tiny.en"
    asked = len(server.audio_requests("transcriptions"))
    hear(stretch, text)
    assert len(server.audio_requests("transcriptions")) == asked  # not asked again in the same turn
