"""Voice errors carry a message written for the candidate: the UI shows it as is and the interview carries on."""

from __future__ import annotations


class VoiceError(Exception):
    """Speech in or out failed; the message says what to do next."""


class AudioError(VoiceError):
    """The recording itself can't be used (not audio, too long, silent, no words). Retrying the same file won't help."""
