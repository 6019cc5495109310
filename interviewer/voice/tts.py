"""Text to speech for the interviewer's turns. `browser` needs no server (the page speaks), `espeak` runs Debian's
espeak-ng offline, `openai` calls any OpenAI-compatible `/audio/speech`. Failures raise `VoiceError`; the UI shows the
message and the interview carries on in text.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

from interviewer.settings import Settings
from interviewer.voice.endpoint import endpoint, make_client, short_reason
from interviewer.voice.errors import VoiceError

ESPEAK_TIMEOUT_S = 60.0
_USE_BROWSER = "Set INTERVIEWER_VOICE__TTS=browser to let the page speak instead."


_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


def spoken_parts(text: str) -> list[str]:
    """The reply as the voice reads it: its first sentence alone, then the rest in one piece, so the first sentence
    can be playing while the rest is synthesised ("Okay, got it." | "You said ... How sure are you about that?")."""
    text = " ".join(text.split())
    end = _SENTENCE_END.search(text)
    if end is None or not text[end.end() :].strip():
        return [text] if text else []
    return [text[: end.end()].strip(), text[end.end() :].strip()]


def synthesize(text: str, settings: Settings, out_dir: Path) -> Path | None:
    """A WAV file of `text` spoken, or None when the browser speaks it itself.

    Files are named by a hash of engine, model, voice and text, so a repeated question is not synthesised twice;
    they are written to a temporary name and renamed, so a concurrent reader never sees half a file.
    """
    voice = settings.voice
    if voice.tts == "browser":
        return None
    if not text.strip():
        raise VoiceError("There is no text to speak.")
    digest = hashlib.sha256(f"{voice.tts}\0{voice.tts_model}\0{voice.tts_voice}\0{text}".encode()).hexdigest()
    target = Path(out_dir) / f"{voice.tts}-{digest[:20]}.wav"
    if target.is_file() and target.stat().st_size > 44:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.part")
    try:
        if voice.tts == "espeak":
            _espeak(text, partial)
        else:
            _openai_speech(text, settings, partial)
        if not partial.is_file() or partial.stat().st_size <= 44:  # 44 bytes is a WAV header with no sound
            raise VoiceError(f"The {voice.tts} voice produced no audio. {_USE_BROWSER}")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _espeak(text: str, out: Path) -> None:
    """Arguments as a list, never a shell; `--` so text starting with '-' is spoken rather than read as an option."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise VoiceError(f"espeak-ng is not installed. Install it (apt-get install espeak-ng). {_USE_BROWSER}")
    try:
        subprocess.run([exe, "-w", str(out), "--", text], check=True, capture_output=True, timeout=ESPEAK_TIMEOUT_S)
    except subprocess.CalledProcessError as e:
        detail = e.stderr.decode(errors="replace").strip()[-200:] or f"exit status {e.returncode}"
        raise VoiceError(f"espeak-ng failed: {detail}. {_USE_BROWSER}") from e
    except (subprocess.TimeoutExpired, OSError) as e:
        raise VoiceError(f"espeak-ng failed: {short_reason(e)}. {_USE_BROWSER}") from e


def _openai_speech(text: str, settings: Settings, out: Path) -> None:
    voice = settings.voice
    base_url, key = endpoint(settings)
    client = make_client(base_url, key, settings.llm.timeout_s)
    try:
        response = client.audio.speech.create(
            model=voice.tts_model, voice=voice.tts_voice, input=text, response_format="wav"
        )
        out.write_bytes(response.content)
    except Exception as e:
        raise VoiceError(f"The speech endpoint at {base_url} failed ({short_reason(e)}). {_USE_BROWSER}") from e
