"""Voice: recordings in (validated, transcribed) and the interviewer's turns out (spoken)."""

from interviewer.voice.audio import Audio, load_wav
from interviewer.voice.errors import AudioError, VoiceError
from interviewer.voice.stt import (
    OpenAITranscriber,
    Transcriber,
    Transcript,
    WhisperTranscriber,
    get_transcriber,
)
from interviewer.voice.tts import spoken_parts, synthesize

__all__ = [
    "Audio",
    "AudioError",
    "OpenAITranscriber",
    "Transcriber",
    "Transcript",
    "VoiceError",
    "WhisperTranscriber",
    "get_transcriber",
    "load_wav",
    "spoken_parts",
    "synthesize",
]
