"""Read a WAV answer into the one shape every recogniser wants: mono 16-bit PCM at 16 kHz.

Only the stdlib `wave` module and numpy, so no codec library is needed. Every rejection is an `AudioError` whose
message tells the candidate what to do; the limits come from `VoiceSettings` so they hold for every engine.
"""

from __future__ import annotations

import math
import struct
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interviewer.settings import VoiceSettings
from interviewer.voice.errors import AudioError

RATE = 16_000
SILENCE_RMS = 60.0  # loudest 50 ms window below about -55 dBFS: a muted or unplugged microphone, not a quiet voice
_FIR_TAPS = 63
_CUTOFF_HZ = 7_000.0  # under the new Nyquist (8 kHz), so downsampling does not fold hiss into the speech band

# First bytes of files people upload by mistake, so the message can name what they sent.
_MAGIC: list[tuple[int, bytes, str]] = [
    (0, b"%PDF", "a PDF document"),
    (0, b"ID3", "an MP3 file"),
    (0, b"\xff\xfb", "an MP3 file"),
    (0, b"OggS", "an Ogg audio file"),
    (0, b"\x1aE\xdf\xa3", "a WebM file"),
    (0, b"fLaC", "a FLAC file"),
    (4, b"ftyp", "an MP4/M4A file"),
    (0, b"PK\x03\x04", "a ZIP or Office document"),
]


@dataclass(frozen=True)
class Audio:
    """A validated recording: `pcm16k` is mono little-endian int16 at 16 kHz; `rms` is on the int16 scale."""

    pcm16k: bytes
    seconds: float
    rms: float


def clock(seconds: float) -> str:
    """5:00 style, the way a candidate reads a recording's length."""
    whole = int(seconds)
    return f"{whole // 60}:{whole % 60:02d}"


def load_wav(path: str | Path, voice: VoiceSettings | None = None) -> Audio:
    """Validate and convert one recording. Size is checked from the file system before anything is read."""
    voice = voice or VoiceSettings()
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise AudioError("The recording could not be found. Record your answer again.") from e
    if size == 0:
        raise AudioError("The recording is empty (0 bytes). Record your answer again.")
    if size > voice.max_audio_mb * 1_000_000:
        raise AudioError(
            f"This file is {size / 1_000_000:.1f} MB; recordings are limited to {voice.max_audio_mb:g} MB. "
            "Record a shorter answer."
        )
    samples, rate = _read_pcm(path)
    seconds = len(samples) / rate
    if seconds > voice.max_audio_s:
        raise AudioError(
            f"This recording is {clock(math.ceil(seconds))} long; answers are limited to {clock(voice.max_audio_s)}. "
            "Record a shorter answer."
        )
    mono16k = resample(samples, rate)
    if len(mono16k) == 0:
        raise AudioError("The recording has no sound in it. Record your answer again.")
    if _loudest_window_rms(mono16k) < SILENCE_RMS:
        raise AudioError("No speech was heard in this recording. Check your microphone and try again.")
    pcm = np.clip(np.round(mono16k), -32768, 32767).astype("<i2")
    rms = float(np.sqrt(np.mean(np.square(mono16k, dtype=np.float64))))
    return Audio(pcm16k=pcm.tobytes(), seconds=seconds, rms=rms)


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    """Float samples in [-1, 1] as a 16-bit mono WAV file, in memory (a live stretch sent to an endpoint)."""
    import io
    import wave

    pcm = (np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0) * 32767).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return out.getvalue()


def _not_wav(path: Path) -> AudioError:
    with path.open("rb") as f:
        head = f.read(16)
    kind = next((name for at, magic, name in _MAGIC if head[at : at + len(magic)] == magic), "not an audio recording")
    return AudioError(f"This file is {kind}, not a WAV recording. Upload a .wav file or record with the microphone.")


def _read_pcm(path: Path) -> tuple[np.ndarray, int]:
    """Mono float32 samples on the int16 scale, and the source rate."""
    try:
        with wave.open(str(path), "rb") as w:
            channels, width, rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            raw = w.readframes(w.getnframes())
    except wave.Error as e:
        if "RIFF" in str(e) or "WAVE" in str(e):
            raise _not_wav(path) from e
        raise AudioError(
            f"This WAV file uses an encoding that can't be read here ({e}). "
            "Save it as 16-bit PCM WAV, or record with the microphone."
        ) from e
    except (EOFError, struct.error) as e:
        raise AudioError("This WAV file is cut short or damaged. Record your answer again.") from e
    if rate <= 0 or channels <= 0 or width not in (1, 2, 3, 4):
        raise AudioError("This WAV file's header is not valid. Record your answer again.")
    raw = raw[: len(raw) - len(raw) % (width * channels)]  # a truncated last frame is dropped, not misread
    samples = _decode(raw, width)
    return samples.reshape(-1, channels).mean(axis=1, dtype=np.float32), rate


def _decode(raw: bytes, width: int) -> np.ndarray:
    """Integer PCM of any width to float32 on the int16 scale (8-bit WAV is unsigned, the others signed)."""
    if width == 1:
        return (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) * 256.0
    if width == 2:
        return np.frombuffer(raw, dtype="<i2").astype(np.float32)
    if width == 3:
        triples = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        padded = np.zeros((len(triples), 4), dtype=np.uint8)
        padded[:, 1:] = triples  # as the top three bytes of an int32, so the sign comes for free
        return padded.view("<i4").ravel().astype(np.float32) / 65536.0
    return np.frombuffer(raw, dtype="<i4").astype(np.float32) / 65536.0


def resample(x: np.ndarray, rate: int) -> np.ndarray:
    """Linear interpolation, after a windowed-sinc low-pass when going down (browsers record at 44.1/48 kHz)."""
    if rate == RATE or len(x) == 0:
        return x
    if rate > RATE:
        n = np.arange(_FIR_TAPS) - (_FIR_TAPS - 1) / 2
        taps = (np.sinc(2 * _CUTOFF_HZ / rate * n) * np.hamming(_FIR_TAPS)).astype(np.float32)
        x = np.convolve(x, taps / taps.sum(), mode="same")
    positions = np.arange(int(len(x) * RATE / rate), dtype=np.float64) * (rate / RATE)
    left = positions.astype(np.int64)  # by hand rather than np.interp, which wants an index array as long as x
    right = np.minimum(left + 1, len(x) - 1)
    frac = (positions - left).astype(np.float32)
    return x[left] + (x[right] - x[left]) * frac


def _loudest_window_rms(x: np.ndarray, window: int = RATE // 20) -> float:
    """RMS of the loudest 50 ms, so a short answer in a long recording is not taken for silence."""
    usable = len(x) - len(x) % window
    if usable == 0:
        return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    frames = x[:usable].reshape(-1, window).astype(np.float64)
    return float(np.sqrt(np.mean(np.square(frames), axis=1)).max())
