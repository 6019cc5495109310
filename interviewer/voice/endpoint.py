"""The OpenAI-compatible audio endpoint shared by speech-to-text and text-to-speech.

The voice endpoint defaults to the LLM's, so one `base_url` is enough when the server also serves audio. Both
values are always passed explicitly, so the `openai` client never falls back to reading the environment itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from interviewer.settings import Settings

if TYPE_CHECKING:
    from openai import OpenAI

OPENAI_URL = "https://api.openai.com/v1"


def endpoint(settings: Settings) -> tuple[str, str]:
    """(base_url, api_key) for the audio endpoint; a local server accepts any key."""
    voice, llm = settings.voice, settings.llm
    base_url = voice.stt_base_url or llm.base_url or OPENAI_URL
    key = voice.stt_api_key or llm.api_key
    return base_url, key.get_secret_value() if key else "not-needed"


def make_client(base_url: str, api_key: str, timeout_s: float) -> OpenAI:
    """Imports lazily and opens no connection until the first request."""
    from openai import OpenAI

    return OpenAI(base_url=base_url, api_key=api_key, timeout=timeout_s, max_retries=1)


def short_reason(error: BaseException, limit: int = 80) -> str:
    """One line naming the failure, short enough for an engine label."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    reason = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"
