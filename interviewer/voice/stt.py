"""Speech to text. Offline, pocketsphinx (low accuracy, no setup); with an endpoint, any OpenAI-compatible
`/audio/transcriptions` (Whisper quality). Every recording passes `load_wav` first, so the limits hold for every
engine, and a failed endpoint falls back to pocketsphinx with the failure named in `engine` and `notice`.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from interviewer.settings import Settings, VoiceSettings
from interviewer.voice.audio import RATE, Audio, load_wav
from interviewer.voice.endpoint import endpoint, make_client, short_reason
from interviewer.voice.errors import AudioError, VoiceError

if TYPE_CHECKING:
    from openai import OpenAI

log = logging.getLogger(__name__)

NO_WORDS = "Couldn't make out any words in this recording. Speak clearly, close to the microphone, and try again."


class Transcript(BaseModel):
    """What was heard, how long the recording was, and which engine heard it (a fallback says so)."""

    model_config = ConfigDict(frozen=True)

    text: str
    seconds: float
    engine: str
    notice: str | None = None


class PocketSphinxTranscriber:
    """The offline engine. One decoder per process: it takes ~0.4 s to load and is not safe to share unlocked."""

    name = "pocketsphinx"

    def __init__(self) -> None:
        self._decoder: Any = None
        self._lock = threading.Lock()

    def text(self, path: Path, audio: Audio) -> str:
        with self._lock:
            if self._decoder is None:
                try:
                    from pocketsphinx import Decoder
                except ImportError as e:
                    raise VoiceError(
                        "The offline recogniser (pocketsphinx) is not installed. Reinstall the app."
                    ) from e
                self._decoder = Decoder(samprate=RATE, loglevel="FATAL")
            d = self._decoder
            d.start_utt()
            d.process_raw(audio.pcm16k, full_utt=True)
            d.end_utt()
            hyp = d.hyp()
        return hyp.hypstr.strip() if hyp is not None else ""


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


class Transcriber:
    """The one entry point: validate, transcribe with the configured engine, fall back visibly."""

    def __init__(
        self, voice: VoiceSettings, offline: PocketSphinxTranscriber, remote: OpenAITranscriber | None = None
    ) -> None:
        self.voice, self.offline, self.remote = voice, offline, remote

    @property
    def engine(self) -> str:
        return self.remote.name if self.remote else self.offline.name

    def transcribe(self, path: str | Path) -> Transcript:
        path = Path(path)
        audio = load_wav(path, self.voice)
        if self.remote is None:
            return self._done(self.offline.text(path, audio), audio, self.offline.name)
        try:
            text = self.remote.text(path, audio)
        except Exception as e:  # any endpoint failure: the offline engine still hears the answer
            reason = short_reason(e)
            log.warning("transcription endpoint failed, using pocketsphinx: %s", reason)
            return self._done(self.offline.text(path, audio), audio, self.offline.name, failed=reason)
        return self._done(text, audio, self.remote.name)

    @staticmethod
    def _done(text: str, audio: Audio, engine: str, failed: str | None = None) -> Transcript:
        """An empty result is the recording's fault, not the engine's: say so rather than return nothing."""
        if not text:
            also = f" (The transcription endpoint also failed: {failed}.)" if failed else ""
            raise AudioError(NO_WORDS + also)
        if failed is None:
            return Transcript(text=text, seconds=round(audio.seconds, 3), engine=engine)
        notice = (
            f"The transcription endpoint failed ({failed}), so the offline recogniser transcribed this answer. "
            "Expect lower accuracy; check the transcript before sending."
        )
        engine = f"{engine} (whisper endpoint failed: {failed})"
        return Transcript(text=text, seconds=round(audio.seconds, 3), engine=engine, notice=notice)


_OFFLINE = PocketSphinxTranscriber()  # shared, so the decoder loads once however many transcribers are built


def get_transcriber(settings: Settings) -> Transcriber:
    """`auto` means the endpoint when one is configured (the voice one, or the LLM's), else pocketsphinx."""
    voice = settings.voice
    use_remote = voice.stt == "openai" or (voice.stt == "auto" and bool(voice.stt_base_url or settings.llm.configured))
    if not use_remote:
        return Transcriber(voice, _OFFLINE)
    base_url, key = endpoint(settings)
    return Transcriber(voice, _OFFLINE, OpenAITranscriber(voice.stt_model, base_url, key, settings.llm.timeout_s))
