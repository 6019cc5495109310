"""All configuration, read from `INTERVIEWER_*` environment variables (or a `.env` file).

This is the only module that reads the environment. Nested groups use a double underscore:
`INTERVIEWER_LLM__BASE_URL`, `INTERVIEWER_EMBEDDING__PROVIDER` and so on.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent  # a source checkout: evals, data, the app script
PACKAGE_DIR = Path(__file__).resolve().parent  # what ships in the wheel: the bank and the prompts

# Third-party libraries that phone home or try to download models unless told not to.
QUIET_ENV = {
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "TOKENIZERS_PARALLELISM": "false",
}


def quiet_third_party() -> None:
    """Switch off telemetry and hub downloads for every library we load. A user's explicit value wins."""
    for key, value in QUIET_ENV.items():
        os.environ.setdefault(key, value)


def _default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "interviewer"


class LLMSettings(BaseModel):
    """An OpenAI-compatible chat endpoint. Unset `base_url` and `api_key` means the offline engine."""

    base_url: str | None = Field(
        default=None, description="e.g. https://api.openai.com/v1 or http://localhost:11434/v1"
    )
    api_key: SecretStr | None = Field(default=None, description="Key for the endpoint; local servers accept any.")
    model: str = Field(default="gpt-4o-mini", description="Model name as the endpoint knows it.")
    timeout_s: float = Field(default=20.0, gt=0, description="Upper bound for one interviewer turn, in seconds.")
    max_retries: int = Field(
        default=2, ge=0, le=10, description="Retries of a call after a timeout, 429, 5xx or broken reply, in the turn."
    )
    circuit_failures: int = Field(
        default=3, ge=1, description="Failed requests in a row after which the endpoint is skipped for a while."
    )
    circuit_reset_s: float = Field(
        default=30.0, gt=0, description="Seconds the endpoint is skipped before one trial request goes out."
    )

    @property
    def configured(self) -> bool:
        return bool(self.base_url or self.api_key)


class EmbeddingSettings(BaseModel):
    """Which embedder the index uses. `local` is all-MiniLM-L6-v2 shipped inside a PyPI package."""

    provider: Literal["local", "openai"] = Field(default="local", description="local or openai (any compatible).")
    model: str = Field(default="text-embedding-3-small", description="Embedding model for the openai provider.")
    base_url: str | None = Field(default=None, description="Embeddings endpoint; defaults to the LLM's.")
    api_key: SecretStr | None = Field(default=None, description="Key for the embeddings endpoint.")
    batch_size: int = Field(default=32, ge=1, le=2048, description="Texts embedded per batch.")


class TurnTakingSettings(BaseModel):
    """When a spoken answer is over, in the hands-free interview (interviewer/voice/turns.py). Seconds."""

    end_after_sentence_s: float = Field(default=0.7, gt=0, description="Silence that ends a turn after a sentence.")
    end_after_short_s: float = Field(
        default=2.0, gt=0, description="Silence that ends a turn after a sentence, while the answer is short."
    )
    short_answer_words: int = Field(default=20, ge=1, description="Answers under this many words are short.")
    end_after_open_s: float = Field(
        default=3.0, gt=0, description="Silence that ends a turn after a filler, conjunction or cut-off clause."
    )
    hold_s: float = Field(default=60.0, gt=0, description="How long 'let me think' holds the turn.")
    nudge_after_s: float = Field(default=8.0, gt=0, description="Silence before any speech that gets one nudge.")
    give_up_after_s: float = Field(
        default=20.0, gt=0, description="Silence before any speech that ends the turn as a non-answer."
    )
    pause_s: float = Field(default=0.5, gt=0, description="A pause this long closes a stretch, which is transcribed.")
    early_s: float = Field(
        default=0.25, gt=0, description="A pause this long starts hearing the stretch, in case the turn is over."
    )
    long_stretch_s: float = Field(
        default=4.0, gt=0, description="A stretch this long closes at a pause of `long_pause_s` rather than `pause_s`."
    )
    long_pause_s: float = Field(default=0.35, gt=0, description="The pause that closes a long stretch.")
    window_s: float = Field(
        default=15.0,
        ge=0,
        description="The offline recogniser hears a stretch in a window of the stretch and this many seconds more, "
        "not Whisper's full 30 s: a short stretch is heard in about 60% of the time. 0: the full window.",
    )
    start_frames: int = Field(default=3, ge=1, description="Speech frames in a row (32 ms each) that start speech.")
    unsure_logprob: float = Field(
        default=-0.8,
        le=0,
        description="A spoken turn heard with a mean log-probability below this is not scored as heard.",
    )
    unsure_action: Literal["ask", "fix"] = Field(
        default="ask", description="For such a turn: ask the candidate to say it again, or give them the text to fix."
    )
    barge_in_frames: int = Field(
        default=10, ge=1, description="Frames in a row of strong speech that stop the interviewer talking."
    )
    barge_in_threshold: float = Field(
        default=0.9, gt=0, le=1, description="Speech probability a frame needs to count towards a barge-in."
    )
    barge_in_rms: float = Field(
        default=0.02, ge=0, description="Loudness (RMS, full scale 1.0) a frame needs to count towards a barge-in."
    )


class VoiceSettings(BaseModel):
    """Speech in and out. Offline: Whisper tiny.en hears, the browser speaks. Both can point at a served model."""

    stt: Literal["auto", "offline", "openai"] = Field(
        default="auto",
        description="auto: the OpenAI-compatible endpoint when configured, else the offline recogniser (Whisper "
        "tiny.en).",
    )
    stt_model: str = Field(default="whisper-1", description="Model for the /audio/transcriptions endpoint.")
    stt_base_url: str | None = Field(default=None, description="Transcriptions endpoint; defaults to the LLM's.")
    stt_api_key: SecretStr | None = Field(default=None, description="Key for it; defaults to the LLM's.")
    tts: Literal["browser", "espeak", "openai"] = Field(
        default="browser", description="browser (speech synthesis in the page), espeak (espeak-ng), or openai."
    )
    tts_model: str = Field(default="tts-1", description="Model for the /audio/speech endpoint.")
    tts_voice: str = Field(default="alloy", description="Voice name for the /audio/speech endpoint.")
    max_audio_s: float = Field(default=300.0, gt=0, description="Longest spoken answer accepted, in seconds.")
    max_audio_mb: float = Field(default=25.0, gt=0, description="Largest audio file accepted, in megabytes.")
    turns: TurnTakingSettings = Field(default_factory=TurnTakingSettings)


class AuthSettings(BaseModel):
    """Who may use the web app. Off by default. Accounts (one per candidate, each seeing only their own sessions)
    come from a users file (`interviewer users add`) or from a header set by an authenticating proxy; without them,
    one shared username and password can guard the app, with every session visible to whoever signs in."""

    username: str | None = Field(default=None, description="Login name for the web app (one shared login).")
    password: SecretStr | None = Field(default=None, description="Password for the web app (a secret).")
    users_file: Path | None = Field(
        default=None,
        description="Accounts: a users file written by `interviewer users add` (default: users.json in the data "
        "directory). With at least one user in it, everyone signs in and sees only their own sessions.",
    )
    trusted_header: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9-]{1,64}$",
        description="Accounts from an authenticating proxy (oauth2-proxy and similar): the request header holding "
        "the signed-in user, e.g. X-Forwarded-User. Only safe when the app is reachable through that proxy alone.",
    )

    @property
    def enabled(self) -> bool:
        return bool(self.username and self.password)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="INTERVIEWER_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Index, sessions and reports live here. Default: $XDG_DATA_HOME/interviewer.",
    )
    knowledge_dir: Path = Field(default=PACKAGE_DIR / "knowledge", description="The question bank (YAML).")
    profile_path: Path | None = Field(
        default=None,
        description="The company and team profile the interviewer answers questions from (YAML); default: "
        "profile.yaml in the knowledge directory.",
    )
    evals_dir: Path = Field(default=REPO_ROOT / "evals", description="Eval data and thresholds.")
    host: str = Field(default="127.0.0.1", description="Address the web app binds to.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port the web app listens on.")
    log_level: str = Field(default="WARNING", description="Python logging level.")
    chroma_url: str | None = Field(
        default=None,
        description="The bank's index on a running Chroma server (http://host:8000, `chroma run`) instead of the "
        "local folder in the data directory; for several app replicas.",
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="Sessions in PostgreSQL (postgresql://user:password@host:5432/db, needs the `postgres` extra) "
        "instead of the SQLite file in the data directory; for several app replicas.",
    )
    tiktoken_cache_dir: Path | None = Field(
        default=None, description="Folder holding tiktoken's cached BPE file; without it tokens are estimated."
    )
    llm: LLMSettings = Field(default_factory=LLMSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    voice: VoiceSettings = Field(default_factory=VoiceSettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def profile_file(self) -> Path:
        """The profile: `profile_path`, else profile.yaml in the knowledge directory, else the shipped one."""
        if self.profile_path is not None:
            return self.profile_path
        own = self.knowledge_dir / "profile.yaml"
        return own if own.is_file() else PACKAGE_DIR / "knowledge" / "profile.yaml"

    @property
    def rubric_vectors_file(self) -> Path:
        """Rubric vectors saved between runs, so a restart does not embed the bank's rubrics again."""
        return self.index_dir / "rubric-vectors.npz"

    @property
    def sessions_dir(self) -> Path:
        return self.data_dir / "sessions"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def users_file(self) -> Path:
        return self.auth.users_file or self.data_dir / "users.json"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once. Tests build `Settings(...)` directly instead."""
    return Settings()


def apply_tiktoken_cache(settings: Settings) -> None:
    """tiktoken reads its cache folder from the environment; this is the one place that sets it."""
    if settings.tiktoken_cache_dir is not None:
        os.environ["TIKTOKEN_CACHE_DIR"] = str(settings.tiktoken_cache_dir)


def child_env(settings: Settings) -> dict[str, str]:
    """Environment for a child `interviewer` process that should see these settings' data directory."""
    return {**os.environ, "INTERVIEWER_DATA_DIR": str(settings.data_dir)}
