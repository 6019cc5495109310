"""The company and team the interviewer speaks for (`knowledge/profile.yaml`, or `INTERVIEWER_PROFILE_PATH`):
answers to a candidate's clarifying questions and to their questions at the end, and an honest "that's open" or
"I don't know" where the profile has nothing, never a made-up fact."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from interviewer.bank.models import Clarification, clarify

DEFAULT_PROFILE = Path(__file__).resolve().parent.parent / "knowledge" / "profile.yaml"


class Topic(Clarification):
    id: str


class Profile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    company: str
    topics: list[Topic] = Field(default_factory=list)

    def answer(self, question: str) -> str | None:
        """The answer of the topic the question names most (ties: the first listed), or None."""
        return clarify(self.topics, question)


class ProfileError(ValueError):
    pass


@lru_cache(maxsize=4)
def load_profile(path: Path) -> Profile:
    """The profile at `path`; a clear error naming the file when it is missing or malformed."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Profile.model_validate(data)
    except FileNotFoundError as e:
        raise ProfileError(f"no interviewer profile at {path}: set INTERVIEWER_PROFILE_PATH to a profile YAML") from e
    except (yaml.YAMLError, ValueError) as e:
        raise ProfileError(f"the interviewer profile {path} is not valid: {e}") from e
